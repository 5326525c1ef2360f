"""Two-way sync's additions: Odoo's products in no link, added to the catalog.

:func:`new_from_odoo` plans them like an import that only creates (into the run's
:class:`odoosync.catalog.spool.ChangeSpool`), then reports them: an outcome and a log entry for
each product created, and a link for each new catalog row.
"""

from __future__ import annotations

from typing import Any, Protocol

from odoosync.catalog.base import Catalog
from odoosync.catalog.spool import ChangeSpool, PickleSpool
from odoosync.config.settings import Settings
from odoosync.engine.identity import external_id_name
from odoosync.engine.imports.plan import ImportAction
from odoosync.engine.imports.run import ImportJob
from odoosync.engine.odoo_side import OdooSide
from odoosync.engine.result import RunOptions, RunResult
from odoosync.engine.sync.local import row_digest
from odoosync.engine.travel import Travel
from odoosync.history.records import Link, LogEntry
from odoosync.history.store import History
from odoosync.mapping.model import MappingConfig
from odoosync.mapping.rows import map_row
from odoosync.odoo.client import OdooClient


class SyncJob(Protocol):
    """What adding Odoo's new products needs of the two-way sync run."""

    settings: Settings
    options: RunOptions
    mapping: MappingConfig
    catalog: Catalog
    client: OdooClient
    side: OdooSide
    history: History
    travel: Travel
    profile: str
    module: str
    result: RunResult
    entries: list[LogEntry]
    linked: PickleSpool[Link]

    def flush(self) -> None: ...


def new_from_odoo(job: SyncJob, spool: ChangeSpool) -> None:
    """Odoo products in no link: planned like an import that only creates (into ``spool``)."""
    importer = ImportJob(
        job.settings,
        job.options.but(update_existing=False, images=False),
        job.mapping,
        job.catalog,
        job.client,
        job.side,
        job.history,
        RunResult(batch_id="", direction="bidirectional"),
    )
    linked = job.history.linked_odoo_ids(job.profile)
    domain: list[Any] = [("id", "not in", linked)] if linked else []
    try:
        importer.read(domain, {}, None)
        importer.changes(spool)
        _added(job, importer, spool)
    finally:
        importer.planned.close()


def _added(job: SyncJob, importer: ImportJob, spool: ChangeSpool) -> None:
    """The outcomes, log entries and links of the products added (``spool``'s inserts: the
    chunks spool updates only)."""
    for outcome in importer.result.products:
        if outcome.action == "error":  # a product the catalog cannot hold: said, not dropped
            job.result.add(outcome)
            job.entries.append(
                LogEntry(
                    product_id=outcome.product_id,
                    odoo_product_id=outcome.odoo_product_id,
                    sync_direction="from_odoo",
                    sync_type="create",
                    sync_status="error",
                    error_message=outcome.error_message,
                    error_details=outcome.error_details,
                )
            )
            continue
        if outcome.action != "create":
            continue  # matched rows are left to export's matching
        outcome.note = outcome.note or "new in Odoo: added to the catalog"
        job.result.add(outcome)
        job.entries.append(
            LogEntry(
                product_id=outcome.product_id,
                odoo_product_id=outcome.odoo_product_id,
                sync_direction="from_odoo",
                sync_type="create",
                sync_status="success",
                fields_synced=list(outcome.fields_synced),
            )
        )
    job.flush()
    created = {
        planned.key: planned
        for planned in importer.planned
        if planned.action is ImportAction.CREATE and planned.key is not None
    }
    added = 0
    key_field = job.catalog.key
    for new_row in spool.inserts:
        added += 1
        planned = created.get(str(new_row[key_field]))
        if planned is None or planned.key is None or job.options.dry_run:
            continue
        new = map_row(new_row, job.mapping, job.side.transform, key_field=key_field)
        job.linked.append(
            Link(
                key=planned.key,
                odoo_id=planned.odoo_id,
                external_id=f"{job.module}.{external_id_name(planned.key)}",
                local_hash=row_digest(job.travel, new_row) if new.error else new.digest,
                odoo_hash=planned.odoo_hash,
                field_hashes=dict(new.hashes),
                odoo_write_date=planned.write_date,
                synced_at="",
            )
        )
    job.result.products_found += added
