"""The history store: one SQLite file (WAL) holding runs, the per-product log, links, watermarks
and schedules, with a schema version and ordered migrations.

Every write is one short transaction, so a crash loses at most the batch being written and never
leaves half of one. Timestamps are stored as UTC ISO-8601 strings with ``Z`` at second precision,
so that text order is time order.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from odoosync.errors import ConfigError, UsageError
from odoosync.lock import pid_alive
from odoosync.schedule import Schedule

DIRECTIONS = ("to_odoo", "from_odoo", "bidirectional")
SYNC_TYPES = ("incremental", "full")
TRIGGERS = ("manual", "schedule", "retry")
RUN_STATUSES = ("running", "success", "partial", "failed", "interrupted")
LOG_TYPES = ("create", "update", "delete")
LOG_STATUSES = ("success", "error", "skipped", "conflict")
COUNT_KEYS = ("products_found", "created", "updated", "unchanged", "failed", "skipped", "conflicts")
BATCH_PREFIX = {"to_odoo": "sync_", "from_odoo": "import_", "bidirectional": "bisync_"}

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """``2025-12-16T14:30:22Z``: UTC, second precision (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """An ISO-8601 date or date-time as an aware UTC datetime (naive values are UTC)."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_since(text: str, *, option: str = "--since") -> str:
    """A user's ``--since`` as a stored timestamp; UsageError (exit 2) if it is not ISO-8601."""
    try:
        return iso(parse_iso(text))
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not an ISO-8601 date or time; "
            "use e.g. 2025-12-16 or 2025-12-16T14:30:00Z (UTC unless an offset is given)."
        ) from None


def _norm_ts(value: str | datetime | None, default: str) -> str:
    if value is None or value == "":
        return default
    if isinstance(value, datetime):
        return iso(value)
    return iso(parse_iso(value))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers): fall back to the environment
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


# --------------------------------------------------------------------------- dataclasses


@dataclass(kw_only=True)
class LogEntry:
    """One product outcome (SPEC §2.2). ``None`` fields are filled from the run by ``record``."""

    product_id: str
    sync_direction: str
    sync_type: str
    sync_status: str
    id: int | None = None
    odoo_product_id: int | None = None
    fields_synced: list[str] = field(default_factory=list)
    duration_ms: int = 0
    started_at: str | None = None
    completed_at: str | None = None
    triggered_by: str | None = None
    schedule_id: int | None = None
    batch_id: str | None = None
    error_message: str | None = None
    error_details: dict[str, Any] | None = None
    user: str | None = None
    profile: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "product_id": self.product_id,
            "odoo_product_id": self.odoo_product_id,
            "sync_direction": self.sync_direction,
            "sync_type": self.sync_type,
            "sync_status": self.sync_status,
            "fields_synced": list(self.fields_synced),
            "duration_ms": self.duration_ms,
            "started_at": self.started_at,
            "completed_at": self.completed_at,
            "triggered_by": self.triggered_by,
            "schedule_id": self.schedule_id,
            "batch_id": self.batch_id,
            "error_message": self.error_message,
            "error_details": self.error_details,
            "user": self.user,
            "profile": self.profile,
        }


@dataclass(kw_only=True)
class Run:
    """One export, import or sync run."""

    batch_id: str
    direction: str
    sync_type: str
    triggered_by: str
    profile: str
    user: str
    host: str
    pid: int
    started_at: str
    status: str = "running"
    completed_at: str | None = None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    duration_ms: int | None = None
    options: dict[str, Any] = field(default_factory=dict)
    schedule_id: int | None = None
    retry_of: str | None = None
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "direction": self.direction,
            "sync_type": self.sync_type,
            "triggered_by": self.triggered_by,
            "schedule_id": self.schedule_id,
            "profile": self.profile,
            "user": self.user,
            "host": self.host,
            "pid": self.pid,
            "started_at": self.started_at,
            "completed_at": self.completed_at,
            "status": self.status,
            **{key: self.counts.get(key, 0) for key in COUNT_KEYS},
            "duration_ms": self.duration_ms,
            "options": self.options,
            "retry_of": self.retry_of,
        }


@dataclass
class Link:
    """A local product and its Odoo twin, as of the last sync."""

    key: str
    odoo_id: int
    external_id: str
    local_hash: str | None = None
    odoo_hash: str | None = None
    field_hashes: dict[str, str] = field(default_factory=dict)
    odoo_write_date: str | None = None
    synced_at: str = ""


