"""SQLite catalogs: one table; values keep their SQLite types; rows streamed from a cursor.

Writes run in one transaction: new columns are added with ``ALTER TABLE``, rows are updated by
key and inserted; columns and rows a write does not manage are untouched.

A write creates a missing catalog (imports start new catalogs): a missing database file is built
in a temporary file beside it and renamed into place; a missing table is created in the write's
transaction. The new table has the key column as ``TEXT PRIMARY KEY`` and the inserted rows'
other columns without a declared type (SQLite then keeps each value's own type). Its name is
``[catalog] table``, or ``products`` when none is set.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from odoosync.catalog.base import (
    KeyTracker,
    catalog_key,
    check_apply,
    new_columns,
    require_file,
    require_folder,
)
from odoosync.errors import CatalogError
from odoosync.files import link_target

__all__ = ["DEFAULT_TABLE", "SqliteCatalog"]

#: the table a new catalog gets when ``[catalog] table`` is not set
DEFAULT_TABLE = "products"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


class SqliteCatalog:
    """A table in a SQLite file; ``table`` may be omitted when the file holds exactly one."""

    def __init__(self, path: Path, *, key: str = "id", table: str | None = None) -> None:
        self.path = Path(path)
        self.key = key
        self._table = table

    def _connect(self) -> sqlite3.Connection:
        require_file(self.path)
        try:
            connection = sqlite3.connect(self.path, timeout=30)
            connection.execute("SELECT 1 FROM sqlite_master LIMIT 1")
        except sqlite3.DatabaseError as exc:
            raise CatalogError(f"{self.path}: not a SQLite database: {exc}") from None
        connection.row_factory = sqlite3.Row
        return connection

    def _tables(self, connection: sqlite3.Connection) -> list[str]:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
        return [str(row[0]) for row in rows]

    def table(self, connection: sqlite3.Connection) -> str:
        """The catalog's table, checked to exist."""
        tables = self._tables(connection)
        present = ", ".join(tables) or "none"
        if self._table is None:
            if len(tables) == 1:
                return tables[0]
            raise CatalogError(
                f"{self.path}: set [catalog] table in the config: the database has the tables "
                f"{present}"
            )
        if self._table not in tables:
            raise CatalogError(f"{self.path}: no table {self._table!r}; tables present: {present}")
        return self._table

    def _columns(self, connection: sqlite3.Connection, table: str) -> list[str]:
        rows = connection.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
        names = [str(row[1]) for row in rows]
        if self.key not in names:
            raise CatalogError(
                f"{self.path}: table {table!r} has no key column {self.key!r} (columns: "
                f"{', '.join(names)}); set [catalog] key in the config"
            )
        return names

    def columns(self) -> list[str]:
        connection = self._connect()
        try:
            return self._columns(connection, self.table(connection))
        finally:
            connection.close()

    def iter_rows(self) -> Iterator[dict[str, Any]]:
        connection = self._connect()
        try:
            table = self.table(connection)
            self._columns(connection, table)
            tracker = KeyTracker(self.path, self.key)
            cursor = connection.execute(f"SELECT rowid AS __rowid__, * FROM {_quote(table)}")
            while True:
                batch = cursor.fetchmany(500)
                if not batch:
                    break
                for row in batch:
                    item = dict(row)
                    rowid = item.pop("__rowid__")
                    tracker.add(item.get(self.key), f"row {rowid}")
                    yield item
        finally:
            connection.close()

    def exists(self) -> bool:
        """Whether the file holds the catalog's table (``apply`` creates a missing one).

        A file that is not a database, or holds several tables and no ``table`` setting, counts
        as existing, so that reading it reports the problem.
        """
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return False
        try:
            connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error:
            return True
        try:
            tables = self._tables(connection)
        except sqlite3.DatabaseError:
            return True
        finally:
            connection.close()
        if self._table is None:
            return bool(tables)
        return self._table in tables

    def _create_table(
        self, connection: sqlite3.Connection, table: str, inserts: Sequence[Mapping[str, Any]]
    ) -> None:
        others = [name for name in new_columns([self.key], {}, inserts) if name != self.key]
        columns = [f"{_quote(self.key)} TEXT PRIMARY KEY", *(_quote(name) for name in others)]
        connection.execute(f"CREATE TABLE {_quote(table)} ({', '.join(columns)})")

    def _write(
        self,
        connection: sqlite3.Connection,
        updates: Mapping[str, Mapping[str, Any]],
        inserts: Sequence[Mapping[str, Any]],
    ) -> None:
        """The changes, in one transaction on ``connection``; creates the table if missing."""
        with connection:  # one transaction: commit, or roll back on any error
            connection.execute("BEGIN IMMEDIATE")
            tables = self._tables(connection)
            if self._table is not None and self._table not in tables:
                self._create_table(connection, self._table, inserts)
            elif self._table is None and not tables:
                self._create_table(connection, DEFAULT_TABLE, inserts)
            table = self.table(connection)
            columns = self._columns(connection, table)
            known = set(columns)
            for row in itertools.chain(updates.values(), inserts):
                for name in row:
                    if name not in known:
                        known.add(name)
                        connection.execute(f"ALTER TABLE {_quote(table)} ADD COLUMN {_quote(name)}")
            key_rows = connection.execute(
                f"SELECT rowid, {_quote(self.key)} FROM {_quote(table)}"
            ).fetchall()
            rowids = {catalog_key(row[1]): int(row[0]) for row in key_rows}
            for update_key, change in updates.items():
                if not change:
                    continue
                sets = ", ".join(f"{_quote(name)} = ?" for name in change)
                connection.execute(
                    f"UPDATE {_quote(table)} SET {sets} WHERE rowid = ?",
                    [*(_sql_value(v) for v in change.values()), rowids[catalog_key(update_key)]],
                )
            for row in inserts:
                names = ", ".join(_quote(name) for name in row)
                marks = ", ".join("?" for _ in row)
                connection.execute(
                    f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})",
                    [_sql_value(v) for v in row.values()],
                )

    def apply(
        self, updates: Mapping[str, Mapping[str, Any]], inserts: Sequence[Mapping[str, Any]]
    ) -> None:
        """Update rows by key and insert ``inserts`` in one transaction.

        A missing file or table is created (see the module docstring); a missing folder is a
        ``CatalogError``.
        """
        if not updates and not inserts:
            return
        require_folder(self.path)
        existing = (
            {catalog_key(row[self.key]) for row in self.iter_rows()} if self.exists() else set()
        )
        check_apply(self.path, self.key, existing, updates, inserts)
        if not self.path.is_file() or self.path.stat().st_size == 0:
            self._create_file(updates, inserts)
            return
        connection = self._connect()
        try:
            self._write(connection, updates, inserts)
        except sqlite3.Error as exc:
            raise CatalogError(f"{self.path}: cannot write table: {exc}") from None
        finally:
            connection.close()

    def _create_file(
        self, updates: Mapping[str, Mapping[str, Any]], inserts: Sequence[Mapping[str, Any]]
    ) -> None:
        """A new database built in a temporary file beside ``path``, then renamed into place."""
        if self.path.is_dir():
            raise CatalogError(f"{self.path}: is a folder, not a catalog file")
        target = link_target(self.path)  # a symbolic link is written through, not replaced
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        try:
            connection = sqlite3.connect(tmp)
            try:
                self._write(connection, updates, inserts)
            finally:
                connection.close()
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except sqlite3.Error as exc:
            raise CatalogError(f"{self.path}: cannot create the catalog: {exc}") from None
        finally:
            Path(tmp).unlink(missing_ok=True)
