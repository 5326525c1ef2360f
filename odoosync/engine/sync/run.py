"""``odoosync sync``: two-way sync with conflict detection (SPEC §3 Two-way).

For every linked product: the catalog row's digest (``map_row``, as export records it), the Odoo
record's digest (the bidirectional fields as Odoo holds them), the two digests of the link, and
whether both sides now hold the same values (compared field by field in Odoo's form) go to
:func:`odoosync.engine.sync.plan.decide`.

Memory stays bounded: one pass over the catalog puts each linked row, mapped, into a temporary
file by key (rows that do not map are reported there, in catalog order); then the links are
walked in key order, ``LINK_CHUNK`` at a time, and for each chunk its rows and its Odoo records
(``search_read`` by ids) are fetched, decided and acted on:

1. pushes (catalog → Odoo): export's grouped updates
   (:func:`odoosync.engine.export.apply.update_plans`: one ``write`` for identical values, else
   one ``load`` by ``.id``, ``batch_size`` a call), then one read back of what was written; the
   pushes' log entries and links are recorded as the chunk completes (one history transaction):
   they do not depend on the catalog's write, and a crash later in the run keeps them;
2. pulls (Odoo → catalog): spooled (:class:`odoosync.catalog.spool.ChangeSpool`);
3. the other log entries and links (pulls, re-links, conflicts left alone): spooled too.

Rows that do not map are logged first, before any chunk. After the last chunk, Odoo's products
in no link are planned like an import (``create_missing``), the catalog is written once,
atomically (``Catalog.apply``), and only then are the spooled log entries and links recorded
(entries and links together, ``RECORD_CHUNK`` of each a transaction). A crash between a chunk's
read-back and the catalog's write (or between that and the history's) leaves products whose
two sides "both changed" but are now equal: the next sync re-links them without a conflict and
without losing an edit.

Local products without a link are then exported in this same run (``export_rows``: export's
matching by external id and barcode, its batches; the ``bisync_...`` batch id, counted once).

The catalog pass is :mod:`odoosync.engine.sync.local`; the outcomes and log entries of the
decisions, :mod:`odoosync.engine.sync.outcome`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import zip_longest
from typing import Any, TypeVar

from odoosync.catalog.base import Catalog, catalog_exists, catalog_key, require_writable
from odoosync.catalog.spool import ChangeSpool, PickleSpool
from odoosync.config.settings import Settings
from odoosync.engine.books import Progress, options_with_settings, recorded_run
from odoosync.engine.export.run import export_mapping, export_rows, validate_whole
from odoosync.engine.identity import external_id_name
from odoosync.engine.imports.catalog import iter_catalog
from odoosync.engine.imports.plan import changed_fields
from odoosync.engine.imports.run import RECORD_CHUNK, refuse_for_variants
from odoosync.engine.odoo_side import (
    PRODUCT_MODEL,
    ClientFactory,
    OdooSide,
    connect,
    image_fetch,
    resolve_odoo,
)
from odoosync.engine.result import RunOptions, RunResult
from odoosync.engine.sync.local import (
    UNMAPPABLE,
    Local,
    index_linked,
    row_digest,
    sort_unmappable,
)
from odoosync.engine.sync.new import new_from_odoo
from odoosync.engine.sync.outcome import decided, mapping_error, unresolved
from odoosync.engine.sync.plan import Decision, SyncInput, SyncStep, decide
from odoosync.engine.sync.push import push
from odoosync.engine.sync.variants import VariantSync
from odoosync.engine.travel import Travel, iso_from_odoo, unmap
from odoosync.errors import ConfigError
from odoosync.history.records import Link, LogEntry
from odoosync.history.store import History
from odoosync.mapping.model import MappingConfig
from odoosync.mapping.rows import MappedProduct, field_hash, map_row
from odoosync.odoo.client import OdooClient
from odoosync.terms import CONFLICT_POLICIES
from odoosync.transforms import TransformError

READ_CHUNK = 200  # Odoo records a search_read
LINK_CHUNK = 1000  # linked products decided and pushed together (five reads)
T = TypeVar("T")


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
    if policy not in CONFLICT_POLICIES:
        raise ConfigError(
            f"conflict policy {policy!r} is unknown; use one of {', '.join(CONFLICT_POLICIES)} "
            "(--conflict or [sync] conflict_policy)."
        )
    mapping = export_mapping(settings, options)
    if mapping.catalog_tables:
        refuse_for_variants(options, "sync")
    catalog = settings.catalog.open()
    if not options.dry_run:
        require_writable(catalog.path)
    if catalog_exists(catalog):
        validate_whole(catalog)
    with recorded_run(
        settings, options, history, direction="bidirectional", retry_of=retry_of
    ) as run:
        rights: tuple[str, ...] = () if options.dry_run else ("create", "write")
        client = connect(client_factory, rights=rights, history=history)
        run.result.transport = client.transport
        try:
            side = resolve_odoo(
                client, mapping, base_dir=catalog.path.parent, fetch=image_fetch(settings)
            )
            if mapping.catalog_tables:  # one decision per variant row (SPEC §7.2)
                VariantSync(
                    settings, options, policy, mapping, catalog, client, side, history, run
                ).run(progress)
                return run.result
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
    #: the run's log entries and new links, spooled until the catalog is written (run())
    logged: PickleSpool[LogEntry]
    linked: PickleSpool[Link]

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
        self.batch_id = ""
        #: the current chunk's log entries (a push that fails amends them)
        self.entries: list[LogEntry] = []
        #: keys whose row does not map: reported, not synced
        self.failed: set[str] = set()
        modified = settings.catalog.modified_field
        columns = catalog.columns() if catalog_exists(catalog) else []
        self.modified_field = modified if modified in columns else None

    # -- the run ------------------------------------------------------------------------------

    def run(self, batch_id: str, progress: Progress | None) -> list[str]:
        """Sync the linked products and add Odoo's new ones; returns the unlinked local keys."""
        wanted = {catalog_key(p) for p in self.options.product_ids}
        with (
            PickleSpool[Local]() as rows,
            PickleSpool[LogEntry]() as entries,
            PickleSpool[Link]() as links,
        ):
            self.logged, self.linked = entries, links
            self.batch_id = batch_id
            unlinked = self._index(wanted, rows)
            if not self.options.dry_run and self.entries:  # the mapping errors, in catalog order
                self.history.record(batch_id, self.entries)
            self.entries = []
            total = (
                len(self._wanted_links(wanted)) if wanted else self.history.link_count(self.profile)
            )
            self.result.products_found = total  # the unlinked ones: counted by their export
            done = 0
            with ChangeSpool() as changes:
                for chunk in self._chunks(wanted):
                    self._sync_chunk(chunk, rows.get(ln.key for ln in chunk), changes)
                    for _link in chunk:
                        done += 1
                        if progress is not None:
                            progress(done, total)
                if self.options.create_missing and not wanted:
                    new_from_odoo(self, changes)
                if self.options.dry_run:
                    return unlinked
                if changes.updates or changes.inserts:
                    self.catalog.apply(changes.updates, changes.inserts)
            # the pulls' history after the catalog: a crash before this leaves "both changed but
            # equal", which the next sync re-links
            for logged, linked in zip_longest(_batches(entries), _batches(links)):
                self.history.record(
                    batch_id, logged or [], links=linked or [], profile=self.profile
                )
        return unlinked

    # -- the catalog's linked rows ----------------------------------------------------------------

    def _index(self, wanted: set[str], rows: PickleSpool[Local]) -> list[str]:
        """One pass over the catalog: each linked row, mapped, into ``rows`` (by key); returns
        the unlinked keys. Rows that do not map are reported (or kept as unmappable) here, in
        catalog order, before any decision, as they were when every row was held."""
        unlinked, errors = index_linked(
            self.catalog,
            self.history,
            self.profile,
            self.mapping,
            self.side,
            wanted=wanted,
            rows=rows,
            chunk=LINK_CHUNK,
        )
        failed = sort_unmappable(
            errors, rows, self.mapping, self.side, self.travel, self._read_linked
        )
        for link, local in failed:
            assert local.mapped.error is not None
            self.failed.add(link.key)
            self._error(link.key, link.odoo_id, local.mapped.error)
        return unlinked

    def _wanted_links(self, wanted: set[str]) -> list[Link]:
        found = self.history.links(self.profile, sorted(wanted))
        return [found[key] for key in sorted(found)]

    def _chunks(self, wanted: set[str]) -> Iterator[list[Link]]:
        """The links in key order, ``LINK_CHUNK`` at a time (keyset paging on the key)."""
        if wanted:
            every = self._wanted_links(wanted)
            for start in range(0, len(every), LINK_CHUNK):
                yield every[start : start + LINK_CHUNK]
            return
        after: str | None = None
        while True:
            chunk = self.history.links_after(self.profile, after, LINK_CHUNK)
            if not chunk:
                return
            yield chunk
            after = chunk[-1].key

    # -- one chunk of linked products ---------------------------------------------------------

    def _sync_chunk(
        self, chunk: list[Link], locals_: dict[str, Local], changes: ChangeSpool
    ) -> None:
        """Decide, push, and spool the pulls, log entries and links of these linked products."""
        records = self._read_linked([link.odoo_id for link in chunk])
        steps = [
            (self._decide(link.key, link, locals_.get(link.key), records), link)
            for link in chunk
            if link.key not in self.failed and self._readable(link, records.get(link.odoo_id))
        ]
        pushes = [(s, ln) for s, ln in steps if s.decision is Decision.PUSH]
        pushed = push(self, pushes, locals_, records)
        after = self._read_linked([ln.odoo_id for _s, ln in pushed]) if pushed else {}
        updates: dict[str, dict[str, Any]] = {}
        for step, link in steps:
            record = records.get(link.odoo_id)
            if step.decision is Decision.PULL and record is not None:
                updates[step.key] = self._pulled_values(record, locals_.get(step.key))
                changes.update(step.key, updates[step.key])
        if self.options.dry_run:
            self.flush()
            return
        pushed_keys = {step.key for step, _link in pushes}
        pushed_links: list[Link] = []
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
                new_link = self._link(link, linked, record, linked_row)
                if step.decision is Decision.PUSH:
                    pushed_links.append(new_link)
                else:
                    self.linked.append(new_link)
        # the pushes landed in Odoo and do not wait for the catalog: their entries (failed ones
        # too) and links are recorded now, in one transaction
        pushed_entries = [e for e in self.entries if e.product_id in pushed_keys]
        if pushed_entries or pushed_links:
            self.history.record(
                self.batch_id, pushed_entries, links=pushed_links, profile=self.profile
            )
        self.entries = [e for e in self.entries if e.product_id not in pushed_keys]
        self.flush()

    def flush(self) -> None:
        """The chunk's log entries to their spool (recorded after the catalog's write)."""
        if not self.options.dry_run:
            for entry in self.entries:
                self.logged.append(entry)
        self.entries = []

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
        local: Local | None,
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
            local_digest=UNMAPPABLE
            if local is not None and local.unmappable
            else (local.mapped.digest if local is not None else None),
            odoo_digest=self.travel.odoo_hash(record) if record is not None and alive else None,
            base_local=UNMAPPABLE if local is not None and local.unmappable else link.local_hash,
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
        return row_digest(self.travel, row)

    def _equal(self, mapped: MappedProduct, record: Mapping[str, Any]) -> bool:
        """Both sides hold the same bidirectional values (in Odoo's form, as hashed)."""
        for name in self.travel.odoo_fields:
            if name not in mapped.values:
                continue  # empty locally and left to Odoo's default (an empty category)
            if field_hash(name, mapped.values[name]) != field_hash(name, record.get(name)):
                return False
        return True

    def _outcome(self, step: SyncStep, link: Link, local: Local | None) -> None:
        pushed = local.mapped.fields if local is not None else []
        outcome, entry = decided(step, link, pushed, self.travel.odoo_fields, self.policy)
        if unresolved(step):
            self.result.unresolved_conflicts += 1
        self.result.add(outcome)
        if entry is not None:
            self.entries.append(entry)

    def _readable(self, link: Link, record: Mapping[str, Any] | None) -> bool:
        """Whether the catalog can hold the Odoo product's values (a NaN price it cannot): else
        the product fails with MAPPING_ERROR and is left as it is on both sides."""
        if record is None:
            return True
        try:
            unmap(record, self.mapping, self.side.transform, self.travel)
        except TransformError as exc:
            self._error(link.key, link.odoo_id, exc)
            return False
        return True

    def _error(self, key: str, odoo_id: int, error: TransformError) -> None:
        outcome, entry = mapping_error(key, odoo_id, error)
        self.result.add(outcome)
        self.entries.append(entry)

    # -- applying -----------------------------------------------------------------------------

    def _pulled_values(self, record: Mapping[str, Any], local: Local | None) -> dict[str, Any]:
        """The catalog values a pull writes: the fields whose value Odoo changed only (a price
        "9.50" the catalog holds stays as written, not rewritten "9.5")."""
        values = unmap(record, self.mapping, self.side.transform, self.travel)
        if local is not None:
            changed = changed_fields(local.row, values)
            values = {k: v for k, v in values.items() if k in changed}
        if self.modified_field and record.get("write_date"):
            values[self.modified_field] = iso_from_odoo(record["write_date"])
        return values

    def _remapped(
        self, key: str, local: Local | None, values: Mapping[str, Any]
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
            mapped = None  # an unmappable row (see Local.unmappable): its row digest instead
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
            synced_at="",  # the time the link is saved (after the catalog's write)
        )


def _batches(items: Iterable[T]) -> Iterator[list[T]]:
    """``items`` in lists of ``RECORD_CHUNK`` (one history transaction each)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= RECORD_CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _text(value: Any) -> str | None:
    if value is None or value is False or value == "":
        return None
    return str(value)
