"""Import: Odoo → catalog, page by page: records read, planned (``plan``, pure), the catalog
written atomically (``catalog``: the catalog side), the history recorded; ``run`` drives it.
"""

from __future__ import annotations

from odoosync.engine.imports.run import run_import

__all__ = ["run_import"]
