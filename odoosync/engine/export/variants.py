"""Export of templates with variants, stock and vendors (SPEC §7.2), used when the mapping has a
``[variants]``, ``[stock]`` or ``[vendors]`` table.

The catalog is read once into a :class:`~odoosync.engine.export.groups.GroupSpool` (a group's
rows may be anywhere in the file), then sent ``batch_size`` templates at a time. A group whose
rows all hash as the history last saw them is skipped without a call. Per batch, whatever its
size (each only when needed):

1. ``search_read`` ir.model.data for the templates without a link (``<module>.template_<parent>``
   or ``<module>.product_<key>``);
2. ``load`` of the templates by external id (created with it in the same call, or updated; list
   price = the group's lowest price; storable with ``[stock]``; active unless every row is not);
3. ``search_read`` of the existing attribute lines, ``create`` of the new lines, ``load`` by
   ``.id`` of the lines gaining values (Odoo makes the new variants; values are never removed);
4. ``search_read`` of the templates' variants (archived included) and attribute values;
5. ``search_read`` + ``create`` of ir.model.data ``<module>.variant_<key>`` for new variants;
6. ``load`` by ``.id`` of the variants' own fields (barcode, default_code, active);
7. ``write`` ``active = False`` on the combinations Odoo made that no row lists;
8. ``load`` by ``.id`` of the attribute values' ``price_extra``;
9. stock (:mod:`.stock`, two calls) and vendor lines (:mod:`.vendors`, one ``load``) for the
   rows whose quantity or vendor changed since the last push.

Then, with ``--archive-missing`` (:mod:`.archive`), the linked products whose key left the
catalog are archived. The history links each key to its ``product.product`` id; the link's
``field_hashes`` keep ``@template`` (the template id), ``@stock`` (the quantity last pushed) and
``@vendor`` (the vendor line last pushed).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from odoosync.engine.batching import BULK_CONTEXT, RowFailure, load_isolating
from odoosync.engine.export.apply import import_cell, import_column
from odoosync.engine.export.archive import archive_missing, check_archive_ratio
from odoosync.engine.export.groups import (
    PRICE_FIELDS,
    GroupPlan,
    GroupSpool,
    VariantRow,
    plan_group,
    variant_row,
)
from odoosync.engine.export.refs import CatalogRefs, resolve_refs
from odoosync.engine.export.state import ExportRun
from odoosync.engine.export.stock import apply_inventory, storable_values
from odoosync.engine.export.vendors import VendorLine, push_vendors
from odoosync.engine.identity import variant_id_name
from odoosync.engine.result import ProductOutcome
from odoosync.errors import OdooError, OdooUnreachable
from odoosync.history.records import Link, LogEntry
from odoosync.odoo.client import OdooClient

__all__ = ["VariantBatch", "export_variant_rows", "variant_xml_id"]

TEMPLATE = "product.template"
VARIANT = "product.product"
LINE = "product.template.attribute.line"
PTAV = "product.template.attribute.value"


def variant_xml_id(module: str, key: str) -> str:
    return f"{module}.{variant_id_name(key)}"


def export_variant_rows(run: ExportRun, client: OdooClient, rows: Iterable[dict[str, Any]]) -> None:
    """Spool, plan and (unless a dry run) send ``rows``; outcomes go to ``run.handle.result``."""
    result = run.handle.result
    key_field = run.settings.catalog.key
    required = [
        (m.odoo_field, m.local_field)
        for m in run.mapping.active()
        if m.is_required and m.odoo_model == TEMPLATE and m.odoo_field not in PRICE_FIELDS
    ]
    with GroupSpool() as spool:
        for raw in rows:
            result.products_found += 1
            spool.add(variant_row(raw, run.mapping, run.side.transform, key_field=key_field))
        if run.options.archive_missing:
            check_archive_ratio(run, spool)
        refs: CatalogRefs | None = None
        size = max(1, run.options.batch_size or run.settings.sync.batch_size)
        for groups in spool.batches(size):
            started = time.monotonic()
            plans = [plan_group(g, required) for g in groups]
            batch = VariantBatch(run, client, plans)
            if batch.work and refs is None:
                refs = resolve_refs(run, client, spool)
            batch.send(refs)
            batch.record(started)
        if run.options.archive_missing:
            outcomes = archive_missing(run, client, spool)
            for outcome in outcomes:
                result.add(outcome)


@dataclass
class _Row:
    """A row being sent: its variant once known, what was pushed, what failed."""

    row: VariantRow
    plan: GroupPlan
    link: Link | None
    variant_id: int | None = None
    pushed: list[str] = field(default_factory=list)
    stock: str | None = None
    vendor: str | None = None
    failure: RowFailure | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)


class VariantBatch:
    """One batch of groups: the plan, then the calls of the module docstring.

    Two-way sync sends its pushes through it with the ``links`` it holds (what it pulled counts
    as pushed) and, when Odoo owns stock, ``push_stock=False``."""

    def __init__(
        self,
        run: ExportRun,
        client: OdooClient,
        plans: list[GroupPlan],
        *,
        links: Mapping[str, Link] | None = None,
        push_stock: bool = True,
    ) -> None:
        self.run, self.client = run, client
        self.module = run.settings.sync.external_id_module
        self.push_stock = push_stock
        keys = [r.key for p in plans for r in p.rows if r.key]
        self.links = (
            dict(links) if links is not None else run.history.links(run.handle.profile, keys)
        )
        self.outcomes: list[ProductOutcome] = []
        self.new_links: list[Link] = []
        self.work: list[GroupPlan] = []
        self.rows: dict[str, _Row] = {}
        for plan in plans:
            if plan.error is not None:
                message, details = plan.error
                for row in plan.rows:
                    link = self.links.get(row.key)
                    self.outcomes.append(
                        ProductOutcome(
                            product_id=row.key,
                            action="error",
                            odoo_product_id=link.odoo_id if link else None,
                            error_message=message,
                            error_details=dict(details),
                        )
                    )
                continue
            digests = [plan.row_digest(r) for r in plan.rows]
            unchanged = all(
                (link := self.links.get(r.key)) is not None and link.local_hash == d
                for r, d in zip(plan.rows, digests, strict=True)
            )
            if unchanged and not run.options.force_update:
                for row in plan.rows:
                    self.outcomes.append(
                        ProductOutcome(
                            product_id=row.key,
                            action="unchanged",
                            odoo_product_id=self.links[row.key].odoo_id,
                        )
                    )
                continue
            self.work.append(plan)
            for row in plan.rows:
                self.rows[row.key] = _Row(row, plan, self.links.get(row.key))
        self.template_ids: dict[str, int] = {}

    # ----------------------------------------------------------------------------- sending

    def send(self, refs: CatalogRefs | None) -> None:
        if not self.work:
            return
        assert refs is not None
        if self.run.options.dry_run:
            self._plan_only(refs)
            return
        try:
            self._templates(refs)
            self._lines(refs)
            variants, ptavs = self._read_variants()
            self._match(variants, ptavs)
            self._variant_ids()
            self._variant_values(variants)
            self._archive_unlisted(variants)
            self._extras(ptavs)
            self._stock(refs)
            self._vendors(refs)
        except OdooError as exc:
            code = "TRANSPORT_ERROR" if isinstance(exc, OdooUnreachable) else "ODOO_ERROR"
            details = dict(getattr(exc, "details", None) or {"odoo_error_code": code})
            for item in self.rows.values():
                if item.failure is None:
                    item.failure = RowFailure(exc.message, details)
        for item in self.rows.values():
            self.outcomes.append(self._outcome(item))
            if item.failure is None and item.variant_id is not None:
                self.new_links.append(self._link(item))

    def _fail_group(self, plan: GroupPlan, failure: RowFailure) -> None:
        for row in plan.rows:
            item = self.rows[row.key]
            item.failure = item.failure or failure

    def _alive(self) -> list[GroupPlan]:
        return [p for p in self.work if self.rows[p.rows[0].key].failure is None]

    def _templates(self, refs: CatalogRefs) -> None:
        for plan in self.work:
            for row in plan.rows:
                link = self.links.get(row.key)
                if link is not None and link.field_hashes.get("@template"):
                    self.template_ids[plan.name] = int(link.field_hashes["@template"])
                    break
        unknown = [p.name for p in self.work if p.name not in self.template_ids]
        if unknown:
            found = self.client.search_read(
                "ir.model.data",
                [("module", "=", self.module), ("model", "=", TEMPLATE), ("name", "in", unknown)],
                ["name", "res_id"],
            )
            for record in found:
                self.template_ids[str(record["name"])] = int(record["res_id"])
        extra = storable_values(self.run.side.fields) if self.run.mapping.stock else {}
        by_columns: dict[tuple[str, ...], list[GroupPlan]] = {}
        for plan in self.work:
            by_columns.setdefault(tuple(sorted(plan.template_values)), []).append(plan)
        for names, plans in by_columns.items():
            types = [self.run.side.field_type(n) for n in names]
            columns = ["id", *(import_column(n, t) for n, t in zip(names, types, strict=True))]
            columns += [*extra, "active"]
            rows = [
                [
                    f"{self.module}.{plan.name}",
                    *(
                        import_cell(plan.template_values[n], t)
                        for n, t in zip(names, types, strict=True)
                    ),
                    *extra.values(),
                    "1" if any(r.active for r in plan.rows) else "0",
                ]
                for plan in plans
            ]
            outcome = load_isolating(self.client, TEMPLATE, columns, rows, context=BULK_CONTEXT)
            for i, plan in enumerate(plans):
                if i in outcome.failures:
                    self._fail_group(plan, outcome.failures[i])
                elif i in outcome.ids:
                    self.template_ids[plan.name] = outcome.ids[i]
                    for row in plan.rows:
                        self.rows[row.key].pushed += list(plan.template_values)

    def _lines(self, refs: CatalogRefs) -> None:
        plans = [p for p in self._alive() if p.has_variants]
        ids = [self.template_ids[p.name] for p in plans]
        if not ids:
            return
        current: dict[int, dict[int, tuple[int, list[int]]]] = {}
        for line in self.client.search_read(
            LINE, [("product_tmpl_id", "in", ids)], ["product_tmpl_id", "attribute_id", "value_ids"]
        ):
            tid, aid = int(line["product_tmpl_id"][0]), int(line["attribute_id"][0])
            current.setdefault(tid, {})[aid] = (int(line["id"]), list(line["value_ids"]))
        creates: list[dict[str, Any]] = []
        extends: list[list[str]] = []
        for plan in plans:
            tid = self.template_ids[plan.name]
            for attribute, values in plan.lines.items():
                aid = refs.attributes[attribute]
                wanted = [refs.values[(attribute, v)] for v in values]
                if aid not in current.get(tid, {}):
                    creates.append(
                        {"product_tmpl_id": tid, "attribute_id": aid, "value_ids": [(6, 0, wanted)]}
                    )
                    continue
                line_id, have = current[tid][aid]
                missing = [v for v in wanted if v not in have]
                if missing:
                    extends.append([str(line_id), ",".join(str(v) for v in have + missing)])
        if creates:
            self.client.create(LINE, creates, context=BULK_CONTEXT)
        if extends:
            load_isolating(self.client, LINE, [".id", "value_ids/.id"], extends)

    def _read_variants(self) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
        ids = sorted({self.template_ids[p.name] for p in self._alive()})
        if not ids:
            return [], {}
        fields = sorted({f for item in self.rows.values() for f in item.row.variant_values})
        variants = self.client.search_read(
            VARIANT,
            [("product_tmpl_id", "in", ids)],
            ["product_tmpl_id", "product_template_attribute_value_ids", "active", *fields],
            context={"active_test": False},
        )
        ptavs: dict[int, dict[str, Any]] = {}
        with_lines = [self.template_ids[p.name] for p in self._alive() if p.has_variants]
        if with_lines:
            for row in self.client.search_read(
                PTAV,
                [("product_tmpl_id", "in", with_lines)],
                ["product_tmpl_id", "attribute_id", "name", "price_extra"],
            ):
                ptavs[int(row["id"])] = row
        return variants, ptavs

    def _match(self, variants: list[dict[str, Any]], ptavs: Mapping[int, dict[str, Any]]) -> None:
        by_template: dict[int, list[dict[str, Any]]] = {}
        for variant in sorted(variants, key=lambda v: (not v["active"], int(v["id"]))):
            by_template.setdefault(int(variant["product_tmpl_id"][0]), []).append(variant)
        self.combos: dict[int, frozenset[tuple[str, str]]] = {}
        for variant in variants:
            self.combos[int(variant["id"])] = frozenset(
                (str(ptavs[p]["attribute_id"][1]), str(ptavs[p]["name"]))
                for p in variant["product_template_attribute_value_ids"]
                if p in ptavs
            )
        for plan in self._alive():
            candidates = by_template.get(self.template_ids[plan.name], [])
            for row in plan.rows:
                item = self.rows[row.key]
                wanted = frozenset(row.combination)
                match = next((v for v in candidates if self.combos[int(v["id"])] == wanted), None)
                if match is None:
                    item.failure = RowFailure(
                        f"Odoo has no variant {', '.join(f'{a}: {v}' for a, v in row.combination)}"
                        f" of {plan.name}",
                        {"odoo_error_code": "VALIDATION_ERROR"},
                    )
                    continue
                item.variant_id = int(match["id"])

    def _variant_ids(self) -> None:
        """External ids ``<module>.variant_<key>`` for variants not linked yet (created right
        after their template; a lost answer is found again by name on the next run)."""
        pending = [
            item
            for item in self.rows.values()
            if item.variant_id is not None
            and item.plan.has_variants
            and (item.link is None or item.link.odoo_id != item.variant_id)
        ]
        if not pending:
            return
        names = [variant_id_name(item.row.key) for item in pending]
        existing = {
            str(r["name"]): int(r["res_id"])
            for r in self.client.search_read(
                "ir.model.data",
                [("module", "=", self.module), ("model", "=", VARIANT), ("name", "in", names)],
                ["name", "res_id"],
            )
        }
        creates = [
            {"module": self.module, "name": name, "model": VARIANT, "res_id": item.variant_id}
            for name, item in zip(names, pending, strict=True)
            if name not in existing
        ]
        if creates:
            self.client.create("ir.model.data", creates)

    def _variant_values(self, variants: list[dict[str, Any]]) -> None:
        """Unarchive (``write``), then the variants' own fields (``load`` by ``.id``, which
        Odoo refuses on archived records: "Unknown database identifier"), then archive."""
        by_id = {int(v["id"]): v for v in variants}
        by_columns: dict[tuple[str, ...], list[_Row]] = {}
        activate: list[_Row] = []
        deactivate: list[_Row] = []
        for item in self.rows.values():
            if item.failure is not None or item.variant_id is None:
                continue
            record = by_id[item.variant_id]
            if bool(record["active"]) != item.row.active:
                item.changes["active"] = [bool(record["active"]), item.row.active]
                (activate if item.row.active else deactivate).append(item)
            differs = [
                name
                for name, value in item.row.variant_values.items()
                if _differs(record.get(name), value)
            ]
            if not differs or not item.row.active:
                continue
            for name in differs:
                item.changes[name] = [record.get(name), item.row.variant_values[name]]
            by_columns.setdefault(tuple(sorted(item.row.variant_values)), []).append(item)
        self._set_active(activate, True)
        for names, items in by_columns.items():
            types = [self.run.side.field_type(n) for n in names]
            rows = [
                [
                    str(item.variant_id),
                    *(
                        import_cell(item.row.variant_values.get(n), t)
                        for n, t in zip(names, types, strict=True)
                    ),
                ]
                for item in items
            ]
            header = [".id", *(import_column(n, t) for n, t in zip(names, types, strict=True))]
            outcome = load_isolating(self.client, VARIANT, header, rows, context=BULK_CONTEXT)
            for i, item in enumerate(items):
                if i in outcome.failures:
                    item.failure = outcome.failures[i]
                else:
                    item.pushed += [n for n in names if n in item.changes]
        self._set_active(deactivate, False)

    def _set_active(self, items: list[_Row], active: bool) -> None:
        ids = [item.variant_id for item in items if item.variant_id is not None]
        if ids:
            self.client.write(VARIANT, ids, {"active": active}, context=BULK_CONTEXT)
            for item in items:
                item.pushed.append("active")

    def _archive_unlisted(self, variants: list[dict[str, Any]]) -> None:
        """Archive the active combinations Odoo made that no catalog row lists and no key links."""
        templates = {self.template_ids[p.name] for p in self._alive() if p.has_variants}
        matched = {item.variant_id for item in self.rows.values()}
        loose = [
            int(v["id"])
            for v in variants
            if v["active"] and int(v["product_tmpl_id"][0]) in templates
            and int(v["id"]) not in matched
        ]  # fmt: skip
        if not loose:
            return
        linked = self.run.history.keys_by_odoo_id(self.run.handle.profile, loose)
        unlisted = [vid for vid in loose if vid not in linked]
        if unlisted:
            self.client.write(VARIANT, unlisted, {"active": False}, context=BULK_CONTEXT)

    def _extras(self, ptavs: Mapping[int, dict[str, Any]]) -> None:
        by_template = {self.template_ids[p.name]: p for p in self._alive() if p.has_variants}
        rows: list[list[str]] = []
        for pid, ptav in ptavs.items():
            plan = by_template.get(int(ptav["product_tmpl_id"][0]))
            if plan is None:
                continue
            pair = (str(ptav["attribute_id"][1]), str(ptav["name"]))
            if pair[1] not in plan.lines.get(pair[0], []):
                continue
            wanted = plan.extras.get(pair, 0.0)
            if abs(float(ptav.get("price_extra") or 0.0) - wanted) > 1e-6:
                rows.append([str(pid), repr(float(wanted))])
        if rows:
            load_isolating(self.client, PTAV, [".id", "price_extra"], rows, context=BULK_CONTEXT)

    def _stock(self, refs: CatalogRefs) -> None:
        if self.run.mapping.stock is None or refs.location is None:
            return
        if not self.push_stock:  # Odoo owns stock (two-way sync): keep what was last pushed
            for item in self.rows.values():
                item.stock = item.link.field_hashes.get("@stock") if item.link else None
            return
        pushes: list[tuple[int, float]] = []
        items: list[_Row] = []
        for item in self.rows.values():
            if item.failure or item.variant_id is None or item.row.quantity is None:
                continue
            previous = item.link.field_hashes.get("@stock") if item.link else None
            if not item.row.active:
                item.stock = previous
                continue
            if previous == repr(item.row.quantity) and not self.run.options.force_update:
                item.stock = previous
                continue
            pushes.append((item.variant_id, item.row.quantity))
            items.append(item)
            item.changes["qty_available"] = [previous, item.row.quantity]
        apply_inventory(self.client, refs.location, pushes)
        for item in items:
            item.stock = repr(item.row.quantity)
            item.pushed.append("qty_available")

    def _vendors(self, refs: CatalogRefs) -> None:
        if self.run.mapping.vendors is None:
            return
        lines: list[VendorLine] = []
        for item in self.rows.values():
            vendor = item.row.vendor
            if item.failure or item.variant_id is None or vendor is None:
                continue
            previous = item.link.field_hashes.get("@vendor") if item.link else None
            if previous == vendor.digest() and not self.run.options.force_update:
                item.vendor = previous
                continue
            partner = refs.partners.get(vendor.partner)
            if partner is None:
                item.failure = RowFailure(
                    f"vendor {vendor.partner!r} is not a res.partner in Odoo",
                    {"odoo_error_code": "MAPPING_ERROR", "value": vendor.partner},
                )
                continue
            lines.append(
                VendorLine(
                    key=item.row.key,
                    vendor=vendor,
                    partner_id=partner,
                    template_id=self.template_ids[item.plan.name],
                    product_id=item.variant_id if item.plan.has_variants else None,
                )
            )
        failures = push_vendors(self.client, self.module, lines)
        for line in lines:
            item = self.rows[line.key]
            if line.key in failures:
                item.failure = failures[line.key]
            else:
                item.vendor = line.vendor.digest()
                item.pushed.append("seller_ids")
                item.changes["vendor"] = [None, line.vendor.partner]

    # ----------------------------------------------------------------------------- dry runs

    def _plan_only(self, refs: CatalogRefs) -> None:
        """What would be sent: per row, its template, combination, price, stock and vendor."""
        for item in self.rows.values():
            row, plan = item.row, item.plan
            changes: dict[str, list[Any]] = {
                name: [None, value] for name, value in plan.template_values.items()
            }
            if row.combination:
                changes["combination"] = [
                    None,
                    ", ".join(f"{a}: {v}" for a, v in row.combination),
                ]
            for name, value in row.variant_values.items():
                changes[name] = [None, value]
            if row.price is not None:
                changes["lst_price"] = [None, row.price]
            previous = item.link.field_hashes if item.link else {}
            if row.quantity is not None and previous.get("@stock") != repr(row.quantity):
                changes["qty_available"] = [previous.get("@stock"), row.quantity]
            if row.vendor is not None and previous.get("@vendor") != row.vendor.digest():
                changes["vendor"] = [None, row.vendor.partner]
            if not row.active:
                changes["active"] = [True, False]
            self.outcomes.append(
                ProductOutcome(
                    product_id=row.key,
                    action="update" if item.link else "create",
                    odoo_product_id=item.link.odoo_id if item.link else None,
                    fields_synced=list(changes),
                    changes=changes,
                )
            )

    # ----------------------------------------------------------------------------- results

    def _outcome(self, item: _Row) -> ProductOutcome:
        if item.failure is not None:
            return ProductOutcome(
                product_id=item.row.key,
                action="error",
                odoo_product_id=item.variant_id or (item.link.odoo_id if item.link else None),
                error_message=item.failure.message,
                error_details=item.failure.details,
            )
        return ProductOutcome(
            product_id=item.row.key,
            action="update" if item.link is not None else "create",
            odoo_product_id=item.variant_id,
            fields_synced=list(dict.fromkeys(item.pushed)),
        )

    def _link(self, item: _Row) -> Link:
        assert item.variant_id is not None
        hashes = {"@template": str(self.template_ids[item.plan.name])}
        if item.link is not None and "@row" in item.link.field_hashes:
            hashes["@row"] = item.link.field_hashes["@row"]  # two-way sync's, until it decides
        if item.stock is not None:
            hashes["@stock"] = item.stock
        if item.vendor is not None:
            hashes["@vendor"] = item.vendor
        external = (
            variant_xml_id(self.module, item.row.key)
            if item.plan.has_variants
            else f"{self.module}.{item.plan.name}"
        )
        return Link(
            key=item.row.key,
            odoo_id=item.variant_id,
            external_id=external,
            local_hash=item.plan.row_digest(item.row),
            odoo_hash=item.link.odoo_hash if item.link is not None else None,
            field_hashes=hashes,
        )

    def record(self, started: float) -> None:
        result = self.run.handle.result
        for outcome in self.outcomes:
            result.add(outcome)
        if self.run.options.dry_run:
            return
        ms = int((time.monotonic() - started) * 1000)
        per = ms // max(1, len(self.outcomes))
        entries = [
            LogEntry(
                product_id=o.product_id,
                odoo_product_id=o.odoo_product_id,
                sync_direction="to_odoo",
                sync_type="update" if o.action == "update" else "create",
                sync_status="error" if o.action == "error" else "success",
                fields_synced=list(o.fields_synced),
                duration_ms=per,
                error_message=o.error_message,
                error_details=o.error_details,
                user=self.run.handle.user,
            )
            for o in self.outcomes
            if o.action in ("create", "update", "error")
        ]
        if entries or self.new_links:
            self.run.history.record(
                self.run.handle.batch_id,
                entries,
                links=self.new_links,
                profile=self.run.handle.profile,
            )


def _differs(odoo_value: Any, value: Any) -> bool:
    if odoo_value in (None, False, "") and value in (None, False, ""):
        return False
    if isinstance(value, float) or isinstance(odoo_value, float):
        try:
            return abs(float(odoo_value) - float(value)) > 1e-9
        except (TypeError, ValueError):
            return True
    return bool(odoo_value != value)
