"""Property tests (issue 11): the key → external id name mapping is injective over arbitrary
unicode keys, and an incremental export never leaves out a row changed after the last run that
covered its selection."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from odoosync.engine.export.incremental import Undated, changed_since, last_covering_run
from odoosync.engine.identity import external_id_name, is_plain_key, key_of_name
from odoosync.engine.result import RunOptions
from odoosync.history.store import History

SAFE = st.text(alphabet="AZaz09_.-", min_size=1, max_size=12)
KEYS = st.one_of(st.text(min_size=1, max_size=12), SAFE, SAFE.map(lambda k: k + "_h0123456789"))


@settings(max_examples=200, deadline=None)
@given(st.lists(KEYS, unique=True, min_size=2, max_size=30))
def test_distinct_keys_get_distinct_names(keys: list[str]) -> None:
    names = [external_id_name(k) for k in keys]
    assert len(set(names)) == len(keys)
    for key, name in zip(keys, names, strict=True):
        assert name.startswith("product_") and name.isascii() and " " not in name
        assert key_of_name(name) == (key if is_plain_key(key) else None)


@settings(max_examples=200, deadline=None)
@given(SAFE.filter(is_plain_key))
def test_safe_keys_keep_the_name_they_always_had(key: str) -> None:
    assert external_id_name(key) == f"product_{key}"


ROWS = 5
#: the selections a manual run may use; the schedule covers everything (or supplier 1)
SELECTIONS = st.sampled_from(
    [
        {},
        {"product_ids": ["r0"]},
        {"product_ids": ["r1", "r3"]},
        {"where": [["supplier_id", "1"]]},
        {"filters": {"supplier_id": "0"}},
        {"filters": {"modified_since": "2026-01-01T05:00:00Z"}},
    ]
)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("edit"), st.integers(0, ROWS - 1), st.booleans()),
        st.tuples(st.just("manual"), SELECTIONS, st.booleans()),
        st.tuples(st.just("schedule"), st.none(), st.booleans()),
    ),
    min_size=1,
    max_size=25,
)


def _selected(selection: dict[str, Any], row: dict[str, Any]) -> bool:
    """What a manual run with ``selection`` exports (the model, not the code under test)."""
    if "product_ids" in selection and row["id"] not in selection["product_ids"]:
        return False
    for _field, value in selection.get("where", []):
        if row["supplier_id"] != value:
            return False
    filters = selection.get("filters", {})
    if "supplier_id" in filters and row["supplier_id"] != filters["supplier_id"]:
        return False
    if "modified_since" in filters:
        return row["modified_at"] is not None and row["modified_at"] >= datetime(
            2026, 1, 1, 5, tzinfo=UTC
        )
    return True


@settings(max_examples=60, deadline=None)
@given(STEPS, st.booleans())
def test_an_incremental_run_never_leaves_out_a_row_changed_since_it_was_last_sent(
    steps: list[tuple[str, Any, bool]], narrow_schedule: bool
) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = {"now": start}
    rows = [
        {"id": f"r{i}", "supplier_id": str(i % 2), "modified_at": start, "version": 0}
        for i in range(ROWS)
    ]
    sent: dict[str, int] = {}  # key -> version Odoo has
    schedule = {"where": [["supplier_id", "1"]]} if narrow_schedule else {}
    with tempfile.TemporaryDirectory() as folder:
        history = History(Path(folder) / "h.db", now=lambda: clock["now"])
        for n, (kind, what, flag) in enumerate(steps, start=1):
            clock["now"] = start + timedelta(hours=n)
            if kind == "edit":
                row = rows[what]
                row["version"] += 1
                row["modified_at"] = None if flag else clock["now"]  # flag: timestamp lost
                continue
            selection = schedule if kind == "schedule" else what
            options = RunOptions(
                sync_type="incremental" if kind == "schedule" else "full",
                product_ids=tuple(selection.get("product_ids", ())),
                where=tuple(tuple(w) for w in selection.get("where", ())),
                filters=selection.get("filters", {}),
            )
            picked = [r for r in rows if _selected(selection, r)]
            if kind == "schedule":
                cutoff = last_covering_run(history, "p", options)
                if cutoff is not None:
                    stamped = [{**r, "modified_at": _text(r["modified_at"])} for r in picked]
                    ids = {
                        r["id"] for r in changed_since(stamped, cutoff, "modified_at", Undated("m"))
                    }
                    picked = [r for r in picked if r["id"] in ids]
                # the property: every row of its selection Odoo does not have is picked
                stale = {r["id"] for r in rows if _selected(selection, r)} - {
                    r["id"] for r in rows if sent.get(r["id"]) == r["version"]
                }
                assert stale <= {r["id"] for r in picked}
            run = history.begin_run(
                direction="to_odoo",
                sync_type=options.sync_type,
                triggered_by="schedule" if kind == "schedule" else "manual",
                profile="p",
                options=options.to_dict(),
            )
            ok = flag or kind == "schedule"  # a manual run may fail: it moves nothing
            if ok:
                sent.update({r["id"]: r["version"] for r in picked})
            history.finish_run(run.batch_id, status="success" if ok else "partial", counts={})
        history.close()


def _text(moment: datetime | None) -> str:
    return "" if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")
