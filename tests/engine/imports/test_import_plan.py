"""The pure import plan: matching, create/update/unchanged/skip, value comparison, --domain."""

from __future__ import annotations

from typing import Any

import pytest

from odoosync.engine.compare import comparable, local_digest
from odoosync.engine.imports.plan import (
    CatalogIndex,
    ImportAction,
    ImportOptions,
    ImportState,
    LinkView,
    OdooProduct,
    changed_fields,
    parse_domain,
    plan_page,
    plan_product,
)
from odoosync.errors import ConfigError

FIELDS = ["title", "price", "ean"]


def product(
    odoo_id: int,
    *,
    title: str = "Lamp",
    price: Any = 10.0,
    barcode: str | None = None,
    external_key: str | None = None,
    write_date: str | None = "2025-01-01 10:00:00",
) -> OdooProduct:
    values = {"title": title, "price": price, "ean": barcode or ""}
    return OdooProduct(
        odoo_id=odoo_id,
        values=values,
        digest=local_digest(values, FIELDS),
        write_date=write_date,
        barcode=barcode,
        external_key=external_key,
    )


def index(*rows: dict[str, Any]) -> CatalogIndex:
    idx = CatalogIndex()
    for row in rows:
        idx.add(str(row["id"]), local_digest(row, FIELDS), row.get("ean") or None)
    return idx


ROW_P1 = {"id": "p1", "title": "Lamp", "price": "10", "ean": "4006381333931"}
ROW_P2 = {"id": "p2", "title": "Desk", "price": "99.5", "ean": ""}

# (case, product, catalog rows, links, options, expected action, expected key, matched_by)
CASES: list[
    tuple[
        str,
        OdooProduct,
        list[dict[str, Any]],
        dict[str, LinkView],
        ImportOptions,
        ImportAction,
        str | None,
        str | None,
    ]
] = [
    (
        "new product, no external id: odoo-<id>",
        product(7),
        [],
        {},
        ImportOptions(),
        ImportAction.CREATE,
        "odoo-7",
        None,
    ),
    (
        "new product with our external id: its key",
        product(7, external_key="abc"),
        [],
        {},
        ImportOptions(),
        ImportAction.CREATE,
        "abc",
        None,
    ),
    (
        "new product, --no-create-missing",
        product(7),
        [],
        {},
        ImportOptions(create_missing=False),
        ImportAction.SKIP,
        "odoo-7",
        None,
    ),
    (
        "linked and equal (numbers compare by value)",
        product(7, title="Lamp", price=10.0, barcode="4006381333931"),
        [ROW_P1],
        {"p1": LinkView("p1", 7)},
        ImportOptions(),
        ImportAction.UNCHANGED,
        "p1",
        "link",
    ),
    (
        "linked and different",
        product(7, title="Lamp XL", barcode="4006381333931"),
        [ROW_P1],
        {"p1": LinkView("p1", 7)},
        ImportOptions(),
        ImportAction.UPDATE,
        "p1",
        "link",
    ),
    (
        "linked and different, --no-update-existing",
        product(7, title="Lamp XL", barcode="4006381333931"),
        [ROW_P1],
        {"p1": LinkView("p1", 7)},
        ImportOptions(update_existing=False),
        ImportAction.SKIP,
        "p1",
        "link",
    ),
    (
        "linked, but the row is gone from the catalog: re-created under its key",
        product(7),
        [],
        {"p1": LinkView("p1", 7)},
        ImportOptions(),
        ImportAction.CREATE,
        "p1",
        None,
    ),
    (
        "matched by external id",
        product(9, title="Desk", price=99.5, external_key="p2"),
        [ROW_P2],
        {},
        ImportOptions(),
        ImportAction.UNCHANGED,
        "p2",
        "external_id",
    ),
    (
        "matched by barcode",
        product(9, title="Other", barcode="4006381333931"),
        [ROW_P1],
        {},
        ImportOptions(),
        ImportAction.UPDATE,
        "p1",
        "barcode",
    ),
    (
        "barcode of a row linked to another Odoo product: not a match",
        product(9, barcode="4006381333931"),
        [ROW_P1],
        {"p1": LinkView("p1", 3)},
        ImportOptions(),
        ImportAction.CREATE,
        "odoo-9",
        None,
    ),
    (
        "external id key linked to another Odoo product: falls back to odoo-<id>",
        product(9, external_key="p2"),
        [ROW_P2],
        {"p2": LinkView("p2", 3)},
        ImportOptions(),
        ImportAction.CREATE,
        "odoo-9",
        None,
    ),
    (
        "an odoo-<id> row from an earlier import without a link is matched by key",
        product(9, title="Desk", price=99.5),
        [{"id": "odoo-9", "title": "Desk", "price": 99.5, "ean": ""}],
        {},
        ImportOptions(),
        ImportAction.UNCHANGED,
        "odoo-9",
        "key",
    ),
    (
        "incremental overlap: same write_date and hash as the link is unchanged even if the row "
        "was edited locally since",
        product(7, title="Lamp XL", barcode="4006381333931"),
        [ROW_P1],
        {
            "p1": LinkView(
                "p1",
                7,
                odoo_hash=product(7, title="Lamp XL", barcode="4006381333931").digest,
                odoo_write_date="2025-01-01 10:00:00",
            )
        },
        ImportOptions(),
        ImportAction.UNCHANGED,
        "p1",
        "link",
    ),
    (
        "a newer write_date than the link's is an update",
        product(7, title="Lamp XL", barcode="4006381333931", write_date="2025-01-02 10:00:00"),
        [ROW_P1],
        {"p1": LinkView("p1", 7, odoo_hash="old", odoo_write_date="2025-01-01 10:00:00")},
        ImportOptions(),
        ImportAction.UPDATE,
        "p1",
        "link",
    ),
]


