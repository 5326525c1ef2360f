from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from odoosync.errors import ConfigError
from odoosync.history.schedules import (
    claim,
    claim_due,
    create_schedule,
    release,
    toggle_schedule,
    update_schedule,
)
from odoosync.history.store import History
from odoosync.schedules.cron import Cron, validate_cron
from odoosync.schedules.model import Schedule, due, parse_filter_args


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]  # mypy cannot check datetime(*ints) positions


def fires(expr: str, tz: str, after: datetime, n: int) -> list[str]:
    cron = Cron(expr, tz)
    out: list[str] = []
    for _ in range(n):
        after = cron.next_after(after)
        out.append(after.strftime("%Y-%m-%dT%H:%MZ"))
    return out


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ("61 * * * *", "out of range"),
        ("* * *", "it has 3 fields, and a cron expression has five"),
        ("every day", "it has 2 fields"),
        ("0 6 * * 8", "out of range"),
        ("*/0 * * * *", "step '0'"),
        ("0 6 31 2 *", "it never fires"),
        ("* * * * * *", "it has 6 fields"),
    ],
)
def test_invalid_cron_is_a_config_error_with_the_reason(expr: str, reason: str) -> None:
    with pytest.raises(ConfigError) as info:
        validate_cron(expr)
    message = str(info.value)
    assert message.startswith(f"Invalid cron expression {expr!r}: ")
    assert reason in message
    assert "five fields" in message
    assert info.value.exit_code == 3


def test_valid_cron_is_normalised() -> None:
    assert validate_cron("  0   6 * * mon ") == "0 6 * * mon"
    assert validate_cron("@daily") == "@daily"


def test_unknown_timezone() -> None:
    with pytest.raises(ConfigError, match="Unknown time zone 'Mars/Base'"):
        Cron("0 6 * * *", "Mars/Base").next_after(utc(2025, 1, 1))


# --------------------------------------------------------------------------- fire times and DST


def test_fire_times_in_utc_and_a_zone() -> None:
    assert fires("0 6 * * *", "UTC", utc(2025, 1, 1, 6), 2) == [
        "2025-01-02T06:00Z",
        "2025-01-03T06:00Z",
    ]
    assert fires("0 6 * * *", "Europe/Paris", utc(2025, 1, 1), 1) == ["2025-01-01T05:00Z"]
    assert fires("0 6 * * *", "Europe/Paris", utc(2025, 7, 1), 1) == ["2025-07-01T04:00Z"]


def test_paris_spring_forward() -> None:
    # 2025-03-30 02:00 CET -> 03:00 CEST: 02:30 does not exist and fires when the clocks jump
    assert fires("30 2 * * *", "Europe/Paris", utc(2025, 3, 29, 1, 30), 3) == [
        "2025-03-30T01:00Z",  # 03:00 CEST
        "2025-03-31T00:30Z",  # 02:30 CEST
        "2025-04-01T00:30Z",
    ]
    assert fires("0 6 * * *", "Europe/Paris", utc(2025, 3, 29, 0), 2) == [
        "2025-03-29T05:00Z",  # 06:00 CET
        "2025-03-30T04:00Z",  # 06:00 CEST
    ]
    # an hourly job loses the hour that does not exist, and nothing fires twice
    assert fires("0 * * * *", "Europe/Paris", utc(2025, 3, 30, 0, 0), 3) == [
        "2025-03-30T01:00Z",  # 03:00 CEST (02:00 never happened)
        "2025-03-30T02:00Z",  # 04:00 CEST
        "2025-03-30T03:00Z",
    ]


def test_paris_fall_back() -> None:
    # 2025-10-26 03:00 CEST -> 02:00 CET: 02:30 happens twice; a daily job fires once
    assert fires("30 2 * * *", "Europe/Paris", utc(2025, 10, 25, 0), 3) == [
        "2025-10-25T00:30Z",  # 02:30 CEST
        "2025-10-26T00:30Z",  # 02:30 CEST, the first of the two
        "2025-10-27T01:30Z",  # 02:30 CET
    ]


