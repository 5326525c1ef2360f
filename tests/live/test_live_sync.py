"""Live: export, import --dry-run and sync through the CLI, checked in Odoo with plain XML-RPC.

Skipped unless a live target is configured (see conftest.py and docs/live-testing.md).
"""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from odoosync.history.store import History
from tests.support.live_env import LiveScope, Rpc


def _catalog(live: LiveScope) -> tuple[str, list[dict[str, str]]]:
    """Five products in a category of this test's own; the fifth has no barcode."""
    category, _categ_id = live.make_category("category")
    rows = live.products(5, category=category)
    rows[4]["ean"] = ""
    live.write(rows)
    return category, rows


def _by_key(live: LiveScope) -> dict[str, dict[str, Any]]:
    """This test's Odoo products by catalog key, through their external ids."""
    ids = {d["res_id"]: d["name"].removeprefix("product_") for d in live.external_ids()}
    return {ids[p["id"]]: p for p in live.odoo_products() if p["id"] in ids}


def test_export_creates_five_then_nothing_then_exactly_one_price(live: LiveScope) -> None:
    _category, rows = _catalog(live)

    code, doc = live.cli_json("export")
    assert code == 0, doc
    assert doc["success"] is True and doc["direction"] == "to_odoo"
    assert (doc["products_found"], doc["created"], doc["failed"]) == (5, 5, 0)
    odoo = _by_key(live)
    assert sorted(odoo) == ["p1", "p2", "p3", "p4", "p5"]
    for row in rows:
        product = odoo[row["id"]]
        assert product["name"] == row["title"]
        assert product["barcode"] == (row["ean"] or False)
        assert Decimal(str(product["list_price"])) == Decimal(row["price"])
    assert len(live.odoo_products()) == 5
    assert {d["model"] for d in live.external_ids()} == {"product.template"}

    code, doc = live.cli_json("export")
    assert code == 0, doc
    assert (doc["created"], doc["updated"], doc["unchanged"], doc["failed"]) == (0, 0, 5, 0)

    rows[2]["price"] = "42.25"
    live.write_catalog(rows)
    code, doc = live.cli_json("export", "--details")
    assert code == 0, doc
    assert (doc["created"], doc["updated"], doc["unchanged"]) == (0, 1, 4)
    [updated] = [p for p in doc["products"] if p["action"] == "update"]
    assert updated["product_id"] == "p3"
    assert "list_price" in updated["fields_synced"]
    after = _by_key(live)
    assert after["p3"]["list_price"] == 42.25
    assert all(after[k]["list_price"] == odoo[k]["list_price"] for k in after if k != "p3")


def test_a_lost_history_db_creates_nothing_on_the_next_export(live: LiveScope) -> None:
    _catalog(live)
    code, doc = live.cli_json("export")
    assert (code, doc["created"]) == (0, 5), doc
    before = _by_key(live)

    for suffix in ("", "-wal", "-shm"):
        live.history.with_name(live.history.name + suffix).unlink(missing_ok=True)
    code, doc = live.cli_json("export")
    assert code == 0, doc
    assert (doc["products_found"], doc["created"], doc["failed"]) == (5, 0, 0)
    assert _by_key(live) == before  # found again by external id, the barcode-less one too
    assert len(live.odoo_products()) == 5


