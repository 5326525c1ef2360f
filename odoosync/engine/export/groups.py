"""Catalog rows as templates and their variants (SPEC §7.2), without any Odoo call.

A row is one sellable product. :func:`variant_row` reads one row through the mapping into a
:class:`VariantRow` (its combination, its template-level and variant-level values, its price,
stock and vendor). :class:`GroupSpool` holds every row of the catalog on disk keyed by its
template, because a group's rows may be anywhere in the file. :func:`plan_group` merges a
group into a :class:`GroupPlan`: the template's values (empty cells ignored; two different values
fail the group with ``VARIANT_CONFLICT``), its attribute lines, and the prices decomposed into the
template's ``list_price`` plus one ``price_extra`` per attribute value (``VARIANT_PRICE`` when the
catalog's prices are not additive that way).
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from odoosync.catalog.spool import TempDatabase
from odoosync.engine.identity import external_id_name, template_id_name
from odoosync.mapping.model import MappingConfig
from odoosync.mapping.rows import key_of, map_row
from odoosync.transforms import TransformContext, is_empty

__all__ = [
    "PRICE_FIELDS",
    "VARIANT_CONFLICT",
    "VARIANT_PRICE",
    "GroupPlan",
    "GroupSpool",
    "VariantRow",
    "Vendor",
    "plan_group",
    "variant_row",
]

VARIANT_CONFLICT = "VARIANT_CONFLICT"
VARIANT_PRICE = "VARIANT_PRICE"
#: the template price mapping: per variant, decomposed into list_price + price_extra
PRICE_FIELDS = ("list_price", "lst_price")
_FALSE = ("false", "0", "no", "n", "off", "inactive", "archived")
#: id(mapping) -> (mapping, the same without required fields), so rows do not rebuild it
_RELAXED: dict[int, tuple[MappingConfig, MappingConfig]] = {}


@dataclass(frozen=True)
class Vendor:
    """A row's managed vendor line: partner name (or id), price, product code, minimum qty."""

    partner: str
    price: float | None = None
    code: str | None = None
    min_qty: float | None = None

    def digest(self) -> str:
        return _digest([self.partner, self.price, self.code, self.min_qty])


@dataclass(frozen=True)
class VariantRow:
    """One catalog row as a variant: ``parent`` is None for a simple product."""

    key: str
    parent: str | None
    combination: tuple[tuple[str, str], ...]
    template_values: dict[str, Any]
    variant_values: dict[str, Any]
    price: float | None = None
    quantity: float | None = None
    vendor: Vendor | None = None
    active: bool = True
    error: tuple[str, dict[str, Any]] | None = None

    @property
    def group(self) -> str:
        """The template's external id name: ``template_<parent>`` or ``product_<key>``."""
        if self.parent is not None:
            return template_id_name(self.parent)
        return external_id_name(self.key)


@dataclass
class GroupPlan:
    """One template and its rows, merged; ``error`` fails every row of the group."""

    name: str
    rows: list[VariantRow]
    template_values: dict[str, Any] = field(default_factory=dict)
    #: attribute → its values, in the catalog's order
    lines: dict[str, list[str]] = field(default_factory=dict)
    #: (attribute, value) → price_extra
    extras: dict[tuple[str, str], float] = field(default_factory=dict)
    error: tuple[str, dict[str, Any]] | None = None
    digest: str = ""

    @property
    def has_variants(self) -> bool:
        return bool(self.lines)

    def row_digest(self, row: VariantRow) -> str:
        """What the history keeps per row: the group's digest and the row's own values."""
        return _digest(
            [
                self.digest,
                row.key,
                sorted(row.combination),
                row.variant_values,
                row.quantity,
                row.vendor.digest() if row.vendor else None,
                row.active,
            ]
        )


