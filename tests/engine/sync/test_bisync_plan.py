"""The pure three-way decision of ``odoosync sync`` and its conflict policies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from odoosync.engine.sync.plan import Decision, SyncInput, conflicting_fields, decide, resolve
from odoosync.timestamps import parse_iso_or_none

OLD = "2025-01-01 10:00:00"
NEWER_LOCAL = "2025-01-02T10:00:00Z"
OLDER_LOCAL = "2024-12-31T10:00:00Z"


def item(
    local: str | None,
    odoo: str | None,
    *,
    base: tuple[str | None, str | None] = ("L", "O"),
    equal: bool = False,
    local_modified: str | None = NEWER_LOCAL,
    odoo_write_date: str | None = OLD,
) -> SyncInput:
    return SyncInput(
        key="p1",
        odoo_id=7,
        local_digest=local,
        odoo_digest=odoo,
        base_local=base[0],
        base_odoo=base[1],
        equal=equal,
        local_modified=local_modified,
        odoo_write_date=odoo_write_date,
        local_values={"title": "Lamp A", "price": "10"},
        odoo_values={"title": "Lamp B", "price": 10.0},
    )


# (case, input, policy, decision, resolution, is_conflict)
CASES: list[tuple[str, SyncInput, str, Decision, str | None, bool]] = [
    ("nothing changed", item("L", "O"), "newest", Decision.IN_SYNC, None, False),
    ("only local changed", item("L2", "O"), "newest", Decision.PUSH, None, False),
    (
        "only local changed, equal (a one-way field changed)",
        item("L2", "O", equal=True),
        "newest",
        Decision.PUSH,
        None,
        False,
    ),
    ("only Odoo changed", item("L", "O2"), "newest", Decision.PULL, None, False),
    (
        "only Odoo changed but equal to the catalog",
        item("L", "O2", equal=True),
        "skip",
        Decision.RELINK,
        None,
        False,
    ),
    (
        "both changed, now equal (crash after the Odoo write): re-link, no conflict",
        item("L2", "O2", equal=True),
        "skip",
        Decision.RELINK,
        None,
        False,
    ),
    (
        "never hashed link, equal: re-link",
        item("L", "O", base=(None, None), equal=True),
        "skip",
        Decision.RELINK,
        None,
        False,
    ),
    (
        "both changed, newest: local is newer",
        item("L2", "O2"),
        "newest",
        Decision.PUSH,
        "local",
        True,
    ),
    (
        "both changed, newest: Odoo is newer",
        item("L2", "O2", local_modified=OLDER_LOCAL),
        "newest",
        Decision.PULL,
        "odoo",
        True,
    ),
    (
        "both changed, newest: same second",
        item("L2", "O2", local_modified="2025-01-01T10:00:00Z"),
        "newest",
        Decision.CONFLICT,
        "unresolved: both sides changed at the same second",
        True,
    ),
    (
        "both changed, newest: no modified_at",
        item("L2", "O2", local_modified=None),
        "newest",
        Decision.CONFLICT,
        "unresolved: the catalog row has no usable modified time",
        True,
    ),
    (
        "both changed, policy local",
        item("L2", "O2", local_modified=OLDER_LOCAL),
        "local",
        Decision.PUSH,
        "local",
        True,
    ),
    ("both changed, policy odoo", item("L2", "O2"), "odoo", Decision.PULL, "odoo", True),
    ("both changed, policy skip", item("L2", "O2"), "skip", Decision.CONFLICT, "skip", True),
    ("row gone from the catalog", item(None, "O2"), "newest", Decision.SKIP, None, False),
    ("record gone from Odoo", item("L2", None), "newest", Decision.SKIP, None, False),
]


@pytest.mark.parametrize(
    ("input_", "policy", "decision", "resolution", "is_conflict"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decide(
    input_: SyncInput, policy: str, decision: Decision, resolution: str | None, is_conflict: bool
) -> None:
    step = decide(input_, policy)
    assert step.decision is decision
    assert step.resolution == resolution
    assert step.is_conflict is is_conflict
    assert (step.reason is not None) is (decision is Decision.SKIP)
    if is_conflict:
        details = step.conflict_details(policy)
        assert details == {
            "conflict": {"title": {"local": "Lamp A", "odoo": "Lamp B"}},
            "policy": policy,
            "decision": resolution,
        }


def test_decide_refuses_an_unknown_policy() -> None:
    with pytest.raises(ValueError, match="unknown conflict policy"):
        decide(item("L", "O"), "oldest")


@pytest.mark.parametrize(
    ("policy", "local", "odoo", "expected"),
    [
        ("local", None, None, Decision.PUSH),
        ("odoo", None, None, Decision.PULL),
        ("skip", NEWER_LOCAL, OLD, None),
        ("newest", NEWER_LOCAL, OLD, Decision.PUSH),
        ("newest", OLDER_LOCAL, OLD, Decision.PULL),
        ("newest", "2025-01-01T11:00:00+01:00", OLD, None),  # the same instant
        ("newest", "2025-01-01T11:00:01+01:00", OLD, Decision.PUSH),
        ("newest", "2025-01-01", OLD, Decision.PULL),
        ("newest", "not a date", OLD, None),
        ("newest", NEWER_LOCAL, False, None),
    ],
)
def test_resolve(policy: str, local: str | None, odoo: Any, expected: Decision | None) -> None:
    assert resolve(policy, local, odoo)[0] is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-01 10:00:00", datetime(2025, 1, 1, 10, tzinfo=UTC)),
        ("2025-01-01T10:00:00Z", datetime(2025, 1, 1, 10, tzinfo=UTC)),
        ("2025-01-01T12:00:00+02:00", datetime(2025, 1, 1, 10, tzinfo=UTC)),
        ("2025-01-01", datetime(2025, 1, 1, tzinfo=UTC)),
        (datetime(2025, 1, 1, 10), datetime(2025, 1, 1, 10, tzinfo=UTC)),
        ("", None),
        (False, None),
        (None, None),
        ("yesterday", None),
    ],
)
def test_parse_timestamp(value: Any, expected: datetime | None) -> None:
    assert parse_iso_or_none(value) == expected


def test_conflicting_fields_compares_in_comparable_form() -> None:
    assert conflicting_fields(
        {"title": "A", "price": "10", "ean": ""}, {"title": "B", "price": 10.0, "ean": False}
    ) == {"title": {"local": "A", "odoo": "B"}}