def test_new_york_spring_forward() -> None:
    # 2025-03-09 02:00 EST -> 03:00 EDT
    assert fires("30 2 * * *", "America/New_York", utc(2025, 3, 8, 8), 2) == [
        "2025-03-09T07:00Z",  # 03:00 EDT, when 02:30 would have been
        "2025-03-10T06:30Z",  # 02:30 EDT
    ]
    assert fires("*/30 * * * *", "America/New_York", utc(2025, 3, 9, 6, 30), 2) == [
        "2025-03-09T07:00Z",  # 03:00 EDT right after 01:30 EST
        "2025-03-09T07:30Z",
    ]


def test_new_york_fall_back() -> None:
    # 2025-11-02 02:00 EDT -> 01:00 EST: 01:00-01:59 happens twice
    assert fires("30 1 * * *", "America/New_York", utc(2025, 11, 1, 6), 2) == [
        "2025-11-02T05:30Z",  # 01:30 EDT only
        "2025-11-03T06:30Z",  # 01:30 EST
    ]
    # a job with a wildcard hour follows elapsed time through the repeated hour
    assert fires("*/30 * * * *", "America/New_York", utc(2025, 11, 2, 5, 0), 5) == [
        "2025-11-02T05:30Z",  # 01:30 EDT
        "2025-11-02T06:00Z",  # 01:00 EST
        "2025-11-02T06:30Z",  # 01:30 EST
        "2025-11-02T07:00Z",  # 02:00 EST
        "2025-11-02T07:30Z",
    ]


# --------------------------------------------------------------------------- due


def make(**kw: object) -> Schedule:
    values: dict[str, object] = {
        "id": 1,
        "name": "daily",
        "cron_expression": "0 6 * * *",
        "profile": "production",
        "created_at": "2025-12-01T12:00:00Z",
    }
    values.update(kw)
    return Schedule(**values)  # type: ignore[arg-type]  # values is a dict[str, object] of the fields


def test_due_after_the_first_fire_time_since_creation() -> None:
    schedule = make()
    assert not due(schedule, utc(2025, 12, 2, 5, 59), "UTC")
    assert due(schedule, utc(2025, 12, 2, 6, 0), "UTC")


def test_missed_fire_times_make_it_due_once() -> None:
    schedule = make()
    now = utc(2025, 12, 9, 12)  # seven fire times missed
    assert due(schedule, now, "UTC")
    schedule.last_run_at = "2025-12-09T12:00:00Z"
    assert not due(schedule, now, "UTC")
    assert not due(schedule, now + timedelta(hours=17, minutes=59), "UTC")
    assert due(schedule, now + timedelta(hours=18), "UTC")


def test_disabled_schedules_are_never_due() -> None:
    schedule = make(is_enabled=False)
    assert not due(schedule, utc(2026, 1, 1), "UTC")
    assert schedule.to_json("UTC")["next_run_at"] is None


def test_to_json_shape_and_local_time() -> None:
    doc = make(filters={"modified_today": True}).to_json("Europe/Paris")
    assert list(doc)[:14] == [
        "id", "name", "description", "cron_expression", "sync_direction", "sync_type",
        "filters", "batch_size", "is_enabled", "profile", "last_run_at", "last_status",
        "last_batch_id", "next_run_at",
    ]  # fmt: skip
    assert doc["next_run_at"] == "2025-12-02T05:00:00Z"
    assert doc["next_run_at_local"] == "2025-12-02T06:00:00+01:00"
    assert doc["filters"] == {"modified_today": True}


# --------------------------------------------------------------------------- stored schedules


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "odoosync.db")


NOW = utc(2025, 12, 1, 12)


def add(history: History, **kw: object) -> Schedule:
    args: dict[str, object] = {
        "name": "daily",
        "cron": "0 6 * * *",
        "profile": "production",
        "now": NOW,
        "timezone": "UTC",
    }
    args.update(kw)
    return create_schedule(history, **args)  # type: ignore[arg-type]  # args is a dict[str, object] of keywords


def test_create_validates_everything(history: History) -> None:
    with pytest.raises(ConfigError, match="Invalid cron expression"):
        add(history, cron="nope")
    with pytest.raises(ConfigError, match="Unknown direction 'sideways'"):
        add(history, direction="sideways")
    with pytest.raises(ConfigError, match="Unknown sync type 'partial'"):
        add(history, sync_type="partial")
    with pytest.raises(ConfigError, match="has_ean"):
        add(history, filters={"has_ean": "maybe"})
    with pytest.raises(ConfigError, match="modified_since"):
        add(history, filters={"modified_since": "last week"})
    with pytest.raises(ConfigError, match="batch-size"):
        add(history, batch_size=0)
    assert history.schedules() == []
    created = add(history, filters={"supplier_id": "15", "has_ean": "true"}, batch_size=200)
    assert created.id == 1
    assert created.filters == {"supplier_id": 15, "has_ean": True}
    assert created.filter_pairs() == {"supplier_id": "15", "has_ean": "true"}
    assert created.next_run_at == "2025-12-02T06:00:00Z"


