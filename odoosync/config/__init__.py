"""Settings: odoosync.toml read into typed, validated settings (profiles, catalog, sync,
history, schedule), each value's source, and the ``init`` template.

Modules: ``settings`` (the typed model and ``load_settings``: precedence flags > environment >
file > defaults), ``schema`` (keys per table, typed readers whose errors name
``<file>: <key path>``), ``template`` (``init``'s annotated file, ``config show``'s listing).
"""

from __future__ import annotations

from odoosync.config.settings import (
    CatalogSettings,
    Profile,
    Settings,
    SyncSettings,
    config_path_from,
    load_settings,
)

__all__ = [
    "CatalogSettings",
    "Profile",
    "Settings",
    "SyncSettings",
    "config_path_from",
    "load_settings",
]
