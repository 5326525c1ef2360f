"""Non-finite numbers in float and monetary fields (issue 11 item 4).

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
"""

from __future__ import annotations

import math

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
