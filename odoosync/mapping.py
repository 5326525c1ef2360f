"""``mapping.toml`` ↔ :class:`MappingConfig`, and catalog rows ↔ Odoo values.

``load_mapping`` validates everything that can be checked without Odoo and names the file, the
entry and the bad value (``mapping.toml: fields[3].transform: unknown transform 'decmal' (did you
mean 'decimal'?)``). ``map_row`` turns a catalog row into the values of one ``create``/``write``
with per-field hashes; ``unmap_record`` is its inverse for imports. ``values_digest`` hashes Odoo's
side the same way, so a local row and the Odoo record it was pushed to hash alike.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

import tomli_w

from odoosync.errors import MappingConfigError
from odoosync.transforms import (
    REGISTRY,
    REQUIRED_FIELD_MISSING,
    AmbiguousCategory,
    TransformContext,
    TransformError,
    coerce_direct,
    image_digest_bytes,
    is_empty,
    normalise_rate,
    resolve_category,
    tax_ids,
    uncoerce_direct,
)

__all__ = [
    "DEFAULT_MAPPING_TOML",
    "MODELS",
    "FieldMapping",
    "MappedProduct",
    "MappingConfig",
    "TransformContext",
    "TransformError",
    "field_hash",
    "load_mapping",
    "map_row",
    "mapping_from_toml",
    "save_mapping",
    "unmap_record",
    "values_digest",
]

MODELS = ("product.template", "product.product")
MAPPING_TYPES = ("direct", "transform", "custom")


@dataclass(frozen=True)
class FieldMapping:
    """One ``[[fields]]`` entry of mapping.toml."""

    local_field: str
    odoo_field: str
    odoo_model: str = "product.template"
    mapping_type: str = "direct"
    transform: str | None = None
    is_required: bool = False
    is_bidirectional: bool = True
    is_active: bool = True
    priority: int = 0


_FIELD_KEYS = tuple(FieldMapping.__dataclass_fields__)
_FIELD_DEFAULTS: dict[str, Any] = {
    "odoo_model": "product.template",
    "mapping_type": "direct",
    "transform": None,
    "is_required": False,
    "is_bidirectional": True,
    "is_active": True,
    "priority": 0,
}


@dataclass(frozen=True)
class MappingConfig:
    """The whole mapping.toml: field mappings, category and tax tables, options."""

    path: Path | None
    fields: tuple[FieldMapping, ...]
    categories: Mapping[str, int | str] = field(default_factory=dict)
    taxes: Mapping[str, int | str] = field(default_factory=dict)
    create_missing_categories: bool = False

    def active(self) -> list[FieldMapping]:
        """Active mappings, highest priority first, then in file order."""
        ordered = sorted(enumerate(self.fields), key=lambda item: (-item[1].priority, item[0]))
        return [m for _, m in ordered if m.is_active]

    def ordered(self) -> list[FieldMapping]:
        """Every mapping (active or not), highest priority first, then in file order."""
        ordered = sorted(enumerate(self.fields), key=lambda item: (-item[1].priority, item[0]))
        return [m for _, m in ordered]

    def with_mapping(self, mapping: FieldMapping) -> MappingConfig:
        """A copy where ``mapping`` replaces the entry for the same local field and model.

        Without such an entry, ``mapping`` is added at the end.
        """
        fields = list(self.fields)
        for i, existing in enumerate(fields):
            if (
                existing.local_field == mapping.local_field
                and existing.odoo_model == mapping.odoo_model
            ):
                fields[i] = mapping
                break
        else:
            fields.append(mapping)
        return replace(self, fields=tuple(fields))

    def without(self, local_field: str) -> MappingConfig:
        """A copy without the mappings of ``local_field``."""
        return replace(self, fields=tuple(m for m in self.fields if m.local_field != local_field))


DEFAULT_MAPPING_TOML = """\
# odoosync field mappings: how catalog columns become Odoo product fields (SPEC §1.3).
# `odoosync mappings list` shows them; `odoosync mappings validate` checks them against Odoo.
#
# mapping_type: direct (converted to the Odoo field's type) | transform (a named transform) |
#               custom (an x_ field; `odoosync mappings validate --create-custom-fields` creates it)
# transforms:   decimal float int bool string strip upper lower date datetime barcode category
#               taxes image
# defaults:     odoo_model = "product.template", mapping_type = "direct", is_required = false,
#               is_bidirectional = true, is_active = true, priority = 0 (higher first)

