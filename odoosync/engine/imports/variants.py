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

Every run reads every variant: a variant's ``write_date`` does not move when its stock level or
its template changes, so there is no watermark (``--since`` is refused, exit 3). ``--categ-id``
and ``--domain`` select variants through their template's fields. The rows' links (the
``product.product`` id, and what two-way sync compares: :mod:`odoosync.engine.variant_travel`)
are recorded after the catalog's write, with a log entry per row created or updated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import zip_longest
from typing import Any

from odoosync.catalog.base import Catalog, catalog_key
from odoosync.catalog.spool import ChangeSpool, PickleSpool
from odoosync.engine.export.stock import resolve_location
from odoosync.engine.identity import (
    PRODUCT_PREFIX,
    TEMPLATE_PREFIX,
    VARIANT_PREFIX,
    key_of_name,
)
from odoosync.engine.imports.variant_spool import CatalogRows, ImportedRows, chunks
from odoosync.engine.odoo_side import OdooSide
from odoosync.engine.result import ProductOutcome, RunOptions, RunResult
from odoosync.engine.variant_travel import VariantTravel, export_rows_state, text
from odoosync.history.records import Link, LogEntry
from odoosync.history.store import History
from odoosync.mapping.model import MappingConfig
from odoosync.mapping.rows import unmap_record
from odoosync.odoo.client import OdooClient

__all__ = [
    "group_name",
    "import_variant_rows",
    "odoo_rows",
    "read_variants",
    "variant_fields",
    "variant_link",
]

TEMPLATE = "product.template"
VARIANT = "product.product"
PRICE_FIELDS = ("list_price", "lst_price")
READ_CHUNK = 200
RECORD_CHUNK = 500


def variant_fields(mapping: MappingConfig) -> list[str]:
    """The product.product fields a variant row is read from."""
    own = [
        m.odoo_field
        for m in mapping.active()
        if m.odoo_model == VARIANT and m.is_bidirectional and m.transform != "image"
    ]
    base = ["product_tmpl_id", "product_template_attribute_value_ids", "active", "lst_price"]
    return list(dict.fromkeys([*base, "write_date", *own]))


def group_name(row: Mapping[str, Any], mapping: MappingConfig, key: str) -> str:
    """Which group a catalog row belongs to: its parent's, or its own (a simple product)."""
    parent = text(row.get(mapping.variants.parent)) if mapping.variants is not None else ""
    return f"template {parent}" if parent else f"product {key}"


def read_variants(
    client: OdooClient,
    mapping: MappingConfig,
    side: OdooSide,
    module: str,
    ids: Sequence[int],
    location: int | None,
) -> dict[int, dict[str, Any]]:
    """``{variant id: its row in the catalog's form}`` (archived ones too, ``active`` set),
    ``READ_CHUNK`` variants a round of calls."""
    found: dict[int, dict[str, Any]] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), READ_CHUNK):
        page = client.search_read(
            VARIANT,
            [("id", "in", wanted[start : start + READ_CHUNK])],
            variant_fields(mapping),
            context={"active_test": False},
        )
        for row in odoo_rows(client, mapping, side, module, page, location, True):
            found[int(row["__id"])] = row
    return found


def _name_back(known: Mapping[str, str], name: str, prefix: str) -> str | None:
    """The key (or parent) an external id name of this kind stands for: from the catalog's own
    names first (a digest name cannot be read back), else spelled out by a plain name."""
    if not name.startswith(prefix):
        return None
    return known.get(name) or key_of_name(name, prefix)


def variant_link(
    key: str,
    row: Mapping[str, Any],
    *,
    module: str,
    travel: VariantTravel,
    local: Mapping[str, str],
    export_state: tuple[str, Any] | None = None,
    old: Link | None = None,
) -> Link:
    """The link of the catalog row ``key`` to its variant ``row`` (Odoo's side, as
    :func:`odoo_rows` reads it) when the catalog holds ``local`` for it and Odoo and the
    catalog agree (after an import, a pull or a push): what the export last pushed
    (``@stock``, ``@vendor``) is then what the catalog says."""
    hashes = dict(old.field_hashes) if old is not None else {}
    hashes.pop("@archived", None)
    hashes["@template"] = str(row["__template"])
    hashes["@row"] = travel.local_digest(local)
    local_hash = old.local_hash if old is not None else None
    if export_state is not None:
        local_hash, item = export_state
        if item.quantity is not None and not (travel.stock_to_odoo and "@stock" in hashes):
            hashes["@stock"] = repr(item.quantity)
        if item.vendor is not None:
            hashes["@vendor"] = item.vendor.digest()
    name = str(row.get("__xml_name") or "")
    external = f"{module}.{name}" if name else ""
    return Link(
        key=key,
        odoo_id=int(row["__id"]),
        external_id=old.external_id if old is not None and old.external_id else external,
        local_hash=local_hash,
        odoo_hash=travel.odoo_digest(travel.odoo_values(row)),
        field_hashes=hashes,
        odoo_write_date=row.get("__write_date") or None,
    )


