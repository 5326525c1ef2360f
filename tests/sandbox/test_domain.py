"""odoosync.sandbox.domain: Odoo 17 domain semantics over an in-memory store."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from odoosync.sandbox.domain import DomainError, DomainSource, filter_ids

FIELDS: dict[str, dict[str, dict[str, Any]]] = {
    "product.template": {
        "id": {"type": "integer"},
        "name": {"type": "char"},
        "barcode": {"type": "char"},
        "default_code": {"type": "char"},
        "list_price": {"type": "float"},
        "weight": {"type": "float"},
        "active": {"type": "boolean"},
        "sale_ok": {"type": "boolean"},
        "categ_id": {"type": "many2one", "relation": "product.category"},
        "taxes_id": {"type": "many2many", "relation": "account.tax"},
        "launch_date": {"type": "date"},
        "write_date": {"type": "datetime"},
    },
    "product.category": {
        "id": {"type": "integer"},
        "name": {"type": "char"},
        "complete_name": {"type": "char"},
        "parent_id": {"type": "many2one", "relation": "product.category"},
        "child_id": {"type": "one2many", "relation": "product.category"},
    },
    "account.tax": {
        "id": {"type": "integer"},
        "name": {"type": "char"},
        "amount": {"type": "float"},
        "active": {"type": "boolean"},
    },
}

CATEGORIES = [  # id, name, parent
    (1, "All", False),
    (2, "Saleable", 1),
    (3, "Expenses", 1),
    (4, "Electronics", 2),
    (5, "Phones", 4),
]
TAXES = [
    {"id": 1, "name": "15%", "amount": 15.0, "active": True},
    {"id": 2, "name": "5%", "amount": 5.0, "active": True},
    {"id": 3, "name": "Old 20%", "amount": 20.0, "active": False},
]
P = ("id", "name", "barcode", "default_code", "list_price", "weight", "active", "sale_ok")
Q = ("categ_id", "taxes_id", "launch_date", "write_date")
PRODUCTS = [
    dict(zip(P + Q, row, strict=True))
    for row in [
        (10, "Desk Lamp", "111", "LAMP-1", 12.5, 0.75, True, True,
         2, [1], "2024-01-15", "2024-01-15 10:00:00"),
        (11, "Phone X", "222", "PH_X", 499.0, 0.2, True, True,
         5, [1, 2], "2024-03-01", "2024-03-01 00:00:00"),
        (12, "Phone Case", False, False, 9.99, 0.0, True, False,
         5, [], False, "2024-02-29 23:59:59"),
        (13, "Old Radio", "333", "RADIO%1", 20.0, 1.5, False, True,
         4, [3], "2023-12-31", "2023-12-31 12:00:00"),
        (14, "Expense Item", False, "exp_1", 0.0, 0.0, True, False,
         3, [2, 3], "2024-01-01", "2024-01-01 08:30:00"),
        (15, "desk chair", "444", "CHAIR", 150.0, 7.0, True, True,
         2, [1], False, "2024-05-05 05:05:05"),
    ]
]  # fmt: skip
ACTIVE = [10, 11, 12, 14, 15]
ALL = [10, 11, 12, 13, 14, 15]


class FakeStore:
    """A DomainSource over dicts; name search matches the record's display name."""

    def __init__(self, records: Mapping[str, list[dict[str, Any]]]) -> None:
        self.records = {model: {r["id"]: r for r in rows} for model, rows in records.items()}

    def field_def(self, model: str, name: str) -> Mapping[str, Any] | None:
        return FIELDS[model].get(name)

    def record(self, model: str, rec_id: int) -> Mapping[str, Any] | None:
        return self.records[model].get(rec_id)

    def all_ids(self, model: str) -> Iterable[int]:
        return list(self.records[model])

    def name_search_ids(self, model: str, name: str, operator: str) -> set[int]:
        rec_name = "complete_name" if model == "product.category" else "name"
        return set(filter_ids(self, model, [(rec_name, operator, name)], active_test=False))

    def parent_field(self, model: str) -> str | None:
        return "parent_id" if model == "product.category" else None


