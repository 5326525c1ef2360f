"""Batches that Odoo rejects as a whole, split until the failing rows are isolated; and the
per-thread connections of the worker pool.

Odoo's ``load`` is all-or-nothing: one bad row and ``ids`` is ``False``, nothing is created.
:func:`load_isolating` drops the rows the messages name (``record`` indexes), else splits the
batch in halves, and re-sends the rest so the good rows land. :func:`write_isolating` does the
same for a ``write`` shared by several records.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from odoosync.errors import OdooFault
from odoosync.odoo.client import OdooClient
from odoosync.odoo.fault_text import details_from_load_message

#: context for bulk writes: no chatter tracking or creation messages (odoo-facts §4)
BULK_CONTEXT: Mapping[str, Any] = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
}


@dataclass
class RowFailure:
    """Why one row failed: a message and SPEC §2.2 error_details."""

    message: str
    details: dict[str, Any]


@dataclass
class BatchOutcome:
    """Per row index (into the rows given): the record id, or the failure."""

    ids: dict[int, int] = field(default_factory=dict)
    failures: dict[int, RowFailure] = field(default_factory=dict)
    calls: int = 0


def failure_from_fault(exc: OdooFault) -> RowFailure:
    details = dict(exc.details) if exc.details else {"odoo_error_code": "VALIDATION_ERROR"}
    if exc.odoo_message is not None:
        details.setdefault("odoo_message", exc.odoo_message)
    return RowFailure(exc.message, details)


def failure_from_message(message: Mapping[str, Any]) -> RowFailure:
    """A ``load`` error message as a RowFailure (its text read like a fault's)."""
    text = str(message.get("message") or "load failed")
    details = details_from_load_message(message)
    details.pop("row", None)  # the row's index in one call: meaningless in the history
    lines = text.strip().splitlines()
    first = lines[-1] if "Traceback (most recent call last)" in text else (lines or [text])[0]
    if details.get("odoo_error_code") == "UNIQUE_VIOLATION":
        summary = f"Field '{details.get('field', 'barcode')}' must be unique"
        if details.get("value"):
            summary += f": {details['value']} is already assigned to another product"
        return RowFailure(summary + ".", details)
    return RowFailure(f"Odoo refused the row: {first}", details)


def load_isolating(
    client: OdooClient,
    model: str,
    fields: list[str],
    rows: Sequence[list[str]],
    *,
    context: Mapping[str, Any] | None = None,
) -> BatchOutcome:
    """``load`` ``rows``; isolate failing rows so every other row lands."""
    outcome = BatchOutcome()
    _load_part(client, model, fields, rows, list(range(len(rows))), context, outcome)
    return outcome


def _load_part(
    client: OdooClient,
    model: str,
    fields: list[str],
    rows: Sequence[list[str]],
    indexes: list[int],
    context: Mapping[str, Any] | None,
    outcome: BatchOutcome,
) -> None:
    pending = list(indexes)
    while pending:
        outcome.calls += 1
        try:
            answer = client.load(
                model,
                fields,
                [rows[i] for i in pending],
                context={**BULK_CONTEXT, **(context or {})},
            )
        except OdooFault as exc:  # the whole call failed (rare with load): split
            if len(pending) == 1:
                outcome.failures[pending[0]] = failure_from_fault(exc)
                return
            half = len(pending) // 2
            _load_part(client, model, fields, rows, pending[:half], context, outcome)
            _load_part(client, model, fields, rows, pending[half:], context, outcome)
            return
        ids = answer.get("ids")
        errors = [m for m in answer.get("messages") or [] if m.get("type") == "error"]
        if ids and not errors:
            for index, record_id in zip(pending, ids, strict=False):
                outcome.ids[index] = int(record_id)
            return
        named = {
            int(m["record"]): m
            for m in errors
            if isinstance(m.get("record"), int) and 0 <= int(m["record"]) < len(pending)
        }
        if named and len(pending) == 1:
            outcome.failures[pending[0]] = failure_from_message(named[0])
            return
        if named:
            # Odoo 17 names every row of a clash, also two rows of this batch that clash with
            # each other: send the others, then each named row alone (the first of two rows
            # with one barcode lands; the second then fails against it, naming it)
            rest = [i for position, i in enumerate(pending) if position not in named]
            _load_part(client, model, fields, rows, rest, context, outcome)
            for position in sorted(named):
                _load_part(client, model, fields, rows, [pending[position]], context, outcome)
            return
        if len(pending) == 1:
            message = errors[0] if errors else {"message": "Odoo created nothing for this row."}
            outcome.failures[pending[0]] = failure_from_message(message)
            return
        half = len(pending) // 2
        _load_part(client, model, fields, rows, pending[:half], context, outcome)
        _load_part(client, model, fields, rows, pending[half:], context, outcome)
        return


def write_isolating(
    client: OdooClient,
    model: str,
    ids: Sequence[int],
    values: Mapping[str, Any],
    *,
    context: Mapping[str, Any] | None = None,
) -> BatchOutcome:
    """``write`` the same ``values`` on ``ids``; split on a fault to isolate failing records.

    ``BatchOutcome.ids`` maps each index of ``ids`` that was written to its id.
    """
    outcome = BatchOutcome()
    _write_part(client, model, list(ids), list(range(len(ids))), dict(values), context, outcome)
    return outcome


def _write_part(
    client: OdooClient,
    model: str,
    ids: list[int],
    indexes: list[int],
    values: dict[str, Any],
    context: Mapping[str, Any] | None,
    outcome: BatchOutcome,
) -> None:
    outcome.calls += 1
    try:
        client.write(
            model, [ids[i] for i in indexes], values, context={**BULK_CONTEXT, **(context or {})}
        )
    except OdooFault as exc:
        if len(indexes) == 1:
            outcome.failures[indexes[0]] = failure_from_fault(exc)
            return
        half = len(indexes) // 2
        _write_part(client, model, ids, indexes[:half], values, context, outcome)
        _write_part(client, model, ids, indexes[half:], values, context, outcome)
        return
    for i in indexes:
        outcome.ids[i] = ids[i]


class Connections:
    """One client per worker thread: the run's own client for the first, clones for others."""

    def __init__(self, first: OdooClient) -> None:
        self._first = first
        self._local = threading.local()
        self._lock = threading.Lock()
        self._taken_first = False
        self._clones: list[OdooClient] = []

    def get(self) -> OdooClient:
        client: OdooClient | None = getattr(self._local, "client", None)
        if client is None:
            with self._lock:
                if not self._taken_first:
                    self._taken_first = True
                    client = self._first
                else:
                    client = self._first.clone()
                    self._clones.append(client)
            self._local.client = client
        return client

    def close(self) -> None:
        for clone in self._clones:
            clone.close()
