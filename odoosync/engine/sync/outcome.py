"""Two-way sync's report: each decision as the run's product outcome and log entry.

:func:`decided` turns one :class:`odoosync.engine.sync.plan.SyncStep` into its
``ProductOutcome`` and, unless nothing changed, its ``LogEntry``; resolved conflicts get a note
naming the values on both sides and the side that won. :func:`mapping_error` does the same for a
linked row that does not map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from odoosync.engine.result import ProductOutcome
from odoosync.engine.sync.plan import Decision, SyncStep
from odoosync.history.records import Link, LogEntry
from odoosync.transforms import TransformError


def unresolved(step: SyncStep) -> bool:
    """A conflict left as it is (no side won)."""
    return step.is_conflict and step.resolution not in ("local", "odoo")


def decided(
    step: SyncStep,
    link: Link,
    pushed_fields: Sequence[str],
    fields: Sequence[str],
    policy: str,
) -> tuple[ProductOutcome, LogEntry | None]:
    """The outcome of ``step`` and its log entry (None when unchanged). ``pushed_fields`` are
    the mapped fields of the local row, ``fields`` the bidirectional Odoo fields."""
    outcome = ProductOutcome(product_id=step.key, action="unchanged", odoo_product_id=link.odoo_id)
    direction = "bidirectional"
    if step.decision is Decision.PUSH:
        outcome.action, direction = "update", "to_odoo"
        outcome.fields_synced = list(pushed_fields)
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
        outcome.action = "conflict"
        outcome.error_details = step.conflict_details(policy)
        if unresolved(step):
            outcome.error_message = (
                f"both sides changed ({', '.join(step.conflict or {}) or 'values'}); "
                f"left as they are ({step.resolution}): decide, then run sync with "
                "--conflict local or --conflict odoo"
            )
            outcome.fields_synced = []
        else:
            outcome.note = _resolved_note(step, policy)
    if outcome.action in ("unchanged",):
        return outcome, None
    status = {"update": "success", "skip": "skipped", "conflict": "conflict"}[outcome.action]
    entry = LogEntry(
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
    return outcome, entry


def mapping_error(key: str, odoo_id: int, error: TransformError) -> tuple[ProductOutcome, LogEntry]:
    """The outcome and log entry of a linked row that does not map (a product error)."""
    outcome = ProductOutcome(
        product_id=key,
        action="error",
        odoo_product_id=odoo_id,
        error_message=str(error),
        error_details=error.details(),
    )
    entry = LogEntry(
        product_id=key,
        odoo_product_id=odoo_id,
        sync_direction="to_odoo",
        sync_type="update",
        sync_status="error",
        error_message=outcome.error_message,
        error_details=outcome.error_details,
    )
    return outcome, entry


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
