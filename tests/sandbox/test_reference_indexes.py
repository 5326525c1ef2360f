"""The sandbox looks one2many fields, stock quantities and a variant's values up through indexes
on the inverse columns (``Store.ids_where``), as Odoo's btree indexes on ``product_tmpl_id``,
``attribute_line_id``, ``product_id``... do: reading a template and its variants does the same
work in a store of thousands of products as in a store of three, and the indexes answer what a
scan of the table answers after creates, writes, unlinks, rollbacks and a restart from disk.
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, serve
from odoosync.sandbox.store import REFERENCE_INDEXES, Store
from tests.support.catalog_rpc import Odoo, make_tee

BIG = 2000
SMALL = 3
COUNTED = 5.0


def _catalog(sb: SandboxHandle, templates: int) -> list[int]:
    """``templates`` storable templates of three sizes each, a vendor line on every template and
    ``COUNTED`` units of every variant in WH/Stock; returns the template ids."""
    ex = sb.execute
    size = ex("product.attribute", "create", {"name": "Size"})
    values = ex(
        "product.attribute.value", "create", [{"name": n, "attribute_id": size} for n in "SML"]
    )
    vendor = ex("res.partner", "create", {"name": "Vendor", "is_company": True})
    tmpls: list[int] = ex(
        "product.template",
        "create",
        [
            {
                "name": f"T{i}",
                "detailed_type": "product",
                "attribute_line_ids": [
                    [0, 0, {"attribute_id": size, "value_ids": [[6, 0, values]]}]
                ],
                "seller_ids": [[0, 0, {"partner_id": vendor, "price": 2.0, "min_qty": 1}]],
            }
            for i in range(templates)
        ],
    )
    variants = [
        v
        for r in ex("product.template", "read", tmpls, ["product_variant_ids"])
        for v in r["product_variant_ids"]
    ]
    [warehouse] = ex("stock.warehouse", "read", [1], ["lot_stock_id"])
    quants = ex(
        "stock.quant",
        "create",
        [
            {
                "product_id": v,
                "location_id": warehouse["lot_stock_id"][0],
                "inventory_quantity": COUNTED,
            }
            for v in variants
        ],
        context={"inventory_mode": True},
    )
    ex("stock.quant", "action_apply_inventory", quants)
    return tmpls


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[SandboxHandle, list[int]]]:
    with serve(seed="empty") as sb:
        yield sb, _catalog(sb, BIG)


@pytest.fixture(scope="module")
def small() -> Iterator[tuple[SandboxHandle, list[int]]]:
    with serve(seed="empty") as sb:
        yield sb, _catalog(sb, SMALL)


def _read_last_template(sb: SandboxHandle, tmpls: list[int]) -> tuple[dict[str, Any], Any]:
    """Every field of the last template and of its variants, over XML-RPC; and the work done:
    rows gone through by passes over whole tables, records found through the indexes."""
    odoo = Odoo(sb.url, sb.database, "17.0")
    store: Store = sb.store
    scanned, looked_up = store.rows_scanned, store.lookups
    [tmpl] = odoo("product.template", "read", [tmpls[-1]])
    variants = odoo("product.product", "read", tmpl["product_variant_ids"])
    work = (store.rows_scanned - scanned, store.lookups - looked_up)
    return {"template": tmpl, "variants": variants}, work


def test_reading_a_template_and_its_variants_does_not_depend_on_the_store_size(
    big: tuple[SandboxHandle, list[int]], small: tuple[SandboxHandle, list[int]]
) -> None:
    read_big, work_big = _read_last_template(*big)
    read_small, work_small = _read_last_template(*small)
    tmpl = read_big["template"]
    assert tmpl["qty_available"] == 3 * COUNTED
    assert len(tmpl["attribute_line_ids"]) == 1
    assert len(tmpl["seller_ids"]) == 1
    assert tmpl["product_variant_count"] == 3
    assert [v["display_name"] for v in read_big["variants"]] == [
        f"T{BIG - 1} ({size})" for size in ("S", "M", "L")
    ]
    assert [v["qty_available"] for v in read_big["variants"]] == [COUNTED] * 3
    assert tmpl["qty_available"] == read_small["template"]["qty_available"]
    # 6,000 variants, quants and values and 2,000 lines and vendor lines: none of it scanned
    assert work_big == work_small
    scanned, looked_up = work_big
    assert scanned < BIG
    assert 0 < looked_up < 100


def _scan(store: Store, model: str, name: str) -> dict[int, list[int]]:
    """What the index of ``model.name`` should hold, from a pass over the table."""
    out: dict[int, list[int]] = {}
    for rec_id, rec in sorted(dict(store.tables[model]).items()):
        value = rec.get(name)
        for item in value if isinstance(value, list) else [value]:
            if item:
                out.setdefault(int(item), []).append(rec_id)
    return out


def _assert_indexes_match_scans(store: Store) -> None:
    highest = max(store.sequences.values()) + 2
    for model, name in sorted(REFERENCE_INDEXES):
        expected = _scan(store, model, name)
        for value in range(1, highest):
            assert store.ids_where(model, name, value) == expected.get(value, []), (
                model,
                name,
                value,
            )


@pytest.fixture(params=["17.0", "19.0"])
def sb(request: pytest.FixtureRequest) -> Iterator[SandboxHandle]:
    with serve(seed="empty", odoo_version=request.param) as handle:
        yield handle


def test_indexes_answer_what_a_scan_answers_after_changes(sb: SandboxHandle) -> None:
    odoo = Odoo(sb.url, sb.database, "17.0" if sb.store.version == 17 else "19.0")
    tee = make_tee(odoo)
    vendor = odoo("res.partner", "create", {"name": "Vendor"})
    odoo(
        "product.template",
        "write",
        [tee["tmpl"]],
        {"seller_ids": [[0, 0, {"partner_id": vendor, "price": 3.0}]], **odoo.storable()},
    )
    [stock] = odoo("stock.warehouse", "read", [1], ["lot_stock_id"])
    quant = odoo(
        "stock.quant",
        "create",
        {
            "product_id": tee["variants"][0],
            "location_id": stock["lot_stock_id"][0],
            "inventory_quantity": 4,
        },
        context={"inventory_mode": True},
    )
    with pytest.raises(xmlrpc.client.Fault):  # applied, then None cannot be marshalled (#30)
        odoo("stock.quant", "action_apply_inventory", [quant])
    _assert_indexes_match_scans(sb.store)

    # removing "L" unlinks its unstocked variants; removing "S" archives the stocked one
    [line] = odoo("product.template", "read", [tee["tmpl"]], ["attribute_line_ids"])
    size_line = line["attribute_line_ids"][0]
    odoo(
        "product.template.attribute.line",
        "write",
        [size_line],
        {"value_ids": [[3, tee["values"]["L"]], [3, tee["values"]["S"]]]},
    )
    # a call that fails after its creates: everything it did is rolled back
    with pytest.raises(xmlrpc.client.Fault):
        odoo(
            "product.template",
            "create",
            {"name": "Gone", "seller_ids": [[0, 0, {"partner_id": vendor}]], "no_such": 1},
        )
    other = make_tee(odoo, "Other tee")
    odoo("product.template", "unlink", [other["tmpl"]])
    _assert_indexes_match_scans(sb.store)
    [row] = odoo("product.template", "read", [tee["tmpl"]], ["qty_available", "seller_ids"])
    assert row["qty_available"] == 4.0
    assert len(row["seller_ids"]) == 1


def test_a_restarted_sandbox_indexes_what_it_restored_not_the_seed(tmp_path: Path) -> None:
    """A demo product deleted before the restart leaves no trace: its barcode is free again."""
    data = tmp_path / "sandbox.json"
    with serve(seed="demo", data_path=data) as first:
        odoo = Odoo(first.url, first.database, "17.0")
        [gone] = odoo("product.product", "search", [("barcode", "!=", False)], limit=1)
        [row] = odoo("product.product", "read", [gone], ["barcode", "product_tmpl_id"])
        odoo("product.template", "unlink", [row["product_tmpl_id"][0]])
    with serve(seed="demo", data_path=data) as second:
        odoo = Odoo(second.url, second.database, "17.0")
        assert odoo("product.product", "search", [("barcode", "=", row["barcode"])]) == []
        new = odoo("product.template", "create", {"name": "Reuse", "barcode": row["barcode"]})
        [again] = odoo("product.template", "read", [new], ["barcode"])
        assert again["barcode"] == row["barcode"]
        _assert_indexes_match_scans(second.store)
