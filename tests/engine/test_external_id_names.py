"""Issue 11 item 1: distinct catalog keys are distinct Odoo products, and an upgrade still finds
the products older versions named with the lossy names (``A 1`` → ``product_A_1``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.engine.identity import external_id_name, legacy_external_id_name
from tests.support.integrity_env import MODULE, Bench, products
from tests.support.transport import test_sandbox

LOOKALIKES = ["A 1", "A_1", "A/1", "МЯЧ-1", "ШАР-1"]


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with test_sandbox(seed="empty") as handle:
        yield handle


def _rows(keys: list[str]) -> list[dict[str, Any]]:
    rows = products(len(keys))
    for row, key in zip(rows, keys, strict=True):
        row["id"] = key
    return rows


def test_safe_keys_keep_their_names_and_the_others_get_a_digest() -> None:
    assert external_id_name("p-1") == "product_p-1"
    assert external_id_name("A.b_C-9") == "product_A.b_C-9"
    names = {external_id_name(k) for k in LOOKALIKES}
    assert len(names) == len(LOOKALIKES)
    assert legacy_external_id_name("A 1") == "product_A_1"
    assert legacy_external_id_name("A_1") is None


def test_keys_that_looked_alike_are_distinct_products(tmp_path: Path, sandbox: Any) -> None:
    bench = Bench(tmp_path, sandbox, _rows(LOOKALIKES))
    first = bench.export()
    assert (first.created, first.failed) == (5, 0)
    templates = bench.templates()
    assert len(templates) == 5
    assert len(set(bench.xml_ids().values())) == 5
    again = bench.export()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    # an Odoo edit to one of them comes back to that row only
    odoo_id = bench.xml_ids()[external_id_name("A/1")]
    sandbox.execute("product.template", "write", [odoo_id], {"name": "Edited in Odoo"})
    before = {r["id"]: r for r in bench.rows()}
    assert bench.sync().failed == 0
    after = {r["id"]: r for r in bench.rows()}
    assert after["A/1"]["title"] == "Edited in Odoo"
    assert {k: r for k, r in after.items() if k != "A/1"} == {
        k: r for k, r in before.items() if k != "A/1"
    }


def _age(bench: Bench, key: str, *, keep_link: bool) -> int:
    """Make ``key``'s product look as an older version left it: its external id has the lossy
    name, and so has its link (or there is no history at all)."""
    new, old = external_id_name(key), legacy_external_id_name(key)
    assert old is not None
    record = bench.sandbox.execute(
        "ir.model.data", "search", [("module", "=", MODULE), ("name", "=", new)]
    )
    bench.sandbox.execute("ir.model.data", "write", record, {"name": old})
    odoo_id = bench.xml_ids()[old]
    with bench.history() as history:
        link = history.links(bench.settings.profile.name, [key])[key]
        link.external_id = f"{MODULE}.{old}"
        history.save_links(bench.settings.profile.name, [link])
    if not keep_link:
        bench.settings.history_path.unlink()
    return odoo_id


@pytest.mark.parametrize("keep_link", [True, False], ids=["linked", "no-history"])
def test_an_upgrade_finds_products_named_the_old_way(
    tmp_path: Path, sandbox: Any, keep_link: bool
) -> None:
    rows = _rows(["A 1", "p-2"])
    bench = Bench(tmp_path, sandbox, rows)
    bench.export()
    odoo_id = _age(bench, "A 1", keep_link=keep_link)
    rows[0]["price"] = "77.00"
    bench.write_rows(rows)
    result = bench.export()
    assert (result.created, result.failed) == (0, 0)
    assert len(bench.templates()) == 2
    names = bench.xml_ids()
    assert names[external_id_name("A 1")] == odoo_id  # today's name added beside the old one
    with bench.history() as history:
        link = history.links(bench.settings.profile.name, ["A 1"])["A 1"]
    assert (link.odoo_id, link.external_id) == (odoo_id, f"{MODULE}.{external_id_name('A 1')}")
    assert bench.export().created == 0


def test_an_import_after_an_upgrade_finds_the_row_of_an_old_name(
    tmp_path: Path, sandbox: Any
) -> None:
    bench = Bench(tmp_path, sandbox, _rows(["A 1", "p-2"]))
    bench.export()
    odoo_id = _age(bench, "A 1", keep_link=False)
    sandbox.execute("product.template", "write", [odoo_id], {"name": "Renamed in Odoo"})
    result = bench.pull()
    assert result.failed == 0
    rows = bench.rows()
    assert [r["id"] for r in rows] == ["A 1", "p-2"]  # no row "A_1" added
    assert rows[0]["title"] == "Renamed in Odoo"


def test_an_external_id_naming_another_keys_product_is_an_error_not_a_merge(
    tmp_path: Path, sandbox: Any
) -> None:
    rows = _rows(["p-1"])
    bench = Bench(tmp_path, sandbox, rows)
    bench.export()
    taken = bench.xml_ids()["product_p-1"]
    # someone (or a collision) gave p-2's name to p-1's product
    sandbox.execute(
        "ir.model.data",
        "create",
        {"module": MODULE, "name": "product_p-2", "model": "product.template", "res_id": taken},
    )
    bench.write_rows([*rows, *_rows(["p-2"])])
    result = bench.export(details=True)
    outcome = {p.product_id: p for p in result.products}["p-2"]
    assert outcome.action == "error"
    assert outcome.error_details is not None
    assert outcome.error_details["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert outcome.error_details["existing_product_id"] == taken
    assert len(bench.templates()) == 1
