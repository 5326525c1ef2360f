"""Issue 11 item 11: a category create whose answer is lost (after Odoo committed it) is looked
up before it is sent again: each missing category is created once."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.integrity_env import COLUMNS, Bench, mapping_toml, products
from tests.support.transport import test_sandbox


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with test_sandbox(seed="demo") as handle:
        yield handle


@pytest.mark.parametrize("kind", ["lost_response", "http_502_after_commit"])
def test_a_lost_category_create_answer_creates_it_once(
    tmp_path: Path, sandbox: Any, kind: str
) -> None:
    rows = products(6)
    bench = Bench(tmp_path, sandbox, rows, workers=1)
    (tmp_path / "mapping.toml").write_text(
        mapping_toml("title", "ean", "supplier_reference", "price", "category")
        + "\n[options]\ncreate_missing_categories = true\n",
        encoding="utf-8",
    )
    with bench.catalog_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, "category"])
        writer.writeheader()
        for n, row in enumerate(rows):
            writer.writerow({**row, "category": f"Lost / Shelf {n % 2}"})
    sandbox.inject(kind, model="product.category", method="create", times=2)
    result = bench.export()
    assert (result.created, result.failed) == (6, 0)
    names = [
        c["complete_name"]
        for c in sandbox.execute(
            "product.category",
            "search_read",
            [("complete_name", "like", "Lost")],
            ["complete_name"],
        )
    ]
    assert sorted(names) == ["Lost", "Lost / Shelf 0", "Lost / Shelf 1"]
