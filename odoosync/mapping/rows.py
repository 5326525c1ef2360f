"""Catalog rows ↔ Odoo values through a :class:`~odoosync.mapping.model.MappingConfig`.

``map_row`` turns a catalog row into the values of one ``create``/``write`` with per-field hashes;
``unmap_record`` is its inverse for imports. ``odoo_values_digest`` hashes Odoo's side the same
way, so a local row and the Odoo record it was pushed to hash alike.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from odoosync.transforms import (
    REGISTRY,
    REQUIRED_FIELD_MISSING,
    ImageFile,
    TransformContext,
    TransformError,
    coerce_direct,
    image_digest_bytes,
    is_empty,
    tax_ids,
    uncoerce_direct,
)

if TYPE_CHECKING:  # mapping.py re-exports this module's names, so it is imported for types only
    from odoosync.mapping.model import FieldMapping, MappingConfig

__all__ = [
    "MappedProduct",
    "digest_of_hashes",
    "field_hash",
    "key_of",
    "map_row",
    "odoo_values_digest",
    "unmap_record",
]


def _normalise(value: Any) -> Any:
    if value is None or value is False or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        value = round(value, 6)
        return int(value) if value.is_integer() else value
    if isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return _normalise(float(value))
    if isinstance(value, list | tuple):
        if len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
            return value[0]  # many2one [id, name]
        if all(isinstance(item, int) and not isinstance(item, bool) for item in value) or all(
            isinstance(item, list | tuple) for item in value
        ):
            return sorted(tax_ids(value))
        return [_normalise(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _normalise(v) for k, v in sorted(value.items())}
    return str(value)


#: ``json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, built once:
#: ``json.dumps`` with options builds a new encoder on every call (a digest is hot: ~6 a product)
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _sha(payload: Any) -> str:
    return hashlib.sha256(_ENCODE(payload).encode("utf-8")).hexdigest()


def field_hash(odoo_field: str, value: Any) -> str:
    """A stable digest of one Odoo value; images (``image_*``) are hashed by their decoded bytes."""
    if isinstance(value, ImageFile):
        return value.digest
    if odoo_field.startswith("image_") and isinstance(value, str) and value:
        data = image_digest_bytes(value)
        if data is not None:
            return hashlib.sha256(data).hexdigest()
    return _sha(_normalise(value))


def odoo_values_digest(values: Mapping[str, Any]) -> str:
    """A digest over Odoo values (local-mapped or read from Odoo: both hash alike)."""
    return digest_of_hashes({name: field_hash(name, value) for name, value in values.items()})


def digest_of_hashes(hashes: Mapping[str, str]) -> str:
    """What :func:`odoo_values_digest` gives for values with these per-field hashes."""
    return _sha(dict(hashes))


# --------------------------------------------------------------------------------------------
# mapping rows and records


@dataclass(frozen=True)
class MappedProduct:
    """One catalog row as Odoo values, ready for create/write; ``error`` if a mapping failed."""

    key: str
    values: dict[str, Any]
    fields: list[str]
    hashes: dict[str, str]
    digest: str
    error: TransformError | None = None


def key_of(value: Any) -> str:
    """A catalog key as text: 12, 12.0 and "12" are the same product."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def unusable(value: Any, *, takes_lists: bool) -> str | None:
    """Why a catalog value cannot be one Odoo value (a SQLite BLOB, a JSON object, a list where
    one value is expected, NaN or ±Infinity), or None. Such a value is a product's
    ``MAPPING_ERROR``: sent as text it would become ``b'\\x00'`` or ``{'a': 1}`` in Odoo."""
    if isinstance(value, bytes | bytearray | memoryview):
        return "is binary data (a BLOB), not text or a number"
    if isinstance(value, dict):
        return "is an object, not a single value"
    if isinstance(value, list | tuple) and not takes_lists:
        return "is a list, not a single value"
    if not _finite(value):
        return f"is {value!r}, not a finite number"
    return None


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    return True


def _takes_lists(mapping: FieldMapping, ctx: TransformContext) -> bool:
    """The mappings a list of values suits: taxes, and x2many fields mapped directly."""
    if mapping.transform is not None:
        return mapping.transform == "taxes"
    return ctx.field_types.get(mapping.odoo_field) in ("many2many", "one2many")


