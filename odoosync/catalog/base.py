"""The catalog protocol and the helpers the formats share (keys, atomic writes, checks).

Every format streams rows as ``dict[str, Any]`` (CSV: strings; JSON, JSONL, SQLite: their own
types), refuses duplicate keys and rows without a key (naming the file and the lines), and writes
atomically: a temporary file in the same folder, fsync, ``os.replace`` (SQLite: one transaction).
Columns and rows that a write does not manage are kept as they were.
"""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

from odoosync import files
from odoosync.errors import CatalogError

__all__ = [
    "Catalog",
    "KeyTracker",
    "atomic_file",
    "catalog_exists",
    "catalog_key",
    "distinct_values",
    "require_folder",
]


@runtime_checkable
class Catalog(Protocol):
    """A product catalog: rows keyed by the ``key`` column."""

    path: Path
    key: str

    def columns(self) -> list[str]: ...

    def iter_rows(self) -> Iterator[dict[str, Any]]: ...

    def apply(
        self, updates: Mapping[str, Mapping[str, Any]], inserts: Sequence[Mapping[str, Any]]
    ) -> None: ...


def catalog_key(value: Any) -> str:
    """A key as text: 12, 12.0 and "12" name the same product; None and blanks give ""."""
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class KeyTracker:
    """Refuses empty and duplicate keys, naming where each was seen ("line 3", "item 7")."""

    def __init__(self, path: Path, key: str) -> None:
        self.path = path
        self.key = key
        self.seen: dict[str, str] = {}

    def add(self, value: Any, where: str) -> str:
        key = catalog_key(value)
        if not key:
            raise CatalogError(
                f"{self.path}: {where}: the key column {self.key!r} is empty; "
                "every product needs a key"
            )
        first = self.seen.get(key)
        if first is not None:
            raise CatalogError(
                f"{self.path}: duplicate key {key!r} on {first} and {where}; "
                "keys must be unique, fix one of them"
            )
        self.seen[key] = where
        return key


def check_apply(
    path: Path,
    key: str,
    existing: set[str],
    updates: Mapping[str, Mapping[str, Any]],
    inserts: Sequence[Mapping[str, Any]],
) -> list[str]:
    """Validate an ``apply``; return the insert keys. Updates must target existing rows."""
    for update_key in updates:
        if catalog_key(update_key) not in existing:
            raise CatalogError(f"{path}: cannot update {update_key!r}: no row has that key")
    keys: list[str] = []
    seen: set[str] = set()  # not ``in keys``: that is quadratic in the inserts
    for index, row in enumerate(inserts):
        insert_key = catalog_key(row.get(key))
        if not insert_key:
            raise CatalogError(f"{path}: new row {index} has no {key!r} value")
        if insert_key in existing or insert_key in seen:
            raise CatalogError(f"{path}: cannot insert {insert_key!r}: the key already exists")
        keys.append(insert_key)
        seen.add(insert_key)
    return keys


def new_columns(
    columns: Sequence[str],
    updates: Mapping[str, Mapping[str, Any]],
    inserts: Sequence[Mapping[str, Any]],
) -> list[str]:
    """``columns`` plus, in order of first appearance, the ones the changes add."""
    result = list(columns)
    known = set(result)
    for row in itertools.chain(updates.values(), inserts):  # streamed: a spool is not listed
        for name in row:
            if name not in known:
                known.add(name)
                result.append(name)
    return result


@contextmanager
def atomic_file(path: Path, *, newline: str | None = None) -> Iterator[IO[str]]:
    """Write ``path`` atomically (:func:`odoosync.files.atomic_file`); its folder must exist.

    A failure (or a crash) before the rename leaves the original file untouched.
    """
    require_folder(path)
    with files.atomic_file(path, newline=newline) as handle:
        yield handle


def require_folder(path: Path) -> None:
    """The folder a catalog is written in must exist (a write never creates folders)."""
    if not path.parent.is_dir():
        raise CatalogError(
            f"{path}: the folder {str(path.parent)!r} does not exist; create it or fix "
            "[catalog] path in the config"
        )


def catalog_exists(catalog: Catalog) -> bool:
    """Whether the catalog holds anything to read (a new catalog is created by ``apply``).

    A missing or empty file does not exist; for SQLite, neither does a database without the
    catalog's table. A file that exists but cannot be read counts as existing, so that reading
    it reports the problem.
    """
    exists = getattr(catalog, "exists", None)
    if callable(exists):
        return bool(exists())
    return catalog.path.is_file() and catalog.path.stat().st_size > 0


def require_file(path: Path) -> None:
    if not path.exists():
        raise CatalogError(f"{path}: catalog not found; check [catalog] path in the config")
    if path.is_dir():
        raise CatalogError(f"{path}: is a folder, not a catalog file")
    try:
        with open(path, "rb"):
            pass
    except OSError as exc:
        raise CatalogError(
            f"{path}: cannot read the catalog ({exc.strerror or exc}); check its permissions"
        ) from None


def require_writable(path: Path) -> None:
    """Refuse, before a run changes anything, a catalog the user made read-only (no write bit:
    an atomic replace would otherwise overwrite it, since only its folder's mode counts) or
    whose folder cannot take the replacement file."""
    if not path.exists():
        return
    mode = path.stat().st_mode
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        raise CatalogError(
            f"{path}: the catalog is read-only (mode {stat.S_IMODE(mode):04o}) and an import "
            f"writes it; make it writable (`chmod u+w {path}`) or use --dry-run."
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise CatalogError(
            f"{path.parent}: the catalog's folder is read-only; an import replaces the catalog "
            "through a new file beside it. Make the folder writable or use --dry-run."
        )


def distinct_values(
    catalog: Catalog, columns: Sequence[str], *, limit: int = 1000
) -> dict[str, list[Any]]:
    """Up to ``limit`` distinct non-empty values per column, in order of first appearance."""
    found: dict[str, dict[Any, None]] = {name: {} for name in columns}
    for row in catalog.iter_rows():
        for name, seen in found.items():
            value = row.get(name)
            if value is None or value == "" or len(seen) >= limit:
                continue
            seen.setdefault(value if not isinstance(value, list | dict) else str(value), None)
    return {name: list(seen) for name, seen in found.items()}
