"""Export: catalog → Odoo. Stream the filtered catalog in chunks of ``batch_size``; each chunk is
mapped, looked up, planned and (unless a dry run) applied, then recorded.

Before the first call: the mapping is loaded, the filter's columns checked against the
catalog's, and product ids asked for checked to exist (``ConfigError``/``CatalogError``, exit 3).
Once per run: ``authenticate`` and the access checks (``connect``), then ``fields_get``, the
categories and the sale taxes (``resolve_odoo``).

Per chunk (:func:`_chunk`), on one of ``workers`` connections:

- with ``create_missing_categories``: ``create`` of the product.category paths Odoo lacks;
- look-ups (:func:`odoosync.engine.export.lookup.lookup`): one ``search_read`` of
  ir.model.data for the external ids of products without a link; one ``search_read`` of
  product.template by barcode for those still unmatched, and one of ir.model.data for who those
  barcodes' products belong to; one ``search`` by id of the linked products whose mapped values
  are what was last pushed (do they still exist? their values are not read: SPEC §3 "Unchanged
  is free"); one ``read`` of every other linked or matched product (existence and current
  values, archived included);
- apply (:func:`odoosync.engine.export.apply.apply_plans`): one ``create`` of ir.model.data for
  products linked by barcode; one ``load`` per group of creates sending the same fields (their
  external ids in the same transaction); updates grouped by the fields they send, one ``write``
  when the values are identical, else one ``load`` by ``.id``; a batch Odoo rejects is split to
  isolate the failing products; then one ``search_read`` for the existing product of a
  duplicate barcode and one ``read`` of ``write_date`` (and of the two-way fields Odoo may
  normalise, e.g. floats: the others are hashed from what was read and sent) for the links;
- the chunk's log entries and links are committed to the history together.

A chunk Odoo cannot be reached for (its categories included) fails its products
(``TRANSPORT_ERROR``); more such batches
(of ``batch_size``) in a row than there are workers stop the run (``RunResult.aborted``, exit 5).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

from odoosync.catalog import Catalog, RowFilter, catalog_key, parse_filters
from odoosync.config.settings import Settings
from odoosync.engine.batching import Connections
from odoosync.engine.books import Progress, RunHandle, options_with_settings, recorded_run
from odoosync.engine.export.adopted import log_adopted_creates
from odoosync.engine.export.apply import Applied, apply_plans, unreachable_outcome
from odoosync.engine.export.images import chunk_images, read_images
from odoosync.engine.export.incremental import Undated, changed_since, last_covering_run
from odoosync.engine.export.lookup import lookup
from odoosync.engine.export.plan import Matches, ProductPlan, plan_products
from odoosync.engine.export.state import ExportRun
from odoosync.engine.odoo_side import (
    PRODUCT_MODEL,
    ClientFactory,
    OdooSide,
    connect,
    ensure_categories,
    image_fetch,
    resolve_odoo,
)
from odoosync.engine.result import ProductOutcome, RunOptions, RunResult
from odoosync.errors import CatalogError, OdooUnreachable, UsageError
from odoosync.history.records import Link, LogEntry
from odoosync.history.store import History
from odoosync.mapping.model import MappingConfig, load_mapping, require_active_fields
from odoosync.mapping.rows import map_row
from odoosync.odoo.client import OdooClient

__all__ = ["export_mapping", "export_rows", "run_export", "validate_whole"]

#: rows looked up and planned together: one look-up call of each kind per 1,000 products (an
#: unchanged re-export of 10,000 is a dozen calls); the sends are split by ``batch_size``
LOOKUP_CHUNK = 1000
#: base64 image bytes per call at most (one bigger image still goes alone)
MAX_BATCH_BYTES = 8 * 2**20


def run_export(
    settings: Settings,
    options: RunOptions,
    *,
    client_factory: ClientFactory,
    history: History,
    progress: Progress | None = None,
    retry_of: str | None = None,
) -> RunResult:
    """Push the catalog's products to Odoo; returns the run's result (never prints).

    Raises ``ConfigError`` (exit 3) before any call, ``OdooRefused`` (exit 4) before any product
    call, ``LockHeld`` (exit 7), ``Interrupted`` (exit 130). A run stopped by an unreachable Odoo
    returns a result with ``aborted`` set (exit 5) after recording what it did.
    """
    options = options_with_settings(options, settings)
    mapping = export_mapping(settings, options)
    if options.archive_missing and not mapping.catalog_tables:
        raise UsageError(
            "--archive-missing works with the variant export: add a [variants], [stock] or "
            "[vendors] table to the mapping (SPEC §7)."
        )
    catalog = settings.catalog.open()
    barcode_field = _local_field(mapping, "barcode")
    row_filter = _row_filter(settings, options, barcode_field)
    row_filter.check_columns(catalog.columns())
    cutoff = (
        last_covering_run(history, settings.profile.name, options)
        if options.sync_type == "incremental"
        else None
    )
    undated = Undated(settings.catalog.modified_field)
    if options.product_ids and options.triggered_by != "retry":
        check_ids_present(catalog, options.product_ids)
    validate_whole(catalog)
    with recorded_run(settings, options, history, direction="to_odoo", retry_of=retry_of) as handle:
        rights: tuple[str, ...] = () if options.dry_run else ("create", "write")
        client = connect(client_factory, rights=rights, history=history)
        handle.result.transport = client.transport
        try:
            side = resolve_odoo(
                client, mapping, base_dir=catalog.path.parent, fetch=image_fetch(settings)
            )
            rows: Iterable[dict[str, Any]] = (
                row for row in catalog.iter_rows() if row_filter.matches(row)
            )
            if cutoff is not None:
                rows = changed_since(rows, cutoff, settings.catalog.modified_field, undated)
            export_rows(settings, options, mapping, side, client, history, handle, rows, progress)
            if undated.warning():
                handle.result.warnings.append(str(undated.warning()))
        finally:
            client.close()
    return handle.result


def validate_whole(catalog: Catalog) -> None:
    """The whole catalog's rows checked before the first call (a CSV file is streamed; JSON,
    JSONL and SQLite check theirs when opened or read): a bad row late in the file stops the
    run before anything is sent, not after earlier chunks were created."""
    validate = getattr(catalog, "validate", None)
    if callable(validate):
        validate()


def check_ids_present(catalog: Catalog, wanted: Sequence[str], *, shown: int = 10) -> None:
    """CatalogError (exit 3) naming the ``wanted`` product ids the catalog does not have (the
    first ``shown``, then "and N more"), before anything is sent to Odoo. Reads the catalog once.

    ``retry`` does not call it: a product removed from the catalog since its failed batch is
    simply not found again.
    """
    missing = {catalog_key(key): str(key) for key in wanted}
    for row in catalog.iter_rows():
        missing.pop(catalog_key(row.get(catalog.key)), None)
        if not missing:
            return
    names = list(missing.values())
    listed = ", ".join(repr(name) for name in names[:shown])
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    raise CatalogError(
        f"{catalog.path.name}: no product with {catalog.key} {listed}{more} in the catalog; "
        f"check the id{'s' if len(names) > 1 else ''} (column {catalog.key!r}) and try again."
    )


def export_mapping(settings: Settings, options: RunOptions) -> MappingConfig:
    """The run's mapping: ``mapping.toml``, without the image mappings when images are off."""
    mapping = load_mapping(settings.mapping_path)
    require_active_fields(mapping)
    if not options.images:
        mapping = replace(
            mapping, fields=tuple(f for f in mapping.fields if f.transform != "image")
        )
    return mapping


