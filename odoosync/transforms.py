"""Named, pure transforms between catalog values and Odoo values, each with its inverse.

``REGISTRY[name].to_odoo(value, ctx)`` turns a catalog value into what Odoo's ``create``/``write``
expect; ``from_odoo(value, ctx)`` turns what ``read``/``search_read`` return back into a catalog
value (imports). Odoo's empty value ``False`` always comes back as ``None`` (never ``"False"``),
except for the ``bool`` transform, where ``False`` is a real value.

A transform that cannot convert a value raises :class:`TransformError` with code
``MAPPING_ERROR``: a product-level failure, logged with its details, never a fault from Odoo.

:func:`coerce_direct` and :func:`uncoerce_direct` do the same for ``direct`` and ``custom``
mappings, by the Odoo field's type (from ``fields_get``).
"""

from __future__ import annotations

import base64
import binascii
import difflib
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "REGISTRY",
    "AmbiguousCategory",
    "CategoryIndex",
    "Transform",
    "TransformContext",
    "TransformError",
    "category_index",
    "coerce_direct",
    "default_fetch",
    "is_empty",
    "leaf_name",
    "normalise_rate",
    "resolve_category",
    "uncoerce_direct",
]

MAPPING_ERROR = "MAPPING_ERROR"
REQUIRED_FIELD_MISSING = "REQUIRED_FIELD_MISSING"


class TransformError(Exception):
    """A value that cannot be mapped; a product-level failure (SPEC §2.2 ``MAPPING_ERROR``)."""

    def __init__(
        self,
        message: str,
        *,
        code: str = MAPPING_ERROR,
        field: str | None = None,
        local_field: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        #: the Odoo field
        self.field = field
        self.local_field = local_field
        self.value = value

    def __str__(self) -> str:
        return self.message

    def details(self) -> dict[str, Any]:
        """SPEC §2.2 ``error_details`` for this failure."""
        value = self.value if isinstance(self.value, str | int | float | bool | None) else None
        if value is None and self.value is not None:
            value = str(self.value)
        return {
            "odoo_error_code": self.code,
            "field": self.field,
            "local_field": self.local_field,
            "value": value,
        }

    def located(self, *, field: str, local_field: str) -> TransformError:
        """The same error, naming the mapping it happened in."""
        self.field = field
        self.local_field = local_field
        return self


class AmbiguousCategory(TransformError):
    """A local category that is the last segment of several Odoo categories' complete paths."""


def default_fetch(url: str) -> bytes:
    """GET ``url`` with a 30 s timeout; errors propagate (the image transform reports them)."""
    request = urllib.request.Request(url, headers={"User-Agent": "odoosync"})
    with urllib.request.urlopen(request, timeout=30) as response:
        data: bytes = response.read()
    return data


@dataclass(frozen=True)
class TransformContext:
    """What transforms need to know about the run; resolved once per run by the engine."""

    base_dir: Path = field(default_factory=Path.cwd)
    field_types: Mapping[str, str] = field(default_factory=dict)
    categories: Mapping[str, int] = field(default_factory=dict)
    category_paths: Mapping[int, str] = field(default_factory=dict)
    taxes: Mapping[str, int] = field(default_factory=dict)
    tax_rates: Mapping[int, str] = field(default_factory=dict)
    fetch: Callable[[str], bytes] = default_fetch


Converter = Callable[[Any, TransformContext], Any]


@dataclass(frozen=True)
class Transform:
    name: str
    to_odoo: Converter
    from_odoo: Converter
    doc: str = ""


# --------------------------------------------------------------------------------------------
# helpers


def is_empty(value: Any) -> bool:
    """A catalog value that means "no value": ``None`` or a blank string."""
    return value is None or (isinstance(value, str) and not value.strip())


def _odoo_empty(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str) and not value)


def _fail(message: str, value: Any) -> TransformError:
    return TransformError(message, value=value)


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,\d+$")


def _parse_decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, bool):
        raise _fail(f"expected a {what}, got the boolean {value!r}", value)
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
            raise _fail(
                f"{value!r} is not a {what}: use a dot as the decimal separator ({suggestion!r})",
                value,
            )
    raise _fail(f"{value!r} is not a {what}", value)


def normalise_rate(value: Any) -> str:
    """A tax rate as a canonical string: 15, "15", "15.0" and 15.00 all give "15"; "5.50" → "5.5".

    Raises :class:`TransformError` for a value that is not a number.
    """
    number = _parse_decimal(value, "tax rate")
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _number_out(value: Any) -> float | None:
    if _odoo_empty(value):
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return round(float(value), 6)
    return float(_parse_decimal(value, "number"))


