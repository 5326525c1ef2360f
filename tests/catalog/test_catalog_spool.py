"""Catalog.apply with its changes spooled to disk writes what the same dict and list write."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from odoosync.catalog import open_catalog
from odoosync.catalog.spool import ChangeSpool
from odoosync.errors import CatalogError

ROWS = [{"id": "a", "name": "A", "price": "1"}, {"id": "b", "name": "B", "price": "2"}]


def _seed(path: Path) -> None:
    open_catalog(path).apply({}, ROWS)


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl", ".db"])
def test_spooled_apply_equals_in_memory_apply(tmp_path: Path, suffix: str) -> None:
    updates: dict[str, dict[str, Any]] = {"b": {"name": "B2", "colour": "red"}}
    inserts: list[dict[str, Any]] = [{"id": "c", "name": "C", "price": "3"}]
    plain, spooled = tmp_path / f"plain{suffix}", tmp_path / f"spooled{suffix}"
    _seed(plain)
    _seed(spooled)
    open_catalog(plain).apply(updates, inserts)
    with ChangeSpool() as spool:
        for key, values in updates.items():
            spool.update(key, values)
        for row in inserts:
            spool.insert(row)
        open_catalog(spooled).apply(spool.updates, spool.inserts)
    assert list(open_catalog(spooled).iter_rows()) == list(open_catalog(plain).iter_rows())


def test_spool_views_keep_order_types_and_keys() -> None:
    with ChangeSpool() as spool:
        spool.update(" 12 ", {"price": Decimal("1.50")})
        spool.update("x", {"n": 1})
        spool.insert({"id": "c", "tags": ["a"]})
        spool.insert({"id": "d"})
        assert list(spool.updates) == ["12", "x"]
        assert spool.updates["12"] == {"price": Decimal("1.50")}
        assert "12" in spool.updates and "y" not in spool.updates
        assert spool.updates.get("y") is None
        assert [row["id"] for row in spool.inserts] == ["c", "d"]
        assert spool.inserts[-1] == {"id": "d"} and len(spool.inserts) == 2
        with pytest.raises(IndexError):
            spool.inserts[2]


def test_a_spooled_update_of_a_missing_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    _seed(path)
    before = path.read_bytes()
    with ChangeSpool() as spool:
        spool.update("nope", {"name": "N"})
        with pytest.raises(CatalogError, match="cannot update 'nope'"):
            open_catalog(path).apply(spool.updates, spool.inserts)
    assert path.read_bytes() == before
