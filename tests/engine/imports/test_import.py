"""Import against the sandbox over a real socket, into each catalog format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from odoosync.errors import ConfigError
from odoosync.history.store import History
from tests.support.pull_env import PullSetup


@pytest.mark.parametrize("catalog", ["products.csv", "products.json", "products.jsonl",
                                     "products.db"])  # fmt: skip
def test_import_a_category_into_an_empty_catalog(
    tmp_path: Path, sandbox: Any, catalog: str
) -> None:
    setup = PullSetup(tmp_path, sandbox, catalog)
    electronics = setup.category("Electronics")
    result = setup.run(categ_ids=(electronics,))
    assert result.success and result.direction == "from_odoo"
    assert result.batch_id.startswith("import_")
    assert (result.products_found, result.created, result.updated) == (2, 2, 0)
    rows = setup.rows()
    assert {r["title"] for r in rows.values()} == {"Wireless Mouse", "USB-C Charger 65W"}
    mouse = rows[f"odoo-{setup.template('Wireless Mouse')}"]
    assert mouse["ean"] == "4006381333931"
    assert float(mouse["price"]) == 24.9
    assert mouse["category"] == "Electronics"
    assert "supplier_reference" not in mouse or not mouse["supplier_reference"]  # one-way
    assert all(r.get("ean") not in ("False", False) for r in rows.values())
    entries = setup.logs(result.batch_id)
    assert sorted(e.sync_type for e in entries) == ["create", "create"]
    assert {e.sync_direction for e in entries} == {"from_odoo"}

    again = setup.run(categ_ids=(electronics,))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert setup.logs(again.batch_id) == []
    assert setup.rows() == rows


def test_an_edit_in_odoo_comes_back_on_the_next_incremental_import(
    tmp_path: Path, sandbox: Any
) -> None:
    setup = PullSetup(tmp_path, sandbox)
    first = setup.run()
    assert first.created == first.products_found > 0
    mouse = setup.template("Wireless Mouse")
    sandbox.execute("product.template", "write", [mouse], {"list_price": 19.5, "name": "Mouse 2"})
    second = setup.run()
    assert second.updated == 1 and second.created == 0
    row = setup.rows()[f"odoo-{mouse}"]
    assert (row["title"], float(row["price"])) == ("Mouse 2", 19.5)
    [entry] = setup.logs(second.batch_id)
    assert (entry.product_id, entry.sync_type, entry.sync_status) == (
        f"odoo-{mouse}",
        "update",
        "success",
    )


def test_incremental_reads_only_records_at_or_after_the_watermark(
    tmp_path: Path, sandbox: Any
) -> None:
    setup = PullSetup(tmp_path, sandbox)
    setup.run()
    future = setup.run(since="2999-01-01T00:00:00Z")
    assert future.products_found == 0
    full = setup.run(full=True)
    assert full.products_found == full.unchanged > 0


def test_archived_products_only_with_include_archived(tmp_path: Path, sandbox: Any) -> None:
    setup = PullSetup(tmp_path, sandbox)
    wallet = setup.template("Leather Wallet")
    sandbox.execute("product.template", "write", [wallet], {"active": False})
    setup.run()
    assert f"odoo-{wallet}" not in setup.rows()
    setup.run(include_archived=True, full=True)
    assert setup.rows()[f"odoo-{wallet}"]["title"] == "Leather Wallet"


def test_matches_catalog_rows_by_barcode_and_keeps_other_columns(
    tmp_path: Path, sandbox: Any
) -> None:
    setup = PullSetup(tmp_path, sandbox, "products.json")
    setup.catalog_path.write_text(
        json.dumps(
            [
                {"id": "m-1", "title": "Old mouse", "ean": "4006381333931", "price": 1,
                 "supplier_id": 7},
                {"id": "local-only", "title": "Kept", "price": 3},
            ]
        ),
        encoding="utf-8",
    )  # fmt: skip
    result = setup.run(categ_ids=(setup.category("Electronics"),))
    assert (result.updated, result.created) == (1, 1)
    rows = setup.rows()
    assert rows["m-1"]["title"] == "Wireless Mouse" and rows["m-1"]["supplier_id"] == 7
    assert rows["local-only"] == {"id": "local-only", "title": "Kept", "price": 3}


def test_dry_run_writes_nothing(tmp_path: Path, sandbox: Any) -> None:
    setup = PullSetup(tmp_path, sandbox)
    result = setup.run(dry_run=True)
    assert result.dry_run and result.created > 0
    assert not setup.catalog_path.exists()
    with History(setup.settings.history_path) as history:
        assert history.runs() == [] and history.links("test") == {}


def test_a_domain_naming_an_unknown_field_is_a_config_error(tmp_path: Path, sandbox: Any) -> None:
    setup = PullSetup(tmp_path, sandbox)
    with pytest.raises(ConfigError, match="'no_such_field' does not exist"):
        setup.run(domain=(["no_such_field", "=", 1],))
    result = setup.run(domain=(["list_price", ">", 40],))
    assert {r["title"] for r in setup.rows().values()} == {"Leather Wallet", "Installation Service"}
    assert result.created == 2


def test_images_are_saved_beside_the_catalog(tmp_path: Path, sandbox: Any) -> None:
    setup = PullSetup(tmp_path, sandbox)
    (tmp_path / "mapping.toml").write_text(
        (tmp_path / "mapping.toml")
        .read_text(encoding="utf-8")
        .replace(
            "[categories]",
            '[[fields]]\nlocal_field = "image_url"\n'
            'odoo_field = "image_1920"\nmapping_type = "transform"\n'
            'transform = "image"\n\n[categories]',
        ),
        encoding="utf-8",
    )
    png = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
        "rkJggg=="
    )
    mouse = setup.template("Wireless Mouse")
    sandbox.execute("product.template", "write", [mouse], {"image_1920": png})
    setup.run(images=True)
    row = setup.rows()[f"odoo-{mouse}"]
    assert row["image_url"] == f"images/odoo-{mouse}.png"
    assert (tmp_path / row["image_url"]).read_bytes().startswith(b"\x89PNG")
