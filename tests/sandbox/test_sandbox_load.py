"""``load`` as Odoo 17 runs it (odoo/models.py ``load``/``_extract_records``/``_convert_records``/
``_load_records``, odoo/addons/base/models/ir_fields.py), over a real socket."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, serve


class Rpc:
    def __init__(self, sb: SandboxHandle, uid: int = 2, password: str = "admin") -> None:
        self.proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object", allow_none=True)
        self.uid = uid
        self.password = password

    def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.proxy.execute_kw(
            "odoosync", self.uid, self.password, model, method, list(args), kwargs
        )

    def load(self, fields: list[str], rows: list[list[str]], **context: Any) -> dict[str, Any]:
        kwargs = {"context": context} if context else {}
        result: dict[str, Any] = self("product.template", "load", fields, rows, **kwargs)
        return result


@pytest.fixture
def sb() -> Iterator[SandboxHandle]:
    with serve(seed="empty") as handle:
        yield handle


@pytest.fixture
def rpc(sb: SandboxHandle) -> Rpc:
    return Rpc(sb)


def rows_of(rpc: Rpc) -> int:
    return int(rpc("product.template", "search_count", []))


def test_empty_taxes_column_creates_a_product_without_taxes(rpc: Rpc) -> None:
    """An empty cell becomes False and is sent: it overrides the default sale tax."""
    result = rpc.load(["id", "name", "taxes_id", "list_price"], [["p1", "A", "", ""]])
    [pid] = result["ids"]
    assert rpc("product.template", "read", [pid], ["taxes_id", "list_price"]) == [
        {"id": pid, "taxes_id": [], "list_price": 0.0}
    ]
    # without the column the default tax (the company's sale tax) is attached
    [other] = rpc.load(["id", "name"], [["p2", "B"]])["ids"]
    assert rpc("product.template", "read", [other], ["taxes_id"])[0]["taxes_id"] == [1]


def test_empty_taxes_cell_clears_taxes_on_update(rpc: Rpc) -> None:
    [pid] = rpc.load(["id", "name"], [["p1", "A"]])["ids"]
    assert rpc.load(["id", "taxes_id/.id"], [["p1", ""]])["ids"] == [pid]
    assert rpc("product.template", "read", [pid], ["taxes_id"])[0]["taxes_id"] == []


def test_write_false_on_many2many_clears_it(rpc: Rpc) -> None:
    pid = rpc("product.template", "create", {"name": "A"})
    assert rpc("product.template", "write", [pid], {"taxes_id": False}) is True
    assert rpc("product.template", "read", [pid], ["taxes_id"])[0]["taxes_id"] == []


def test_conversion_error_message_shape(rpc: Rpc) -> None:
    result = rpc.load(["id", "name", "list_price"], [["p1", "A", "12,5"]])
    assert result == {
        "ids": False,
        "nextrow": 0,
        "messages": [
            {
                "rows": {"from": 0, "to": 0},
                "type": "error",
                "record": 0,
                "field": "list_price",
                "message": "'12,5' does not seem to be a number for field 'Sales Price'",
                "field_name": "Sales Price",
            }
        ],
    }


def test_every_bad_field_of_a_row_is_reported(rpc: Rpc) -> None:
    result = rpc.load(["name", "list_price", "sale_ok"], [["A", "abc", "maybe"]])
    assert [(m["field"], m["message"]) for m in result["messages"]] == [
        ("list_price", "'abc' does not seem to be a number for field 'Sales Price'"),
        ("sale_ok", "Unknown value 'maybe' for boolean field 'Can be Sold'"),
    ]
    assert result["messages"][1]["moreinfo"] == "Use '1' for yes and '0' for no"


def test_char_cells_are_not_stripped(rpc: Rpc) -> None:
    [pid] = rpc.load(["name", "sale_ok", "purchase_ok"], [["  A  ", "yes", "0"]])["ids"]
    assert rpc("product.template", "read", [pid], ["name", "sale_ok", "purchase_ok"]) == [
        {"id": pid, "name": "  A  ", "sale_ok": True, "purchase_ok": False}
    ]


def test_many2one_not_found_carries_moreinfo_action(rpc: Rpc) -> None:
    result = rpc.load(["name", "categ_id"], [["A", "Nope"]])
    [msg] = result["messages"]
    assert msg["message"] == "No matching record found for name 'Nope' in field 'Product Category'"
    assert msg["field"] == "categ_id" and msg["field_name"] == "Product Category"
    assert msg["moreinfo"]["res_model"] == "product.category"
    assert msg["moreinfo"]["type"] == "ir.actions.act_window"
    result = rpc.load(["name", "categ_id/id"], [["A", "nomod_cat"]])
    assert result["messages"][0]["message"] == (
        "No matching record found for external id 'nomod_cat' in field 'Product Category'"
    )
    assert result["messages"][0]["moreinfo"]["res_model"] == "ir.model.data"


def test_many2one_by_db_id_and_many2many_by_comma_separated_ids(rpc: Rpc) -> None:
    tax2 = rpc("account.tax", "create", {"name": "5%", "amount": 5.0})
    [pid] = rpc.load(["name", "categ_id/.id", "taxes_id/.id"], [["A", "2", f"1,{tax2}"]])["ids"]
    assert rpc("product.template", "read", [pid], ["categ_id", "taxes_id"]) == [
        {"id": pid, "categ_id": [2, "All / Saleable"], "taxes_id": [1, tax2]}
    ]
    result = rpc.load(["name", "taxes_id/.id"], [["B", "1,999"]])
    assert result["messages"][0]["message"] == (
        "No matching record found for database id '999' in field 'Customer Taxes'"
    )


def test_ambiguous_relational_columns(rpc: Rpc) -> None:
    result = rpc.load(["name", "categ_id", "categ_id/.id"], [["A", "All", ""]])
    assert result["messages"][0]["message"] == (
        "Ambiguous specification for field 'Product Category', only provide one of name, "
        "external id or database id"
    )
    assert "field_name" not in result["messages"][0]


def test_unknown_column_is_a_fault_not_a_message(rpc: Rpc) -> None:
    with pytest.raises(xmlrpc.client.Fault) as info:
        rpc.load(["name", "no_such_field"], [["A", "x"]])
    assert info.value.faultCode == 1
    assert info.value.faultString.rstrip().endswith(
        "ValueError: Invalid field name 'no_such_field'"
    )


def test_unknown_database_id(rpc: Rpc) -> None:
    result = rpc.load([".id", "name"], [["999", "A"]])
    assert result["ids"] is False
    assert result["messages"] == [
        {
            "rows": {"from": 0, "to": 0},
            "type": "error",
            "record": 0,
            "field": ".id",
            "message": "Unknown database identifier '999'",
        }
    ]
    assert rows_of(rpc) == 0


def test_dot_id_updates_and_archived_records_are_not_found(rpc: Rpc) -> None:
    pid = rpc("product.template", "create", {"name": "A"})
    assert rpc.load([".id", "name"], [[str(pid), "B"]])["ids"] == [pid]
    rpc("product.template", "write", [pid], {"active": False})
    result = rpc.load([".id", "name"], [[str(pid), "C"]])
    assert result["messages"][0]["message"] == f"Unknown database identifier '{pid}'"


def test_stale_external_id_is_replaced(rpc: Rpc) -> None:
    """An external id whose record is gone is deleted and made anew for a new record."""
    stale = rpc(
        "ir.model.data",
        "create",
        {"module": "shop", "name": "p1", "model": "product.template", "res_id": 99999},
    )
    [new] = rpc.load(["id", "name"], [["shop.p1", "A"]], noupdate=True)["ids"]
    rows = rpc("ir.model.data", "search_read", [("name", "=", "p1")], ["res_id", "noupdate"])
    assert [(r["res_id"], r["noupdate"]) for r in rows] == [(new, True)]
    assert rows[0]["id"] != stale


def test_duplicate_barcodes_inside_one_load(rpc: Rpc) -> None:
    """The batch fails, rows are retried one by one: the first lands (then rolled back), the
    second reports the clash; the batch's message comes first with the first row's position."""
    result = rpc.load(["id", "name", "barcode"], [["a", "A", "123"], ["b", "B", "123"]])
    assert result["ids"] is False
    batch_msg, row_msg = result["messages"]
    text = (
        'Barcode(s) already assigned:\n\n- Barcode "123" already assigned to product(s): A, B'
        "\n\nNote: products that you don't have access to will not be shown above."
    )
    assert batch_msg == {
        "rows": {"from": 0, "to": 0},
        "record": 0,
        "type": "error",
        "message": text,
    }
    assert row_msg == {"rows": {"from": 1, "to": 1}, "record": 1, "type": "error", "message": text}
    assert rows_of(rpc) == 0


def test_too_many_errors_end_with_a_warning(rpc: Rpc) -> None:
    result = rpc.load(["list_price"], [[str(n)] for n in range(30)])
    assert result["ids"] is False
    assert len(result["messages"]) == 11
    assert {m["message"] for m in result["messages"][:10]} == {
        "Missing required value for the field 'Name' (name)"
    }
    assert all(m["field"] == "name" for m in result["messages"][:10])
    assert result["messages"][10] == {
        "type": "warning",
        "message": "Found more than 10 errors and more than one error per 10 records, "
        "interrupted to avoid showing too many errors.",
    }


def test_viewer_gets_access_errors_as_messages(sb: SandboxHandle) -> None:
    viewer = Rpc(sb, uid=6, password="viewer")
    result = viewer.load(["name"], [["A"], ["B"]])
    assert result["ids"] is False
    assert [m["record"] for m in result["messages"]] == [0, 1]
    assert result["messages"][0]["message"].startswith(
        "You are not allowed to create 'Product' (product.template) records."
    )


def test_module_context_and_import_limit(rpc: Rpc) -> None:
    result = rpc.load(
        ["id", "name"], [["p1", "A"], ["p2", "B"], ["p3", "C"]], module="mine", _import_limit=2
    )
    assert len(result["ids"]) == 2 and result["nextrow"] == 2
    names = rpc("ir.model.data", "search_read", [("model", "=", "product.template")], ["module"])
    assert {n["module"] for n in names} == {"mine"}


def test_selection_by_label_case_insensitive_and_error_lists_labels(rpc: Rpc) -> None:
    [pid] = rpc.load(["name", "detailed_type"], [["A", "storable product"]])["ids"]
    assert rpc("product.template", "read", [pid], ["detailed_type"])[0]["detailed_type"] == (
        "product"
    )
    [msg] = rpc.load(["name", "detailed_type"], [["B", "goods"]])["messages"]
    assert msg["message"] == "Value 'goods' not found in selection field 'Product Type'"
    assert msg["moreinfo"] == ["Consumable", "Service", "Storable Product"]
