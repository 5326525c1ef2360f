"""Issue 11 item 7: one rule for barcodes the ``barcode`` transform refuses but Odoo accepts
(Code128 ``ABC-123``, a wrong check digit): import, two-way sync and export all report that
product as MAPPING_ERROR on ``barcode``; none of them lets it into the catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.integrity_env import Bench, products
from tests.support.transport import test_sandbox


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with test_sandbox(seed="empty") as handle:
        yield handle


def _failed(result: Any) -> dict[str, str | None]:
    return {
        str(p.odoo_product_id): (p.error_details or {}).get("field")
        for p in result.products
        if p.action == "error"
    }


@pytest.mark.parametrize("barcode", ["ABC-123", "4006381333932"], ids=["code128", "check-digit"])
def test_a_barcode_odoo_accepts_and_the_transform_refuses_is_one_error_everywhere(
    tmp_path: Path, sandbox: Any, barcode: str
) -> None:
    bench = Bench(tmp_path, sandbox, products(3))
    assert bench.export().created == 3
    odoo_id = bench.templates()[1]["id"]
    sandbox.execute("product.template", "write", [odoo_id], {"barcode": barcode})
    sandbox.execute(
        "product.template",
        "create",
        [{"name": "New in Odoo", "default_code": "NEW-1", "barcode": barcode + "9"}],
    )
    before = bench.catalog_path.read_bytes()

    pulled = bench.pull(details=True)
    assert pulled.failed == 2
    assert set(_failed(pulled).values()) == {"barcode"}
    assert str(odoo_id) in _failed(pulled)
    assert barcode not in bench.catalog_path.read_text(encoding="utf-8")
    assert bench.catalog_path.read_bytes() == before  # nothing else changed either

    exported = bench.export(details=True)  # the catalog's rows are still valid: no cron failure
    assert exported.failed == 0

    synced = bench.sync(details=True)
    assert str(odoo_id) in _failed(synced)
    assert set(_failed(synced).values()) == {"barcode"}
    assert barcode not in bench.catalog_path.read_text(encoding="utf-8")
    assert bench.export().failed == 0
