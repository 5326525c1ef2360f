"""The one ISO-8601 reader and writer every module uses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from odoosync.timestamps import iso, parse_iso

NOON = datetime(2025, 12, 16, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2025-12-16T12:00:00Z",
        "2025-12-16T12:00:00z",
        " 2025-12-16 12:00:00 ",
        "2025-12-16T13:00:00+01:00",
        datetime(2025, 12, 16, 12, 0),
        datetime(2025, 12, 16, 14, 0, tzinfo=timezone(timedelta(hours=2))),
    ],
)
def test_every_spelling_of_the_same_moment_reads_as_utc(value: str | datetime) -> None:
    assert parse_iso(value) == NOON
    assert iso(parse_iso(value)) == "2025-12-16T12:00:00Z"


def test_a_date_is_its_midnight_and_garbage_is_a_value_error() -> None:
    assert parse_iso(date(2025, 12, 16)) == parse_iso("2025-12-16") == NOON - timedelta(hours=12)
    with pytest.raises(ValueError):
        parse_iso("16/12/2025")
