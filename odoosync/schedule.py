"""Schedules: croniter behind a thin wrapper, due computation, and atomic claims.

Fire times are computed in local wall-clock time (the machine's zone, or an IANA zone) with
:mod:`zoneinfo`, and returned in UTC. Around DST changes:

* spring forward: a wall time that does not exist (02:30 in Paris on the last Sunday of March)
  fires once, when the clocks jump (03:00 local);
* fall back: a wall time that happens twice fires at its first occurrence, except for
  expressions whose hour field is a wildcard (``*/5 * * * *``), which keep firing through the
  repeated hour, as they follow elapsed time.

The clock is always passed in (``now``), never read here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, CroniterError, croniter

from odoosync.catalog.filters import parse_filters
from odoosync.errors import ConfigError
from odoosync.lock import pid_alive
from odoosync.timestamps import iso, parse_iso

if TYPE_CHECKING:
    from odoosync.history import History

DIRECTIONS = ("to_odoo", "from_odoo", "bidirectional")
SYNC_TYPES = ("incremental", "full")
#: a claim from another host older than this is considered abandoned
STALE_FOREIGN_CLAIM = timedelta(hours=24)


# --------------------------------------------------------------------------- time zones and cron


def zone(name: str | None = None) -> tzinfo:
    """An IANA zone by name, or the machine's local zone (``$TZ``, then /etc/localtime)."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"Unknown time zone {name!r} in [schedule] timezone; "
                "use an IANA name such as Europe/Paris or America/New_York."
            ) from None
    env = os.environ.get("TZ", "").lstrip(":")
    if env:
        try:
            return ZoneInfo(env)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    localtime = Path("/etc/localtime")
    try:
        with localtime.open("rb") as handle:
            return ZoneInfo.from_file(handle, key="localtime")
    except (OSError, ValueError):
        return UTC


def validate_cron(expression: str) -> str:
    """The expression, stripped; ConfigError (exit 3) naming croniter's reason if invalid."""
    expr = " ".join(expression.split())
    fields = expr.split(" ")
    reason: str | None = None
    if not expr.startswith("@") and len(fields) != 5:
        reason = (
            f"it has {len(fields)} field{'s' if len(fields) != 1 else ''}, "
            "and a cron expression has five"
        )
    else:
        try:
            croniter(expr, datetime(2000, 1, 1)).get_next(datetime)
        except CroniterBadDateError:
            reason = "it never fires"
        except (CroniterError, ValueError, KeyError) as exc:
            reason = str(exc).rstrip(".") or type(exc).__name__
    if reason:
        raise ConfigError(
            f"Invalid cron expression {expression!r}: {reason}; use five fields "
            "(minute hour day-of-month month day-of-week), e.g. '0 6 * * *'."
        )
    return expr


@dataclass(frozen=True)
class Cron:
    """A validated cron expression in a time zone (None: the machine's local zone)."""

    expression: str
    timezone: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "expression", validate_cron(self.expression))

    def next_after(self, moment: datetime) -> datetime:
        """The first fire time strictly after ``moment``, in UTC."""
        tz = zone(self.timezone)
        after = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        # start a little before, in wall time, so a repeated (fall back) hour is not jumped over
        start = after.astimezone(tz).replace(tzinfo=None) - timedelta(hours=3)
        it = croniter(self.expression, start)
        best: datetime | None = None
        best_wall: datetime | None = None
        while True:
            wall: datetime = it.get_next(datetime)
            if best_wall is not None and wall > best_wall + timedelta(hours=3):
                assert best is not None
                return best
            for instant in self._instants(wall, tz):
                if instant > after and (best is None or instant < best):
                    best, best_wall = instant, wall

    def _instants(self, wall: datetime, tz: tzinfo) -> list[datetime]:
        first = wall.replace(tzinfo=tz, fold=0)
        if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
            # does not exist (spring forward): the first wall minute after the gap
            probe = wall
            for _ in range(24 * 60):
                probe += timedelta(minutes=1)
                candidate = probe.replace(tzinfo=tz)
                if candidate.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == probe:
                    return [candidate.replace(second=0).astimezone(UTC)]
            return [first.astimezone(UTC)]
        instants = [first.astimezone(UTC)]
        second = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
        hour_field = self.expression.split(" ")[1] if " " in self.expression else ""
        if second != instants[0] and hour_field.startswith("*"):
            instants.append(second)  # the repeated hour, for jobs that follow elapsed time
        return instants


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


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigError(f"Unknown {name} {value!r}; use one of {', '.join(allowed)}.")


def _check_batch(batch_size: int | None) -> None:
    if batch_size is not None and batch_size < 1:
        raise ConfigError(f"--batch-size {batch_size} must be a positive number.")


def create_schedule(
    history: History,
    *,
    name: str,
    cron: str,
    profile: str,
    now: datetime,
    description: str | None = None,
    direction: str = "to_odoo",
    sync_type: str = "incremental",
    filters: Mapping[str, str] | None = None,
    batch_size: int | None = None,
    enabled: bool = True,
    timezone: str | None = None,
) -> Schedule:
    """Validate and store a new schedule."""
    _check_choice("direction", direction, DIRECTIONS)
    _check_choice("sync type", sync_type, SYNC_TYPES)
    _check_batch(batch_size)
    if not name.strip():
        raise ConfigError("A schedule needs a name; pass --name.")
    schedule = Schedule(
        id=None, name=name.strip(), cron_expression=validate_cron(cron), profile=profile,
        created_at=iso(now), description=description, sync_direction=direction,
        sync_type=sync_type, filters=validate_filters(filters or {}), batch_size=batch_size,
        is_enabled=enabled,
    )  # fmt: skip
    schedule.next_run_at = _next_text(schedule, timezone)
    return history.add_schedule(schedule)


