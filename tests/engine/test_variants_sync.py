"""Two-way sync of variant rows (SPEC §7.2 "Import and sync") against the sandbox (17.0 and
19.0): one decision per variant row, pushes through the variant export, pulls through the
variant import, stock per ``[stock] direction``, vendors, and what a variant profile refuses."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.engine.export.stock import apply_inventory, resolve_location
from odoosync.engine.imports.run import run_import
from odoosync.engine.result import RunOptions, RunResult
from odoosync.engine.sync.run import run_sync
from odoosync.errors import ConfigError
from odoosync.history.store import History
from odoosync.mapping.model import StockMapping
from tests.support.transport import test_sandbox
from tests.support.variant_catalog import MAPPING
from tests.support.variants_env import VariantSetup, simple_row, tee_rows

FROM_ODOO = MAPPING.replace(
    'location = "WH/Stock"', 'location = "WH/Stock"\ndirection = "from_odoo"'
)


@pytest.fixture(params=["17.0", "19.0"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[Any]:
    with test_sandbox(seed="empty", odoo_version=request.param) as handle:
        handle.execute("res.partner", "create", [{"name": "Acme Supplies", "is_company": True}])
        handle.execute("res.partner", "create", [{"name": "Globex", "is_company": True}])
        yield handle


def sync(setup: VariantSetup, **options: Any) -> RunResult:
    with History(setup.settings.history_path) as history:
        return run_sync(
            setup.settings,
            RunOptions(direction="bidirectional", details=True, **options),
            client_factory=setup.client,
            history=history,
        )


def catalog(setup: VariantSetup) -> dict[str, dict[str, str]]:
    with (setup.folder / "products.csv").open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def actions(result: RunResult) -> dict[str, str]:
    return {p.product_id: p.action for p in result.products}


def set_quantity(setup: VariantSetup, variant_id: int, quantity: float) -> None:
    with setup.client() as client:
        location = resolve_location(client, StockMapping(quantity="qty"))
        apply_inventory(client, location, [(variant_id, quantity)])


def exported(tmp_path: Path, sandbox: Any, mapping: str = MAPPING) -> VariantSetup:
    rows = [*tee_rows("tee", 1, sizes=("S", "M")), simple_row("mug", 5)]
    setup = VariantSetup(tmp_path, sandbox, rows, mapping=mapping)
    assert setup.export().failed == 0
    return setup


def test_a_sync_after_an_export_changes_nothing(tmp_path: Path, sandbox: Any) -> None:
    setup = exported(tmp_path, sandbox)
    before = setup.variants()
    first = sync(setup)
    assert (first.failed, first.created, first.updated, first.conflicts) == (0, 0, 0, 0), (
        first.errors()
    )
    assert first.unchanged == 5
    sandbox.reset_calls()
    second = sync(setup)
    assert (second.unchanged, second.updated, second.created) == (5, 0, 0)
    assert not any(k.endswith((".write", ".load", ".create")) for k in sandbox.calls())
    login = ("common.", "res.users.")  # version, login (1-3 requests, by transport)
    work = {k: n for k, n in sandbox.calls().items() if not k.startswith(login)}
    assert sum(work.values()) <= 13, sandbox.calls()
    assert setup.variants() == before


def test_catalog_edits_are_pushed_row_by_row(tmp_path: Path, sandbox: Any) -> None:
    setup = exported(tmp_path, sandbox)
    sync(setup)
    setup.rows[0]["sku"] = "TEE-S-RED-NEW"
    setup.rows[3]["qty"] = "42"
    setup.rows[4]["supplier_price"] = "3.25"
    setup.rewrite()
    result = sync(setup)
    assert result.failed == 0, result.errors()
    assert actions(result) == {
        "tee-S-Red": "update",
        "tee-S-Blue": "unchanged",
        "tee-M-Red": "unchanged",
        "tee-M-Blue": "update",
        "mug": "update",
    }
    odoo = setup.variants()
    assert odoo["tee-S-Red"]["default_code"] == "TEE-S-RED-NEW"
    assert odoo["tee-M-Blue"]["qty_available"] == 42.0
    assert odoo["mug"]["vendors"][0]["price"] == 3.25
    assert odoo["tee-S-Blue"]["default_code"] == "TEE-S-BLUE"
    again = sync(setup)
    assert (again.updated, again.unchanged) == (0, 5)


def test_odoo_edits_are_pulled_into_their_rows(tmp_path: Path, sandbox: Any) -> None:
    setup = exported(tmp_path, sandbox)
    sync(setup)
    odoo = setup.variants()
    setup.rpc("product.product", "write", [odoo["tee-M-Red"]["id"]], {"default_code": "FROM-ODOO"})
    template = odoo["tee-M-Red"]["product_tmpl_id"][0]
    setup.rpc("product.template", "write", [template], {"name": "Tee renamed"})
    result = sync(setup)
    assert result.failed == 0, result.errors()
    assert set(actions(result).values()) == {"update", "unchanged"}
    assert actions(result)["mug"] == "unchanged"
    rows = catalog(setup)
    assert rows["tee-M-Red"]["sku"] == "FROM-ODOO"
    assert rows["tee-S-Blue"]["sku"] == "TEE-S-BLUE"
    # the title lives on the group's first row only: the catalog keeps that shape
    assert rows["tee-S-Red"]["title"] == "Tee renamed"
    assert rows["tee-M-Red"]["title"] == ""
    assert setup.variants()["tee-M-Red"]["default_code"] == "FROM-ODOO"
    again = sync(setup)
    assert (again.updated, again.unchanged) == (0, 5)


def test_a_conflict_is_per_row_and_follows_the_policy(tmp_path: Path, sandbox: Any) -> None:
    setup = exported(tmp_path, sandbox)
    sync(setup)
    odoo = setup.variants()
    setup.rpc("product.product", "write", [odoo["tee-S-Red"]["id"]], {"default_code": "ODOO-SIDE"})
    setup.rows[0]["sku"] = "CATALOG-SIDE"
    setup.rows[1]["sku"] = "ONLY-CATALOG"
    setup.rewrite()
    skipped = sync(setup, conflict_policy="skip")
    assert actions(skipped)["tee-S-Red"] == "conflict"
    assert actions(skipped)["tee-S-Blue"] == "update"
    assert (skipped.unresolved_conflicts, skipped.exit_code) == (1, 6)
    assert setup.variants()["tee-S-Red"]["default_code"] == "ODOO-SIDE"
    assert setup.variants()["tee-S-Blue"]["default_code"] == "ONLY-CATALOG"
    assert catalog(setup)["tee-S-Red"]["sku"] == "CATALOG-SIDE"
    conflict = next(p for p in skipped.products if p.product_id == "tee-S-Red")
    assert conflict.error_details is not None
    assert conflict.error_details["conflict"]["sku"] == {
        "local": "CATALOG-SIDE",
        "odoo": "ODOO-SIDE",
    }
    odoo_wins = sync(setup, conflict_policy="odoo")
    assert actions(odoo_wins)["tee-S-Red"] == "conflict"
    assert odoo_wins.unresolved_conflicts == 0
    assert catalog(setup)["tee-S-Red"]["sku"] == "ODOO-SIDE"
    setup.rows[0]["sku"] = "CATALOG-AGAIN"
    setup.rewrite()
    setup.rpc("product.product", "write", [odoo["tee-S-Red"]["id"]], {"default_code": "ODOO-AGAIN"})
    local_wins = sync(setup, conflict_policy="local")
    assert local_wins.failed == 0, local_wins.errors()
    assert setup.variants()["tee-S-Red"]["default_code"] == "CATALOG-AGAIN"


def test_stock_to_odoo_the_catalog_owns_it(tmp_path: Path, sandbox: Any) -> None:
    setup = exported(tmp_path, sandbox)
    sync(setup)
    odoo = setup.variants()
    set_quantity(setup, odoo["tee-S-Red"]["id"], 99)
    result = sync(setup)
    assert (result.updated, result.unchanged) == (0, 5)
    assert catalog(setup)["tee-S-Red"]["qty"] == "1"
    setup.rows[0]["qty"] = "12"
    setup.rewrite()
    pushed = sync(setup)
    assert actions(pushed)["tee-S-Red"] == "update"
    assert setup.variants()["tee-S-Red"]["qty_available"] == 12.0


def test_stock_from_odoo_comes_back(tmp_path: Path, sandbox: Any) -> None:
    setup = exported(tmp_path, sandbox, mapping=FROM_ODOO)
    sync(setup)
    odoo = setup.variants()
    set_quantity(setup, odoo["tee-M-Blue"]["id"], 7)
    setup.rows[0]["qty"] = "50"  # a catalog edit of stock Odoo owns: not pushed, replaced
    setup.rewrite()
    result = sync(setup)
    assert result.failed == 0, result.errors()
    rows = catalog(setup)
    assert float(rows["tee-M-Blue"]["qty"]) == 7.0
    assert float(rows["tee-S-Red"]["qty"]) == 1.0
    assert setup.variants()["tee-S-Red"]["qty_available"] == 1.0
    again = sync(setup)
    assert (again.updated, again.unchanged) == (0, 5)


def test_new_rows_on_both_sides(tmp_path: Path, sandbox: Any) -> None:
    setup = exported(tmp_path, sandbox)
    sync(setup)
    setup.rows += tee_rows("tee", 3, sizes=("L",), colors=("Red",))
    setup.rewrite()
    setup.rpc("product.template", "create", [{"name": "Made in Odoo", "list_price": 4.0}])
    result = sync(setup)
    assert result.failed == 0, result.errors()
    assert actions(result)["tee-L-Red"] == "create"
    added = [p for p in result.products if p.note == "new in Odoo: added to the catalog"]
    assert len(added) == 1
    rows = catalog(setup)
    assert rows[added[0].product_id]["title"] == "Made in Odoo"
    assert setup.variants()["tee-L-Red"]["lst_price"] == 25.0
    again = sync(setup)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)


def test_an_imported_catalog_is_linked_and_in_sync(tmp_path: Path, sandbox: Any) -> None:
    (tmp_path / "a").mkdir()
    exported(tmp_path / "a", sandbox)
    (tmp_path / "b").mkdir()
    empty = VariantSetup(tmp_path / "b", sandbox, [])
    with History(empty.settings.history_path) as history:
        imported = run_import(
            empty.settings, RunOptions(), client_factory=empty.client, history=history
        )
        assert imported.created == 5
        assert history.link_count("test") == 5
    result = sync(empty)
    assert (result.unchanged, result.updated, result.created) == (5, 0, 0), result.products
    assert empty.export().unchanged == 5


def test_what_a_variant_profile_refuses(tmp_path: Path, sandbox: Any) -> None:
    setup = exported(tmp_path, sandbox)
    with History(setup.settings.history_path) as history:
        with pytest.raises(ConfigError, match="--since is not supported"):
            run_import(
                setup.settings,
                RunOptions(since="2020-01-01T00:00:00"),
                client_factory=setup.client,
                history=history,
            )
        with pytest.raises(ConfigError, match="--categ-id/--domain is not supported"):
            run_sync(
                setup.settings,
                RunOptions(direction="bidirectional", categ_ids=(1,)),
                client_factory=setup.client,
                history=history,
            )


def test_import_selects_variants_by_category(tmp_path: Path, sandbox: Any) -> None:
    (tmp_path / "a").mkdir()
    setup = exported(tmp_path / "a", sandbox)
    category = setup.rpc("product.category", "create", [{"name": "Mugs"}])[0]
    mug = setup.variants()["mug"]["product_tmpl_id"][0]
    setup.rpc("product.template", "write", [mug], {"categ_id": category})
    (tmp_path / "b").mkdir()
    empty = VariantSetup(tmp_path / "b", sandbox, [])
    with History(empty.settings.history_path) as history:
        result = run_import(
            empty.settings,
            RunOptions(categ_ids=(category,)),
            client_factory=empty.client,
            history=history,
        )
    assert result.created == 1
    assert set(catalog(empty)) == {"mug"}


def test_stock_counted_right_after_an_export_is_pushed(tmp_path: Path, sandbox: Any) -> None:
    setup = exported(tmp_path, sandbox)
    setup.rows[0]["qty"] = "16"
    setup.rewrite()
    result = sync(setup)
    assert actions(result)["tee-S-Red"] == "update", result.products
    assert setup.variants()["tee-S-Red"]["qty_available"] == 16.0
    assert sync(setup).unchanged == 5
