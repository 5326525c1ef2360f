"""Import of variants, stock and vendors from the sandbox (SPEC §7.2 "Import and sync"): an
export followed by an import into an empty catalog reproduces the rows; archived products come
back with active false only with --include-archived."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.engine.imports.run import run_import
from odoosync.engine.result import RunOptions, RunResult
from odoosync.history.store import History
from tests.support.transport import test_sandbox
from tests.support.variant_catalog import COLUMNS
from tests.support.variants_env import VariantSetup, simple_row, tee_rows


@pytest.fixture(params=["17.0", "19.0"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[Any]:
    with test_sandbox(seed="empty", odoo_version=request.param) as handle:
        handle.execute("res.partner", "create", [{"name": "Acme Supplies", "is_company": True}])
        yield handle


def run(setup: VariantSetup, **options: Any) -> RunResult:
    with History(setup.settings.history_path) as history:
        return run_import(
            setup.settings, RunOptions(**options), client_factory=setup.client, history=history
        )


def read_catalog(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def same(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def test_import_into_an_empty_catalog_reproduces_the_rows(tmp_path: Path, sandbox: Any) -> None:
    rows = [*tee_rows("tee", 1), simple_row("mug", 5)]
    (tmp_path / "a").mkdir()
    exported = VariantSetup(tmp_path / "a", sandbox, rows)
    assert exported.export().failed == 0
    (tmp_path / "b").mkdir()
    empty = VariantSetup(tmp_path / "b", sandbox, [])
    result = run(empty)
    assert (result.created, result.failed) == (len(rows), 0), result.errors()
    imported = read_catalog(tmp_path / "b" / "products.csv")
    assert set(imported) == {r["id"] for r in rows}
    for row in rows:
        got = imported[row["id"]]
        for column in COLUMNS:
            if column == "title" and row["parent_id"]:
                assert got[column] == "Tee tee"  # every row of a group carries the name
                continue
            wanted = row.get(column, "")
            assert same(got[column], wanted), (row["id"], column, got[column], wanted)
    again = run(empty)
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))


def test_archived_products_come_back_only_with_include_archived(
    tmp_path: Path, sandbox: Any
) -> None:
    rows = tee_rows("tee", 1, sizes=("S",))
    setup = VariantSetup(tmp_path, sandbox, rows)
    assert setup.export().failed == 0
    setup.rows = rows[:1]
    setup.rewrite()
    assert setup.export(archive_missing=True, force=True).failed == 0
    (tmp_path / "b").mkdir()
    empty = VariantSetup(tmp_path / "b", sandbox, [])
    assert run(empty).created == 1
    assert set(read_catalog(tmp_path / "b" / "products.csv")) == {"tee-S-Red"}
    run(empty, include_archived=True)
    imported = read_catalog(tmp_path / "b" / "products.csv")
    assert imported["tee-S-Blue"]["active"].lower() in ("false", "0")
    assert imported["tee-S-Red"]["active"].lower() in ("true", "1")
