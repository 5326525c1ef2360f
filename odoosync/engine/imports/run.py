"""``odoosync import``: pull products from Odoo into the catalog (SPEC §2, §3).

Odoo is read page by page (keyset paging on id, only the fields the bidirectional mappings need
plus ``id``, ``write_date`` and ``barcode``), each page is mapped back through the transforms'
inverses and planned by :mod:`odoosync.engine.imports.plan` against a small index of the catalog
(key → digest, barcode → key) and the history's links of that page only (by Odoo id and by the
keys the page could claim). What is planned goes to a temporary file, not a list; the catalog's
changes are spooled too (:class:`odoosync.catalog.spool.ChangeSpool`) and written once,
atomically, in the catalog's own format (``Catalog.apply``), and only then are the log entries,
links and the watermark recorded, so a crash leaves either the old state or the new one.

The helpers it shares with two-way sync live in :mod:`odoosync.engine.travel` (what travels from
Odoo, external ids, times) and :mod:`odoosync.engine.imports.catalog` (the catalog index, images,
the planned spool); their names are re-exported here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from odoosync.catalog.base import Catalog, catalog_exists, catalog_key, require_writable
from odoosync.catalog.spool import ChangeSpool
from odoosync.config.settings import Settings
from odoosync.engine.books import Progress, options_with_settings, recorded_run
from odoosync.engine.identity import external_id, external_names
from odoosync.engine.imports.catalog import (
    PlannedSpool,
    build_index,
    iter_catalog,
    rows_for,
    save_image,
)
from odoosync.engine.imports.plan import (
    ImportAction,
    ImportOptions,
    ImportState,
    LinkView,
    OdooProduct,
    PlannedImport,
    changed_fields,
    parse_domain,
    plan_page,
)
from odoosync.engine.odoo_side import (
    PRODUCT_MODEL,
    ClientFactory,
    OdooSide,
    connect,
    image_fetch,
    resolve_odoo,
)
from odoosync.engine.result import ProductOutcome, RunOptions, RunResult
from odoosync.engine.travel import Travel, iso_from_odoo, odoo_datetime, unmap
from odoosync.errors import ConfigError, OdooFault
from odoosync.history.records import Link, LogEntry
from odoosync.history.store import History
from odoosync.mapping.model import MappingConfig, load_mapping, require_active_fields
from odoosync.mapping.rows import map_row
from odoosync.odoo.client import OdooClient
from odoosync.transforms import TransformError

WATERMARK = "import"
RECORD_CHUNK = 500  # log entries / links written per history transaction
#: records read per call, as export's chunks (images: 50, a call stays a few MB)
IMPORT_PAGE = 1000


# --------------------------------------------------------------------------------------------
# the import run


def import_domain(options: RunOptions, since: str | None) -> list[Any]:
    domain: list[Any] = []
    if options.categ_ids:
        domain.append(("categ_id", "child_of", list(options.categ_ids)))
    if options.domain:
        domain.extend(options.domain)
    if since:
        domain.append(("write_date", ">=", since))
    return domain


def watermark_name(options: RunOptions) -> str:
    """One watermark per profile and per selection (categories, archived, --domain)."""
    selection = {
        "categ_ids": sorted(options.categ_ids),
        "include_archived": options.include_archived,
        "domain": list(options.domain or ()),
    }
    if selection == {"categ_ids": [], "include_archived": False, "domain": []}:
        return WATERMARK
    digest = hashlib.sha256(json.dumps(selection, sort_keys=True).encode()).hexdigest()[:12]
    return f"{WATERMARK}:{digest}"


class ImportJob:
    """One import: reads pages, plans them, then writes the catalog and the history."""

    def __init__(
        self,
        settings: Settings,
        options: RunOptions,
        mapping: MappingConfig,
        catalog: Catalog,
        client: OdooClient,
        side: OdooSide,
        history: History,
        result: RunResult,
    ) -> None:
        self.settings, self.options, self.mapping = settings, options, mapping
        self.catalog, self.client, self.side, self.history = catalog, client, side, history
        self.result = result
        self.travel = Travel.of(mapping)
        self.images = bool(options.images) and self.travel.image is not None
        self.index = build_index(catalog, self.travel)
        self.state = ImportState()
        self.plan_options = ImportOptions(
            create_missing=options.create_missing, update_existing=options.update_existing
        )
        self.planned = PlannedSpool()
        self.image_paths: dict[str, str | None] = {}  # key -> relative path written
        self.max_write_date: str | None = None
        columns = catalog.columns() if catalog_exists(catalog) else []
        modified = settings.catalog.modified_field
        self.modified_field = modified if (modified in columns or not columns) else None

    # -- reading and planning -------------------------------------------------------------

    def read(
        self, domain: list[Any], context: Mapping[str, Any], progress: Progress | None
    ) -> None:
        try:
            total = self.client.execute(PRODUCT_MODEL, "search_count", domain, context=context)
        except OdooFault as exc:  # the first call with the domain: a fault there is the user's
            if not self.options.domain:
                raise
            raise ConfigError(
                f"Odoo refused the --domain: {exc.message}",
                hint="Check each leaf's field, operator and value type.",
            ) from None
        page_size = 50 if self.images else IMPORT_PAGE
        done = 0
        for page in self.client.iter_pages(
            PRODUCT_MODEL,
            domain,
            self.travel.read_fields(images=self.images),
            page_size=page_size,
            context=context,
        ):
            self.plan(page)
            done += len(page)
            self.result.products_found = done
            if progress is not None:
                progress(done, int(total) if isinstance(total, int) else None)

    def plan(self, page: list[dict[str, Any]]) -> None:
        module = self.settings.sync.external_id_module
        names = external_names(self.client, module, [int(r["id"]) for r in page])
        ext = {odoo_id: self.index.key_for_name(name) for odoo_id, name in names.items()}
        products: list[OdooProduct] = []
        images: dict[int, Any] = {}
        for record in page:
            odoo_id = int(record["id"])
            write_date = str(record["write_date"]) if record.get("write_date") else None
            if write_date and (self.max_write_date is None or write_date > self.max_write_date):
                self.max_write_date = write_date
            try:
                values = unmap(record, self.mapping, self.side.transform, self.travel)
            except TransformError as exc:
                self.result.add(
                    ProductOutcome(
                        product_id=ext.get(odoo_id) or f"odoo-{odoo_id}",
                        action="error",
                        odoo_product_id=odoo_id,
                        error_message=str(exc),
                        error_details=exc.details(),
                    )
                )
                continue
            barcode = record.get("barcode")
            products.append(
                OdooProduct(
                    odoo_id=odoo_id,
                    values=values,
                    digest=self.travel.local_digest(values),
                    write_date=write_date,
                    barcode=str(barcode) if barcode else None,
                    external_key=ext.get(odoo_id),
                    odoo_hash=self.travel.odoo_hash(record),
                )
            )
            if self.images and self.travel.image is not None:
                images[odoo_id] = record.get(self.travel.image.odoo_field)
        links = self._page_links(products)
        views = {
            k: LinkView(k, ln.odoo_id, ln.odoo_hash, ln.odoo_write_date) for k, ln in links.items()
        }
        self.state.by_odoo_id = ImportState.from_links(views).by_odoo_id
        for planned in plan_page(products, self.index, views, self.plan_options, self.state):
            needs_link = _needs_link(planned, links)
            if (
                planned.action is ImportAction.UNCHANGED
                and not self.result.keep_all
                and not needs_link
            ):  # nothing to write, list or link: counted, not kept
                self.result.add(self._outcome(planned))
                continue
            touched = planned.key is not None and (
                planned.action in (ImportAction.CREATE, ImportAction.UPDATE)
                or (planned.action is ImportAction.UNCHANGED and needs_link)
            )
            self.planned.add(planned, touched=touched)
            writes = planned.action in (ImportAction.CREATE, ImportAction.UPDATE)
            if writes and planned.key is not None and self.images and not self.options.dry_run:
                # written now, page by page, so no image is held in memory for the whole run
                base = self.catalog.path.parent
                self.image_paths[planned.key] = save_image(
                    base, planned.key, images.get(planned.odoo_id)
                )

    def _page_links(self, products: Sequence[OdooProduct]) -> dict[str, Link]:
        """The links the plan of this page can consult: to its Odoo ids, and of every key it
        could claim (external id, barcode owner, ``odoo-<id>``)."""
        profile = self.settings.profile.name
        linked = self.history.links_to(profile, [p.odoo_id for p in products])
        keys: set[str] = set()
        for product in products:
            keys.add(f"odoo-{product.odoo_id}")
            if product.external_key:
                keys.add(product.external_key)
            owner = self.index.barcodes.get(product.barcode) if product.barcode else None
            if owner is not None:
                keys.add(owner)
        found = self.history.links(profile, sorted(keys - set(linked)))
        return dict(sorted({**found, **linked}.items()))

    # -- the changes ------------------------------------------------------------------------

    def changes(self, spool: ChangeSpool) -> None:
        """The catalog's updates and inserts (into ``spool``), each product's outcome in the
        result."""
        dry = self.options.dry_run
        current = (
            rows_for(self.catalog, [p.key for p in self.planned if p.action is ImportAction.UPDATE
                                    and p.key])
            if dry
            else {}
        )  # fmt: skip
        for planned in self.planned:
            key = planned.key or f"odoo-{planned.odoo_id}"
            values = dict(planned.values)
            if self.images and self.travel.image is not None and key in self.image_paths:
                values[self.travel.image.local_field] = self.image_paths[key]
            if self.modified_field and planned.write_date:
                values[self.modified_field] = iso_from_odoo(planned.write_date)
            outcome = self._outcome(planned)
            if planned.action is ImportAction.CREATE:
                spool.insert({self.catalog.key: key, **values})
                if dry:
                    outcome.changes = {
                        k: [None, v] for k, v in planned.values.items() if v is not None
                    }
            elif planned.action is ImportAction.UPDATE:
                spool.update(key, values)
                if dry:
                    changed = changed_fields(current.get(key, {}), planned.values)
                    outcome.changes = {k: [old, new] for k, (old, new) in changed.items()}
            self.result.add(outcome)

    def _outcome(self, planned: PlannedImport) -> ProductOutcome:
        """One planned product's outcome (without a dry run's changes)."""
        note = planned.reason
        if note is None and planned.matched_by not in (None, "link"):
            note = f"matched by {planned.matched_by}"
        outcome = ProductOutcome(
            product_id=planned.key or f"odoo-{planned.odoo_id}",
            action=planned.action.value,
            odoo_product_id=planned.odoo_id,
            note=note,
        )
        if planned.action in (ImportAction.CREATE, ImportAction.UPDATE):
            outcome.fields_synced = self.travel.odoo_fields
        return outcome

    def record(self, batch_id: str) -> None:
        """Log entries (not for unchanged products) and the links of the same products, in
        one history transaction per RECORD_CHUNK: a crash keeps a chunk's both or neither."""
        for row in iter_catalog(self.catalog):  # the digests export compares with, as written
            key = catalog_key(row.get(self.catalog.key))
            if self.planned.is_touched(key):
                mapped = map_row(row, self.mapping, self.side.transform, key_field=self.catalog.key)
                self.planned.set_hash(key, None if mapped.error is not None else mapped.digest)
        # the errors met while reading (always kept), then each planned change, in order
        entries = [_entry(o) for o in self.result.products if o.action == "error"]
        touched: list[PlannedImport] = []
        for p, needs_link in self.planned.with_touched():
            if p.action is not ImportAction.UNCHANGED:
                entries.append(_entry(self._outcome(p)))
            if needs_link:
                touched.append(p)
            if len(entries) + len(touched) >= RECORD_CHUNK:
                self._record(batch_id, entries, touched)
                entries, touched = [], []
        if entries or touched:
            self._record(batch_id, entries, touched)

    def _record(
        self, batch_id: str, entries: Sequence[LogEntry], touched: Sequence[PlannedImport]
    ) -> None:
        links = self._links(touched) if touched else []
        self.history.record(batch_id, entries, links=links, profile=self.settings.profile.name)

    def _links(self, touched: Sequence[PlannedImport]) -> list[Link]:
        module = self.settings.sync.external_id_module
        profile = self.settings.profile.name
        keys = [p.key for p in touched if p.key is not None]
        old_links = self.history.links(profile, keys)
        hashes = self.planned.hashes(keys)
        now = self.history.now()
        new_links: list[Link] = []
        for p in touched:
            assert p.key is not None
            old = old_links.get(p.key)
            new_links.append(
                Link(
                    key=p.key,
                    odoo_id=p.odoo_id,
                    external_id=old.external_id if old else external_id(module, p.key),
                    local_hash=hashes.get(p.key),
                    odoo_hash=_odoo_hash(p),
                    field_hashes=dict(old.field_hashes) if old else {},
                    odoo_write_date=p.write_date,
                    synced_at=now,
                )
            )
        return new_links


