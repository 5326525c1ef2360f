"""Export against the sandbox over a real socket: creates, idempotence, linking, faults."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from odoosync.engine.export.run import run_export
from odoosync.engine.result import RunOptions
from odoosync.errors import AuthenticationError, Interrupted
from odoosync.history.records import LogEntry, Run
from odoosync.history.store import History
from tests.support.export_env import (
    COLUMNS,
    ExportSetup,
    factory,
    products,
)


def test_first_export_creates_all_with_external_ids(setup: ExportSetup) -> None:
    result = setup.export()
    assert (result.created, result.failed, result.products_found) == (25, 0, 25)
    assert result.success
    assert len(setup.templates()) == 25
    names = setup.sandbox.execute(
        "ir.model.data",
        "search_read",
        [("module", "=", "odoosync"), ("model", "=", "product.template")],
        ["name"],
    )
    assert {row["name"] for row in names} >= {f"product_p-{i}" for i in range(1, 26)}
    # batched: 25 products in batches of 10 -> 3 load calls, never one per product
    assert setup.sandbox.calls().get("product.template.load", 0) == 3


def test_second_export_sends_nothing_and_makes_a_handful_of_calls(setup: ExportSetup) -> None:
    setup.export()
    setup.sandbox.reset_calls()
    result = setup.export()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 25)
    calls = setup.product_calls()
    assert "product.template.load" not in calls
    assert "product.template.write" not in calls
    assert "product.template.create" not in calls
    assert "product.template.read" not in calls  # unchanged since pushed: no values read
    assert calls.get("product.template.search") == 1  # one existence check per 1,000
    per_run = sum(  # the rights check is check_access_rights up to 17, has_access from 18
        calls.get(f"product.template.{name}", 0)
        for name in ("check_access_rights", "has_access", "fields_get")
    )
    assert sum(calls.values()) - per_run == 1  # nothing else
    with History(setup.settings.history_path) as history:
        assert history.logs(batch_id=result.batch_id) == []  # unchanged: no log entries


def test_without_details_the_result_keeps_counts_not_every_product(setup: ExportSetup) -> None:
    first = setup.export()
    assert (first.created, first.omitted) == (25, 15)
    assert len(first.products) == 10  # the first 10 to complete (workers finish in any order)
    assert {p.action for p in first.products} == {"create"}
    second = setup.export()
    assert (second.unchanged, second.products, second.omitted) == (25, [], 0)
    listed = setup.export(details=True)
    assert [p.product_id for p in listed.products] == [f"p-{i}" for i in range(1, 26)]
    with History(setup.settings.history_path) as history:  # every create is logged all the same
        assert len(history.logs(batch_id=first.batch_id, limit=None)) == 25


def test_changing_three_products_updates_exactly_those(setup: ExportSetup) -> None:
    setup.export()
    setup.rows[0]["price"] = "99.00"
    setup.rows[1]["price"] = "98.00"
    setup.rows[2]["title"] = "Renamed"
    setup.rewrite()
    result = setup.export(details=True)
    assert (result.created, result.updated, result.unchanged) == (0, 3, 22)
    synced = {p.product_id: p.fields_synced for p in result.products if p.action == "update"}
    assert synced == {"p-1": ["list_price"], "p-2": ["list_price"], "p-3": ["name"]}
    prices = {t["default_code"]: t["list_price"] for t in setup.templates()}
    assert prices["REF-1"] == 99.0 and prices["REF-2"] == 98.0


def test_duplicate_barcode_fails_one_product_and_the_rest_land(setup: ExportSetup) -> None:
    setup.rows[5]["ean"] = setup.rows[4]["ean"]
    setup.rewrite()
    result = setup.export()
    assert (result.created, result.failed) == (24, 1)
    [error] = result.errors()
    assert error["product_id"] == "p-6"
    details = error["error_details"]
    assert details["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert details["field"] == "barcode"
    existing = setup.templates([("barcode", "=", setup.rows[4]["ean"])])
    assert details["existing_product_id"] == existing[0]["id"]
    assert "Traceback" not in (details.get("odoo_message") or "")


def test_product_already_in_odoo_with_the_barcode_is_linked_not_duplicated(
    setup: ExportSetup,
) -> None:
    existing = setup.sandbox.execute(
        "product.template", "create", [{"name": "Old name", "barcode": setup.rows[0]["ean"]}]
    )
    existing_id = existing[0] if isinstance(existing, list) else existing
    result = setup.export(details=True)
    assert result.created == 24
    first = next(p for p in result.products if p.product_id == "p-1")
    assert (first.action, first.odoo_product_id) == ("update", existing_id)
    assert len(setup.templates([("barcode", "=", setup.rows[0]["ean"])])) == 1
    xml = setup.sandbox.execute(
        "ir.model.data", "search_read", [("name", "=", "product_p-1")], ["res_id"]
    )
    assert [row["res_id"] for row in xml] == [existing_id]


def test_lost_history_creates_nothing_new_also_without_barcode(setup: ExportSetup) -> None:
    for row in setup.rows[:5]:
        row["ean"] = ""
    setup.rewrite()
    setup.export()
    setup.settings.history_path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(setup.settings.history_path) + suffix).unlink(missing_ok=True)
    result = setup.export()
    assert (result.created, result.failed) == (0, 0)
    assert len(setup.templates()) == 25


def test_lost_response_on_a_create_batch_leaves_no_duplicate(setup: ExportSetup) -> None:
    setup.sandbox.inject("lost_response", model="product.template", method="load")
    result = setup.export()
    assert result.failed == 0
    assert result.created == 25
    assert len(setup.templates()) == 25


def test_http_502_on_a_write_is_retried(setup: ExportSetup) -> None:
    setup.export()
    for row in setup.rows[:3]:
        row["price"] = "77.00"  # the same values: one write
    setup.rewrite()
    setup.sandbox.inject("http_502", model="product.template", method="write")
    setup.sandbox.reset_calls()
    result = setup.export()
    assert (result.updated, result.failed) == (3, 0)
    prices = {t["default_code"]: t["list_price"] for t in setup.templates()}
    assert [prices["REF-1"], prices["REF-2"], prices["REF-3"]] == [77.0, 77.0, 77.0]
    assert setup.sandbox.calls().get("product.template.write") == 2  # the 502, then the retry


def test_dry_run_changes_nothing(setup: ExportSetup) -> None:
    before = (setup.folder / "products.csv").read_bytes()
    result = setup.export(dry_run=True, details=True)
    assert result.dry_run and result.created == 25
    assert all(p.changes for p in result.products)
    assert setup.templates() == []
    assert (setup.folder / "products.csv").read_bytes() == before
    with History(setup.settings.history_path) as history:
        assert history.runs() == []
        assert history.links("test") == {}


def test_auth_failure_before_any_product_call(setup: ExportSetup) -> None:
    with pytest.raises(AuthenticationError):
        setup.export(password="wrong")
    assert setup.product_calls() == {}


def test_product_deleted_in_odoo_is_recreated(setup: ExportSetup) -> None:
    first = setup.export(details=True)
    gone = next(p.odoo_product_id for p in first.products if p.product_id == "p-1")
    setup.sandbox.execute("product.template", "unlink", [gone])
    result = setup.export(details=True)
    again = next(p for p in result.products if p.product_id == "p-1")
    assert again.action == "create"
    assert again.odoo_product_id != gone
    assert result.created == 1 and result.unchanged == 24
    assert len(setup.templates()) == 25


def test_mapping_error_for_a_bad_ean_and_price(setup: ExportSetup) -> None:
    setup.rows[0]["ean"] = "4000000000018"[:-1] + "9"  # wrong check digit
    setup.rows[1]["price"] = "cheap"
    setup.rewrite()
    result = setup.export()
    assert (result.created, result.failed) == (23, 2)
    codes = {e["product_id"]: e["error_details"]["odoo_error_code"] for e in result.errors()}
    assert codes == {"p-1": "MAPPING_ERROR", "p-2": "MAPPING_ERROR"}


def test_single_product_export_json_shape(setup: ExportSetup) -> None:
    doc = setup.export(product_ids=("p-3",)).to_json()
    assert doc["success"] is True
    assert doc["products_found"] == 1 and doc["created"] == 1
    assert isinstance(doc["odoo_product_id"], int)
    assert doc["fields_synced"] == [
        "name",
        "barcode",
        "default_code",
        "description_sale",
        "list_price",
    ]
    assert doc["products"][0]["product_id"] == "p-3"
    assert isinstance(doc["duration_ms"], int)


def export_interrupted(setup: ExportSetup) -> tuple[Run, list[LogEntry]]:
    """An export stopped by Ctrl-C at its first progress report: its run and log entries."""

    def stop(done: int, total: int | None) -> None:
        raise KeyboardInterrupt

    with History(setup.settings.history_path) as history:
        with pytest.raises(Interrupted):
            run_export(
                setup.settings,
                RunOptions(),
                client_factory=factory(setup.settings),
                history=history,
                progress=stop,
            )
        [run] = history.runs()
        return run, history.logs(batch_id=run.batch_id, limit=None)


def test_interrupted_run_is_recorded_as_interrupted(setup: ExportSetup) -> None:
    run, _ = export_interrupted(setup)
    assert run.status == "interrupted"


def test_incremental_export_considers_rows_modified_since_the_last_successful_run(
    tmp_path: Path, sandbox: Any
) -> None:
    past, future = "2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z"
    rows = [{**row, "modified_at": past} for row in products(4)]
    setup = ExportSetup(tmp_path, sandbox, rows)

    def rewrite() -> None:
        with (tmp_path / "products.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, "modified_at"])
            writer.writeheader()
            writer.writerows(rows)

    rewrite()
    assert setup.export().created == 4
    rows[0].update(price="77.00", modified_at=future)  # changed and marked modified
    rows[1].update(price="66.00")  # changed, but not marked: not considered
    rows[2].update(modified_at=future)  # marked, values as exported: hashed, not sent
    rewrite()
    result = setup.export(sync_type="incremental", details=True)
    assert result.success and result.products_found == 2
    assert {p.product_id: p.action for p in result.products} == {
        "p-1": "update",
        "p-3": "unchanged",
    }
    prices = {t["default_code"]: t["list_price"] for t in setup.templates()}
    assert prices["REF-1"] == 77.0 and prices["REF-2"] != 66.0
    full = setup.export(details=True)  # a full run considers every row
    assert full.products_found == 4 and full.updated == 1


def test_an_interrupted_run_counts_every_chunk_it_logged(setup: ExportSetup) -> None:
    # Ctrl-C after the first chunk: the chunks already running finish and are logged; the
    # run's counts say so too
    run, logged = export_interrupted(setup)
    assert len(logged) > 10  # the second worker's chunk landed too
    assert run.counts["created"] == len(logged)
