"""Issue 11 items 2 and 3: an incremental export's cutoff comes from runs that covered the same
selection, rows without a usable timestamp are exported (with a counted warning), and an
import's watermark only moves for a selection the run fully covered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.integrity_env import Bench, products
from tests.support.transport import test_sandbox


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with test_sandbox(seed="empty") as handle:
        yield handle


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)

    def set(self, hour: int) -> None:
        self.at = self.at.replace(hour=hour)

    def __call__(self) -> datetime:
        return self.at


def _bench(tmp_path: Path, sandbox: Any) -> tuple[Bench, list[dict[str, Any]], Clock]:
    rows = [{**row, "modified_at": "2026-01-01T09:00:00Z"} for row in products(4)]
    bench = Bench(tmp_path, sandbox, rows)
    bench.write_rows(rows)
    bench.clock = Clock()
    return bench, rows, bench.clock


@pytest.mark.parametrize(
    "narrow",
    [
        {"product_ids": ("p-2",)},
        {"where": (("supplier_id", "2"),)},
        {"filters": {"has_ean": "true", "supplier_id": "2"}},
        {"filters": {"modified_since": "2026-01-01T11:30:00Z"}},
    ],
    ids=["ids", "where", "filters", "modified-since"],
)
def test_a_narrower_manual_run_does_not_move_the_schedules_cutoff(
    tmp_path: Path, sandbox: Any, narrow: dict[str, Any]
) -> None:
    bench, rows, clock = _bench(tmp_path, sandbox)
    assert bench.export(sync_type="incremental").created == 4
    rows[0].update(price="88.00", modified_at="2026-01-01T11:00:00Z")  # p-1, supplier 1
    bench.write_rows(rows)
    clock.set(12)
    assert bench.export(**narrow).failed == 0
    clock.set(13)
    result = bench.export(sync_type="incremental", details=True)
    assert [p.product_id for p in result.products if p.action == "update"] == ["p-1"]
    clock.set(14)
    again = bench.export(sync_type="incremental")  # the incremental run covered it: a cutoff
    assert (again.products_found, again.updated) == (0, 0)


def test_rows_without_a_usable_timestamp_are_exported_with_a_counted_warning(
    tmp_path: Path, sandbox: Any
) -> None:
    bench, rows, clock = _bench(tmp_path, sandbox)
    bench.export(sync_type="incremental")
    rows[2].update(price="77.00", modified_at="")  # changed, timestamp lost
    rows[3].update(modified_at="last tuesday")  # unchanged, unreadable
    rows.append({**products(1, start=5)[0], "modified_at": ""})  # new, never dated
    bench.write_rows(rows)
    clock.set(12)
    result = bench.export(sync_type="incremental", details=True)
    actions = {p.product_id: p.action for p in result.products}
    assert actions == {"p-3": "update", "p-4": "unchanged", "p-5": "create"}
    assert len(result.warnings) == 1 and "3 row(s)" in result.warnings[0]
    assert result.to_json()["warnings"] == result.warnings
    assert len(bench.templates()) == 5


def _watermark(bench: Bench) -> str | None:
    with bench.history() as history:
        return history.watermark(bench.settings.profile.name, "import")


def _made_in_odoo(sandbox: Any, name: str) -> None:
    sandbox.execute(
        "product.template", "create", [{"name": name, "default_code": name, "list_price": 5.0}]
    )


def test_an_import_without_creates_does_not_move_the_watermark(
    tmp_path: Path, sandbox: Any
) -> None:
    bench = Bench(tmp_path, sandbox, products(2))
    bench.export()
    assert bench.pull().failed == 0
    before = _watermark(bench)
    assert before is not None
    time.sleep(1.05)  # Odoo's write_date has whole seconds: the new product is newer
    _made_in_odoo(sandbox, "Skipped")
    assert bench.pull(create_missing=False).skipped == 1
    assert _watermark(bench) == before
    assert bench.pull().created == 1  # the next incremental import still sees it


def test_an_import_since_a_later_time_does_not_move_the_watermark(
    tmp_path: Path, sandbox: Any
) -> None:
    bench = Bench(tmp_path, sandbox, products(2))
    bench.export()
    bench.pull()
    before = _watermark(bench)
    time.sleep(1.05)
    _made_in_odoo(sandbox, "Older")
    time.sleep(1.05)
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _made_in_odoo(sandbox, "Newer")
    result = bench.pull(since=since, details=True)
    assert result.created == 1
    assert _watermark(bench) == before
    assert bench.pull().created == 1  # "Older" is not lost
    assert {"Older", "Newer"} <= {r["title"] for r in bench.rows()}
