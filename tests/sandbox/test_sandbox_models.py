"""Model semantics over a real socket: products and variants, taxes, load, custom fields,
external ids, rollback, persistence and version switches."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, serve


class Rpc:
    def __init__(self, sb: SandboxHandle) -> None:
        self.sb = sb
        self.proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object")

    def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.proxy.execute_kw("odoosync", 2, "admin", model, method, list(args), kwargs)

    def fault(self, model: str, method: str, *args: Any, **kwargs: Any) -> xmlrpc.client.Fault:
        with pytest.raises(xmlrpc.client.Fault) as info:
            self(model, method, *args, **kwargs)
        return info.value


@pytest.fixture
def rpc() -> Iterator[Rpc]:
    with serve(seed="empty") as sb:
        yield Rpc(sb)


def last_line(fault: xmlrpc.client.Fault) -> str:
    return str(fault.faultString).rstrip("\n").splitlines()[-1]


def test_template_and_variant_share_barcode_and_fields(rpc: Rpc) -> None:
    tmpl = rpc(
        "product.template", "create", {"name": "Pen", "barcode": "111", "default_code": "P1"}
    )
    [row] = rpc("product.template", "read", [tmpl], ["product_variant_ids", "display_name"])
    assert row["display_name"] == "[P1] Pen"
    [var] = row["product_variant_ids"]
    [vrow] = rpc("product.product", "read", [var], ["barcode", "name", "product_tmpl_id"])
    assert vrow == {
        "id": var,
        "barcode": "111",
        "name": "Pen",
        "product_tmpl_id": [tmpl, "[P1] Pen"],
    }
    rpc("product.product", "write", [var], {"barcode": "222", "list_price": 4.0})
    assert rpc("product.template", "search", [("barcode", "=", "222")]) == [tmpl]
    assert rpc("product.template", "read", [tmpl], ["list_price"])[0]["list_price"] == 4.0
    rpc("product.template", "write", [tmpl], {"barcode": "333"})
    assert rpc("product.product", "search_read", [("barcode", "=", "333")], ["id"]) == [{"id": var}]


def test_product_product_create_makes_its_template(rpc: Rpc) -> None:
    var = rpc("product.product", "create", {"name": "Cup", "barcode": "444", "list_price": 3.0})
    [row] = rpc("product.product", "read", [var], ["product_tmpl_id", "lst_price", "taxes_id"])
    assert row["lst_price"] == 3.0
    assert row["taxes_id"] == [1]
    assert rpc("product.template", "search_count", [("barcode", "=", "444")]) == 1


def test_default_sale_tax_and_x2many_commands(rpc: Rpc) -> None:
    tax = rpc("account.tax", "create", {"name": "7%", "amount": 7.0})
    a = rpc("product.template", "create", {"name": "A"})
    b = rpc("product.template", "create", {"name": "B", "taxes_id": [(6, 0, [])]})
    assert rpc("product.template", "read", [a, b], ["taxes_id"]) == [
        {"id": a, "taxes_id": [1]},
        {"id": b, "taxes_id": []},
    ]
    rpc("product.template", "write", [a], {"taxes_id": [(4, tax, 0), (3, 1, 0)]})
    assert rpc("product.template", "read", [a], ["taxes_id"])[0]["taxes_id"] == [tax]
    rpc("product.template", "write", [a], {"taxes_id": [(5, 0, 0)]})
    assert rpc("product.template", "read", [a], ["taxes_id"])[0]["taxes_id"] == []
    fault = rpc.fault("product.template", "write", [a], {"taxes_id": [(6, 0, [999])]})
    assert fault.faultCode == 2
    assert "account.tax(999,)" in fault.faultString


def test_duplicate_barcode_in_a_batch_creates_nothing_and_burns_ids(rpc: Rpc) -> None:
    first = rpc("product.template", "create", {"name": "First"})
    fault = rpc.fault(
        "product.template", "create", [{"name": "X", "barcode": "9"}, {"name": "Y", "barcode": "9"}]
    )
    assert fault.faultCode == 2
    assert '- Barcode "9" already assigned to product(s): X, Y' in fault.faultString
    assert rpc("product.template", "search_count", [("name", "in", ["X", "Y"])]) == 0
    assert rpc("product.template", "create", {"name": "After"}) == first + 3


def test_archived_product_barcode_is_reusable_in_17(rpc: Rpc) -> None:
    old = rpc("product.template", "create", {"name": "Old", "barcode": "555"})
    rpc("product.template", "write", [old], {"active": False})
    new = rpc("product.template", "create", {"name": "New", "barcode": "555"})
    assert rpc("product.template", "search", [("barcode", "=", "555")]) == [new]
    found = rpc(
        "product.template", "search", [("barcode", "=", "555")], context={"active_test": False}
    )
    assert sorted(found) == sorted([old, new])


def test_order_offset_limit_and_write_date(rpc: Rpc) -> None:
    ids = rpc("product.template", "create", [{"name": n} for n in ("b", "a", "c")])
    assert rpc("product.template", "search", []) == [ids[1], ids[0], ids[2]]
    assert rpc("product.template", "search", [], order="id desc", limit=2) == [ids[2], ids[1]]
    assert rpc("product.template", "search", [], order="name desc, id", offset=1) == [
        ids[0],
        ids[1],
    ]
    row = rpc("product.template", "search_read", [("id", "=", ids[0])], ["write_date"])[0]
    assert len(row["write_date"]) == 19 and row["write_date"][10] == " "
    fault = rpc.fault("product.template", "search", [], order="name sideways")
    # _check_qorder raises a UserError in Odoo 17: fault 2, the bare message
    assert fault.faultCode == 2
    assert fault.faultString.startswith('Invalid "order" specified (name sideways).')
    assert rpc.fault("product.template", "search", [], order="name,").faultCode == 2
    assert rpc("product.template", "search", [], order="name desc nulls last") is not None


def test_name_search_copy_default_get_and_access_check(rpc: Rpc) -> None:
    pid = rpc("product.template", "create", {"name": "Desk Lamp", "barcode": "777"})
    assert rpc("product.template", "name_search", "lamp") == [[pid, "Desk Lamp"]]
    assert rpc("product.template", "name_get", [pid]) == [[pid, "Desk Lamp"]]
    copy = rpc("product.template", "copy", pid)
    assert rpc("product.template", "read", [copy], ["name", "barcode"]) == [
        {"id": copy, "name": "Desk Lamp (copy)", "barcode": False}
    ]
    assert rpc("product.template", "default_get", ["list_price", "taxes_id", "categ_id"]) == {
        "list_price": 1.0,
        "taxes_id": [[6, 0, [1]]],
        "categ_id": 1,
    }
    assert rpc("product.template", "check_access_rights", "write") is True


def test_category_paths_and_child_of(rpc: Rpc) -> None:
    elec = rpc("product.category", "create", {"name": "Electronics", "parent_id": 2})
    phones = rpc("product.category", "create", {"name": "Phones", "parent_id": elec})
    assert rpc("product.category", "read", [phones], ["complete_name"])[0]["complete_name"] == (
        "All / Saleable / Electronics / Phones"
    )
    assert sorted(rpc("product.category", "search", [("id", "child_of", 2)])) == [2, elec, phones]
    fault = rpc.fault("product.category", "unlink", [1])
    assert fault.faultString == (
        "You cannot delete this product category, it is the default generic category."
    )


def test_load_creates_updates_and_records_external_ids(rpc: Rpc) -> None:
    fields = ["id", "name", "list_price", "categ_id", "taxes_id/id"]
    rpc(
        "ir.model.data",
        "create",
        {"module": "acc", "name": "tax15", "model": "account.tax", "res_id": 1},
    )
    result = rpc(
        "product.template",
        "load",
        fields,
        [["shop.p1", "One", "2.5", "All / Saleable", "acc.tax15"], ["p2", "Two", "", "All", ""]],
    )
    assert result["messages"] == [] and result["nextrow"] == 0
    one, two = result["ids"]
    assert rpc("product.template", "read", [one, two], ["list_price", "categ_id", "taxes_id"]) == [
        {"id": one, "list_price": 2.5, "categ_id": [2, "All / Saleable"], "taxes_id": [1]},
        {"id": two, "list_price": 0.0, "categ_id": [1, "All"], "taxes_id": []},
    ]
    xids = rpc(
        "ir.model.data",
        "search_read",
        [("model", "=", "product.template")],
        ["module", "name", "res_id", "complete_name"],
        order="id",
    )
    assert [(x["module"], x["name"], x["res_id"]) for x in xids] == [
        ("shop", "p1", one),
        ("__import__", "p2", two),
    ]
    again = rpc("product.template", "load", ["id", "name"], [["shop.p1", "One bis"]])
    assert again["ids"] == [one]
    assert rpc("product.template", "read", [one], ["name"])[0]["name"] == "One bis"


def test_load_is_all_or_nothing(rpc: Rpc) -> None:
    before = rpc("product.template", "search_count", [])
    result = rpc(
        "product.template",
        "load",
        ["id", "name", "list_price"],
        [["ok1", "Fine", "1"], ["bad1", "Broken", "abc"], ["bad2", "", "1"]],
    )
    assert result["ids"] is False
    assert [m["record"] for m in result["messages"]] == [1, 2]
    assert result["messages"][0]["message"] == (
        "'abc' does not seem to be a number for field 'Sales Price'"
    )
    assert result["messages"][1]["message"] == "Missing required value for the field 'Name' (name)"
    assert rpc("product.template", "search_count", []) == before
    assert rpc("ir.model.data", "search_count", [("name", "=", "ok1")]) == 0


def test_external_id_unique_per_module_and_name(rpc: Rpc) -> None:
    vals = {"module": "m", "name": "n", "model": "product.template", "res_id": 1}
    rpc("ir.model.data", "create", vals)
    assert rpc.fault("ir.model.data", "create", vals).faultCode == 2
    [row] = rpc("ir.model.data", "search_read", [("module", "=", "m")], ["complete_name"])
    assert row["complete_name"] == "m.n"


def test_custom_fields_become_real_fields(rpc: Rpc) -> None:
    [model_id] = rpc("ir.model", "search", [("model", "=", "product.template")])
    rpc(
        "ir.model.fields",
        "create",
        {
            "model_id": model_id,
            "name": "x_supplier",
            "ttype": "char",
            "field_description": "Supplier",
            "state": "manual",
        },
    )
    assert rpc("product.template", "fields_get", ["x_supplier"], attributes=["type", "string"]) == {
        "x_supplier": {"type": "char", "string": "Supplier"}
    }
    pid = rpc("product.template", "create", {"name": "C", "x_supplier": "ACME"})
    assert rpc("product.template", "search", [("x_supplier", "=", "ACME")]) == [pid]
    fault = rpc.fault(
        "ir.model.fields",
        "create",
        {"model_id": model_id, "name": "supplier", "ttype": "char", "field_description": "S"},
    )
    assert (fault.faultCode, fault.faultString) == (
        2,
        "The operation cannot be completed: Custom fields must have a name that starts with 'x_'!",
    )


def test_persistence_across_restarts(tmp_path: Path) -> None:
    data = tmp_path / "sandbox.json"
    with serve(seed="empty", data_path=data) as sb:
        pid = Rpc(sb)("product.template", "create", {"name": "Kept", "barcode": "K1"})
    with serve(seed="empty", data_path=data) as sb:
        rpc = Rpc(sb)
        assert rpc("product.template", "search_read", [("barcode", "=", "K1")], ["name"]) == [
            {"id": pid, "name": "Kept"}
        ]
        assert rpc("product.template", "create", {"name": "Next"}) == pid + 1


@pytest.mark.parametrize("version", ["16.0", "18.0", "19.0"])
def test_version_switches(version: str) -> None:
    with serve(seed="empty", odoo_version=version) as sb:
        rpc = Rpc(sb)
        common = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common")
        major = int(version[:2])
        assert common.version()["server_version_info"][:2] == [major, 0]
        fields = rpc("product.template", "fields_get", attributes=["type"])
        assert ("detailed_type" in fields) == (major <= 17)
        assert ("is_storable" in fields) == (major >= 18)
        assert ("uom_po_id" in fields) == (major <= 18)
        a = rpc("product.template", "create", {"name": "A", "barcode": "1"})
        fault = rpc.fault("product.template", "create", {"name": "B", "barcode": "1"})
        joined = "A and B" if major >= 18 else "A, B"
        assert f"already assigned to product(s): {joined}" in fault.faultString
        copy = rpc("product.template", "copy", a)
        assert isinstance(copy, list) == (major >= 18)
        if major >= 18:
            assert last_line(rpc.fault("product.template", "name_get", [a])).startswith(
                "AttributeError"
            )
            assert rpc("product.template", "name_search", "A", domain=[]) != []
            assert rpc(
                "product.template", "create", {"name": "S", "type": "consu", "is_storable": True}
            )
        else:
            assert rpc("product.template", "name_search", "A", args=[]) != []
