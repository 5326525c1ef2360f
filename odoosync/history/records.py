"""The history store's records: runs, log entries, links, stats, and their SQLite rows.

Timestamps are UTC ISO-8601 strings with ``Z`` at second precision, so that text order is time
order (:func:`iso`).
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from odoosync.errors import ConfigError, UsageError
from odoosync.schedules.model import Schedule

# re-exported: history.py and history_stats.py take them from here
from odoosync.timestamps import iso, parse_iso

RUN_STATUSES = ("running", "success", "partial", "failed", "interrupted")
LOG_TYPES = ("create", "update", "delete")
LOG_STATUSES = ("success", "error", "skipped", "conflict")
COUNT_KEYS = ("products_found", "created", "updated", "unchanged", "failed", "skipped", "conflicts")

Clock = Callable[[], datetime]


def norm_ts(value: str | datetime | None, default: str) -> str:
    if value is None or value == "":
        return default
    if isinstance(value, datetime):
        return iso(value)
    return iso(parse_iso(value))


def os_user() -> str:
    """Who ran it: getpass reads $LOGNAME, $USER, $LNAME, $USERNAME, then the passwd entry."""
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):  # no passwd entry (containers), no pwd module
        return "unknown"


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
    #: why a ``failed`` run stopped (refused login, unreachable Odoo...), else None
    error: str | None = None

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
            "error": self.error,
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


def loads_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


# --------------------------------------------------------------------------- row <-> dataclass


def check_choice(name: str, value: str, allowed: Sequence[str], *, usage: bool = False) -> None:
    if value not in allowed:
        cls = UsageError if usage else ConfigError
        raise cls(f"{name} {value!r} is not one of {', '.join(allowed)}.")


def run_from_row(row: Mapping[str, Any]) -> Run:
    return Run(
        batch_id=row["batch_id"], direction=row["direction"], sync_type=row["sync_type"],
        triggered_by=row["triggered_by"], profile=row["profile"], user=row["user"],
        host=row["host"], pid=row["pid"], started_at=row["started_at"], status=row["status"],
        completed_at=row["completed_at"],
        counts={key: int(row[key] or 0) for key in COUNT_KEYS},
        duration_ms=row["duration_ms"], options=loads_json(row["options"]) or {},
        schedule_id=row["schedule_id"], retry_of=row["retry_of"], error=row.get("error"),
    )  # fmt: skip


def entry_from_row(row: Mapping[str, Any]) -> LogEntry:
    return LogEntry(
        id=row["id"], product_id=row["product_id"], odoo_product_id=row["odoo_product_id"],
        sync_direction=row["sync_direction"], sync_type=row["sync_type"],
        sync_status=row["sync_status"], fields_synced=loads_json(row["fields_synced"]) or [],
        duration_ms=row["duration_ms"] or 0, started_at=row["started_at"],
        completed_at=row["completed_at"], triggered_by=row["triggered_by"],
        schedule_id=row["schedule_id"], batch_id=row["batch_id"],
        error_message=row["error_message"], error_details=loads_json(row["error_details"]),
        user=row["user"], profile=row["profile"],
    )  # fmt: skip


def link_from_row(row: Mapping[str, Any]) -> Link:
    return Link(
        key=row["key"], odoo_id=row["odoo_id"], external_id=row["external_id"],
        local_hash=row["local_hash"], odoo_hash=row["odoo_hash"],
        field_hashes=loads_json(row["field_hashes"]) or {}, odoo_write_date=row["odoo_write_date"],
        synced_at=row["synced_at"],
    )  # fmt: skip


_SCHEDULE_COLUMNS = (
    "id", "name", "description", "cron_expression", "sync_direction", "sync_type", "filters",
    "batch_size", "is_enabled", "profile", "created_at", "last_run_at", "last_status",
    "last_batch_id", "next_run_at", "running_pid", "running_since", "running_host",
)  # fmt: skip


def schedule_from_row(row: Mapping[str, Any]) -> Schedule:
    values: dict[str, Any] = {key: row.get(key) for key in _SCHEDULE_COLUMNS}
    values["filters"] = loads_json(values["filters"]) or {}
    values["is_enabled"] = bool(values["is_enabled"])
    return Schedule(**values)


def schedule_to_row(schedule: Schedule) -> dict[str, Any]:
    row = {key: getattr(schedule, key) for key in _SCHEDULE_COLUMNS}
    row["filters"] = json.dumps(row["filters"])
    row["is_enabled"] = int(bool(row["is_enabled"]))
    return row
