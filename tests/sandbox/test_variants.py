"""Attributes, attribute lines and the variants they generate (obs #1-#25), on 17.0 and 19.0."""

from __future__ import annotations

from catalog_rpc import Odoo, last_line, make_tee

BARCODE_FAULT_17 = (
    "Barcode(s) already assigned:\n\n"
    '- Barcode "20700000017" already assigned to product(s): {names}\n\n'
    "Note: products that you don't have access to will not be shown above."
)


def test_obs_01_05_attributes_and_their_fields(odoo: Odoo) -> None:
    attr = odoo(
        "product.attribute",
        "create",
        {"name": "Size 7881", "create_variant": "always", "display_type": "radio"},
    )
    values = odoo(
        "product.attribute.value",
        "create",
        [{"name": n, "attribute_id": attr} for n in ("S", "M", "L")],
    )
    assert values == [values[0], values[0] + 1, values[0] + 2]
    fields = odoo("product.attribute", "fields_get", attributes=["type", "required", "selection"])
    assert fields["name"] == {"required": True, "type": "char"}
    assert fields["create_variant"] == {
        "required": True,
        "selection": [
            ["always", "Instantly"],
            ["dynamic", "Dynamically"],
            ["no_variant", "Never (option)"],
        ],
        "type": "selection",
    }
    assert fields["display_type"]["selection"][-1] == ["multi", "Multi-checkbox (option)"]
    assert fields["sequence"]["type"] == "integer"
    [row] = odoo("product.attribute", "read", [attr], ["create_variant", "value_ids"])
    assert row == {"id": attr, "create_variant": "always", "value_ids": values}


def test_obs_06_09_one_variant_per_combination(odoo: Odoo) -> None:
    tee = make_tee(odoo)
    v = tee["values"]
    [tmpl] = odoo(
        "product.template",
        "read",
        [tee["tmpl"]],
        [
            "product_variant_count",
            "product_variant_ids",
            "attribute_line_ids",
            "barcode",
            "default_code",
            "list_price",
        ],
    )
    assert tmpl["product_variant_count"] == 6
    assert len(tmpl["product_variant_ids"]) == 6
    assert len(tmpl["attribute_line_ids"]) == 2
    assert (tmpl["barcode"], tmpl["default_code"], tmpl["list_price"]) == (False, False, 20.0)
    rows = odoo(
        "product.product",
        "search_read",
        [["product_tmpl_id", "=", tee["tmpl"]]],
        fields=[
            "display_name",
            "product_template_attribute_value_ids",
            "barcode",
            "lst_price",
            "price_extra",
            "combination_indices",
            "active",
        ],
    )
    names = [r["display_name"] for r in rows]
    assert names == [f"Tee 7881 ({s}, {c})" for s in ("S", "M", "L") for c in ("Red", "Blue")]
    first = rows[0]
    ptavs = first["product_template_attribute_value_ids"]
    assert first["combination_indices"] == ",".join(str(i) for i in sorted(ptavs))
    assert (first["barcode"], first["lst_price"], first["price_extra"], first["active"]) == (
        False,
        20.0,
        0.0,
        True,
    )
    values = odoo(
        "product.template.attribute.value",
        "search_read",
        [["product_tmpl_id", "=", tee["tmpl"]]],
        fields=["name", "attribute_id", "product_attribute_value_id", "price_extra", "ptav_active"],
    )
    assert [r["name"] for r in values] == ["S", "M", "L", "Red", "Blue"]
    assert values[0]["attribute_id"] == [tee["size"], "Size 7881"]
    assert values[0]["product_attribute_value_id"] == [v["S"], "Size 7881: S"]
    assert values[0]["ptav_active"] is True
    assert ptavs == [values[0]["id"], values[3]["id"]]


def test_obs_10_13_barcodes_live_on_variants(odoo: Odoo) -> None:
    tee = make_tee(odoo)
    first, second = tee["variants"][:2]
    vals = {"barcode": "20700000017", "default_code": "TEE-7881-S-RED"}
    assert odoo("product.product", "write", [first], vals) is True
    fault = odoo.fault("product.product", "write", [second], {"barcode": "20700000017"})
    assert fault.faultCode == 2
    names = "[TEE-7881-S-RED] Tee 7881 (S, Red), Tee 7881 (S, Blue)"
    if odoo.major >= 19:
        names = names.replace(", Tee", " and Tee")
    assert fault.faultString == BARCODE_FAULT_17.format(names=names)
    # several variants: the template's barcode is accepted and ignored
    assert odoo("product.template", "write", [tee["tmpl"]], {"barcode": "20700000024"}) is True
    assert odoo("product.template", "read", [tee["tmpl"]], ["barcode", "default_code"]) == [
        {"id": tee["tmpl"], "barcode": False, "default_code": False}
    ]
    assert odoo("product.product", "search", [["barcode", "=", "20700000024"]]) == []