def _digest(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _number(raw: Any) -> float | None:
    if is_empty(raw):
        return None
    try:
        return float(Decimal(str(raw).strip().replace(",", ".")))
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number") from None


def _text(raw: Any) -> str:
    return key_of(raw)


def variant_row(
    row: Mapping[str, Any], cfg: MappingConfig, ctx: TransformContext, *, key_field: str
) -> VariantRow:
    """Map one catalog row: required template fields are checked per group, not per row."""
    relaxed = _RELAXED.get(id(cfg))
    if relaxed is None or relaxed[0] is not cfg:
        loose = replace(cfg, fields=tuple(replace(m, is_required=False) for m in cfg.fields))
        relaxed = _RELAXED[id(cfg)] = (cfg, loose)
    mapped = map_row(row, relaxed[1], ctx, key_field=key_field)
    models: dict[str, tuple[str, str]] = {}
    for m in cfg.active():
        models.setdefault(m.odoo_field, (m.odoo_model, m.local_field))
    template: dict[str, Any] = {}
    variant: dict[str, Any] = {}
    price: float | None = None
    for odoo_field, value in mapped.values.items():
        model, local = models[odoo_field]
        if model == "product.product":
            variant[odoo_field] = value
        elif odoo_field in PRICE_FIELDS:
            price = None if is_empty(row.get(local)) else float(value)
        elif not is_empty(row.get(local)):
            template[odoo_field] = value
    parent: str | None = None
    combination: list[tuple[str, str]] = []
    error: tuple[str, dict[str, Any]] | None = None
    if mapped.error is not None:
        error = (mapped.error.message, _error_details(mapped.error))
    for m in cfg.active():
        if m.is_required and m.odoo_model == "product.product" and is_empty(row.get(m.local_field)):
            error = error or (
                f"required field {m.local_field!r} (Odoo {m.odoo_field}) is empty",
                {"odoo_error_code": "REQUIRED_FIELD_MISSING", "field": m.odoo_field},
            )
    if cfg.variants is not None and not is_empty(row.get(cfg.variants.parent)):
        parent = _text(row.get(cfg.variants.parent))
        if cfg.variants.attributes:
            for column, attribute in cfg.variants.attributes.items():
                if not is_empty(row.get(column)):
                    combination.append((attribute, _text(row.get(column))))
        for name_column, value_column in cfg.variants.options:
            if not is_empty(row.get(name_column)) and not is_empty(row.get(value_column)):
                combination.append((_text(row.get(name_column)), _text(row.get(value_column))))
    quantity: float | None = None
    vendor: Vendor | None = None
    try:
        if cfg.stock is not None:
            quantity = _number(row.get(cfg.stock.quantity))
        if cfg.vendors is not None and not is_empty(row.get(cfg.vendors.partner)):
            v = cfg.vendors
            vendor = Vendor(
                partner=_text(row.get(v.partner)),
                price=_number(row.get(v.price)) if v.price else None,
                code=None if not v.code or is_empty(row.get(v.code)) else _text(row.get(v.code)),
                min_qty=_number(row.get(v.min_qty)) if v.min_qty else None,
            )
    except ValueError as exc:
        error = error or (
            f"stock/vendor column: {exc}",
            {"odoo_error_code": "MAPPING_ERROR", "value": str(exc)},
        )
    active_raw = row.get("active")
    active = is_empty(active_raw) or str(active_raw).strip().lower() not in _FALSE
    if active_raw is False:
        active = False
    return VariantRow(
        key=mapped.key,
        parent=parent,
        combination=tuple(combination),
        template_values=template,
        variant_values=variant,
        price=price,
        quantity=quantity,
        vendor=vendor,
        active=active,
        error=error,
    )


def _error_details(exc: Any) -> dict[str, Any]:
    details: dict[str, Any] = {"odoo_error_code": getattr(exc, "code", "MAPPING_ERROR")}
    for name in ("field", "local_field"):
        if getattr(exc, name, None):
            details[name] = getattr(exc, name)
    return details


#: rows :class:`GroupSpool` holds in memory before writing them together
PENDING_ROWS = 500


class GroupSpool(TempDatabase):
    """Every catalog row by its template, on disk (a group's rows may be anywhere in the file);
    groups come back in the order their first row appeared."""

    def __init__(self) -> None:
        super().__init__(
            "groups.db",
            "rows (seq integer primary key, grp text, key text, data blob)",
            "keys (key text primary key)",
        )
        self._db.execute("create index rows_grp on rows (grp)")
        self.duplicates: list[str] = []
        self._pending: list[tuple[str, str, bytes]] = []

    def add(self, row: VariantRow) -> None:
        if row.key:
            try:
                self._db.execute("insert into keys (key) values (?)", [row.key])
            except Exception:  # sqlite3.IntegrityError: the same key twice
                self.duplicates.append(row.key)
                return
        self._pending.append((row.group, row.key, pickle.dumps(row, pickle.HIGHEST_PROTOCOL)))
        if len(self._pending) >= PENDING_ROWS:
            self._flush()

    def _flush(self) -> None:
        """Write the rows added since the last flush (in one ``executemany``)."""
        if self._pending:
            self._db.executemany(
                "insert into rows (grp, key, data) values (?, ?, ?)", self._pending
            )
            self._pending = []

    def has_key(self, key: str) -> bool:
        return self._db.execute("select 1 from keys where key = ?", [key]).fetchone() is not None

    def key_count(self) -> int:
        return int(self._db.execute("select count(*) from keys").fetchone()[0])

    def __iter__(self) -> Iterator[VariantRow]:
        """Every row, in file order."""
        self._flush()
        for (data,) in self._db.execute("select data from rows order by seq"):
            yield pickle.loads(data)

    def batches(self, size: int) -> Iterator[list[list[VariantRow]]]:
        """Lists of up to ``size`` groups (each the group's rows in file order)."""
        self._flush()
        names = [
            str(name)
            for (name,) in self._db.execute(
                "select grp from rows group by grp order by min(seq)"
            ).fetchall()
        ]
        for start in range(0, len(names), size):
            chunk = names[start : start + size]
            marks = ",".join("?" * len(chunk))
            found: dict[str, list[VariantRow]] = {name: [] for name in chunk}
            for grp, data in self._db.execute(
                f"select grp, data from rows where grp in ({marks}) order by seq", chunk
            ):
                found[str(grp)].append(pickle.loads(data))
            yield [found[name] for name in chunk]


# --------------------------------------------------------------------------------------------
# merging a group


def plan_group(rows: Sequence[VariantRow], required: Sequence[tuple[str, str]]) -> GroupPlan:
    """Merge one group's rows. ``required``: (odoo field, local column) of the required
    template fields — satisfied when any row of the group has them."""
    plan = GroupPlan(name=rows[0].group, rows=list(rows))
    for row in rows:
        if row.error is not None:
            plan.error = row.error
            return _sealed(plan)
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for row in rows:
        for name, value in row.template_values.items():
            if name in merged and merged[name] != value:
                plan.error = (
                    f"the rows of {rows[0].parent!r} disagree on {name}: "
                    f"{merged[name]!r} ({origin[name]}) and {value!r} ({row.key})",
                    {
                        "odoo_error_code": VARIANT_CONFLICT,
                        "field": name,
                        "rows": [origin[name], row.key],
                        "values": [merged[name], value],
                    },
                )
                return _sealed(plan)
            merged.setdefault(name, value)
            origin.setdefault(name, row.key)
    for odoo_field, local in required:
        if odoo_field not in merged:
            plan.error = (
                f"required field {local!r} (Odoo {odoo_field}) is empty in every row of "
                f"{plan.name}",
                {"odoo_error_code": "REQUIRED_FIELD_MISSING", "field": odoo_field},
            )
            return _sealed(plan)
    plan.template_values = merged
    if rows[0].parent is not None:
        error = _lines(plan, rows)
        if error is not None:
            plan.error = error
            return _sealed(plan)
    error = _prices(plan, rows)
    if error is not None:
        plan.error = error
    return _sealed(plan)


def _sealed(plan: GroupPlan) -> GroupPlan:
    plan.digest = _digest(
        [
            plan.name,
            plan.template_values,
            sorted(plan.lines.items()),
            sorted((f"{a}\x00{v}", x) for (a, v), x in plan.extras.items()),
            sorted(r.key for r in plan.rows),
            plan.error[0] if plan.error else None,
        ]
    )
    return plan


def _lines(plan: GroupPlan, rows: Sequence[VariantRow]) -> tuple[str, dict[str, Any]] | None:
    attributes = [a for a, _ in rows[0].combination]
    seen: dict[tuple[str, ...], str] = {}
    for row in rows:
        names = [a for a, _ in row.combination]
        if sorted(names) != sorted(attributes) or len(set(names)) != len(names):
            return (
                f"the rows of {rows[0].parent!r} name different attributes: "
                f"{', '.join(attributes) or 'none'} ({rows[0].key}) and "
                f"{', '.join(names) or 'none'} ({row.key})",
                {
                    "odoo_error_code": VARIANT_CONFLICT,
                    "field": "attributes",
                    "rows": [rows[0].key, row.key],
                },
            )
        combo = tuple(v for _, v in sorted(row.combination))
        if combo in seen:
            return (
                f"{seen[combo]} and {row.key} are the same variant of {rows[0].parent!r} "
                f"({', '.join(f'{a}: {v}' for a, v in row.combination)})",
                {
                    "odoo_error_code": VARIANT_CONFLICT,
                    "field": "combination",
                    "rows": [seen[combo], row.key],
                },
            )
        seen[combo] = row.key
        for attribute, value in row.combination:
            values = plan.lines.setdefault(attribute, [])
            if value not in values:
                values.append(value)
    return None


def _prices(plan: GroupPlan, rows: Sequence[VariantRow]) -> tuple[str, dict[str, Any]] | None:
    """``list_price`` = the lowest price; one ``price_extra`` per attribute value so that each
    variant's ``lst_price`` is its price. Rows without a price do not constrain."""
    priced = [r for r in rows if r.price is not None]
    if not priced:
        return None
    cents = {r.key: round(Decimal(str(r.price)) * 100) for r in priced}
    base_row = min(priced, key=lambda r: (cents[r.key], r.key))
    base = cents[base_row.key]
    plan.template_values["list_price"] = base / 100
    if not plan.lines:
        if len({cents[r.key] for r in priced}) > 1:  # cannot happen: one row per simple group
            return _not_additive(plan, priced)
        return None
    extra: dict[tuple[str, str], int] = {pair: 0 for pair in base_row.combination}
    changed = True
    while changed:  # propagate: a row with exactly one unknown value extra fixes it
        changed = False
        for row in priced:
            unknown = [pair for pair in row.combination if pair not in extra]
            if len(unknown) == 1:
                known = sum(extra[p] for p in row.combination if p in extra)
                extra[unknown[0]] = cents[row.key] - base - known
                changed = True
        if not changed:
            rest = [p for r in priced for p in r.combination if p not in extra]
            if rest:  # no row pins it alone: fix one to 0 and go on
                extra[rest[0]] = 0
                changed = True
    for row in priced:
        if base + sum(extra.get(p, 0) for p in row.combination) != cents[row.key]:
            return _not_additive(plan, priced)
    plan.extras = {pair: value / 100 for pair, value in extra.items() if value}
    return None


def _not_additive(plan: GroupPlan, priced: Sequence[VariantRow]) -> tuple[str, dict[str, Any]]:
    shown = ", ".join(f"{r.key} {r.price}" for r in priced)
    return (
        f"the prices of {plan.name.removeprefix('template_')!r} cannot be written as a base "
        f"price plus one extra per attribute value (Odoo's lst_price = list_price + "
        f"price_extra): {shown}",
        {
            "odoo_error_code": VARIANT_PRICE,
            "rows": [r.key for r in priced],
            "prices": [r.price for r in priced],
        },
    )
