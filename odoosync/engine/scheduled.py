"""Running schedules: claim what is due, run each through a pluggable runner, record the outcome.

A runner turns a :class:`~odoosync.schedules.model.Schedule` and a ``triggered_by``
(``"schedule"`` for ``run-due``, ``"manual"`` for ``schedule run ID``) into
``(status, batch_id)``; the real one, :func:`engine_runner`, calls the sync engine (the
direction's run from :mod:`odoosync.engine.runs`). Tests plug in a trivial one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from odoosync.engine.result import RunOptions
from odoosync.engine.runs import run_for
from odoosync.errors import ExitCode, LockHeld, OdoosyncError, exit_code_for
from odoosync.history.schedules import claim, claim_due, release
from odoosync.odoo.connect import client_factory
from odoosync.schedules.model import Schedule
from odoosync.secrets import resolve_password
from odoosync.timestamps import utc_now

if TYPE_CHECKING:
    from odoosync.config.settings import Settings
    from odoosync.history.store import History

Runner = Callable[[Schedule, str], tuple[str, str | None]]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ScheduleOutcome:
    """What happened to one schedule: ``status`` is the run's (success, partial, failed,
    interrupted) or ``locked`` (another run held the profile; it stays due)."""

    schedule_id: int
    name: str
    profile: str
    status: str
    batch_id: str | None = None
    message: str | None = None
    #: what ``schedule run ID`` exits with: 0 success, 6 partial, 7 locked, the error's code
    exit_code: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "schedule_id": self.schedule_id,
            "name": self.name,
            "profile": self.profile,
            "status": self.status,
            "batch_id": self.batch_id,
            "message": self.message,
            "exit_code": self.exit_code,
        }

    @property
    def ok(self) -> bool:
        return self.status in ("success", "locked")


_CODES = {
    "success": ExitCode.OK,
    "partial": ExitCode.PARTIAL_FAILURE,
    "failed": ExitCode.INTERNAL,
    "interrupted": ExitCode.INTERRUPTED,
    "locked": ExitCode.LOCKED,
}


def run_due(
    history: History,
    runner: Runner,
    *,
    now: Clock = utc_now,
    pid: int | None = None,
    timezone: str | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> list[ScheduleOutcome]:
    """Claim every due schedule (atomically) and run them one after another.

    ``stop()`` is asked between schedules; the ones not started yet are given back.
    """
    claimed = claim_due(history, now(), pid or os.getpid(), timezone=timezone)
    outcomes: list[ScheduleOutcome] = []
    for schedule in claimed:
        assert schedule.id is not None
        if stop():
            release(history, schedule.id, None, None, now(), timezone=timezone)
            continue
        outcomes.append(_run_claimed(history, schedule, runner, "schedule", now, timezone))
    return outcomes


def run_now(
    history: History,
    schedule_id: int,
    runner: Runner,
    *,
    now: Clock = utc_now,
    pid: int | None = None,
    timezone: str | None = None,
) -> ScheduleOutcome:
    """Run one schedule now (``triggered_by = "manual"``), due or not, enabled or not."""
    schedule = claim(history, schedule_id, now(), pid or os.getpid())
    return _run_claimed(history, schedule, runner, "manual", now, timezone)


def _run_claimed(
    history: History,
    schedule: Schedule,
    runner: Runner,
    triggered_by: str,
    now: Clock,
    timezone: str | None,
) -> ScheduleOutcome:
    assert schedule.id is not None
    sid = schedule.id

    def outcome(
        status: str, batch_id: str | None = None, message: str | None = None, code: int = 0
    ) -> ScheduleOutcome:
        return ScheduleOutcome(
            sid, schedule.name, schedule.profile, status, batch_id, message, code or _CODES[status]
        )

    try:
        status, batch_id = runner(schedule, triggered_by)
    except LockHeld as exc:  # someone else is syncing this profile: try again next time
        release(history, sid, None, None, now(), timezone=timezone)
        return outcome("locked", message=str(exc), code=exit_code_for(exc))
    except BaseException as exc:
        interrupted = exit_code_for(exc) == ExitCode.INTERRUPTED
        status = "interrupted" if interrupted else "failed"
        batch = getattr(exc, "batch_id", None)
        release(history, sid, status, batch, now(), timezone=timezone)
        if interrupted or not isinstance(exc, Exception):
            raise
        if isinstance(exc, OdoosyncError):
            return outcome(status, batch, message=str(exc), code=exit_code_for(exc))
        return outcome(status, message=f"Internal error: {type(exc).__name__}: {exc}")
    release(history, sid, status, batch_id, now(), timezone=timezone)
    return outcome(status, batch_id)


class _Aborted(OdoosyncError):
    def __init__(self, message: str, code: int | None, batch_id: str) -> None:
        super().__init__(f"Run {batch_id} stopped: {message}")
        self.exit_code = ExitCode(code or ExitCode.ODOO_UNREACHABLE)
        self.batch_id = batch_id


def engine_runner(
    history: History,
    settings_for: Callable[[str], Settings],
    *,
    env: dict[str, str] | None = None,
) -> Runner:
    """The real runner: load the schedule's profile, then export / import / sync through
    :mod:`odoosync.engine` with the schedule's filters, batch size and sync type.

    The engine takes the profile lock itself (``LockHeld`` leaves the schedule due). Passwords
    come from the environment or the secrets file; a schedule never prompts.
    """
    environ = dict(os.environ if env is None else env)

    def run(schedule: Schedule, triggered_by: str) -> tuple[str, str | None]:
        settings = settings_for(schedule.profile)
        entry = run_for(schedule.sync_direction)
        password = resolve_password(settings, env=environ, prompt=None)
        options = RunOptions(
            direction=schedule.sync_direction,
            sync_type=schedule.sync_type,
            filters=schedule.filter_pairs(),
            batch_size=schedule.batch_size,
            triggered_by=triggered_by,
            schedule_id=schedule.id,
        )
        result = entry(
            settings, options, client_factory=client_factory(settings, password), history=history
        )
        if result.aborted:  # Odoo became unreachable: the run is recorded; say why
            raise _Aborted(str(result.aborted), result.aborted_exit_code, result.batch_id)
        return str(result.status), str(result.batch_id) or None

    return run
