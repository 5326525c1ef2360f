"""A schedule (SPEC §4): what runs, in which direction, with which filters, and when it is due.

Fire times come from :mod:`odoosync.schedules.cron`, in the machine's zone or an IANA zone, and
are returned in UTC. The clock is always passed in (``now``), never read here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from odoosync.catalog.filters import parse_filters
from odoosync.errors import ConfigError
from odoosync.schedules.cron import Cron, zone
from odoosync.timestamps import iso, parse_iso

# --------------------------------------------------------------------------- schedules


@dataclass
class Schedule:
    """A stored schedule (SPEC §4). Times are UTC ISO-8601 strings with Z."""

    id: int | None
    name: str
    cron_expression: str
    profile: str
    created_at: str
    description: str | None = None
    sync_direction: str = "to_odoo"
    sync_type: str = "incremental"
    filters: dict[str, Any] = field(default_factory=dict)
    batch_size: int | None = None
    is_enabled: bool = True
    last_run_at: str | None = None
    last_status: str | None = None
    last_batch_id: str | None = None
    next_run_at: str | None = None
    running_pid: int | None = None
    running_since: str | None = None
    running_host: str | None = None

    def next_run(self, timezone: str | None = None) -> datetime | None:
        """The next fire time after the last run (or creation), in UTC; None when disabled."""
        if not self.is_enabled:
            return None
        return Cron(self.cron_expression, timezone).next_after(
            parse_iso(self.last_run_at or self.created_at)
        )

    def to_json(self, timezone: str | None = None) -> dict[str, Any]:
        """SPEC §2.2 ``schedule list`` keys, plus ``next_run_at_local`` and ``timezone``."""
        upcoming = self.next_run(timezone)
        local = upcoming.astimezone(zone(timezone)) if upcoming else None
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "cron_expression": self.cron_expression,
            "sync_direction": self.sync_direction,
            "sync_type": self.sync_type,
            "filters": dict(self.filters),
            "batch_size": self.batch_size,
            "is_enabled": self.is_enabled,
            "profile": self.profile,
            "last_run_at": self.last_run_at,
            "last_status": self.last_status,
            "last_batch_id": self.last_batch_id,
            "next_run_at": iso(upcoming) if upcoming else None,
            "next_run_at_local": local.isoformat() if local else None,
            "timezone": timezone or "local",
            "running": self.running_pid is not None,
        }

    def filter_pairs(self) -> dict[str, str]:
        """The filters as the K=V strings ``parse_filters`` takes."""
        return {key: _as_text(value) for key, value in self.filters.items()}


def due(schedule: Schedule, now: datetime, timezone: str | None = None) -> bool:
    """Enabled, and its next fire time after its last run (or creation) is at or before now.

    Several missed fire times still make it due once: the next one is computed from the last run.
    """
    upcoming = schedule.next_run(timezone)
    return upcoming is not None and upcoming <= now.astimezone(UTC)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _typed(value: str) -> Any:
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if re.fullmatch(r"-?\d{1,18}", value.strip()):
        return int(value)
    return value


def validate_filters(pairs: Mapping[str, str]) -> dict[str, Any]:
    """Check schedule filters as ``export`` does (``parse_filters``); return them typed for JSON."""
    parse_filters(dict(pairs))
    return {key.strip(): _typed(value) for key, value in pairs.items()}


def parse_filter_args(args: list[str]) -> dict[str, str]:
    """``["supplier_id=15", "has_ean=true"]`` → a dict; ConfigError naming a pair without ``=``."""
    pairs: dict[str, str] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"Filter {arg!r} is not KEY=VALUE; e.g. --filter supplier_id=15.")
        pairs[key.strip()] = value.strip()
    return pairs


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"Unknown {name} {value!r}; use one of {', '.join(allowed)}.")


def check_batch(batch_size: int | None) -> None:
    if batch_size is not None and batch_size < 1:
        raise ConfigError(f"--batch-size {batch_size} must be a positive number.")
