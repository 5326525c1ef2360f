from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from odoosync.errors import ConfigError, UsageError
from odoosync.history.records import Link, LogEntry
from odoosync.history.schema import SCHEMA_VERSION, migrate
from odoosync.history.store import History


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


T0 = datetime(2025, 12, 16, 14, 30, 22, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def history(tmp_path: Path, clock: Clock) -> History:
    return History(tmp_path / "odoosync.db", now=clock)


def begin(history: History, direction: str = "to_odoo", **kw: object) -> str:
    args: dict[str, object] = {
        "direction": direction,
        "sync_type": "incremental",
        "triggered_by": "manual",
        "profile": "production",
        "options": {},
    }
    args.update(kw)
    return history.begin_run(**args).batch_id  # type: ignore[arg-type]  # args is a dict[str, object] of keywords


def entry(product: str, status: str = "success", **kw: object) -> LogEntry:
    args: dict[str, object] = {
        "product_id": product,
        "sync_direction": "to_odoo",
        "sync_type": "create",
        "sync_status": status,
    }
    args.update(kw)
    return LogEntry(**args)  # type: ignore[arg-type]  # args is a dict[str, object] of the fields


def test_batch_ids_get_a_prefix_per_direction_and_suffixes_in_the_same_second(
    history: History, clock: Clock
) -> None:
    assert begin(history) == "sync_20251216_143022"
    assert begin(history) == "sync_20251216_143022_2"
    assert begin(history) == "sync_20251216_143022_3"
    assert begin(history, "from_odoo") == "import_20251216_143022"
    assert begin(history, "bidirectional") == "bisync_20251216_143022"
    clock.tick(1)
    assert begin(history) == "sync_20251216_143023"


def test_batch_ids_are_unique_across_concurrent_writers(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "odoosync.db"
    History(path, now=clock).close()
    ids: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            store = History(path, now=clock)  # one connection each, like separate processes
            for _ in range(5):
                ids.append(begin(store))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(ids) == len(set(ids)) == 20
    assert "sync_20251216_143022_20" in ids


def test_dry_run_writes_nothing(history: History) -> None:
    run = history.begin_run(
        direction="to_odoo",
        sync_type="full",
        triggered_by="manual",
        profile="production",
        options={},
        dry_run=True,
    )
    assert run.batch_id == "sync_20251216_143022"
    assert run.dry_run
    assert history.run(run.batch_id) is None
    assert begin(history) == "sync_20251216_143022"  # the id was not taken


def test_record_is_idempotent_and_fills_in_the_run(history: History, clock: Clock) -> None:
    batch = begin(history, triggered_by="schedule", schedule_id=3)
    entries = [entry("p-1", fields_synced=["name", "barcode"]), entry("p-2", "error")]
    history.record(batch, entries)
    history.record(batch, entries)  # a retried batch write
    history.record(batch, [entry("p-1")])  # the same outcome rebuilt
    logs = history.logs()
    assert [e.product_id for e in logs] == ["p-2", "p-1"]
    first = logs[1].to_json()
    assert list(first) == [
        "id", "product_id", "odoo_product_id", "sync_direction", "sync_type", "sync_status",
        "fields_synced", "duration_ms", "started_at", "completed_at", "triggered_by",
        "schedule_id", "batch_id", "error_message", "error_details", "user", "profile",
    ]  # fmt: skip
    assert first["fields_synced"] == ["name", "barcode"]
    assert first["triggered_by"] == "schedule"
    assert first["schedule_id"] == 3
    assert first["batch_id"] == batch
    assert first["profile"] == "production"
    assert first["user"] == history.user
    assert first["started_at"] == "2025-12-16T14:30:22Z"
    assert entries[0].id == first["id"]


def test_record_refuses_bad_values_and_rolls_back_the_batch(history: History) -> None:
    batch = begin(history)
    with pytest.raises(ConfigError, match="sync_status 'oops'"):
        history.record(batch, [entry("p-1"), entry("p-2", "oops")])
    assert history.logs() == []
    with pytest.raises(UsageError, match="No run"):
        history.record("sync_nope", [entry("p-1")])


def test_timestamps_are_normalised_to_utc_z(history: History) -> None:
    batch = begin(history)
    history.record(
        batch,
        [entry("p-1", started_at="2025-12-16T15:30:22.123456+01:00")],
    )
    (only,) = history.logs()
    assert only.started_at == "2025-12-16T14:30:22Z"
    assert only.completed_at == "2025-12-16T14:30:22Z"


def test_logs_filters_and_order(history: History, clock: Clock) -> None:
    export = begin(history)
    history.record(export, [entry("a"), entry("b", "error")])
    clock.tick(60)
    imp = begin(history, "from_odoo")
    history.record(
        imp,
        [
            entry("a", sync_direction="from_odoo", sync_type="update"),
            entry("c", "skipped", sync_direction="from_odoo"),
        ],
    )
    ids = lambda entries: [(e.product_id, e.sync_direction) for e in entries]  # noqa: E731
    assert ids(history.logs()) == [
        ("c", "from_odoo"),
        ("a", "from_odoo"),
        ("b", "to_odoo"),
        ("a", "to_odoo"),
    ]
    assert ids(history.logs(status="error")) == [("b", "to_odoo")]
    assert ids(history.logs(batch_id=export)) == [("b", "to_odoo"), ("a", "to_odoo")]
    assert ids(history.logs(product_id="a")) == [("a", "from_odoo"), ("a", "to_odoo")]
    assert ids(history.logs(direction="from_odoo")) == [("c", "from_odoo"), ("a", "from_odoo")]
    assert ids(history.logs(since="2025-12-16T14:31:00Z")) == [
        ("c", "from_odoo"),
        ("a", "from_odoo"),
    ]
    assert ids(history.logs(since="2025-12-16T15:31:00+01:00", status="skipped")) == [
        ("c", "from_odoo")
    ]
    assert ids(history.logs(limit=1)) == [("c", "from_odoo")]
    with pytest.raises(UsageError, match="--status 'bad'"):
        history.logs(status="bad")
    with pytest.raises(ValueError, match="isoformat"):  # the CLI parses --since (exit 2)
        history.logs(since="yesterday")


def test_log_by_id(history: History) -> None:
    batch = begin(history)
    details = {"odoo_error_code": "UNIQUE_VIOLATION", "field": "barcode", "value": "3700123456789"}
    history.record(batch, [entry("p-1", "error", error_message="dup", error_details=details)])
    (only,) = history.logs()
    assert only.id is not None
    found = history.log(only.id)
    assert found is not None
    assert found.error_details == details
    assert history.log(999) is None


def test_stats_count_log_entries(history: History, clock: Clock) -> None:
    batch = begin(history)
    history.record(
        batch,
        [
            entry("a", duration_ms=100),
            entry("b", duration_ms=200),
            entry("c", duration_ms=301),
            entry("d", "error", duration_ms=50,
                  error_details={"odoo_error_code": "UNIQUE_VIOLATION"}),
        ],
    )  # fmt: skip
    history.finish_run(batch, status="partial", counts={"created": 3, "failed": 1})
    clock.tick(3600)
    later = begin(history, "from_odoo")
    history.record(
        later,
        [
            entry("e", "error", sync_direction="from_odoo",
                  error_details={"odoo_error_code": "MAPPING_ERROR"}),
            entry("f", "error", sync_direction="from_odoo",
                  error_details={"odoo_error_code": "UNIQUE_VIOLATION"}),
        ],
    )  # fmt: skip
    history.save_links("production", [Link("a", 1, "odoosync.product_a"), Link("b", 2, "x")])
    stats = history.stats()
    doc = stats.to_json()
    assert {k: doc[k] for k in list(doc)[:7]} == {
        "total_syncs": 6,
        "successful_syncs": 3,
        "failed_syncs": 3,
        "success_rate": 50.0,
        "avg_duration_ms": 109,  # 651 / 6
        "last_sync_at": "2025-12-16T15:30:22Z",
        "products_with_odoo_id": 2,
    }
    assert doc["by_direction"]["to_odoo"]["total"] == 4
    assert doc["by_direction"]["from_odoo"]["error"] == 2
    assert doc["top_errors"] == [
        {"odoo_error_code": "UNIQUE_VIOLATION", "count": 2},
        {"odoo_error_code": "MAPPING_ERROR", "count": 1},
    ]
    recent = history.stats(since="2025-12-16T15:00:00Z")
    assert (recent.total_syncs, recent.failed_syncs, recent.success_rate) == (2, 2, 0.0)
    history.record(batch, [entry("g")])
    assert history.stats().success_rate == 57.14  # 4 / 7, two decimals


def test_the_daily_rollup_matches_a_scan_of_the_log(tmp_path: Path) -> None:
    moments = iter(T0 + timedelta(hours=7 * i) for i in range(1000))
    history = History(tmp_path / "odoosync.db", now=lambda: next(moments))
    for i in range(12):
        batch = begin(history, ("to_odoo", "from_odoo")[i % 2], profile=("a", "b")[i % 3 == 0])
        history.record(
            batch,
            [
                entry(f"p{j}", ("success", "error", "skipped", "conflict")[(i + j) % 4],
                      sync_direction=("to_odoo", "from_odoo")[i % 2], duration_ms=i * 10 + j,
                      error_details={"odoo_error_code": f"E{j % 3}"})
                for j in range(5)
            ],
        )  # fmt: skip

    def grouped(rows: list[tuple[object, ...]]) -> dict[tuple[object, ...], list[object]]:
        out: dict[tuple[object, ...], list[object]] = {}
        for direction, status, code, count, dur, latest in rows:
            acc = out.setdefault((direction, status, code), [0, 0, ""])
            acc[0] = int(acc[0]) + int(count)  # type: ignore[call-overload]  # SQLite rows are untyped
            acc[1] = int(acc[1]) + int(dur)  # type: ignore[call-overload]  # SQLite rows are untyped
            acc[2] = max(str(acc[2]), str(latest))
        return out

    for since in (None, "2025-12-16T00:00:00Z", "2025-12-17T09:30:22Z", "2025-12-18T23:59:59Z"):
        for profile in (None, "a", "b"):
            assert grouped(history._stat_rows(since, profile)) == grouped(
                history._stat_rows_scan(since, profile)
            ), (since, profile)


def test_stats_of_an_empty_history(history: History) -> None:
    doc = history.stats().to_json()
    assert doc["total_syncs"] == 0
    assert doc["success_rate"] == 0.0
    assert doc["last_sync_at"] is None


def test_finish_run_and_failed_products(history: History, clock: Clock) -> None:
    batch = begin(history)
    history.record(batch, [entry("b", "error"), entry("a"), entry("c", "error")])
    clock.tick(2)
    history.finish_run(batch, status="partial", counts={"products_found": 3, "failed": 2})
    run = history.run(batch)
    assert run is not None
    assert run.status == "partial"
    assert run.completed_at == "2025-12-16T14:30:24Z"
    assert run.duration_ms == 2000
    assert run.counts["failed"] == 2
    assert history.failed_products(batch) == ["b", "c"]
    with pytest.raises(ConfigError, match="status 'done'"):
        history.finish_run(batch, status="done", counts={})


def test_mark_interrupted_finds_runs_whose_process_is_gone(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "odoosync.db"
    code = (
        "import sys; from pathlib import Path; from odoosync.history.store import History;"
        "h = History(Path(sys.argv[1]));"
        "print(h.begin_run(direction='to_odoo', sync_type='full', triggered_by='manual',"
        " profile='production', options={}).batch_id)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    dead_batch = done.stdout.strip()
    history = History(path, now=clock)
    mine = begin(history)  # this process is alive
    assert history.mark_interrupted() == 1
    dead = history.run(dead_batch)
    live = history.run(mine)
    assert dead is not None and dead.status == "interrupted"
    assert live is not None and live.status == "running"
    assert history.mark_interrupted() == 0


def test_links_and_watermarks(history: History) -> None:
    history.save_links(
        "production",
        [Link("a", 10, "odoosync.product_a", "h1", "h2", {"name": "x"}, "2025-01-01 00:00:00")],
    )
    history.save_links("staging", [Link("a", 99, "odoosync.product_a")])
    links = history.links("production")
    assert links["a"].odoo_id == 10
    assert links["a"].field_hashes == {"name": "x"}
    assert links["a"].synced_at == "2025-12-16T14:30:22Z"
    assert history.links("production", ["a", "zz"]).keys() == {"a"}
    assert history.keys_by_odoo_id("staging", [99]) == {99: "a"}
    assert history.watermark("production", "import") is None
    history.set_watermark("production", "import", "2025-12-16 14:00:00")
    history.set_watermark("production", "import", "2025-12-16 15:00:00")
    assert history.watermark("production", "import") == "2025-12-16 15:00:00"


def _v1_database(path: Path) -> None:
    db = Database(sqlite3.connect(str(path), isolation_level=None))
    migrate(db, target=1)
    db.execute(
        "insert into runs (batch_id, direction, sync_type, triggered_by, profile, started_at,"
        " status) values ('sync_1', 'to_odoo', 'full', 'manual', 'p', '2025-01-01T00:00:00Z',"
        " 'success')"
    )
    db.execute(
        "insert into sync_log (product_id, sync_direction, sync_type, sync_status, started_at,"
        " batch_id, error_details) values ('p-1', 'to_odoo', 'create', 'error',"
        " '2025-01-01T00:00:00Z', 'sync_1', ?)",
        [json.dumps({"odoo_error_code": "MISSING_RECORD"})],
    )
    db.execute(
        "insert into schedules (name, cron_expression, profile, created_at, is_enabled)"
        " values ('n', '0 6 * * *', 'p', '2025-01-01T00:00:00Z', 1)"
    )
    db.close()


def test_opening_a_v1_database_migrates_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v1_database(path)
    history = History(path)
    assert history.schema_version() == SCHEMA_VERSION
    assert history.stats().top_errors == [("MISSING_RECORD", 1)]
    (schedule,) = history.schedules()
    assert schedule.running_pid is None
    indexes = {row["name"] for row in history.db.query("select name from sqlite_master")}
    assert {"ix_log_started", "ix_log_sync_status", "ix_log_batch"} <= indexes
    History(path).close()  # opening again changes nothing
    assert History(path).schema_version() == SCHEMA_VERSION


def test_a_newer_database_asks_to_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    History(path).close()
    conn = sqlite3.connect(str(path))
    conn.execute("insert into schema_version values (?)", [SCHEMA_VERSION + 1])
    conn.commit()
    conn.close()
    with pytest.raises(ConfigError, match="upgrade odoosync"):
        History(path)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "odoosync.db"
    path.write_text("not sqlite " * 200)
    with pytest.raises(ConfigError, match="history"):
        History(path)


def test_wal_mode(history: History) -> None:
    assert history.db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_logs_use_indexes(history: History) -> None:
    plan: Callable[[str], str] = lambda sql: " ".join(  # noqa: E731
        str(row[-1]) for row in history.db.execute("explain query plan " + sql).fetchall()
    )
    for where in ("sync_status = 'error'", "batch_id = 'x'", "product_id = 'x'",
                  "sync_direction = 'to_odoo'", "started_at >= 'x'"):  # fmt: skip
        text = plan(f"select * from sync_log where {where} order by started_at desc, id desc")
        assert "USING INDEX" in text, (where, text)
        assert "TEMP B-TREE" not in text, (where, text)


def test_current_process_pid_is_alive() -> None:
    from odoosync.lock import pid_alive

    assert pid_alive(os.getpid())
    assert not pid_alive(0)


def test_a_v2_database_moves_run_errors_into_their_column(tmp_path: Path) -> None:
    """Schema 3: a failed run's reason, kept in its options JSON by schema 2, gets a column."""
    path = tmp_path / "v2.db"
    db = Database(sqlite3.connect(str(path), isolation_level=None))
    migrate(db, target=2)
    db.execute(
        "insert into runs (batch_id, direction, sync_type, triggered_by, profile, started_at,"
        " status, options) values ('sync_1', 'to_odoo', 'full', 'manual', 'p',"
        " '2025-01-01T00:00:00Z', 'failed', ?)",
        [json.dumps({"batch_size": 100, "error": "Access Denied for 'bot'"})],
    )
    db.close()
    with History(path) as history:
        run = history.run("sync_1")
    assert run is not None
    assert run.error == "Access Denied for 'bot'"
    assert run.options == {"batch_size": 100}
    assert run.to_json()["error"] == run.error


def test_finish_run_keeps_the_reason(history: History) -> None:
    run = history.begin_run(
        direction="to_odoo", sync_type="full", triggered_by="manual", profile="p", options={}
    )
    history.finish_run(run.batch_id, status="failed", counts={}, error="Odoo unreachable")
    stored = history.run(run.batch_id)
    assert stored is not None and stored.error == "Odoo unreachable"


@pytest.mark.parametrize("table", ["links", "sync_log"])
def test_record_writes_entries_and_links_in_one_transaction(history: History, table: str) -> None:
    batch = begin(history)
    history.db.conn.execute(
        f"create trigger fail_{table} before insert on {table}"
        " begin select raise(abort, 'disk full'); end"
    )
    with pytest.raises(sqlite3.DatabaseError, match="disk full"):
        history.record(batch, [entry("a")], links=[Link("a", 1, "odoosync.product_a")])
    assert history.logs() == []
    assert history.links("production") == {}
    history.db.conn.execute(f"drop trigger fail_{table}")
    history.record(batch, [entry("a")], links=[Link("a", 1, "odoosync.product_a")])
    assert [e.product_id for e in history.logs()] == ["a"]
    assert history.links("production")["a"].odoo_id == 1  # the run's profile
    history.record(batch, [], links=[Link("b", 2, "x")], profile="staging")
    assert list(history.links("staging")) == ["b"]
