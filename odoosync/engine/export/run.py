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
  barcodes' products belong to; one ``read``
  of every linked or matched product (existence and current values, archived included);
- apply (:func:`odoosync.engine.export.apply.apply_plans`): one ``create`` of ir.model.data for
  products linked by barcode; one ``load`` per group of creates sending the same fields (their
  external ids in the same transaction); updates grouped by the fields they send, one ``write``
  when the values are identical, else one ``load`` by ``.id``; a batch Odoo rejects is split to
  isolate the failing products; then one ``search_read`` for the existing product of a
  duplicate barcode and one ``read`` of ``write_date`` and the two-way fields for the links;
- the chunk's log entries and links are committed to the history together.

A chunk Odoo cannot be reached for (its categories included) fails its products
(``TRANSPORT_ERROR``); more such chunks in
a row than there are workers stop the run (``RunResult.aborted``, exit 5).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

from odoosync.catalog import Catalog, RowFilter, catalog_key, open_catalog, parse_filters
from odoosync.config.settings import Settings
from odoosync.engine.batching import Connections
from odoosync.engine.books import Progress, RunHandle, options_with_settings, recorded_run
from odoosync.engine.export.apply import apply_plans, unreachable_outcome
from odoosync.engine.export.lookup import lookup
from odoosync.engine.export.plan import ProductPlan, plan_products
from odoosync.engine.export.state import ExportRun
from odoosync.engine.odoo_side import (
    PRODUCT_MODEL,
    ClientFactory,
    OdooSide,
    connect,
    ensure_categories,
    resolve_odoo,
)
from odoosync.engine.result import ProductOutcome, RunOptions, RunResult
from odoosync.errors import CatalogError, OdooUnreachable
from odoosync.history.records import Link, LogEntry
from odoosync.history.store import History
from odoosync.mapping.model import MappingConfig, load_mapping
from odoosync.mapping.rows import map_row
from odoosync.odoo.client import OdooClient

__all__ = ["export_mapping", "export_rows", "run_export"]


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
    catalog = open_catalog(
        settings.catalog.path, key=settings.catalog.key, table=settings.catalog.table
    )
    barcode_field = _local_field(mapping, "barcode")
    row_filter = _row_filter(settings, options, history, barcode_field)
    row_filter.check_columns(catalog.columns())
    if options.product_ids and options.triggered_by != "retry":
        check_ids_present(catalog, options.product_ids)
    with recorded_run(settings, options, history, direction="to_odoo", retry_of=retry_of) as handle:
        rights: tuple[str, ...] = () if options.dry_run else ("create", "write")
        client = connect(client_factory, rights=rights)
        handle.result.transport = client.transport
        try:
            side = resolve_odoo(client, mapping, base_dir=catalog.path.parent)
            rows = (row for row in catalog.iter_rows() if row_filter.matches(row))
            export_rows(settings, options, mapping, side, client, history, handle, rows, progress)
        finally:
            client.close()
    return handle.result


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
    _run_chunks(run, Connections(client), _chunks(iter(rows), options.batch_size or 100), progress)


def _local_field(mapping: MappingConfig, odoo_field: str) -> str | None:
    for m in mapping.active():
        if m.odoo_field == odoo_field and m.odoo_model == PRODUCT_MODEL:
            return m.local_field
    return None


def _row_filter(
    settings: Settings, options: RunOptions, history: History, ean_field: str | None
) -> RowFilter:
    base = parse_filters(dict(options.filters))
    since = base.modified_since
    if options.sync_type == "incremental":
        last = _last_success(history, settings.profile.name)
        if last is not None and (since is None or last > since):
            since = last
    return replace(
        base,
        ids=options.product_ids or base.ids,
        where=base.where + tuple(options.where),
        modified_since=since,
        key_field=settings.catalog.key,
        modified_field=settings.catalog.modified_field,
        ean_field=ean_field or base.ean_field,
    )


def _last_success(history: History, profile: str) -> Any:
    from odoosync.catalog.filters import parse_timestamp

    for run in history.runs(profile=profile, limit=200):
        if run.direction == "to_odoo" and run.status == "success":
            return parse_timestamp(run.started_at)
    return None


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
        _merge_finished(run, pending)
        raise
    pool.shutdown(wait=True)
    if failures_in_a_row > workers:
        _merge_finished(run, pending)
        result.aborted = (
            "Odoo stayed unreachable after retries; the run stopped. What it did is recorded: "
            f"`odoosync retry {run.handle.batch_id}` re-runs the failed products."
        )
        result.aborted_exit_code = 5
    connections.close()
    result.products.sort(key=lambda p: run.rank.get(id(p), (0, 0)))


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
        failures_in_a_row = failures_in_a_row + 1 if report.unreachable else 0
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
        if result.add(outcome):
            run.rank[id(outcome)] = (report.seq, position)


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
    mapped = [map_row(row, run.mapping, run.side.transform, key_field=key_field) for row in rows]
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
    except OdooUnreachable as exc:  # before anything was sent
        plans_failed = [unreachable_outcome(m.key, exc) for m in mapped]
        if not run.options.dry_run:
            _record(run, plans_failed, [], started)
        return ChunkReport(plans_failed, unreachable=True, seq=seq)
    applied = apply_plans(run, client, plans, matches.links)
    _record(run, applied.outcomes, applied.links, started)
    return ChunkReport(applied.outcomes, unreachable=applied.unreachable, seq=seq)


def _ensure_categories(run: ExportRun, client: OdooClient, rows: list[dict[str, Any]]) -> None:
    """With ``create_missing_categories``: create the chunk's categories Odoo lacks."""
    if not (run.mapping.create_missing_categories and run.category_field) or run.options.dry_run:
        return
    names = {
        str(row.get(run.category_field)).strip()
        for row in rows
        if row.get(run.category_field) not in (None, "")
    }
    with run.lock:
        ensure_categories(client, run.side, sorted(names))


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
