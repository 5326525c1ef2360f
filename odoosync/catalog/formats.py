"""The catalog formats by file extension: the one table of suffixes (the config's checks use it
too) and :func:`open_catalog`."""

from __future__ import annotations

from pathlib import Path

from odoosync.catalog.base import Catalog
from odoosync.catalog.csv import CsvCatalog
from odoosync.catalog.json import JsonCatalog
from odoosync.catalog.jsonl import JsonlCatalog
from odoosync.catalog.sqlite import SqliteCatalog
from odoosync.errors import CatalogError

#: file extension → format
SUFFIXES = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".db": "sqlite",
    ".sqlite": "sqlite",
    ".sqlite3": "sqlite",
}

#: the extensions of SQLite catalogs (a ``[catalog] table`` is only for these)
SQLITE_SUFFIXES = tuple(suffix for suffix, kind in SUFFIXES.items() if kind == "sqlite")


def open_catalog(
    path: Path, *, key: str = "id", table: str | None = None, neutralise_formulas: bool = True
) -> Catalog:
    """The catalog at ``path``, by extension: .csv, .json, .jsonl/.ndjson, .db/.sqlite/.sqlite3.

    Opening reads nothing; a missing file is reported by ``columns``/``iter_rows``, and ``apply``
    creates it (imports into a new catalog). ``table`` is for SQLite catalogs;
    ``neutralise_formulas`` for CSV ones (:mod:`odoosync.catalog.formulas`).
    """
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise CatalogError(
            f"{path}: unknown catalog format {path.suffix or '(no extension)'!r}; "
            "use .csv, .json, .jsonl or a SQLite file (.db, .sqlite, .sqlite3)"
        )
    if table is not None and kind != "sqlite":
        raise CatalogError(f"{path}: [catalog] table is only for SQLite catalogs")
    if kind == "csv":
        return CsvCatalog(path, key=key, neutralise_formulas=neutralise_formulas)
    if kind == "json":
        return JsonCatalog(path, key=key)
    if kind == "jsonl":
        return JsonlCatalog(path, key=key)
    return SqliteCatalog(path, key=key, table=table)
