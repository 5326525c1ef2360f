"""Row filters for exports: the seed's bulk filters plus ``--where FIELD=VALUE``.

``RowFilter.matches(row)`` is pure; "today" is injected (``today``) so tests and schedules agree
on the date. Numbers and numeric strings compare equal (``supplier_id`` 15 matches "15" and
"15.0"). ``parse_filters`` reads schedule ``--filter`` pairs; ``RowFilter.check_columns`` checks
the columns a filter names against the catalog's, once it is open.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from odoosync.catalog.base import catalog_key
from odoosync.errors import CatalogError, ConfigError
from odoosync.suggest import did_you_mean
from odoosync.timestamps import parse_iso

__all__ = ["RowFilter", "parse_filters", "values_equal"]

_KNOWN = ("ids", "supplier_id", "has_ean", "modified_since", "modified_today")
_FIELD = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def values_equal(row_value: Any, wanted: Any) -> bool:
    """Equal as numbers when both are numeric, else as trimmed text (booleans as true/false)."""
    if row_value is None or row_value == "":
        return wanted is None or str(wanted).strip() == ""
    left, right = _number(row_value), _number(wanted)
    if left is not None and right is not None:
        return left == right
    if isinstance(row_value, bool):
        text = str(wanted).strip().lower()
        return (text in _TRUE) if row_value else (text in _FALSE)
    return str(row_value).strip() == str(wanted).strip()


def parse_timestamp(value: Any) -> datetime:
    """A catalog value as an aware UTC datetime (:func:`odoosync.timestamps.parse_iso`).

    ValueError, for callers to report, when it is not an ISO-8601 timestamp.
    """
    return parse_iso(value if isinstance(value, date) else str(value))


@dataclass(frozen=True)
class RowFilter:
    """Which catalog rows an export takes. Empty filter: every row."""

    ids: tuple[str, ...] = ()
    supplier_id: str | None = None
    has_ean: bool | None = None
    modified_since: datetime | None = None
    modified_today: bool = False
    where: tuple[tuple[str, str], ...] = ()
    #: the date "today" means (injected); None: the machine's local date when matching
    today: date | None = None
    #: the timezone modified_at is read in for modified_today; None: the machine's local zone
    tz: tzinfo | None = None
    key_field: str = "id"
    ean_field: str = "ean"
    supplier_field: str = "supplier_id"
    modified_field: str = "modified_at"

    def is_empty(self) -> bool:
        return not (
            self.ids
            or self.supplier_id is not None
            or self.has_ean is not None
            or self.modified_since is not None
            or self.modified_today
            or self.where
        )

    def check_columns(self, columns: Sequence[str]) -> None:
        """CatalogError (exit 3) when a ``--where`` field, or the supplier column of a supplier
        filter, is not one of the catalog's ``columns``: such a filter would match no row.
        """
        named = [name for name, _ in self.where]
        if self.supplier_id is not None:
            named.append(self.supplier_field)
        for name in named:
            if name not in columns:
                raise CatalogError(
                    f"filter {name!r}: the catalog has no such column"
                    f"{did_you_mean(name, columns)}; "
                    f"its columns are {', '.join(columns) or 'none'}."
                )

    def _modified(self, row: Mapping[str, Any]) -> datetime | None:
        raw = row.get(self.modified_field)
        if raw is None or raw == "":
            return None
        try:
            return parse_timestamp(raw)
        except ValueError:
            return None

    def matches(self, row: Mapping[str, Any]) -> bool:
        """Whether ``row`` passes every filter set."""
        if self.ids and catalog_key(row.get(self.key_field)) not in {
            catalog_key(i) for i in self.ids
        }:
            return False
        if self.supplier_id is not None and not values_equal(
            row.get(self.supplier_field), self.supplier_id
        ):
            return False
        if self.has_ean is not None:
            ean = row.get(self.ean_field)
            present = ean is not None and str(ean).strip() != ""
            if present != self.has_ean:
                return False
        if self.modified_since is not None or self.modified_today:
            modified = self._modified(row)
            if modified is None:
                return False
            if self.modified_since is not None and modified < self.modified_since:
                return False
            if self.modified_today:
                today = self.today or datetime.now(self.tz).date()
                local = modified.astimezone(self.tz) if self.tz else modified.astimezone()
                if local.date() != today:
                    return False
        return all(values_equal(row.get(name), value) for name, value in self.where)


def _bool(key: str, value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"filter {key}={value!r}: expected true or false")


def parse_where(text: str) -> tuple[str, str]:
    """``FIELD=VALUE`` (``--where``) as a pair; ConfigError when there is no ``=`` or field."""
    name, sep, value = text.partition("=")
    if not sep or not _FIELD.match(name.strip()):
        raise ConfigError(f"filter {text!r}: expected FIELD=VALUE, e.g. brand_name=Acme")
    return name.strip(), value.strip()


def parse_filters(pairs: Mapping[str, str], *, today: date | None = None) -> RowFilter:
    """Schedule ``--filter`` pairs: supplier_id, has_ean, modified_today, modified_since, ids
    (comma-separated keys), or any catalog FIELD=VALUE. ConfigError names the bad pair.
    """
    supplier_id: str | None = None
    has_ean: bool | None = None
    modified_since: datetime | None = None
    modified_today = False
    ids: tuple[str, ...] = ()
    where: list[tuple[str, str]] = []
    for raw_key, raw_value in pairs.items():
        key = raw_key.strip()
        value = str(raw_value).strip()
        if key == "supplier_id":
            if not value:
                raise ConfigError("filter supplier_id: give a supplier id, e.g. supplier_id=15")
            number = _number(value)
            if number is None or number != number.to_integral_value():
                raise ConfigError(
                    f"filter supplier_id={value!r}: a supplier id is a whole number, "
                    "e.g. supplier_id=15 (export --supplier-id 15)"
                )
            supplier_id = value
        elif key == "has_ean":
            has_ean = _bool(key, value)
        elif key == "modified_today":
            modified_today = _bool(key, value)
        elif key == "modified_since":
            try:
                modified_since = parse_timestamp(value)
            except ValueError:
                raise ConfigError(
                    f"filter modified_since={value!r}: expected an ISO-8601 timestamp, "
                    "e.g. 2025-01-01T00:00:00Z"
                ) from None
        elif key == "ids":
            ids = tuple(part.strip() for part in value.split(",") if part.strip())
        else:
            if not _FIELD.match(key):
                raise ConfigError(f"filter {key!r}: not a field name; use FIELD=VALUE")
            close = difflib.get_close_matches(key, _KNOWN, n=1, cutoff=0.8)
            if close:
                raise ConfigError(f"filter {key!r}: unknown filter (did you mean '{close[0]}'?)")
            where.append((key, value))
    return RowFilter(
        ids=ids,
        supplier_id=supplier_id,
        has_ean=has_ean,
        modified_since=modified_since,
        modified_today=modified_today,
        where=tuple(where),
        today=today,
    )