def run_import(
    settings: Settings,
    options: RunOptions,
    *,
    client_factory: ClientFactory,
    history: History,
    progress: Progress | None = None,
    retry_of: str | None = None,
) -> RunResult:
    """Pull products from Odoo into the catalog; returns the run's result (SPEC §2.2).

    Raises the typed errors of ``odoosync.errors`` for what stops the whole run (config 3,
    Odoo refused 4, unreachable 5, lock 7, interrupted 130); product-level failures are in the
    result (exit 6).
    """
    options = options_with_settings(options, settings).but(direction="from_odoo")
    since = odoo_datetime(options.since) if options.since else None
    mapping = load_mapping(settings.mapping_path)
    require_active_fields(mapping)
    catalog = settings.catalog.open()
    if not options.dry_run:
        require_writable(catalog.path)
    profile = settings.profile.name
    if mapping.catalog_tables:
        refuse_for_variants(options, "import")
    with recorded_run(settings, options, history, direction="from_odoo", retry_of=retry_of) as run:
        client = connect(client_factory, rights=(), history=history)
        run.result.transport = client.transport
        side = resolve_odoo(
            client, mapping, base_dir=catalog.path.parent, fetch=image_fetch(settings)
        )
        if options.domain:
            parse_domain(json.dumps(list(options.domain)), side.fields)
        name = watermark_name(options)
        stored = history.watermark(profile, name)
        # the watermark moves only for a run that looked at every product of its selection
        # changed since it: not --no-create-missing / --no-update-existing, not a later --since
        covering = (
            options.create_missing
            and options.update_existing
            and (since is None or stored is None or since <= stored)
            and not options.product_ids
        )
        if since is None and not options.full:
            since = stored
        if mapping.catalog_tables:  # one row per variant, stock, vendors (SPEC §7)
            from odoosync.engine.imports.variants import import_variant_rows

            import_variant_rows(
                options=options, mapping=mapping, catalog=catalog, client=client, side=side,
                module=settings.sync.external_id_module, result=run.result, history=history,
                profile=profile, batch_id=run.batch_id, domain=import_domain(options, None),
            )  # fmt: skip
            return run.result
        context = {"active_test": False} if options.include_archived else {}
        job = ImportJob(settings, options, mapping, catalog, client, side, history, run.result)
        try:
            job.read(import_domain(options, since), context, progress)
            with ChangeSpool() as spool:
                job.changes(spool)
                if options.dry_run:
                    return run.result
                if spool.updates or spool.inserts:
                    catalog.apply(spool.updates, spool.inserts)
            job.record(run.batch_id)
        finally:
            job.planned.close()
        if covering and run.result.failed == 0 and job.max_write_date is not None:
            history.set_watermark(profile, name, job.max_write_date)
    return run.result


