"""What an incremental export selects (issue 11 item 2).

The cutoff is the start of the last successful export that covered the *same selection*: a
filtered manual run (``export P002``, ``--where``, ``--has-ean``, ``--supplier-id``, a
``--modified-since``) or a dry run looked at fewer rows, so it never moves a schedule's cutoff.
A row whose modified timestamp is empty or unreadable cannot be placed before or after the
cutoff: it is selected (its hash then says whether anything is sent) and counted, and the run
warns how many there were.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from odoosync.catalog.filters import parse_timestamp
from odoosync.engine.result import RunOptions
from odoosync.history.store import History

#: filters that select by time: a run using one covered only part of its selection
TIME_FILTERS = frozenset({"modified_since", "modified_today"})


def selection(options: Mapping[str, Any] | RunOptions) -> str:
    """A run's selection, as text: its product ids, filters (but time filters) and ``where``."""
    data = options.to_dict() if isinstance(options, RunOptions) else dict(options)
    filters = {k: str(v) for k, v in dict(data.get("filters") or {}).items()}
    chosen = {
        "ids": sorted(str(i) for i in data.get("product_ids") or ()),
        "filters": {k: v for k, v in sorted(filters.items()) if k not in TIME_FILTERS},
        "where": sorted([str(f), str(v)] for f, v in data.get("where") or ()),
    }
    return json.dumps(chosen, sort_keys=True)


def _covered_everything(options: Mapping[str, Any]) -> bool:
    """No time filter of its own: the run looked at every row of its selection (an incremental
    run's cutoff is not a filter it was given, it is the previous covering run)."""
    return not (TIME_FILTERS & set(dict(options.get("filters") or {})))


def last_covering_run(history: History, profile: str, options: RunOptions) -> datetime | None:
    """The start of the newest successful, not dry, export of the same selection."""
    wanted = selection(options)
    for run in history.runs(profile=profile, limit=500):
        if run.direction != "to_odoo" or run.status != "success" or run.dry_run:
            continue
        if selection(run.options) == wanted and _covered_everything(run.options):
            return parse_timestamp(run.started_at)
    return None


@dataclass
class Undated:
    """Counts the rows an incremental run selected because their timestamp is unusable."""

    field: str
    count: int = 0

    def warning(self) -> str | None:
        if not self.count:
            return None
        return (
            f"{self.count} row(s) have an empty or unreadable {self.field!r}: an incremental "
            "run cannot tell whether they changed, so they were compared with Odoo (their hash "
            "decides) instead of being left out."
        )


def changed_since(
    rows: Iterable[dict[str, Any]], cutoff: datetime, field: str, undated: Undated
) -> Iterator[dict[str, Any]]:
    """The rows modified at or after ``cutoff``, and those with no usable timestamp."""
    for row in rows:
        raw = row.get(field)
        try:
            modified = None if raw is None or str(raw).strip() == "" else parse_timestamp(raw)
        except (ValueError, TypeError):
            modified = None
        if modified is None:
            undated.count += 1
            yield row
        elif modified >= cutoff:
            yield row