def _convert(mapping: FieldMapping, raw: Any, ctx: TransformContext) -> Any:
    if mapping.transform is not None:
        return REGISTRY[mapping.transform].to_odoo(raw, ctx)
    return coerce_direct(raw, ctx.field_types.get(mapping.odoo_field), ctx)


def map_row(
    row: Mapping[str, Any], cfg: MappingConfig, ctx: TransformContext, *, key_field: str
) -> MappedProduct:
    """Map a catalog row through the active mappings, in priority order.

    A required field that is empty gives ``REQUIRED_FIELD_MISSING``; a value that does not convert
    gives ``MAPPING_ERROR``. The first failing field sets ``error`` and mapping stops there. A
    transform that returns ``None`` (an empty category) leaves the Odoo field out.
    """
    raw_key = row.get(key_field)
    values: dict[str, Any] = {}
    order: list[str] = []
    error: TransformError | None = None
    odd_key = unusable(raw_key, takes_lists=False)
    key = "" if is_empty(raw_key) or odd_key else key_of(raw_key)
    if odd_key:
        error = TransformError(
            f"the key column {key_field!r} {odd_key}", local_field=key_field, value=raw_key
        )
    elif not key:
        error = TransformError(
            f"the key column {key_field!r} is empty",
            code=REQUIRED_FIELD_MISSING,
            local_field=key_field,
        )
    for mapping in cfg.active() if error is None else []:
        raw = row.get(mapping.local_field)
        if mapping.is_required and is_empty(raw):
            error = TransformError(
                f"required field {mapping.local_field!r} (Odoo {mapping.odoo_field}) is empty",
                code=REQUIRED_FIELD_MISSING,
                field=mapping.odoo_field,
                local_field=mapping.local_field,
                value=raw,
            )
            break
        try:
            odd = unusable(raw, takes_lists=_takes_lists(mapping, ctx))
            if odd is not None:
                raise TransformError(f"the value {odd}", value=raw)
            value = _convert(mapping, raw, ctx)
            if not _finite(value):  # never sent: Odoo stores NaN, then every read of it fails
                raise TransformError(f"the value {value!r} is not a finite number", value=raw)
        except TransformError as exc:
            exc.message = f"{mapping.local_field} → {mapping.odoo_field}: {exc.message}"
            error = exc.located(field=mapping.odoo_field, local_field=mapping.local_field)
            break
        if value is None:
            continue
        if mapping.odoo_field not in values:
            order.append(mapping.odoo_field)
        values[mapping.odoo_field] = value
    hashes = {name: field_hash(name, value) for name, value in values.items()}
    return MappedProduct(
        key=key,
        values=values,
        fields=order,
        hashes=hashes,
        digest=digest_of_hashes(hashes),  # odoo_values_digest(values), without hashing values again
        error=error,
    )


def unmap_record(
    record: Mapping[str, Any], cfg: MappingConfig, ctx: TransformContext
) -> dict[str, Any]:
    """An Odoo record as catalog columns, through the inverses of the bidirectional mappings.

    Fields absent from ``record`` are left out; images are left to the engine.
    """
    row: dict[str, Any] = {}
    for mapping in cfg.active():
        if not mapping.is_bidirectional or mapping.odoo_field not in record:
            continue
        if mapping.transform == "image":
            continue
        value = record[mapping.odoo_field]
        try:
            if not _finite(value):
                raise TransformError(f"Odoo's value {value!r} is not a finite number", value=value)
            try:
                if mapping.transform is not None:
                    local = REGISTRY[mapping.transform].from_odoo(value, ctx)
                else:
                    local = uncoerce_direct(value, ctx.field_types.get(mapping.odoo_field), ctx)
            except (ArithmeticError, ValueError, TypeError) as exc:
                raise TransformError(
                    f"Odoo's value {value!r} cannot be held by the catalog ({exc})", value=value
                ) from None
        except TransformError as exc:
            exc.message = f"{mapping.odoo_field} → {mapping.local_field}: {exc.message}"
            raise exc.located(field=mapping.odoo_field, local_field=mapping.local_field) from None
        if mapping.local_field not in row or row[mapping.local_field] is None:
            row[mapping.local_field] = local
    return row
