"""Issue 11 item 10: products Odoo committed for a run killed with ``kill -9`` get their
``create`` entry: the next run logs it under the interrupted run's batch, noting it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.integrity_env import Bench, kill_when, product_count, products, start
from tests.support.transport import test_sandbox


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with test_sandbox(seed="empty") as handle:
        yield handle


def test_creates_committed_for_a_killed_export_get_their_entry(
    tmp_path: Path, sandbox: Any
) -> None:
    bench = Bench(tmp_path, sandbox, products(25), workers=1)
    # the first chunk's load commits; the read after it hangs: the run dies before it logs
    sandbox.inject("timeout", model="product.template", method="read", hang_seconds=30)
    child = start(bench, "export")
    assert kill_when(child, lambda: product_count(sandbox) >= 10)
    sandbox.clear_faults()
    result = bench.export()
    assert (result.created, result.failed) == (15, 0)
    assert product_count(sandbox) == 25
    with bench.history() as history:
        creates = [
            e
            for e in history.logs(limit=None)
            if e.sync_type == "create" and e.sync_status == "success"
        ]
        dead = [
            r
            for r in history.runs(profile=bench.settings.profile.name)
            if r.status == "interrupted"
        ]
    assert Counter(e.product_id for e in creates) == Counter(f"p-{i}" for i in range(1, 26))
    assert len(dead) == 1
    adopted = [e for e in creates if e.batch_id == dead[0].batch_id]
    assert sorted(e.product_id for e in adopted) == sorted(f"p-{i}" for i in range(1, 11))
    assert all(result.batch_id in (e.error_message or "") for e in adopted)
    assert bench.export().created == 0
