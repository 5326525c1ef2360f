"""The schedules table of the history store, and the operations on it: create, update and toggle
(validated, next fire time kept), and atomic claims (``claim_due``: overlapping callers never claim
one schedule twice; a dead claimer's schedules are reclaimed).

:class:`ScheduleStore` is mixed into :class:`~odoosync.history.store.History`, which gives it the
connection (``transaction``, ``_rows``) and the host name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from odoosync.errors import ConfigError, UsageError
from odoosync.history.records import schedule_from_row, schedule_to_row
from odoosync.lock import pid_alive
from odoosync.schedules.cron import validate_cron
from odoosync.schedules.model import Schedule, check_batch, check_choice, due, validate_filters
from odoosync.terms import DIRECTIONS, SYNC_TYPES
from odoosync.timestamps import iso, parse_iso


class ScheduleStore:
    """The ``schedules`` table; :class:`~odoosync.history.store.History` supplies the connection."""

    host: str

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]: ...

    def add_schedule(self, schedule: Schedule) -> Schedule:
        """Insert a schedule (its ``id`` is ignored) and return it with its new id."""
        row = schedule_to_row(schedule)
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
            schedule_from_row(row)
            for row in self._rows(f"select * from schedules {where} order by id", params)
        ]

    def schedule(self, schedule_id: int) -> Schedule | None:
        rows = self._rows("select * from schedules where id = ?", [schedule_id])
        return schedule_from_row(rows[0]) if rows else None

    def update_schedule(self, schedule: Schedule) -> Schedule:
        """Write every field of ``schedule`` (found by id) back."""
        row = schedule_to_row(schedule)
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
            chosen = choose([schedule_from_row(dict(zip(names, row, strict=True))) for row in rows])
            for item in chosen:
                item.running_pid, item.running_since, item.running_host = pid, since, self.host
                conn.execute(
                    "update schedules set running_pid = ?, running_since = ?, running_host = ?"
                    " where id = ?",
                    [pid, since, self.host, item.id],
                )
        return chosen


# --------------------------------------------------------------------------- operations

#: a claim from another host older than this is considered abandoned
STALE_FOREIGN_CLAIM = timedelta(hours=24)


def create_schedule(
    history: ScheduleStore,
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
    check_choice("direction", direction, DIRECTIONS)
    check_choice("sync type", sync_type, SYNC_TYPES)
    check_batch(batch_size)
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


def get_schedule(history: ScheduleStore, schedule_id: int) -> Schedule:
    found = history.schedule(schedule_id)
    if found is None:
        raise ConfigError(f"No schedule with id {schedule_id}; see `odoosync schedule list`.")
    return found


def update_schedule(
    history: ScheduleStore,
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
        check_choice("direction", values["direction"], DIRECTIONS)
    if "sync_type" in values:
        check_choice("sync type", values["sync_type"], SYNC_TYPES)
    check_batch(values.get("batch_size"))
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
    history: ScheduleStore, schedule_id: int, *, now: datetime, timezone: str | None = None
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
    history: ScheduleStore,
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
    history: ScheduleStore,
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
    history: ScheduleStore,
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
