"""``odoosync sync``: two-way sync with conflict detection (SPEC §3 Two-way).

For every linked product: the catalog row's digest (``map_row``, as export records it), the Odoo
record's digest (the bidirectional fields as Odoo holds them), the two digests of the link, and
whether both sides now hold the same values (compared field by field in Odoo's form) go to
:func:`odoosync.engine.bisync_plan.decide`. Then, in this order:

1. pushes (catalog → Odoo): export's grouped updates (:func:`odoosync.engine.apply.update_plans`:
   one ``write`` for identical values, else one ``load`` by ``.id``, ``batch_size`` a call), then
   one read back of what was written;
2. pulls (Odoo → catalog): one atomic ``Catalog.apply`` with every pulled row and every Odoo
   product added to the catalog (``create_missing``);
3. the log entries and links.

A crash between 1 and 2 (or 2 and 3) leaves products whose two sides "both changed" but are now
equal: the next sync re-links them without a conflict and without losing an edit.

Local products without a link are then exported in this same run (``export_rows``: export's
matching by external id and barcode, its batches; the ``bisync_...`` batch id, counted once).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from odoosync.catalog.base import Catalog, catalog_key, open_catalog
from odoosync.catalog.spool import ChangeSpool
from odoosync.config import Settings
from odoosync.engine.bisync_plan import (
    POLICIES,
    Decision,
    SyncInput,
    SyncStep,
    decide,
)
from odoosync.engine.bisync_push import push
from odoosync.engine.context import (
    PRODUCT_MODEL,
    ClientFactory,
    OdooSide,
    Progress,
    connect,
    options_with_settings,
    recorded_run,
    resolve_odoo,
)
from odoosync.engine.export import export_rows, external_id_name
from odoosync.engine.import_plan import ImportAction, PlannedImport
from odoosync.engine.importer import (
    Travel,
    _ImportRun,
    catalog_exists,
    iso_from_odoo,
    iter_catalog,
    unmap,
)
from odoosync.engine.result import ProductOutcome, RunOptions, RunResult
from odoosync.errors import ConfigError
from odoosync.history import History, Link, LogEntry
from odoosync.mapping import MappedProduct, MappingConfig, field_hash, load_mapping, map_row
from odoosync.odoo.client import OdooClient
from odoosync.transforms import TransformError

READ_CHUNK = 200
#: the local digest of a row that does not map but equals Odoo: "unchanged" to the plan
_UNMAPPABLE = "unmappable, as in Odoo"


@dataclass
class _Local:
    """What the run keeps of one linked catalog row."""

    row: dict[str, Any]
    mapped: MappedProduct
    #: the row does not map to Odoo values (a value Odoo accepts and a transform refuses, such
    #: as a barcode with a wrong check digit) but holds what Odoo holds: only pulls apply to it
    unmappable: bool = False


def run_sync(
    settings: Settings,
    options: RunOptions,
    *,
    client_factory: ClientFactory,
    history: History,
    progress: Progress | None = None,
    retry_of: str | None = None,
) -> RunResult:
    """Two-way sync of the catalog and Odoo; returns the run's result (SPEC §2.2).

    With ``options.product_ids`` (``odoosync retry``) only those products are synced, and Odoo's
    products that no link names are not added."""
    options = options_with_settings(options, settings).but(direction="bidirectional")
    policy = options.conflict_policy or "newest"
    if policy not in POLICIES:
        raise ConfigError(
            f"conflict policy {policy!r} is unknown; use one of {', '.join(POLICIES)} "
            "(--conflict or [sync] conflict_policy)."
        )
    mapping = load_mapping(settings.mapping_path)
    if not options.images:
        mapping = replace(
            mapping, fields=tuple(f for f in mapping.fields if f.transform != "image")
        )
    catalog = open_catalog(
        settings.catalog.path, key=settings.catalog.key, table=settings.catalog.table
    )
    with recorded_run(
        settings, options, history, direction="bidirectional", retry_of=retry_of
    ) as run:
        rights: tuple[str, ...] = () if options.dry_run else ("create", "write")
        client = connect(client_factory, rights=rights)
        try:
            side = resolve_odoo(client, mapping, base_dir=catalog.path.parent)
            job = _SyncRun(settings, options, policy, mapping, catalog, client, side, history)
            job.result = run.result
            unlinked = set(job.run(run.batch_id, progress))
            if unlinked:  # created by export's planning, in this run (matching, batches)
                rows = (
                    row
                    for row in iter_catalog(catalog)
                    if catalog_key(row.get(catalog.key)) in unlinked
                )
                export_options = options.but(direction="to_odoo", product_ids=tuple(unlinked))
                export_rows(settings, export_options, mapping, side, client, history, run, rows)
        finally:
            client.close()
    return run.result


class _SyncRun:
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
    ) -> None:
        self.settings, self.options, self.policy, self.mapping = settings, options, policy, mapping
        self.catalog, self.client, self.side, self.history = catalog, client, side, history
        self.travel = Travel.of(mapping)
        self.profile = settings.profile.name
        self.module = settings.sync.external_id_module
        self.result = RunResult(batch_id="", direction="bidirectional")
        self.entries: list[LogEntry] = []
        self.new_links: list[Link] = []
        self.new_rows: list[tuple[PlannedImport, dict[str, Any]]] = []
        modified = settings.catalog.modified_field
        columns = catalog.columns() if catalog_exists(catalog) else []
        self.modified_field = modified if modified in columns else None

    # -- the run ------------------------------------------------------------------------------

    def run(self, batch_id: str, progress: Progress | None) -> list[str]:
        """Sync the linked products and add Odoo's new ones; returns the unlinked local keys."""
        links = self.history.links(self.profile)
        wanted = {catalog_key(p) for p in self.options.product_ids}
        if wanted:  # retry: only the products that failed
            links = {key: link for key, link in links.items() if key in wanted}
        locals_: dict[str, _Local] = {}
        unlinked: list[str] = []
        for row in iter_catalog(self.catalog):
            key = catalog_key(row.get(self.catalog.key))
            if wanted and key not in wanted:
                continue
            if key not in links:
                unlinked.append(key)
                continue
            mapped = map_row(row, self.mapping, self.side.transform, key_field=self.catalog.key)
            locals_[key] = _Local(row, mapped)
        records = self._read_linked([links[k].odoo_id for k in links])
        for key, local in list(locals_.items()):
            if local.mapped.error is None:
                continue
            link = links[key]
            if link.local_hash == self._row_digest(local.row) or self._as_in_odoo(
                local.row, records.get(link.odoo_id)
            ):
                local.unmappable = True  # pulled as Odoo holds it, not edited since: not pushed
                continue
            del locals_[key]
            self._error(key, links[key].odoo_id, local.mapped.error)
        steps: list[tuple[SyncStep, Link]] = []
        total = len(links)
        failed = {o.product_id for o in self.result.products}
        for done, (key, link) in enumerate(sorted(links.items()), start=1):
            if key not in failed:
                steps.append((self._decide(key, link, locals_.get(key), records), link))
            if progress is not None:
                progress(done, total)
        self.result.products_found = total  # the unlinked ones: counted by their export
        pushes = [(s, ln) for s, ln in steps if s.decision is Decision.PUSH]
        pushed = push(self, pushes, locals_, records)
        after = self._read_linked([ln.odoo_id for _s, ln in pushed]) if pushed else {}
        updates: dict[str, dict[str, Any]] = {}
        for step, link in steps:
            record = records.get(link.odoo_id)
            if step.decision is Decision.PULL and record is not None:
                updates[step.key] = self._pulled_values(record)
        with ChangeSpool() as spool:
            for key, values in updates.items():
                spool.update(key, values)
            if self.options.create_missing and not wanted:
                self._new_from_odoo(links, spool)
            if self.options.dry_run:
                return unlinked
            if spool.updates or spool.inserts:
                self.catalog.apply(spool.updates, spool.inserts)
        for step, link in steps:
            record = after.get(link.odoo_id) or records.get(link.odoo_id)
            now_local = locals_.get(step.key)
            if step.decision in (Decision.PUSH, Decision.PULL, Decision.RELINK) and record:
                if step.decision is Decision.PUSH and link.odoo_id not in after:
                    continue  # the write failed: the link keeps its old hashes
                linked = now_local.mapped if now_local is not None else None
                linked_row = now_local.row if now_local is not None else None
                if step.decision is Decision.PULL and now_local is not None:
                    linked_row = {**now_local.row, **updates.get(step.key, {})}
                    linked = self._remapped(step.key, now_local, updates.get(step.key, {}))
                self.new_links.append(self._link(link, linked, record, linked_row))
        for planned, new_row in self.new_rows:
            new = map_row(new_row, self.mapping, self.side.transform, key_field=self.catalog.key)
            assert planned.key is not None
            self.new_links.append(
                Link(
                    key=planned.key,
                    odoo_id=planned.odoo_id,
                    external_id=f"{self.module}.{external_id_name(planned.key)}",
                    local_hash=self._row_digest(new_row) if new.error else new.digest,
                    odoo_hash=planned.odoo_hash,
                    field_hashes=dict(new.hashes),
                    odoo_write_date=planned.write_date,
                    synced_at=self.history.now(),
                )
            )
        if self.entries:
            self.history.record(batch_id, self.entries)
        if self.new_links:
            self.history.save_links(self.profile, self.new_links)
        return unlinked

    # -- reading ------------------------------------------------------------------------------

    def _fields(self) -> list[str]:
        names = ["id", "write_date", "barcode", "active"]
        names += [m.odoo_field for m in self.mapping.active() if m.odoo_model == PRODUCT_MODEL]
        return list(dict.fromkeys(n for n in names if n == "id" or n in self.side.fields))

    def _read_linked(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        fields = self._fields()
        for start in range(0, len(ids), READ_CHUNK):
            chunk = ids[start : start + READ_CHUNK]
            for record in self.client.search_read(
                PRODUCT_MODEL, [("id", "in", chunk)], fields, context={"active_test": False}
            ):
                found[int(record["id"])] = record
        return found

    # -- deciding -----------------------------------------------------------------------------

    def _decide(
        self,
        key: str,
        link: Link,
        local: _Local | None,
        records: Mapping[int, dict[str, Any]],
    ) -> SyncStep:
        record = records.get(link.odoo_id)
        alive = record is not None and record.get("active", True) is not False
        local_values: dict[str, Any] = {}
        odoo_values: dict[str, Any] = {}
        equal = False
        if local is not None and record is not None:
            local_values = {f: local.row.get(f) for f in self.travel.local_fields}
            try:
                odoo_values = unmap(record, self.mapping, self.side.transform, self.travel)
            except TransformError:
                odoo_values = {}
            equal = self._equal(local.mapped, record)
        item = SyncInput(
            key=key,
            odoo_id=link.odoo_id,
            local_digest=_UNMAPPABLE
            if local is not None and local.unmappable
            else (local.mapped.digest if local is not None else None),
            odoo_digest=self.travel.odoo_hash(record) if record is not None and alive else None,
            base_local=_UNMAPPABLE if local is not None and local.unmappable else link.local_hash,
            # by hash, never by clock: a link without an Odoo hash (an older export's) counts
            # Odoo as changed, and the values decide (equal: re-linked; else pulled or a conflict)
            base_odoo=link.odoo_hash,
            equal=equal,
            local_modified=_text(local.row.get(self.settings.catalog.modified_field))
            if local is not None
            else None,
            odoo_write_date=_text(record.get("write_date")) if record is not None else None,
            local_values=local_values,
            odoo_values=odoo_values,
        )
        step = decide(item, self.policy)
        self._outcome(step, link, local)
        return step

    def _row_digest(self, row: Mapping[str, Any]) -> str:
        """The link's local hash for a row that does not map: its travelling fields."""
        return "row:" + self.travel.local_digest(row)

    def _as_in_odoo(self, row: Mapping[str, Any], record: Mapping[str, Any] | None) -> bool:
        """The row's travelling fields equal the Odoo record's, in the catalog's form."""
        if record is None:
            return False
        try:
            odoo = unmap(record, self.mapping, self.side.transform, self.travel)
        except TransformError:
            return False
        return self.travel.local_digest(row) == self.travel.local_digest(odoo)

    def _equal(self, mapped: MappedProduct, record: Mapping[str, Any]) -> bool:
        """Both sides hold the same bidirectional values (in Odoo's form, as hashed)."""
        for name in self.travel.odoo_fields:
            if name not in mapped.values:
                continue  # empty locally and left to Odoo's default (an empty category)
            if field_hash(name, mapped.values[name]) != field_hash(name, record.get(name)):
                return False
        return True

    def _outcome(self, step: SyncStep, link: Link, local: _Local | None) -> None:
        fields = self.travel.odoo_fields
        outcome = ProductOutcome(
            product_id=step.key, action="unchanged", odoo_product_id=link.odoo_id
        )
        direction = "bidirectional"
        if step.decision is Decision.PUSH:
            outcome.action, direction = "update", "to_odoo"
            outcome.fields_synced = list(local.mapped.fields) if local is not None else []
            outcome.note = "pushed to Odoo"
        elif step.decision is Decision.PULL:
            outcome.action, direction = "update", "from_odoo"
            outcome.fields_synced = list(fields)
            outcome.note = "pulled from Odoo"
        elif step.decision is Decision.RELINK:
            outcome.note = "already equal on both sides: re-linked"
        elif step.decision is Decision.SKIP:
            outcome.action, outcome.note = "skip", step.reason
        if step.is_conflict:
            winner = {"local": "pushed to Odoo", "odoo": "pulled from Odoo"}.get(
                step.resolution or ""
            )
            outcome.action = "conflict"
            outcome.error_details = step.conflict_details(self.policy)
            if winner is None:
                self.result.unresolved_conflicts += 1
                outcome.error_message = (
                    f"both sides changed ({', '.join(step.conflict or {}) or 'values'}); "
                    f"left as they are ({step.resolution}): decide, then run sync with "
                    "--conflict local or --conflict odoo"
                )
                outcome.fields_synced = []
            else:
                outcome.note = _resolved_note(step, self.policy)
        self.result.add(outcome)
        if outcome.action in ("unchanged",):
            return
        status = {"update": "success", "skip": "skipped", "conflict": "conflict"}[outcome.action]
        self.entries.append(
            LogEntry(
                product_id=step.key,
                odoo_product_id=link.odoo_id,
                sync_direction=direction,
                sync_type="update",
                sync_status=status,
                fields_synced=list(outcome.fields_synced),
                error_message=outcome.error_message
                or (outcome.note if outcome.action in ("skip", "conflict") else None),
                error_details=outcome.error_details,
            )
        )

    def _error(self, key: str, odoo_id: int, error: TransformError) -> None:
        outcome = ProductOutcome(
            product_id=key,
            action="error",
            odoo_product_id=odoo_id,
            error_message=str(error),
            error_details=error.details(),
        )
        self.result.add(outcome)
        self.entries.append(
            LogEntry(
                product_id=key,
                odoo_product_id=odoo_id,
                sync_direction="to_odoo",
                sync_type="update",
                sync_status="error",
                error_message=outcome.error_message,
                error_details=outcome.error_details,
            )
        )

    # -- applying -----------------------------------------------------------------------------

    def _pulled_values(self, record: Mapping[str, Any]) -> dict[str, Any]:
        values = unmap(record, self.mapping, self.side.transform, self.travel)
        if self.modified_field and record.get("write_date"):
            values[self.modified_field] = iso_from_odoo(record["write_date"])
        return values

    def _remapped(
        self, key: str, local: _Local | None, values: Mapping[str, Any]
    ) -> MappedProduct | None:
        if local is None:
            return None
        row = {**local.row, **values}
        mapped = map_row(row, self.mapping, self.side.transform, key_field=self.catalog.key)
        return None if mapped.error is not None else mapped

    def _link(
        self,
        link: Link,
        mapped: MappedProduct | None,
        record: Mapping[str, Any],
        row: Mapping[str, Any] | None = None,
    ) -> Link:
        if mapped is not None and mapped.error is not None:
            mapped = None  # an unmappable row (see _Local.unmappable): its row digest instead
        local_hash = mapped.digest if mapped is not None else None
        if mapped is None and row is not None:
            local_hash = self._row_digest(row)
        hashes = dict(link.field_hashes)
        if mapped is not None:
            hashes.update(mapped.hashes)
        return Link(
            key=link.key,
            odoo_id=link.odoo_id,
            external_id=link.external_id or f"{self.module}.{external_id_name(link.key)}",
            local_hash=local_hash,
            odoo_hash=self.travel.odoo_hash(record),
            field_hashes=hashes,
            odoo_write_date=_text(record.get("write_date")),
            synced_at=self.history.now(),
        )

    def _new_from_odoo(self, links: Mapping[str, Link], spool: ChangeSpool) -> None:
        """Odoo products in no link: planned like an import that only creates (into ``spool``)."""
        importer = _ImportRun(
            self.settings,
            self.options.but(update_existing=False, images=False),
            self.mapping,
            self.catalog,
            self.client,
            self.side,
            self.history,
            RunResult(batch_id="", direction="bidirectional"),
        )
        linked = [link.odoo_id for link in links.values()]
        domain: list[Any] = [("id", "not in", linked)] if linked else []
        try:
            importer.read(domain, {}, None)
            importer.changes(spool)
            self._added(importer, spool)
        finally:
            importer.planned.close()

    def _added(self, importer: _ImportRun, spool: ChangeSpool) -> None:
        """The outcomes, log entries and rows (for their links) of the products added."""
        for outcome in importer.result.products:
            if outcome.action != "create":
                continue  # matched rows are left to export's matching; errors are reported
            outcome.note = outcome.note or "new in Odoo: added to the catalog"
            self.result.add(outcome)
            self.entries.append(
                LogEntry(
                    product_id=outcome.product_id,
                    odoo_product_id=outcome.odoo_product_id,
                    sync_direction="from_odoo",
                    sync_type="create",
                    sync_status="success",
                    fields_synced=list(outcome.fields_synced),
                )
            )
        by_key = {str(row[self.catalog.key]): dict(row) for row in spool.inserts}
        for planned in importer.planned:
            if planned.action is ImportAction.CREATE and planned.key in by_key:
                self.new_rows.append((planned, by_key[planned.key]))
        self.result.products_found += len(by_key)


def _resolved_note(step: SyncStep, policy: str) -> str:
    """What a person needs of a resolved conflict: the values on both sides, the policy, which
    side won and where its values went."""
    both = "; ".join(
        f"{name}: catalog {_shown(values.get('local'))}, Odoo {_shown(values.get('odoo'))}"
        for name, values in (step.conflict or {}).items()
        if isinstance(values, Mapping)
    )
    catalog_won = step.resolution == "local"
    side = "the catalog's" if catalog_won else "Odoo's"
    why = {"newest": f"kept {side} edit (the newer one)"}.get(policy, f"kept {side} values")
    went = "pushed to Odoo" if catalog_won else "pulled into the catalog"
    return f"both sides changed ({both or 'values'}); policy {policy} {why}: {went}"


def _shown(value: Any) -> str:
    return "empty" if value in (None, "", False) else repr(value)


def _text(value: Any) -> str | None:
    if value is None or value is False or value == "":
        return None
    return str(value)
