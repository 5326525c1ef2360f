"""What a variant import (and two-way sync's "added from Odoo" step) keeps on disk instead of in
memory, so a run's memory does not grow with the catalog or with Odoo's variants (issue 12).

:class:`CatalogRows`: the catalog's rows by key and the external id names its keys and parents
have in Odoo (a key with odd characters gets a digest name that cannot be read back), looked up a
page at a time. :class:`ImportedRows`: the rows read from Odoo, in order, and each key's row as
the catalog holds it after the write, with its group (a group's rows may be anywhere in Odoo's
order), from which the rows' links are made a chunk at a time.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

from odoosync.catalog.base import catalog_key
from odoosync.catalog.spool import TempDatabase
from odoosync.engine.identity import external_id_name, template_id_name, variant_id_name
from odoosync.mapping.model import MappingConfig

__all__ = ["CatalogRows", "ImportedRows", "chunks"]

T = TypeVar("T")
QUERY_CHUNK = 500  # keys a query (SQLite's variable limit is far above)


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size``."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class CatalogRows(TempDatabase):
    """The catalog's rows by key (a later row of the same key replaces an earlier one) and its
    external id names → the key or parent they stand for, in a temporary SQLite file."""

    def __init__(self) -> None:
        super().__init__(
            "catalog.db",
            "rows (key text primary key, data blob)",
            "names (name text primary key, key text)",
            prefix="odoosync-variants-",
        )

    @classmethod
    def of(
        cls, rows: Iterable[Mapping[str, Any]], mapping: MappingConfig, key_field: str
    ) -> CatalogRows:
        """The catalog's ``rows`` (streamed once) on disk."""
        spool = cls()
        try:
            for row in rows:
                spool.add(row, mapping, key_field)
        except BaseException:
            spool.close()
            raise
        return spool

    def add(self, row: Mapping[str, Any], mapping: MappingConfig, key_field: str) -> None:
        key = catalog_key(row.get(key_field))
        self._db.execute(
            "insert or replace into rows (key, data) values (?, ?)", [key, pickle.dumps(dict(row))]
        )
        names = [(variant_id_name(key), key), (external_id_name(key), key)]
        if mapping.variants is not None:
            parent = str(row.get(mapping.variants.parent) or "")
            if parent:
                names.append((template_id_name(parent), parent))
        self._db.executemany("insert or replace into names (name, key) values (?, ?)", names)

    def rows(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The catalog's rows of these keys; keys it does not hold are left out."""
        return {
            str(key): pickle.loads(data)
            for key, data in self._select("select key, data from rows where key in", keys)
        }

    def names(self, names: Iterable[str]) -> dict[str, str]:
        """The key (or parent) each of these external id names stands for, if the catalog's."""
        return {
            str(name): str(key)
            for name, key in self._select("select name, key from names where name in", names)
        }

    def _select(self, query: str, values: Iterable[str]) -> Iterator[tuple[Any, Any]]:
        for chunk in chunks(dict.fromkeys(values), QUERY_CHUNK):
            marks = ",".join("?" * len(chunk))
            yield from self._db.execute(f"{query} ({marks})", chunk).fetchall()


class ImportedRows(TempDatabase):
    """The rows read from Odoo (as :func:`odoosync.engine.imports.variants.odoo_rows` makes
    them), in order, and each key's final row (the whole catalog row after the write) with its
    group, kept in the order the keys were first met."""

    def __init__(self) -> None:
        super().__init__(
            "imported.db",
            "read (seq integer primary key, data blob)",
            "final (seq integer primary key, key text unique, grp text, data blob)",
            prefix="odoosync-variants-",
        )
        self._db.execute("create index final_grp on final (grp)")

    def add(self, row: Mapping[str, Any], key: str, final: Mapping[str, Any], group: str) -> None:
        """One row read from Odoo, and ``final``, what the catalog holds for ``key`` after the
        write (replacing an earlier one of the same key, which keeps its place)."""
        self._db.execute("insert into read (data) values (?)", [pickle.dumps(dict(row))])
        self._db.execute(
            "insert into final (key, grp, data) values (?, ?, ?) on conflict (key) do update"
            " set grp = excluded.grp, data = excluded.data",
            [key, group, pickle.dumps(dict(final))],
        )

    def has(self, keys: Iterable[str]) -> set[str]:
        """Which of these keys have a final row."""
        found: set[str] = set()
        for chunk in chunks(dict.fromkeys(keys), QUERY_CHUNK):
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(f"select key from final where key in ({marks})", chunk)
            found.update(str(key) for (key,) in rows)
        return found

    def read_rows(self, size: int) -> Iterator[list[dict[str, Any]]]:
        """The rows read from Odoo, in order, ``size`` at a time (no cursor stays open)."""
        last = 0
        while True:
            page = self._db.execute(
                "select seq, data from read where seq > ? order by seq limit ?", [last, size]
            ).fetchall()
            if not page:
                return
            last = int(page[-1][0])
            yield [pickle.loads(data) for _seq, data in page]

    def finals(self, keys: Iterable[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        """key → (its group, its final row)."""
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        for chunk in chunks(dict.fromkeys(keys), QUERY_CHUNK):
            marks = ",".join("?" * len(chunk))
            for key, group, data in self._db.execute(
                f"select key, grp, data from final where key in ({marks})", chunk
            ):
                found[str(key)] = (str(group), pickle.loads(data))
        return found

    def groups(self, names: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Each of these groups' final rows, in the order their keys were first met."""
        found: dict[str, list[dict[str, Any]]] = {}
        for chunk in chunks(dict.fromkeys(names), QUERY_CHUNK):
            marks = ",".join("?" * len(chunk))
            for group, data in self._db.execute(
                f"select grp, data from final where grp in ({marks}) order by seq", chunk
            ):
                found.setdefault(str(group), []).append(pickle.loads(data))
        return found
