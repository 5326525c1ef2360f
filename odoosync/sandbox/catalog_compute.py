"""Computed fields of the catalog models: variants, attribute values, vendors, stock.

The read side only (the store calls :func:`compute` for a field a record does not hold), so this
module imports nothing of the store at run time. One2many fields are worked out from their
inverse many2one, as Odoo does, through the store's index on that column
(``Store.ids_where``); records whose model has ``active`` and are archived are left out (the
``active_test`` of a one2many read). ``lst_price`` is ``list_price`` plus the sum of the
variant's ``price_extra`` (observation #15); ``qty_available`` sums the quants at internal
locations (#31).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from odoosync.sandbox.store import Record, Store

#: sentinel: "not a field this module computes"
NOT_COMPUTED: Any = object()

#: (model, one2many field) → (comodel, inverse many2one)
ONE2MANY: dict[tuple[str, str], tuple[str, str]] = {
    ("product.template", "attribute_line_ids"): (
        "product.template.attribute.line",
        "product_tmpl_id",
    ),
    ("product.template", "seller_ids"): ("product.supplierinfo", "product_tmpl_id"),
    ("product.template", "variant_seller_ids"): ("product.supplierinfo", "product_tmpl_id"),
    ("product.attribute", "value_ids"): ("product.attribute.value", "attribute_id"),
    ("product.attribute", "attribute_line_ids"): (
        "product.template.attribute.line",
        "attribute_id",
    ),
    ("product.template.attribute.line", "product_template_value_ids"): (
        "product.template.attribute.value",
        "attribute_line_id",
    ),
    ("stock.location", "child_ids"): ("stock.location", "location_id"),
    ("stock.location", "quant_ids"): ("stock.quant", "location_id"),
}


def one2many_ids(store: Store, model: str, rec_id: int, name: str) -> list[int]:
    """Ids of the ``name`` one2many of ``model(rec_id)``: active comodel records, ``_order``ed."""
    comodel, inverse = ONE2MANY[(model, name)]
    ids = store.ids_where(comodel, inverse, rec_id)
    if store.specs[comodel].has_active:
        table = store.tables[comodel]
        ids = [i for i in ids if table[i].get("active", True)]
    return ordered(store, comodel, ids)


def ordered(store: Store, model: str, ids: list[int]) -> list[int]:
    """``ids`` in ``model``'s ``_order`` (only the orders of the catalog models)."""
    table = store.tables[model]
    if model == "product.template.attribute.line":
        return sorted(ids, key=lambda i: _line_key(store, table[i]))
    if model == "product.template.attribute.value":
        return sorted(ids, key=lambda i: ptav_key(store, table[i]))
    if model == "product.attribute.value":
        return sorted(ids, key=lambda i: _value_key(table[i]))
    if model == "product.supplierinfo":
        return sorted(
            ids,
            key=lambda i: (
                table[i].get("sequence") or 0,
                -(table[i].get("min_qty") or 0.0),
                table[i].get("price") or 0.0,
                i,
            ),
        )
    return sorted(ids)