def test_duplicate_barcode_in_the_catalog_exits_6_with_the_existing_product(
    live: LiveScope, rpc: Rpc
) -> None:
    rows = live.products(3)
    rows[2]["ean"] = rows[0]["ean"]
    live.write(rows)

    code, doc = live.cli_json("export")
    assert code == 6, doc
    assert doc["success"] is False
    assert (doc["created"], doc["failed"]) == (2, 1)
    [error] = doc["errors"]
    assert error["product_id"] == "p3"
    details = error["error_details"]
    assert details["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert details["field"] == "barcode"
    assert details["value"] == rows[0]["ean"]
    [holder] = rpc("product.template", "search", [("barcode", "=", rows[0]["ean"])])
    assert details["existing_product_id"] == holder
    assert _by_key(live)["p1"]["id"] == holder
    assert sorted(_by_key(live)) == ["p1", "p2"]


def test_import_dry_run_of_the_category_lists_its_products(live: LiveScope, rpc: Rpc) -> None:
    category, _rows = _catalog(live)
    categ_id = live.categories[category]
    code, doc = live.cli_json("export")
    assert (code, doc["created"]) == (0, 5), doc
    extra = rpc(
        "product.template", "create", {"name": live.name("made in Odoo"), "categ_id": categ_id}
    )
    catalog_before = live.catalog.read_bytes()
    odoo_before = live.odoo_products()

    code, doc = live.cli_json("import", "--categ-id", str(categ_id), "--dry-run", "--details")
    assert code == 0, doc
    assert doc["dry_run"] is True and doc["direction"] == "from_odoo"
    listed = {p["product_id"]: p for p in doc["products"]}
    assert {"p1", "p2", "p3", "p4", "p5"} <= set(listed)
    [new] = [p for p in doc["products"] if p["odoo_product_id"] == extra]
    assert new["action"] == "create"
    assert len(listed) == 6
    assert {listed[k]["action"] for k in ("p1", "p2", "p3", "p4", "p5")} == {"unchanged"}
    assert live.catalog.read_bytes() == catalog_before
    assert live.odoo_products() == odoo_before


def _export_then_edit_p2_in_odoo(live: LiveScope, rpc: Rpc, *, wait: float) -> dict[str, Any]:
    """Export the five products, wait ``wait`` s, set p2's price to 77.7 in Odoo; return p2's
    Odoo write_date and the history link's synced_at (both UTC)."""
    _catalog(live)
    code, doc = live.cli_json("export")
    assert (code, doc["created"]) == (0, 5), doc
    time.sleep(wait)
    p2 = _by_key(live)["p2"]["id"]
    assert rpc("product.template", "write", [p2], {"list_price": 77.7}) is True
    [record] = rpc("product.template", "read", [p2], ["write_date"])
    with History(live.history) as history:
        link = history.links("live")["p2"]
    return {"write_date": record["write_date"], "synced_at": link.synced_at}


def _assert_sync_pulls_p2(live: LiveScope) -> None:
    code, doc = live.cli_json("sync", "--no-create-missing", "--details")
    assert code == 0, doc
    assert doc["direction"] == "bidirectional"
    assert (doc["updated"], doc["created"], doc["failed"], doc["conflicts"]) == (1, 0, 0, 0)
    assert Decimal(live.read_catalog()["p2"]["price"]) == Decimal("77.7")
    assert _by_key(live)["p2"]["list_price"] == 77.7

    code, doc = live.cli_json("sync", "--no-create-missing")
    assert code == 0, doc
    assert (doc["updated"], doc["created"], doc["unchanged"]) == (0, 0, 5)


def test_sync_pulls_an_edit_made_in_odoo(live: LiveScope, rpc: Rpc) -> None:
    # a second and more after the export: Odoo's write_date (whole seconds) is past the link's
    # synced_at (see the next test for an edit within the same second)
    _export_then_edit_p2_in_odoo(live, rpc, wait=1.1)
    _assert_sync_pulls_p2(live)


# fixed: export saves the link's Odoo-side digest (88bdec4) and sync decides Odoo-changed by
# hash, never by clock, so an edit in the export's second is pulled
def test_sync_pulls_an_edit_made_in_odoo_in_the_same_second_as_the_export(
    live: LiveScope, rpc: Rpc
) -> None:
    stamps = _export_then_edit_p2_in_odoo(live, rpc, wait=0)
    written = datetime.fromisoformat(stamps["write_date"].replace(" ", "T") + "+00:00")
    synced = datetime.fromisoformat(stamps["synced_at"].replace("Z", "+00:00"))
    if written > synced:
        pytest.skip(f"the edit ({written}) landed after the export's link ({synced}): not the race")
    _assert_sync_pulls_p2(live)
