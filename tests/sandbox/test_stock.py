"""Warehouse, quants in inventory mode, archiving and deleting stocked products (obs #26-#41)."""

from __future__ import annotations

import pytest
from catalog_rpc import Odoo, last_line, make_tee

MARSHAL_NONE = "TypeError: cannot marshal None unless allow_none is enabled"


def stock_location(odoo: Odoo) -> list[object]:
    [row] = odoo("stock.warehouse", "search_read", [], fields=["lot_stock_id"], limit=1)
    location: list[object] = row["lot_stock_id"]
    return location


def count_seven(odoo: Odoo, variant: int) -> int:
    """Obs #29-#30: a counted quantity of 7, applied (fault 1 after the work is done)."""
    quant: int = odoo(
        "stock.quant",
        "create",
        {"product_id": variant, "location_id": stock_location(odoo)[0], "inventory_quantity": 7},
        context={"inventory_mode": True},
    )
    fault = odoo.fault("stock.quant", "action_apply_inventory", [quant])
    assert fault.faultCode == 1 and last_line(fault) == MARSHAL_NONE
    return quant


def test_obs_26_27_quant_fields_and_main_stock_location(odoo: Odoo) -> None:
    fields = odoo("stock.quant", "fields_get", attributes=["type"])
    for name, ftype in (
        ("product_id", "many2one"),
        ("product_tmpl_id", "many2one"),
        ("location_id", "many2one"),
        ("warehouse_id", "many2one"),
        ("lot_id", "many2one"),
        ("quantity", "float"),
        ("inventory_quantity", "float"),
        ("cyclic_inventory_frequency", "integer"),
        ("priority", "selection"),
    ):
        assert fields[name] == {"type": ftype}
    expected = [5, "WH/Stock"] if odoo.major >= 19 else [8, "WH/Stock"]
    assert stock_location(odoo) == expected


def test_obs_28_32_inventory_mode_then_apply(odoo: Odoo) -> None:
    tee = make_tee(odoo)
    assert odoo("product.template", "write", [tee["tmpl"]], odoo.storable()) is True
    variant = tee["variants"][0]
    quant = count_seven(odoo, variant)
    assert odoo("product.product", "read", [variant], ["qty_available", "virtual_available"]) == [
        {"id": variant, "qty_available": 7.0, "virtual_available": 7.0}
    ]
    rows = odoo(
        "stock.quant",
        "search_read",
        [["product_id", "=", variant]],
        fields=["quantity", "inventory_quantity", "location_id"],
    )
    adjustment = (
        [11, "Inventory adjustment"]
        if odoo.major >= 19
        else [14, "Virtual Locations/Inventory adjustment"]
    )
    assert rows == [
        {
            "id": quant,
            "quantity": 7.0,
            "inventory_quantity": 0.0,
            "location_id": stock_location(odoo),
        },
        {
            "id": rows[1]["id"],
            "quantity": -7.0,
            "inventory_quantity": 0.0,
            "location_id": adjustment,
        },
    ]
    assert odoo("product.template", "read", [tee["tmpl"]], ["qty_available"])[0] == {
        "id": tee["tmpl"],
        "qty_available": 7.0,
    }
    # counting again on the same product and location reuses the quant
    again = odoo(
        "stock.quant",
        "create",
        {"product_id": variant, "location_id": stock_location(odoo)[0], "inventory_quantity": 3},
        context={"inventory_mode": True},
    )
    assert again == quant
    odoo.fault("stock.quant", "action_apply_inventory", [quant])
    assert odoo("product.product", "read", [variant], ["qty_available"])[0]["qty_available"] == 3.0


def test_quants_only_for_storable_products(odoo: Odoo) -> None:
    tmpl = odoo("product.template", "create", {"name": "Consumable"})
    [variant] = odoo("product.template", "read", [tmpl], ["product_variant_ids"])[0][
        "product_variant_ids"
    ]
    fault = odoo.fault(
        "stock.quant",
        "create",
        {"product_id": variant, "location_id": stock_location(odoo)[0], "inventory_quantity": 1},
        context={"inventory_mode": True},
    )
    assert fault.faultCode == 2
    assert fault.faultString == "Quants cannot be created for consumables or services."
    assert odoo("stock.quant", "search_count", []) == 0


def test_storable_field_per_version(odoo: Odoo) -> None:
    other = {"is_storable": True} if odoo.major <= 17 else {"detailed_type": "product"}
    fault = odoo.fault("product.template", "create", {"name": "X", **other})
    assert fault.faultCode == 1
    assert "Invalid field" in last_line(fault)


