"""The invariants the soak and crash trials check after a clean final run (issue 11): every
catalog row is exactly one Odoo product holding its values, odoosync's products have one
external id each and no external id is shared, every row has a create entry, every failure is
logged once, and the catalog is a complete, readable file."""

from __future__ import annotations

from collections import Counter
from typing import Any

from odoosync.catalog.formats import open_catalog
from tests.support.integrity_env import MODULE, Bench


def check_invariants(bench: Bench) -> dict[str, dict[str, str]]:
    """Assert the invariants; returns the catalog's rows by key."""
    catalog = open_catalog(bench.catalog_path, key="id")
    catalog.validate() if hasattr(catalog, "validate") else None  # whole, not half-written
    rows = {r["id"]: r for r in bench.rows()}
    profile = bench.settings.profile.name
    with bench.history() as history:
        links = history.links(profile)
        entries = history.logs(limit=None)
        runs = history.runs(profile=profile, limit=1000)
    templates = {
        int(t["id"]): t
        for t in bench.sandbox.execute(
            "product.template",
            "search_read",
            [],
            ["name", "barcode", "list_price", "default_code"],
            context={"active_test": False},
        )
    }
    # every catalog row is exactly one Odoo product, and every Odoo product one row
    assert set(links) == set(rows), "rows and links differ"
    linked = Counter(link.odoo_id for link in links.values())
    assert all(n == 1 for n in linked.values()), "two rows linked to one product"
    assert set(linked) == set(templates), "Odoo has products no row is linked to (duplicates?)"
    for key, row in rows.items():
        odoo = templates[links[key].odoo_id]
        assert odoo["name"] == row["title"], key
        assert (odoo["barcode"] or "") == row["ean"], key
        assert (odoo["default_code"] or "") == row["supplier_reference"], key
        assert abs(float(odoo["list_price"]) - float(row["price"] or 0)) < 0.005, key
    # external ids: none shared; one for each product odoosync created (a product made in
    # Odoo and imported has none: an import does not write to Odoo)
    names = bench.sandbox.execute(
        "ir.model.data",
        "search_read",
        [("module", "=", MODULE), ("model", "=", "product.template")],
        ["name", "res_id"],
    )
    per_product = Counter(int(n["res_id"]) for n in names)
    assert all(n == 1 for n in per_product.values()), "a product with two external ids"
    created_here = {
        e.product_id
        for e in entries
        if e.sync_direction == "to_odoo" and e.sync_type == "create" and e.sync_status == "success"
    }
    for key in created_here & set(rows):
        assert per_product[links[key].odoo_id] == 1, f"{key} has no external id"
    # a create entry for every row (to Odoo, or from Odoo for rows an import added)
    creates = Counter(
        e.product_id for e in entries if e.sync_type == "create" and e.sync_status == "success"
    )
    missing = sorted(k for k in rows if not creates[k])
    assert not missing, f"rows without a create entry: {missing[:5]}"
    # every failure logged once: a run's failed count is its error entries
    errors = Counter(e.batch_id for e in entries if e.sync_status == "error")
    for run in runs:
        if run.status in ("success", "partial"):
            assert errors[run.batch_id] == run.counts.get("failed", 0), run.batch_id
    return rows


def expected_rows(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Rows as the CSV holds them (text)."""
    return {k: {c: "" if v is None else str(v) for c, v in r.items()} for k, r in rows.items()}
