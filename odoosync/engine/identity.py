"""How odoosync names what it creates in Odoo: external ids (ir.model.data records), created in
the same call as their record so a lost answer never creates it twice.

- ``<module>.product_<key>``: a simple product's product.template;
- ``<module>.template_<parent>``: the template of a group of variant rows (SPEC §7.2);
- ``<module>.variant_<key>``: a variant row's product.product;
- ``<module>.vendor_<key>``: a row's managed product.supplierinfo.

Every kind goes through :func:`safe_name`, the one place a catalog key becomes part of an
external id name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from odoosync.engine.odoo_side import PRODUCT_MODEL
from odoosync.odoo.client import OdooClient

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")


PRODUCT_PREFIX = "product_"
TEMPLATE_PREFIX = "template_"
VARIANT_PREFIX = "variant_"
VENDOR_PREFIX = "vendor_"


def safe_name(key: str) -> str:
    """A catalog key as part of an external id name (spaces and odd characters become ``_``:
    external ids cannot contain spaces). Every kind of external id name is built with it."""
    return _UNSAFE.sub("_", key)


def external_id_name(key: str) -> str:
    """The ir.model.data ``name`` of a product: ``product_<key>``."""
    return PRODUCT_PREFIX + safe_name(key)


def template_id_name(parent: str) -> str:
    """The ir.model.data ``name`` of a group's product.template: ``template_<parent>``."""
    return TEMPLATE_PREFIX + safe_name(parent)


def variant_id_name(key: str) -> str:
    """The ir.model.data ``name`` of a variant row's product.product: ``variant_<key>``."""
    return VARIANT_PREFIX + safe_name(key)


def vendor_id_name(key: str) -> str:
    """The ir.model.data ``name`` of a row's managed product.supplierinfo: ``vendor_<key>``."""
    return VENDOR_PREFIX + safe_name(key)


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
