"""Two-way sync against the sandbox: push, pull, conflicts per policy, crash safety."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from odoosync.catalog.formats import open_catalog
from odoosync.engine.export.run import run_export
from odoosync.engine.result import RunResult
from odoosync.engine.sync.run import run_sync
from odoosync.errors import ExitCode, OdooError
from odoosync.history.records import Link
from odoosync.history.store import History
from tests.support.export_env import products, run_job, settings_for, write_setup
from tests.support.pull_env import PullSetup
from tests.support.transport import admin_secret

FUTURE = "2999-01-01T00:00:00Z"
PAST = "2000-01-01T00:00:00Z"


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
    setup.sandbox.inject(
        "fault", model="product.template", method="search_read", on_call=2, times=10
    )
    with pytest.raises(OdooError):
        setup.sync(conflict_policy="skip")
    setup.sandbox.clear_faults()  # the fault was retried: it fired on every attempt
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


# --------------------------------------------------------------------------------------------
# after an export: the links export writes


class ExportedSetup:
    """A CSV catalog exported to the sandbox (export's links), then synced."""

    def __init__(self, folder: Path, sandbox: Any, count: int = 5) -> None:
        self.folder, self.sandbox = folder, sandbox
        self.settings = settings_for(
            write_setup(folder, sandbox.url, sandbox.database, products(count), batch_size=2)
        )

    def run(self, runner: Any, *, clock: Any = None, **options: Any) -> RunResult:
        return run_job(runner, self.settings, now=clock, **options)

    def links(self) -> dict[str, Link]:
        with History(self.settings.history_path) as history:
            return history.links(self.settings.profile.name)

    def rows(self) -> dict[str, dict[str, Any]]:
        catalog = open_catalog(self.folder / "products.csv", key="id")
        return {str(row["id"]): row for row in catalog.iter_rows()}

    def sync_run(self, **options: Any) -> RunResult:
        return self.run(run_sync, **options)


def _late_clock() -> datetime:
    """The history's clock far ahead of Odoo's: any Odoo write looks older than the link."""
    return datetime(2999, 1, 1, tzinfo=UTC)


def test_an_odoo_edit_right_after_an_export_is_pulled(tmp_path: Path, sandbox: Any) -> None:
    setup = ExportedSetup(tmp_path, sandbox)
    sandbox.reset_calls()
    exported = setup.run(run_export, clock=_late_clock)
    assert exported.created == 5
    # every value sent is stored as sent (prices with 2 decimals at most): nothing read back,
    # the links hold the Odoo hash and no write_date (sync decides by hash)
    assert sandbox.calls().get("product.template.read", 0) == 0
    links = setup.links()
    assert all(ln.odoo_hash and ln.odoo_write_date is None for ln in links.values())
    sandbox.execute("product.template", "write", [links["p-2"].odoo_id], {"list_price": 99.0})
    result = setup.sync_run()
    assert result.success and result.updated == 1 and result.unchanged == 4
    [pulled] = [p for p in result.products if p.action == "update"]
    assert (pulled.product_id, pulled.note) == ("p-2", "pulled from Odoo")
    assert float(setup.rows()["p-2"]["price"]) == 99.0
    assert setup.sync_run().updated == 0


@pytest.mark.parametrize("catalog", ["products.csv", "products.json", "products.jsonl",
                                     "products.db"])  # fmt: skip
def test_rows_a_sync_adds_from_odoo_are_linked_and_not_pushed_back(
    tmp_path: Path, sandbox: Any, catalog: str
) -> None:
    # Odoo accepts a barcode our barcode transform refuses (wrong check digit)
    [odd] = sandbox.execute(
        "product.template", "create", [{"name": "Odd EAN", "barcode": "1234567890123"}]
    )
    setup = PullSetup(tmp_path, sandbox, catalog)
    result = setup.run(run_sync)
    # one rule (issue 11 item 7): a barcode the transform refuses is that product's
    # MAPPING_ERROR in import, sync and export alike; it never becomes a catalog row
    assert (result.created, result.failed) == (5, 1)
    [error] = result.errors()
    assert error["error_details"]["field"] == "barcode"
    assert error["error_details"]["odoo_error_code"] == "MAPPING_ERROR"
    entries = setup.logs(result.batch_id)
    assert {(e.sync_direction, e.sync_type) for e in entries if e.sync_status == "success"} == {
        ("from_odoo", "create")
    }
    with History(setup.settings.history_path) as history:
        links = history.links(setup.settings.profile.name)
    assert sorted(links) == sorted(setup.rows()) and len(links) == 5
    assert f"odoo-{odd}" not in setup.rows()
    assert all(ln.odoo_hash and ln.odoo_write_date and ln.local_hash for ln in links.values())
    again = setup.run(run_sync)
    assert again.unchanged == 5 and again.failed == 1
    assert [e.product_id for e in setup.logs(again.batch_id)] == [error["product_id"]]
    sandbox.execute("product.template", "write", [odd], {"barcode": "1234567890128"})
    fixed = setup.run(run_sync)  # corrected in Odoo: it comes in
    assert fixed.success and fixed.created == 1
    assert setup.rows()[f"odoo-{odd}"]["title"] == "Odd EAN"


def test_pushes_are_batched_like_export_updates(setup: SyncSetup) -> None:
    ids = sorted(int(k.split("-")[1]) for k in setup.rows())[:4]
    for n, odoo_id in enumerate(ids):
        setup.edit_local(odoo_id, price=f"{10 + n}.25")
    setup.sandbox.reset_calls()
    result = setup.sync()
    assert result.success and result.updated == 4
    calls = setup.sandbox.calls()
    # different values: one load by .id per batch of 2 (batch_size), no write per product
    assert calls.get("product.template.load", 0) == 2
    assert calls.get("product.template.write", 0) == 0
    assert [setup.odoo(i)["list_price"] for i in ids] == [10.25, 11.25, 12.25, 13.25]
    for odoo_id in ids[:2]:
        setup.edit_local(odoo_id, price="7.00")
    setup.sandbox.reset_calls()
    assert setup.sync().updated == 2
    assert setup.sandbox.calls().get("product.template.write", 0) == 1  # the same values


def test_unlinked_local_products_are_created_in_the_sync_run(setup: SyncSetup) -> None:
    catalog = open_catalog(setup.catalog_path, key="id")
    catalog.apply({}, [{"id": "lamp", "title": "Local lamp", "price": "12"}])
    with History(setup.settings.history_path) as history:
        runs_before = len(history.runs())
    result = setup.sync()
    assert result.success and result.created == 1
    assert result.products_found == len(setup.rows()) == 6
    assert result.created + result.updated + result.unchanged == 6
    [entry] = setup.logs(result.batch_id)
    assert (entry.product_id, entry.sync_direction, entry.sync_type) == (
        "lamp",
        "to_odoo",
        "create",
    )
    with History(setup.settings.history_path) as history:
        runs = history.runs()
        assert len(runs) == runs_before + 1  # one run: bisync_..., no separate sync_... run
        assert runs[0].batch_id == result.batch_id and runs[0].direction == "bidirectional"
        assert runs[0].counts["created"] == 1
        assert "lamp" in history.links(setup.settings.profile.name)


TIE = "tie"


@pytest.mark.parametrize(
    ("policy", "local_modified", "resolved"),
    [
        ("newest", FUTURE, True),
        ("newest", PAST, True),
        ("newest", TIE, False),  # the same second on both sides: a person decides
        ("local", PAST, True),
        ("odoo", FUTURE, True),
        ("skip", FUTURE, False),
    ],
)
def test_every_conflict_is_counted_and_logged_resolved_or_not(
    setup: SyncSetup, policy: str, local_modified: str, resolved: bool
) -> None:
    setup.edit_odoo(setup.mouse, name="Mouse (odoo)")
    if local_modified == TIE:
        [record] = setup.sandbox.execute("product.template", "read", [setup.mouse], ["write_date"])
        local_modified = str(record["write_date"]).replace(" ", "T") + "Z"
    setup.edit_local(setup.mouse, title="Mouse (local)", modified_at=local_modified)
    result = setup.sync(conflict_policy=policy)
    assert (result.conflicts, result.unresolved_conflicts) == (1, 0 if resolved else 1)
    assert result.success is resolved and result.failed == 0
    assert int(result.exit_code) == (0 if resolved else 6)
    [entry] = setup.logs(result.batch_id)
    assert entry.sync_status == "conflict"
    assert entry.error_details is not None and entry.error_details["policy"] == policy
    assert entry.error_details["conflict"] == {
        "title": {"local": "Mouse (local)", "odoo": "Mouse (odoo)"}
    }
    with History(setup.settings.history_path) as history:
        run = history.run(result.batch_id)
    assert run is not None and run.counts["conflicts"] == 1
    assert run.status == ("success" if resolved else "partial")


def test_a_conflict_whose_push_fails_stays_a_conflict(setup: SyncSetup) -> None:
    taken = setup.sandbox.execute("product.template", "read", [setup.charger], ["barcode"])
    setup.edit_odoo(setup.mouse, name="Mouse (odoo)")
    setup.edit_local(setup.mouse, ean=taken[0]["barcode"], modified_at=FUTURE)
    result = setup.sync(conflict_policy="local")
    assert (result.conflicts, result.failed) == (1, 1) and not result.success
    [entry] = setup.logs(result.batch_id)
    assert entry.sync_status == "conflict" and entry.error_details is not None
    assert set(entry.error_details["conflict"]) == {"title", "ean"}  # both values
    assert entry.error_details["push_error"]["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert "Odoo refused it" in (entry.error_message or "")


def test_retry_re_runs_a_conflict_whose_push_failed(
    setup: SyncSetup, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from odoosync.cli import run

    taken = setup.sandbox.execute("product.template", "read", [setup.charger], ["barcode"])
    setup.edit_odoo(setup.mouse, name="Mouse (odoo)")
    setup.edit_odoo(setup.charger, name="Charger (odoo)")  # a pull, not retried
    setup.edit_local(setup.mouse, ean=taken[0]["barcode"], modified_at=FUTURE)
    failed = setup.sync(conflict_policy="local")
    assert (failed.conflicts, failed.failed) == (1, 1)

    setup.edit_local(setup.mouse, ean="4006381333900", modified_at=FUTURE)  # fixed locally
    monkeypatch.setenv("ODOOSYNC_PASSWORD", admin_secret(setup.sandbox.url))
    assert run(["-c", str(setup.config), "retry", failed.batch_id, "--json"]) == 0
    retried = json.loads(capsys.readouterr().out)
    assert retried["batch_id"].startswith("bisync_") and retried["products_found"] == 1
    assert (retried["conflicts"], retried["failed"]) == (1, 0)
    [entry] = setup.logs(retried["batch_id"])  # the charger's pull is not part of the retry
    assert entry.product_id == setup.key(setup.mouse) and entry.triggered_by == "retry"
    assert entry.sync_status == "conflict" and entry.error_details is not None
    assert "push_error" not in entry.error_details  # resolved by the policy, and pushed
    [record] = setup.sandbox.execute("product.template", "read", [setup.mouse], ["barcode"])
    assert record["barcode"] == "4006381333900"


# --------------------------------------------------------------------------------------------
# chunks: the linked products are decided and pushed LINK_CHUNK at a time


def test_chunks_give_the_results_of_one_pass(
    setup: SyncSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    import odoosync.engine.sync.run as bisync

    monkeypatch.setattr(bisync, "LINK_CHUNK", 2)
    ids = sorted(int(k.split("-")[1]) for k in setup.rows())
    assert len(ids) >= 5
    setup.edit_local(ids[0], price="10.25", modified_at=FUTURE)  # chunk 1: push
    setup.edit_odoo(ids[1], name="Pulled (odoo)")  # chunk 1: pull
    setup.edit_odoo(ids[3], name="Also pulled")  # chunk 2
    setup.edit_local(ids[4], title="Mine", modified_at=FUTURE)  # chunk 3: a conflict
    setup.edit_odoo(ids[4], name="Theirs")
    result = setup.sync(details=True, conflict_policy="local")
    assert result.success and (result.updated, result.conflicts) == (3, 1)
    keys = [setup.key(i) for i in ids]
    assert [p.product_id for p in result.products] == sorted(keys)
    # written in key order: the pushes as their chunk completes, the pulls after the catalog
    entries = sorted(setup.logs(result.batch_id), key=lambda e: e.id)
    assert [(e.product_id, e.sync_direction, e.sync_status) for e in entries] == [
        (setup.key(ids[0]), "to_odoo", "success"),
        (setup.key(ids[4]), "to_odoo", "conflict"),
        (setup.key(ids[1]), "from_odoo", "success"),
        (setup.key(ids[3]), "from_odoo", "success"),
    ]
    assert setup.local(ids[3])["title"] == "Also pulled"
    assert setup.odoo(ids[4])["name"] == "Mine"
    again = setup.sync(conflict_policy="skip")
    assert again.success and (again.updated, again.conflicts) == (0, 0)
    assert again.unchanged == again.products_found == len(ids)


def test_a_crash_in_a_later_chunk_loses_nothing(
    setup: SyncSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    import odoosync.engine.sync.run as bisync

    monkeypatch.setattr(bisync, "LINK_CHUNK", 2)
    ids = sorted(int(k.split("-")[1]) for k in setup.rows())
    setup.edit_local(ids[0], title="Pushed first", modified_at=FUTURE)  # chunk 1: pushed
    setup.edit_odoo(ids[1], name="Pulled first")  # chunk 1: spooled, never written
    setup.edit_local(ids[2], title="Pushed later", modified_at=FUTURE)  # chunk 2
    # search_read: chunk 1's records, its read-back, chunk 2's records (the fault)
    setup.sandbox.inject(
        "fault", model="product.template", method="search_read", on_call=3, times=10
    )
    with pytest.raises(OdooError):
        setup.sync(conflict_policy="skip")
    setup.sandbox.clear_faults()  # the fault was retried: it fired on every attempt
    assert setup.odoo(ids[0])["name"] == "Pushed first"
    assert setup.local(ids[1])["title"] != "Pulled first"  # the catalog was not written

    result = setup.sync(conflict_policy="skip")
    assert result.success and result.conflicts == 0
    assert setup.local(ids[0])["title"] == "Pushed first"
    assert setup.local(ids[1])["title"] == "Pulled first"
    assert setup.odoo(ids[2])["name"] == "Pushed later"
    assert setup.sync(conflict_policy="skip").updated == 0


def test_a_crash_after_a_chunk_keeps_its_pushes_in_the_history(
    setup: SyncSetup, monkeypatch: pytest.MonkeyPatch
) -> None:
    import odoosync.engine.sync.run as bisync

    monkeypatch.setattr(bisync, "LINK_CHUNK", 2)
    ids = sorted(int(k.split("-")[1]) for k in setup.rows())
    setup.edit_local(ids[0], title="Pushed first", modified_at=FUTURE)  # chunk 1: pushed
    setup.edit_odoo(ids[1], name="Pulled first")  # chunk 1: a pull, waits for the catalog
    with History(setup.settings.history_path) as history:
        before = history.links(setup.settings.profile.name)[setup.key(ids[0])]
    # search_read: chunk 1's records, its read-back, chunk 2's records (the fault)
    setup.sandbox.inject(
        "fault", model="product.template", method="search_read", on_call=3, times=10
    )
    with pytest.raises(OdooError):
        setup.sync(conflict_policy="skip")
    setup.sandbox.clear_faults()  # the fault was retried: it fired on every attempt
    assert setup.odoo(ids[0])["name"] == "Pushed first"
    with History(setup.settings.history_path) as history:
        [run] = [r for r in history.runs() if r.direction == "bidirectional"]
        entries = history.logs(batch_id=run.batch_id)
        link = history.links(setup.settings.profile.name)[setup.key(ids[0])]
    assert [(e.product_id, e.sync_direction, e.sync_status) for e in entries] == [
        (setup.key(ids[0]), "to_odoo", "success")
    ]
    assert "name" in entries[0].fields_synced
    assert (link.local_hash, link.odoo_hash) != (before.local_hash, before.odoo_hash)
    setup.sandbox.clear_faults()
    result = setup.sync(conflict_policy="skip")  # the push is not sent (nor logged) again
    assert result.success and result.conflicts == 0
    assert [(e.product_id, e.sync_direction) for e in setup.logs(result.batch_id)] == [
        (setup.key(ids[1]), "from_odoo")
    ]
