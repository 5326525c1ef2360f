"""The history store: one SQLite file (WAL) holding runs, the per-product log, links, watermarks
and schedules. Its records and their rows are in :mod:`odoosync.history.records`, the schema and
its migrations in :mod:`odoosync.history.schema`, the stats queries in
:mod:`odoosync.history.stats`, the schedules table in :mod:`odoosync.history.schedules`; the
public names of records and schema are re-exported here.

Every write is one short transaction, so a crash loses at most the batch being written and never
leaves half of one. Timestamps are stored as UTC ISO-8601 strings with ``Z`` at second precision,
so that text order is time order.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from odoosync.errors import ConfigError, UsageError
from odoosync.history import stats as history_stats
from odoosync.history.guard import GuardedConnection, check_history_path
from odoosync.history.guard import busy_timeout_ms as default_busy_timeout_ms
from odoosync.history.records import (
    COUNT_KEYS,
    LOG_STATUSES,
    LOG_TYPES,
    RUN_STATUSES,
    Clock,
    Link,
    LogEntry,
    Run,
    Stats,
    check_choice,
    entry_from_row,
    link_from_row,
    norm_ts,
    os_user,
    run_from_row,
)
from odoosync.history.schedules import ScheduleStore
from odoosync.history.schema import SCHEMA_VERSION, migrate
from odoosync.lock import pid_alive
from odoosync.terms import BATCH_PREFIX, DIRECTIONS, SYNC_TYPES, TRIGGERS
from odoosync.timestamps import iso, parse_iso, utc_now

__all__ = ["History"]

# --------------------------------------------------------------------------- the store


class History(ScheduleStore):
    """The history DB. Thread-safe (one connection, one lock); processes meet in SQLite."""

    def __init__(
        self,
        path: Path,
        *,
        now: Clock = utc_now,
        busy_timeout_ms: int | None = None,
        migrate_to: int = SCHEMA_VERSION,
    ) -> None:
        self.path = Path(path)
        self._now = now
        self.host = socket.gethostname()
        self.user = os_user()
        self._lock = threading.RLock()
        timeout_ms = default_busy_timeout_ms() if busy_timeout_ms is None else busy_timeout_ms
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"{self.path.parent}: cannot create the history folder ({exc.strerror or exc})."
            ) from None
        check_history_path(self.path)
        try:
            conn = sqlite3.connect(
                str(self.path),
                timeout=timeout_ms / 1000,
                isolation_level=None,
                check_same_thread=False,
                factory=GuardedConnection,
            )
            assert isinstance(conn, GuardedConnection)
            conn.history_path = self.path
            conn.execute(f"pragma busy_timeout = {int(timeout_ms)}")
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
                if conn.in_transaction:  # SQLite may have rolled back already (SQLITE_FULL...)
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._lock:
            cursor = self.db.conn.execute(sql, list(params))
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return [tuple(row) for row in self.db.conn.execute(sql, list(params)).fetchall()]

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self._tuples(sql, params)
        return rows[0][0] if rows else None

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
        check_choice("direction", direction, DIRECTIONS)
        check_choice("sync_type", sync_type, SYNC_TYPES)
        check_choice("triggered_by", triggered_by, TRIGGERS)
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
        error: str | None = None,
    ) -> None:
        """Close a run: its status, counts, duration (from its start unless given) and, for a
        run that stopped on an error, the reason (one line, never a secret: errors.py's rule)."""
        check_choice("status", status, RUN_STATUSES)
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
                f"update runs set status = ?, completed_at = ?, duration_ms = ?, error = ?, {sets}"
                " where batch_id = ?",
                [status, iso(completed), duration_ms, error]
                + [int(counts.get(key, 0)) for key in COUNT_KEYS]
                + [batch_id],
            )

    def run(self, batch_id: str) -> Run | None:
        rows = self._rows("select * from runs where batch_id = ?", [batch_id])
        return run_from_row(rows[0]) if rows else None

    def runs(self, *, profile: str | None = None, limit: int = 50) -> list[Run]:
        where, params = ("where profile = ?", [profile]) if profile else ("", [])
        sql = f"select * from runs {where} order by started_at desc, id desc limit ?"
        return [run_from_row(row) for row in self._rows(sql, [*params, limit])]

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

    def record(
        self,
        batch_id: str,
        entries: Sequence[LogEntry],
        *,
        links: Sequence[Link] = (),
        profile: str | None = None,
    ) -> None:
        """Write one batch's entries, and the ``links`` describing the same outcomes, in one
        transaction: a crash keeps both or neither. An entry already written is skipped.

        Missing ``user``, ``profile``, ``triggered_by``, ``schedule_id`` and times come from the
        run; the links are saved under ``profile`` (default: the run's). Ids are set on the
        entries written.
        """
        run = self.run(batch_id)
        if run is None:
            raise UsageError(f"No run with batch id {batch_id!r}; call begin_run first.")
        now = self.now()
        with self.transaction() as conn:
            for entry in entries:
                check_choice("sync_status", entry.sync_status, LOG_STATUSES)
                check_choice("sync_type", entry.sync_type, LOG_TYPES)
                entry.batch_id = batch_id
                entry.user = entry.user or run.user
                entry.profile = entry.profile or run.profile
                entry.triggered_by = entry.triggered_by or run.triggered_by
                if entry.schedule_id is None:
                    entry.schedule_id = run.schedule_id
                entry.started_at = norm_ts(entry.started_at, now)
                entry.completed_at = norm_ts(entry.completed_at, entry.started_at)
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
            if links:
                _insert_links(conn, profile or run.profile, links, now)

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
            check_choice("--status", status, LOG_STATUSES, usage=True)
            clauses.append("sync_status = ?")
            params.append(status)
        if direction is not None:
            check_choice("--direction", direction, DIRECTIONS, usage=True)
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
            params.append(iso(parse_iso(since)))
        where = f"where {' and '.join(clauses)}" if clauses else ""
        sql = f"select * from sync_log {where} order by started_at desc, id desc"
        if limit is not None:
            sql += " limit ?"
            params.append(int(limit))
        return [entry_from_row(row) for row in self._rows(sql, params)]

    def log(self, id: int) -> LogEntry | None:
        rows = self._rows("select * from sync_log where id = ?", [id])
        return entry_from_row(rows[0]) if rows else None

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
        start = None if since is None else iso(parse_iso(since))
        groups = self._stat_rows(start, profile)
        return history_stats.summarise(groups, self._tuples, since=start, profile=profile)

    def _stat_rows(self, since: str | None, profile: str | None) -> list[tuple[Any, ...]]:
        return history_stats.rollup_groups(self._tuples, since, profile)

    def _stat_rows_scan(
        self, since: str | None, profile: str | None, *, until: str | None = None
    ) -> list[tuple[Any, ...]]:
        return history_stats.scan_groups(self._tuples, since, profile, until=until)

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
        return {row["key"]: link_from_row(row) for row in rows}

    def link_count(self, profile: str) -> int:
        return int(self._one("select count(*) from links where profile = ?", [profile]) or 0)

    def links_after(self, profile: str, after: str | None, limit: int) -> list[Link]:
        """Up to ``limit`` links in key order, after the key ``after`` (keyset paging)."""
        if after is None:
            sql, params = "select * from links where profile = ?", [profile]
        else:
            sql, params = "select * from links where profile = ? and key > ?", [profile, after]
        rows = self._rows(f"{sql} order by key limit ?", [*params, int(limit)])
        return [link_from_row(row) for row in rows]

    def linked_odoo_ids(self, profile: str) -> list[int]:
        """The Odoo ids of every link of ``profile``."""
        return [
            int(odoo_id)
            for (odoo_id,) in self._tuples("select odoo_id from links where profile = ?", [profile])
        ]

    def save_links(self, profile: str, links: Sequence[Link]) -> None:
        now = self.now()
        with self.transaction() as conn:
            _insert_links(conn, profile, links, now)

    def created_keys(self, profile: str, keys: Iterable[str]) -> set[str]:
        """The ``keys`` with a successful ``create`` entry towards Odoo (export or two-way
        sync) in this profile's log (500 keys a query)."""
        wanted = [str(k) for k in keys]
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for (key,) in self._tuples(
                "select distinct product_id from sync_log where profile = ?"
                " and sync_type = 'create' and sync_status = 'success'"
                " and sync_direction in ('to_odoo', 'bidirectional')"
                f" and product_id in ({marks})",
                [profile, *chunk],
            ):
                found.add(str(key))
        return found

    def keys_by_odoo_id(self, profile: str, odoo_ids: Iterable[int]) -> dict[int, str]:
        """``{odoo id: key}`` of the links to these Odoo ids (500 ids a query)."""
        wanted = [int(i) for i in odoo_ids]
        found: dict[int, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for odoo_id, key in self._tuples(
                f"select odoo_id, key from links where profile = ? and odoo_id in ({marks})"
                " order by rowid desc",
                [profile, *chunk],
            ):
                found[int(odoo_id)] = str(key)
        return found

    def links_to(self, profile: str, odoo_ids: Iterable[int]) -> dict[str, Link]:
        """The links to these Odoo ids, by key, in key order (500 ids a query)."""
        wanted = [int(i) for i in odoo_ids]
        rows: list[dict[str, Any]] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows += self._rows(
                f"select * from links where profile = ? and odoo_id in ({marks})",
                [profile, *chunk],
            )
        rows.sort(key=lambda row: str(row["key"]))  # as links() lists them (its index's order)
        return {row["key"]: link_from_row(row) for row in rows}

    # ----------------------------------------------------------------------- image digests

    def image_digests(self, paths: Iterable[str]) -> dict[str, tuple[int, int, str]]:
        """``{path: (size, mtime_ns, digest)}`` of the image files seen before (500 a query)."""
        wanted = sorted(set(paths))
        found: dict[str, tuple[int, int, str]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for path, size, mtime_ns, digest in self._tuples(
                f"select path, size, mtime_ns, digest from image_digests where path in ({marks})",
                chunk,
            ):
                found[str(path)] = (int(size), int(mtime_ns), str(digest))
        return found

    def save_image_digests(self, rows: Sequence[tuple[str, int, int, str]]) -> None:
        """Remember (path, size, mtime_ns, digest) of image files just read."""
        if not rows:
            return
        with self.transaction() as conn:
            conn.executemany(
                "insert or replace into image_digests (path, size, mtime_ns, digest)"
                " values (?, ?, ?, ?)",
                list(rows),
            )

    def known_uid(self, url: str, database: str, username: str) -> int | None:
        """The user id ``username`` last logged in as on ``url``/``database`` (None: never)."""
        value = self._one(
            "select uid from logins where url = ? and database = ? and username = ?",
            [url, database, username],
        )
        return None if value is None else int(value)

    def remember_uid(self, url: str, database: str, username: str, uid: int | None) -> None:
        """Keep ``uid`` for the next run's login; None forgets it (refused by Odoo)."""
        with self.transaction() as conn:
            if uid is None:
                conn.execute(
                    "delete from logins where url = ? and database = ? and username = ?",
                    [url, database, username],
                )
                return
            conn.execute(
                "insert or replace into logins (url, database, username, uid, logged_in_at)"
                " values (?, ?, ?, ?, ?)",
                [url, database, username, uid, self.now()],
            )

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


def _insert_links(conn: sqlite3.Connection, profile: str, links: Sequence[Link], now: str) -> None:
    """Insert or replace ``links`` of ``profile`` inside the caller's transaction."""
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
