"""The ``create`` entries a killed run could not write (issue 11 item 10).

A run killed with ``kill -9`` after Odoo committed a ``load`` but before its chunk reached the
history leaves products in Odoo that no log entry says were created. The next run finds them
by their external id (no link); for each one without a ``create`` entry in the log, it writes
that entry under the interrupted (or failed) run's batch, the run that created it, noting which
run found it. Without such a run in this history (a history started afresh) the entry goes
under the current run, with the same note.

Written before the chunk's own entries and links: a crash between the two leaves the entry,
which the next run sees and does not write again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from odoosync.engine.export.plan import VIA_EXTERNAL_ID, ProductPlan
from odoosync.engine.result import ProductOutcome
from odoosync.history.records import LogEntry

if TYPE_CHECKING:
    from odoosync.engine.export.state import ExportRun

#: the directions of runs that create products in Odoo
_CREATING = ("to_odoo", "bidirectional")


def log_adopted_creates(
    run: ExportRun, plans: Sequence[ProductPlan], outcomes: Sequence[ProductOutcome]
) -> None:
    """Write the missing ``create`` entries of the chunk's products found by external id."""
    actions = {plan.key: outcome.action for plan, outcome in zip(plans, outcomes, strict=True)}
    found = {
        plan.key: outcome.odoo_product_id
        for plan, outcome in zip(plans, outcomes, strict=True)
        if plan.via == VIA_EXTERNAL_ID
        and outcome.action in ("update", "unchanged")
        and outcome.odoo_product_id
    }
    if not found or run.options.dry_run:
        return
    profile = run.handle.profile
    missing = sorted(set(found) - run.history.created_keys(profile, found))
    if not missing:
        return
    batch, why = _creator(run)
    if batch == run.handle.batch_id:  # one entry a product a batch: an update keeps its own
        missing = [key for key in missing if actions[key] == "unchanged"]
    note = (
        f"logged by {run.handle.batch_id}: {why}; found in Odoo by its external id, with no "
        "create entry"
    )
    entries = [
        LogEntry(
            product_id=key,
            odoo_product_id=found[key],
            sync_direction="to_odoo",
            sync_type="create",
            sync_status="success",
            error_message=note,
        )
        for key in missing
    ]
    run.history.record(batch, entries, profile=profile)


def _creator(run: ExportRun) -> tuple[str, str]:
    """The batch the entries go under, and why: the newest creating run of the profile that was
    interrupted (killed) or failed (stopped by an error), else the current run."""
    for past in run.history.runs(profile=run.handle.profile, limit=200):
        if past.batch_id == run.handle.batch_id or past.direction not in _CREATING:
            continue
        if past.status in ("interrupted", "failed"):
            return (
                past.batch_id,
                f"created by run {past.batch_id}, {past.status} before it logged it",
            )
    return run.handle.batch_id, "created by a run this history has no trace of"
