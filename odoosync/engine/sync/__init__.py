"""Two-way sync: linked products decided three-way by hash (``plan``, pure), chunk by chunk
(``run``): the catalog pass (``local``), pushes (``push``), outcomes (``outcome``), and Odoo's
products in no link added to the catalog (``new``).
"""

from __future__ import annotations

from odoosync.engine.sync.run import run_sync

__all__ = ["run_sync"]