def export_rows(
    settings: Settings,
    options: RunOptions,
    mapping: MappingConfig,
    side: OdooSide,
    client: OdooClient,
    history: History,
    handle: RunHandle,
    rows: Iterable[dict[str, Any]],
    progress: Progress | None = None,
) -> None:
    """Plan and apply (unless ``options.dry_run``) the export of ``rows`` inside a run that is
    already open: the caller holds the profile lock and the ``RunHandle`` (its batch id, its
    result, which this adds to). ``client`` stays open; worker clones are closed here.

    ``run_export`` is this inside its own ``sync_...`` run; two-way sync calls it inside its
    ``bisync_...`` run for the local products that have no link yet.
    """
    barcode_field = _local_field(mapping, "barcode")
    run = ExportRun(
        settings=settings,
        options=options,
        mapping=mapping,
        side=side,
        history=history,
        handle=handle,
        module=settings.sync.external_id_module,
        barcode_field="barcode" if barcode_field else None,
        category_field=_local_field(mapping, "categ_id"),
    )
    if mapping.catalog_tables:  # templates with variants, stock, vendors (SPEC §7)
        from odoosync.engine.export.variants import export_variant_rows

        export_variant_rows(run, client, rows)
        return
    size = max(LOOKUP_CHUNK, options.batch_size or 100)
    _run_chunks(run, Connections(client), _chunks(iter(rows), size), progress)


def _local_field(mapping: MappingConfig, odoo_field: str) -> str | None:
    for m in mapping.active():
        if m.odoo_field == odoo_field and m.odoo_model == PRODUCT_MODEL:
            return m.local_field
    return None


