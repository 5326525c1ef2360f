"""Import of variants, stock and vendors (SPEC §7.2 "Import and sync"), used when the mapping has
a ``[variants]``, ``[stock]`` or ``[vendors]`` table: one catalog row per ``product.product``.

Per page of variants (keyset paging, archived ones too with ``--include-archived``): their
templates, attribute values, external ids, on-hand quantities at the ``[stock]`` location and
vendor lines are read in one call each. A row's key is its variant's external id
``<module>.variant_<key>`` (or its template's ``product_<key>`` for a simple product, else
``odoo-<id>``); its parent the template's ``template_<parent>`` (``odoo-template-<id>`` for a
template odoosync did not create); the price column holds the variant's ``lst_price``; the
vendor columns the line ``<module>.vendor_<key>`` (else the variant's first vendor line).
Archived products come back with ``active`` false.

Not yet: two-way sync of variant rows (``odoosync sync`` still syncs templates), the import's
watermark (every run reads every variant) and its filters (``--categ``, ``--domain``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from odoosync.catalog.base import Catalog, catalog_key
from odoosync.catalog.spool import ChangeSpool
from odoosync.engine.export.stock import resolve_location
from odoosync.engine.odoo_side import OdooSide
from odoosync.engine.result import ProductOutcome, RunOptions, RunResult
from odoosync.mapping.model import MappingConfig
from odoosync.mapping.rows import unmap_record
from odoosync.odoo.client import OdooClient

__all__ = ["import_variant_rows"]

TEMPLATE = "product.template"
VARIANT = "product.product"
PRICE_FIELDS = ("list_price", "lst_price")


def import_variant_rows(
    *,
    options: RunOptions,
    mapping: MappingConfig,
    catalog: Catalog,
    client: OdooClient,
    side: OdooSide,
    module: str,
    result: RunResult,
) -> None:
    """Read every variant and write the catalog once (atomically, in its own format)."""
    current = {catalog_key(r.get(catalog.key)): dict(r) for r in catalog.iter_rows()}
    context = {"active_test": False} if options.include_archived else {}
    location = resolve_location(client, mapping.stock) if mapping.stock is not None else None
    rows: list[dict[str, Any]] = []
    variant_fields = [
        m.odoo_field
        for m in mapping.active()
        if m.odoo_model == VARIANT and m.is_bidirectional and m.transform != "image"
    ]
    for page in client.iter_pages(
        VARIANT,
        [],
        [
            "product_tmpl_id",
            "product_template_attribute_value_ids",
            "active",
            "lst_price",
            *variant_fields,
        ],
        context=context,
    ):
        rows += _page_rows(client, mapping, side, module, page, location, options.include_archived)
    with ChangeSpool() as spool:
        for row in rows:
            key = catalog_key(row.pop("__key"))
            row[catalog.key] = key
            old = current.get(key)
            if old is None:
                spool.insert(row)
                action = "create"
            elif any(_text(old.get(c)) != _text(v) for c, v in row.items()):
                spool.update(key, row)
                action = "update"
            else:
                action = "unchanged"
            result.products_found += 1
            result.add(ProductOutcome(product_id=key, action=action, fields_synced=list(row)))
        if not options.dry_run and (spool.updates or spool.inserts):
            catalog.apply(spool.updates, spool.inserts)


def _text(value: Any) -> str:
    if value is None or value is False:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else repr(number)


def _page_rows(
    client: OdooClient,
    mapping: MappingConfig,
    side: OdooSide,
    module: str,
    page: Sequence[Mapping[str, Any]],
    location: int | None,
    include_archived: bool,
) -> list[dict[str, Any]]:
    ids = [int(v["id"]) for v in page]
    tids = sorted({int(v["product_tmpl_id"][0]) for v in page})
    template_fields = [
        m.odoo_field
        for m in mapping.active()
        if m.odoo_model == TEMPLATE and m.is_bidirectional and m.transform != "image"
    ]
    templates = {
        int(t["id"]): t
        for t in client.search_read(
            TEMPLATE,
            [("id", "in", tids)],
            sorted(set(template_fields) | {"active"}),
            context={"active_test": False},
        )
    }
    ptavs = {
        int(p["id"]): (str(p["attribute_id"][1]), str(p["name"]))
        for p in client.search_read(
            "product.template.attribute.value",
            [("product_tmpl_id", "in", tids)],
            ["attribute_id", "name"],
        )
    }
    names: dict[tuple[str, int], str] = {}
    for row in client.search_read(
        "ir.model.data",
        [
            ("module", "=", module),
            ("model", "in", [TEMPLATE, VARIANT]),
            ("res_id", "in", ids + tids),
        ],
        ["model", "name", "res_id"],
    ):
        names.setdefault((str(row["model"]), int(row["res_id"])), str(row["name"]))
    quantities: dict[int, float] = {}
    if location is not None:
        for row in client.search_read(
            VARIANT,
            [("id", "in", ids)],
            ["qty_available"],
            context={"location": location, "active_test": False},
        ):
            quantities[int(row["id"])] = float(row["qty_available"])
    vendors = _vendor_lines(client, mapping, module, tids) if mapping.vendors else {}
    rows: list[dict[str, Any]] = []
    for variant in page:
        vid, tid = int(variant["id"]), int(variant["product_tmpl_id"][0])
        template = dict(templates.get(tid, {}))
        record = {**template, **{f: variant.get(f) for f in variant}}
        for name in PRICE_FIELDS:
            if name in template_fields:
                record[name] = variant["lst_price"]
        row = unmap_record(record, mapping, side.transform)
        combination = [
            ptavs[p] for p in variant["product_template_attribute_value_ids"] if p in ptavs
        ]
        vname = names.get((VARIANT, vid), "")
        tname = names.get((TEMPLATE, tid), "")
        if vname.startswith("variant_"):
            key = vname[len("variant_") :]
        elif tname.startswith("product_") and not combination:
            key = tname[len("product_") :]
        else:
            key = f"odoo-{vid}"
        row["__key"] = key
        if mapping.variants is not None:
            parent = ""
            if tname.startswith("template_"):
                parent = tname[len("template_") :]
            elif combination:
                parent = f"odoo-template-{tid}"
            row[mapping.variants.parent] = parent
            by_attribute = dict(combination)
            for column, attribute in mapping.variants.attributes.items():
                row[column] = by_attribute.get(attribute, "")
            for i, (name_column, value_column) in enumerate(mapping.variants.options):
                pair = combination[i] if i < len(combination) else ("", "")
                row[name_column], row[value_column] = pair
        if mapping.stock is not None:
            row[mapping.stock.quantity] = quantities.get(vid)
        if mapping.vendors is not None:
            line = vendors.get((tid, vid)) or vendors.get((tid, 0))
            v = mapping.vendors
            row[v.partner] = line["partner_id"][1] if line else None
            pairs: list[tuple[str | None, str]] = [
                (v.price, "price"),
                (v.code, "product_code"),
                (v.min_qty, "min_qty"),
            ]
            for vendor_column, field_name in pairs:
                if vendor_column:
                    row[vendor_column] = (line.get(field_name) or None) if line else None
        if not variant.get("active", True) or not template.get("active", True):
            row["active"] = False
        elif include_archived:
            row["active"] = True
        rows.append(row)
    return rows


def _vendor_lines(
    client: OdooClient, mapping: MappingConfig, module: str, tids: Sequence[int]
) -> dict[tuple[int, int], dict[str, Any]]:
    """``(template id, variant id or 0) → line``: the managed line first, else the first."""
    lines = client.search_read(
        "product.supplierinfo",
        [("product_tmpl_id", "in", list(tids))],
        ["product_tmpl_id", "product_id", "partner_id", "price", "product_code", "min_qty"],
    )
    managed = {
        int(r["res_id"])
        for r in client.search_read(
            "ir.model.data",
            [("module", "=", module), ("model", "=", "product.supplierinfo"),
             ("res_id", "in", [int(line["id"]) for line in lines])],
            ["res_id"],
        )
    }  # fmt: skip
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for line in sorted(lines, key=lambda r: (int(r["id"]) not in managed, int(r["id"]))):
        product = int(line["product_id"][0]) if line["product_id"] else 0
        found.setdefault((int(line["product_tmpl_id"][0]), product), line)
    return found
