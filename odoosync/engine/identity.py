"""How odoosync names what it creates in Odoo: external ids (ir.model.data records), created in
the same call as their record so a lost answer never creates it twice.

- ``<module>.product_<name>``: a simple product's product.template;
- ``<module>.template_<name>``: the template of a group of variant rows (SPEC §7.2);
- ``<module>.variant_<name>``: a variant row's product.product;
- ``<module>.vendor_<name>``: a row's managed product.supplierinfo.

Every kind goes through :func:`safe_name`, the one place a catalog key becomes part of an
external id name, and that mapping is injective (issue 11 item 1): a key made only of
``[A-Za-z0-9_.-]`` keeps the name it always had (``product_<key>``); any other key (spaces,
``/``, Cyrillic, CJK...) gets its odd characters replaced by ``_`` *and* a digest of the whole
key appended (``product_A_1_h0c3f9e12ab``), so ``A 1``, ``A/1`` and ``A_1`` are three products. A
safe key that already ends the way a digest suffix does gets a digest too, so no safe key can take
another key's name; two keys share a name only if their SHA-256 digests share 40 bits.

Before this, every odd character became ``_`` (:func:`legacy_external_id_name`): installs made
then have such names in Odoo and in their links; :func:`legacy_external_id_name` lets the
look-ups still find them, so an upgrade never creates a product twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from odoosync.engine.odoo_side import PRODUCT_MODEL
from odoosync.odoo.client import OdooClient

PRODUCT_PREFIX = "product_"
TEMPLATE_PREFIX = "template_"
VARIANT_PREFIX = "variant_"
VENDOR_PREFIX = "vendor_"

_UNSAFE = re.compile(r"[^A-Za-z0-9_.\-]")
_SAFE = re.compile(r"[A-Za-z0-9_.\-]+")
#: the suffix a digest adds: ``_h`` and 10 hex digits
_DIGEST_SUFFIX = re.compile(r"_h[0-9a-f]{10}$")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def is_plain_key(key: str) -> bool:
    """A key that is its own name part (no digest suffix)."""
    return bool(_SAFE.fullmatch(key)) and not _DIGEST_SUFFIX.search(key)


def safe_name(key: str) -> str:
    """A catalog key as part of an external id name: the key itself when it is plain, else its
    odd characters as ``_`` and ``_h<digest of the key>`` (injective; see the module's text)."""
    if is_plain_key(key):
        return key
    return f"{_UNSAFE.sub('_', key)}_h{_digest(key)}"


def external_id_name(key: str) -> str:
    """The ir.model.data ``name`` of a product: ``product_<safe_name(key)>``."""
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


def legacy_external_id_name(key: str) -> str | None:
    """The name versions before the digest suffix gave a key that now gets one (``product_<key>``
    with odd characters as ``_``), or None when the name did not change."""
    old = PRODUCT_PREFIX + _UNSAFE.sub("_", key)
    return None if old == external_id_name(key) else old


def external_id(module: str, key: str) -> str:
    """The complete external id of a product: ``<module>.<external_id_name(key)>``."""
    return f"{module}.{external_id_name(key)}"


def key_of_name(name: str, prefix: str = PRODUCT_PREFIX) -> str | None:
    """The key an external id name spells out (``product_<key>`` of a plain key); None for a
    digest name (the key cannot be read back from it) or another kind of name."""
    if not name.startswith(prefix):
        return None
    key = name[len(prefix) :]
    return key if key and is_plain_key(key) else None


def external_names(client: OdooClient, module: str, ids: Sequence[int]) -> dict[int, str]:
    """``{template id: name}`` of the templates' external ids ``<module>.product_...`` (the
    oldest one of a template that has several)."""
    if not ids:
        return {}
    rows = client.search_read(
        "ir.model.data",
        [("model", "=", PRODUCT_MODEL), ("module", "=", module), ("res_id", "in", list(ids))],
        ["name", "res_id"],
    )
    names: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: int(r.get("id", 0))):
        name = str(row.get("name") or "")
        if name.startswith(PRODUCT_PREFIX) and len(name) > len(PRODUCT_PREFIX):
            names.setdefault(int(row["res_id"]), name)
    return names