def _row_filter(settings: Settings, options: RunOptions, ean_field: str | None) -> RowFilter:
    """The run's filters; an incremental run's cutoff is applied apart
    (:mod:`odoosync.engine.export.incremental`)."""
    base = parse_filters(dict(options.filters))
    return replace(
        base,
        ids=options.product_ids or base.ids,
        where=base.where + tuple(options.where),
        key_field=settings.catalog.key,
        modified_field=settings.catalog.modified_field,
        ean_field=ean_field or base.ean_field,
    )


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --------------------------------------------------------------------------------------------
# the chunk loop


def _run_chunks(
    run: ExportRun,
    connections: Connections,
    chunks: Iterator[list[dict[str, Any]]],
    progress: Progress | None,
) -> None:
    result = run.handle.result
    workers = max(1, run.options.workers or 1)
    done = 0
    failures_in_a_row = 0
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="odoosync-export")
    run.senders = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="odoosync-send")
    pending: set[Future[ChunkReport]] = set()
    try:
        for seq, chunk in enumerate(chunks):
            result.products_found += len(chunk)
            pending.add(pool.submit(_chunk, run, connections, chunk, seq))
            while len(pending) >= workers * 2:
                done, failures_in_a_row = _collect(run, pending, done, failures_in_a_row, progress)
            if failures_in_a_row > workers:
                break
        while pending and failures_in_a_row <= workers:
            done, failures_in_a_row = _collect(run, pending, done, failures_in_a_row, progress)
    except BaseException:  # Ctrl-C: the chunks already running finish and are logged
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        run.senders.shutdown(wait=True)
        _merge_finished(run, pending)
        raise
    pool.shutdown(wait=True)
    run.senders.shutdown(wait=True)
    if failures_in_a_row > workers:
        _merge_finished(run, pending)
        result.aborted = (
            "Odoo stayed unreachable after retries; the run stopped. What it did is recorded: "
            f"`odoosync retry {run.handle.batch_id}` re-runs the failed products."
        )
        result.aborted_exit_code = 5
    connections.close()


@dataclass
class ChunkReport:
    outcomes: list[ProductOutcome]
    unreachable: bool = False
    seq: int = 0


