"""Two-way sync's pushes (catalog → Odoo), through export's grouped updates.

:func:`push` sends the products two-way sync decided to push with
:func:`odoosync.engine.export.apply.update_plans` (the same values: one ``write``; else one
``load`` by ``.id``; ``batch_size`` products a call) and turns Odoo's refusals into product
errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from odoosync.engine.export.apply import update_plans
from odoosync.engine.export.plan import ProductPlan
from odoosync.engine.result import ProductOutcome, RunOptions, RunResult
from odoosync.engine.sync.plan import SyncStep
from odoosync.history.records import Link, LogEntry
from odoosync.mapping.rows import MappedProduct, field_hash
from odoosync.odoo.client import OdooClient

if TYPE_CHECKING:
    from odoosync.engine.odoo_side import OdooSide


class LocalRow(Protocol):
    """A linked catalog row as two-way sync keeps it."""

    @property
    def mapped(self) -> MappedProduct: ...


class SyncJob(Protocol):
    """What a push needs of the two-way sync run."""

    options: RunOptions
    side: OdooSide
    client: OdooClient
    result: RunResult
    entries: list[LogEntry]


def push(
    job: SyncJob,
    steps: list[tuple[SyncStep, Link]],
    locals_: Mapping[str, LocalRow],
    records: Mapping[int, Mapping[str, Any]],
) -> list[tuple[SyncStep, Link]]:
    """Send the pushes with export's grouped updates (the same values: one ``write``; else
    one ``load`` by ``.id``; ``batch_size`` products a call). Each product sends the fields
    whose Odoo value differs (images: when changed since the last sync). Failures become
    product errors; returns the pushes that landed."""
    if job.options.dry_run:
        return []
    plans: list[ProductPlan] = []
    for step, link in steps:
        mapped = locals_[step.key].mapped
        current = records.get(link.odoo_id) or {}
        fields = [
            name
            for name in mapped.fields
            if name in mapped.values and _differs(name, mapped, link, current)
        ]
        plans.append(ProductPlan(step.key, "update", mapped, odoo_id=link.odoo_id,
                                 fields=fields))  # fmt: skip
    sending = [i for i, plan in enumerate(plans) if plan.fields]
    outcomes = update_plans(
        job.side,
        job.client,
        plans,
        sending,
        batch_size=int(job.options.batch_size or 100),
    )
    done: list[tuple[SyncStep, Link]] = []
    for i, (step, link) in enumerate(steps):
        outcome = outcomes.get(i)
        if outcome is not None and outcome.action == "error":
            _push_failed(
                job, step.key, outcome.error_message or "", dict(outcome.error_details or {})
            )
            continue
        done.append((step, link))
    return done


def _differs(name: str, mapped: MappedProduct, link: Link, current: Mapping[str, Any]) -> bool:
    if name.startswith("image_"):  # Odoo keeps images resized: compare with the last sync
        return link.field_hashes.get(name) != mapped.hashes.get(name)
    if name not in current:
        return True
    return field_hash(name, mapped.values[name]) != field_hash(name, current[name])


def _push_failed(job: SyncJob, key: str, message: str, details: dict[str, Any]) -> None:
    """A push Odoo refused: the product failed. A conflict stays counted and logged as one
    (``conflict``, with both values: one entry per product and direction), its message and
    details saying that the push of the winning side failed, and why."""
    conflict = False

    def failed(outcome: ProductOutcome) -> None:
        nonlocal conflict
        if outcome.action == "update":
            job.result.updated -= 1
        conflict = outcome.action == "conflict"
        outcome.action = "error"
        outcome.error_message = message
        outcome.error_details = details
        outcome.fields_synced = []
        job.result.failed += 1

    found = job.result.products.amend(key, failed)  # kept outcomes may be on disk
    if not found:  # an update the result counted without keeping it (no --details)
        job.result.updated -= 1
        job.result.omitted -= 1
        odoo_id = next((e.odoo_product_id for e in job.entries if e.product_id == key), None)
        job.result.add(ProductOutcome(key, "error", odoo_id, [], None, message, details))
    for entry in job.entries:
        if entry.product_id != key:
            continue
        entry.fields_synced = []
        if conflict:
            entry.error_message = f"{entry.error_message}, but Odoo refused it: {message}"
            entry.error_details = {**(entry.error_details or {}), "push_error": details}
        else:
            entry.sync_status = "error"
            entry.error_message = message
            entry.error_details = details
