"""How a catalog value and an Odoo value brought back through the transforms' inverses are
compared: one canonical form (:func:`comparable`) and a digest over it (:func:`local_digest`),
shared by import, two-way sync and what travels between them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any


def comparable(value: Any) -> Any:
    """A canonical form for comparing a catalog value with an Odoo value brought back.

    Empty (None, False from Odoo, "") compare equal; numbers and numeric strings compare by value
    ("15", 15, 15.0 are one); lists compare element-wise.
    """
    if value is None or value == "" or value is False:
        return ""
    if value is True:
        return "true"
    if isinstance(value, int | float | Decimal):
        return _number(value)
    if isinstance(value, str):
        text = value.strip()
        number = _number_or_none(text)
        return text if number is None else number
    if isinstance(value, list | tuple):
        return tuple(comparable(v) for v in value)
    return str(value)


def _number_or_none(text: str) -> str | None:
    if not text or not any(c.isdigit() for c in text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return _number(number)


def _number(value: int | float | Decimal) -> str:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


def local_digest(values: Mapping[str, Any], fields: Sequence[str]) -> str:
    """A digest of ``fields`` of ``values`` in :func:`comparable` form.

    The same for a catalog row and for an Odoo record brought back through the transforms'
    inverses when their values are the same, so the two sides can be compared by digest.
    """
    canon = {name: comparable(values.get(name)) for name in sorted(fields)}
    text = json.dumps(canon, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
