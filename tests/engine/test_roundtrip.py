"""Import → export round trip against the sandbox: what an import writes exports back, linked.

The mapping has no ``[categories]`` section: the import writes each category's last segment
("Electronics"), and the export must map it back to the same Odoo category (not fail with
MAPPING_ERROR, not create anything).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from odoosync.catalog.formats import open_catalog
from odoosync.engine.export.run import run_export
from odoosync.engine.imports.run import run_import
from odoosync.transforms import REGISTRY, TransformContext
from tests.support.export_env import config_toml, mapping_toml, run_job, settings_for
from tests.support.transport import category_root, test_sandbox

MAPPING = mapping_toml("title", "ean", "price", "weight", "category")


def write_config(folder: Path, sandbox: Any, catalog: str) -> Path:
    config = folder / "odoosync.toml"
    sync = {"batch_size": 2, "max_retries": 2, "max_retry_wait": 1}
    config.write_text(
        config_toml(sandbox.url, sandbox.database, catalog=catalog, sync=sync), encoding="utf-8"
    )
    (folder / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    return config


def categories_of_templates(sandbox: Any) -> dict[int, int]:
    rows = sandbox.execute("product.template", "search_read", [], ["id", "categ_id"])
    return {int(r["id"]): int(r["categ_id"][0]) for r in rows}


@pytest.mark.parametrize("catalog", ["products.csv", "products.json", "products.jsonl",
                                     "products.db"])  # fmt: skip
def test_import_then_export_links_everything_without_categories_section(
    tmp_path: Path, sandbox: Any, catalog: str
) -> None:
    settings = settings_for(write_config(tmp_path, sandbox, catalog))
    assert not settings.catalog.path.exists()  # an empty catalog: the import creates it
    before = categories_of_templates(sandbox)

    imported = run_job(run_import, settings)
    assert imported.success, [p.error_message for p in imported.products]
    assert imported.created == imported.products_found == len(before) == 5
    rows = list(open_catalog(settings.catalog.path, table=settings.catalog.table).iter_rows())
    parent = category_root(sandbox.url).split(" / ")[-1]  # "Saleable" on 17, "Goods" on 19
    assert {r["category"] for r in rows} == {"Electronics", "Clothing", "Accessories", parent}

    sandbox.reset_calls()
    exported = run_job(run_export, settings)
    failures = [(p.product_id, p.error_message) for p in exported.products if p.action == "error"]
    assert failures == [] and exported.failed == 0
    assert exported.created == 0  # everything was linked by the import
    assert exported.created + exported.updated + exported.unchanged == 5
    calls = sandbox.calls()
    assert calls.get("product.template.create", 0) == calls.get("product.template.load", 0) == 0
    assert calls.get("product.category.create", 0) == 0
    assert categories_of_templates(sandbox) == before  # every product kept its category


def test_create_missing_categories_does_not_duplicate_imported_categories(
    tmp_path: Path, sandbox: Any
) -> None:
    settings = settings_for(write_config(tmp_path, sandbox, "products.csv"))
    (tmp_path / "mapping.toml").write_text(
        MAPPING + "\n[options]\ncreate_missing_categories = true\n", encoding="utf-8"
    )
    before = categories_of_templates(sandbox)
    for runner, created in ((run_import, len(before)), (run_export, 0)):
        result = run_job(runner, settings)
        assert result.failed == 0 and result.created == created  # rows; then no products
    assert sandbox.calls().get("product.category.create", 0) == 0
    assert categories_of_templates(sandbox) == before


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_every_demo_category_round_trips(version: str) -> None:
    with test_sandbox(seed="demo", odoo_version=version) as sandbox:
        rows = sandbox.execute("product.category", "search_read", [], ["id", "complete_name"])
    paths = {int(r["id"]): str(r["complete_name"]) for r in rows}
    assert len(paths) >= 6
    category = REGISTRY["category"]
    for categories in ({}, {"Electronics": min(paths)}):
        ctx = TransformContext(categories=categories, category_paths=paths)
        for categ_id, path in paths.items():
            local = category.from_odoo([categ_id, path], ctx)
            assert category.to_odoo(local, ctx) == categ_id, (version, categ_id, local)
