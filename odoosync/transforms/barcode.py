"""The ``barcode`` transform: EAN-8, UPC-A, EAN-13 and GTIN-14, with their GS1 check digit."""

from __future__ import annotations

from typing import Any

from odoosync.transforms.base import (
    Transform,
    TransformContext,
    TransformError,
    is_empty,
    is_odoo_empty,
    mapping_error,
)

_BARCODE_KINDS = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}


def gs1_check_digit(body: str) -> int:
    """The GS1 check digit for the digits before it (EAN-8/13, UPC-A, GTIN-14)."""
    total = 0
    for position, digit in enumerate(reversed(body)):
        total += int(digit) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def validate_barcode(value: Any) -> str:
    """The barcode as a digit string, or TransformError naming what is wrong."""
    if isinstance(value, bool | float):
        raise mapping_error(
            f"{value!r} is not a barcode: store barcodes as text to keep leading zeros", value
        )
    text = str(value).strip().replace(" ", "")
    if not text.isdigit() or not text.isascii():
        raise mapping_error(f"barcode {value!r} must contain digits only", value)
    kind = _BARCODE_KINDS.get(len(text))
    if kind is None:
        raise mapping_error(
            f"barcode {value!r} has {len(text)} digits: expected 8 (EAN-8), 12 (UPC-A), "
            "13 (EAN-13) or 14 (GTIN-14)",
            value,
        )
    expected = gs1_check_digit(text[:-1])
    if int(text[-1]) != expected:
        raise mapping_error(
            f"barcode {text!r} has a wrong {kind} check digit: expected {expected}, got {text[-1]}",
            value,
        )
    return text


def _barcode_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return validate_barcode(value)


def _barcode_from(value: Any, ctx: TransformContext) -> Any:
    """Odoo's barcode, checked by the same rule as on the way out: the catalog only holds what
    export can send back. Odoo accepts any text (Code128 ``ABC-123``, wrong check digits); such
    a product is a MAPPING_ERROR in import and two-way sync, named, never imported only to fail
    every later export. To keep such barcodes, map the field without this transform."""
    if is_odoo_empty(value):
        return None
    try:
        return validate_barcode(str(value))
    except TransformError as exc:
        exc.message = (
            f"Odoo's {exc.message}; the barcode transform only takes EAN/UPC/GTIN codes "
            "(map barcode without a transform to keep other codes)"
        )
        raise


BARCODE = Transform("barcode", _barcode_to, _barcode_from, "EAN-8/13, UPC-A, GTIN-14 check digit")
