"""Two-way sync of variant rows (SPEC §7.2 "Import and sync"), used when the mapping has a
``[variants]``, ``[stock]`` or ``[vendors]`` table: one decision per catalog row, its link
holding the ``product.product`` id.

The catalog is read once into a :class:`~odoosync.engine.export.groups.GroupSpool` (a group's
rows may be anywhere in the file) and its rows into a key → row store; then, ``batch_size``
groups at a time:

1. the linked rows' variants are read in Odoo (:func:`odoosync.engine.imports.variants.
   read_variants`: one call each for the variants, templates, attribute values, external ids,
   quantities and vendor lines) and each row is decided three-way
   (:func:`odoosync.engine.sync.plan.decide`) on what travels
   (:class:`odoosync.engine.variant_travel.VariantTravel`): the catalog's values against
   ``@row``, Odoo's against the link's ``odoo_hash``; conflicts per row, by the run's policy;
2. pulls go into the catalog's rows (and the run's change spool); with ``[stock] direction =
   "from_odoo"`` Odoo's quantity comes back whenever the catalog's differs;
3. a group with a row to push or a row without a link is sent through the variant export
   (:class:`odoosync.engine.export.variants.VariantBatch`) as the catalog holds it after the
   pulls; its rows that are not pushed are sent as Odoo holds them (a conflict left alone
   stays as it is in Odoo); Odoo's stock is not pushed when Odoo owns it; the pushed rows are
   read back, and their log entries and links recorded at once;
4. the other rows' log entries and links wait for the catalog's write.

After the last batch, Odoo's active variants in no link are added as rows (unless
``--no-create-missing``), the catalog is written once, atomically, then the waiting log entries
and links are recorded. A linked row whose key left the catalog is not synced (``export
--archive-missing`` archives it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import zip_longest
from typing import Any, TypeVar

from odoosync.catalog.base import Catalog, catalog_exists, catalog_key
from odoosync.catalog.spool import ChangeSpool, PickleSpool
from odoosync.config.settings import Settings
from odoosync.engine.books import Progress, RunHandle
from odoosync.engine.export.groups import (
    PRICE_FIELDS,
    GroupSpool,
    VariantRow,
    plan_group,
    variant_row,
)
from odoosync.engine.export.refs import CatalogRefs, resolve_refs
from odoosync.engine.export.state import ExportRun
from odoosync.engine.export.stock import resolve_location
from odoosync.engine.export.variants import VariantBatch
from odoosync.engine.export.vendors import resolve_partners
from odoosync.engine.imports.catalog import iter_catalog
from odoosync.engine.imports.variant_spool import ImportedRows
from odoosync.engine.imports.variants import (
    group_name,
    imported_links,
    odoo_rows,
    read_variants,
    variant_fields,
    variant_link,
)
from odoosync.engine.odoo_side import OdooSide
from odoosync.engine.result import ProductOutcome, RunOptions
from odoosync.engine.sync.outcome import decided, unresolved
from odoosync.engine.sync.plan import Decision, SyncInput, SyncStep, decide
from odoosync.engine.variant_travel import VariantTravel, export_rows_state, text
from odoosync.history.records import Link, LogEntry
from odoosync.history.store import History
from odoosync.mapping.model import MappingConfig
from odoosync.odoo.client import OdooClient

__all__ = ["VariantSync"]

RECORD_CHUNK = 500
T = TypeVar("T")
VARIANT = "product.product"
TEMPLATE = "product.template"


@dataclass
class _Row:
    """One catalog row in a batch: its row as the catalog will hold it, its decision."""

    key: str
    row: dict[str, Any]
    link: Link | None
    record: dict[str, Any] | None = None
    step: SyncStep | None = None
    pulled: dict[str, Any] | None = None
    #: what the push sends for a row that is not pushed (Odoo's values)
    view: dict[str, Any] | None = None

    @property
    def pushes(self) -> bool:
        return self.step is not None and self.step.decision is Decision.PUSH


class VariantSync:
    """One two-way sync of variant rows inside an open run (``handle``)."""

    def __init__(
        self,
        settings: Settings,
        options: RunOptions,
        policy: str,
        mapping: MappingConfig,
        catalog: Catalog,
        client: OdooClient,
        side: OdooSide,
        history: History,
        handle: RunHandle,
    ) -> None:
        self.settings, self.options, self.policy, self.mapping = settings, options, policy, mapping
        self.catalog, self.client, self.side, self.history = catalog, client, side, history
        self.handle = handle
        self.result = handle.result
        self.profile = settings.profile.name
        self.module = settings.sync.external_id_module
        self.travel = VariantTravel.of(mapping)
        self.wanted = {catalog_key(p) for p in options.product_ids}
        modified = settings.catalog.modified_field
        columns = catalog.columns() if catalog_exists(catalog) else []
        self.modified_field = modified if modified in columns else None
        self.export = ExportRun(
            settings=settings,
            options=options.but(direction="to_odoo"),
            mapping=mapping,
            side=side,
            history=history,
            handle=handle,
            module=self.module,
            barcode_field=None,
            category_field=None,
        )
        self.required = [
            (m.odoo_field, m.local_field)
            for m in mapping.active()
            if m.is_required and m.odoo_model == TEMPLATE and m.odoo_field not in PRICE_FIELDS
        ]
        self.location: int | None = None
        self.refs: CatalogRefs | None = None

    # -- the run ------------------------------------------------------------------------------

    def run(self, progress: Progress | None = None) -> None:
        key_field = self.catalog.key
        with (
            GroupSpool() as spool,
            PickleSpool[dict[str, Any]]() as raws,
            ChangeSpool() as changes,
            PickleSpool[LogEntry]() as waiting_entries,
            PickleSpool[Link]() as waiting_links,
        ):
            self.spool, self.changes = spool, changes
            self.waiting_entries, self.waiting_links = waiting_entries, waiting_links
            for raw in iter_catalog(self.catalog):
                item = variant_row(raw, self.mapping, self.side.transform, key_field=key_field)
                before = len(spool.duplicates)
                spool.add(item)
                if len(spool.duplicates) == before:
                    raws.put(item.key, dict(raw))
            if self.mapping.stock is not None:
                self.location = resolve_location(self.client, self.mapping.stock)
            done = 0
            size = max(1, self.options.batch_size or self.settings.sync.batch_size)
            for groups in spool.batches(size):
                rows = raws.get(r.key for g in groups for r in g)
                self._batch(groups, rows)
                done += sum(len(g) for g in groups)
                if progress is not None:
                    progress(done, None)
            if self.options.create_missing and not self.wanted:
                self._new_from_odoo(raws)
            if self.options.dry_run:
                return
            if changes.updates or changes.inserts:
                self.catalog.apply(changes.updates, changes.inserts)
            for entries, links in zip_longest(_chunks(waiting_entries), _chunks(waiting_links)):
                self.history.record(
                    self.handle.batch_id, entries or [], links=links or [], profile=self.profile
                )

    # -- one batch of groups ------------------------------------------------------------------

    def _batch(self, groups: list[list[VariantRow]], raws: Mapping[str, dict[str, Any]]) -> None:
        keys = [r.key for g in groups for r in g if r.key in raws]
        links = self.history.links(self.profile, keys)
        ids = [links[k].odoo_id for k in keys if k in links and self._wanted(k)]
        records = self._read(ids)
        rows: dict[str, _Row] = {k: _Row(k, dict(raws[k]), links.get(k)) for k in keys}
        pushing: list[list[_Row]] = []
        for group in groups:
            members = [rows[r.key] for r in group if r.key in rows]
            originals = [raws[m.key] for m in members]
            for member in members:
                if self._wanted(member.key) and member.link is not None:
                    member.record = records.get(member.link.odoo_id)
                    self._decide(member, originals)
            for member in members:
                if member.pulled:
                    member.row.update(member.pulled)
                    if not self.options.dry_run:
                        self.changes.update(member.key, member.pulled)
            if any(m.pushes or (m.link is None and self._wanted(m.key)) for m in members):
                pushing.append(members)
        pushed = self._push(pushing) if pushing else {}
        for group in groups:
            members = [rows[r.key] for r in group if r.key in rows]
            self._report(members, pushed)

    def _wanted(self, key: str) -> bool:
        return not self.wanted or key in self.wanted

    def _read(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        if not ids:
            return {}
        return read_variants(self.client, self.mapping, self.side, self.module, ids, self.location)

    def _decide(self, member: _Row, group: list[dict[str, Any]]) -> None:
        """The three-way decision of a linked row, and what it pulls."""
        assert member.link is not None
        record, link = member.record, member.link
        local = self.travel.local_values(member.row, group)
        alive = record is not None and record.get("active") is not False
        odoo = self.travel.odoo_values(record) if record is not None else {}
        differing = self.travel.differing(local, odoo) if record is not None else []
        item = SyncInput(
            key=member.key,
            odoo_id=link.odoo_id,
            local_digest=self.travel.local_digest(local),
            odoo_digest=self.travel.odoo_digest(odoo) if alive else None,
            base_local=link.field_hashes.get("@row"),
            base_odoo=link.odoo_hash,
            equal=record is not None and self.travel.equal(local, odoo),
            local_modified=_text_or_none(member.row.get(self.modified_field or "")),
            odoo_write_date=_text_or_none(record.get("__write_date")) if record else None,
            local_values={c: member.row.get(c) for c in differing},
            odoo_values={c: record.get(c) for c in differing} if record else {},
        )
        member.step = decide(item, self.policy)
        if member.step.decision in (Decision.IN_SYNC, Decision.RELINK) and self._stock_changed(
            member
        ):  # the catalog owns stock and counted anew since the last push
            member.step = replace(member.step, decision=Decision.PUSH)
        if record is None:
            return
        stock = self.travel.stock_pull(record, member.row)
        decision = member.step.decision
        if decision is Decision.PULL:
            member.pulled = {**self.travel.pulled(record, member.row, group), **stock}
        elif decision in (Decision.IN_SYNC, Decision.RELINK, Decision.PUSH):
            member.pulled = stock or None
        else:  # a conflict left alone, a variant archived in Odoo: pushed as Odoo holds it
            member.view = {**self.travel.pulled(record, member.row, group), **stock}
            if not alive:
                member.view["active"] = False

    def _stock_changed(self, member: _Row) -> bool:
        """With ``[stock] direction = "to_odoo"``: the catalog's quantity is not the one last
        pushed (a link made by an export has no ``@row`` yet: its values alone cannot tell)."""
        quantity = self.travel.quantity
        if quantity is None or not self.travel.stock_to_odoo or member.link is None:
            return False
        now = text(member.row.get(quantity))
        return bool(now) and now != text(member.link.field_hashes.get("@stock"))

    # -- pushing ------------------------------------------------------------------------------

    def _push(self, groups: list[list[_Row]]) -> dict[str, tuple[ProductOutcome, Link | None]]:
        """Send the groups through the variant export; read back what it wrote. Returns each
        sent row's outcome and new link."""
        if self.options.dry_run:
            return {
                m.key: (ProductOutcome(m.key, "create", note="new in the catalog: exported"), None)
                for members in groups
                for m in members
                if m.link is None and self._wanted(m.key)
            }
        key_field = self.catalog.key
        plans = []
        links: dict[str, Link] = {}
        for members in groups:
            items = []
            for m in members:
                sent = {**m.row, **(m.view or {})}
                item = variant_row(sent, self.mapping, self.side.transform, key_field=key_field)
                items.append(item)
                if m.link is not None:
                    links[m.key] = m.link if m.pushes else _pinned(m.link, item)
            plans.append(plan_group(items, self.required))
        stock_to_odoo = self.mapping.stock is None or self.mapping.stock.direction == "to_odoo"
        batch = VariantBatch(self.export, self.client, plans, links=links, push_stock=stock_to_odoo)
        if batch.work:
            self._ensure_refs([r for p in batch.work for r in p.rows])
        batch.send(self.refs)
        new_links = {link.key: link for link in batch.new_links}
        outcomes = {o.product_id: o for o in batch.outcomes}
        ids = [link.odoo_id for link in new_links.values()]
        ids += [m.link.odoo_id for g in groups for m in g if m.link and m.key not in new_links]
        after = self._read(ids)
        done: dict[str, tuple[ProductOutcome, Link | None]] = {}
        for members in groups:
            for m in members:
                outcome = outcomes.get(m.key)
                if outcome is None:
                    continue
                link = new_links.get(m.key) or m.link
                if link is not None and link.odoo_id in after:
                    m.record = after[link.odoo_id]
                done[m.key] = (outcome, new_links.get(m.key))
        return done

    def _ensure_refs(self, rows: list[VariantRow]) -> None:
        """Attributes, values, location and partners, once a run; partners a pull brought in
        are looked up when first sent."""
        if self.refs is None:
            self.refs = resolve_refs(self.export, self.client, self.spool)
        partners = {r.vendor.partner for r in rows if r.vendor is not None}
        missing = sorted(p for p in partners if p not in self.refs.partners)
        if missing:
            self.refs.partners.update(resolve_partners(self.client, missing))

    # -- reporting ----------------------------------------------------------------------------

    def _report(
        self, members: list[_Row], pushed: Mapping[str, tuple[ProductOutcome, Link | None]]
    ) -> None:
        """Outcomes, log entries and links of a group's rows: the pushes' recorded now, the
        others' after the catalog's write."""
        state = export_rows_state(
            [m.row for m in members], self.mapping, self.side.transform, key_field=self.catalog.key
        )
        originals = [m.row for m in members]
        now_entries: list[LogEntry] = []
        now_links: list[Link] = []
        for m in members:
            if not self._wanted(m.key):
                continue
            self.result.products_found += 1
            sent = pushed.get(m.key)
            if m.link is None:  # a new row, exported with its group
                if sent is None:
                    continue
                outcome, new_link = sent
                self.result.add(outcome)
                if not self.options.dry_run:
                    now_entries += _export_entries([outcome], self.handle.user)
                    if new_link is not None and m.record is not None:
                        now_links.append(self._link(m, originals, state, new_link))
                continue
            assert m.step is not None
            fields = list(m.pulled or {})
            outcome, entry = decided(m.step, m.link, [], fields, self.policy)
            if m.pushes and sent is not None:
                batch_outcome, new_link = sent
                if batch_outcome.action == "error":
                    _failed(outcome, entry, batch_outcome)
                else:
                    outcome.fields_synced = list(batch_outcome.fields_synced)
                    if entry is not None:
                        entry.fields_synced = list(batch_outcome.fields_synced)
            elif m.pulled and outcome.action == "unchanged":  # Odoo's stock came back
                outcome.action, outcome.fields_synced = "update", fields
                outcome.note = "stock pulled from Odoo"
                entry = LogEntry(
                    product_id=m.key,
                    odoo_product_id=m.link.odoo_id,
                    sync_direction="from_odoo",
                    sync_type="update",
                    sync_status="success",
                    fields_synced=fields,
                )
            if unresolved(m.step):
                self.result.unresolved_conflicts += 1
            self.result.add(outcome)
            if self.options.dry_run:
                continue
            keep = m.step.decision in (Decision.IN_SYNC, Decision.RELINK, Decision.PULL)
            landed = m.pushes and outcome.action != "error"
            link = None
            if (keep or landed) and m.record is not None:
                old = sent[1] if sent is not None and sent[1] is not None else m.link
                link = self._link(m, originals, state, old)
                if _same_link(link, m.link):
                    link = None
            if m.pushes:
                now_entries += [entry] if entry is not None else []
                now_links += [link] if link is not None else []
            else:
                if entry is not None:
                    self.waiting_entries.append(entry)
                if link is not None:
                    self.waiting_links.append(link)
        if now_entries or now_links:
            self.history.record(
                self.handle.batch_id, now_entries, links=now_links, profile=self.profile
            )

    def _link(
        self,
        m: _Row,
        group: list[dict[str, Any]],
        state: Mapping[str, tuple[str, Any]],
        old: Link,
    ) -> Link:
        assert m.record is not None
        local = self.travel.local_values(m.row, group)
        return variant_link(m.key, m.record, module=self.module, travel=self.travel,
                            local=local, export_state=state.get(m.key), old=old)  # fmt: skip

    # -- Odoo's new variants ------------------------------------------------------------------

    def _new_from_odoo(self, raws: PickleSpool[dict[str, Any]]) -> None:
        """Odoo's active variants in no link, added to the catalog as rows (and linked); read
        page by page, the added rows kept on disk until their links are made."""
        linked = self.history.linked_odoo_ids(self.profile)
        domain: list[Any] = [("id", "not in", linked)] if linked else []
        with ImportedRows() as added:
            for page in self.client.iter_pages(VARIANT, domain, variant_fields(self.mapping)):
                rows = odoo_rows(self.client, self.mapping, self.side, self.module, page,
                                 self.location, False)  # fmt: skip
                keys = [catalog_key(r["__key"]) for r in rows]
                present = raws.get(keys)
                seen = added.has(keys)
                for row, key in zip(rows, keys, strict=True):
                    if key in present or key in seen:
                        continue  # a catalog row of that key: exported and linked by this run
                    values = {c: v for c, v in row.items() if not c.startswith("__")}
                    values[self.catalog.key] = key
                    seen.add(key)
                    added.add(row, key, values, group_name(values, self.mapping, key))
                    outcome = ProductOutcome(key, "create", int(row["__id"]), list(values),
                                             note="new in Odoo: added to the catalog")  # fmt: skip
                    self.result.products_found += 1
                    self.result.add(outcome)
                    if self.options.dry_run:
                        continue
                    self.changes.insert(values)
                    self.waiting_entries.append(
                        LogEntry(
                            product_id=key,
                            odoo_product_id=int(row["__id"]),
                            sync_direction="from_odoo",
                            sync_type="create",
                            sync_status="success",
                            fields_synced=list(values),
                        )
                    )
            if self.options.dry_run:
                return
            for links in imported_links(added, self.mapping, self.side, self.module,
                                        self.catalog.key, lambda _keys: {}):  # fmt: skip
                for link in links:
                    self.waiting_links.append(link)


