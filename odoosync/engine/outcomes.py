"""A run's kept product outcomes, in memory while they are few, on disk beyond.

A dry run lists its whole plan, and ``--details`` every product: for 100,000 products that is
100,000 :class:`ProductOutcome` objects (with a dry run's ``changes``), a few hundred MB held to
the end of the run. :class:`OutcomeList` keeps the first ``in_memory`` of them as objects; past
that it moves them all into a temporary SQLite file (pickled, deleted when the list is closed or
collected) and reads them back in order when iterated.

Order: outcomes come back sorted by the ``order`` they were appended with (export: chunk number
and position, as the catalog lists them; chunks finish out of order), then in the order they were
appended; without ``order`` an outcome sorts as ``(0, 0)``.
"""

from __future__ import annotations

import pickle
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, overload

from odoosync.catalog.spool import TempDatabase

if TYPE_CHECKING:
    from odoosync.engine.result import ProductOutcome

#: outcomes held as objects before the list moves to disk (a few MB)
IN_MEMORY = 2000


class OutcomeList(Sequence["ProductOutcome"]):
    """Product outcomes in ``order``; appended from any thread, read back in order."""

    def __init__(self, items: Iterable[ProductOutcome] = (), *, in_memory: int = IN_MEMORY) -> None:
        self._in_memory = in_memory
        self._items: list[tuple[int, int, int, ProductOutcome]] = []
        self._sorted = True
        self._count = 0
        self._disk: TempDatabase | None = None
        self._lock = threading.RLock()
        for item in items:
            self.append(item)

    # -- writing ---------------------------------------------------------------------------

    def append(self, outcome: ProductOutcome, order: tuple[int, int] = (0, 0)) -> None:
        with self._lock:
            self._count += 1
            entry = (order[0], order[1], self._count, outcome)
            if self._disk is not None:
                self._store([entry])
                return
            if self._items and self._items[-1][:3] > entry[:3]:
                self._sorted = False
            self._items.append(entry)
            if len(self._items) > self._in_memory:
                self._spill()

    def amend(self, product_id: str, change: Callable[[ProductOutcome], None]) -> int:
        """Apply ``change`` to every kept outcome of ``product_id`` (kept on disk too);
        returns how many there were."""
        with self._lock:
            if self._disk is None:
                found = [e[3] for e in self._items if e[3].product_id == product_id]
                for outcome in found:
                    change(outcome)
                return len(found)
            db = self._disk._db
            rows = db.execute(
                "select seq, data from outcomes where product_id = ?", [product_id]
            ).fetchall()
            for seq, data in rows:
                outcome = pickle.loads(data)
                change(outcome)
                db.execute(
                    "update outcomes set data = ? where seq = ?", [pickle.dumps(outcome), seq]
                )
            return len(rows)

    def _spill(self) -> None:
        disk = TempDatabase(
            "outcomes.db",
            "outcomes (k1 integer, k2 integer, seq integer primary key, product_id text,"
            " data blob)",
            threads=True,
            prefix="odoosync-outcomes-",
        )
        disk._db.execute("create index outcomes_order on outcomes (k1, k2, seq)")
        disk._db.execute("create index outcomes_product on outcomes (product_id)")
        self._disk = disk
        self._finalizer = weakref.finalize(self, disk.close)
        self._store(self._items)
        self._items = []

    def _store(self, entries: Sequence[tuple[int, int, int, ProductOutcome]]) -> None:
        assert self._disk is not None
        self._disk._db.executemany(
            "insert into outcomes (k1, k2, seq, product_id, data) values (?, ?, ?, ?, ?)",
            [(k1, k2, seq, o.product_id, pickle.dumps(o)) for k1, k2, seq, o in entries],
        )

    def close(self) -> None:
        """Delete the file behind the list, if any (it then holds nothing)."""
        with self._lock:
            if self._disk is not None:
                self._finalizer()
                self._disk = None
                self._count = 0

    # -- reading ---------------------------------------------------------------------------

    def __iter__(self) -> Iterator[ProductOutcome]:
        with self._lock:
            if self._disk is None:
                if not self._sorted:
                    self._items.sort(key=lambda e: e[:3])
                    self._sorted = True
                items = [e[3] for e in self._items]
            else:
                items = None
                rows = self._disk._db.execute(
                    "select data from outcomes order by k1, k2, seq"
                ).fetchmany
        if items is not None:
            yield from items
            return
        while True:
            with self._lock:
                page = rows(500)
            if not page:
                return
            for (data,) in page:
                yield pickle.loads(data)

    def __len__(self) -> int:
        return len(self._items) if self._disk is None else self._count

    @property
    def spilled(self) -> bool:
        """Whether the outcomes are on disk."""
        return self._disk is not None

    @overload
    def __getitem__(self, index: int) -> ProductOutcome: ...

    @overload
    def __getitem__(self, index: slice) -> list[ProductOutcome]: ...

    def __getitem__(self, index: int | slice) -> ProductOutcome | list[ProductOutcome]:
        if isinstance(index, slice):
            if (index.start or 0) >= 0 and (index.stop is None or index.stop >= 0):
                return list(islice(self, index.start, index.stop, index.step))
            return list(self)[index]
        position = index + len(self) if index < 0 else index
        if not 0 <= position < len(self):
            raise IndexError(index)
        return next(islice(self, position, None))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OutcomeList | list | tuple):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        where = "on disk" if self._disk is not None else "in memory"
        return f"<OutcomeList of {len(self)} ({where})>"

    def __getstate__(self) -> Any:
        return {"items": list(self), "in_memory": self._in_memory}

    def __setstate__(self, state: Any) -> None:
        self.__init__(state["items"], in_memory=state["in_memory"])  # type: ignore[misc]


__all__ = ["IN_MEMORY", "OutcomeList"]