[[fields]]
local_field = "title"
odoo_field = "name"
mapping_type = "direct"
is_required = true
priority = 100

[[fields]]
local_field = "ean"
odoo_field = "barcode"
mapping_type = "transform"
transform = "barcode"
is_required = true
priority = 90

[[fields]]
local_field = "description"
odoo_field = "description_sale"

[[fields]]
local_field = "price"
odoo_field = "list_price"
mapping_type = "transform"
transform = "decimal"
priority = 80

[[fields]]
local_field = "weight"
odoo_field = "weight"
mapping_type = "transform"
transform = "float"

[[fields]]
local_field = "brand_name"
odoo_field = "x_brand"
mapping_type = "custom"

[[fields]]
local_field = "category"
odoo_field = "categ_id"
mapping_type = "transform"
transform = "category"

[[fields]]
local_field = "image_url"
odoo_field = "image_1920"
mapping_type = "transform"
transform = "image"

# [[fields]]
# local_field = "supplier_reference"
# odoo_field = "default_code"
# priority = 10

# [[fields]]
# local_field = "tax_rate"
# odoo_field = "taxes_id"
# mapping_type = "transform"
# transform = "taxes"

# [categories]                  # local category -> Odoo category id or complete path
# "Electronics" = "All / Saleable / Electronics"
# "Clothing" = 12

# [taxes]                       # local tax rate (percent) -> account.tax id or name
# "15" = "15%"
# "5.5" = 3

