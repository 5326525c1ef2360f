"""Domains over RPC: search, search_read and search_count on real products and categories.

One sandbox (seed "empty") holds a small catalog built over XML-RPC: a category tree under
"All / Saleable", products in it, one archived. Every test only reads it.
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from odoosync.sandbox import serve


@dataclass
class Catalog:
    url: str
    db: str
    uid: int
    categ: dict[str, int]
    product: dict[str, int]

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        proxy = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)
        return proxy.execute_kw(self.db, self.uid, "admin", model, method, list(args), kwargs)

    def search(self, domain: list[Any], **kwargs: Any) -> list[int]:
        return list(self.call("product.template", "search", domain, **kwargs))

    def names(self, domain: list[Any], **kwargs: Any) -> list[str]:
        rows = self.call("product.template", "search_read", domain, fields=["name"], **kwargs)
        return [row["name"] for row in rows]


PRODUCTS = [  # name, category, barcode, default_code, list_price
    ("Desk Lamp", "Saleable", "1000000000011", "LAMP-1", 12.5),
    ("Phone X", "Phones", "1000000000028", "PH-X", 499.0),
    ("Phone Case", "Phones", False, False, 9.99),
    ("Television", "Electronics", "1000000000035", "TV-55", 799.0),
    ("Old Radio", "Electronics", "1000000000042", "RADIO", 20.0),  # archived below
    ("Paper", "Expenses", False, "PAPER", 3.0),
]


@pytest.fixture(scope="module")
def cat() -> Iterator[Catalog]:
    with serve(seed="empty") as sb:
        common = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common")
        uid = common.authenticate(sb.database, "admin", "admin", {})
        c = Catalog(sb.url, sb.database, uid, {"All": 1, "Saleable": 2, "Expenses": 3}, {})
        c.categ["Electronics"] = c.call(
            "product.category", "create", {"name": "Electronics", "parent_id": 2}
        )
        c.categ["Phones"] = c.call(
            "product.category", "create", {"name": "Phones", "parent_id": c.categ["Electronics"]}
        )
        for name, categ, barcode, code, price in PRODUCTS:
            vals = {"name": name, "categ_id": c.categ[categ], "list_price": price}
            vals |= {"barcode": barcode, "default_code": code}
            c.product[name] = c.call("product.template", "create", vals)
        c.call("product.template", "write", [c.product["Old Radio"]], {"active": False})
        yield c


ACTIVE_NAMES = ["Desk Lamp", "Paper", "Phone Case", "Phone X", "Television"]  # by name


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        pytest.param([], ACTIVE_NAMES, id="empty domain: active products"),
        pytest.param([("name", "ilike", "phone")], ["Phone Case", "Phone X"], id="ilike"),
        pytest.param([("name", "like", "phone")], [], id="like is case sensitive"),
        pytest.param([("name", "=", "Phone X")], ["Phone X"], id="eq"),
        pytest.param([("barcode", "=", False)], ["Paper", "Phone Case"], id="barcode empty"),
        pytest.param(
            [("barcode", "in", ["1000000000011", "1000000000035"])],
            ["Desk Lamp", "Television"],
            id="barcode in",
        ),
        pytest.param(
            [("barcode", "in", ["1000000000042"])], [], id="archived barcode not found by default"
        ),
        pytest.param(
            [("barcode", "in", ["1000000000011", False])],
            ["Desk Lamp", "Paper", "Phone Case"],
            id="barcode in, with False",
        ),
        pytest.param(
            ["&", ("barcode", "=", "1000000000028"), ("name", "ilike", "phone")],
            ["Phone X"],
            id="barcode and name",
        ),
        pytest.param(
            [("default_code", "not ilike", "ph")],
            ["Desk Lamp", "Paper", "Phone Case", "Television"],
            id="not ilike keeps empty",
        ),
        pytest.param([("default_code", "=like", "PH-%")], ["Phone X"], id="=like"),
        pytest.param(
            [("list_price", ">", 10), ("list_price", "<", 500)],
            ["Desk Lamp", "Phone X"],
            id="range",
        ),
        pytest.param(
            ["|", ("name", "=", "Paper"), ("list_price", ">=", 799)],
            ["Paper", "Television"],
            id="or",
        ),
        pytest.param(
            ["!", ("name", "ilike", "phone")], ["Desk Lamp", "Paper", "Television"], id="not"
        ),
        pytest.param(
            [("categ_id", "child_of", "Electronics")],
            ["Phone Case", "Phone X", "Television"],
            id="child_of by name",
        ),
        pytest.param(
            [("categ_id", "child_of", 2)],
            ["Desk Lamp", "Phone Case", "Phone X", "Television"],
            id="child_of Saleable",
        ),
        pytest.param([("categ_id", "=", 3)], ["Paper"], id="m2o id"),
        pytest.param(
            [("categ_id", "ilike", "electronics")],
            ["Phone Case", "Phone X", "Television"],
            id="m2o name search on the complete name",
        ),
        pytest.param(
            [("categ_id.name", "=", "Phones")], ["Phone Case", "Phone X"], id="dotted path"
        ),
        pytest.param(
            [("categ_id", "any", [("parent_id.name", "=", "Electronics")])],
            ["Phone Case", "Phone X"],
            id="any",
        ),
        pytest.param(
            [("categ_id", "not any", [("name", "=", "Phones")])],
            ["Desk Lamp", "Paper", "Television"],
            id="not any",
        ),
        pytest.param([(0, "=", 1)], [], id="false leaf"),
    ],
)
def test_search_read_domains(cat: Catalog, domain: list[Any], expected: list[str]) -> None:
    assert cat.names(domain, order="name") == expected
    assert cat.call("product.template", "search_count", domain) == len(expected)


def test_search_returns_ids_of_matching_products(cat: Catalog) -> None:
    found = cat.search([("categ_id", "child_of", cat.categ["Phones"])], order="id")
    assert found == sorted([cat.product["Phone X"], cat.product["Phone Case"]])


def test_category_tree(cat: Catalog) -> None:
    phones, electronics = cat.categ["Phones"], cat.categ["Electronics"]
    rows = cat.call(
        "product.category",
        "search_read",
        [("id", "parent_of", phones)],
        fields=["complete_name", "parent_id"],
    )
    assert [(r["complete_name"], r["parent_id"]) for r in rows] == [
        ("All", False),
        ("All / Saleable", [1, "All"]),
        ("All / Saleable / Electronics", [2, "All / Saleable"]),
        ("All / Saleable / Electronics / Phones", [electronics, "All / Saleable / Electronics"]),
    ]
    children = cat.call("product.category", "search", [("id", "child_of", 2)])
    assert sorted(children) == sorted([2, electronics, phones])
    assert cat.call("product.category", "search", [("parent_id", "=", False)]) == [1]


@pytest.mark.parametrize(
    ("domain", "context", "expected"),
    [
        pytest.param([("active", "=", False)], {}, ["Old Radio"], id="active = False"),
        pytest.param(
            [("active", "in", [True, False]), ("categ_id", "=", "Electronics")],
            {},
            [],
            id="m2o = name needs the full display name",
        ),
        pytest.param(
            [("active", "in", [True, False]), ("categ_id.name", "=", "Electronics")],
            {},
            ["Old Radio", "Television"],
            id="active in both",
        ),
        pytest.param(
            [("categ_id.name", "=", "Electronics")],
            {"active_test": False},
            ["Old Radio", "Television"],
            id="context active_test False",
        ),
        pytest.param(
            [("categ_id.name", "=", "Electronics")], {}, ["Television"], id="archived hidden"
        ),
        pytest.param(
            ["!", ("active", "=", True)], {}, ["Old Radio"], id="domain naming active under !"
        ),
    ],
)
def test_archived_products(
    cat: Catalog, domain: list[Any], context: dict[str, Any], expected: list[str]
) -> None:
    assert cat.names(domain, order="name", context=context) == expected
    count = cat.call("product.template", "search_count", domain, context=context)
    assert count == len(expected)


def test_read_by_id_does_not_filter_archived(cat: Catalog) -> None:
    radio = cat.product["Old Radio"]
    rows = cat.call("product.template", "read", [radio], fields=["name", "active"])
    assert rows == [{"id": radio, "name": "Old Radio", "active": False}]


def test_default_order_is_by_name(cat: Catalog) -> None:
    assert cat.names([]) == ACTIVE_NAMES


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("list_price desc", ["Television", "Phone X", "Desk Lamp", "Phone Case", "Paper"]),
        ("list_price", ["Paper", "Phone Case", "Desk Lamp", "Phone X", "Television"]),
        ("name desc", list(reversed(ACTIVE_NAMES))),
        ("default_code, name", ["Desk Lamp", "Paper", "Phone X", "Television", "Phone Case"]),
    ],
)
def test_order(cat: Catalog, order: str, expected: list[str]) -> None:
    assert cat.names([], order=order) == expected


def test_order_by_id_desc(cat: Catalog) -> None:
    ids = cat.search([], order="id desc")
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == len(ACTIVE_NAMES)


@pytest.mark.parametrize(
    ("offset", "limit", "expected"),
    [
        (0, 2, ["Television", "Phone X"]),
        (2, 2, ["Desk Lamp", "Phone Case"]),
        (4, 2, ["Paper"]),
        (5, 2, []),
        (1, None, ["Phone X", "Desk Lamp", "Phone Case", "Paper"]),
    ],
)
def test_limit_and_offset(
    cat: Catalog, offset: int, limit: int | None, expected: list[str]
) -> None:
    kwargs: dict[str, Any] = {"order": "list_price desc", "offset": offset}
    if limit is not None:
        kwargs["limit"] = limit
    assert cat.names([], **kwargs) == expected
    ids = cat.search([], **kwargs)
    assert ids == [cat.product[name] for name in expected]


def test_search_count_with_limit(cat: Catalog) -> None:
    assert cat.call("product.template", "search_count", [], limit=2) == 2
    assert cat.call("product.template", "search_count", []) == len(ACTIVE_NAMES)


@pytest.mark.parametrize(
    ("domain", "last_line"),
    [
        pytest.param(
            [("name", "bogus", 1)], "ValueError: Invalid leaf ('name', 'bogus', 1)", id="operator"
        ),
        pytest.param(
            [("categ_id.nope", "=", 1)],
            "ValueError: Invalid field product.category.nope in leaf ('nope', '=', 1)",
            id="field after a dot",
        ),
        pytest.param(
            ["|", ("name", "=", "x")],
            "ValueError: Domain ['|', ['name', '=', 'x']] is syntactically not correct.",
            id="arity",
        ),
    ],
)
def test_malformed_domains_fault_1(cat: Catalog, domain: list[Any], last_line: str) -> None:
    with pytest.raises(xmlrpc.client.Fault) as info:
        cat.call("product.template", "search_read", domain, fields=["name"])
    assert info.value.faultCode == 1
    assert info.value.faultString.rstrip("\n").splitlines()[-1] == last_line


def test_domain_that_is_not_a_list_fault_1(cat: Catalog) -> None:
    with pytest.raises(xmlrpc.client.Fault) as info:
        cat.call("product.template", "search_count", "name")
    assert info.value.faultCode == 1
    assert info.value.faultString.rstrip("\n").splitlines()[-1] == (
        "AssertionError: Domains to normalize must have a 'domain' form: a list or tuple of "
        "domain components"
    )
