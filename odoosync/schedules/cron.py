"""croniter behind a thin wrapper: cron expressions validated with croniter's reason, and fire
times in a time zone.

Fire times are computed in local wall-clock time (the machine's zone, or an IANA zone) with
:mod:`zoneinfo`, and returned in UTC. Around DST changes:

* spring forward: a wall time that does not exist (02:30 in Paris on the last Sunday of March)
  fires once, when the clocks jump (03:00 local);
* fall back: a wall time that happens twice fires at its first occurrence, except for
  expressions whose hour field is a wildcard (``*/5 * * * *``), which keep firing through the
  repeated hour, as they follow elapsed time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, CroniterError, croniter

from odoosync.errors import ConfigError


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