# --------------------------------------------------------------------------------------------
# scalar transforms


def _decimal_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return float(_parse_decimal(value, "decimal number"))


def _float_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return float(_parse_decimal(value, "number"))


def _decimal_from(value: Any, ctx: TransformContext) -> Any:
    return _number_out(value)


def _int_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    number = _parse_decimal(value, "whole number")
    if number != number.to_integral_value():
        raise _fail(f"{value!r} is not a whole number", value)
    return int(number)


def _int_from(value: Any, ctx: TransformContext) -> Any:
    if _odoo_empty(value):
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
    raise _fail(f"{value!r} is not a boolean: use true/false, yes/no or 1/0", value)


def _bool_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return parse_bool(value)


def _bool_from(value: Any, ctx: TransformContext) -> Any:
    if value is None:
        return None
    return bool(value)


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _string_to(value: Any, ctx: TransformContext) -> Any:
    if value is None or value == "":
        return False
    return _text(value)


def _string_from(value: Any, ctx: TransformContext) -> Any:
    if _odoo_empty(value):
        return None
    return _text(value)


def _strip_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return _text(value).strip()


def _upper_to(value: Any, ctx: TransformContext) -> Any:
    return False if is_empty(value) else _text(value).strip().upper()


def _lower_to(value: Any, ctx: TransformContext) -> Any:
    return False if is_empty(value) else _text(value).strip().lower()


