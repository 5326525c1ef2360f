"""A catalog write's changes held in a temporary SQLite file instead of in memory.

``Catalog.apply`` takes its updates as a mapping and its inserts as a sequence. For an import of
many products those would be every changed row at once; :class:`ChangeSpool` keeps them on disk
(pickled, in a temporary file that is deleted on ``close``) and offers the same two views, so a
run's memory does not grow with the number of rows it writes. The write itself stays one atomic
``apply``.
"""

from __future__ import annotations

import pickle
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, overload

from odoosync.catalog.base import catalog_key
from odoosync.errors import CatalogError

__all__ = [
    "ChangeSpool",
    "KeySpool",
    "PickleSpool",
    "SpooledInserts",
    "SpooledUpdates",
    "TempDatabase",
    "keyed_updates",
]

T = TypeVar("T")


class TempDatabase:
    """A throwaway SQLite file (no journal, no fsync) deleted on ``close``; a context manager."""

    def __init__(
        self, name: str, *tables: str, prefix: str = "odoosync-spool-", threads: bool = False
    ) -> None:
        """``threads``: usable from any thread (the caller serialises the calls)."""
        self._folder = tempfile.TemporaryDirectory(prefix=prefix)
        self._db = sqlite3.connect(Path(self._folder.name) / name, check_same_thread=not threads)
        self._db.execute("pragma journal_mode = off")
        self._db.execute("pragma synchronous = off")
        for table in tables:
            self._db.execute(f"create table {table}")

    def close(self) -> None:
        self._db.close()
        self._folder.cleanup()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class KeySpool(TempDatabase):
    """:class:`~odoosync.catalog.base.KeyTracker` on disk: refuses empty and duplicate keys while
    a whole catalog is checked, without holding every key in memory."""

    def __init__(self, path: Path, key: str) -> None:
        super().__init__(
            "keys.db", "keys (key text primary key, place text)", prefix="odoosync-keys-"
        )
        self.path = path
        self.key = key

    def add(self, value: Any, where: str) -> str:
        key = catalog_key(value)
        if not key:
            raise CatalogError(
                f"{self.path}: {where}: the key column {self.key!r} is empty; "
                "every product needs a key"
            )
        try:
            self._db.execute("insert into keys (key, place) values (?, ?)", [key, where])
        except sqlite3.IntegrityError:
            (first,) = self._db.execute("select place from keys where key = ?", [key]).fetchone()
            raise CatalogError(
                f"{self.path}: duplicate key {key!r} on {first} and {where}; "
                "keys must be unique, fix one of them"
            ) from None
        return key


class ChangeSpool(TempDatabase):
    """Updates by key and inserts in order, on disk; ``updates``/``inserts`` are read-only views."""

    def __init__(self) -> None:
        super().__init__(
            "changes.db",
            "updates (key text primary key, data blob)",
            "inserts (seq integer primary key, data blob)",
        )
        self.updates = SpooledUpdates(self._db)
        self.inserts = SpooledInserts(self._db)

    def update(self, key: str, values: Mapping[str, Any]) -> None:
        """Set the update of ``key`` (a later one for the same key replaces it)."""
        self._db.execute(
            "insert or replace into updates (key, data) values (?, ?)",
            [catalog_key(key), pickle.dumps(dict(values))],
        )

    def insert(self, row: Mapping[str, Any]) -> None:
        self._db.execute("insert into inserts (data) values (?)", [pickle.dumps(dict(row))])


class PickleSpool(TempDatabase, Generic[T]):
    """Objects pickled into a temporary SQLite file: appended (read back in order) or put by
    key (read back by key), so a run does not hold them all in memory."""

    def __init__(self) -> None:
        super().__init__(
            "objects.db",
            "listed (seq integer primary key, data blob)",
            "keyed (key text primary key, data blob)",
        )

    def append(self, item: T) -> None:
        self._db.execute("insert into listed (data) values (?)", [pickle.dumps(item)])

    def __iter__(self) -> Iterator[T]:
        """The appended objects, in order."""
        for (data,) in self._db.execute("select data from listed order by seq"):
            yield pickle.loads(data)

    def put(self, key: str, item: T) -> None:
        """Keep ``item`` under ``key`` (a later one for the same key replaces it)."""
        self._db.execute(
            "insert or replace into keyed (key, data) values (?, ?)", [key, pickle.dumps(item)]
        )

    def get(self, keys: Iterable[str]) -> dict[str, T]:
        """The objects put under these keys (500 keys a query); missing keys are left out."""
        wanted = list(keys)
        found: dict[str, T] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, data in self._db.execute(
                f"select key, data from keyed where key in ({marks})", chunk
            ):
                found[str(key)] = pickle.loads(data)
        return found


class SpooledUpdates(Mapping[str, Mapping[str, Any]]):
    """``{key: values}`` read from the spool; keys are already ``catalog_key`` text."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        row = self._db.execute(
            "select data from updates where key = ?", [catalog_key(key)]
        ).fetchone()
        if row is None:
            raise KeyError(key)
        values: dict[str, Any] = pickle.loads(row[0])
        return values

    def __contains__(self, key: object) -> bool:
        found = self._db.execute("select 1 from updates where key = ?", [catalog_key(key)])
        return found.fetchone() is not None

    def __iter__(self) -> Iterator[str]:
        for (key,) in self._db.execute("select key from updates order by rowid"):
            yield str(key)

    def __len__(self) -> int:
        return int(self._db.execute("select count(*) from updates").fetchone()[0])

    def values(self) -> Iterator[Mapping[str, Any]]:  # type: ignore[override]  # streamed, not a view
        for (data,) in self._db.execute("select data from updates order by rowid"):
            yield pickle.loads(data)

    def items(self) -> Iterator[tuple[str, Mapping[str, Any]]]:  # type: ignore[override]  # streamed
        for key, data in self._db.execute("select key, data from updates order by rowid"):
            yield str(key), pickle.loads(data)


class SpooledInserts(Sequence[Mapping[str, Any]]):
    """The inserted rows, in the order they were added, read from the spool."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __len__(self) -> int:
        return int(self._db.execute("select count(*) from inserts").fetchone()[0])

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        for (data,) in self._db.execute("select data from inserts order by seq"):
            yield pickle.loads(data)

    @overload
    def __getitem__(self, index: int) -> Mapping[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Mapping[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> Mapping[str, Any] | Sequence[Mapping[str, Any]]:
        if isinstance(index, slice):
            return list(self)[index]
        position = index + len(self) if index < 0 else index
        row = self._db.execute(
            "select data from inserts order by seq limit 1 offset ?", [position]
        ).fetchone()
        if row is None or position < 0:
            raise IndexError(index)
        values: dict[str, Any] = pickle.loads(row[0])
        return values


def keyed_updates(updates: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Mapping[str, Any]]:
    """``updates`` looked up by ``catalog_key`` text: a spool as it is, else a normalised dict."""
    if isinstance(updates, SpooledUpdates):
        return updates
    return {catalog_key(k): v for k, v in updates.items()}
