"""The schedules table of the history store: add, list, update, delete and claim schedules.

:class:`ScheduleStore` is mixed into :class:`~odoosync.history.History`, which gives it the
connection (``transaction``, ``_rows``) and the host name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from odoosync.errors import UsageError
from odoosync.history_records import schedule_from_row, schedule_to_row
from odoosync.schedule import Schedule

__all__ = ["ScheduleStore"]


class ScheduleStore:
    """The ``schedules`` table; :class:`~odoosync.history.History` supplies the connection."""

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
