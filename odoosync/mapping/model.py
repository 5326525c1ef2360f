"""``mapping.toml`` ↔ :class:`MappingConfig`: the model, the default file, load and save.

``load_mapping`` validates everything that can be checked without Odoo and names the file, the
entry and the bad value (``mapping.toml: fields[3].transform: unknown transform 'decmal' (did you
mean 'decimal'?)``). Mapping rows and records (``map_row``, ``unmap_record``, the digests) live
in :mod:`odoosync.mapping.rows`, and ``mappings validate`` in :mod:`odoosync.mapping.check`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any

import tomli_w

from odoosync.errors import MappingConfigError
from odoosync.files import write_text_atomic
from odoosync.suggest import did_you_mean
from odoosync.transforms import REGISTRY

__all__ = [
    "DEFAULT_MAPPING_TOML",
    "MODELS",
    "STOCK_DIRECTIONS",
    "FieldMapping",
    "MappingConfig",
    "StockMapping",
    "VariantsMapping",
    "VendorsMapping",
    "load_mapping",
    "mapping_from_toml",
    "mapping_to_toml",
    "require_active_fields",
    "save_mapping",
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


STOCK_DIRECTIONS = ("to_odoo", "from_odoo")


@dataclass(frozen=True)
class VariantsMapping:
    """``[variants]`` (SPEC §7.1): the column naming a row's template, and how its combination
    is read — ``attributes`` (column → Odoo attribute) or ``options`` ((name column, value
    column) pairs, as shop exports write them). Exactly one of the two is non-empty."""

    parent: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    options: tuple[tuple[str, str], ...] = ()

    def columns(self) -> list[str]:
        """Every catalog column ``[variants]`` reads."""
        return [self.parent, *self.attributes, *(c for pair in self.options for c in pair)]


@dataclass(frozen=True)
class StockMapping:
    """``[stock]``: the on-hand quantity column, the internal location (complete name or id),
    and which side owns stock in two-way sync."""

    quantity: str
    location: str | int = "WH/Stock"
    direction: str = "to_odoo"


@dataclass(frozen=True)
class VendorsMapping:
    """``[vendors]``: the columns of one managed ``product.supplierinfo`` per product."""

    partner: str
    price: str | None = None
    code: str | None = None
    min_qty: str | None = None

    def columns(self) -> list[str]:
        return [c for c in (self.partner, self.price, self.code, self.min_qty) if c]


@dataclass(frozen=True)
class MappingConfig:
    """The whole mapping.toml: field mappings, category and tax tables, options, and the
    optional ``[variants]``, ``[stock]`` and ``[vendors]`` tables (SPEC §7)."""

    path: Path | None
    fields: tuple[FieldMapping, ...]
    categories: Mapping[str, int | str] = field(default_factory=dict)
    taxes: Mapping[str, int | str] = field(default_factory=dict)
    create_missing_categories: bool = False
    variants: VariantsMapping | None = None
    stock: StockMapping | None = None
    vendors: VendorsMapping | None = None

    @property
    def catalog_tables(self) -> bool:
        """Whether any of ``[variants]``, ``[stock]``, ``[vendors]`` is set: the export then
        goes through :mod:`odoosync.engine.export.variants` (templates and their variants)."""
        return self.variants is not None or self.stock is not None or self.vendors is not None

    @cached_property
    def _active(self) -> tuple[FieldMapping, ...]:
        ordered = sorted(enumerate(self.fields), key=lambda item: (-item[1].priority, item[0]))
        return tuple(m for _, m in ordered if m.is_active)

    def active(self) -> list[FieldMapping]:
        """Active mappings, highest priority first, then in file order (sorted once: the
        mapping is frozen, and an export asks for every row)."""
        return list(self._active)

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
_TOP_KEYS = ("fields", "categories", "taxes", "options", "variants", "stock", "vendors")
_OPTION_KEYS = ("create_missing_categories",)


def is_numeric(text: str) -> bool:
    """Whether ``text`` is a finite decimal number (a ``[taxes]`` key, a numeric column value)."""
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
            raise bad(key, f"unknown section{did_you_mean(key, _TOP_KEYS)}")
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
        if not is_numeric(rate):
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
            raise bad(f"options.{key}", f"unknown option{did_you_mean(key, _OPTION_KEYS)}")
    create_missing = options.get("create_missing_categories", False)
    if not isinstance(create_missing, bool):
        raise bad("options.create_missing_categories", f"{create_missing!r} must be true or false")

    return MappingConfig(
        path=path,
        fields=fields,
        categories=dict(categories),
        taxes=dict(taxes),
        create_missing_categories=create_missing,
        variants=_variants(data.get("variants"), bad),
        stock=_stock(data.get("stock"), bad),
        vendors=_vendors(data.get("vendors"), bad),
    )


def _column(table: Mapping[str, Any], section: str, key: str, bad: Any) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise bad(f"{section}.{key}", "missing or empty: it must name a catalog column")
    return value.strip()


def _table(raw: Any, section: str, keys: tuple[str, ...], bad: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad(section, "must be a table")
    for key in raw:
        if key not in keys:
            raise bad(f"{section}.{key}", f"unknown key{did_you_mean(key, keys)}")
    return raw


def _variants(raw: Any, bad: Any) -> VariantsMapping | None:
    table = _table(raw, "variants", ("parent", "attributes", "options"), bad)
    if table is None:
        return None
    parent = _column(table, "variants", "parent", bad)
    attributes = table.get("attributes")
    options = table.get("options")
    if attributes is not None and options is not None:
        raise bad("variants.options", "set either attributes or options, not both")
    if attributes is None and options is None:
        raise bad("variants", 'missing attributes = { column = "Odoo attribute" } or options')
    if attributes is not None:
        if not isinstance(attributes, dict) or not attributes:
            raise bad("variants.attributes", 'must be a non-empty table of column = "Attribute"')
        for column, name in attributes.items():
            if not isinstance(name, str) or not name.strip():
                raise bad(f"variants.attributes.{column}", "must name an Odoo attribute")
            if column == parent:
                raise bad(f"variants.attributes.{column}", "is the parent column")
        names = [n.strip().casefold() for n in attributes.values()]
        if len(set(names)) != len(names):
            raise bad("variants.attributes", "names the same Odoo attribute twice")
        return VariantsMapping(parent, attributes={c: n.strip() for c, n in attributes.items()})
    if not isinstance(options, list) or not options:
        raise bad("variants.options", "must be a list of [name column, value column] pairs")
    pairs: list[tuple[str, str]] = []
    for i, pair in enumerate(options):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(c, str) and c.strip() for c in pair)
        ):
            raise bad(f"variants.options[{i}]", f"{pair!r} must be [name column, value column]")
        pairs.append((pair[0].strip(), pair[1].strip()))
    return VariantsMapping(parent, options=tuple(pairs))


def _stock(raw: Any, bad: Any) -> StockMapping | None:
    table = _table(raw, "stock", ("quantity", "location", "direction"), bad)
    if table is None:
        return None
    quantity = _column(table, "stock", "quantity", bad)
    location = table.get("location", "WH/Stock")
    if isinstance(location, bool) or not (
        (isinstance(location, int) and location > 0)
        or (isinstance(location, str) and location.strip())
    ):
        raise bad("stock.location", f"{location!r} must be a location id or complete name")
    direction = table.get("direction", "to_odoo")
    if direction not in STOCK_DIRECTIONS:
        raise bad(
            "stock.direction",
            f"{direction!r} must be to_odoo or from_odoo"
            f"{did_you_mean(str(direction), STOCK_DIRECTIONS)}",
        )
    location = location.strip() if isinstance(location, str) else location
    return StockMapping(quantity, location=location, direction=direction)


def _vendors(raw: Any, bad: Any) -> VendorsMapping | None:
    table = _table(raw, "vendors", ("partner", "price", "code", "min_qty"), bad)
    if table is None:
        return None
    partner = _column(table, "vendors", "partner", bad)
    optional = {
        key: _column(table, "vendors", key, bad) if key in table else None
        for key in ("price", "code", "min_qty")
    }
    return VendorsMapping(partner, **optional)


def _field(entry: Any, where: str, bad: Any) -> FieldMapping:
    if not isinstance(entry, dict):
        raise bad(where, "must be a table with local_field and odoo_field")
    for key in entry:
        if key not in _FIELD_KEYS:
            raise bad(f"{where}.{key}", f"unknown key{did_you_mean(key, _FIELD_KEYS)}")
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
            f"{did_you_mean(str(mapping_type), MAPPING_TYPES)}",
        )
    transform = entry.get("transform")
    if transform is not None:
        if not isinstance(transform, str) or transform not in REGISTRY:
            raise bad(
                f"{where}.transform",
                f"unknown transform {transform!r}{did_you_mean(str(transform), REGISTRY)}",
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
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MappingConfigError(
            f"{path}: mapping file not found: create it with `odoosync init` or fix [mapping] path"
        ) from None
    except OSError as exc:
        raise MappingConfigError(f"{path}: cannot read the mapping file: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")  # a byte order mark is accepted and dropped
    except UnicodeDecodeError as exc:
        raise MappingConfigError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the mapping file as UTF-8."
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingConfigError(f"{path.name}: not valid TOML: {exc}") from None
    return mapping_from_toml(data, path=path)


def require_active_fields(cfg: MappingConfig) -> None:
    """Refuse a mapping that maps nothing (an empty file, or every field ``is_active = false``):
    a run with it would call every product "unchanged" without comparing anything."""
    if cfg.active():
        return
    where = cfg.path if cfg.path is not None else "mapping.toml"
    raise MappingConfigError(
        f"{where}: no active [[fields]] mapping: there is nothing to sync. Add a [[fields]] "
        "table (`odoosync mapping add`, or `odoosync init` for a starting mapping), or set "
        "is_active = true on one."
    )


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
    if cfg.variants is not None:
        variants: dict[str, Any] = {"parent": cfg.variants.parent}
        if cfg.variants.attributes:
            variants["attributes"] = dict(cfg.variants.attributes)
        else:
            variants["options"] = [list(pair) for pair in cfg.variants.options]
        document["variants"] = variants
    if cfg.stock is not None:
        document["stock"] = {
            "quantity": cfg.stock.quantity,
            "location": cfg.stock.location,
            "direction": cfg.stock.direction,
        }
    if cfg.vendors is not None:
        vendors = {"partner": cfg.vendors.partner}
        for key in ("price", "code", "min_qty"):
            if getattr(cfg.vendors, key):
                vendors[key] = getattr(cfg.vendors, key)
        document["vendors"] = vendors
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
    write_text_atomic(path, text)