def import_variant_rows(
    *,
    options: RunOptions,
    mapping: MappingConfig,
    catalog: Catalog,
    client: OdooClient,
    side: OdooSide,
    module: str,
    result: RunResult,
    history: History,
    profile: str,
    batch_id: str,
    domain: Sequence[Any] = (),
) -> None:
    """Read every variant (of ``domain``: ``--categ-id``, ``--domain``) page by page, write the
    catalog once (atomically, in its own format), then record the log entries and the rows'
    links. The catalog's rows and names, Odoo's rows and the changes are kept on disk
    (:mod:`odoosync.engine.imports.variant_spool`), not in memory."""
    context = {"active_test": False} if options.include_archived else {}
    location = resolve_location(client, mapping.stock) if mapping.stock is not None else None
    with (
        CatalogRows.of(catalog.iter_rows(), mapping, catalog.key) as current,
        ImportedRows() as imported,
        ChangeSpool() as spool,
        PickleSpool[LogEntry]() as entries,
    ):
        for page in client.iter_pages(
            VARIANT, list(domain), variant_fields(mapping), context=context
        ):
            rows = odoo_rows(client, mapping, side, module, page, location,
                             options.include_archived, current.names)  # fmt: skip
            olds = current.rows(catalog_key(row["__key"]) for row in rows)
            for row in rows:
                key = catalog_key(row["__key"])
                values = {c: v for c, v in row.items() if not c.startswith("__")}
                values[catalog.key] = key
                old = olds.get(key)
                changed = [c for c in values if old is None or text(old.get(c)) != text(values[c])]
                if old is None:
                    spool.insert(values)
                    action = "create"
                elif changed:
                    spool.update(key, values)
                    action = "update"
                else:
                    action = "unchanged"
                final = {**(old or {}), **values}
                imported.add(row, key, final, group_name(final, mapping, key))
                result.products_found += 1
                result.add(ProductOutcome(key, action, int(row["__id"]), changed))
                if action != "unchanged":
                    entries.append(
                        LogEntry(
                            product_id=key,
                            odoo_product_id=int(row["__id"]),
                            sync_direction="from_odoo",
                            sync_type=action,
                            sync_status="success",
                            fields_synced=changed,
                        )
                    )
        if options.dry_run:
            return
        if spool.updates or spool.inserts:
            catalog.apply(spool.updates, spool.inserts)
        links = imported_links(imported, mapping, side, module, catalog.key,
                               lambda keys: history.links(profile, keys))  # fmt: skip
        for chunk, chunk_links in zip_longest(chunks(entries, RECORD_CHUNK), links):
            history.record(batch_id, chunk or [], links=chunk_links or [], profile=profile)


def imported_links(
    imported: ImportedRows,
    mapping: MappingConfig,
    side: OdooSide,
    module: str,
    key_field: str,
    old_links: Callable[[list[str]], Mapping[str, Link]],
) -> Iterator[list[Link]]:
    """The links of the rows written from Odoo (as :func:`odoo_rows` read them), in their
    order, ``RECORD_CHUNK`` a list, now that the catalog holds their final rows; each row's
    group is read back whole (its rows may be anywhere in Odoo's order)."""
    travel = VariantTravel.of(mapping)
    for rows in imported.read_rows(RECORD_CHUNK):
        keys = [catalog_key(row["__key"]) for row in rows]
        finals = imported.finals(keys)
        groups = imported.groups(group for group, _final in finals.values())
        state: dict[str, tuple[str, Any]] = {}
        for members in groups.values():
            state.update(export_rows_state(members, mapping, side.transform, key_field=key_field))
        olds = old_links(list(dict.fromkeys(keys)))
        links: list[Link] = []
        for row, key in zip(rows, keys, strict=True):
            group, mine = finals[key]
            local = travel.local_values(mine, groups[group])
            links.append(
                variant_link(key, row, module=module, travel=travel, local=local,
                             export_state=state.get(key), old=olds.get(key))
            )  # fmt: skip
        yield links


def odoo_rows(
    client: OdooClient,
    mapping: MappingConfig,
    side: OdooSide,
    module: str,
    page: Sequence[Mapping[str, Any]],
    location: int | None,
    include_archived: bool,
    known: Callable[[Iterable[str]], Mapping[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """One page of variants (read with :func:`variant_fields`) as catalog rows, in one call
    each for their templates, attribute values, external ids, quantities and vendor lines.
    Besides the catalog's columns a row holds ``__key``, ``__id`` (the variant),
    ``__template``, ``__xml_name`` (its external id name in ``module``, if any) and
    ``__write_date`` (the later of the variant's and the template's)."""
    if not page:
        return []
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
            sorted(set(template_fields) | {"active", "write_date"}),
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
    # a digest name cannot be read back: ``known`` gives the catalog's names' keys
    catalog_names = known(names.values()) if known is not None else {}
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
        by_variant = _name_back(catalog_names, vname, VARIANT_PREFIX)
        by_product = _name_back(catalog_names, tname, PRODUCT_PREFIX)
        if by_variant:
            key = by_variant
        elif by_product and not combination:
            key = by_product
        else:
            key = f"odoo-{vid}"
        row["__key"] = key
        row["__id"], row["__template"] = vid, tid
        row["__xml_name"] = (
            vname
            if vname.startswith(VARIANT_PREFIX)
            else (tname if tname.startswith(PRODUCT_PREFIX) and not combination else "")
        )
        dates = [str(d) for d in (variant.get("write_date"), template.get("write_date")) if d]
        row["__write_date"] = max(dates) if dates else None
        if mapping.variants is not None:
            parent = ""
            by_template = _name_back(catalog_names, tname, TEMPLATE_PREFIX)
            if by_template:
                parent = by_template
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
