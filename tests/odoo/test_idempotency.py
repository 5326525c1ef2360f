"""Issue 11 item 9: a transient fault on an update whose answer is lost after Odoo committed is
retried (``write``, ``load`` by ``.id`` or external id are idempotent); a create is never sent
again. One table says which call is which (``odoosync.odoo.retry.IDEMPOTENCY``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.odoo.retry import IDEMPOTENCY, is_idempotent
from odoosync.sandbox import serve
from tests.support.integrity_env import Bench, products


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with serve(seed="empty") as handle:
        yield handle


def test_the_table_says_which_calls_may_be_sent_again() -> None:
    assert is_idempotent("read") and is_idempotent("search_read")
    assert is_idempotent("write", [[1], {"name": "x"}])
    assert is_idempotent("load", [[".id", "name"], [["1", "x"]]])
    assert is_idempotent("load", [["id", "name"], [["m.x", "x"]]])
    assert not is_idempotent("load", [["name"], [["x"]]])
    assert not is_idempotent("create", [{"name": "x"}])
    assert {"create", "load", "write"} <= set(IDEMPOTENCY)


@pytest.mark.parametrize("kind", ["http_502_after_commit", "lost_response"])
@pytest.mark.parametrize("same_values", [True, False], ids=["write", "load-by-id"])
def test_updates_whose_answer_is_lost_are_retried(
    tmp_path: Path, sandbox: Any, kind: str, same_values: bool
) -> None:
    rows = products(10)
    bench = Bench(tmp_path, sandbox, rows, workers=1)
    assert bench.export().created == 10
    for n, row in enumerate(rows):  # one write (same price) or one load by .id (prices differ)
        row["price"] = "42.00" if same_values else f"{n + 60}.00"
    bench.write_rows(rows)
    method = "write" if same_values else "load"
    sandbox.inject(kind, model="product.template", method=method, times=1)
    result = bench.export()
    assert (result.updated, result.failed) == (10, 0)
    prices = sorted(t["list_price"] for t in bench.templates())
    assert prices == sorted(float(r["price"]) for r in rows)
