from __future__ import annotations

from odoosync.engine.result import ProductOutcome, RunOptions, RunResult
from odoosync.errors import ExitCode


def test_options_round_trip_through_a_dict() -> None:
    opts = RunOptions(
        product_ids=("p-1", "p-2"),
        filters={"supplier_id": "15"},
        where=(("brand_name", "Acme"),),
        batch_size=50,
        triggered_by="schedule",
        schedule_id=3,
        categ_ids=(5,),
    )
    assert RunOptions.from_dict(opts.to_dict()) == opts
    assert RunOptions.from_dict({**opts.to_dict(), "unknown_key": 1}) == opts


def test_result_json_has_the_spec_keys_and_errors() -> None:
    result = RunResult(batch_id="sync_20251216_143022", products_found=3)
    result.add(ProductOutcome("a", "create", odoo_product_id=7, fields_synced=["name"]))
    result.add(ProductOutcome("b", "unchanged", odoo_product_id=8))
    result.add(
        ProductOutcome(
            "c",
            "error",
            error_message="Field 'barcode' must be unique",
            error_details={"odoo_error_code": "UNIQUE_VIOLATION", "existing_product_id": 8},
        )
    )
    doc = result.to_json()
    assert list(doc) == [
        "success", "batch_id", "direction", "dry_run", "products_found", "created", "updated",
        "unchanged", "failed", "skipped", "conflicts", "duration_ms", "transport", "errors",
    ]  # fmt: skip
    assert doc["success"] is False
    assert (doc["created"], doc["unchanged"], doc["failed"]) == (1, 1, 1)
    assert doc["errors"] == [
        {
            "product_id": "c",
            "error_message": "Field 'barcode' must be unique",
            "error_details": {"odoo_error_code": "UNIQUE_VIOLATION", "existing_product_id": 8},
        }
    ]
    assert "products" not in doc
    assert [p["action"] for p in result.to_json(details=True)["products"]] == [
        "create",
        "unchanged",
        "error",
    ]
    assert result.exit_code == ExitCode.PARTIAL_FAILURE


def test_single_product_json_has_top_level_odoo_product_id() -> None:
    result = RunResult(batch_id="sync_x", single_product=True, products_found=1, dry_run=True)
    result.add(
        ProductOutcome(
            "a", "update", odoo_product_id=7, fields_synced=["list_price"],
            changes={"list_price": [1.0, 2.5]},
        )
    )  # fmt: skip
    doc = result.to_json()
    assert doc["success"] is True
    assert doc["odoo_product_id"] == 7
    assert doc["fields_synced"] == ["list_price"]
    assert doc["products"][0]["changes"] == {"list_price": [1.0, 2.5]}
    assert result.exit_code == ExitCode.OK


def test_aborted_run_exits_5() -> None:
    result = RunResult(batch_id="sync_x", aborted="Odoo unreachable", aborted_exit_code=5)
    assert result.exit_code == ExitCode.ODOO_UNREACHABLE
    assert result.to_json()["success"] is False


def test_a_result_without_keep_all_counts_every_outcome_and_keeps_only_what_is_listed() -> None:
    result = RunResult(batch_id="sync_x", keep_all=False, keep_changes=False)
    for i in range(30):
        result.add(ProductOutcome(f"c{i}", "create", odoo_product_id=i))
        result.add(ProductOutcome(f"u{i}", "unchanged", odoo_product_id=100 + i))
    result.add(ProductOutcome("bad", "error", error_message="refused"))
    assert (result.created, result.unchanged, result.failed) == (30, 30, 1)
    kept = [p.product_id for p in result.products]
    assert kept == [f"c{i}" for i in range(10)] + ["bad"]  # the first 10 changes, every error
    assert (result.omitted, result.changed) == (20, 31)
    assert result.to_json()["errors"] == [
        {"product_id": "bad", "error_message": "refused", "error_details": None}
    ]


def test_a_dry_run_result_keeps_every_change_but_not_the_unchanged() -> None:
    result = RunResult(batch_id="sync_x", keep_all=False, keep_changes=True)
    for i in range(30):
        result.add(ProductOutcome(f"c{i}", "update"))
        result.add(ProductOutcome(f"u{i}", "unchanged"))
    assert len(result.products) == 30
    assert {p.action for p in result.products} == {"update"}
    assert (result.omitted, result.changed, result.unchanged) == (0, 30, 30)