def make_store() -> FakeStore:
    names = {cid: name for cid, name, _ in CATEGORIES}
    parents = {cid: parent for cid, _, parent in CATEGORIES}

    def complete(cid: int) -> str:
        parent = parents[cid]
        return f"{complete(parent)} / {names[cid]}" if parent else names[cid]

    categories = [
        {
            "id": cid,
            "name": name,
            "complete_name": complete(cid),
            "parent_id": parent,
            "child_id": [c for c, _, p in CATEGORIES if p == cid],
        }
        for cid, name, parent in CATEGORIES
    ]
    return FakeStore(
        {"product.template": PRODUCTS, "product.category": categories, "account.tax": TAXES}
    )


STORE = make_store()


def search(domain: Any, **kwargs: Any) -> list[int]:
    return filter_ids(STORE, "product.template", domain, **kwargs)


def test_fake_store_is_a_domain_source() -> None:
    source: DomainSource = STORE
    assert sorted(source.all_ids("account.tax")) == [1, 2, 3]


CASES: list[tuple[str, list[Any], list[int]]] = [
    ("empty domain: active only", [], ACTIVE),
    ("eq char", [("name", "=", "Phone X")], [11]),
    ("eq is case sensitive", [("name", "=", "phone x")], []),
    ("neq includes empty", [("default_code", "!=", "PH_X")], [10, 12, 14, 15]),
    ("<> as !=", [("name", "<>", "Phone X")], [10, 12, 14, 15]),
    ("gt float", [("list_price", ">", 20)], [11, 15]),
    ("ge float", [("list_price", ">=", 20)], [11, 15]),
    ("lt float", [("list_price", "<", 10)], [12, 14]),
    ("le float", [("list_price", "<=", 12.5)], [10, 12, 14]),
    ("number given as text", [("list_price", "=", "12.5")], [10]),
    ("eq zero is a value", [("weight", "=", 0)], [12, 14]),
    ("eq False: empty", [("barcode", "=", False)], [12, 14]),
    ("eq None: empty", [("barcode", "=", None)], [12, 14]),
    ("neq False: set", [("barcode", "!=", False)], [10, 11, 15]),
    ("in with False", [("barcode", "in", ["111", False])], [10, 12, 14]),
    ("not in keeps empty", [("barcode", "not in", ["111"])], [11, 12, 14, 15]),
    ("not in with False", [("barcode", "not in", ["111", False])], [11, 15]),
    ("in empty list", [("barcode", "in", [])], []),
    ("not in empty list", [("barcode", "not in", [])], ACTIVE),
    ("in a tuple", [("barcode", "in", ("111", "444"))], [10, 15]),
    ("in False: is_false shortcut", [("barcode", "in", False)], []),
    ("not in a boolean is !=", [("barcode", "not in", False)], [10, 11, 15]),
    ("in True is =", [("sale_ok", "in", True)], [10, 11, 15]),
    ("= a list is in", [("categ_id", "=", [2, 3])], [10, 14, 15]),
    ("!= a list is not in", [("categ_id", "!=", [2, 3])], [11, 12]),
    ("=? False: true", [("barcode", "=?", False)], ACTIVE),
    ("=? None: true", [("barcode", "=?", None)], ACTIVE),
    ("=? value: =", [("barcode", "=?", "222")], [11]),
    ("like adds %", [("name", "like", "Phone")], [11, 12]),
    ("like is case sensitive", [("name", "like", "phone")], []),
    ("ilike", [("name", "ilike", "phone")], [11, 12]),
    ("ilike upper", [("name", "ilike", "DESK")], [10, 15]),
    ("not ilike", [("name", "not ilike", "desk")], [11, 12, 14]),
    ("not ilike keeps empty", [("default_code", "not ilike", "x")], [10, 12, 15]),
    ("not like", [("default_code", "not like", "X")], [10, 12, 14, 15]),
    ("like _ is one char", [("default_code", "like", "_")], [10, 11, 14, 15]),
    ("like %% inside", [("name", "like", "P%e")], [11, 12]),
    ("=like exact", [("default_code", "=like", "PH_X")], [11]),
    ("=like escaped _", [("default_code", "=like", "PH\\_%")], [11]),
    ("=like no implicit %", [("default_code", "=like", "PH")], []),
    ("=like case", [("default_code", "=like", "ph_x")], []),
    ("=ilike", [("default_code", "=ilike", "ph_x")], [11]),
    ("=ilike suffix", [("default_code", "=ilike", "%1")], [10, 14]),
    ("ilike empty: everything", [("default_code", "ilike", "")], ACTIVE),
    ("not like empty: only empty", [("default_code", "not like", "")], [12]),
    ("like on a number", [("list_price", "like", "99")], [11, 12]),
    ("date ge", [("launch_date", ">=", "2024-01-15")], [10, 11]),
    ("date lt", [("launch_date", "<", "2024-01-15")], [14]),
    ("date eq", [("launch_date", "=", "2024-03-01")], [11]),
    ("date empty", [("launch_date", "=", False)], [12, 15]),
    ("datetime <= a day: end of day", [("write_date", "<=", "2024-02-29")], [10, 12, 14]),
    ("datetime > a day: after it", [("write_date", ">", "2024-02-29")], [11, 15]),
    ("datetime < a day: before it", [("write_date", "<", "2024-01-15")], [14]),
    ("datetime >= a day: from its start", [("write_date", ">=", "2024-03-01")], [11, 15]),
    ("datetime eq", [("write_date", "=", "2024-01-15 10:00:00")], [10]),
    ("m2o eq id", [("categ_id", "=", 5)], [11, 12]),
    ("m2o in ids", [("categ_id", "in", [2, 3])], [10, 14, 15]),
    ("m2o neq id", [("categ_id", "!=", 5)], [10, 14, 15]),
    ("m2o eq False", [("categ_id", "=", False)], []),
    ("m2o eq name", [("categ_id", "=", "All / Saleable")], [10, 15]),
    ("m2o ilike name", [("categ_id", "ilike", "electronics")], [11, 12]),
    ("m2o not ilike name", [("categ_id", "not ilike", "phones")], [10, 14, 15]),
    ("m2o in names", [("categ_id", "in", ["All / Expenses", "All / Saleable"])], [10, 14, 15]),
    ("m2o not in names", [("categ_id", "not in", ["All / Expenses", "All / Saleable"])], [11, 12]),
    ("m2o != name", [("categ_id", "!=", "All / Saleable")], [11, 12, 14]),
    ("child_of id", [("categ_id", "child_of", 4)], [11, 12]),
    ("child_of subtree", [("categ_id", "child_of", 2)], [10, 11, 12, 15]),
    ("child_of ids", [("categ_id", "child_of", [3, 5])], [11, 12, 14]),
    ("child_of name", [("categ_id", "child_of", "Saleable")], [10, 11, 12, 15]),
    ("child_of False", [("categ_id", "child_of", False)], []),
    ("parent_of", [("categ_id", "parent_of", 4)], [10, 15]),
    ("parent_of leaf", [("categ_id", "parent_of", [3])], [14]),
    ("dotted m2o", [("categ_id.name", "=", "Phones")], [11, 12]),
    ("dotted two hops", [("categ_id.parent_id.name", "=", "Electronics")], [11, 12]),
    ("dotted negative is any", [("categ_id.name", "!=", "Phones")], [10, 14, 15]),
    ("not dotted is not any", ["!", ("categ_id.name", "=", "Phones")], [10, 14, 15]),
    ("m2m eq id", [("taxes_id", "=", 1)], [10, 11, 15]),
    ("m2m in ids", [("taxes_id", "in", [2])], [11, 14]),
    ("m2m neq: none is", [("taxes_id", "!=", 1)], [12, 14]),
    ("m2m not in", [("taxes_id", "not in", [1, 2])], [12]),
    ("m2m eq False: none", [("taxes_id", "=", False)], [12]),
    ("m2m neq False: some", [("taxes_id", "!=", False)], [10, 11, 14, 15]),
    ("m2m in empty", [("taxes_id", "in", [])], []),
    ("m2m eq name", [("taxes_id", "=", "5%")], [11, 14]),
    ("m2m ilike name", [("taxes_id", "ilike", "15")], [10, 11, 15]),
    ("m2m not ilike name", [("taxes_id", "not ilike", "15")], [12, 14]),
    ("dotted m2m skips archived taxes", [("taxes_id.amount", ">", 10)], [10, 11, 15]),
    ("any m2m", [("taxes_id", "any", [("amount", "=", 5)])], [11, 14]),
    ("not any m2m", [("taxes_id", "not any", [("amount", "=", 5)])], [10, 12, 15]),
    ("any m2o", [("categ_id", "any", [("name", "=", "Phones")])], [11, 12]),
    ("not any m2o", [("categ_id", "not any", [("name", "=", "Saleable")])], [11, 12, 14]),
    ("any nested dotted", [("categ_id", "any", [("parent_id.name", "=", "All")])], [10, 14, 15]),
    ("bool eq True", [("sale_ok", "=", True)], [10, 11, 15]),
    ("bool eq False", [("sale_ok", "=", False)], [12, 14]),
    ("bool neq True", [("sale_ok", "!=", True)], [12, 14]),
    ("bool in [False]", [("sale_ok", "in", [False])], [12, 14]),
    ("bool not in [False]", [("sale_ok", "not in", [False])], [10, 11, 15]),
    ("bool eq 1", [("sale_ok", "=", 1)], [10, 11, 15]),
    ("active False", [("active", "=", False)], [13]),
    ("active both", [("active", "in", [True, False])], ALL),
    ("active neq True", [("active", "!=", True)], [13]),
    ("active under !", ["!", ("active", "=", True)], [13]),
    ("active.x does not count", [("id", "in", [13])], []),
    ("id in", [("id", "in", [10, 13, 99])], [10]),
    ("id gt", [("id", ">", 13)], [14, 15]),
    ("true leaf", [(1, "=", 1)], ACTIVE),
    ("false leaf", [(0, "=", 1)], []),
    ("not false leaf", ["!", (0, "=", 1)], ACTIVE),
    ("leaves as lists", [["name", "=", "Phone X"]], [11]),
    ("or", ["|", ("name", "=", "Phone X"), ("barcode", "=", "111")], [10, 11]),
    ("implicit and", [("list_price", ">", 5), ("list_price", "<", 200)], [10, 12, 15]),
    ("three implicit", [("sale_ok", "=", True), ("categ_id", "child_of", 2), ("weight", "<", 1)],
     [10, 11]),
    ("and of or", ["&", "|", ("categ_id", "=", 2), ("categ_id", "=", 3), ("sale_ok", "=", True)],
     [10, 15]),
    ("or of and", ["|", "&", ("categ_id", "=", 2), ("sale_ok", "=", True), ("barcode", "=", "222")],
     [10, 11, 15]),
    ("not or", ["!", "|", ("categ_id", "=", 2), ("categ_id", "=", 3)], [11, 12]),
    ("not not", ["!", "!", ("name", "=", "Phone X")], [11]),
    ("not eq includes empty", ["!", ("barcode", "=", "111")], [11, 12, 14, 15]),
    ("not lt excludes empty", ["!", ("launch_date", "<", "2024-01-15")], [10, 11]),
    ("not =like excludes empty (SQL NOT)", ["!", ("default_code", "=like", "PH%")], [10, 14, 15]),
    ("not child_of", ["!", ("categ_id", "child_of", 4)], [10, 14, 15]),
    ("not =? False: nothing", ["!", ("barcode", "=?", False)], []),
    ("not <> is =", ["!", ("name", "<>", "Phone X")], [11]),
    ("is_false shortcut skips checks", [("no_such_field", "in", [])], []),
]  # fmt: skip


