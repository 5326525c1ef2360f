"""How fast `logs` and `stats` stay on a big history.

Fills a history with ROWS log entries (default 1,000,000; bulk insert with the indexes built
afterwards), times ``History.logs(limit=50)`` with each filter and ``History.stats()``, then drops
the sync_log indexes (and computes stats by scanning the log instead of the per-day rollup) and
times the same queries again: the baseline, measured in the same run.

Usage: python benchmarks/history_bench.py [--rows N] [--repeat R] [--keep PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from odoosync.history.store import History
from odoosync.timestamps import iso

DIRECTIONS = ("to_odoo", "to_odoo", "to_odoo", "from_odoo", "bidirectional")
CODES = ("UNIQUE_VIOLATION", "MAPPING_ERROR", "REQUIRED_FIELD_MISSING", "TRANSPORT_ERROR")
END = datetime(2025, 12, 16, 14, 30, tzinfo=UTC)
PER_BATCH = 1000


def rows(n: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    span = 365 * 24 * 3600
    for i in range(n):
        batch = i // PER_BATCH
        started = END - timedelta(seconds=span * (1 - batch / max(1, n // PER_BATCH)))
        started += timedelta(milliseconds=(i % PER_BATCH) * 50)
        roll = rng.random()
        status = "success" if roll < 0.95 else "error" if roll < 0.98 else "skipped"
        code = rng.choice(CODES) if status == "error" else None
        details = json.dumps({"odoo_error_code": code, "field": "barcode"}) if code else None
        stamp = iso(started)
        yield (
            f"p-{(i * 7919) % 100_000}", rng.randrange(1, 50_000), rng.choice(DIRECTIONS),
            "update", status, '["name", "list_price"]', rng.randrange(20, 900), stamp, stamp,
            "schedule", 3, f"sync_{batch:06d}", "failed" if code else None, details, "ops",
            "production", code,
        )  # fmt: skip


def fill(history: History, n: int) -> float:
    conn = history.db.conn
    index_sql = [
        sql
        for (sql,) in conn.execute(
            "select sql from sqlite_master where type = 'index' and tbl_name = 'sync_log'"
            " and sql is not null"
        )
    ]
    start = time.perf_counter()
    conn.execute("pragma synchronous = off")
    for sql in index_sql:
        conn.execute("drop index " + sql.split(" ON ")[0].split()[-1])
    conn.execute("begin")
    conn.executemany(
        "insert into sync_log (product_id, odoo_product_id, sync_direction, sync_type,"
        " sync_status, fields_synced, duration_ms, started_at, completed_at, triggered_by,"
        " schedule_id, batch_id, error_message, error_details, user, profile, error_code)"
        " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows(n, random.Random(42)),
    )
    for sql in index_sql:
        conn.execute(sql)
    conn.execute("commit")
    conn.execute("analyze")
    conn.execute("pragma synchronous = normal")
    return time.perf_counter() - start


def timed(call: Callable[[], object], repeat: int) -> tuple[float, object]:
    times = []
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def cases(history: History) -> dict[str, Callable[[], object]]:
    some = history.db.conn.execute(
        "select product_id, batch_id from sync_log limit 1 offset 500000"
    )
    product, batch = some.fetchone() or ("p-1", "sync_000001")
    week = iso(END - timedelta(days=7))
    month = iso(END - timedelta(days=30))
    return {
        "logs --limit 50": lambda: history.logs(limit=50),
        "logs --status error": lambda: history.logs(status="error", limit=50),
        "logs --batch ID": lambda: history.logs(batch_id=batch, limit=50),
        "logs --product ID": lambda: history.logs(product_id=product, limit=50),
        "logs --direction from_odoo": lambda: history.logs(direction="from_odoo", limit=50),
        "logs --since (7 days)": lambda: history.logs(since=week, limit=50),
        "logs --status error --since": lambda: history.logs(status="error", since=week, limit=50),
        "stats": lambda: history.stats(),
        "stats --since (30 days)": lambda: history.stats(month),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="Write the history here and keep it.")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    path = args.keep or Path(folder.name) / "odoosync.db"
    history = History(path)
    seconds = fill(history, args.rows)
    print(f"filled {args.rows:,} log entries in {seconds:.1f}s ({args.rows / seconds:,.0f}/s)")
    indexed = {name: timed(call, args.repeat) for name, call in cases(history).items()}
    conn = history.db.conn
    names = [
        name
        for (name,) in conn.execute(
            "select name from sqlite_master where type = 'index' and tbl_name = 'sync_log'"
            " and sql is not null"
        )
    ]
    for name in names:
        conn.execute(f"drop index {name}")
    history._stat_rows = lambda since, profile: history._stat_rows_scan(since, profile)  # type: ignore[method-assign]
    baseline = {name: timed(call, args.repeat) for name, call in cases(history).items()}
    print(f"{'query':34} {'indexed ms':>11} {'no index ms':>12} {'speed-up':>9}")
    for name, (ms, result) in indexed.items():
        base_ms, base_result = baseline[name]
        same = "" if result == base_result else "  (results differ!)"
        print(f"{name:34} {ms:11.2f} {base_ms:12.2f} {base_ms / max(ms, 1e-6):8.0f}x{same}")
    history.close()
    folder.cleanup()


if __name__ == "__main__":
    main()