def refuse_for_variants(options: RunOptions, command: str) -> None:
    """ConfigError (exit 3) for what a profile with ``[variants]``, ``[stock]`` or ``[vendors]``
    cannot do yet: an import since a time (a variant's ``write_date`` does not move when its
    stock level or its template changes: every run reads every variant), and a two-way sync of
    a selection (``--categ-id``, ``--domain``)."""
    tables = "[variants]/[stock]/[vendors] in the mapping"
    if options.since:
        raise ConfigError(
            f"{command} --since is not supported with {tables}: a variant's write_date does not "
            "move when its stock level or its template changes, so every run reads every "
            "variant. Run it without --since."
        )
    if command == "sync" and (options.categ_ids or options.domain):
        raise ConfigError(
            f"sync --categ-id/--domain is not supported with {tables}; run it without them "
            "(import accepts them)."
        )


def _odoo_hash(planned: PlannedImport) -> str:
    return planned.odoo_hash if planned.odoo_hash is not None else planned.digest


def _needs_link(planned: PlannedImport, links: Mapping[str, Link]) -> bool:
    link = links.get(planned.key or "")
    return (
        link is None
        or link.odoo_id != planned.odoo_id
        or link.odoo_hash != _odoo_hash(planned)
        or link.odoo_write_date != planned.write_date
    )


def _entry(outcome: ProductOutcome) -> LogEntry:
    status = {"create": "success", "update": "success", "skip": "skipped", "error": "error"}
    return LogEntry(
        product_id=outcome.product_id,
        sync_direction="from_odoo",
        sync_type="create" if outcome.action == "create" else "update",
        sync_status=status.get(outcome.action, "success"),
        odoo_product_id=outcome.odoo_product_id,
        fields_synced=list(outcome.fields_synced),
        duration_ms=outcome.duration_ms,
        error_message=outcome.error_message or (outcome.note if outcome.action == "skip" else None),
        error_details=outcome.error_details,
    )
