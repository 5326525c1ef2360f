"""A value as Odoo stores it after a ``create``/``write``/``load`` over XML-RPC, worked out from
what was sent, so an export can hash the Odoo side of a link without reading it back.

What a real Odoo 17 and 19 do (checked against both, recorded in
``tests/engine/test_sent_hash_fidelity.py``):

- char/text keep leading and trailing whitespace, tabs, no-break spaces: ``fields.Char``'s
  ``trim`` (``True`` in ``fields_get``) is applied by the web client only, never by the ORM;
- every string loses its carriage returns on the way in: the XML parser of the request turns
  ``\\r\\n`` and a lone ``\\r`` into ``\\n`` (XML end-of-line handling), whatever the field;
- a number sent to a char/text field is stored as its text (``1234`` -> ``"1234"``, ``12.5`` ->
  ``"12.5"``);
- an integer field truncates a float (``7.9`` -> ``7``), and stores an empty value as ``0``
  (a float field as ``0.0``);
- a boolean field stores the value's truth (``"yes"`` -> ``True``);
- a many2many set by ids (or one ``(6, 0, ids)`` command) holds each id once;
- a float field with digits (``fields_get``: ``[16, 2]``) keeps a number that has no more
  decimals than its scale as sent (``12.5`` -> ``12.5``); more decimals are rounded (``2.675`` ->
  ``2.68``, half away from zero), which this module leaves to a read; a float whose ``digits``
  is ``False`` (Odoo 19's prices) keeps any number as sent (a real 19 kept ``2.675``).

Anything else (a boolean sent to a char field, x2many commands that add to what is there, a
string for a relational field...) has no known stored form here: :func:`as_stored` answers
``UNKNOWN`` and the caller reads the field back.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any, Final

from odoosync.engine.odoo_side import EXACT

#: :func:`as_stored`'s answer for a value whose stored form is not known from what was sent
UNKNOWN: Final = object()


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def _float(value: Any, scale: int | None) -> Any:
    """A number with no more decimals than ``scale`` is kept as sent; anything else (rounded by
    Odoo, no digits known, not a number) is UNKNOWN."""
    if scale is None or isinstance(value, bool) or not isinstance(value, int | float):
        return UNKNOWN
    number = float(value)
    if not math.isfinite(number):
        return UNKNOWN
    if scale == EXACT:
        return number
    exponent = Decimal(repr(number)).as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -scale:
        return UNKNOWN
    return number


def _ids(value: Any) -> list[int] | None:
    """The ids a many2many value sets: a list of ids, or commands that replace (5, 6) and
    then only add (4); ``None`` for commands whose result depends on what Odoo held."""
    if not isinstance(value, list | tuple):
        return None
    if all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        return sorted(set(value))
    ids: list[int] = []
    replaced = False
    for item in value:
        if not isinstance(item, list | tuple) or not item:
            return None
        if item[0] == 6 and len(item) == 3:
            ids, replaced = [int(i) for i in item[2]], True
        elif item[0] == 5:
            ids, replaced = [], True
        elif item[0] == 4 and replaced and len(item) >= 2:
            ids.append(int(item[1]))
        else:
            return None
    return sorted(set(ids)) if replaced else None


def as_stored(value: Any, field_type: str | None, scale: int | None = None) -> Any:
    """``value`` (sent to a field of ``field_type``; ``scale``: a float field's digits) as a read
    would return it, up to what :func:`odoosync.mapping.rows.field_hash` tells apart (``False``,
    ``None`` and ``""`` hash alike; a many2one's ``[id, name]`` hashes as its id);
    :data:`UNKNOWN` when it cannot say."""
    empty = value is None or value is False or value == ""
    if field_type == "float":  # ``float(value or 0.0)``: an empty value is stored as 0.0
        return 0.0 if empty else _float(value, scale)
    if field_type == "integer" and empty:  # ``int(value or 0)``
        return 0
    if empty:
        return None
    if field_type in ("char", "text", "selection"):
        if isinstance(value, str):
            return _text(value)
        if (
            field_type != "selection"
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            return str(value)
        return UNKNOWN
    if field_type == "boolean":
        return bool(value)
    if field_type == "integer":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return UNKNOWN
        return int(value)
    if field_type == "many2one":
        if isinstance(value, list | tuple) and value and isinstance(value[0], int):
            return int(value[0])
        return value if isinstance(value, int) and not isinstance(value, bool) else UNKNOWN
    if field_type == "many2many":
        ids = _ids(value)
        return UNKNOWN if ids is None else ids
    return UNKNOWN


__all__ = ["UNKNOWN", "as_stored"]