@dataclass(frozen=True)
class Stats:
    """SPEC §2.2 ``stats`` (counts of log entries), plus per-direction counts and top errors."""

    total_syncs: int
    successful_syncs: int
    failed_syncs: int
    success_rate: float
    avg_duration_ms: int
    last_sync_at: str | None
    products_with_odoo_id: int
    skipped_syncs: int = 0
    conflicts: int = 0
    by_direction: dict[str, dict[str, int]] = field(default_factory=dict)
    top_errors: list[tuple[str, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "total_syncs": self.total_syncs,
            "successful_syncs": self.successful_syncs,
            "failed_syncs": self.failed_syncs,
            "success_rate": self.success_rate,
            "avg_duration_ms": self.avg_duration_ms,
            "last_sync_at": self.last_sync_at,
            "products_with_odoo_id": self.products_with_odoo_id,
            "skipped_syncs": self.skipped_syncs,
            "conflicts": self.conflicts,
            "by_direction": self.by_direction,
            "top_errors": [{"odoo_error_code": c, "count": n} for c, n in self.top_errors],
        }


# --------------------------------------------------------------------------- schema


def _v1(db: Database) -> None:
    """The first schema: runs, sync_log, links, watermarks, schedules."""
    db.table("runs").create(
        {
            "id": int, "batch_id": str, "direction": str, "sync_type": str,
            "triggered_by": str, "schedule_id": int, "profile": str, "user": str, "host": str,
            "pid": int, "started_at": str, "completed_at": str, "status": str,
            **dict.fromkeys(COUNT_KEYS, int), "duration_ms": int, "options": str,
            "retry_of": str,
        },
        pk="id",
        not_null=["batch_id", "direction", "status", "started_at", "profile"],
    )  # fmt: skip
    db.table("runs").create_index(["batch_id"], unique=True)
    db.table("sync_log").create(
        {
            "id": int, "product_id": str, "odoo_product_id": int, "sync_direction": str,
            "sync_type": str, "sync_status": str, "fields_synced": str, "duration_ms": int,
            "started_at": str, "completed_at": str, "triggered_by": str, "schedule_id": int,
            "batch_id": str, "error_message": str, "error_details": str, "user": str,
            "profile": str,
        },
        pk="id",
        not_null=["product_id", "sync_direction", "sync_status", "started_at", "batch_id"],
    )  # fmt: skip
    db.table("sync_log").create_index(["batch_id", "product_id", "sync_direction"], unique=True)
    db.table("links").create(
        {
            "profile": str, "key": str, "odoo_id": int, "external_id": str, "local_hash": str,
            "odoo_hash": str, "field_hashes": str, "odoo_write_date": str, "synced_at": str,
        },
        pk=("profile", "key"),
    )  # fmt: skip
    db.table("links").create_index(["profile", "odoo_id"])
    db.table("watermarks").create(
        {"profile": str, "name": str, "value": str}, pk=("profile", "name")
    )
    db.table("schedules").create(
        {
            "id": int, "name": str, "description": str, "cron_expression": str,
            "sync_direction": str, "sync_type": str, "filters": str, "batch_size": int,
            "is_enabled": int, "profile": str, "created_at": str, "last_run_at": str,
            "last_status": str, "last_batch_id": str, "next_run_at": str,
        },
        pk="id",
    )  # fmt: skip


def _v2(db: Database) -> None:
    """Indexes for ``logs`` filters and ``stats``; the error code column; schedule claims."""
    db.table("sync_log").add_column("error_code", str)
    for row in db.query(
        "select id, error_details from sync_log where error_details is not null"
    ):  # older entries: lift the code out of the JSON once
        code = (json.loads(row["error_details"]) or {}).get("odoo_error_code")
        if code:
            db.execute("update sync_log set error_code = ? where id = ?", [code, row["id"]])
    # logs: every filter is an equality on one column, ordered by started_at (rowid is implicit)
    for column in ("sync_status", "product_id", "sync_direction"):
        db.table("sync_log").create_index([column, "started_at"], index_name=f"ix_log_{column}")
    db.table("sync_log").create_index(["batch_id", "started_at"], index_name="ix_log_batch")
    # stats: a covering index, so a (since-bounded) scan never touches the table; with the id
    # second it also orders an unfiltered or --since ``logs``
    db.table("sync_log").create_index(
        ["started_at", "id", "sync_direction", "sync_status", "error_code", "duration_ms"],
        index_name="ix_log_started",
    )
    # stats: a per-day rollup kept by triggers, so stats never scan a million entries
    db.execute(
        "create table log_rollup (day text not null, profile text not null default '',"
        " sync_direction text not null, sync_status text not null,"
        " error_code text not null default '', entries integer not null,"
        " duration_ms integer not null, last_started text,"
        " primary key (day, profile, sync_direction, sync_status, error_code))"
    )
    db.execute(
        "insert into log_rollup select substr(started_at, 1, 10), coalesce(profile, ''),"
        " sync_direction, sync_status, coalesce(error_code, ''), count(*),"
        " coalesce(sum(duration_ms), 0), max(started_at) from sync_log group by 1, 2, 3, 4, 5"
    )
    db.execute(
        "create trigger log_rollup_insert after insert on sync_log begin"
        " insert into log_rollup values (substr(new.started_at, 1, 10), coalesce(new.profile, ''),"
        " new.sync_direction, new.sync_status, coalesce(new.error_code, ''), 1,"
        " coalesce(new.duration_ms, 0), new.started_at)"
        " on conflict do update set entries = entries + 1,"
        " duration_ms = duration_ms + excluded.duration_ms,"
        " last_started = max(last_started, excluded.last_started); end"
    )
    db.execute(
        "create trigger log_rollup_delete after delete on sync_log begin"
        " update log_rollup set entries = entries - 1,"
        " duration_ms = duration_ms - coalesce(old.duration_ms, 0)"
        " where day = substr(old.started_at, 1, 10) and profile = coalesce(old.profile, '')"
        " and sync_direction = old.sync_direction and sync_status = old.sync_status"
        " and error_code = coalesce(old.error_code, ''); end"
    )
    db.table("runs").create_index(["status", "host"], index_name="ix_runs_status")
    db.table("runs").create_index(["started_at"], index_name="ix_runs_started")
    for column, kind in (("running_pid", int), ("running_since", str), ("running_host", str)):
        db.table("schedules").add_column(column, kind)


#: ordered; index i brings the schema from version i to version i + 1. Never edit one: append.
MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database, *, target: int = SCHEMA_VERSION, path: Path | None = None) -> int:
    """Bring the schema to ``target`` in one IMMEDIATE transaction; returns the version found."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("create table if not exists schema_version (version integer not null)")
        row = conn.execute("select max(version) from schema_version").fetchone()
        found = int(row[0] or 0)
        if found > SCHEMA_VERSION:
            raise ConfigError(
                f"{path or 'the history database'} has schema version {found}, newer than this "
                f"odoosync understands ({SCHEMA_VERSION}); upgrade odoosync to use it."
            )
        for version in range(found, target):
            MIGRATIONS[version](db)
            conn.execute("insert into schema_version (version) values (?)", [version + 1])
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found


# --------------------------------------------------------------------------- the store


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class History:
    """The history DB. Thread-safe (one connection, one lock); processes meet in SQLite."""

    def __init__(
        self,
        path: Path,
        *,
        now: Clock = utc_now,
        busy_timeout_ms: int = 30_000,
        migrate_to: int = SCHEMA_VERSION,
    ) -> None:
        self.path = Path(path)
        self._now = now
        self.host = socket.gethostname()
        self.user = _os_user()
        self._lock = threading.RLock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(
                str(self.path),
                timeout=busy_timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute(f"pragma busy_timeout = {int(busy_timeout_ms)}")
            conn.execute("pragma journal_mode = wal")
            conn.execute("pragma synchronous = normal")
        except sqlite3.DatabaseError as exc:
            raise ConfigError(
                f"{self.path}: cannot open the history database ({exc}); "
                "check the [history] path and that the file is an odoosync history."
            ) from None
        self.db = Database(conn)
        migrate(self.db, target=migrate_to, path=self.path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def now(self) -> str:
        return iso(self._now())

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction (the write lock is taken at BEGIN, so no upgrade deadlock)."""
        with self._lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self.db.conn.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            row = self.db.conn.execute(sql, list(params)).fetchone()
        return None if row is None else row[0]

    def schema_version(self) -> int:
        return int(self._one("select max(version) from schema_version") or 0)

    # ----------------------------------------------------------------------- runs

    def begin_run(
        self,
        *,
        direction: str,
        sync_type: str,
        triggered_by: str,
        profile: str,
        options: Mapping[str, Any],
        schedule_id: int | None = None,
        dry_run: bool = False,
        retry_of: str | None = None,
    ) -> Run:
        """Record a new run ``running``; its batch id is unique (``_2``, ``_3``... if taken).

        A dry run gets a batch id and writes nothing.
        """
        _check("direction", direction, DIRECTIONS)
        _check("sync_type", sync_type, SYNC_TYPES)
        _check("triggered_by", triggered_by, TRIGGERS)
        moment = self._now()
        base = BATCH_PREFIX[direction] + moment.astimezone(UTC).strftime("%Y%m%d_%H%M%S")
        run = Run(
            batch_id=base, direction=direction, sync_type=sync_type, triggered_by=triggered_by,
            profile=profile, user=self.user, host=self.host, pid=os.getpid(),
            started_at=iso(moment), options=dict(options), schedule_id=schedule_id,
            retry_of=retry_of, dry_run=dry_run,
        )  # fmt: skip
        if dry_run:
            return run
        suffix = 1
        while True:
            run.batch_id = base if suffix == 1 else f"{base}_{suffix}"
            try:
                with self.transaction() as conn:
                    conn.execute(
                        "insert into runs (batch_id, direction, sync_type, triggered_by,"
                        " schedule_id, profile, user, host, pid, started_at, status, options,"
                        " retry_of) values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        [
                            run.batch_id, direction, sync_type, triggered_by, schedule_id,
                            profile, run.user, run.host, run.pid, run.started_at, "running",
                            json.dumps(run.options, default=str), retry_of,
                        ],
                    )  # fmt: skip
                return run
            except sqlite3.IntegrityError:
                suffix += 1

    def finish_run(
        self,
        batch_id: str,
        *,
        status: str,
        counts: Mapping[str, int],
        duration_ms: int | None = None,
    ) -> None:
        """Close a run: its status, counts and duration (from its start unless given)."""
        _check("status", status, RUN_STATUSES)
        run = self.run(batch_id)
        if run is None:
            raise UsageError(f"No run with batch id {batch_id!r}; see `odoosync logs`.")
        completed = self._now()
        if duration_ms is None:
            duration_ms = counts.get("duration_ms")
        if duration_ms is None:
            elapsed = completed - parse_iso(run.started_at)
            duration_ms = max(0, int(elapsed.total_seconds() * 1000))
        sets = ", ".join(f"{key} = ?" for key in COUNT_KEYS)
        with self.transaction() as conn:
            conn.execute(
                f"update runs set status = ?, completed_at = ?, duration_ms = ?, {sets}"
                " where batch_id = ?",
                [status, iso(completed), duration_ms]
                + [int(counts.get(key, 0)) for key in COUNT_KEYS]
                + [batch_id],
            )

    def run(self, batch_id: str) -> Run | None:
        rows = self._rows("select * from runs where batch_id = ?", [batch_id])
        return _run(rows[0]) if rows else None

    def runs(self, *, profile: str | None = None, limit: int = 50) -> list[Run]:
        where, params = ("where profile = ?", [profile]) if profile else ("", [])
        sql = f"select * from runs {where} order by started_at desc, id desc limit ?"
        return [_run(row) for row in self._rows(sql, [*params, limit])]

    def mark_interrupted(self, *, alive: Callable[[int], bool] = pid_alive) -> int:
        """Mark ``interrupted`` every run still ``running`` on this host whose process is gone."""
        with self.transaction() as conn:
            rows = conn.execute(
                "select batch_id, pid from runs where status = 'running' and host = ?",
                [self.host],
            ).fetchall()
            dead = [batch for batch, pid in rows if not alive(int(pid or 0))]
            conn.executemany(
                "update runs set status = 'interrupted', completed_at = ? where batch_id = ?",
                [(self.now(), batch) for batch in dead],
            )
        return len(dead)

    # ----------------------------------------------------------------------- log

    def record(self, batch_id: str, entries: Sequence[LogEntry]) -> None:
        """Write one batch's entries in one transaction; an entry already written is skipped.

        Missing ``user``, ``profile``, ``triggered_by``, ``schedule_id`` and times come from the
        run. Ids are set on the entries written.
        """
        run = self.run(batch_id)
        if run is None:
            raise UsageError(f"No run with batch id {batch_id!r}; call begin_run first.")
        now = self.now()
        with self.transaction() as conn:
            for entry in entries:
                _check("sync_status", entry.sync_status, LOG_STATUSES)
                _check("sync_type", entry.sync_type, LOG_TYPES)
                entry.batch_id = batch_id
                entry.user = entry.user or run.user
                entry.profile = entry.profile or run.profile
                entry.triggered_by = entry.triggered_by or run.triggered_by
                if entry.schedule_id is None:
                    entry.schedule_id = run.schedule_id
                entry.started_at = _norm_ts(entry.started_at, now)
                entry.completed_at = _norm_ts(entry.completed_at, entry.started_at)
                details = entry.error_details
                cursor = conn.execute(
                    "insert or ignore into sync_log (product_id, odoo_product_id, sync_direction,"
                    " sync_type, sync_status, fields_synced, duration_ms, started_at,"
                    " completed_at, triggered_by, schedule_id, batch_id, error_message,"
                    " error_details, user, profile, error_code)"
                    " values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        str(entry.product_id), entry.odoo_product_id, entry.sync_direction,
                        entry.sync_type, entry.sync_status, json.dumps(list(entry.fields_synced)),
                        int(entry.duration_ms), entry.started_at, entry.completed_at,
                        entry.triggered_by, entry.schedule_id, batch_id, entry.error_message,
                        None if details is None else json.dumps(details, default=str),
                        entry.user, entry.profile,
                        (details or {}).get("odoo_error_code"),
                    ],
                )  # fmt: skip
                if cursor.rowcount:
                    entry.id = cursor.lastrowid

    def logs(
        self,
        *,
        status: str | None = None,
        batch_id: str | None = None,
        product_id: str | None = None,
        direction: str | None = None,
        since: str | None = None,
        profile: str | None = None,
        limit: int | None = 50,
    ) -> list[LogEntry]:
        """Entries matching every filter given, newest first (``started_at``, then ``id``)."""
        clauses: list[str] = []
        params: list[Any] = []
        if status is not None:
            _check("--status", status, LOG_STATUSES, usage=True)
            clauses.append("sync_status = ?")
            params.append(status)
        if direction is not None:
            _check("--direction", direction, DIRECTIONS, usage=True)
            clauses.append("sync_direction = ?")
            params.append(direction)
        for column, value in (("batch_id", batch_id), ("product_id", product_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if profile is not None:
            clauses.append("profile = ?")
            params.append(profile)
        if since is not None:
            clauses.append("started_at >= ?")
            params.append(parse_since(since))
        where = f"where {' and '.join(clauses)}" if clauses else ""
        sql = f"select * from sync_log {where} order by started_at desc, id desc"
        if limit is not None:
            sql += " limit ?"
            params.append(int(limit))
        return [_entry(row) for row in self._rows(sql, params)]

    def log(self, id: int) -> LogEntry | None:
        rows = self._rows("select * from sync_log where id = ?", [id])
        return _entry(rows[0]) if rows else None

    def failed_products(self, batch_id: str) -> list[str]:
        """Product ids whose entry in this batch is an error, in the order they were logged."""
        rows = self._rows(
            "select product_id from sync_log where batch_id = ? and sync_status = 'error'"
            " group by product_id order by min(id)",
            [batch_id],
        )
        return [str(row["product_id"]) for row in rows]

    def stats(self, since: str | None = None, *, profile: str | None = None) -> Stats:
        """Counts over log entries (one per product outcome), optionally since a time."""
        params: list[Any] = [] if since is None else [parse_since(since)]
        rows = self._stat_rows(params[0] if params else None, profile)
        by_status: dict[str, int] = {}
        by_direction: dict[str, dict[str, int]] = {}
        errors: dict[str, int] = {}
        total = duration = 0
        last: str | None = None
        for direction, status, code, count, dur, latest in rows:
            total += count
            duration += dur or 0
            by_status[status] = by_status.get(status, 0) + count
            counts = by_direction.setdefault(
                direction, {"total": 0} | dict.fromkeys(LOG_STATUSES, 0)
            )
            counts["total"] += count
            counts[status] = counts.get(status, 0) + count
            if status == "error":
                errors[code or "UNKNOWN"] = errors.get(code or "UNKNOWN", 0) + count
            last = latest if last is None or (latest and latest > last) else last
        run_where = "where completed_at is not null" + (" and started_at >= ?" if since else "")
        run_params = params[:1] if since else []
        if profile is not None:
            run_where += " and profile = ?"
            run_params.append(profile)
        last_run = self._one(f"select max(completed_at) from runs {run_where}", run_params)
        if last_run and (last is None or last_run > last):
            last = last_run
        link_where, link_params = ("where profile = ?", [profile]) if profile else ("", [])
        linked = self._one(f"select count(*) from links {link_where}", link_params)
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

    def _stat_rows(self, since: str | None, profile: str | None) -> list[tuple[Any, ...]]:
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
            partial = self._stat_rows_scan(since, profile, until=next_day)
        with self._lock:
            rolled = self.db.conn.execute(
                "select sync_direction, sync_status, nullif(error_code, ''), sum(entries),"
                " sum(duration_ms), max(last_started) from log_rollup"
                f" where {' and '.join(clauses)} group by 1, 2, 3",
                params,
            ).fetchall()
        return [tuple(row) for row in rolled] + partial

    def _stat_rows_scan(
        self, since: str | None, profile: str | None, *, until: str | None = None
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
        with self._lock:
            return [
                tuple(row)
                for row in self.db.conn.execute(
                    "select sync_direction, sync_status, error_code, count(*), sum(duration_ms),"
                    f" max(started_at) from sync_log {where} group by 1, 2, 3",
                    params,
                ).fetchall()
            ]

    # ----------------------------------------------------------------------- links, watermarks

    def links(self, profile: str, keys: Iterable[str] | None = None) -> dict[str, Link]:
        if keys is None:
            rows = self._rows("select * from links where profile = ?", [profile])
        else:
            wanted = [str(k) for k in keys]
            rows = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows += self._rows(
                    f"select * from links where profile = ? and key in ({marks})", [profile, *chunk]
                )
        return {row["key"]: _link(row) for row in rows}

    def save_links(self, profile: str, links: Sequence[Link]) -> None:
        now = self.now()
        with self.transaction() as conn:
            conn.executemany(
                "insert or replace into links (profile, key, odoo_id, external_id, local_hash,"
                " odoo_hash, field_hashes, odoo_write_date, synced_at)"
                " values (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        profile, link.key, link.odoo_id, link.external_id, link.local_hash,
                        link.odoo_hash, json.dumps(link.field_hashes), link.odoo_write_date,
                        link.synced_at or now,
                    )
                    for link in links
                ],
            )  # fmt: skip

    def drop_link(self, profile: str, key: str) -> None:
        with self.transaction() as conn:
            conn.execute("delete from links where profile = ? and key = ?", [profile, key])

    def link_by_odoo_id(self, profile: str, odoo_id: int) -> Link | None:
        rows = list(
            self._rows("select * from links where profile = ? and odoo_id = ?", [profile, odoo_id])
        )
        return _link(rows[0]) if rows else None

    def watermark(self, profile: str, name: str) -> str | None:
        value = self._one(
            "select value from watermarks where profile = ? and name = ?", [profile, name]
        )
        return None if value is None else str(value)

    def set_watermark(self, profile: str, name: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "insert or replace into watermarks (profile, name, value) values (?, ?, ?)",
                [profile, name, value],
            )

    # ----------------------------------------------------------------------- schedules

    def add_schedule(self, schedule: Schedule) -> Schedule:
        """Insert a schedule (its ``id`` is ignored) and return it with its new id."""
        row = _schedule_row(schedule)
        row.pop("id")
        with self.transaction() as conn:
            cursor = conn.execute(
                f"insert into schedules ({', '.join(row)}) values ({','.join('?' * len(row))})",
                list(row.values()),
            )
            new_id = int(cursor.lastrowid or 0)
        found = self.schedule(new_id)
        assert found is not None
        return found

    def schedules(self, *, profile: str | None = None) -> list[Schedule]:
        where, params = ("where profile = ?", [profile]) if profile else ("", [])
        return [
            _schedule(row)
            for row in self._rows(f"select * from schedules {where} order by id", params)
        ]

    def schedule(self, schedule_id: int) -> Schedule | None:
        rows = self._rows("select * from schedules where id = ?", [schedule_id])
        return _schedule(rows[0]) if rows else None

    def update_schedule(self, schedule: Schedule) -> Schedule:
        """Write every field of ``schedule`` (found by id) back."""
        row = _schedule_row(schedule)
        sid = row.pop("id")
        with self.transaction() as conn:
            cursor = conn.execute(
                f"update schedules set {', '.join(f'{k} = ?' for k in row)} where id = ?",
                [*row.values(), sid],
            )
            if not cursor.rowcount:
                raise UsageError(f"No schedule with id {sid}; see `odoosync schedule list`.")
        return schedule

    def delete_schedule(self, schedule_id: int) -> bool:
        with self.transaction() as conn:
            cursor = conn.execute("delete from schedules where id = ?", [schedule_id])
            return bool(cursor.rowcount)

    def claim_schedules(
        self, choose: Callable[[list[Schedule]], list[Schedule]], *, pid: int, since: str
    ) -> list[Schedule]:
        """In one IMMEDIATE transaction: read every schedule, let ``choose`` pick, mark them taken.

        Overlapping callers serialise on the write lock, so a schedule is claimed once.
        """
        with self.transaction() as conn:
            rows = conn.execute("select * from schedules order by id").fetchall()
            names = [d[0] for d in conn.execute("select * from schedules limit 0").description]
            chosen = choose([_schedule(dict(zip(names, row, strict=True))) for row in rows])
            for item in chosen:
                item.running_pid, item.running_since, item.running_host = pid, since, self.host
                conn.execute(
                    "update schedules set running_pid = ?, running_since = ?, running_host = ?"
                    " where id = ?",
                    [pid, since, self.host, item.id],
                )
        return chosen


# --------------------------------------------------------------------------- row <-> dataclass


def _check(name: str, value: str, allowed: Sequence[str], *, usage: bool = False) -> None:
    if value not in allowed:
        cls = UsageError if usage else ConfigError
        raise cls(f"{name} {value!r} is not one of {', '.join(allowed)}.")


def _run(row: Mapping[str, Any]) -> Run:
    return Run(
        batch_id=row["batch_id"], direction=row["direction"], sync_type=row["sync_type"],
        triggered_by=row["triggered_by"], profile=row["profile"], user=row["user"],
        host=row["host"], pid=row["pid"], started_at=row["started_at"], status=row["status"],
        completed_at=row["completed_at"],
        counts={key: int(row[key] or 0) for key in COUNT_KEYS},
        duration_ms=row["duration_ms"], options=_loads(row["options"]) or {},
        schedule_id=row["schedule_id"], retry_of=row["retry_of"],
    )  # fmt: skip


def _entry(row: Mapping[str, Any]) -> LogEntry:
    return LogEntry(
        id=row["id"], product_id=row["product_id"], odoo_product_id=row["odoo_product_id"],
        sync_direction=row["sync_direction"], sync_type=row["sync_type"],
        sync_status=row["sync_status"], fields_synced=_loads(row["fields_synced"]) or [],
        duration_ms=row["duration_ms"] or 0, started_at=row["started_at"],
        completed_at=row["completed_at"], triggered_by=row["triggered_by"],
        schedule_id=row["schedule_id"], batch_id=row["batch_id"],
        error_message=row["error_message"], error_details=_loads(row["error_details"]),
        user=row["user"], profile=row["profile"],
    )  # fmt: skip


def _link(row: Mapping[str, Any]) -> Link:
    return Link(
        key=row["key"], odoo_id=row["odoo_id"], external_id=row["external_id"],
        local_hash=row["local_hash"], odoo_hash=row["odoo_hash"],
        field_hashes=_loads(row["field_hashes"]) or {}, odoo_write_date=row["odoo_write_date"],
        synced_at=row["synced_at"],
    )  # fmt: skip


_SCHEDULE_COLUMNS = (
    "id", "name", "description", "cron_expression", "sync_direction", "sync_type", "filters",
    "batch_size", "is_enabled", "profile", "created_at", "last_run_at", "last_status",
    "last_batch_id", "next_run_at", "running_pid", "running_since", "running_host",
)  # fmt: skip


def _schedule(row: Mapping[str, Any]) -> Schedule:
    values: dict[str, Any] = {key: row.get(key) for key in _SCHEDULE_COLUMNS}
    values["filters"] = _loads(values["filters"]) or {}
    values["is_enabled"] = bool(values["is_enabled"])
    return Schedule(**values)


def _schedule_row(schedule: Schedule) -> dict[str, Any]:
    row = {key: getattr(schedule, key) for key in _SCHEDULE_COLUMNS}
    row["filters"] = json.dumps(row["filters"])
    row["is_enabled"] = int(bool(row["is_enabled"]))
    return row
