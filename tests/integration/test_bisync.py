"""Two-way sync against the sandbox: push, pull, conflicts per policy, crash safety."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_import import PullSetup

from odoosync.catalog.base import open_catalog
from odoosync.engine.bisync import run_sync
from odoosync.errors import ExitCode, OdooError
from odoosync.history import History
from odoosync.sandbox import serve

FUTURE = "2999-01-01T00:00:00Z"
PAST = "2000-01-01T00:00:00Z"


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with serve(seed="demo") as handle:
        yield handle


class SyncSetup(PullSetup):
    def __init__(self, folder: Path, sandbox: Any) -> None:
        super().__init__(folder, sandbox)
        first = self.run()  # the import links every product
        assert first.created == first.products_found > 0
        self.mouse = self.template("Wireless Mouse")
        self.charger = self.template("USB-C Charger 65W")

    def key(self, odoo_id: int) -> str:
        return f"odoo-{odoo_id}"

    def edit_local(self, odoo_id: int, **values: Any) -> None:
        catalog = open_catalog(self.catalog_path, key="id")
        catalog.apply({self.key(odoo_id): values}, [])

    def edit_odoo(self, odoo_id: int, **values: Any) -> None:
        self.sandbox.execute("product.template", "write", [odoo_id], values)

    def odoo(self, odoo_id: int) -> dict[str, Any]:
        [record] = self.sandbox.execute(
            "product.template", "read", [odoo_id], ["name", "list_price"]
        )
        return dict(record)

    def local(self, odoo_id: int) -> dict[str, Any]:
        return self.rows()[self.key(odoo_id)]

    def sync(self, **options: Any) -> Any:
        return self.run(run_sync, **options)


@pytest.fixture
def setup(tmp_path: Path, sandbox: Any) -> SyncSetup:
    return SyncSetup(tmp_path, sandbox)


def test_a_fresh_import_is_in_sync(setup: SyncSetup) -> None:
    result = setup.sync()
    assert result.success and result.batch_id.startswith("bisync_")
    assert result.direction == "bidirectional"
    assert (result.updated, result.conflicts, result.created) == (0, 0, 0)
    assert result.unchanged == result.products_found


def test_a_local_edit_is_pushed(setup: SyncSetup) -> None:
    setup.edit_local(setup.mouse, title="Mouse (local)", price="21.5", modified_at=FUTURE)
    result = setup.sync()
    assert result.success and result.updated == 1
    assert setup.odoo(setup.mouse)["name"] == "Mouse (local)"
    assert setup.odoo(setup.mouse)["list_price"] == 21.5
    again = setup.sync()
    assert again.updated == 0 and again.conflicts == 0


def test_an_odoo_edit_is_pulled(setup: SyncSetup) -> None:
    setup.edit_odoo(setup.mouse, name="Mouse (odoo)")
    result = setup.sync()
    assert result.success and result.updated == 1
    assert setup.local(setup.mouse)["title"] == "Mouse (odoo)"
    entries = setup.logs(result.batch_id)
    assert [(e.sync_direction, e.sync_status) for e in entries] == [("from_odoo", "success")]
    assert setup.sync().updated == 0


@pytest.mark.parametrize(
    ("policy", "local_modified", "winner"),
    [
        ("newest", FUTURE, "local"),
        ("newest", PAST, "odoo"),
        ("local", PAST, "local"),
        ("odoo", FUTURE, "odoo"),
    ],
)
def test_a_conflict_is_resolved_by_the_policy(
    setup: SyncSetup, policy: str, local_modified: str, winner: str
) -> None:
    setup.edit_local(setup.mouse, title="Mouse (local)", modified_at=local_modified)
    setup.edit_odoo(setup.mouse, name="Mouse (odoo)")
    result = setup.sync(conflict_policy=policy)
    assert result.success and result.conflicts == 1
    expected = f"Mouse ({winner})"
    assert setup.odoo(setup.mouse)["name"] == expected
    assert setup.local(setup.mouse)["title"] == expected
    [entry] = setup.logs(result.batch_id)
    assert entry.sync_status == "conflict"
    assert entry.error_details == {
        "conflict": {"title": {"local": "Mouse (local)", "odoo": "Mouse (odoo)"}},
        "policy": policy,
        "decision": winner,
    }
    again = setup.sync(conflict_policy="skip")
    assert again.success and again.conflicts == 0 and again.updated == 0


def test_policy_skip_leaves_both_sides_and_fails_the_run(setup: SyncSetup) -> None:
    setup.edit_local(setup.mouse, title="Mouse (local)", modified_at=FUTURE)
    setup.edit_odoo(setup.mouse, name="Mouse (odoo)")
    result = setup.sync(conflict_policy="skip")
    assert not result.success and result.exit_code == ExitCode.PARTIAL_FAILURE
    assert result.conflicts == 1
    assert setup.odoo(setup.mouse)["name"] == "Mouse (odoo)"
    assert setup.local(setup.mouse)["title"] == "Mouse (local)"
    [error] = result.to_json()["errors"]
    assert error["error_details"]["conflict"]["title"] == {
        "local": "Mouse (local)",
        "odoo": "Mouse (odoo)",
    }
    # still a conflict next time: nothing was decided for the person
    assert setup.sync(conflict_policy="skip").conflicts == 1


def test_a_crash_between_the_odoo_write_and_the_catalog_write(setup: SyncSetup) -> None:
    setup.edit_local(setup.mouse, title="Mouse (local)", modified_at=FUTURE)  # to push
    setup.edit_odoo(setup.charger, name="Charger (odoo)")  # to pull
    # the read-back right after the write fails: Odoo has the push, the catalog lacks the pull
    setup.sandbox.inject("fault", model="product.template", method="search_read", on_call=2)
    with pytest.raises(OdooError):
        setup.sync(conflict_policy="skip")
    assert setup.odoo(setup.mouse)["name"] == "Mouse (local)"
    assert setup.local(setup.charger)["title"] == "USB-C Charger 65W"

    result = setup.sync(conflict_policy="skip")  # skip: any conflict would fail the run
    assert result.success and result.conflicts == 0
    assert setup.odoo(setup.mouse)["name"] == "Mouse (local)"  # no lost edit
    assert setup.local(setup.mouse)["title"] == "Mouse (local)"
    assert setup.local(setup.charger)["title"] == "Charger (odoo)"
    assert setup.sync(conflict_policy="skip").updated == 0


def test_new_products_on_either_side(setup: SyncSetup) -> None:
    catalog = open_catalog(setup.catalog_path, key="id")
    catalog.apply({}, [{"id": "new-local", "title": "Local lamp", "price": "12"}])
    new_odoo = setup.sandbox.execute(
        "product.template", "create", [{"name": "Odoo lamp", "list_price": 7.0}]
    )
    result = setup.sync()
    assert result.success and result.created == 2
    assert setup.local(new_odoo[0] if isinstance(new_odoo, list) else new_odoo)["title"] == (
        "Odoo lamp"
    )
    found = setup.sandbox.execute(
        "product.template", "search_read", [("name", "=", "Local lamp")], ["id"]
    )
    assert len(found) == 1
    again = setup.sync()
    assert again.success and (again.created, again.updated, again.conflicts) == (0, 0, 0)


def test_dry_run_changes_nothing(setup: SyncSetup) -> None:
    setup.edit_local(setup.mouse, title="Mouse (local)", modified_at=FUTURE)
    setup.edit_odoo(setup.charger, name="Charger (odoo)")
    with History(setup.settings.history_path) as history:
        before = len(history.runs())
    result = setup.sync(dry_run=True)
    assert result.dry_run and result.updated == 2
    assert setup.odoo(setup.mouse)["name"] == "Wireless Mouse"
    assert setup.local(setup.charger)["title"] == "USB-C Charger 65W"
    with History(setup.settings.history_path) as history:
        assert len(history.runs()) == before
