"""A seeded soak (issue 11): export, import and two-way sync of a catalog while the sandbox
fails a few percent of all calls with transient faults (502/503/429, serialization failures,
answers lost before or after Odoo committed); then a clean final run, after which the
invariants of :mod:`tests.engine.integrity_checks` hold and no catalog row changed that
Odoo did not change. The CI variant is small (2 seeds); the ``slow`` one is the real soak."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.integrity_checks import check_invariants
from tests.support.integrity_env import Bench, products
from tests.support.transport import test_sandbox

KINDS = [
    "http_502",
    "http_503",
    "http_429",
    "serialization",
    "lost_response",
    "http_502_after_commit",
    "http_504_after_commit",
]


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with test_sandbox(seed="empty") as handle:
        yield handle


def _faults(sandbox: Any, rng: random.Random, calls: int, share: float) -> None:
    """About ``share`` of the next ``calls`` calls fail, at random ones, with random kinds."""
    for _ in range(max(2, int(calls * share))):
        sandbox.inject(rng.choice(KINDS), model=None, method=None, on_call=rng.randint(1, calls))


def soak(tmp_path: Path, sandbox: Any, seed: int, count: int, share: float = 0.04) -> None:
    rng = random.Random(seed)
    rows = products(count)
    bench = Bench(tmp_path, sandbox, rows, batch_size=25, workers=2)
    calls = count // 3 + 40  # about what one run makes

    # products made in Odoo, for the import to bring in
    made = [
        {"name": f"Odoo made {i}", "default_code": f"ODOO-{i}", "list_price": float(i)}
        for i in range(count // 10)
    ]
    sandbox.execute("product.template", "create", made)

    _faults(sandbox, rng, calls, share)
    bench.export()
    _faults(sandbox, rng, calls, share)
    bench.pull()
    sandbox.clear_faults()
    bench.export()  # clean: what the faults failed is sent now

    # edits on both sides, to disjoint products, then a faulty two-way sync
    local = {r["id"]: r for r in bench.rows()}
    keys = sorted(local)
    rng.shuffle(keys)
    edited_here, edited_there = keys[: count // 10], keys[count // 10 : count // 5]
    for key in edited_here:
        local[key]["price"] = f"{rng.randint(1, 999)}.25"
        local[key]["modified_at"] = "2030-01-01T00:00:00Z"
    bench.write_rows(list(local.values()))
    with bench.history() as history:
        links = history.links(bench.settings.profile.name)
    titles = {key: f"Renamed in Odoo {rng.random():.6f}" for key in edited_there}
    for key, title in titles.items():
        sandbox.execute("product.template", "write", [links[key].odoo_id], {"name": title})
    expected = {k: dict(r) for k, r in local.items()}
    for key, title in titles.items():
        expected[key]["title"] = title

    _faults(sandbox, rng, calls, share)
    bench.sync()
    sandbox.clear_faults()
    final = bench.sync()  # the clean final run
    assert final.failed == 0 and final.unresolved_conflicts == 0
    assert bench.export().failed == 0

    rows_after = check_invariants(bench)
    # no catalog row changed that Odoo did not change (modified_at is the sync's to write)
    assert set(rows_after) == set(expected)
    for key, row in rows_after.items():
        for column, value in expected[key].items():
            if column != "modified_at":
                assert row[column] == value, (key, column)


@pytest.mark.parametrize("seed", [1, 2])
def test_soak_small(tmp_path: Path, sandbox: Any, seed: int) -> None:
    soak(tmp_path, sandbox, seed, count=200)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12, 13, 14, 15])
def test_soak(tmp_path: Path, sandbox: Any, seed: int) -> None:
    soak(tmp_path, sandbox, seed, count=3000, share=0.03)
