"""Call budgets of the main paths, counted by the sandbox (not timed): a change that adds calls
per product or per chunk fails here, not only in the benchmark (issue 15).

One catalog of 30 products, ``batch_size`` 10 (so 3 sends of 10), 2 workers. Per run, whatever
the path: the login (``common.authenticate``; from the second run ``res.users.read`` of the
remembered user id; ``res.users.context_get`` over JSON-2; not counted here), the access checks and
``fields_get``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.engine.export.run import run_export
from odoosync.engine.imports.run import run_import
from odoosync.engine.result import RunResult
from odoosync.engine.sync.run import run_sync
from odoosync.sandbox import SandboxHandle
from tests.support.export_env import (
    COLUMNS,
    products,
    run_job,
    settings_for,
    write_catalog,
    write_setup,
)
from tests.support.transport import test_sandbox

PRODUCTS = 30
BATCH = 10
#: the access checks (``has_access`` from 18) and fields; over JSON-2 the login is the object call
#: ``res.users.context_get`` (the API key's owner) instead of ``common.authenticate``
PER_RUN = {
    "product.template.check_access_rights",
    "product.template.has_access",
    "product.template.fields_get",
    "res.users.context_get",
    "res.users.read",
}


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    with test_sandbox(seed="empty") as handle:
        yield handle


@pytest.fixture
def folder(tmp_path: Path, sandbox: SandboxHandle) -> Path:
    write_setup(
        tmp_path, sandbox.url, sandbox.database, products(PRODUCTS), batch_size=BATCH, workers=2
    )
    return tmp_path


def calls(sandbox: SandboxHandle) -> dict[str, int]:
    """Object calls since the last reset, per-run set-up calls and ``common.*`` left out."""
    return {
        key: n
        for key, n in sandbox.calls().items()
        if not key.startswith(("common.", "db.")) and key not in PER_RUN
    }


def run(folder: Path, sandbox: SandboxHandle, kind: str, **options: Any) -> RunResult:
    settings = settings_for(folder / "odoosync.toml")
    go = {"export": run_export, "import": run_import, "sync": run_sync}[kind]
    sandbox.reset_calls()
    return run_job(go, settings, **options)


def bump_prices(folder: Path, every: int) -> None:
    rows = products(PRODUCTS)
    for i, row in enumerate(rows):
        if i % every == 0:
            row["price"] = f"{100 + i}.25"
    with (folder / "products.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)


def test_initial_export_one_load_per_batch_and_no_read_back_of_what_was_sent(
    folder: Path, sandbox: SandboxHandle
) -> None:
    result = run(folder, sandbox, "export")
    assert result.created == PRODUCTS
    assert calls(sandbox) == {
        "ir.model.data.search_read": 1,  # external ids of the 30 (one look-up per 1,000)
        "product.template.search_read": 1,  # their barcodes
        "product.template.load": PRODUCTS // BATCH,  # creates with their external ids
        # no read: every value is stored as sent (prices have 2 decimals, list_price's digits)
    }


def test_a_price_odoo_rounds_is_read_back_once_per_batch(
    folder: Path, sandbox: SandboxHandle
) -> None:
    rows = products(PRODUCTS)
    rows[4]["price"] = "12.345"  # Odoo 17 keeps 2 decimals (12.35); 19 keeps prices as sent
    write_catalog(folder / "products.csv", rows)
    result = run(folder, sandbox, "export")
    assert result.created == PRODUCTS
    # each batch reads its floats back when one of them is rounded: the batch of row 4 only
    rounded = sandbox.store.version < 19
    assert calls(sandbox).get("product.template.read", 0) == (1 if rounded else 0)
    again = run(folder, sandbox, "sync")  # the link's Odoo hash is the stored 12.35's
    assert (again.unchanged, again.updated, again.conflicts) == (PRODUCTS, 0, 0)


def test_unchanged_re_export_reads_no_values_only_one_existence_check(
    folder: Path, sandbox: SandboxHandle
) -> None:
    run(folder, sandbox, "export")
    result = run(folder, sandbox, "export")
    assert result.unchanged == PRODUCTS
    assert calls(sandbox) == {"product.template.search": 1}


def test_ten_percent_changed_reads_and_sends_only_those(
    folder: Path, sandbox: SandboxHandle
) -> None:
    run(folder, sandbox, "export")
    bump_prices(folder, 10)  # 3 of 30, each a different price
    result = run(folder, sandbox, "export")
    assert (result.updated, result.unchanged) == (3, PRODUCTS - 3)
    assert calls(sandbox) == {
        "product.template.search": 1,  # the 27 unchanged: do they exist?
        "product.template.read": 1,  # the 3 changed: values to compare (none read back after)
        "product.template.load": 1,  # the 3 updates, one call (one slice)
    }


def test_import_into_an_empty_catalog_pages_by_a_thousand(
    folder: Path, sandbox: SandboxHandle
) -> None:
    run(folder, sandbox, "export")
    (folder / "products.csv").unlink()
    result = run(folder, sandbox, "import", full=True)
    assert result.created == PRODUCTS
    assert calls(sandbox) == {
        "product.template.search_count": 1,
        "product.template.search_read": 1,  # one page of up to 1,000 records
        "ir.model.data.search_read": 1,  # their external ids (the catalog keys)
    }


def test_two_way_sync_with_nothing_changed_sends_nothing(
    folder: Path, sandbox: SandboxHandle
) -> None:
    run(folder, sandbox, "export")
    result = run(folder, sandbox, "sync")
    assert result.unchanged == PRODUCTS and result.updated == 0
    # the linked products' values, then Odoo's products not linked yet (none), counted first
    assert calls(sandbox) == {
        "product.template.search_read": 2,
        "product.template.search_count": 1,
    }