def test_obs_14_15_price_extra_is_added_to_the_variants_price(odoo: Odoo) -> None:
    tee = make_tee(odoo)
    [large] = odoo(
        "product.template.attribute.value",
        "search",
        [["product_tmpl_id", "=", tee["tmpl"]], ["name", "=", "L"]],
    )
    assert odoo("product.template.attribute.value", "write", [large], {"price_extra": 5.0})
    rows = odoo(
        "product.product",
        "search_read",
        [["product_tmpl_id", "=", tee["tmpl"]]],
        fields=["display_name", "lst_price", "price_extra"],
    )
    prices = {r["display_name"]: (r["lst_price"], r["price_extra"]) for r in rows}
    assert prices["Tee 7881 (L, Red)"] == prices["Tee 7881 (L, Blue)"] == (25.0, 5.0)
    assert prices["Tee 7881 (M, Blue)"] == (20.0, 0.0)
    # writing lst_price on a variant sets the template's list_price less the extra
    large_red = next(r["id"] for r in rows if r["display_name"] == "Tee 7881 (L, Red)")
    odoo("product.product", "write", [large_red], {"lst_price": 30.0})
    assert odoo("product.template", "read", [tee["tmpl"]], ["list_price"])[0]["list_price"] == 25.0


def test_obs_16_22_adding_and_removing_values(odoo: Odoo) -> None:
    tee = make_tee(odoo)
    odoo("product.product", "write", [tee["variants"][0]], {"default_code": "TEE-7881-S-RED"})
    [size_line] = odoo(
        "product.template.attribute.line",
        "search",
        [["product_tmpl_id", "=", tee["tmpl"]], ["attribute_id", "=", tee["size"]]],
    )
    xl = odoo("product.attribute.value", "create", {"name": "XL", "attribute_id": tee["size"]})
    cmd = [[1, size_line, {"value_ids": [[4, xl]]}]]
    assert odoo("product.template", "write", [tee["tmpl"]], {"attribute_line_ids": cmd}) is True
    count = odoo("product.template", "read", [tee["tmpl"]], ["product_variant_count"])
    assert count == [{"id": tee["tmpl"], "product_variant_count": 8}]
    [color_line] = odoo(
        "product.template.attribute.line",
        "search",
        [["product_tmpl_id", "=", tee["tmpl"]], ["attribute_id", "=", tee["color"]]],
    )
    cmd = [[1, color_line, {"value_ids": [[3, tee["values"]["Blue"]]]}]]
    assert odoo("product.template", "write", [tee["tmpl"]], {"attribute_line_ids": cmd}) is True
    rows = odoo(
        "product.product",
        "search_read",
        [["product_tmpl_id", "=", tee["tmpl"]]],
        fields=["display_name", "active"],
        context={"active_test": False},
    )
    # the Blue variants are gone (not archived); the Red ones keep their ids, and Red, now the
    # line's single value, leaves their names
    assert rows == [
        {"id": tee["variants"][0], "display_name": "[TEE-7881-S-RED] Tee 7881 (S)", "active": True},
        {"id": tee["variants"][2], "display_name": "Tee 7881 (M)", "active": True},
        {"id": tee["variants"][4], "display_name": "Tee 7881 (L)", "active": True},
        {"id": rows[3]["id"], "display_name": "Tee 7881 (XL)", "active": True},
    ]
    assert rows[3]["id"] > max(tee["variants"])


def test_removed_value_archives_a_variant_with_stock(odoo: Odoo) -> None:
    """Odoo archives instead of deleting when a variant is referenced (stock moves)."""
    tee = make_tee(odoo)
    odoo("product.template", "write", [tee["tmpl"]], odoo.storable())
    [lot] = odoo("stock.warehouse", "search_read", [], fields=["lot_stock_id"], limit=1)
    blue = tee["variants"][1]  # S, Blue
    quant = odoo(
        "stock.quant",
        "create",
        {"product_id": blue, "location_id": lot["lot_stock_id"][0], "inventory_quantity": 2},
        context={"inventory_mode": True},
    )
    odoo.fault("stock.quant", "action_apply_inventory", [quant])
    [color_line] = odoo(
        "product.template.attribute.line",
        "search",
        [["product_tmpl_id", "=", tee["tmpl"]], ["attribute_id", "=", tee["color"]]],
    )
    cmd = [[1, color_line, {"value_ids": [[3, tee["values"]["Blue"]]]}]]
    odoo("product.template", "write", [tee["tmpl"]], {"attribute_line_ids": cmd})
    rows = odoo(
        "product.product",
        "search_read",
        [["product_tmpl_id", "=", tee["tmpl"]]],
        fields=["active"],
        context={"active_test": False},
    )
    assert {r["id"]: r["active"] for r in rows} == {
        tee["variants"][0]: True,
        blue: False,
        tee["variants"][2]: True,
        tee["variants"][4]: True,
    }
    ptav = odoo(
        "product.template.attribute.value",
        "search_read",
        [["product_tmpl_id", "=", tee["tmpl"]], ["name", "=", "Blue"]],
        fields=["ptav_active"],
    )
    assert [r["ptav_active"] for r in ptav] == [False]


