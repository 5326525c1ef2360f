"""Export filters and schedule --filter pairs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from odoosync.catalog.filters import RowFilter, parse_filters, parse_where, values_equal
from odoosync.errors import CatalogError, ConfigError

ROWS: list[dict[str, Any]] = [
    {
        "id": "1",
        "supplier_id": "15",
        "ean": "4006381333931",
        "modified_at": "2025-12-16T09:00:00Z",
        "brand_name": "Acme",
    },
    {
        "id": "2",
        "supplier_id": 27,
        "ean": "",
        "modified_at": "2025-12-15T23:30:00Z",
        "brand_name": "Zen",
    },
    {"id": 3, "supplier_id": 15.0, "ean": None, "modified_at": "", "brand_name": "Acme"},
    {
        "id": "4",
        "supplier_id": "27",
        "ean": "96385074",
        "modified_at": "2025-12-16T23:59:00+00:00",
        "brand_name": "acme",
    },
]


def ids(row_filter: RowFilter) -> list[str]:
    return [str(r["id"]) for r in ROWS if row_filter.matches(r)]


@pytest.mark.parametrize(
    ("row_filter", "expected"),
    [
        (RowFilter(), ["1", "2", "3", "4"]),
        (RowFilter(ids=("1", "3")), ["1", "3"]),
        (RowFilter(supplier_id="15"), ["1", "3"]),
        (RowFilter(supplier_id="27.0"), ["2", "4"]),
        (RowFilter(has_ean=True), ["1", "4"]),
        (RowFilter(has_ean=False), ["2", "3"]),
        (RowFilter(modified_since=datetime(2025, 12, 16, tzinfo=UTC)), ["1", "4"]),
        (RowFilter(modified_today=True, today=date(2025, 12, 16), tz=UTC), ["1", "4"]),
        (
            RowFilter(
                modified_today=True, today=date(2025, 12, 16), tz=timezone(timedelta(hours=2))
            ),
            ["1", "2"],
        ),
        (RowFilter(where=(("brand_name", "Acme"),)), ["1", "3"]),
        (RowFilter(where=(("brand_name", "Acme"), ("supplier_id", "15"))), ["1", "3"]),
        (RowFilter(supplier_id="15", has_ean=True), ["1"]),
    ],
)
def test_matches(row_filter: RowFilter, expected: list[str]) -> None:
    assert ids(row_filter) == expected


@pytest.mark.parametrize(
    ("left", "right", "equal"),
    [
        (15, "15", True),
        ("15.0", "15", True),
        (5.5, "5.50", True),
        ("a", " a ", True),
        ("", "", True),
        (None, "", True),
        (True, "true", True),
        (False, "true", False),
        ("15", "16", False),
        ("A", "a", False),
    ],
)
def test_values_equal(left: Any, right: Any, equal: bool) -> None:
    assert values_equal(left, right) is equal


def test_parse_filters_round_trip() -> None:
    parsed = parse_filters(
        {
            "supplier_id": "15",
            "has_ean": "true",
            "modified_today": "yes",
            "modified_since": "2025-01-01T00:00:00Z",
            "brand_name": "Acme",
            "ids": "1, 3",
        },
        today=date(2025, 12, 16),
    )
    assert parsed.supplier_id == "15" and parsed.has_ean is True and parsed.modified_today
    assert parsed.modified_since == datetime(2025, 1, 1, tzinfo=UTC)
    assert parsed.where == (("brand_name", "Acme"),)
    assert parsed.ids == ("1", "3")
    assert RowFilter().is_empty() and not parsed.is_empty()


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ({"has_ean": "maybe"}, "has_ean='maybe': expected true or false"),
        ({"modified_today": "2"}, "expected true or false"),
        ({"modified_since": "yesterday"}, "expected an ISO-8601 timestamp"),
        ({"supplier_id": ""}, "give a supplier id"),
        ({"supplier_id": "abc"}, "supplier_id='abc': a supplier id is a whole number"),
        ({"supplier_id": "1.5"}, "supplier_id='1.5': a supplier id is a whole number"),
        ({"supplier_id": "nan"}, "supplier_id='nan': a supplier id is a whole number"),
        ({"has_eans": "true"}, "did you mean 'has_ean'?"),
        ({"bad key": "x"}, "not a field name"),
    ],
)
def test_parse_filters_refuses(pairs: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_filters(pairs)
    assert message in str(info.value)


@pytest.mark.parametrize("value", ["15", " 15 ", "15.0", "-3"])
def test_parse_filters_takes_whole_supplier_ids(value: str) -> None:
    assert parse_filters({"supplier_id": value}).supplier_id == value.strip()


def test_parse_where() -> None:
    assert parse_where("brand_name = Acme") == ("brand_name", "Acme")
    assert parse_where("note=a=b") == ("note", "a=b")
    with pytest.raises(ConfigError, match="expected FIELD=VALUE"):
        parse_where("brand_name")


def test_check_columns_names_the_missing_column_and_the_catalogs() -> None:
    columns = ["id", "title", "brand_name", "supplier_id"]
    RowFilter(where=(("brand_name", "Acme"),), supplier_id="15").check_columns(columns)
    RowFilter().check_columns([])
    with pytest.raises(CatalogError) as info:
        RowFilter(where=(("nosuchcol", "1"),)).check_columns(columns)
    assert "filter 'nosuchcol': the catalog has no such column" in str(info.value)
    assert "id, title, brand_name, supplier_id" in str(info.value)
    with pytest.raises(CatalogError, match="did you mean 'brand_name'"):
        RowFilter(where=(("brand_nam", "Acme"),)).check_columns(columns)
    with pytest.raises(CatalogError, match="filter 'supplier_id'"):
        RowFilter(supplier_id="15").check_columns(["id", "title"])
