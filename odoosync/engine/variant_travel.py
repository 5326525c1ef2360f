"""What of a variant row travels between the catalog and Odoo, and how both sides compare
(SPEC §7.2 "Import and sync"): the variant import records it in the rows' links, two-way sync
decides each row by it.

A row's values are compared in the catalog's form (Odoo's side as the variant import writes it,
:func:`odoosync.engine.imports.variants.odoo_rows`), each normalised by :func:`text`:

- the *template columns* (bidirectional ``product.template`` mappings, images and the price
  excepted) are shared by a group's rows: a row's empty cell takes the group's value, as the
  export merges them (shop exports often fill the title on the first row only);
- the *row columns*: the price (the variant's ``lst_price``), the ``product.product`` mappings,
  the attribute (or option) columns, the vendor columns;
- the stock quantity has an owner (``[stock] direction``) and so is no conflict: with
  ``to_odoo`` it is in the catalog's digest (a changed quantity is pushed), with ``from_odoo`` in
  neither digest (two-way sync copies Odoo's ``qty_available`` into the catalog whenever the two
  differ).

A link of a variant row keeps: ``local_hash`` the export's row digest (its "unchanged" check),
``odoo_hash`` the digest of Odoo's values, and in ``field_hashes`` ``@row`` the digest of the
catalog's values, ``@template``, ``@stock`` and ``@vendor`` (what the export last pushed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from odoosync.engine.export.groups import PRICE_FIELDS, VariantRow, plan_group, variant_row
from odoosync.mapping.model import MappingConfig
from odoosync.transforms import TransformContext

__all__ = ["VariantTravel", "export_rows_state", "text"]

TEMPLATE = "product.template"
VARIANT = "product.product"


def text(value: Any) -> str:
    """A cell in a comparable form: empty for None/False, numbers without a trailing ``.0``."""
    if value is None or value is False:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    shown = str(value).strip()
    try:
        number = float(shown)
    except ValueError:
        return shown
    if number != number or number in (float("inf"), float("-inf")):
        return shown
    return str(int(number)) if number.is_integer() else repr(number)


def _digest(values: Mapping[str, str]) -> str:
    payload = json.dumps(sorted(values.items()), separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class VariantTravel:
    """The columns that travel, worked out once per run from the mapping."""

    template_columns: tuple[str, ...]
    row_columns: tuple[str, ...]
    quantity: str | None
    stock_to_odoo: bool

    @classmethod
    def of(cls, mapping: MappingConfig) -> VariantTravel:
        template: list[str] = []
        row: list[str] = []
        for m in mapping.active():
            if not m.is_bidirectional or m.transform == "image":
                continue
            if m.odoo_model == VARIANT or m.odoo_field in PRICE_FIELDS:
                row.append(m.local_field)
            elif m.odoo_model == TEMPLATE:
                template.append(m.local_field)
        if mapping.variants is not None:
            row += [c for c in mapping.variants.columns() if c != mapping.variants.parent]
        if mapping.vendors is not None:
            row += mapping.vendors.columns()
        stock = mapping.stock
        return cls(
            template_columns=tuple(dict.fromkeys(template)),
            row_columns=tuple(dict.fromkeys(c for c in row if c not in template)),
            quantity=stock.quantity if stock is not None else None,
            stock_to_odoo=stock is not None and stock.direction == "to_odoo",
        )

    @property
    def columns(self) -> tuple[str, ...]:
        """The compared columns (the quantity apart)."""
        return self.template_columns + self.row_columns

    def local_values(
        self, row: Mapping[str, Any], group: Sequence[Mapping[str, Any]]
    ) -> dict[str, str]:
        """The catalog row's compared values: an empty template cell takes the group's first
        non-empty one (``group``: the group's rows in file order)."""
        values = {c: text(row.get(c)) for c in self.row_columns}
        for column in self.template_columns:
            own = text(row.get(column))
            if not own:
                own = next((t for r in group if (t := text(r.get(column)))), "")
            values[column] = own
        if self.quantity is not None:
            values[self.quantity] = text(row.get(self.quantity))
        return values

    def odoo_values(self, row: Mapping[str, Any]) -> dict[str, str]:
        """Odoo's side of a row (as the variant import writes it), compared values only."""
        values = {c: text(row.get(c)) for c in self.columns}
        if self.quantity is not None:
            values[self.quantity] = text(row.get(self.quantity))
        return values

    def local_digest(self, values: Mapping[str, str]) -> str:
        kept = {c: values.get(c, "") for c in self.columns}
        if self.quantity is not None and self.stock_to_odoo:
            kept[self.quantity] = values.get(self.quantity, "")
        return _digest(kept)

    def odoo_digest(self, values: Mapping[str, str]) -> str:
        return _digest({c: values.get(c, "") for c in self.columns})

    def equal(self, local: Mapping[str, str], odoo: Mapping[str, str]) -> bool:
        """Both sides hold the same values (a cell empty in the catalog is left to Odoo)."""
        return all(not local.get(c) or local.get(c) == odoo.get(c) for c in self.columns)

    def differing(self, local: Mapping[str, str], odoo: Mapping[str, str]) -> list[str]:
        return [c for c in self.columns if local.get(c, "") != odoo.get(c, "")]

    def pulled(
        self,
        odoo: Mapping[str, Any],
        row: Mapping[str, Any],
        group: Sequence[Mapping[str, Any]],
    ) -> dict[str, Any]:
        """The cells a pull writes into ``row``: its row columns, and the template columns
        where the row has a value or no row of the group has one (a catalog that names the
        title on the first row only keeps that shape)."""
        values = {c: odoo.get(c) for c in self.row_columns}
        for column in self.template_columns:
            if text(row.get(column)) or not any(text(r.get(column)) for r in group):
                values[column] = odoo.get(column)
        return {c: v for c, v in values.items() if text(v) != text(row.get(c))}

    def stock_pull(self, odoo: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
        """With ``[stock] direction = "from_odoo"``: Odoo's quantity when the catalog's differs."""
        if self.quantity is None or self.stock_to_odoo:
            return {}
        if text(odoo.get(self.quantity)) == text(row.get(self.quantity)):
            return {}
        return {self.quantity: odoo.get(self.quantity)}


def export_rows_state(
    rows: Sequence[Mapping[str, Any]],
    mapping: MappingConfig,
    ctx: TransformContext,
    *,
    key_field: str,
) -> dict[str, tuple[str, VariantRow]]:
    """``{key: (the export's row digest, the row as the export reads it)}`` for catalog rows
    holding every row of their groups: what a link's ``local_hash``, ``@stock`` and ``@vendor``
    say once these rows are in Odoo."""
    required = [
        (m.odoo_field, m.local_field)
        for m in mapping.active()
        if m.is_required and m.odoo_model == TEMPLATE and m.odoo_field not in PRICE_FIELDS
    ]
    groups: dict[str, list[VariantRow]] = {}
    for raw in rows:
        item = variant_row(raw, mapping, ctx, key_field=key_field)
        groups.setdefault(item.group, []).append(item)
    state: dict[str, tuple[str, VariantRow]] = {}
    for members in groups.values():
        plan = plan_group(members, required)
        for item in members:
            state[item.key] = (plan.row_digest(item), item)
    return state
