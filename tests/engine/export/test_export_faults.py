"""No product is created twice, whatever happens to the answer of a create batch.

Each fault kind the sandbox injects on ``load`` (the call that creates products with their
external ids) is one way a real network or proxy loses the answer after Odoo committed.
"""

from __future__ import annotations

import csv
import sqlite3

import pytest

from odoosync.history.store import History
from tests.support.export_env import COLUMNS, ExportSetup, mapping_toml, products


@pytest.mark.parametrize(
    "kind",
    ["lost_response", "http_502_after_commit", "http_504_after_commit"],
)
def test_a_create_batch_whose_answer_is_lost_creates_each_product_once(
    setup: ExportSetup, kind: str
) -> None:
    setup.sandbox.inject(kind, model="product.template", method="load")
    result = setup.export()
    assert (result.created, result.failed) == (25, 0)
    templates = setup.templates()
    assert len(templates) == 25
    assert len({t["default_code"] for t in templates}) == 25


@pytest.mark.parametrize("kind", ["http_502", "http_503", "http_429", "serialization"])
def test_a_create_batch_refused_before_the_change_is_retried(setup: ExportSetup, kind: str) -> None:
    setup.sandbox.inject(kind, model="product.template", method="load")
    result = setup.export()
    assert (result.created, result.failed) == (25, 0)
    assert len(setup.templates()) == 25


def test_a_second_export_after_a_lost_answer_changes_nothing(setup: ExportSetup) -> None:
    setup.sandbox.inject("lost_response", model="product.template", method="load")
    setup.export()
    again = setup.export()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 25)


def test_creates_that_landed_before_odoo_became_unreachable_are_recorded(
    setup: ExportSetup,
) -> None:
    # one chunk: five updates (one shared write) and five creates; the creates land, then every
    # write fails until the retries are spent
    setup.rows = setup.rows[:5]
    setup.rewrite()
    setup.export()
    for row in setup.rows:
        row["price"] = "99.00"
    setup.rows += products(5, start=6)
    setup.rewrite()
    setup.sandbox.inject("http_503", model="product.template", method="write", times=50)
    result = setup.export(details=True)
    assert (result.created, result.failed) == (5, 5)
    with History(setup.settings.history_path) as history:
        entries = history.logs(batch_id=result.batch_id, limit=None)
        status = {e.product_id: (e.sync_type, e.sync_status) for e in entries}
        links = history.links(setup.settings.profile.name)
    assert status == {
        **{f"p-{i}": ("update", "error") for i in range(1, 6)},
        **{f"p-{i}": ("create", "success") for i in range(6, 11)},
    }
    assert {f"p-{i}" for i in range(6, 11)} <= set(links)
    setup.sandbox.clear_faults()
    again = setup.export()  # nothing created twice
    assert (again.created, again.updated) == (0, 5)
    assert len(setup.templates()) == 10


@pytest.mark.parametrize("table", ["links", "sync_log"])
def test_a_chunk_whose_history_write_fails_keeps_neither_entries_nor_links(
    setup: ExportSetup, table: str
) -> None:
    # the second of the chunk's writes fails (entries, links: one transaction since the fix)
    path = setup.settings.history_path
    History(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            f"create trigger crash before insert on {table} begin select raise(abort, 'crash'); end"
        )
    with pytest.raises(sqlite3.DatabaseError, match="crash"):
        setup.export()
    with sqlite3.connect(path) as conn:
        conn.execute("drop trigger crash")
    with History(path) as history:
        [run] = history.runs()
        assert history.logs(batch_id=run.batch_id) == []
        assert history.links(setup.settings.profile.name) == {}
    before = len(setup.templates())  # the chunks sent before the run stopped
    again = setup.export()  # what Odoo holds is found by external id and linked, not duplicated
    assert (again.created, again.failed) == (25 - before, 0)
    assert len(setup.templates()) == 25
    with History(path) as history:
        assert len(history.links(setup.settings.profile.name)) == 25
        assert len(history.logs(batch_id=again.batch_id, limit=None)) == again.created


def test_an_unreachable_odoo_while_creating_categories_stops_the_run_with_exit_5(
    setup: ExportSetup,
) -> None:
    folder = setup.settings.config_path.parent
    (folder / "mapping.toml").write_text(
        mapping_toml("title", "ean", "supplier_reference", "description", "price", "category")
        + "\n[options]\ncreate_missing_categories = true\n",
        encoding="utf-8",
    )
    with (folder / "products.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, "category"])
        writer.writeheader()
        for row in setup.rows:
            writer.writerow({**row, "category": f"New / Shelf {row['id']}"})
    setup.sandbox.inject("http_503", model="product.category", method="create", times=1000)
    result = setup.export()
    assert result.aborted is not None and result.aborted_exit_code == 5
    assert result.created == 0 and result.failed > 0
    with History(setup.settings.history_path) as history:
        run = history.run(result.batch_id)
        entries = history.logs(batch_id=result.batch_id, limit=None)
    assert run is not None and run.status != "running"
    assert len(entries) == result.failed
    assert {e.error_details["odoo_error_code"] for e in entries if e.error_details} == {
        "TRANSPORT_ERROR"
    }
    assert {e.sync_status for e in entries} == {"error"}
