"""Issue 11 item 5: a bad row late in a CSV catalog (ragged, a duplicate or empty key, bad
encoding) stops export and two-way sync before anything is sent to Odoo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.catalog.csv import CsvCatalog
from odoosync.errors import CatalogError
from odoosync.sandbox import serve
from tests.support.integrity_env import Bench, products


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with serve(seed="empty") as handle:
        yield handle


BAD_LAST_LINES = {
    "ragged": b"p-999,Late,,,,1.00\n",
    "duplicate-key": b"p-7,Again,,,,1.00,1\n",
    "empty-key": b",No key,,,,1.00,1\n",
    "bad-encoding": b"p-999,Caf\xe9,,,,1.00,1\n",
}


@pytest.mark.parametrize("bad", sorted(BAD_LAST_LINES))
@pytest.mark.parametrize("run", ["export", "sync"])
def test_a_bad_row_at_the_end_stops_the_run_before_any_call(
    tmp_path: Path, sandbox: Any, bad: str, run: str
) -> None:
    bench = Bench(tmp_path, sandbox, products(300), batch_size=20)
    with bench.catalog_path.open("ab") as handle:
        handle.write(BAD_LAST_LINES[bad])
    with pytest.raises(CatalogError, match="line 302"):
        getattr(bench, run)()
    assert bench.templates() == []


def test_validation_keeps_the_keys_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    rows = ["id,title"] + [f"k-{i},T" for i in range(5000)] + ["k-17,Twice"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"duplicate key 'k-17' on line 19 and line 5002"):
        CsvCatalog(path).validate()
