"""The only code that speaks Odoo: transport, fault classification, retries, the client."""

from __future__ import annotations

from odoosync.odoo.client import ConnectionParams, OdooClient, ServerVersion

__all__ = ["ConnectionParams", "OdooClient", "ServerVersion"]
