"""Stock by inventory adjustment and managed vendor lines (SPEC §7.2 "Stock", "Vendors") against
the sandbox: quantities are pushed only when they changed since the last push, in two calls per
batch (the "cannot marshal None" fault of action_apply_inventory is a success); one vendor line
per product is updated in place; lines odoosync did not create are left alone; a vendor Odoo
does not know fails its product with MAPPING_ERROR."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.transport import test_sandbox
from tests.support.variants_env import VariantSetup, simple_row, tee_rows


@pytest.fixture(params=["17.0", "19.0"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[Any]:
    with test_sandbox(seed="empty", odoo_version=request.param) as handle:
        handle.execute("res.partner", "create", [{"name": "Acme Supplies", "is_company": True}])
        handle.major = int(request.param.split(".")[0])
        yield handle


def test_stock_is_pushed_only_when_changed(tmp_path: Path, sandbox: Any) -> None:
    setup = VariantSetup(tmp_path, sandbox, tee_rows("tee", 1))
    assert setup.export().failed == 0
    assert sandbox.calls()["stock.quant.action_apply_inventory"] == 1
    template = setup.variants()["tee-S-Red"]["product_tmpl_id"][0]
    storable = "is_storable" if sandbox.major >= 19 else "detailed_type"
    record = setup.rpc("product.template", "read", [template], [storable])[0]
    assert record[storable] in (True, "product")
    setup.rows[0]["qty"] = "11"
    setup.rows[1]["title"] = ""  # no change
    setup.rewrite()
    sandbox.reset_calls()
    result = setup.export(details=True)
    assert result.failed == 0
    assert sandbox.calls()["stock.quant.create"] == 1
    assert sandbox.calls()["stock.quant.action_apply_inventory"] == 1
    pushed = [p.product_id for p in result.products if "qty_available" in p.fields_synced]
    assert pushed == ["tee-S-Red"]
    assert setup.variants()["tee-S-Red"]["qty_available"] == 11.0
    assert setup.variants()["tee-S-Blue"]["qty_available"] == 2.0


def test_vendor_line_is_updated_in_place_and_others_left_alone(
    tmp_path: Path, sandbox: Any
) -> None:
    setup = VariantSetup(tmp_path, sandbox, [simple_row("mug", 5)])
    assert setup.export().failed == 0
    mug = setup.variants()["mug"]
    template = mug["product_tmpl_id"][0]
    other = sandbox.execute("res.partner", "create", [{"name": "Someone Else"}])
    theirs = sandbox.execute(
        "product.supplierinfo",
        "create",
        [{"partner_id": other[0], "product_tmpl_id": template, "price": 1.0}],
    )
    line_before = [v["id"] for v in mug["vendors"]]
    setup.rows[0]["supplier_price"] = "2.75"
    setup.rows[0]["supplier_min_qty"] = "6"
    setup.rewrite()
    assert setup.export().failed == 0
    lines = setup.rpc("product.supplierinfo", "search_read", [("product_tmpl_id", "=", template)],
                      ["partner_id", "price", "min_qty"])  # fmt: skip
    by_id = {line["id"]: line for line in lines}
    assert set(by_id) == {*line_before, *theirs}
    assert (by_id[line_before[0]]["price"], by_id[line_before[0]]["min_qty"]) == (2.75, 6.0)
    assert by_id[theirs[0]]["price"] == 1.0
    xml = setup.rpc("ir.model.data", "search_read", [("model", "=", "product.supplierinfo")],
                    ["module", "name", "res_id"])  # fmt: skip
    assert [(x["module"], x["name"], x["res_id"]) for x in xml] == [
        ("odoosync", "vendor_mug", line_before[0])
    ]


def test_unknown_vendor_fails_its_product_only(tmp_path: Path, sandbox: Any) -> None:
    rows = [simple_row("mug", 5), dict(simple_row("cup", 6), supplier_name="Nobody Ltd")]
    setup = VariantSetup(tmp_path, sandbox, rows)
    result = setup.export()
    errors = {p.product_id: p.error_details for p in result.products if p.action == "error"}
    assert list(errors) == ["cup"]
    assert errors["cup"] == {"odoo_error_code": "MAPPING_ERROR", "value": "Nobody Ltd"}
    assert result.created == 1