def _collect(
    run: ExportRun,
    pending: set[Future[ChunkReport]],
    done: int,
    failures_in_a_row: int,
    progress: Progress | None,
) -> tuple[int, int]:
    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
    for future in finished:
        pending.discard(future)
        report = future.result()
        _merge(run, report)
        # counted in batches of batch_size, as they were sent (a chunk holds several)
        size = max(1, run.options.batch_size or 100)
        batches = max(1, -(-len(report.outcomes) // size))
        failures_in_a_row = failures_in_a_row + batches if report.unreachable else 0
        done += len(report.outcomes)
        if progress is not None:
            progress(done, None)
    return done, failures_in_a_row


def _merge_finished(run: ExportRun, pending: set[Future[ChunkReport]]) -> None:
    """Count the chunks that finished (and logged themselves) after the run stopped
    collecting: the run's counts then match its log."""
    for future in pending:
        if not future.cancelled() and future.done() and future.exception() is None:
            _merge(run, future.result())


def _merge(run: ExportRun, report: ChunkReport) -> None:
    result = run.handle.result
    for position, outcome in enumerate(report.outcomes):
        result.add(outcome, (report.seq, position))  # listed in catalog order


def _chunk(
    run: ExportRun, connections: Connections, rows: list[dict[str, Any]], seq: int
) -> ChunkReport:
    """Map, look up, plan and (unless dry run) apply one chunk; record it in the history."""
    client = connections.get()
    started = time.monotonic()
    key_field = run.settings.catalog.key
    try:
        _ensure_categories(run, client, rows)
    except OdooUnreachable as exc:  # no product sent: the chunk fails like any unreachable one
        failed = [unreachable_outcome(catalog_key(row.get(key_field)), exc) for row in rows]
        _record(run, failed, [], started)
        return ChunkReport(failed, unreachable=True, seq=seq)
    images = chunk_images(run, rows)
    context = (
        run.side.transform if images is None else replace(run.side.transform, image_digests=images)
    )
    mapped = [map_row(row, run.mapping, context, key_field=key_field) for row in rows]
    if images is not None and images.learned and not run.options.dry_run:
        run.history.save_image_digests(images.learned)
    try:
        matches = lookup(run, client, mapped)
        plans = plan_products(
            mapped,
            matches,
            force_update=run.options.force_update,
            barcode_field=run.barcode_field or "barcode",
            match_on=run.settings.sync.match_on,
        )
        if run.options.dry_run:
            return ChunkReport([_outcome(p, dry_run=True) for p in plans], seq=seq)
        read_images(plans)  # the files of the products that send them, known by digest so far
    except OdooUnreachable as exc:  # before anything was sent
        plans_failed = [unreachable_outcome(m.key, exc) for m in mapped]
        if not run.options.dry_run:
            _record(run, plans_failed, [], started)
        return ChunkReport(plans_failed, unreachable=True, seq=seq)
    applied = _send(run, connections, plans, matches)
    with run.lock:
        log_adopted_creates(run, plans, applied.outcomes)
    _record(run, applied.outcomes, applied.links, started)
    return ChunkReport(applied.outcomes, unreachable=applied.unreachable, seq=seq)


def _send(
    run: ExportRun, connections: Connections, plans: list[ProductPlan], matches: Matches
) -> Applied:
    """Apply a chunk's plans in slices of ``batch_size`` products that send something (the
    unchanged, skipped and failed ride with the first), sent in parallel on the run's sender
    connections while the chunk threads look up and plan the next chunks (the server works
    while the client maps and hashes). Outcomes come back in plan order."""
    sending = [i for i, p in enumerate(plans) if p.action in ("create", "update")]
    rest = [i for i, p in enumerate(plans) if p.action not in ("create", "update")]
    slices = _slices(plans, sending, max(1, run.options.batch_size or 100), MAX_BATCH_BYTES)
    if slices:
        slices[0] = sorted(slices[0] + rest)
    else:
        slices = [rest]

    def send(indexes: list[int]) -> Applied:
        part = [plans[i] for i in indexes]
        return apply_plans(run, connections.get(), part, matches.links, matches.odoo_values)

    if len(slices) <= 1 or run.senders is None:
        done = [send(part) for part in slices]
    else:
        done = list(run.senders.map(send, slices))
    by_index: dict[int, ProductOutcome] = {}
    for indexes, applied in zip(slices, done, strict=True):
        by_index.update(zip(indexes, applied.outcomes, strict=True))
    return Applied(
        [by_index[i] for i in range(len(plans))],
        [link for a in done for link in a.links],
        any(a.unreachable for a in done),
    )


def _slices(
    plans: list[ProductPlan], indexes: list[int], size: int, max_bytes: int
) -> list[list[int]]:
    """``indexes`` of ``plans`` in slices of at most ``size`` products and about ``max_bytes``
    of images (what dominates a call's payload when they ride along): a call stays a few
    seconds and a few MB."""
    slices: list[list[int]] = []
    current: list[int] = []
    weight = 0
    for i in indexes:
        cost = _image_bytes(plans[i])
        if current and (len(current) >= size or weight + cost > max_bytes):
            slices.append(current)
            current, weight = [], 0
        current.append(i)
        weight += cost
    if current:
        slices.append(current)
    return slices


def _image_bytes(plan: ProductPlan) -> int:
    if plan.mapped is None or plan.action not in ("create", "update"):
        return 0
    return sum(
        len(value)
        for name in plan.fields
        if name.startswith("image_") and isinstance(value := plan.mapped.values.get(name), str)
    )


def _ensure_categories(run: ExportRun, client: OdooClient, rows: list[dict[str, Any]]) -> None:
    """With ``create_missing_categories``: create the chunk's categories Odoo lacks."""
    if not (run.mapping.create_missing_categories and run.category_field):
        return
    names = {
        str(row.get(run.category_field)).strip()
        for row in rows
        if row.get(run.category_field) not in (None, "")
    }
    with run.lock:
        ensure_categories(client, run.side, sorted(names), dry_run=run.options.dry_run)


def _outcome(plan: ProductPlan, *, dry_run: bool) -> ProductOutcome:
    return ProductOutcome(
        product_id=plan.key,
        action=plan.action,
        odoo_product_id=plan.odoo_id,
        fields_synced=list(plan.fields),
        changes=dict(plan.changes) if dry_run else None,
        error_message=plan.error_message,
        error_details=plan.error_details,
        note=plan.note,
    )


def _record(
    run: ExportRun, outcomes: Sequence[ProductOutcome], links: Sequence[Link], started: float
) -> None:
    """Commit one chunk's log entries and links in one history transaction (unchanged products
    get no entry)."""
    ms = int((time.monotonic() - started) * 1000)
    per = ms // max(1, len(outcomes))
    entries = [
        LogEntry(
            product_id=o.product_id,
            odoo_product_id=o.odoo_product_id,
            sync_direction="to_odoo",
            sync_type="update"
            if o.action == "update" or (o.action == "error" and o.odoo_product_id)
            else "create",
            sync_status="success" if o.action in ("create", "update") else "error",
            fields_synced=list(o.fields_synced),
            duration_ms=o.duration_ms or per,
            error_message=o.error_message,
            error_details=o.error_details,
            user=run.handle.user,
        )
        for o in outcomes
        if o.action in ("create", "update", "error")
    ]
    for o in outcomes:
        o.duration_ms = o.duration_ms or per
    if entries or links:  # one transaction: a crash keeps both or neither
        run.history.record(
            run.handle.batch_id, entries, links=list(links), profile=run.handle.profile
        )
