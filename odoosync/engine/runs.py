"""The three runs by direction: the one table that turns a batch's or a schedule's direction
into the engine function that runs it (export, import, two-way sync)."""

from __future__ import annotations

from collections.abc import Callable

from odoosync.engine.export.run import run_export
from odoosync.engine.imports.run import run_import
from odoosync.engine.result import RunResult
from odoosync.engine.sync.run import run_sync

#: a run: ``(settings, options, *, client_factory, history, progress=None, ...) -> RunResult``
RunFunction = Callable[..., RunResult]

RUNS: dict[str, RunFunction] = {
    "to_odoo": run_export,
    "from_odoo": run_import,
    "bidirectional": run_sync,
}


def run_for(direction: str) -> RunFunction:
    """The engine function for a direction (``to_odoo``, ``from_odoo``, ``bidirectional``)."""
    return RUNS[direction]
