"""Catalogs: one module per format behind the small :class:`Catalog` protocol."""

from __future__ import annotations

from odoosync.catalog.base import Catalog, catalog_key
from odoosync.catalog.filters import RowFilter, parse_filters
from odoosync.catalog.formats import open_catalog

__all__ = ["Catalog", "RowFilter", "catalog_key", "open_catalog", "parse_filters"]
