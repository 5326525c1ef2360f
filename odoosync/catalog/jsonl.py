"""JSONL catalogs: one JSON object per line, streamed; values keep their JSON types.

Blank lines are skipped (and not written back). Writes stream the file too, and lines they do
not change are copied as they were.
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

__all__ = ["JsonlCatalog"]


class JsonlCatalog:
    """A ``.jsonl`` (or ``.ndjson``) file: one product object per line."""

    def __init__(self, path: Path, *, key: str = "id") -> None:
        self.path = Path(path)
        self.key = key

    def _lines(self) -> Iterator[tuple[int, str, dict[str, Any]]]:
        """(line number, raw line, object) for every non-blank line, checked."""
        require_file(self.path)
        tracker = KeyTracker(self.path, self.key)
        number = 0
        try:
            with open(self.path, encoding="utf-8-sig", newline="") as handle:
                for number, raw in enumerate(handle, start=1):
                    if not raw.strip():
                        continue
                    try:
                        item = json.loads(raw)
                    except RecursionError:
                        raise CatalogError(
                            f"{self.path}: line {number}: arrays or objects nested too deeply "
                            "to be a product"
                        ) from None
                    except json.JSONDecodeError as exc:
                        raise CatalogError(
                            f"{self.path}: line {number}: invalid JSON: {exc.msg} "
                            f"(column {exc.colno})"
                        ) from None
                    if not isinstance(item, dict):
                        raise CatalogError(f"{self.path}: line {number}: not a JSON object")
                    if self.key not in item:
                        raise CatalogError(
                            f"{self.path}: line {number}: no key {self.key!r}; "
                            "set [catalog] key in the config"
                        )
                    tracker.add(item[self.key], f"line {number}")
                    yield number, raw, item
        except UnicodeDecodeError:
            raise CatalogError(
                f"{self.path}: line {number + 1}: not valid UTF-8; save the file as UTF-8"
            ) from None

    def columns(self) -> list[str]:
        names: dict[str, None] = {}
        for _number, _raw, item in self._lines():
            names.update(dict.fromkeys(item))
        return list(names)

    def iter_rows(self) -> Iterator[dict[str, Any]]:
        for _number, _raw, item in self._lines():
            yield item

    def apply(
        self, updates: Mapping[str, Mapping[str, Any]], inserts: Sequence[Mapping[str, Any]]
    ) -> None:
        """Update objects by key and append ``inserts``, atomically and streaming."""
        if not self.path.exists():
            if updates or inserts:
                check_apply(self.path, self.key, set(), updates, inserts)
                with atomic_file(self.path, newline="") as handle:
                    for row in inserts:
                        handle.write(json.dumps(dict(row), ensure_ascii=False, default=str) + "\n")
            return
        existing = {catalog_key(item[self.key]) for _n, _r, item in self._lines()}
        check_apply(self.path, self.key, existing, updates, inserts)
        by_key = keyed_updates(updates)
        with atomic_file(self.path, newline="") as handle:
            for _number, raw, item in self._lines():
                change = by_key.get(catalog_key(item[self.key]))
                if change:
                    item.update(change)
                    raw = json.dumps(item, ensure_ascii=False, default=str) + "\n"
                elif not raw.endswith("\n"):
                    raw += "\n"
                handle.write(raw)
            for row in inserts:
                handle.write(json.dumps(dict(row), ensure_ascii=False, default=str) + "\n")