def order_key(store: Store, model: str, rec: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """Sort key of a catalog record by its model's ``_order`` (None: sort by display name)."""
    if model == "product.template.attribute.line":
        return _line_key(store, rec)
    if model == "product.template.attribute.value":
        return ptav_key(store, rec)
    if model == "product.attribute.value":
        return _value_key(rec)
    if model == "product.attribute":
        return (int(rec.get("sequence") or 0), int(rec["id"]))
    return None


def _value_key(rec: Mapping[str, Any]) -> tuple[int, int, int]:
    return (int(rec.get("attribute_id") or 0), int(rec.get("sequence") or 0), int(rec["id"]))


def _line_key(store: Store, rec: Mapping[str, Any]) -> tuple[int, int, int, int]:
    attribute_id = int(rec.get("attribute_id") or 0)
    attribute = store.tables["product.attribute"].get(attribute_id) or {}
    # ``attribute_id`` in an ``_order`` sorts by the attribute's own order (sequence, id)
    sequence = int(attribute.get("sequence") or 0)
    return (int(rec.get("sequence") or 0), sequence, attribute_id, int(rec["id"]))


def ptav_key(store: Store, rec: Mapping[str, Any]) -> tuple[Any, ...]:
    """``attribute_line_id, product_attribute_value_id, id``, each by its model's order."""
    line = store.tables["product.template.attribute.line"].get(rec.get("attribute_line_id") or 0)
    value = store.tables["product.attribute.value"].get(rec.get("product_attribute_value_id") or 0)
    line_key = _line_key(store, line) if line else (0, 0, 0, 0)
    value_key = _value_key(value) if value else (0, 0, 0)
    return (*line_key, *value_key, int(rec["id"]))


# -- variants ---------------------------------------------------------------------------------


def variant_ptavs(store: Store, rec: Mapping[str, Any]) -> list[Record]:
    ptavs = store.tables["product.template.attribute.value"]
    found = [ptavs[i] for i in rec.get("product_template_attribute_value_ids") or [] if i in ptavs]
    return sorted(found, key=lambda p: ptav_key(store, p))


def price_extra(store: Store, rec: Mapping[str, Any]) -> float:
    """Sum of the ``price_extra`` of the variant's values (``_compute_product_price_extra``)."""
    return float(sum(float(p.get("price_extra") or 0.0) for p in variant_ptavs(store, rec)))


def combination_name(store: Store, rec: Mapping[str, Any]) -> str:
    """``_get_combination_name``: values of single-value lines and no_variant attributes left
    out; single-value lines counted with archived values when one of the values is archived."""
    ptavs = variant_ptavs(store, rec)
    attributes = store.tables["product.attribute"]
    ptavs = [
        p
        for p in ptavs
        if (attributes.get(p.get("attribute_id") or 0) or {}).get("create_variant") != "no_variant"
    ]
    only_active = all(p.get("ptav_active", True) for p in ptavs)
    table = store.tables["product.template.attribute.value"]
    kept = []
    for ptav in ptavs:
        line = ptav.get("attribute_line_id") or 0
        siblings = [
            i
            for i in store.ids_where("product.template.attribute.value", "attribute_line_id", line)
            if table[i].get("ptav_active", True) or not only_active
        ]
        if len(siblings) != 1:
            kept.append(value_name(store, ptav))
    return ", ".join(kept)


def value_name(store: Store, ptav: Mapping[str, Any]) -> str:
    pav = store.tables["product.attribute.value"].get(ptav.get("product_attribute_value_id") or 0)
    return str((pav or {}).get("name") or "")


def active_variant_ids(store: Store, tmpl: Mapping[str, Any]) -> list[int]:
    """The template's ``product_variant_ids`` as Odoo reads them: archived variants left out."""
    variants = store.tables["product.product"]
    return [
        v
        for v in tmpl.get("product_variant_ids") or []
        if v in variants and variants[v].get("active", True)
    ]


def single_variant(store: Store, tmpl: Mapping[str, Any]) -> int | None:
    """The variant a template's ``barcode``/``default_code`` read and write: its only active
    variant, or, with none active, its only archived one (``_compute_barcode``)."""
    active = active_variant_ids(store, tmpl)
    if len(active) == 1:
        return active[0]
    every = [
        v for v in tmpl.get("product_variant_ids") or [] if v in store.tables["product.product"]
    ]
    return every[0] if not active and len(every) == 1 else None


# -- stock ------------------------------------------------------------------------------------


def internal_quantity(store: Store, variant_ids: set[int]) -> float:
    """``qty_available``: quants of the variants at internal locations."""
    locations = store.tables["stock.location"]
    quants = store.tables["stock.quant"]
    total = 0.0
    for quant_id in sorted(
        q for v in variant_ids for q in store.ids_where("stock.quant", "product_id", v)
    ):
        quant = quants[quant_id]
        location = locations.get(quant.get("location_id") or 0) or {}
        if location.get("usage") == "internal":
            total += float(quant.get("quantity") or 0.0)
    return total


def location_name(store: Store, rec: Mapping[str, Any]) -> str:
    """``stock.location._compute_complete_name``: ``parent/name`` unless a view location."""
    parent = store.tables["stock.location"].get(rec.get("location_id") or 0)
    name = str(rec.get("name") or "")
    if parent is not None and rec.get("usage") != "view":
        return f"{location_name(store, parent)}/{name}"
    return name


def _warehouse_of(store: Store, rec: Mapping[str, Any]) -> int | bool:
    seen: set[int] = set()
    current: Mapping[str, Any] | None = rec
    views = {w.get("view_location_id"): w["id"] for w in store.tables["stock.warehouse"].values()}
    while current is not None and current["id"] not in seen:
        seen.add(current["id"])
        if current["id"] in views:
            return int(views[current["id"]])
        current = store.tables["stock.location"].get(current.get("location_id") or 0)
    return False


# -- dispatch ---------------------------------------------------------------------------------


def _template(store: Store, rec: Record, key: str) -> Any:
    if key in {"qty_available", "virtual_available"}:
        return internal_quantity(store, set(rec.get("product_variant_ids") or []))
    if key in {"incoming_qty", "outgoing_qty"}:
        return 0.0
    if key == "valid_product_template_attribute_line_ids":
        return one2many_ids(store, "product.template", rec["id"], "attribute_line_ids")
    if key == "has_configurable_attributes":
        lines = store.tables["product.template.attribute.line"]
        return any(
            len(lines[i].get("value_ids") or []) >= 2
            for i in one2many_ids(store, "product.template", rec["id"], "attribute_line_ids")
        )
    return NOT_COMPUTED


def _variant(store: Store, rec: Record, key: str) -> Any:
    if key == "price_extra":
        return price_extra(store, rec)
    if key == "lst_price":
        tmpl = store.tables["product.template"].get(rec.get("product_tmpl_id") or 0) or {}
        return float(tmpl.get("list_price", 1.0) or 0.0) + price_extra(store, rec)
    if key == "combination_indices":
        ids = sorted(rec.get("product_template_attribute_value_ids") or [])
        return ",".join(str(i) for i in ids) if ids else False
    if key in {"qty_available", "virtual_available", "free_qty"}:
        return internal_quantity(store, {rec["id"]})
    if key in {"incoming_qty", "outgoing_qty"}:
        return 0.0
    return NOT_COMPUTED


def _by_key(store: Store, model: str, rec: Record, key: str) -> Any:
    """The catalog models' own computed fields."""
    if model == "product.template.attribute.value":
        pav = store.tables["product.attribute.value"].get(
            rec.get("product_attribute_value_id") or 0
        )
        if key in {"name", "html_color", "is_custom"}:
            return (pav or {}).get(key) or False
        if key == "ptav_product_variant_ids":
            return store.ids_where(
                "product.product", "product_template_attribute_value_ids", rec["id"]
            )
        if key == "display_type":
            attribute = store.tables["product.attribute"].get(rec.get("attribute_id") or 0)
            return (attribute or {}).get("display_type", False)
    elif model == "product.template.attribute.line" and key == "value_count":
        return len(rec.get("value_ids") or [])
    elif model == "product.attribute.value":
        if key == "display_type":
            attribute = store.tables["product.attribute"].get(rec.get("attribute_id") or 0)
            return (attribute or {}).get("display_type", False)
        if key == "pav_attribute_line_ids":
            return store.ids_where("product.template.attribute.line", "value_ids", rec["id"])
        if key == "is_used_on_products":
            return bool(store.ids_where("product.template.attribute.line", "value_ids", rec["id"]))
    elif model == "product.attribute":
        if key in {"product_tmpl_ids", "number_related_products"}:
            return _related_templates(store, rec, key)
    elif model == "res.partner" and key == "complete_name":
        return partner_name(store, rec)
    elif model == "stock.location":
        if key == "complete_name":
            return location_name(store, rec)
        if key == "warehouse_id":
            return _warehouse_of(store, rec)
    elif model == "stock.quant":
        return _quant(store, rec, key)
    elif model == "product.supplierinfo":
        if key == "product_uom":
            return 1
        if key == "product_variant_count":
            tmpl = store.tables["product.template"].get(rec.get("product_tmpl_id") or 0) or {}
            return len(active_variant_ids(store, tmpl))
    return NOT_COMPUTED


def _related_templates(store: Store, rec: Record, key: str) -> Any:
    """``product_tmpl_ids``: the templates of the attribute's active lines, archived ones too
    (the many2many read leaves those out); ``number_related_products`` counts the active ones,
    so a template archived with its line still in place no longer counts (0, not 1)."""
    lines = store.tables["product.template.attribute.line"]
    found = store.ids_where("product.template.attribute.line", "attribute_id", rec["id"])
    tmpls = sorted({lines[i]["product_tmpl_id"] for i in found if lines[i].get("active", True)})
    return tmpls if key == "product_tmpl_ids" else len(related_templates(store, rec["id"]))


def related_templates(store: Store, attribute_id: int) -> list[int]:
    """The active templates with an active line of the attribute (what
    ``number_related_products`` counts and ``_unlink_except_used_on_product`` names)."""
    lines = store.tables["product.template.attribute.line"]
    templates = store.tables["product.template"]
    found = store.ids_where("product.template.attribute.line", "attribute_id", attribute_id)
    tmpls = {lines[i]["product_tmpl_id"] for i in found if lines[i].get("active", True)}
    return sorted(t for t in tmpls if templates.get(t, {}).get("active", True))


def _quant(store: Store, rec: Record, key: str) -> Any:
    variant = store.tables["product.product"].get(rec.get("product_id") or 0) or {}
    if key == "product_tmpl_id":
        return variant.get("product_tmpl_id", False)
    if key == "product_uom_id":
        return 1
    if key == "company_id":
        return 1
    if key == "priority":
        return "0"
    if key == "warehouse_id":
        location = store.tables["stock.location"].get(rec.get("location_id") or 0)
        return _warehouse_of(store, location) if location else False
    if key == "available_quantity":
        return float(rec.get("quantity") or 0.0) - float(rec.get("reserved_quantity") or 0.0)
    if key == "inventory_diff_quantity":
        if not rec.get("inventory_quantity_set"):
            return 0.0
        return float(rec.get("inventory_quantity") or 0.0) - float(rec.get("quantity") or 0.0)
    if key == "is_outdated":
        return False
    return NOT_COMPUTED


def partner_name(store: Store, rec: Mapping[str, Any]) -> str:
    """``res.partner._compute_complete_name``: ``Company, Person`` for a company's contact."""
    name = str(rec.get("name") or "")
    parent = store.tables["res.partner"].get(rec.get("parent_id") or 0)
    if parent is not None and not rec.get("is_company"):
        return f"{parent.get('name') or ''}, {name}"
    return name


COMPUTERS: dict[str, Callable[[Store, Record, str], Any]] = {
    "product.template": _template,
    "product.product": _variant,
}
CATALOG_MODELS = frozenset(
    {
        "product.attribute",
        "product.attribute.value",
        "product.template.attribute.line",
        "product.template.attribute.value",
        "res.partner",
        "product.supplierinfo",
        "stock.warehouse",
        "stock.location",
        "stock.quant",
        "stock.move",
    }
)


#: the product fields computed here (a cheap test: reads call :func:`compute` for every field a
#: record does not hold)
PRODUCT_KEYS = frozenset(
    {
        "qty_available",
        "virtual_available",
        "free_qty",
        "incoming_qty",
        "outgoing_qty",
        "valid_product_template_attribute_line_ids",
        "has_configurable_attributes",
        "price_extra",
        "lst_price",
        "combination_indices",
        *(name for _model, name in ONE2MANY),
    }
)


def compute(store: Store, model: str, rec: Record, key: str) -> Any:
    """``key`` of ``rec`` if this module computes it, else :data:`NOT_COMPUTED`."""
    computer = COMPUTERS.get(model)
    if computer is not None and key not in PRODUCT_KEYS:
        return NOT_COMPUTED
    if (model, key) in ONE2MANY:
        return one2many_ids(store, model, rec["id"], key)
    if computer is not None:
        return computer(store, rec, key)
    if model in CATALOG_MODELS:
        return _by_key(store, model, rec, key)
    return NOT_COMPUTED


def display_name(store: Store, model: str, rec: Mapping[str, Any]) -> str | None:
    """``display_name`` of a catalog record (None: not a catalog model)."""
    if model in {"product.attribute.value", "product.template.attribute.value"}:
        attribute = store.tables["product.attribute"].get(rec.get("attribute_id") or 0) or {}
        name = rec.get("name") if model == "product.attribute.value" else value_name(store, rec)
        return f"{attribute.get('name') or ''}: {name or ''}"
    if model == "product.template.attribute.line":
        attribute = store.tables["product.attribute"].get(rec.get("attribute_id") or 0) or {}
        return str(attribute.get("name") or "")
    if model == "stock.location":
        return location_name(store, rec)
    if model == "res.partner":
        return partner_name(store, rec)
    if model == "product.supplierinfo":
        partner = store.tables["res.partner"].get(rec.get("partner_id") or 0) or {}
        return partner_name(store, partner) if partner else ""
    if model == "stock.quant":
        location = store.tables["stock.location"].get(rec.get("location_id") or 0)
        return location_name(store, location) if location else ""
    return None


def search_text(store: Store, model: str, rec: Mapping[str, Any]) -> str | None:
    """What ``name_search`` matches for a catalog model whose ``_rec_name`` is not its
    display name (attribute values by ``name``, lines by attribute); None: the display name."""
    if model == "product.attribute.value":
        return str(rec.get("name") or "")
    if model == "product.template.attribute.value":
        return value_name(store, rec)
    return None