def test_parse_filter_args() -> None:
    assert parse_filter_args(["supplier_id=15", "brand = Acme"]) == {
        "supplier_id": "15",
        "brand": "Acme",
    }
    with pytest.raises(ConfigError, match="not KEY=VALUE"):
        parse_filter_args(["has_ean"])


def test_update_and_toggle(history: History) -> None:
    created = add(history)
    assert created.id is not None
    changed = update_schedule(
        history, created.id, timezone="UTC", cron="0 8 * * *", batch_size=200, name=None
    )
    assert (changed.cron_expression, changed.batch_size, changed.name) == (
        "0 8 * * *",
        200,
        "daily",
    )
    assert changed.next_run_at == "2025-12-02T08:00:00Z"
    off = toggle_schedule(history, created.id, now=NOW, timezone="UTC")
    assert not off.is_enabled and off.next_run_at is None
    on = toggle_schedule(history, created.id, now=NOW, timezone="UTC")
    assert on.is_enabled
    with pytest.raises(ConfigError, match="No schedule with id 9"):
        toggle_schedule(history, 9, now=NOW)
    assert history.delete_schedule(created.id)
    assert not history.delete_schedule(created.id)


def test_claim_due_claims_once_and_release_records_the_run(history: History) -> None:
    daily = add(history)
    add(history, name="disabled", enabled=False)
    add(history, name="weekly", cron="0 7 * * 1")  # next Monday 2025-12-08
    now = utc(2025, 12, 3, 9)
    claimed = claim_due(history, now, pid=4242, timezone="UTC", alive=lambda pid: True)
    assert [s.name for s in claimed] == ["daily"]
    # a second, overlapping caller finds it taken by a live process
    assert claim_due(history, now, pid=4343, timezone="UTC", alive=lambda pid: True) == []
    assert daily.id is not None
    done = release(history, daily.id, "success", "sync_20251203_090000", now, timezone="UTC")
    assert done.last_run_at == "2025-12-03T09:00:00Z"
    assert (done.last_status, done.last_batch_id) == ("success", "sync_20251203_090000")
    assert done.next_run_at == "2025-12-04T06:00:00Z"
    assert done.running_pid is None
    assert claim_due(history, now + timedelta(hours=1), pid=1, timezone="UTC") == []
    again = claim_due(history, utc(2025, 12, 4, 6), pid=1, timezone="UTC", alive=lambda p: True)
    assert [s.name for s in again] == ["daily"]


def test_a_dead_claimer_is_reclaimed(history: History) -> None:
    add(history)
    now = utc(2025, 12, 3, 9)
    assert claim_due(history, now, pid=4242, timezone="UTC", alive=lambda pid: True)
    reclaimed = claim_due(history, now, pid=5, timezone="UTC", alive=lambda pid: pid != 4242)
    assert [s.running_pid for s in reclaimed] == [5]


def test_release_without_status_gives_the_claim_back(history: History) -> None:
    daily = add(history)
    assert daily.id is not None
    now = utc(2025, 12, 3, 9)
    claim_due(history, now, pid=4242, timezone="UTC", alive=lambda pid: True)
    back = release(history, daily.id, None, None, now, timezone="UTC")
    assert back.last_run_at is None and back.running_pid is None
    assert due(back, now, "UTC")


def test_claim_one_to_run_it_now(history: History) -> None:
    daily = add(history)
    assert daily.id is not None
    taken = claim(history, daily.id, NOW, pid=77, alive=lambda pid: True)
    assert taken.running_pid == 77
    with pytest.raises(ConfigError, match="running already"):
        claim(history, daily.id, NOW, pid=78, alive=lambda pid: True)
    with pytest.raises(ConfigError, match="No schedule with id 5"):
        claim(history, 5, NOW, pid=78)
