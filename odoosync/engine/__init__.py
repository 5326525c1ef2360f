"""The sync engine: plan (pure) then apply, for export, import and two-way sync.

Import the runners from their modules (``odoosync.engine.export.run.run_export``); this package
exports only the shared value types, so importing it stays cheap.
"""

from __future__ import annotations

from odoosync.engine.result import ProductOutcome, RunOptions, RunResult

__all__ = ["ProductOutcome", "RunOptions", "RunResult"]