@pytest.mark.parametrize(("domain", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_domain_on_templates(domain: list[Any], expected: list[int]) -> None:
    assert search(domain) == expected


INACTIVE_CASES: list[tuple[str, list[Any], list[int]]] = [
    ("everything", [], ALL),
    ("ge float", [("list_price", ">=", 20)], [11, 13, 15]),
    ("dotted m2m sees archived taxes", [("taxes_id.amount", ">", 10)], [10, 11, 13, 14, 15]),
    ("dotted two hops", [("categ_id.parent_id.name", "=", "Saleable")], [13]),
    ("parent_of", [("categ_id", "parent_of", 4)], [10, 13, 15]),
]


@pytest.mark.parametrize(
    ("domain", "expected"), [c[1:] for c in INACTIVE_CASES], ids=[c[0] for c in INACTIVE_CASES]
)
def test_active_test_false(domain: list[Any], expected: list[int]) -> None:
    assert search(domain, active_test=False) == expected


CATEGORY_CASES: list[tuple[str, list[Any], list[int]]] = [
    ("id child_of", [("id", "child_of", 2)], [2, 4, 5]),
    ("id child_of name", [("id", "child_of", "Electronics")], [4, 5]),
    ("parent_id child_of (same model)", [("parent_id", "child_of", 2)], [2, 4, 5]),
    ("id parent_of", [("id", "parent_of", 5)], [1, 2, 4, 5]),
    ("id parent_of ids", [("id", "parent_of", [3, 4])], [1, 2, 3, 4]),
    ("parent_of False ignored", [("id", "parent_of", [False])], []),
    ("roots", [("parent_id", "=", False)], [1]),
    ("o2m has child", [("child_id", "=", 4)], [2]),
    ("o2m no children", [("child_id", "=", False)], [3, 5]),
    ("o2m some children", [("child_id", "!=", False)], [1, 2, 4]),
    ("o2m child_of same model: by id (parent store)", [("child_id", "child_of", 5)], [5]),
    ("dotted o2m", [("child_id.name", "ilike", "ex")], [1]),
    ("no active field: no implicit filter", [("name", "!=", "x")], [1, 2, 3, 4, 5]),
]


@pytest.mark.parametrize(
    ("domain", "expected"), [c[1:] for c in CATEGORY_CASES], ids=[c[0] for c in CATEGORY_CASES]
)
def test_domain_on_categories(domain: list[Any], expected: list[int]) -> None:
    assert filter_ids(STORE, "product.category", domain) == expected


def test_ids_are_filtered_in_the_order_given() -> None:
    assert search([("sale_ok", "=", True)], ids=[15, 99, 13, 10, 12]) == [15, 10]
    assert search([], ids=[]) == []


ERRORS: list[tuple[str, Any, str]] = [
    ("unknown field (observation 31)", [("no_such_field", "=", 1)],
     "ValueError: Invalid field product.template.no_such_field in leaf ('no_such_field', '=', 1)"),
    ("unknown field in a list leaf", [["no_such_field", "in", [1, 2]]],
     "ValueError: Invalid field product.template.no_such_field in leaf "
     "('no_such_field', 'in', [1, 2])"),
    ("unknown field after a dot", [("categ_id.nope", "=", 1)],
     "ValueError: Invalid field product.category.nope in leaf ('nope', '=', 1)"),
    ("unknown field inside any", [("taxes_id", "any", [("nope", "=", 1)])],
     "ValueError: Invalid field account.tax.nope in leaf ('nope', '=', 1)"),
    ("empty field name", [("", "=", 1)],
     "ValueError: Invalid field product.template. in leaf ('', '=', 1)"),
    ("unknown operator", [("name", "bogus", 1)], "ValueError: Invalid leaf ('name', 'bogus', 1)"),
    ("upper-case operator", [("name", "ILIKE", "x")],
     "ValueError: Invalid leaf ('name', 'ILIKE', 'x')"),
    ("! as leaf operator", [("name", "!", 1)], "ValueError: Invalid leaf ('name', '!', 1)"),
    ("& as leaf operator", [("name", "&", 1)], "ValueError: Invalid leaf ('name', '&', 1)"),
    ("unknown operator under !", ["!", ("name", "==", 1)],
     "ValueError: Invalid leaf ('name', '==', 1)"),
    ("unknown operator after a dot", [("categ_id.name", "~", "x")],
     "ValueError: Invalid leaf ('name', '~', 'x')"),
    ("missing operand", ["|", ("name", "=", "x")],
     "ValueError: Domain ['|', ('name', '=', 'x')] is syntactically not correct."),
    ("missing operand, list leaves", ["&", ["name", "=", "x"]],
     "ValueError: Domain ['&', ['name', '=', 'x']] is syntactically not correct."),
    ("leaf of two", [("name", "=")], "ValueError: not enough values to unpack (expected 3, got 2)"),
    ("leaf of four", [("name", "=", "x", "y")],
     "ValueError: too many values to unpack (expected 3)"),
    ("leaf of one", [("name",)], "IndexError: tuple index out of range"),
    ("not a list", "name", "AssertionError: Domains to normalize must have a 'domain' form: "
     "a list or tuple of domain components"),
    ("a number as a leaf", [5], "TypeError: 'int' object is not subscriptable"),
    ("in a number", [("id", "in", 5)], "ValueError: Invalid domain term ('id', 'in', 5)"),
    ("in a string", [("barcode", "not in", "abc")],
     "ValueError: Invalid domain term ('barcode', 'not in', 'abc')"),
    ("float from bad text", [("list_price", "=", "abc")],
     "ValueError: could not convert string to float: 'abc'"),
    ("child_of without parent field", [("id", "child_of", 10)], "KeyError: 'parent_id'"),
    ("dotted non-relational", [("name.foo", "=", 1)],
     "AssertionError: Invalid field 'name.foo' in domain term ('name.foo', '=', 1)"),
]  # fmt: skip


@pytest.mark.parametrize(("domain", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors_carry_odoo17_last_line(domain: Any, message: str) -> None:
    with pytest.raises(DomainError) as info:
        search(domain)
    assert info.value.odoo_message == message
    assert str(info.value) == message


def test_any_is_an_invalid_operator_before_17() -> None:
    domain = [("taxes_id", "any", [("amount", "=", 5)])]
    with pytest.raises(DomainError) as info:
        search(domain, version=16)
    assert info.value.odoo_message == (
        "ValueError: Invalid leaf ('taxes_id', 'any', [('amount', '=', 5)])"
    )
    assert search([("taxes_id.amount", "=", 5)], version=16) == [11, 14]  # dotted paths still work


def test_odoo19_wording() -> None:
    with pytest.raises(DomainError) as info:
        search([("no_such_field", "=", 1)], version=19)
    assert info.value.odoo_message == (
        "ValueError: Invalid field product.template.no_such_field in condition "
        "('no_such_field', '=', 1)"
    )
    with pytest.raises(DomainError) as info:
        search([("name", "bogus", 1)], version=19)
    assert (
        info.value.odoo_message == "ValueError: Invalid operator in condition ('name', 'bogus', 1)"
    )


# -- properties: '!', '|' and '&' are complement, union and intersection --------------------
# (for leaves whose Odoo negation is exact: on fields never empty, or '='/'in' style operators)

LEAVES = [
    ("name", "ilike", "phone"),
    ("name", "=", "Phone X"),
    ("barcode", "=", False),
    ("barcode", "in", ["111", False]),
    ("barcode", "!=", "222"),
    ("default_code", "not ilike", "x"),
    ("list_price", ">", 20),
    ("list_price", "<=", 12.5),
    ("sale_ok", "=", True),
    ("categ_id", "=", 5),
    ("categ_id", "in", [2, 3]),
    ("categ_id", "ilike", "saleable"),
    ("categ_id.name", "=", "Phones"),
    ("taxes_id", "in", [2]),
    ("taxes_id", "=", False),
    ("taxes_id", "any", [("amount", ">", 10)]),
    ("write_date", ">=", "2024-02-01"),
    ("id", "in", [10, 11, 13]),
    (1, "=", 1),
    (0, "=", 1),
]


def domains() -> st.SearchStrategy[list[Any]]:
    leaf = st.sampled_from(LEAVES).map(lambda leaf: [leaf])
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(inner).map(lambda t: ["!", *t[0]]),
            st.tuples(st.sampled_from(["&", "|"]), inner, inner).map(
                lambda t: [t[0], *t[1], *t[2]]
            ),
        ),
        max_leaves=6,
    )


@settings(max_examples=150, deadline=None)
@given(domains(), domains(), st.booleans())
def test_boolean_algebra(a: list[Any], b: list[Any], active_test: bool) -> None:
    universe = set(ACTIVE if active_test else ALL)
    found_a = set(search(a, active_test=active_test))
    found_b = set(search(b, active_test=active_test))
    assert set(search(["!", *a], active_test=active_test)) == universe - found_a
    assert set(search(["|", *a, *b], active_test=active_test)) == found_a | found_b
    assert set(search(["&", *a, *b], active_test=active_test)) == found_a & found_b
    assert set(search([*a, *b], active_test=active_test)) == found_a & found_b


# -- speed: compiled once, evaluated per record ---------------------------------------------


def test_ten_thousand_records_three_leaves_well_under_100ms() -> None:
    rows: list[dict[str, Any]] = [
        {
            "id": i,
            "name": f"Product {i}",
            "barcode": str(1000 + i) if i % 3 else False,
            "default_code": f"P{i}",
            "list_price": float(i % 500),
            "weight": 1.0,
            "active": i % 10 != 0,
            "sale_ok": True,
            "categ_id": 2 + i % 4,
            "taxes_id": [1 + i % 2],
            "launch_date": False,
            "write_date": "2024-01-01 00:00:00",
        }
        for i in range(1, 10_001)
    ]
    store = FakeStore({"product.template": rows, "product.category": [], "account.tax": TAXES})
    domain = [("list_price", ">", 100), ("name", "ilike", "product 1"), ("barcode", "!=", False)]
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        found = filter_ids(store, "product.template", domain)
        best = min(best, time.perf_counter() - started)
    expected = [
        r["id"]
        for r in rows
        if r["active"]
        and r["list_price"] > 100
        and "product 1" in r["name"].lower()
        and r["barcode"]
    ]
    assert found == expected
    assert best < 0.1, f"{best * 1000:.0f} ms"