def get_schedule(history: History, schedule_id: int) -> Schedule:
    found = history.schedule(schedule_id)
    if found is None:
        raise ConfigError(f"No schedule with id {schedule_id}; see `odoosync schedule list`.")
    return found


def update_schedule(
    history: History,
    schedule_id: int,
    *,
    now: datetime | None = None,
    timezone: str | None = None,
    **changes: Any,
) -> Schedule:
    """Change some fields: name, cron, description, direction, sync_type, filters, batch_size,
    enabled (None values are left alone)."""
    schedule = get_schedule(history, schedule_id)
    values = {key: value for key, value in changes.items() if value is not None}
    unknown = set(values) - {
        "name", "cron", "description", "direction", "sync_type", "filters", "batch_size",
        "enabled",
    }  # fmt: skip
    if unknown:
        raise ConfigError(f"Cannot change {', '.join(sorted(unknown))} of a schedule.")
    if "direction" in values:
        _check_choice("direction", values["direction"], DIRECTIONS)
    if "sync_type" in values:
        _check_choice("sync type", values["sync_type"], SYNC_TYPES)
    _check_batch(values.get("batch_size"))
    updated = replace(
        schedule,
        name=values.get("name", schedule.name),
        cron_expression=validate_cron(values["cron"])
        if "cron" in values
        else schedule.cron_expression,
        description=values.get("description", schedule.description),
        sync_direction=values.get("direction", schedule.sync_direction),
        sync_type=values.get("sync_type", schedule.sync_type),
        filters=validate_filters(values["filters"]) if "filters" in values else schedule.filters,
        batch_size=values.get("batch_size", schedule.batch_size),
        is_enabled=values.get("enabled", schedule.is_enabled),
    )
    updated.next_run_at = _next_text(updated, timezone)
    return history.update_schedule(updated)


def toggle_schedule(
    history: History, schedule_id: int, *, now: datetime, timezone: str | None = None
) -> Schedule:
    """Enable a disabled schedule or disable an enabled one. A re-enabled schedule whose fire
    time passed while it was disabled runs once at the next ``run-due``."""
    schedule = get_schedule(history, schedule_id)
    return update_schedule(
        history, schedule_id, now=now, timezone=timezone, enabled=not schedule.is_enabled
    )


def _next_text(schedule: Schedule, timezone: str | None) -> str | None:
    upcoming = schedule.next_run(timezone)
    return iso(upcoming) if upcoming else None


def _claimed_elsewhere(
    schedule: Schedule, host: str, now: datetime, alive: Callable[[int], bool]
) -> bool:
    if schedule.running_pid is None:
        return False
    if schedule.running_host in (None, host):
        return alive(schedule.running_pid)
    since = parse_iso(schedule.running_since) if schedule.running_since else now
    return now - since < STALE_FOREIGN_CLAIM


def claim_due(
    history: History,
    now: datetime,
    pid: int,
    *,
    timezone: str | None = None,
    alive: Callable[[int], bool] = pid_alive,
) -> list[Schedule]:
    """Atomically claim every due schedule not being run by a live process (a dead claimer's
    schedules are reclaimed). Overlapping callers never claim one schedule twice."""

    def choose(schedules: list[Schedule]) -> list[Schedule]:
        return [
            s
            for s in schedules
            if due(s, now, timezone) and not _claimed_elsewhere(s, history.host, now, alive)
        ]

    return history.claim_schedules(choose, pid=pid, since=iso(now))


def claim(
    history: History,
    schedule_id: int,
    now: datetime,
    pid: int,
    *,
    alive: Callable[[int], bool] = pid_alive,
) -> Schedule:
    """Claim one schedule to run it now, due or not; ConfigError if it is running already."""
    get_schedule(history, schedule_id)

    def choose(schedules: list[Schedule]) -> list[Schedule]:
        mine = [s for s in schedules if s.id == schedule_id]
        if mine and _claimed_elsewhere(mine[0], history.host, now, alive):
            raise ConfigError(
                f"Schedule {schedule_id} is running already (pid {mine[0].running_pid} since "
                f"{mine[0].running_since}); wait for it to finish."
            )
        return mine

    return history.claim_schedules(choose, pid=pid, since=iso(now))[0]


def release(
    history: History,
    schedule_id: int,
    status: str | None,
    batch_id: str | None,
    now: datetime,
    *,
    timezone: str | None = None,
) -> Schedule:
    """End a claim. With a status, record the run (``last_run_at`` is when the claim began, so
    fire times that passed during the run still count); without, just give the claim back."""
    schedule = get_schedule(history, schedule_id)
    if status is not None:
        schedule.last_run_at = schedule.running_since or iso(now)
        schedule.last_status = status
        schedule.last_batch_id = batch_id
    schedule.running_pid = schedule.running_since = schedule.running_host = None
    schedule.next_run_at = _next_text(schedule, timezone)
    return history.update_schedule(schedule)
