"""Issue 11 items 4 and 8: catalog values that are not one finite scalar (NaN, ±Infinity, a
SQLite BLOB, a JSON object or array, an object as key) fail their product with MAPPING_ERROR
naming the field before anything is sent; a value Odoo holds that the catalog cannot (NaN) is
that product's error on the way in, never a crash of the run."""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.export_env import config_toml, products, settings_for
from tests.support.integrity_env import Bench
from tests.support.transport import test_sandbox


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with test_sandbox(seed="empty") as handle:
        yield handle


def _json_bench(tmp_path: Path, sandbox: Any, rows: list[dict[str, Any]]) -> Bench:
    bench = Bench(tmp_path, sandbox, [])
    bench.config.write_text(
        config_toml(sandbox.url, sandbox.database, catalog="products.json", sync={}),
        encoding="utf-8",
    )
    bench.settings = settings_for(bench.config)
    # json.dumps writes NaN and Infinity as JSON's common extension, as other tools do
    (tmp_path / "products.json").write_text(json.dumps(rows), encoding="utf-8")
    return bench


def _errors(result: Any) -> dict[str, dict[str, Any]]:
    return {p.product_id: p.error_details for p in result.products if p.action == "error"}


def test_non_finite_and_non_scalar_json_values_fail_their_product_only(
    tmp_path: Path, sandbox: Any
) -> None:
    rows: list[dict[str, Any]] = products(7)
    rows[0]["price"] = math.nan
    rows[1]["price"] = math.inf
    rows[2]["price"] = -math.inf
    rows[3]["title"] = {"en": "Ball"}
    rows[4]["title"] = ["Ball", "Bat"]
    rows[5]["id"] = {"sku": 6}
    bench = _json_bench(tmp_path, sandbox, rows)
    result = bench.export(details=True)
    assert (result.created, result.failed) == (1, 6)
    errors = _errors(result)
    assert {e["odoo_error_code"] for e in errors.values()} == {"MAPPING_ERROR"}
    assert [errors[f"p-{i}"]["field"] for i in (1, 2, 3)] == ["list_price"] * 3
    assert [errors[f"p-{i}"]["field"] for i in (4, 5)] == ["name", "name"]
    others = [e for k, e in errors.items() if k not in {f"p-{i}" for i in range(1, 6)}]
    assert [e["local_field"] for e in others] == ["id"]
    prices = [t["list_price"] for t in bench.templates()]
    assert len(prices) == 1 and all(math.isfinite(p) for p in prices)


def test_a_sqlite_blob_fails_its_product(tmp_path: Path, sandbox: Any) -> None:
    bench = Bench(tmp_path, sandbox, [])
    bench.config.write_text(
        config_toml(sandbox.url, sandbox.database, catalog="products.db", sync={}),
        encoding="utf-8",
    )
    bench.settings = settings_for(bench.config)
    with sqlite3.connect(tmp_path / "products.db") as db:
        db.execute("create table products (id text primary key, title, ean, price)")
        db.execute("insert into products values ('p-1', ?, '', '1.50')", [b"\x00\xff\xfe"])
        db.execute("insert into products values ('p-2', 'Fine', '', '2.50')")
    db.close()
    result = bench.export(details=True)
    assert (result.created, result.failed) == (1, 1)
    assert _errors(result)["p-1"]["field"] == "name"
    names = sandbox.execute("product.template", "search_read", [], ["name"])
    assert [t["name"] for t in names] == ["Fine"]


def test_a_nan_held_by_odoo_fails_that_product_of_an_import(tmp_path: Path, sandbox: Any) -> None:
    bench = Bench(tmp_path, sandbox, products(3))
    bench.export()
    odoo_id = bench.templates()[0]["id"]
    sandbox.app.store.update("product.template", odoo_id, {"list_price": math.nan})
    result = bench.pull(full=True)
    assert result.failed == 1
    assert _errors(result)  # listed, with what failed
    assert bench.sync().failed == 1
