"""One ``product.supplierinfo`` per product managed by odoosync (SPEC §7.2 "Vendors"): created
and updated in place by ``load`` with the external id ``<module>.vendor_<key>`` in the same
call; vendor lines odoosync did not create are never touched."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from odoosync.engine.batching import BULK_CONTEXT, RowFailure, load_isolating
from odoosync.engine.export.groups import Vendor
from odoosync.engine.identity import vendor_id_name
from odoosync.odoo.client import OdooClient

__all__ = ["VendorLine", "push_vendors", "resolve_partners", "vendor_xml_id"]

COLUMNS = [
    "id",
    "partner_id/.id",
    "product_tmpl_id/.id",
    "product_id/.id",
    "price",
    "product_code",
    "min_qty",
]


def vendor_xml_id(module: str, key: str) -> str:
    return f"{module}.{vendor_id_name(key)}"


def resolve_partners(client: OdooClient, names: Iterable[str]) -> dict[str, int]:
    """``{name: res.partner id}`` for the vendor names Odoo has (one ``search_read``); a
    number is taken as an id."""
    wanted = sorted({n for n in names if n})
    found = {n: int(n) for n in wanted if n.isdigit()}
    by_name = [n for n in wanted if not n.isdigit()]
    if by_name:
        rows = client.search_read("res.partner", [("name", "in", by_name)], ["id", "name"])
        for row in sorted(rows, key=lambda r: int(r["id"])):
            found.setdefault(str(row["name"]), int(row["id"]))
    return found


@dataclass(frozen=True)
class VendorLine:
    key: str
    vendor: Vendor
    partner_id: int
    template_id: int
    product_id: int | None


def _cell(value: float | str | None) -> str:
    return "" if value is None else str(value)


def push_vendors(
    client: OdooClient, module: str, lines: Sequence[VendorLine]
) -> dict[str, RowFailure]:
    """Create or update the lines (one ``load``); the failures by key."""
    if not lines:
        return {}
    rows = [
        [
            vendor_xml_id(module, line.key),
            str(line.partner_id),
            str(line.template_id),
            _cell(line.product_id),
            _cell(line.vendor.price),
            _cell(line.vendor.code),
            _cell(line.vendor.min_qty),
        ]
        for line in lines
    ]
    outcome = load_isolating(client, "product.supplierinfo", COLUMNS, rows, context=BULK_CONTEXT)
    return {lines[i].key: failure for i, failure in outcome.failures.items()}