def _pinned(link: Link, item: VariantRow) -> Link:
    """A row that is not pushed: its stock and vendor as sent count as pushed already."""
    hashes = dict(link.field_hashes)
    if item.quantity is not None:
        hashes["@stock"] = repr(item.quantity)
    if item.vendor is not None:
        hashes["@vendor"] = item.vendor.digest()
    return replace(link, field_hashes=hashes)


def _failed(outcome: ProductOutcome, entry: LogEntry | None, failure: ProductOutcome) -> None:
    """A push Odoo refused: the row failed (a conflict whose winning push failed stays logged
    as a conflict, saying so)."""
    message = failure.error_message or "Odoo refused the push"
    details = dict(failure.error_details or {})
    conflict = outcome.action == "conflict"
    outcome.action, outcome.fields_synced = "error", []
    outcome.error_message, outcome.error_details = message, details
    if entry is None:
        return
    entry.fields_synced = []
    if conflict:
        entry.error_message = f"{entry.error_message}, but Odoo refused it: {message}"
        entry.error_details = {**(entry.error_details or {}), "push_error": details}
    else:
        entry.sync_status, entry.error_message, entry.error_details = "error", message, details


def _export_entries(outcomes: list[ProductOutcome], user: str | None) -> list[LogEntry]:
    return [
        LogEntry(
            product_id=o.product_id,
            odoo_product_id=o.odoo_product_id,
            sync_direction="to_odoo",
            sync_type="update" if o.action == "update" else "create",
            sync_status="error" if o.action == "error" else "success",
            fields_synced=list(o.fields_synced),
            error_message=o.error_message,
            error_details=o.error_details,
            user=user,
        )
        for o in outcomes
        if o.action in ("create", "update", "error")
    ]


def _same_link(new: Link, old: Link | None) -> bool:
    return old is not None and (
        new.odoo_id == old.odoo_id
        and new.local_hash == old.local_hash
        and new.odoo_hash == old.odoo_hash
        and new.field_hashes == old.field_hashes
    )


def _chunks(items: Iterable[T]) -> Iterator[list[T]]:
    """``items`` in lists of ``RECORD_CHUNK`` (one history transaction each)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= RECORD_CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _text_or_none(value: Any) -> str | None:
    shown = text(value) if value is not None else ""
    return shown or None
