"""JSON catalogs: one array of objects; values keep their JSON types.

Limit: a JSON array cannot be streamed with the standard library, so the whole file is parsed
with ``json.load`` (memory grows with the file: about 1 KB of Python objects per product, so
100,000 products need some 100 MB). ``iter_rows`` then yields the parsed objects one by one
without copying them. Use JSONL (one object per line) or SQLite for very large catalogs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from odoosync.catalog.base import (
    KeyTracker,
    atomic_file,
    catalog_key,
    check_apply,
    require_file,
)
from odoosync.catalog.spool import keyed_updates
from odoosync.errors import CatalogError

__all__ = ["JsonCatalog"]


class JsonCatalog:
    """A ``.json`` file holding an array of product objects."""

    def __init__(self, path: Path, *, key: str = "id") -> None:
        self.path = Path(path)
        self.key = key

    def _load(self) -> list[Any]:
        require_file(self.path)
        try:
            with open(self.path, encoding="utf-8-sig") as handle:
                data = json.load(handle)
        except UnicodeDecodeError:
            raise CatalogError(f"{self.path}: not valid UTF-8; save the file as UTF-8") from None
        except RecursionError:
            raise CatalogError(
                f"{self.path}: arrays or objects nested too deeply to be a catalog (an array of "
                "product objects with scalar values)"
            ) from None
        except json.JSONDecodeError as exc:
            raise CatalogError(
                f"{self.path}: line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}"
            ) from None
        if not isinstance(data, list):
            raise CatalogError(
                f"{self.path}: a JSON catalog must be an array of objects, found "
                f"{type(data).__name__}; use .jsonl for one object per line"
            )
        return data

    def _checked(self, data: list[Any]) -> Iterator[dict[str, Any]]:
        tracker = KeyTracker(self.path, self.key)
        for index, item in enumerate(data):
            if not isinstance(item, dict):
                raise CatalogError(f"{self.path}: item {index} is not an object")
            if self.key not in item:
                raise CatalogError(
                    f"{self.path}: item {index} has no key {self.key!r}; "
                    "set [catalog] key in the config"
                )
            tracker.add(item[self.key], f"item {index}")
            yield item

    def columns(self) -> list[str]:
        names: dict[str, None] = {}
        for item in self._load():
            if isinstance(item, dict):
                names.update(dict.fromkeys(item))
        return list(names)

    def iter_rows(self) -> Iterator[dict[str, Any]]:
        yield from self._checked(self._load())

    def apply(
        self, updates: Mapping[str, Mapping[str, Any]], inserts: Sequence[Mapping[str, Any]]
    ) -> None:
        """Update objects by key and append ``inserts``, atomically; other keys are kept."""
        if not self.path.exists() and not updates and not inserts:
            return
        data = self._load() if self.path.exists() else []
        items = list(self._checked(data))
        existing = {catalog_key(item[self.key]) for item in items}
        check_apply(self.path, self.key, existing, updates, inserts)
        by_key = keyed_updates(updates)
        for item in items:
            change = by_key.get(catalog_key(item[self.key]))
            if change:
                item.update(change)
        data.extend(dict(row) for row in inserts)
        with atomic_file(self.path) as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False, default=str)
            handle.write("\n")
