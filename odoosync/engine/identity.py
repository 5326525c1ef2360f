"""How odoosync names the products it creates in Odoo: the external id (ir.model.data record)
``<module>.product_<key>`` that links a catalog key to its product.template, created in the same
call as the product so a lost answer never creates it twice."""

from __future__ import annotations

import re
from collections.abc import Sequence

from odoosync.engine.odoo_side import PRODUCT_MODEL
from odoosync.odoo.client import OdooClient

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


def external_id_name(key: str) -> str:
    """The ir.model.data ``name`` of a product: ``product_<key>`` (spaces and odd characters
    become ``_``: external ids cannot contain spaces)."""
    return "product_" + _UNSAFE.sub("_", key)


def external_id(module: str, key: str) -> str:
    """The complete external id of a product: ``<module>.product_<key>``."""
    return f"{module}.{external_id_name(key)}"


def external_keys(client: OdooClient, module: str, ids: Sequence[int]) -> dict[int, str]:
    """``{template id: key}`` for templates with an external id ``<module>.product_<key>``."""
    if not ids:
        return {}
    rows = client.search_read(
        "ir.model.data",
        [("model", "=", PRODUCT_MODEL), ("module", "=", module), ("res_id", "in", list(ids))],
        ["name", "res_id"],
    )
    keys: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: int(r.get("id", 0))):
        name = str(row.get("name") or "")
        if name.startswith("product_") and len(name) > len("product_"):
            keys.setdefault(int(row["res_id"]), name[len("product_") :])
    return keys
