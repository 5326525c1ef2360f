"""``History.stats``: counts over the log, one entry per product outcome.

Whole days are read from the per-day rollup (``log_rollup``, kept by triggers, see
:mod:`odoosync.history.schema`), the day ``since`` falls in from the log itself, so that stats
stay fast on a large history. :func:`scan_groups` reads everything from the log: the rollup's
reference in tests and benchmarks. The functions take a ``query`` (SQL, parameters → rows) so
that the store keeps its one connection and lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from odoosync.history.records import LOG_STATUSES, Stats
from odoosync.timestamps import iso, parse_iso

__all__ = ["Query", "rollup_groups", "scan_groups", "summarise"]

#: runs one SQL statement with its parameters and returns every row as a tuple
Query = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]


def rollup_groups(query: Query, since: str | None, profile: str | None) -> list[tuple[Any, ...]]:
    """(direction, status, error code, count, duration sum, latest start) groups, from the
    per-day rollup for whole days and from the log itself for the day ``since`` falls in."""
    clauses, params = ["1 = 1"], []
    if profile is not None:
        clauses.append("profile = ?")
        params.append(profile)
    partial: list[tuple[Any, ...]] = []
    if since is not None:
        day = since[:10]
        clauses.append("day > ?")
        params.append(day)
        next_day = iso(parse_iso(day) + timedelta(days=1))
        partial = scan_groups(query, since, profile, until=next_day)
    rolled = query(
        "select sync_direction, sync_status, nullif(error_code, ''), sum(entries),"
        " sum(duration_ms), max(last_started) from log_rollup"
        f" where {' and '.join(clauses)} group by 1, 2, 3",
        params,
    )
    return rolled + partial


def scan_groups(
    query: Query, since: str | None, profile: str | None, *, until: str | None = None
) -> list[tuple[Any, ...]]:
    """The same groups, straight from the log (the rollup's reference)."""
    clauses: list[str] = []
    params: list[Any] = []
    for clause, value in (
        ("started_at >= ?", since), ("started_at < ?", until), ("profile = ?", profile)
    ):  # fmt: skip
        if value is not None:
            clauses.append(clause)
            params.append(value)
    where = f"where {' and '.join(clauses)}" if clauses else ""
    return query(
        "select sync_direction, sync_status, error_code, count(*), sum(duration_ms),"
        f" max(started_at) from sync_log {where} group by 1, 2, 3",
        params,
    )


def summarise(
    groups: Sequence[tuple[Any, ...]], query: Query, *, since: str | None, profile: str | None
) -> Stats:
    """:class:`Stats` from the log's groups, plus the runs' last completion and the links."""
    by_status: dict[str, int] = {}
    by_direction: dict[str, dict[str, int]] = {}
    errors: dict[str, int] = {}
    total = duration = 0
    last: str | None = None
    for direction, status, code, count, dur, latest in groups:
        total += count
        duration += dur or 0
        by_status[status] = by_status.get(status, 0) + count
        counts = by_direction.setdefault(direction, {"total": 0} | dict.fromkeys(LOG_STATUSES, 0))
        counts["total"] += count
        counts[status] = counts.get(status, 0) + count
        if status == "error":
            errors[code or "UNKNOWN"] = errors.get(code or "UNKNOWN", 0) + count
        last = latest if last is None or (latest and latest > last) else last
    run_where = "where completed_at is not null"
    run_params: list[Any] = []
    if since is not None:
        run_where += " and started_at >= ?"
        run_params.append(since)
    if profile is not None:
        run_where += " and profile = ?"
        run_params.append(profile)
    last_run = _first(query(f"select max(completed_at) from runs {run_where}", run_params))
    if last_run and (last is None or last_run > last):
        last = last_run
    link_where, link_params = ("where profile = ?", [profile]) if profile else ("", [])
    linked = _first(query(f"select count(*) from links {link_where}", link_params))
    successful = by_status.get("success", 0)
    return Stats(
        total_syncs=total,
        successful_syncs=successful,
        failed_syncs=by_status.get("error", 0),
        success_rate=round(successful * 100 / total, 2) if total else 0.0,
        avg_duration_ms=int(duration / total + 0.5) if total else 0,
        last_sync_at=last,
        products_with_odoo_id=int(linked),
        skipped_syncs=by_status.get("skipped", 0),
        conflicts=by_status.get("conflict", 0),
        by_direction=by_direction,
        top_errors=sorted(errors.items(), key=lambda kv: (-kv[1], kv[0]))[:10],
    )


def _first(rows: list[tuple[Any, ...]]) -> Any:
    return rows[0][0] if rows else None
