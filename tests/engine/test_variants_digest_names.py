"""A variant import maps external id names back through the catalog's own names (kept on disk):
keys and parents with characters a name cannot hold get digest names, which an import into the
catalog that holds them reads back as the same keys (unchanged), not as ``odoo-<id>`` rows."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.engine.imports.run import run_import
from odoosync.engine.result import RunOptions
from odoosync.history.store import History
from odoosync.sandbox import serve
from tests.support.variants_env import VariantSetup, simple_row, tee_rows


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with serve(seed="empty") as handle:
        handle.execute("res.partner", "create", [{"name": "Acme Supplies", "is_company": True}])
        yield handle


def test_digest_names_come_back_as_the_catalogs_keys(tmp_path: Path, sandbox: Any) -> None:
    rows = [*tee_rows("tée/ä b", 1, sizes=("S",)), simple_row("mug ü/1", 5)]
    setup = VariantSetup(tmp_path, sandbox, rows)
    assert setup.export().failed == 0
    held = sandbox.execute("ir.model.data", "search_read", [("module", "=", "odoosync")], ["name"])
    names = {r["name"] for r in held}
    assert not any("tée" in n or "ü" in n for n in names), names  # digests, not spelled out
    with History(setup.settings.history_path) as history:
        result = run_import(setup.settings, RunOptions(), client_factory=setup.client,
                            history=history)  # fmt: skip
    # the title comes back on every row of a group: the group's second row is updated
    actions = {p.product_id: p.action for p in result.products}
    assert (result.created, result.failed, result.products_found) == (0, 0, len(rows)), actions
    assert (result.unchanged, actions) == (2, {"tée/ä b-S-Blue": "update"})
    with (tmp_path / "products.csv").open(newline="", encoding="utf-8") as handle:
        back = list(csv.DictReader(handle))
    assert [r["id"] for r in back] == [r["id"] for r in rows]
    assert {r["parent_id"] for r in back} == {"tée/ä b", ""}
