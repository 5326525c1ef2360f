"""The history database's schema: ordered migrations and the version they bring it to."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from odoosync.errors import ConfigError
from odoosync.history.records import COUNT_KEYS


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


def _v3(db: Database) -> None:
    """A failed run's reason in its own column (it was kept in the options JSON before)."""
    db.table("runs").add_column("error", str)
    for row in db.query("select batch_id, options from runs where options like '%\"error\"%'"):
        options = json.loads(row["options"] or "{}") or {}
        reason = options.pop("error", None)
        if reason:
            db.execute(
                "update runs set error = ?, options = ? where batch_id = ?",
                [str(reason), json.dumps(options), row["batch_id"]],
            )


def _v4(db: Database) -> None:
    """The content digest of each image file an export read, by path, size and mtime: an
    unchanged re-export with images reads no image file."""
    db.execute(
        "create table image_digests (path text primary key, size integer not null,"
        " mtime_ns integer not null, digest text not null)"
    )


def _v5(db: Database) -> None:
    """The user id each (url, database, login) last logged in as: the next run checks it with
    one call instead of a password login (no secret is kept, only the id)."""
    db.execute(
        "create table logins (url text not null, database text not null, username text not null,"
        " uid integer not null, logged_in_at text not null, primary key (url, database, username))"
    )


#: ordered; index i brings the schema from version i to version i + 1. Never edit one: append.
MIGRATIONS: list[Callable[[Database], None]] = [_v1, _v2, _v3, _v4, _v5]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Database, *, target: int = SCHEMA_VERSION, path: Path | None = None) -> int:
    """Bring the schema to ``target`` in one IMMEDIATE transaction; returns the version found."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        _refuse_foreign(conn, path)
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
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found


def _refuse_foreign(conn: sqlite3.Connection, path: Path | None) -> None:
    """Refuse an SQLite file with tables but no ``schema_version``: another program's database
    (odoosync would add its tables beside that program's, or fail on a table of the same name)."""
    names = {
        str(row[0])
        for row in conn.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        ).fetchall()
    }
    if names and "schema_version" not in names:
        shown = ", ".join(sorted(names)[:5])
        raise ConfigError(
            f"{path or 'the history database'} is not an odoosync history: it holds other tables "
            f"({shown}). Set [history] path in odoosync.toml to a new file."
        )