# --------------------------------------------------------------------------------------------
# dates


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise _fail(
                f"{value!r} is not an ISO-8601 date/time (e.g. 2025-12-16T14:30:22Z)", value
            ) from None
    else:
        raise _fail(f"{value!r} is not an ISO-8601 date/time", value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _date_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise _fail(f"{value!r} is not a valid date", value) from None
    return _parse_datetime(value).date().isoformat()


def _date_from(value: Any, ctx: TransformContext) -> Any:
    if _odoo_empty(value):
        return None
    return str(value)[:10]


def _datetime_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return _parse_datetime(value).strftime("%Y-%m-%d %H:%M:%S")


def _datetime_from(value: Any, ctx: TransformContext) -> Any:
    if _odoo_empty(value):
        return None
    moment = _parse_datetime(str(value).replace(" ", "T", 1))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------------
# barcode

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
        raise _fail(
            f"{value!r} is not a barcode: store barcodes as text to keep leading zeros", value
        )
    text = str(value).strip().replace(" ", "")
    if not text.isdigit() or not text.isascii():
        raise _fail(f"barcode {value!r} must contain digits only", value)
    kind = _BARCODE_KINDS.get(len(text))
    if kind is None:
        raise _fail(
            f"barcode {value!r} has {len(text)} digits: expected 8 (EAN-8), 12 (UPC-A), "
            "13 (EAN-13) or 14 (GTIN-14)",
            value,
        )
    expected = gs1_check_digit(text[:-1])
    if int(text[-1]) != expected:
        raise _fail(
            f"barcode {text!r} has a wrong {kind} check digit: expected {expected}, got {text[-1]}",
            value,
        )
    return text


def _barcode_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    return validate_barcode(value)


def _barcode_from(value: Any, ctx: TransformContext) -> Any:
    if _odoo_empty(value):
        return None
    return str(value)


# --------------------------------------------------------------------------------------------
# category


@dataclass(frozen=True)
class CategoryIndex:
    """Lookup tables over a context's categories, built once per context (see ``category_index``).

    ``by_leaf`` maps the last segment of each complete path ("Electronics" for "All / Saleable /
    Electronics") to every category id ending with it; ``by_leaf_folded`` the same, case-folded.
    """

    local_folded: Mapping[str, int]
    by_path: Mapping[str, int]
    by_leaf: Mapping[str, tuple[int, ...]]
    by_leaf_folded: Mapping[str, tuple[int, ...]]
    sizes: tuple[int, int]


def leaf_name(path: str) -> str:
    """The last segment of a complete path: "All / Saleable / Electronics" → "Electronics"."""
    return path.split(" / ")[-1].strip()


_INDEX_ATTRIBUTE = "_category_index"


def category_index(ctx: TransformContext) -> CategoryIndex:
    """The context's :class:`CategoryIndex`, memoised on the context object.

    The engine may add categories to the context's tables while a run goes on
    (``create_missing_categories``); the tables only grow, so the index is rebuilt when their
    sizes change.
    """
    sizes = (len(ctx.categories), len(ctx.category_paths))
    cached = ctx.__dict__.get(_INDEX_ATTRIBUTE)
    if isinstance(cached, CategoryIndex) and cached.sizes == sizes:
        return cached
    local_folded: dict[str, int] = {}
    for local, categ_id in list(ctx.categories.items()):
        local_folded.setdefault(local.casefold(), int(categ_id))
    by_path: dict[str, int] = {}
    by_leaf: dict[str, list[int]] = {}
    by_leaf_folded: dict[str, list[int]] = {}
    for categ_id, path in sorted(list(ctx.category_paths.items())):
        by_path.setdefault(path, int(categ_id))
        leaf = leaf_name(path)
        by_leaf.setdefault(leaf, []).append(int(categ_id))
        by_leaf_folded.setdefault(leaf.casefold(), []).append(int(categ_id))
    index = CategoryIndex(
        local_folded=local_folded,
        by_path=by_path,
        by_leaf={k: tuple(v) for k, v in by_leaf.items()},
        by_leaf_folded={k: tuple(v) for k, v in by_leaf_folded.items()},
        sizes=sizes,
    )
    object.__setattr__(ctx, _INDEX_ATTRIBUTE, index)  # a cache, not state: the context is frozen
    return index


def resolve_category(name: str, ctx: TransformContext) -> int:
    """The Odoo category id a local category names; TransformError (MAPPING_ERROR) if none.

    In order: a ``[categories]`` name (exact, then any case), a complete path ("All / Saleable /
    Electronics"), then the last segment of exactly one complete path (exact, then any case), so
    that what an import wrote ("Electronics") exports back to the same category.
    """
    if name in ctx.categories:
        return int(ctx.categories[name])
    index = category_index(ctx)
    folded = name.casefold()
    if folded in index.local_folded:
        return index.local_folded[folded]
    if name in index.by_path:
        return index.by_path[name]
    for candidates in (index.by_leaf.get(name), index.by_leaf_folded.get(folded)):
        if not candidates:
            continue
        if len(candidates) == 1:
            return candidates[0]
        paths = ", ".join(repr(ctx.category_paths[c]) for c in candidates)
        raise AmbiguousCategory(
            f"category {name!r} is ambiguous: it names the Odoo categories {paths}; use the "
            "complete path in the catalog, or map it under [categories] in mapping.toml",
            value=name,
        )
    hint = ""
    close = difflib.get_close_matches(name, [*ctx.categories, *index.by_leaf], n=1, cutoff=0.8)
    if close:
        hint = f" (did you mean {close[0]!r}?)"
    raise _fail(
        f"category {name!r} has no Odoo category{hint}: add it under [categories] in "
        "mapping.toml, or set create_missing_categories = true under [options] to create it",
        name,
    )


def _category_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return None  # leave Odoo's default category
    name = _text(value).strip()
    try:
        return resolve_category(name, ctx)
    except TransformError as exc:
        exc.value = value
        raise


def _resolves_to(name: str, categ_id: int, ctx: TransformContext) -> bool:
    try:
        return resolve_category(name, ctx) == categ_id
    except TransformError:
        return False


def _category_from(value: Any, ctx: TransformContext) -> Any:
    """The local name of an Odoo category: its ``[categories]`` name, else the last segment of
    its complete path, else (when that names another category or several) the complete path —
    always a name that ``to_odoo`` maps back to the same id."""
    if _odoo_empty(value):
        return None
    label: str | None = None
    if isinstance(value, list | tuple):
        if not value:
            return None
        categ_id = int(value[0])
        label = str(value[1]) if len(value) > 1 and value[1] else None
    else:
        categ_id = int(value)
    for local, mapped in ctx.categories.items():
        if int(mapped) == categ_id:
            return local
    path = ctx.category_paths.get(categ_id)
    if path is None:  # not in the run's tables: the best we can do is the record's label
        return str(categ_id) if label is None else leaf_name(label)
    leaf = leaf_name(path)
    return leaf if _resolves_to(leaf, categ_id, ctx) else path


# --------------------------------------------------------------------------------------------
# taxes


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
            raise _fail(
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
    if _odoo_empty(value):
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
            raise _fail(f"Odoo tax {tax_id} has no rate in [taxes] of mapping.toml", value)
        rates.append(normalise_rate(rate))
    return ";".join(rates)


# --------------------------------------------------------------------------------------------
# image

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)


def image_kind(data: bytes) -> str | None:
    """PNG, JPEG, GIF or WebP by magic number; None for anything else."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return None


def _image_bytes(value: str, ctx: TransformContext) -> bytes:
    if re.match(r"^https?://", value, re.IGNORECASE):
        try:
            return ctx.fetch(value)
        except urllib.error.HTTPError as exc:
            raise _fail(f"image {value!r} could not be fetched: HTTP {exc.code}", value) from None
        except Exception as exc:  # any failure to fetch is this product's failure
            raise _fail(f"image {value!r} could not be fetched: {exc}", value) from None
    if "://" in value and not value.lower().startswith("file://"):
        raise _fail(f"image {value!r}: only http(s) URLs and file paths are supported", value)
    path = Path(value[7:] if value.lower().startswith("file://") else value).expanduser()
    if not path.is_absolute():
        path = ctx.base_dir / path
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _fail(f"image file {str(path)!r} cannot be read: {exc.strerror}", value) from None


def _image_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    text = str(value).strip()
    data = _image_bytes(text, ctx)
    if image_kind(data) is None:
        raise _fail(f"image {text!r} is not a PNG, JPEG, GIF or WebP image", value)
    return base64.b64encode(data).decode("ascii")


def _image_from(value: Any, ctx: TransformContext) -> Any:
    return None


def image_digest_bytes(value: str) -> bytes | None:
    """The decoded bytes of a base64 image value, or None if it is not base64."""
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# direct mappings: convert by the Odoo field's type

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
            return _text(value)
        if field_type in _FLOAT_TYPES:
            return float(_parse_decimal(value, "number"))
        if field_type == "integer":
            return _int_to(value, ctx)
        if field_type == "boolean":
            return parse_bool(value)
        if field_type == "many2one":
            number = _parse_decimal(value, "record id")
            if number != number.to_integral_value() or number <= 0:
                raise _fail(f"{value!r} is not a record id", value)
            return int(number)
        if field_type == "date":
            return _date_to(value, ctx)
        if field_type == "datetime":
            return _datetime_to(value, ctx)
    except TransformError as exc:
        exc.message = f"{exc.message} (Odoo field type {field_type})"
        raise
    return value


def uncoerce_direct(value: Any, field_type: str | None, ctx: TransformContext) -> Any:
    """An Odoo value as a catalog value: ``False`` → None (except booleans), many2one → id."""
    if field_type == "boolean":
        return None if value is None else bool(value)
    if _odoo_empty(value):
        return None
    if field_type == "many2one" or (
        isinstance(value, list | tuple) and len(value) == 2 and isinstance(value[0], int)
    ):
        return int(value[0]) if isinstance(value, list | tuple) else int(value)
    if field_type in _FLOAT_TYPES:
        return _number_out(value)
    if field_type == "datetime":
        return _datetime_from(value, ctx)
    return value


REGISTRY: dict[str, Transform] = {
    t.name: t
    for t in (
        Transform("decimal", _decimal_to, _decimal_from, "money: 12.5, '12.50'; refuses '12,50'"),
        Transform("float", _float_to, _decimal_from, "a number"),
        Transform("int", _int_to, _int_from, "a whole number"),
        Transform("bool", _bool_to, _bool_from, "true/false, yes/no, 1/0"),
        Transform("string", _string_to, _string_from, "text as is"),
        Transform("strip", _strip_to, _string_from, "text without surrounding blanks"),
        Transform("upper", _upper_to, _string_from, "UPPER CASE text"),
        Transform("lower", _lower_to, _string_from, "lower case text"),
        Transform("date", _date_to, _date_from, "ISO date → YYYY-MM-DD"),
        Transform("datetime", _datetime_to, _datetime_from, "ISO-8601 → UTC YYYY-MM-DD HH:MM:SS"),
        Transform("barcode", _barcode_to, _barcode_from, "EAN-8/13, UPC-A, GTIN-14 check digit"),
        Transform("category", _category_to, _category_from, "local category → categ_id"),
        Transform("taxes", _taxes_to, _taxes_from, "tax rate → [(6, 0, [ids])]"),
        Transform("image", _image_to, _image_from, "URL or file → base64 (PNG/JPEG/GIF/WebP)"),
    )
}
