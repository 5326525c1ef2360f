"""OutcomeList: a run's kept outcomes, in memory while few, on disk beyond, always in order."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

from odoosync.engine.outcomes import OutcomeList
from odoosync.engine.result import ProductOutcome, RunResult


def outcome(n: int, action: str = "create") -> ProductOutcome:
    return ProductOutcome(f"p-{n}", action, n, ["name"], {"name": [None, f"Product {n}"]})


def test_past_its_limit_the_list_moves_to_disk_and_reads_back_the_same() -> None:
    small = OutcomeList(in_memory=5)
    for n in range(4):
        small.append(outcome(n))
    assert not small.spilled
    for n in range(4, 12):
        small.append(outcome(n))
    assert small.spilled and len(small) == 12
    assert list(small) == [outcome(n) for n in range(12)]
    assert (
        small[0] == outcome(0)
        and small[-1] == outcome(11)
        and small[3:5] == [outcome(3), outcome(4)]
    )
    assert small == [outcome(n) for n in range(12)]
    small.close()


def test_order_sorts_outcomes_appended_out_of_order_in_memory_and_on_disk() -> None:
    for limit in (100, 3):
        outcomes = OutcomeList(in_memory=limit)
        # chunk 2 finishes before chunk 1; unordered outcomes (0, 0) come first, as added
        for position, n in enumerate((20, 21, 22)):
            outcomes.append(outcome(n), (2, position))
        outcomes.append(outcome(99))
        for position, n in enumerate((10, 11)):
            outcomes.append(outcome(n), (1, position))
        assert [o.product_id for o in outcomes] == ["p-99", "p-10", "p-11", "p-20", "p-21", "p-22"]


def test_amend_changes_kept_outcomes_wherever_they_are() -> None:
    for limit in (100, 2):
        outcomes = OutcomeList([outcome(n) for n in range(5)], in_memory=limit)

        def failed(o: ProductOutcome) -> None:
            o.action = "error"

        assert outcomes.amend("p-3", failed) == 1
        assert outcomes.amend("p-404", failed) == 0
        assert [o.action for o in outcomes] == ["create"] * 3 + ["error", "create"]


def test_appends_from_several_threads_are_all_kept() -> None:
    outcomes = OutcomeList(in_memory=50)

    def add(base: int) -> None:
        for n in range(base, base + 100):
            outcomes.append(outcome(n), (0, n))

    threads = [threading.Thread(target=add, args=(k * 100,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [o.odoo_product_id for o in outcomes] == list(range(400))


def test_the_file_goes_when_the_list_is_collected(tmp_path: Path) -> None:
    outcomes = OutcomeList([outcome(n) for n in range(10)], in_memory=2)
    folder = Path(outcomes._disk._folder.name)  # type: ignore[union-attr]
    assert folder.exists()
    del outcomes
    gc.collect()
    assert not folder.exists()


def test_a_run_result_keeps_its_products_in_an_outcome_list() -> None:
    result = RunResult(batch_id="b", dry_run=True)
    for n in (2, 1):
        result.add(outcome(n), (n, 0))
    doc = result.to_json(details=True)
    assert [p["product_id"] for p in doc["products"]] == ["p-1", "p-2"]
    assert result.to_json(details=True, products=False)["products"] == []
