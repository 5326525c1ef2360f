from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from odoosync.cli import run
from odoosync.history.records import Link, LogEntry
from odoosync.history.store import History

CONFIG = """\
default_profile = "production"

[profiles.production]
name = "Production"
url = "http://127.0.0.1:9"
database = "odoosync"
username = "admin"
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "odoosync.toml"
    path.write_text(CONFIG)
    clock = iter(datetime(2025, 12, 16, 14, 0, tzinfo=UTC) + timedelta(minutes=i) for i in range(9))
    history = History(tmp_path / "odoosync.db", now=lambda: next(clock))
    export = history.begin_run(
        direction="to_odoo", sync_type="full", triggered_by="manual", profile="production",
        options={},
    )  # fmt: skip
    history.record(
        export.batch_id,
        [
            LogEntry(product_id="p-1", sync_direction="to_odoo", sync_type="create",
                     sync_status="success", odoo_product_id=7, fields_synced=["name"],
                     duration_ms=100),
            LogEntry(product_id="p-2", sync_direction="to_odoo", sync_type="create",
                     sync_status="error", duration_ms=300,
                     error_message="Field 'barcode' must be unique",
                     error_details={"odoo_error_code": "UNIQUE_VIOLATION", "field": "barcode",
                                    "value": "3700123456789", "existing_product_id": 892}),
        ],
    )  # fmt: skip
    history.finish_run(export.batch_id, status="partial", counts={"created": 1, "failed": 1})
    imp = history.begin_run(
        direction="from_odoo", sync_type="full", triggered_by="schedule", profile="production",
        options={}, schedule_id=3,
    )  # fmt: skip
    history.record(
        imp.batch_id,
        [LogEntry(product_id="p-1", sync_direction="from_odoo", sync_type="update",
                  sync_status="success", duration_ms=200)],
    )  # fmt: skip
    history.save_links("production", [Link("p-1", 7, "odoosync.product_p-1")])
    history.close()
    return path


def json_out(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> object:
    assert run(argv) == code
    return json.loads(capsys.readouterr().out)


def test_logs_json_newest_first(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = json_out(capsys, ["-c", str(config), "logs", "--json"])
    assert isinstance(entries, list)
    assert [(e["product_id"], e["sync_direction"]) for e in entries] == [
        ("p-1", "from_odoo"),
        ("p-2", "to_odoo"),
        ("p-1", "to_odoo"),
    ]
    assert entries[0]["triggered_by"] == "schedule"
    assert entries[0]["schedule_id"] == 3
    assert entries[0]["batch_id"].startswith("import_20251216_")
    assert entries[2]["started_at"].endswith("Z")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status", "error"], ["p-2"]),
        (["--direction", "from_odoo"], ["p-1"]),
        (["--product", "p-2"], ["p-2"]),
        (["--since", "2025-12-16T14:03:00Z"], ["p-1"]),
        (["--limit", "1"], ["p-1"]),
    ],
)
def test_logs_filters(
    config: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: list[str]
) -> None:
    entries = json_out(capsys, ["-c", str(config), "logs", *args, "--json"])
    assert isinstance(entries, list)
    assert [e["product_id"] for e in entries] == expected


def test_logs_by_batch(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = json_out(capsys, ["-c", str(config), "logs", "--status", "error", "--json"])
    assert isinstance(entries, list)
    batch = entries[0]["batch_id"]
    same = json_out(capsys, ["-c", str(config), "logs", "--batch", batch, "--json"])
    assert isinstance(same, list)
    assert {e["product_id"] for e in same} == {"p-1", "p-2"}


def test_logs_table(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-c", str(config), "logs"]) == 0
    out = capsys.readouterr().out
    assert "p-2" in out
    assert "3 entries." in out


def test_logs_show(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = json_out(capsys, ["-c", str(config), "logs", "--status", "error", "--json"])
    assert isinstance(entries, list)
    entry_id = entries[0]["id"]
    shown = json_out(capsys, ["-c", str(config), "logs", "show", str(entry_id), "--json"])
    assert isinstance(shown, dict)
    assert shown["error_details"] == {
        "odoo_error_code": "UNIQUE_VIOLATION",
        "field": "barcode",
        "value": "3700123456789",
        "existing_product_id": 892,
    }
    assert run(["-c", str(config), "logs", "show", str(entry_id)]) == 0
    text = capsys.readouterr().out
    assert "existing_product_id" in text
    assert "Field 'barcode' must be unique" in text


def test_logs_show_unknown_id(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-c", str(config), "logs", "show", "999"]) == 3
    assert "No log entry with id 999" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["logs"], ["stats"]])
def test_bad_since(config: Path, capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    assert run(["-c", str(config), *command, "--since", "last tuesday"]) == 2
    err = capsys.readouterr().err
    assert "--since 'last tuesday' is not an ISO-8601 date" in err
    assert "Traceback" not in err


def test_bad_status(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-c", str(config), "logs", "--status", "broken"]) == 2
    assert "success, error, skipped, conflict" in capsys.readouterr().err


def test_stats_json(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json_out(capsys, ["-c", str(config), "stats", "--json"])
    assert isinstance(doc, dict)
    assert {k: doc[k] for k in list(doc)[:7]} == {
        "total_syncs": 3,
        "successful_syncs": 2,
        "failed_syncs": 1,
        "success_rate": 66.67,
        "avg_duration_ms": 200,
        "last_sync_at": "2025-12-16T14:04:00Z",
        "products_with_odoo_id": 1,
    }
    since = json_out(
        capsys, ["-c", str(config), "stats", "--since", "2025-12-16T14:03:00Z", "--json"]
    )
    assert isinstance(since, dict)
    assert since["total_syncs"] == 1


def test_stats_text(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-c", str(config), "stats"]) == 0
    out = capsys.readouterr().out
    assert "success rate: 66.67%" in out
    assert "UNIQUE_VIOLATION (1)" in out
