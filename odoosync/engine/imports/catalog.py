"""The catalog's side of an import: reading it, its index, Odoo's images, the planned spool.

:func:`build_index` (key → digest, barcode → key) and :func:`rows_for` stream the catalog once;
:func:`save_image` writes an Odoo image beside it; :class:`PlannedSpool` keeps a run's planned
products in a temporary SQLite file instead of a list.
"""

from __future__ import annotations

import base64
import pickle
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from odoosync.catalog.base import Catalog, catalog_exists, catalog_key
from odoosync.catalog.spool import TempDatabase
from odoosync.engine.imports.plan import CatalogIndex, PlannedImport
from odoosync.engine.travel import Travel
from odoosync.transforms import image_kind, is_empty

IMAGE_FOLDER = "images"
_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WebP": "webp"}


def iter_catalog(catalog: Catalog) -> Iterator[dict[str, Any]]:
    if catalog_exists(catalog):
        yield from catalog.iter_rows()


def build_index(catalog: Catalog, travel: Travel) -> CatalogIndex:
    """key → digest of the travelling fields, barcode → key, in one streaming pass."""
    index = CatalogIndex()
    for row in iter_catalog(catalog):
        key = catalog_key(row.get(catalog.key))
        barcode = row.get(travel.barcode_field) if travel.barcode_field else None
        index.add(key, travel.local_digest(row), None if is_empty(barcode) else str(barcode))
    return index


def rows_for(catalog: Catalog, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The rows with these keys (one streaming pass; only those are kept)."""
    wanted = set(keys)
    found: dict[str, dict[str, Any]] = {}
    if not wanted:
        return found
    for row in iter_catalog(catalog):
        key = catalog_key(row.get(catalog.key))
        if key in wanted:
            found[key] = row
    return found


def save_image(base_dir: Path, key: str, value: Any) -> str | None:
    """Write an Odoo image (base64) as ``images/<key>.<ext>``; the relative path, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        data = base64.b64decode(value, validate=True)
    except ValueError:
        return None
    kind = image_kind(data)
    if kind is None:
        return None
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
    relative = f"{IMAGE_FOLDER}/{safe}.{_EXTENSIONS[kind]}"
    target = base_dir / relative
    if not (target.exists() and target.read_bytes() == data):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return relative


class PlannedSpool(TempDatabase):
    """A run's planned products, in order, in a temporary SQLite file (not a list in memory).

    Each is stored with whether it needs a link saved (``touched``); the catalog's digests of the
    touched keys, taken after the write, are kept beside them for the links.
    """

    def __init__(self) -> None:
        super().__init__(
            "planned.db",
            "planned (seq integer primary key, key text, touched int, data blob)",
            "hashes (key text primary key, hash text)",
            prefix="odoosync-plan-",
        )
        self._db.execute("create index planned_key on planned (key) where touched = 1")

    def add(self, planned: PlannedImport, *, touched: bool) -> None:
        self._db.execute(
            "insert into planned (key, touched, data) values (?, ?, ?)",
            [planned.key, int(touched), pickle.dumps(planned)],
        )

    def _select(self, where: str = "") -> Iterator[tuple[PlannedImport, bool]]:
        last = 0
        while True:  # in pages by seq: no cursor is left open while the caller writes
            rows = self._db.execute(
                "select seq, touched, data from planned"
                f" where seq > ? {where} order by seq limit 500",
                [last],
            ).fetchall()
            if not rows:
                return
            for seq, touched, data in rows:
                last = int(seq)
                planned: PlannedImport = pickle.loads(data)
                yield planned, bool(touched)

    def __iter__(self) -> Iterator[PlannedImport]:
        return (planned for planned, _touched in self._select())

    def with_touched(self) -> Iterator[tuple[PlannedImport, bool]]:
        """Every planned product, in order, with whether its link is saved."""
        return self._select()

    def touched(self) -> Iterator[PlannedImport]:
        """The planned products whose link is saved, in order."""
        return (planned for planned, _touched in self._select("and touched = 1"))

    def is_touched(self, key: str) -> bool:
        found = self._db.execute("select 1 from planned where key = ? and touched = 1", [key])
        return found.fetchone() is not None

    def set_hash(self, key: str, digest: str | None) -> None:
        self._db.execute("insert or replace into hashes (key, hash) values (?, ?)", [key, digest])

    def hashes(self, keys: Sequence[str]) -> dict[str, str | None]:
        marks = ",".join("?" * len(keys))
        rows = self._db.execute(f"select key, hash from hashes where key in ({marks})", list(keys))
        return {str(key): digest for key, digest in rows}
