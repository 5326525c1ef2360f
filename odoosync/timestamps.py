"""UTC timestamps as odoosync stores and prints them: ``2025-12-16T14:30:22Z``.

Second precision and a ``Z``, so that text order is time order. Naive values are taken as UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """``2025-12-16T14:30:22Z``: UTC, second precision (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_iso() -> str:
    """The current time as :func:`iso` writes it."""
    return iso(utc_now())


def parse_iso(value: str | date) -> datetime:
    """An ISO-8601 date or date-time (``Z`` allowed) as an aware UTC datetime; naive is UTC.

    A ``date`` is its midnight. Raises ValueError for text that is not ISO-8601.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = value.strip()
        if text.endswith("z"):
            text = text[:-1] + "Z"
        moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_iso_or_none(value: object) -> datetime | None:
    """:func:`parse_iso`, lenient: also Odoo's ``YYYY-MM-DD HH:MM:SS`` (UTC), and ``None`` for
    what is not a time (``None``, ``False``, empty or unparsable text)."""
    if not isinstance(value, str | date) or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_iso(value)
    except ValueError:
        return None
