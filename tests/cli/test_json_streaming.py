"""A run's --json document with its products streamed is byte for byte json.dumps's, and a dry
run past the outcomes' in-memory limit lists every product, in catalog order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from odoosync.cli import run
from odoosync.cli.output import emit_json, emit_json_streaming
from odoosync.engine.outcomes import IN_MEMORY
from tests.support.export_env import products, write_catalog

DOCS = [
    {"success": True, "products": [], "after": 1},
    {"a": "é \n x", "products": [{"k": [1, {"n": None}], "s": "ü"}, {}, {"x": []}], "z": {}},
    {"products": [{"changes": {"name": [None, "A\tB"]}, "p": 1.5}], "fields_synced": ["name"]},
]


@pytest.mark.parametrize("doc", DOCS)
def test_streamed_document_is_exactly_emit_jsons(
    doc: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    emit_json(doc)
    whole = capsys.readouterr().out
    items = doc["products"]
    assert isinstance(items, list)
    emit_json_streaming({**doc, "products": []}, "products", iter(items))
    assert capsys.readouterr().out == whole


def test_dry_run_past_the_in_memory_limit_lists_every_product_in_order(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    count = IN_MEMORY + 300
    write_catalog(config.parent / "products.csv", products(count))
    code = run(["-c", str(config), "export", "--dry-run", "--json", "--details"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["created"] == count
    assert [p["product_id"] for p in doc["products"]] == [f"p-{i}" for i in range(1, count + 1)]
    assert doc["products"][-1]["changes"]["name"] == [None, f"Product {count}"]

    code = run(["-c", str(config), "export", "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"... and {count - 200} more (use --json for all)." in out
    assert "p-1 " in out and f"p-{count} " not in out
