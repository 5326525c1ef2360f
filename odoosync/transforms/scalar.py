"""The scalar transforms: numbers (decimal, float, int), bool, text (string, strip, upper,
lower) and dates (date, datetime), with the number parser the other transforms share.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from odoosync.timestamps import parse_iso
from odoosync.transforms.base import (
    Transform,
    TransformContext,
    as_text,
    is_empty,
    is_odoo_empty,
    mapping_error,
)

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$")


def parse_decimal(value: Any, what: str) -> Decimal:
    """A number from a catalog value; a comma decimal separator is refused with a hint."""
    if isinstance(value, bool):
        raise mapping_error(f"expected a {what}, got the boolean {value!r}", value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.match(text):
            return Decimal(text)
        if _COMMA_DECIMAL.match(text):
            suggestion = text.replace(".", "").replace(",", ".")
            raise mapping_error(
                f"{value!r} is not a {what}: use a dot as the decimal separator ({suggestion!r})",
                value,
            )
    raise mapping_error(f"{value!r} is not a {what}", value)


def number_out(value: Any) -> float | None:
    """An Odoo number as a catalog value (six decimals at most); ``False`` → None."""
    if is_odoo_empty(value):
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return round(float(value), 6)
    return float(parse_decimal(value, "number"))


# --------------------------------------------------------------------------------------------
# scalar transforms


def _decimal_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return float(parse_decimal(value, "decimal number"))


def _float_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return float(parse_decimal(value, "number"))


def _decimal_from(value: Any, ctx: TransformContext) -> Any:
    return number_out(value)


def _int_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    number = parse_decimal(value, "whole number")
    if number != number.to_integral_value():
        raise mapping_error(f"{value!r} is not a whole number", value)
    return int(number)


def _int_from(value: Any, ctx: TransformContext) -> Any:
    if is_odoo_empty(value):
        return None
    if isinstance(value, list | tuple) and value:  # a many2one pair read into an int column
        value = value[0]
    return int(value)


_TRUE = {"true", "yes", "1", "y", "on", "t"}
_FALSE = {"false", "no", "0", "n", "off", "f"}


def parse_bool(value: Any) -> bool:
    """true/false/yes/no/1/0 (any case), Python booleans and 0/1 numbers; else TransformError."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise mapping_error(f"{value!r} is not a boolean: use true/false, yes/no or 1/0", value)


def _bool_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return parse_bool(value)


def _bool_from(value: Any, ctx: TransformContext) -> Any:
    if value is None:
        return None
    return bool(value)


def _string_to(value: Any, ctx: TransformContext) -> Any:
    if value is None or value == "":
        return False
    return as_text(value)


def _string_from(value: Any, ctx: TransformContext) -> Any:
    if is_odoo_empty(value):
        return None
    return as_text(value)


def _strip_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return as_text(value).strip()


def _upper_to(value: Any, ctx: TransformContext) -> Any:
    return False if is_empty(value) else as_text(value).strip().upper()


def _lower_to(value: Any, ctx: TransformContext) -> Any:
    return False if is_empty(value) else as_text(value).strip().lower()


# --------------------------------------------------------------------------------------------
# dates


def _parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str | date):
        raise mapping_error(f"{value!r} is not an ISO-8601 date/time", value)
    try:
        return parse_iso(value)
    except ValueError:
        raise mapping_error(
            f"{value!r} is not an ISO-8601 date/time (e.g. 2025-12-16T14:30:22Z)", value
        ) from None


def _date_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise mapping_error(f"{value!r} is not a valid date", value) from None
    return _parse_datetime(value).date().isoformat()


def _date_from(value: Any, ctx: TransformContext) -> Any:
    if is_odoo_empty(value):
        return None
    return str(value)[:10]


def _datetime_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return _parse_datetime(value).strftime("%Y-%m-%d %H:%M:%S")


def _datetime_from(value: Any, ctx: TransformContext) -> Any:
    if is_odoo_empty(value):
        return None
    moment = _parse_datetime(str(value).replace(" ", "T", 1))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


DECIMAL = Transform("decimal", _decimal_to, _decimal_from, "money: 12.5, '12.50'; refuses '12,50'")
FLOAT = Transform("float", _float_to, _decimal_from, "a number")
INT = Transform("int", _int_to, _int_from, "a whole number")
BOOL = Transform("bool", _bool_to, _bool_from, "true/false, yes/no, 1/0")
STRING = Transform("string", _string_to, _string_from, "text as is")
STRIP = Transform("strip", _strip_to, _string_from, "text without surrounding blanks")
UPPER = Transform("upper", _upper_to, _string_from, "UPPER CASE text")
LOWER = Transform("lower", _lower_to, _string_from, "lower case text")
DATE = Transform("date", _date_to, _date_from, "ISO date → YYYY-MM-DD")
DATETIME = Transform("datetime", _datetime_to, _datetime_from, "ISO-8601 → UTC YYYY-MM-DD HH:MM:SS")

TRANSFORMS = (DECIMAL, FLOAT, INT, BOOL, STRING, STRIP, UPPER, LOWER, DATE, DATETIME)
