"""Export: catalog → Odoo, in chunks: rows mapped, looked up (``lookup``), planned (``plan``,
pure), applied in batched calls (``apply``), recorded; ``run`` drives it, ``state`` is what a run's
chunks share.
"""

from __future__ import annotations

from odoosync.engine.export.run import run_export

__all__ = ["run_export"]