def test_inventory_mode_create_is_restricted(odoo: Odoo) -> None:
    tmpl = odoo("product.template", "create", {"name": "Box", **odoo.storable()})
    variant = odoo("product.template", "read", [tmpl], ["product_variant_id"])[0]
    fault = odoo.fault(
        "stock.quant",
        "create",
        {
            "product_id": variant["product_variant_id"][0],
            "location_id": stock_location(odoo)[0],
            "inventory_quantity": 1,
            "quantity": 5,
        },
        context={"inventory_mode": True},
    )
    assert fault.faultCode == 2
    assert fault.faultString == "Quant's creation is restricted, you can't do this operation."


def test_action_apply_inventory_exists_only_on_quants(odoo: Odoo) -> None:
    fault = odoo.fault("product.template", "action_apply_inventory", [1])
    assert fault.faultCode == 1
    assert "action_apply_inventory" in last_line(fault)


def test_obs_36_41_archive_and_unlink_with_stock(odoo: Odoo) -> None:
    tee = make_tee(odoo)
    tmpl = tee["tmpl"]
    odoo("product.template", "write", [tmpl], odoo.storable())
    count_seven(odoo, tee["variants"][0])
    assert odoo("product.template", "write", [tmpl], {"active": False}) is True
    domain = [["product_tmpl_id", "=", tmpl]]
    assert odoo("product.product", "search_count", domain, context={"active_test": False}) == 6
    assert odoo("product.product", "search_count", domain) == 0
    fault = odoo.fault("product.template", "unlink", [tmpl])
    assert fault.faultCode == 2
    if odoo.major >= 19:
        assert fault.faultString == (
            "The operation cannot be completed: Another model is using the record you are "
            "trying to delete.\n\nThe troublemaker is: 'Stock Move' (stock.move)\n"
            "Thanks to the following constraint: 'Product' (product_id)\n"
            "How about archiving the record instead?"
        )
    else:
        assert last_line(fault) == "Constraint: stock_move_product_id_fkey"
        assert fault.faultString.startswith("The operation cannot be completed: another model")
    assert (
        odoo("product.template", "search_count", [["id", "=", tmpl], ["active", "=", False]]) == 1
    )
    # action_archive / action_unarchive: done, then the None-marshalling fault
    fault = odoo.fault("product.template", "action_unarchive", [tmpl])
    assert fault.faultCode == 1 and last_line(fault) == MARSHAL_NONE
    assert odoo("product.product", "search_count", domain) == 6
    fault = odoo.fault("product.template", "action_archive", [tmpl])
    assert last_line(fault) == MARSHAL_NONE
    assert odoo("product.product", "search_count", domain) == 0
    assert odoo("product.template", "read", [tmpl], ["product_variant_count"])[0] == {
        "id": tmpl,
        "product_variant_count": 0,
    }


def test_unlink_without_stock_deletes_template_and_its_lines(odoo: Odoo) -> None:
    tee = make_tee(odoo)
    assert odoo("product.template", "unlink", [tee["tmpl"]]) is True
    assert odoo("product.product", "search_count", [["id", "in", tee["variants"]]]) == 0
    assert odoo("product.template.attribute.line", "search_count", []) == 0
    assert odoo("product.template.attribute.value", "search_count", []) == 0


@pytest.mark.parametrize("method", ["action_archive", "toggle_active"])
def test_archiving_every_variant_archives_the_template(odoo: Odoo, method: str) -> None:
    if method == "toggle_active" and odoo.major >= 18:
        pytest.skip("toggle_active is gone in 18+")
    tee = make_tee(odoo)
    for variant in tee["variants"]:
        odoo.fault("product.product", method, [variant])
    assert odoo("product.template", "search_count", [["id", "=", tee["tmpl"]]]) == 0
    odoo.fault("product.product", "action_unarchive", [tee["variants"][0]])
    assert odoo("product.template", "search_count", [["id", "=", tee["tmpl"]]]) == 1


def test_write_active_false_on_every_variant_keeps_the_template(odoo: Odoo) -> None:
    """Only the archive actions sync the template; a plain write does not."""
    tee = make_tee(odoo)
    odoo("product.product", "write", tee["variants"], {"active": False})
    [row] = odoo("product.template", "read", [tee["tmpl"]], ["active", "product_variant_count"])
    assert row == {"id": tee["tmpl"], "active": True, "product_variant_count": 0}