@pytest.mark.parametrize(
    ("product_", "rows", "links", "options", "action", "key", "matched_by"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_plan_product(
    product_: OdooProduct,
    rows: list[dict[str, Any]],
    links: dict[str, LinkView],
    options: ImportOptions,
    action: ImportAction,
    key: str | None,
    matched_by: str | None,
) -> None:
    planned = plan_product(product_, index(*rows), links, options, ImportState.from_links(links))
    assert (planned.action, planned.key, planned.matched_by) == (action, key, matched_by)
    assert planned.odoo_id == product_.odoo_id
    assert (planned.reason is not None) == (action is ImportAction.SKIP)


def test_a_key_is_claimed_once_across_pages() -> None:
    idx = index(ROW_P1)
    state = ImportState()
    first = plan_page(
        [product(7, barcode="4006381333931", title="A")], idx, {}, ImportOptions(), state
    )
    second = plan_page(
        [product(8, barcode="4006381333931", title="B")], idx, {}, ImportOptions(), state
    )
    assert first[0].action is ImportAction.UPDATE and first[0].key == "p1"
    assert second[0].action is ImportAction.SKIP
    assert "barcode" in (second[0].reason or "")


def test_the_same_record_twice_in_one_run_is_not_a_clash() -> None:
    state = ImportState()
    idx = CatalogIndex()
    a = plan_product(product(7), idx, {}, ImportOptions(), state)
    b = plan_product(product(7), idx, {}, ImportOptions(), state)
    assert a.action is ImportAction.CREATE
    assert b.action is ImportAction.CREATE and b.key == a.key


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (None, False, True),
        ("", False, True),
        ("15", 15, True),
        ("15.0", 15, True),
        (15.5, "15.50", True),
        ("0012", 12, True),
        ("abc", "abc ", True),
        ("abc", "abd", False),
        (True, "true", True),
        (False, "", True),
        (0, "", False),
        ([1, 2], (1, 2), True),
        ("4006381333931", 4006381333931, True),
        ("1e3", "1000", True),
        ("nan", "nan", True),
    ],
)
def test_comparable(a: Any, b: Any, equal: bool) -> None:
    assert (comparable(a) == comparable(b)) is equal


def test_values_digest_ignores_other_fields_and_form() -> None:
    local = {"id": "p1", "title": "Lamp", "price": "10.00", "ean": "", "supplier_id": 4}
    odoo = {"title": "Lamp", "price": 10.0, "ean": False}
    assert local_digest(local, FIELDS) == local_digest(odoo, FIELDS)
    assert local_digest(local, FIELDS) != local_digest({**odoo, "price": 11}, FIELDS)


def test_changed_fields() -> None:
    assert changed_fields({"title": "A", "price": "10"}, {"title": "B", "price": 10.0}) == {
        "title": ("A", "B")
    }


GOOD_DOMAINS = [
    ("[]", []),
    ('[["list_price", ">", 10]]', [["list_price", ">", 10]]),
    ('["|", ["name", "ilike", "lamp"], ["categ_id", "child_of", 5]]', None),
    ('["!", ["active", "=", true]]', None),
    ('[["name", "ilike", "a"], "|", ["list_price", ">", 1], ["list_price", "<", 0]]', None),
    ('[["categ_id.complete_name", "=", "All"]]', None),
    ('[["taxes_id", "any", [["amount", "=", 15]]]]', None),
    ('[["id", "in", [1, 2]]]', None),
]


@pytest.mark.parametrize(("text", "expected"), GOOD_DOMAINS)
def test_parse_domain_accepts(text: str, expected: list[Any] | None) -> None:
    fields = {"name", "list_price", "categ_id", "active", "taxes_id"}
    domain = parse_domain(text, fields)
    if expected is not None:
        assert domain == expected


BAD_DOMAINS = [
    ("[[", "not valid JSON"),
    ('{"name": 1}', "must be a JSON list"),
    ('"name"', "must be a JSON list"),
    ('[["name", "="]]', "is not a leaf"),
    ('[["name", "~", 1]]', "unknown operator '~'"),
    ('["^", ["name", "=", 1], ["name", "=", 2]]', "unknown operator '^'"),
    ('["|", ["name", "=", 1]]', "incomplete"),
    ('["!"]', "incomplete"),
    ('[["no_such_field", "=", 1]]', "'no_such_field' does not exist"),
    ('[["name", "in", "abc"]]', "needs a list"),
    ('[[1, "=", 1]]', "field name must be"),
    ('[["taxes_id", "any", 15]]', "sub-domain"),
]


@pytest.mark.parametrize(("text", "message"), BAD_DOMAINS)
def test_parse_domain_refuses(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_domain(text, {"name", "list_price", "taxes_id"})
    assert message in str(info.value)
    assert info.value.exit_code == 3


def test_parse_domain_without_fields_skips_the_field_check() -> None:
    assert parse_domain('[["anything", "=", 1]]') == [["anything", "=", 1]]
