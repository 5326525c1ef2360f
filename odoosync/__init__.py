"""odoosync: keep a product catalog and an Odoo ERP in step."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