def test_obs_23_25_load_attribute_lines_and_variant_rows(odoo: Odoo) -> None:
    make_tee(odoo)
    result = odoo(
        "product.template",
        "load",
        ["id", "name", "attribute_line_ids/attribute_id", "attribute_line_ids/value_ids"],
        [["obs7881.tee2", "Tee2 7881", "Size 7881", "S,M"]],
    )
    assert result["messages"] == [] and result["nextrow"] == 0
    [tmpl] = result["ids"]
    rows = odoo(
        "product.product",
        "search_read",
        [["product_tmpl_id.name", "=", "Tee2 7881"]],
        fields=["display_name"],
    )
    assert [r["display_name"] for r in rows] == ["Tee2 7881 (S)", "Tee2 7881 (M)"]
    loaded = odoo(
        "product.product",
        "load",
        ["id", "product_tmpl_id/id", "barcode", "default_code"],
        [["obs7881.tee2_s", "obs7881.tee2", "", "T2-S"]],
    )
    assert loaded["messages"] == []
    # a product.product row creates a new variant of the template: it does not find "S"
    [new] = loaded["ids"]
    assert new not in [r["id"] for r in rows]
    [row] = odoo("product.product", "read", [new], ["product_tmpl_id", "default_code"])
    assert row["product_tmpl_id"][0] == tmpl and row["default_code"] == "T2-S"


def test_unknown_attribute_in_a_load_is_a_message(odoo: Odoo) -> None:
    result = odoo(
        "product.template",
        "load",
        ["id", "name", "attribute_line_ids/attribute_id", "attribute_line_ids/value_ids"],
        [["x.tee3", "Tee3", "No Such Attribute", "S"]],
    )
    assert result["ids"] is False
    assert (
        "No matching record found for name 'No Such Attribute'" in result["messages"][0]["message"]
    )


def test_line_values_must_belong_to_its_attribute(odoo: Odoo) -> None:
    tee = make_tee(odoo)
    fault = odoo.fault(
        "product.template",
        "create",
        {
            "name": "Bad",
            "attribute_line_ids": [
                [0, 0, {"attribute_id": tee["size"], "value_ids": [[6, 0, [tee["values"]["Red"]]]]}]
            ],
        },
    )
    assert fault.faultCode == 2
    assert last_line(fault) == (
        "On the product Bad you cannot associate the value Color 7881: Red with the attribute "
        "Size 7881 because they do not match."
    )
    assert odoo("product.template", "search", [["name", "=", "Bad"]]) == []


def test_no_variant_attribute_creates_no_variants(odoo: Odoo) -> None:
    option = odoo(
        "product.attribute", "create", {"name": "Gift wrap", "create_variant": "no_variant"}
    )
    yes, no = odoo(
        "product.attribute.value",
        "create",
        [{"name": "Yes", "attribute_id": option}, {"name": "No", "attribute_id": option}],
    )
    tmpl = odoo(
        "product.template",
        "create",
        {
            "name": "Mug",
            "attribute_line_ids": [
                [0, 0, {"attribute_id": option, "value_ids": [[6, 0, [yes, no]]]}]
            ],
        },
    )
    [row] = odoo("product.template", "read", [tmpl], ["product_variant_count", "display_name"])
    assert row["product_variant_count"] == 1
    [variant] = odoo(
        "product.product", "search_read", [["product_tmpl_id", "=", tmpl]], ["display_name"]
    )
    assert variant["display_name"] == "Mug"


def test_archived_single_variant_template_keeps_its_barcode(odoo: Odoo) -> None:
    tmpl = odoo("product.template", "create", {"name": "Pen", "barcode": "111"})
    odoo("product.template", "write", [tmpl], {"active": False})
    odoo("product.template", "write", [tmpl], {"barcode": "222"})
    [row] = odoo("product.template", "read", [tmpl], ["barcode", "product_variant_count"])
    assert row == {"id": tmpl, "barcode": "222", "product_variant_count": 0}
