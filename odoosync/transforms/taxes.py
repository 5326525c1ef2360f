"""The ``taxes`` transform: tax rates ("15", "5.5;15") ↔ Odoo ``taxes_id`` commands."""

from __future__ import annotations

from typing import Any

from odoosync.transforms.base import (
    Transform,
    TransformContext,
    is_empty,
    is_odoo_empty,
    mapping_error,
)
from odoosync.transforms.scalar import parse_decimal


def normalise_rate(value: Any) -> str:
    """A tax rate as a canonical string: 15, "15", "15.0" and 15.00 all give "15"; "5.50" → "5.5".

    Raises :class:`TransformError` for a value that is not a number.
    """
    number = parse_decimal(value, "tax rate")
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _rates(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return [item for item in value if not is_empty(item)]
    if isinstance(value, str):
        return [part for part in value.split(";") if part.strip()]
    return [value]


def _taxes_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value) or value is False:
        return [(6, 0, [])]
    lookup = {normalise_rate(key): tax_id for key, tax_id in ctx.taxes.items()}
    ids: list[int] = []
    for raw in _rates(value):
        rate = normalise_rate(raw)
        if rate not in lookup:
            raise mapping_error(
                f"tax rate {rate!r} has no Odoo tax: add it under [taxes] in mapping.toml "
                f'(e.g. "{rate}" = "{rate}%")',
                value,
            )
        tax_id = int(lookup[rate])
        if tax_id not in ids:
            ids.append(tax_id)
    return [(6, 0, ids)]


def tax_ids(value: Any) -> list[int]:
    """The tax ids an x2many value names: a list of ids, or commands (6, 4, 5)."""
    if is_odoo_empty(value):
        return []
    ids: list[int] = []
    for item in value:
        if isinstance(item, list | tuple):
            if not item:
                continue
            command = item[0]
            if command == 6:
                ids = [int(i) for i in item[2]]
            elif command == 4:
                ids.append(int(item[1]))
            elif command == 5:
                ids = []
            elif command in (2, 3):
                ids = [i for i in ids if i != int(item[1])]
        else:
            ids.append(int(item))
    return ids


def _taxes_from(value: Any, ctx: TransformContext) -> Any:
    ids = tax_ids(value)
    if not ids:
        return None
    rates: list[str] = []
    for tax_id in ids:
        rate = ctx.tax_rates.get(tax_id)
        if rate is None:
            raise mapping_error(f"Odoo tax {tax_id} has no rate in [taxes] of mapping.toml", value)
        rates.append(normalise_rate(rate))
    return ";".join(rates)


TAXES = Transform("taxes", _taxes_to, _taxes_from, "tax rate → [(6, 0, [ids])]")
