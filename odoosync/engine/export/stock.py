"""Stock levels by inventory adjustment (SPEC §7.2 "Stock"): the location, storable templates,
and one ``stock.quant`` ``create`` in inventory mode plus one ``action_apply_inventory`` per
batch — never a call per product.

``action_apply_inventory`` returns None, which Odoo's XML-RPC cannot marshal: it answers fault 1
"TypeError: cannot marshal None unless allow_none is enabled" *after* the inventory was applied
(observed on Odoo 17.0 and 19.0, odoo-variants-stock-observations.md #30). That answer is a
success here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from odoosync.errors import ConfigError, OdooFault
from odoosync.mapping.model import StockMapping
from odoosync.odoo.client import OdooClient

__all__ = ["apply_inventory", "is_none_marshal_fault", "resolve_location", "storable_values"]

INVENTORY_CONTEXT: Mapping[str, Any] = {"inventory_mode": True}


def is_none_marshal_fault(exc: OdooFault) -> bool:
    """The fault a method returning None gives over XML-RPC, after it did its work."""
    text = f"{exc.message} {exc.odoo_message or ''}"
    return "cannot marshal None" in text


def resolve_location(client: OdooClient, stock: StockMapping) -> int:
    """The id of ``[stock] location`` (complete name or id); ConfigError (exit 3) when Odoo
    has no such internal location."""
    location = stock.location
    domain: list[Any] = (
        [("id", "=", location)] if isinstance(location, int) else [("complete_name", "=", location)]
    )
    rows = client.search_read("stock.location", domain, ["id", "usage"])
    if not rows or rows[0].get("usage") != "internal":
        raise ConfigError(
            f"mapping.toml: stock.location: {location!r} is not an internal stock.location in "
            'Odoo; give its complete name (e.g. "WH/Stock") or its id.'
        )
    return int(rows[0]["id"])


def storable_values(template_fields: Mapping[str, Any]) -> dict[str, str]:
    """The ``load`` cells that make a template storable: 19+ ``is_storable``, 16-18
    ``detailed_type = "product"``."""
    if "is_storable" in template_fields:
        return {"is_storable": "1"}
    return {"detailed_type": "product"}


def apply_inventory(
    client: OdooClient, location_id: int, quantities: Sequence[tuple[int, float]]
) -> None:
    """Set the on-hand quantity of each ``(product.product id, quantity)`` at ``location_id``:
    two calls whatever the number of products."""
    if not quantities:
        return
    quant_ids = client.create(
        "stock.quant",
        [
            {"product_id": pid, "location_id": location_id, "inventory_quantity": qty}
            for pid, qty in quantities
        ],
        context=INVENTORY_CONTEXT,
    )
    try:
        client.execute("stock.quant", "action_apply_inventory", sorted(set(quant_ids)))
    except OdooFault as exc:
        if not is_none_marshal_fault(exc):
            raise