[options]
create_missing_categories = false   # create categories by path when a local category is unmapped
"""

# --------------------------------------------------------------------------------------------
# loading and validation

_ODOO_FIELD = re.compile(r"^[a-z_][a-z0-9_]*$")
_TOP_KEYS = ("fields", "categories", "taxes", "options")
_OPTION_KEYS = ("create_missing_categories",)


def _did_you_mean(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _is_numeric(text: str) -> bool:
    try:
        Decimal(text.strip())
    except InvalidOperation:
        return False
    return bool(text.strip()) and Decimal(text.strip()).is_finite()


def mapping_from_toml(data: Mapping[str, Any], *, path: Path | None = None) -> MappingConfig:
    """Validate parsed mapping.toml ``data``; MappingConfigError names ``file: key: problem``."""
    name = path.name if path is not None else "mapping.toml"

    def bad(key: str, problem: str) -> MappingConfigError:
        return MappingConfigError(f"{name}: {key}: {problem}")

    for key in data:
        if key not in _TOP_KEYS:
            raise bad(key, f"unknown section{_did_you_mean(key, _TOP_KEYS)}")
    raw_fields = data.get("fields", [])
    if not isinstance(raw_fields, list):
        raise bad("fields", "must be a list of [[fields]] tables")
    fields = tuple(_field(entry, f"fields[{i}]", bad) for i, entry in enumerate(raw_fields))
    _check_duplicates(fields, bad)

    categories = data.get("categories", {})
    if not isinstance(categories, dict):
        raise bad("categories", "must be a table of name = id or path")
    for local, target in categories.items():
        if isinstance(target, bool) or not (
            (isinstance(target, int) and target > 0) or (isinstance(target, str) and target.strip())
        ):
            raise bad(
                f"categories.{local!r}",
                f"{target!r} must be an Odoo category id or a non-empty complete path",
            )

    taxes = data.get("taxes", {})
    if not isinstance(taxes, dict):
        raise bad("taxes", "must be a table of rate = tax id or name")
    for rate, target in taxes.items():
        if not _is_numeric(rate):
            raise bad(f"taxes.{rate!r}", 'a tax rate key must be a number such as "15" or "5.5"')
        if isinstance(target, bool) or not (
            (isinstance(target, int) and target > 0) or (isinstance(target, str) and target.strip())
        ):
            raise bad(f"taxes.{rate!r}", f"{target!r} must be an account.tax id or name")

    options = data.get("options", {})
    if not isinstance(options, dict):
        raise bad("options", "must be a table")
    for key in options:
        if key not in _OPTION_KEYS:
            raise bad(f"options.{key}", f"unknown option{_did_you_mean(key, _OPTION_KEYS)}")
    create_missing = options.get("create_missing_categories", False)
    if not isinstance(create_missing, bool):
        raise bad("options.create_missing_categories", f"{create_missing!r} must be true or false")

    return MappingConfig(
        path=path,
        fields=fields,
        categories=dict(categories),
        taxes=dict(taxes),
        create_missing_categories=create_missing,
    )


def _field(entry: Any, where: str, bad: Any) -> FieldMapping:
    if not isinstance(entry, dict):
        raise bad(where, "must be a table with local_field and odoo_field")
    for key in entry:
        if key not in _FIELD_KEYS:
            raise bad(f"{where}.{key}", f"unknown key{_did_you_mean(key, _FIELD_KEYS)}")
    for key in ("local_field", "odoo_field"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise bad(f"{where}.{key}", "missing or empty: it must name a field")
    local_field = entry["local_field"].strip()
    odoo_field = entry["odoo_field"].strip()
    if not _ODOO_FIELD.match(odoo_field):
        raise bad(f"{where}.odoo_field", f"{odoo_field!r} is not an Odoo field name")
    model = entry.get("odoo_model", "product.template")
    if model not in MODELS:
        raise bad(
            f"{where}.odoo_model",
            f"{model!r} is not supported: use product.template or product.product",
        )
    mapping_type = entry.get("mapping_type", "direct")
    if mapping_type not in MAPPING_TYPES:
        raise bad(
            f"{where}.mapping_type",
            f"{mapping_type!r} must be direct, transform or custom"
            f"{_did_you_mean(str(mapping_type), MAPPING_TYPES)}",
        )
    transform = entry.get("transform")
    if transform is not None:
        if not isinstance(transform, str) or transform not in REGISTRY:
            raise bad(
                f"{where}.transform",
                f"unknown transform {transform!r}{_did_you_mean(str(transform), REGISTRY)}",
            )
        if mapping_type == "direct":
            raise bad(
                f"{where}.transform",
                f'a direct mapping takes no transform: set mapping_type = "transform" '
                f"to use {transform!r}",
            )
    elif mapping_type == "transform":
        raise bad(
            f"{where}.transform",
            f"missing: a transform mapping names one of {', '.join(REGISTRY)}",
        )
    if mapping_type == "custom" and not odoo_field.startswith("x_"):
        raise bad(
            f"{where}.odoo_field",
            f"{odoo_field!r}: a custom field's name must start with x_",
        )
    for key in ("is_required", "is_bidirectional", "is_active"):
        if key in entry and not isinstance(entry[key], bool):
            raise bad(f"{where}.{key}", f"{entry[key]!r} must be true or false")
    priority = entry.get("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise bad(f"{where}.priority", f"{priority!r} must be a whole number")
    return FieldMapping(
        local_field=local_field,
        odoo_field=odoo_field,
        odoo_model=model,
        mapping_type=mapping_type,
        transform=transform,
        is_required=entry.get("is_required", False),
        is_bidirectional=entry.get("is_bidirectional", True),
        is_active=entry.get("is_active", True),
        priority=priority,
    )


def _check_duplicates(fields: tuple[FieldMapping, ...], bad: Any) -> None:
    seen: dict[tuple[str, str], int] = {}
    for i, mapping in enumerate(fields):
        if not mapping.is_active:
            continue
        target = (mapping.odoo_model, mapping.odoo_field)
        if target in seen:
            first = fields[seen[target]]
            raise bad(
                f"fields[{i}].odoo_field",
                f"{mapping.odoo_field!r} is already mapped from {first.local_field!r} by "
                f"fields[{seen[target]}]: remove one or set is_active = false",
            )
        seen[target] = i


def load_mapping(path: Path) -> MappingConfig:
    """Read and validate mapping.toml; MappingConfigError (exit 3) names the file, key and value."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise MappingConfigError(
            f"{path}: mapping file not found: create it with `odoosync init` or fix [mapping] path"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingConfigError(f"{path.name}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise MappingConfigError(f"{path}: cannot read the mapping file: {exc.strerror}") from None
    return mapping_from_toml(data, path=path)


def mapping_to_toml(cfg: MappingConfig) -> dict[str, Any]:
    """The TOML document for ``cfg``; keys equal to their default are left out."""
    fields = []
    for mapping in cfg.fields:
        entry: dict[str, Any] = {
            "local_field": mapping.local_field,
            "odoo_field": mapping.odoo_field,
        }
        for key, default in _FIELD_DEFAULTS.items():
            value = getattr(mapping, key)
            if value != default:
                entry[key] = value
        fields.append(entry)
    document: dict[str, Any] = {"fields": fields}
    if cfg.categories:
        document["categories"] = dict(cfg.categories)
    if cfg.taxes:
        document["taxes"] = dict(cfg.taxes)
    document["options"] = {"create_missing_categories": cfg.create_missing_categories}
    return document


_SAVED_HEADER = (
    "# odoosync field mappings (SPEC §1.3); rewritten by `odoosync mappings add/remove`.\n"
    "# `odoosync mappings list` shows them; `odoosync mappings validate` checks them.\n"
    "# mapping_type: direct | transform | custom (x_ fields); transforms: "
    + " ".join(REGISTRY)
    + "\n# defaults: odoo_model = product.template, mapping_type = direct, is_required = false,\n"
    "# is_bidirectional = true, is_active = true, priority = 0 (higher first)\n\n"
)


def save_mapping(cfg: MappingConfig, path: Path) -> None:
    """Write ``cfg`` to ``path`` atomically (temp file in the same folder, fsync, rename)."""
    text = _SAVED_HEADER + tomli_w.dumps(mapping_to_toml(cfg))
    mapping_from_toml(tomllib.loads(text), path=path)  # never write what we could not read back
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------------------------
# hashing


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


def _sha(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def field_hash(odoo_field: str, value: Any) -> str:
    """A stable digest of one Odoo value; images (``image_*``) are hashed by their decoded bytes."""
    if odoo_field.startswith("image_") and isinstance(value, str) and value:
        data = image_digest_bytes(value)
        if data is not None:
            return hashlib.sha256(data).hexdigest()
    return _sha(_normalise(value))


def values_digest(values: Mapping[str, Any]) -> str:
    """A digest over Odoo values (local-mapped or read from Odoo: both hash alike)."""
    return _sha({name: field_hash(name, value) for name, value in sorted(values.items())})


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
    key = "" if is_empty(raw_key) else key_of(raw_key)
    values: dict[str, Any] = {}
    order: list[str] = []
    error: TransformError | None = None
    if not key:
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
            value = _convert(mapping, raw, ctx)
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
        digest=values_digest(values),
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
            if mapping.transform is not None:
                local = REGISTRY[mapping.transform].from_odoo(value, ctx)
            else:
                local = uncoerce_direct(value, ctx.field_types.get(mapping.odoo_field), ctx)
        except TransformError as exc:
            exc.message = f"{mapping.odoo_field} → {mapping.local_field}: {exc.message}"
            raise exc.located(field=mapping.odoo_field, local_field=mapping.local_field) from None
        if mapping.local_field not in row or row[mapping.local_field] is None:
            row[mapping.local_field] = local
    return row


# --------------------------------------------------------------------------------------------
# checking a mapping against the catalog and Odoo (`odoosync mappings validate`)


class OdooReader(Protocol):
    """What :func:`check_mapping` needs from :class:`odoosync.odoo.client.OdooClient`."""

    def fields_get(
        self, model: str, attributes: Sequence[str] = ...
    ) -> dict[str, dict[str, Any]]: ...

    def search_read(
        self, model: str, domain: Sequence[Any], fields: Sequence[str]
    ) -> list[dict[str, Any]]: ...

    def create(self, model: str, values: list[dict[str, Any]]) -> list[int]: ...

    def check_access_rights(self, model: str, operation: str) -> bool: ...


@dataclass(frozen=True)
class MappingIssue:
    """One finding: ``error`` makes the mapping unusable as it is; ``warning`` deserves a look."""

    level: str
    message: str
    local_field: str | None = None
    odoo_field: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "local_field": self.local_field,
            "odoo_field": self.odoo_field,
            "message": self.message,
        }


@dataclass
class MappingCheck:
    """What ``mappings validate`` found."""

    mappings: int = 0
    issues: list[MappingIssue] = field(default_factory=list)
    created_fields: list[str] = field(default_factory=list)
    categories: dict[str, int | None] = field(default_factory=dict)
    taxes: dict[str, int | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(issue.level == "error" for issue in self.issues)

    def error(self, message: str, mapping: FieldMapping | None = None) -> None:
        self._add("error", message, mapping)

    def warn(self, message: str, mapping: FieldMapping | None = None) -> None:
        self._add("warning", message, mapping)

    def _add(self, level: str, message: str, mapping: FieldMapping | None) -> None:
        self.issues.append(
            MappingIssue(
                level,
                message,
                mapping.local_field if mapping else None,
                mapping.odoo_field if mapping else None,
            )
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "success": self.ok,
            "mappings": self.mappings,
            "errors": sum(1 for i in self.issues if i.level == "error"),
            "warnings": sum(1 for i in self.issues if i.level == "warning"),
            "issues": [issue.to_json() for issue in self.issues],
            "created_fields": list(self.created_fields),
            "categories": dict(self.categories),
            "taxes": dict(self.taxes),
        }


#: Odoo field types each transform can write
TRANSFORM_TYPES: dict[str, set[str]] = {
    "decimal": {"float", "monetary"},
    "float": {"float", "monetary"},
    "int": {"integer"},
    "bool": {"boolean"},
    "string": {"char", "text", "html", "selection"},
    "strip": {"char", "text", "html", "selection"},
    "upper": {"char", "text", "html", "selection"},
    "lower": {"char", "text", "html", "selection"},
    "date": {"date"},
    "datetime": {"datetime"},
    "barcode": {"char"},
    "category": {"many2one"},
    "taxes": {"many2many"},
    "image": {"binary"},
}


def infer_ttype(values: Sequence[Any]) -> str:
    """The ``ir.model.fields`` ttype that holds ``values``: boolean, integer, float, else char."""
    present = [v for v in values if not is_empty(v)]
    if not present:
        return "char"
    if all(isinstance(v, bool) or str(v).strip().lower() in ("true", "false") for v in present):
        return "boolean"
    if all(not isinstance(v, bool) and re.fullmatch(r"[+-]?\d+", str(v).strip()) for v in present):
        return "integer"
    if all(not isinstance(v, bool) and _is_numeric(str(v)) for v in present):
        return "float"
    if any(len(str(v)) > 255 or "\n" in str(v) for v in present):
        return "text"
    return "char"


def _label(name: str) -> str:
    return name.removeprefix("x_").replace("_", " ").strip().title() or name


def check_mapping(
    cfg: MappingConfig,
    odoo: OdooReader,
    *,
    columns: Sequence[str] | None,
    column_values: Mapping[str, Sequence[Any]] | None = None,
    create_custom_fields: bool = False,
) -> MappingCheck:
    """Check ``cfg`` against the catalog's ``columns`` and Odoo's fields, categories and taxes.

    ``column_values`` holds the catalog's distinct values per column (for the category and tax
    columns, and to choose the type of a custom field to create). With ``create_custom_fields``
    missing ``x_`` fields are created through ``ir.model.fields`` when the user may.
    """
    check = MappingCheck(mappings=len(cfg.fields))
    values = column_values or {}
    active = cfg.active()
    if columns is not None:
        for mapping in active:
            if mapping.local_field not in columns:
                message = (
                    f"catalog has no column {mapping.local_field!r} "
                    f"(columns: {', '.join(columns) or 'none'})"
                )
                if mapping.is_required:
                    check.error(message + "; every product would fail", mapping)
                else:
                    check.warn(message + "; the field will stay empty", mapping)

    models = sorted({m.odoo_model for m in active})
    fields_by_model = {
        model: odoo.fields_get(model, ["type", "string", "readonly", "relation"])
        for model in models
    }
    for mapping in active:
        odoo_fields = fields_by_model[mapping.odoo_model]
        definition = odoo_fields.get(mapping.odoo_field)
        if definition is None:
            if mapping.odoo_field.startswith("x_"):
                _missing_custom(check, odoo, mapping, values, create_custom_fields, odoo_fields)
            else:
                close = _did_you_mean(mapping.odoo_field, odoo_fields)
                check.error(
                    f"{mapping.odoo_model} has no field {mapping.odoo_field!r}{close}; "
                    f"`odoosync fields {mapping.odoo_model}` lists them",
                    mapping,
                )
            continue
        ftype = str(definition.get("type", ""))
        if mapping.transform is not None:
            allowed = TRANSFORM_TYPES.get(mapping.transform, set())
            if ftype not in allowed:
                check.error(
                    f"transform {mapping.transform!r} cannot write {mapping.odoo_field!r}, "
                    f"a {ftype} field",
                    mapping,
                )
        elif ftype in ("one2many", "many2many", "binary", "reference"):
            check.error(
                f"{mapping.odoo_field!r} is a {ftype} field: use a transform "
                "(taxes for account.tax, image for pictures)",
                mapping,
            )
        if definition.get("readonly") and ftype not in ("many2many",):
            check.warn(
                f"{mapping.odoo_field!r} is read-only in Odoo; writes may be ignored", mapping
            )

    category_mapping = next((m for m in active if m.transform == "category"), None)
    if category_mapping is not None or cfg.categories:
        _check_categories(
            check,
            cfg,
            odoo,
            values.get(category_mapping.local_field, ()) if category_mapping else (),
        )
    tax_mapping = next((m for m in active if m.transform == "taxes"), None)
    if tax_mapping is not None or cfg.taxes:
        _check_taxes(
            check, cfg, odoo, values.get(tax_mapping.local_field, ()) if tax_mapping else ()
        )
    return check


def _missing_custom(
    check: MappingCheck,
    odoo: OdooReader,
    mapping: FieldMapping,
    values: Mapping[str, Sequence[Any]],
    create: bool,
    odoo_fields: dict[str, dict[str, Any]],
) -> None:
    ttype = "char"
    if mapping.transform is not None:
        ttype = sorted(TRANSFORM_TYPES.get(mapping.transform, {"char"}))[0]
        if mapping.transform in ("string", "strip", "upper", "lower"):
            ttype = "char"
    else:
        ttype = infer_ttype(values.get(mapping.local_field, ()))
    how = (
        f"create it with `odoosync mappings validate --create-custom-fields`, or in Odoo "
        f"(Settings → Technical → Fields: model {mapping.odoo_model}, name {mapping.odoo_field}, "
        f"type {ttype})"
    )
    if not create:
        check.error(f"custom field {mapping.odoo_field!r} does not exist in Odoo: {how}", mapping)
        return
    if ttype in ("many2one", "many2many"):
        check.error(
            f"cannot create {mapping.odoo_field!r}: relational fields need Odoo's UI", mapping
        )
        return
    if not odoo.check_access_rights("ir.model.fields", "create"):
        check.error(
            f"custom field {mapping.odoo_field!r} does not exist and this user may not create "
            "fields (needs Administration / Access Rights): ask an administrator to create it "
            f"in Odoo (Settings → Technical → Fields: model {mapping.odoo_model}, "
            f"name {mapping.odoo_field}, type {ttype})",
            mapping,
        )
        return
    models = odoo.search_read("ir.model", [("model", "=", mapping.odoo_model)], ["id"])
    if not models:
        check.error(f"ir.model has no {mapping.odoo_model!r}", mapping)
        return
    odoo.create(
        "ir.model.fields",
        [
            {
                "model_id": int(models[0]["id"]),
                "name": mapping.odoo_field,
                "ttype": ttype,
                "field_description": _label(mapping.odoo_field),
                "state": "manual",
                "required": False,
            }
        ],
    )
    odoo_fields[mapping.odoo_field] = {"type": ttype}
    check.created_fields.append(f"{mapping.odoo_model}.{mapping.odoo_field}")


def _check_categories(
    check: MappingCheck, cfg: MappingConfig, odoo: OdooReader, used: Sequence[Any]
) -> None:
    rows = odoo.search_read("product.category", [], ["id", "complete_name"])
    by_path: dict[str, int] = {}
    for row in rows:
        by_path.setdefault(str(row.get("complete_name") or ""), int(row["id"]))
    ids = {int(row["id"]) for row in rows}
    for local, target in cfg.categories.items():
        found: int | None
        if isinstance(target, int):
            found = target if target in ids else None
        else:
            found = by_path.get(target.strip())
        check.categories[local] = found
        if found is None:
            message = f"[categories] {local!r} = {target!r}: no such Odoo category"
            if cfg.create_missing_categories and isinstance(target, str):
                check.warn(message + "; it will be created on export")
            else:
                check.error(message + " (complete_name such as 'All / Saleable')")
    ctx = TransformContext(
        categories={local: cid for local, cid in check.categories.items() if cid is not None},
        category_paths={int(row["id"]): str(row.get("complete_name") or "") for row in rows},
    )
    unmapped: set[str] = set()
    ambiguous: dict[str, str] = {}
    for value in used:
        if is_empty(value):
            continue
        name = str(value).strip()
        try:
            resolve_category(name, ctx)
        except AmbiguousCategory as exc:
            ambiguous[name] = exc.message
        except TransformError:
            unmapped.add(name)
    for name in sorted(ambiguous):
        check.warn(f"catalog {ambiguous[name]}")
    if unmapped:
        tail = (
            "they will be created"
            if cfg.create_missing_categories
            else "those products will fail; add them under [categories]"
        )
        check.warn(f"catalog categories without a mapping: {', '.join(sorted(unmapped))}; {tail}")


def _check_taxes(
    check: MappingCheck, cfg: MappingConfig, odoo: OdooReader, used: Sequence[Any]
) -> None:
    rows = odoo.search_read(
        "account.tax", [("type_tax_use", "=", "sale")], ["id", "name", "amount", "amount_type"]
    )
    by_id = {int(row["id"]): row for row in rows}
    for rate, target in cfg.taxes.items():
        if isinstance(target, int):
            matches = [by_id[target]] if target in by_id else []
        else:
            matches = [row for row in rows if str(row.get("name")) == target.strip()]
        if not matches:
            check.taxes[rate] = None
            check.error(f"[taxes] {rate!r} = {target!r}: no such sale tax in Odoo")
            continue
        chosen = min(matches, key=lambda row: int(row["id"]))
        check.taxes[rate] = int(chosen["id"])
        if len(matches) > 1:
            check.warn(
                f"[taxes] {rate!r} = {target!r}: {len(matches)} sale taxes have that name; "
                f"using id {chosen['id']} (give the id to choose another)"
            )
        amount = chosen.get("amount")
        if (
            chosen.get("amount_type", "percent") == "percent"
            and isinstance(amount, int | float)
            and Decimal(repr(float(amount))) != Decimal(rate.strip())
        ):
            check.warn(f"[taxes] {rate!r} maps to {chosen.get('name')!r}, a {amount}% tax")
    mapped: set[str] = set()
    for rate in cfg.taxes:
        try:
            mapped.add(normalise_rate(rate))
        except TransformError:
            continue
    unmapped: set[str] = set()
    for value in used:
        for part in str(value).split(";") if not is_empty(value) else []:
            try:
                rate = normalise_rate(part)
            except TransformError:
                unmapped.add(part.strip())
                continue
            if rate not in mapped:
                unmapped.add(rate)
    if unmapped:
        check.warn(
            f"catalog tax rates without a mapping: {', '.join(sorted(unmapped))}; "
            "those products will fail; add them under [taxes]"
        )
