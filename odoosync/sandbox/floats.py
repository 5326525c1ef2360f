"""Float and monetary fields: their digits, the rounding they apply when stored, and non-finite
numbers (issue 11 item 4).

Odoo 17 stores a ``fields.Float`` through ``convert_to_cache``/``convert_to_column``: ``float(value
or 0.0)``, then, when the field has ``digits``, ``float_round(value, precision_digits=...)``
(``odoo/tools/float_utils.py``), whose last step is Python's ``round()`` of the normalised value.
``round(nan)`` raises ``ValueError: cannot convert float NaN to integer`` and ``round(±inf)``
``OverflowError: cannot convert float infinity to integer``: a ``create``/``write`` fails with
fault 1 and that line, and ``load`` logs it per row as "Unknown error during import: <class
'ValueError'>: ...". A ``fields.Monetary`` rounds with its currency (``currency.round``, the same
``float_round``), so it fails the same way.

Floats *without* digits are stored as sent (PostgreSQL's ``float8`` takes ``NaN`` and
``Infinity``): ``uom.uom``'s ratios (``digits=0``) and custom ``x_`` float fields
(``ir.model.fields`` has no digits), which keeps the sandbox as permissive as Odoo there. Every
other float field of the modelled models has digits ("Product Price", "Stock Weight", "Volume",
"Product Unit of Measure", ``(16, 4)`` for taxes...).

Stored values are rounded to the field's digits, half away from zero: a real Odoo 17 stored
``list_price = 2.675`` as ``2.68`` and ``weight = 1.23456`` as ``1.23``; its ``fields_get`` with
``attributes=["digits"]`` answers ``[16, 2]`` for every product float that has digits in a default
database (the precisions "Product Price", "Stock Weight", "Volume", "Product Unit of Measure" are
all 2 there) and no ``digits`` key for the computed ``reordering_min_qty``/``reordering_max_qty``
and the valuation fields. A real Odoo 19 answers ``"digits": False`` for the prices (``list_price``,
``standard_price``, ``lst_price``, ``price_extra``) and stores them unrounded (``2.675`` stays).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from odoosync.sandbox.specs import FieldDef

#: float fields declared with ``digits=0`` (or none): ``float_round`` is not applied
DIGITLESS: frozenset[tuple[str, str]] = frozenset(
    {
        ("uom.uom", "factor"),
        ("uom.uom", "factor_inv"),
        ("uom.uom", "rounding"),
        ("uom.uom", "relative_factor"),
    }
)


#: float fields whose ``fields_get`` has no ``digits`` (computed; observed on a real Odoo 17)
NO_DIGITS: frozenset[tuple[str, str]] = frozenset(
    {
        (model, name)
        for model in ("product.template", "product.product")
        for name in ("reordering_min_qty", "reordering_max_qty")
    }
    | {
        ("product.product", name)
        for name in ("value_svl", "quantity_svl", "avg_cost", "total_value")
    }
)
#: the scale of the float fields whose precision is not 2 in a default database
SCALES: dict[tuple[str, str], int] = {("account.tax", "amount"): 4}
#: Odoo 19's prices: ``fields_get`` answers ``"digits": False`` and the value is stored as sent
#: (a real 19 kept ``list_price = 2.675``); the precision only sets how many decimals show
UNROUNDED_FROM_19: frozenset[tuple[str, str]] = frozenset(
    {("product.template", n) for n in ("list_price", "standard_price")}
    | {("product.product", n) for n in ("list_price", "lst_price", "price_extra", "standard_price")}
)


def digits(
    model: str, name: str, fdef: FieldDef, version: int = 17
) -> tuple[int, int] | bool | None:
    """``fields_get``'s ``digits`` of a float field: (precision, scale), ``False`` (declared
    without: Odoo 19's prices), or None (no ``digits`` key)."""
    if fdef["type"] != "float" or not rounds(model, name, fdef) or (model, name) in NO_DIGITS:
        return None
    if version >= 19 and (model, name) in UNROUNDED_FROM_19:
        return False
    return 16, SCALES.get((model, name), 2)


def stored_float(model: str, name: str, fdef: FieldDef, number: float, version: int = 17) -> float:
    """``number`` as the field stores it: rounded to its digits (half away from zero), after
    :func:`check_finite`."""
    number = check_finite(model, name, fdef, number)
    found = digits(model, name, fdef, version)
    if not isinstance(found, tuple) or not math.isfinite(number):
        return number
    step = Decimal(1).scaleb(-found[1])
    return float(Decimal(repr(number)).quantize(step, rounding=ROUND_HALF_UP))


def rounds(model: str, name: str, fdef: FieldDef) -> bool:
    """Whether Odoo rounds this field's values (``float_round``) before storing them."""
    if fdef["type"] == "monetary":
        return True
    return not fdef.get("manual") and (model, name) not in DIGITLESS


def check_finite(model: str, name: str, fdef: FieldDef, number: float) -> float:
    """``number``, or the error ``float_round``'s ``round()`` raises on NaN or ±Infinity."""
    if not math.isfinite(number) and rounds(model, name, fdef):
        round(number)  # ValueError (NaN) or OverflowError (±inf), Odoo's own message
    return number
