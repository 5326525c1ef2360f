"""``direct`` and ``custom`` mappings: values converted by the Odoo field's type
(from ``fields_get``) rather than by a named transform.
"""

from __future__ import annotations

from typing import Any

from odoosync.transforms.base import (
    TransformContext,
    TransformError,
    as_text,
    is_empty,
    is_odoo_empty,
    mapping_error,
)
from odoosync.transforms.scalar import DATE, DATETIME, INT, number_out, parse_bool, parse_decimal

_STRING_TYPES = {"char", "text", "html", "selection"}
_FLOAT_TYPES = {"float", "monetary"}


def coerce_direct(value: Any, field_type: str | None, ctx: TransformContext) -> Any:
    """A catalog value converted to the Odoo field's type; empty → ``False``.

    Unknown or absent types pass the value through (the engine resolves types with fields_get).
    """
    if is_empty(value):
        return False
    try:
        if field_type in _STRING_TYPES:
            return as_text(value)
        if field_type in _FLOAT_TYPES:
            return float(parse_decimal(value, "number"))
        if field_type == "integer":
            return INT.to_odoo(value, ctx)
        if field_type == "boolean":
            return parse_bool(value)
        if field_type == "many2one":
            number = parse_decimal(value, "record id")
            if number != number.to_integral_value() or number <= 0:
                raise mapping_error(f"{value!r} is not a record id", value)
            return int(number)
        if field_type == "date":
            return DATE.to_odoo(value, ctx)
        if field_type == "datetime":
            return DATETIME.to_odoo(value, ctx)
    except TransformError as exc:
        exc.message = f"{exc.message} (Odoo field type {field_type})"
        raise
    return value


def uncoerce_direct(value: Any, field_type: str | None, ctx: TransformContext) -> Any:
    """An Odoo value as a catalog value: ``False`` → None (except booleans), many2one → id."""
    if field_type == "boolean":
        return None if value is None else bool(value)
    if is_odoo_empty(value):
        return None
    if field_type == "many2one" or (
        isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], int)
    ):
        return int(value[0]) if isinstance(value, list | tuple) else int(value)
    if field_type in _FLOAT_TYPES:
        return number_out(value)
    if field_type == "datetime":
        return DATETIME.from_odoo(value, ctx)
    return value
