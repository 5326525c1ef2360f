"""Live: issue 12's "Done when" against a real Odoo, through the CLI, checked field by field
with plain XML-RPC: templates with variants, stock and vendors exported into the test's own
corner of the database; then a new size, a changed price, a changed stock level, a removed
product (``--archive-missing``) and a changed vendor price exported again; Odoo ends exactly as
the catalog says. Then two-way sync with stock changes in both directions.

The sandbox version is tests/engine/test_variants_export.py and test_variants_sync.py. Skipped
unless a live target is configured (see conftest.py and docs/live-testing.md). Products get
stock moves here, so Odoo refuses to delete them: the cleanup archives them (stock counted
back to 0) and deletes the vendor lines, attributes it can and the partners.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from tests.support.live_env import ALL_ACTIVE, RUN_TAG, LiveScope, Rpc
from tests.support.variant_catalog import COLUMNS
from tests.support.variant_catalog import MAPPING as SANDBOX_MAPPING
from tests.support.variants_env import tee_rows as sandbox_tee_rows

READ = [
    "product_tmpl_id",
    "barcode",
    "default_code",
    "lst_price",
    "active",
    "product_template_attribute_value_ids",
    "qty_available",
]


def mapping(live: LiveScope, *, stock_direction: str = "to_odoo") -> str:
    """The sandbox tests' variant mapping, its attributes named with the test's prefix (Odoo
    shares attributes by name across the database; these are the test's own)."""
    text = SANDBOX_MAPPING.replace(
        'attributes = { size = "Size", color = "Color" }',
        f'attributes = {{ size = "{live.name("Size")}", color = "{live.name("Color")}" }}',
    ).replace('location = "WH/Stock"', f'location = "WH/Stock"\ndirection = "{stock_direction}"')
    assert live.name("Size") in text and stock_direction in text
    return text


def tee_rows(
    live: LiveScope,
    parent: str,
    n: int,
    vendor: str,
    *,
    sizes: Sequence[str] = ("S", "M", "L"),
    colors: Sequence[str] = ("Red", "Blue"),
    base: float = 20.0,
) -> list[dict[str, str]]:
    """The sandbox tests' rows (tests/support/variants_env.tee_rows: L costs 5 more, Blue 2),
    with this run's names, SKUs, barcodes and vendor, so runs never collide in a real Odoo."""
    rows = sandbox_tee_rows(parent, n, sizes=sizes, colors=colors, base=base)
    for position, row in enumerate(rows):
        i, j = divmod(position, len(colors))
        if row["title"]:
            row["title"] = live.name(row["title"])
        row["sku"] = f"{RUN_TAG}-{live.number:02d}-{row['sku']}".upper()
        row["ean"] = live.barcode(n * 100 + i * 10 + j)
        row["supplier_name"] = vendor
    return [{k: str(v) for k, v in row.items()} for row in rows]


def mug_row(live: LiveScope, key: str, n: int, vendor: str) -> dict[str, str]:
    return {
        "id": key,
        "parent_id": "",
        "title": live.name(f"Mug {key}"),
        "size": "",
        "color": "",
        "sku": f"{RUN_TAG}-{live.number:02d}-{key}".upper(),
        "ean": live.barcode(n),
        "price": "7.50",
        "qty": "3",
        "supplier_name": vendor,
        "supplier_price": "2.00",
        "supplier_reference": f"AC-{key}",
        "supplier_min_qty": "1",
    }


def variants(live: LiveScope) -> dict[str, dict[str, Any]]:
    """Every product.product odoosync named ``variant_<key>`` (or ``product_<key>``'s
    template's variant) in the test's module, by catalog key, read field by field."""
    rpc = live.rpc
    by_key: dict[str, int] = {}
    for row in live.external_ids():
        if row["model"] == "product.product" and row["name"].startswith("variant_"):
            by_key[row["name"].removeprefix("variant_")] = row["res_id"]
        elif row["model"] == "product.template" and row["name"].startswith("product_"):
            [variant] = rpc("product.product", "search", [("product_tmpl_id", "=", row["res_id"])],
                            context=ALL_ACTIVE)  # fmt: skip
            by_key[row["name"].removeprefix("product_")] = variant
    records = {r["id"]: r for r in rpc("product.product", "read", list(by_key.values()), READ,
                                       context=ALL_ACTIVE)}  # fmt: skip
    found: dict[str, dict[str, Any]] = {}
    for key, variant_id in by_key.items():
        record = dict(records[variant_id])
        ptav_ids = record["product_template_attribute_value_ids"]
        ptavs = rpc("product.template.attribute.value", "read", ptav_ids, ["attribute_id", "name"])
        record["combination"] = {p["attribute_id"][1]: p["name"] for p in ptavs}
        sellers = rpc(
            "product.supplierinfo", "search_read",
            [("product_tmpl_id", "=", record["product_tmpl_id"][0])],
            ["partner_id", "product_id", "price", "product_code", "min_qty"],
        )  # fmt: skip
        record["vendors"] = [s for s in sellers if s["product_id"] in (False, [])
                             or s["product_id"][0] == variant_id]  # fmt: skip
        found[key] = record
    return found


def assert_odoo_is(live: LiveScope, rows: list[dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Every catalog row's variant in Odoo, field by field; no other active variant."""
    odoo = variants(live)
    for row in rows:
        key = row["id"]
        record = odoo[key]
        assert record["active"] is True, key
        assert record["barcode"] == row["ean"], key
        assert record["default_code"] == row["sku"], key
        assert record["lst_price"] == pytest.approx(float(row["price"])), key
        assert record["qty_available"] == pytest.approx(float(row["qty"])), key
        wanted = (
            {live.name("Size"): row["size"], live.name("Color"): row["color"]}
            if row["parent_id"]
            else {}
        )
        assert record["combination"] == wanted, key
        vendors = [(v["partner_id"][1], v["price"], v["product_code"], v["min_qty"])
                   for v in record["vendors"]]  # fmt: skip
        assert vendors == [
            (row["supplier_name"], float(row["supplier_price"]), row["supplier_reference"],
             float(row["supplier_min_qty"]))
        ], key  # fmt: skip
    keys = {row["id"] for row in rows}
    assert {k for k, r in odoo.items() if r["active"]} == keys
    templates = sorted({odoo[k]["product_tmpl_id"][0] for k in keys})
    active = live.rpc("product.product", "search", [("product_tmpl_id", "in", templates)])
    assert set(active) == {odoo[k]["id"] for k in keys}
    return odoo


def set_quantity(rpc: Rpc, variant_id: int, quantity: float) -> None:
    """A stock count made in Odoo (WH/Stock), as a user's inventory adjustment: a quant in
    inventory mode, then ``action_apply_inventory`` (which answers fault 1 "cannot marshal
    None" after applying it: its Python result is None)."""
    [warehouse] = rpc("stock.warehouse", "search_read", [], ["lot_stock_id"], limit=1)
    context = {"inventory_mode": True}
    quant = rpc("stock.quant", "create", {"product_id": variant_id,
                "location_id": warehouse["lot_stock_id"][0], "inventory_quantity": quantity},
                context=context)  # fmt: skip
    try:
        rpc("stock.quant", "action_apply_inventory", [quant], context=context)
    except Exception as fault:  # xmlrpc.client.Fault
        assert "cannot marshal None" in str(fault), fault


def counts(doc: dict[str, Any]) -> tuple[int, int, int, int]:
    return doc["created"], doc["updated"], doc["unchanged"], doc["failed"]


def test_done_when_export_edit_export_field_by_field(live: LiveScope, rpc: Rpc) -> None:
    acme, _ = live.make_partner("Acme Supplies")
    rows = [
        *tee_rows(live, "tee", 1, acme),
        mug_row(live, "mug", 5, acme),
        *tee_rows(live, "polo", 2, acme, sizes=("S", "M")),
    ]
    live.write(rows, mapping=mapping(live), columns=COLUMNS)

    code, doc = live.cli_json("export")
    assert code == 0, doc
    assert (doc["created"], doc["failed"]) == (len(rows), 0), doc
    first = assert_odoo_is(live, rows)
    tee = first["tee-S-Red"]
    [template] = rpc("product.template", "read", [tee["product_tmpl_id"][0]],
                     ["name", "list_price", "product_variant_count"])  # fmt: skip
    assert (template["name"], template["list_price"], template["product_variant_count"]) == (
        live.name("Tee tee"), 20.0, 6)  # fmt: skip

    # a new size, a changed price, a changed stock level, a removed product, a vendor price
    rows += [r for r in tee_rows(live, "tee", 1, acme, sizes=("S", "M", "L", "XL"))
             if r["size"] == "XL"]  # fmt: skip
    for row in rows:
        if row["parent_id"] == "tee" and row["size"] == "XL":
            row["price"] = f"{float(row['price']) + 3:.2f}"  # XL: +8 over M, +2 Blue
        if row["id"] == "mug":
            row["price"] = "8.25"
        if row["id"] == "tee-M-Red":
            row["qty"] = "42"
        if row["parent_id"] == "polo":
            row["supplier_price"] = "12.50"
    removed = "tee-S-Blue"
    rows = [r for r in rows if r["id"] != removed]
    live.write_catalog(rows)
    code, doc = live.cli_json("export", "--archive-missing", "--details")
    assert code == 0, doc
    assert doc["failed"] == 0 and doc["created"] == 2, doc  # the two XL rows
    second = assert_odoo_is(live, rows)
    assert second[removed]["active"] is False
    assert second[removed]["id"] == first[removed]["id"]
    assert {p["product_id"] for p in doc["products"] if p.get("note")} == {removed}
    changed = {p["product_id"] for p in doc["products"] if p["action"] == "update"}
    assert {"mug", "tee-M-Red", "polo-S-Red"} <= changed, doc["products"]

    # unchanged: nothing to send
    code, doc = live.cli_json("export", "--archive-missing")
    assert code == 0, doc
    assert counts(doc) == (0, 0, len(rows), 0), doc
    assert assert_odoo_is(live, rows) == second

    # the removed row comes back: the same variant, active again
    rows.append(next(r for r in tee_rows(live, "tee", 1, acme) if r["id"] == removed))
    live.write_catalog(rows)
    code, doc = live.cli_json("export")
    assert code == 0, doc
    assert doc["failed"] == 0 and doc["created"] == 0, doc
    back = assert_odoo_is(live, rows)
    assert back[removed]["id"] == first[removed]["id"]


def test_two_way_sync_with_stock_changes(live: LiveScope, rpc: Rpc) -> None:
    """Stock owned by the catalog: a count in the catalog is pushed, one made in Odoo is not
    pulled. Odoo edits (a SKU) come back into the catalog row."""
    acme, _ = live.make_partner("Acme Supplies")
    rows = [*tee_rows(live, "tee", 1, acme, sizes=("S", "M")), mug_row(live, "mug", 5, acme)]
    live.write(rows, mapping=mapping(live), columns=COLUMNS)
    code, doc = live.cli_json("export")
    assert (code, doc["created"]) == (0, 5), doc

    code, doc = live.cli_json("sync", "--no-create-missing", "--details")
    assert code == 0, doc
    assert counts(doc) == (0, 0, 5, 0), doc

    rows[3]["qty"] = "42"  # tee-M-Blue counted anew in the catalog
    live.write_catalog(rows)
    odoo = variants(live)
    set_quantity(rpc, odoo["tee-S-Red"]["id"], 99)  # counted in Odoo: the catalog owns stock
    assert rpc("product.product", "write", [odoo["mug"]["id"]], {"default_code": "FROM-ODOO"})
    code, doc = live.cli_json("sync", "--no-create-missing", "--details")
    assert code == 0, doc
    actions = {p["product_id"]: p["action"] for p in doc["products"]}
    assert actions == {
        "tee-S-Red": "unchanged",
        "tee-S-Blue": "unchanged",
        "tee-M-Red": "unchanged",
        "tee-M-Blue": "update",
        "mug": "update",
    }
    after = variants(live)
    assert after["tee-M-Blue"]["qty_available"] == 42.0
    assert after["tee-S-Red"]["qty_available"] == 99.0
    catalog = live.read_catalog()
    assert catalog["tee-S-Red"]["qty"] == "1"
    assert catalog["mug"]["sku"] == "FROM-ODOO"
    code, doc = live.cli_json("sync", "--no-create-missing")
    assert code == 0, doc
    assert counts(doc) == (0, 0, 5, 0), doc


def test_two_way_sync_pulls_stock_odoo_owns(live: LiveScope, rpc: Rpc) -> None:
    """``[stock] direction = "from_odoo"``: a count made in Odoo lands in the catalog; a
    catalog edit of that stock is not pushed, and is replaced by Odoo's."""
    acme, _ = live.make_partner("Acme Supplies")
    rows = [*tee_rows(live, "tee", 1, acme, sizes=("S", "M")), mug_row(live, "mug", 5, acme)]
    live.write(rows, mapping=mapping(live, stock_direction="from_odoo"), columns=COLUMNS)
    code, doc = live.cli_json("export")
    assert (code, doc["created"]) == (0, 5), doc
    code, doc = live.cli_json("sync", "--no-create-missing")
    assert code == 0, doc

    odoo = variants(live)
    set_quantity(rpc, odoo["tee-M-Blue"]["id"], 7)
    rows[0]["qty"] = "50"
    live.write_catalog(rows)
    code, doc = live.cli_json("sync", "--no-create-missing", "--details")
    assert code == 0, doc
    assert doc["failed"] == 0, doc
    catalog = live.read_catalog()
    assert float(catalog["tee-M-Blue"]["qty"]) == 7.0
    assert float(catalog["tee-S-Red"]["qty"]) == 1.0
    after = variants(live)
    assert after["tee-S-Red"]["qty_available"] == 1.0
    assert after["tee-M-Blue"]["qty_available"] == 7.0
    code, doc = live.cli_json("sync", "--no-create-missing")
    assert code == 0, doc
    assert counts(doc) == (0, 0, 5, 0), doc
