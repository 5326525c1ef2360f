"""Stock: the seeded warehouse and locations, quants in inventory mode, applying an inventory,
and the references that forbid deleting a product (observations #26-#32, #39).

* ``stock.quant.create`` with context ``inventory_mode`` and an ``inventory_quantity`` records a
  counted quantity on the (new or existing) quant of that product and location; only storable
  products have quants (17: ``type == 'product'``; 18+: ``is_storable``).
* ``action_apply_inventory`` moves the difference from/to the inventory-adjustment location with
  a done ``stock.move`` and returns None, which XML-RPC cannot marshal: fault 1 *after* the
  commit (#30).
* A product with stock moves (or quants) cannot be deleted: the foreign key of
  ``stock.move.product_id`` refuses, fault 2 in 17's or 19's words (#39).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from odoosync.sandbox import records
from odoosync.sandbox.faults import UserError, ValidationError
from odoosync.sandbox.orm import Env
from odoosync.sandbox.store import Store

#: fields ``create`` accepts in inventory mode (``_get_inventory_fields_create``)
INVENTORY_CREATE_FIELDS = frozenset(
    {
        "product_id",
        "location_id",
        "lot_id",
        "package_id",
        "owner_id",
        "inventory_quantity",
        "inventory_quantity_auto_apply",
        "inventory_diff_quantity",
        "inventory_date",
        "user_id",
        "inventory_quantity_set",
        "is_outdated",
    }
)
#: (id, name, parent, usage, active) of a fresh database; ``WH/Stock`` and the inventory
#: adjustment location have the ids of observation #32, the others are in creation order
LOCATIONS_17: list[tuple[int, str, int | None, str, bool]] = [
    (1, "Physical Locations", None, "view", True),
    (2, "Partners", None, "view", True),
    (3, "Virtual Locations", None, "view", True),
    (4, "Vendors", 2, "supplier", True),
    (5, "Customers", 2, "customer", True),
    (6, "Inter-company transit", 1, "transit", True),
    (7, "WH", 1, "view", True),
    (8, "Stock", 7, "internal", True),
    (9, "Input", 7, "internal", False),
    (10, "Quality Control", 7, "internal", False),
    (11, "Output", 7, "internal", False),
    (12, "Packing Zone", 7, "internal", False),
    (13, "Production", 3, "production", True),
    (14, "Inventory adjustment", 3, "inventory", True),
    (15, "Scrap", 3, "inventory", True),
]
LOCATIONS_19: list[tuple[int, str, int | None, str, bool]] = [
    (1, "Physical Locations", None, "view", True),
    (2, "Vendors", None, "supplier", True),
    (3, "Customers", None, "customer", True),
    (4, "WH", 1, "view", True),
    (5, "Stock", 4, "internal", True),
    (6, "Input", 4, "internal", False),
    (7, "Quality Control", 4, "internal", False),
    (8, "Output", 4, "internal", False),
    (9, "Packing Zone", 4, "internal", False),
    (10, "Production", None, "production", True),
    (11, "Inventory adjustment", None, "inventory", True),
    (12, "Scrap", None, "inventory", True),
]
PARTNERS = [
    (1, "My Company", True),
    (2, "OdooBot", False),
    (3, "Administrator", False),
    (4, "Public user", False),
    (5, "Default User Template", False),
    (6, "Portal User Template", False),
    (7, "Viewer", False),
]


def seed_stock(store: Store, put: Callable[[Store, str, int, dict[str, Any]], None]) -> None:
    """The partners, locations and warehouse ``WH`` of a fresh database."""
    for pid, name, company in PARTNERS:
        put(store, "res.partner", pid, {"name": name, "is_company": company, "company_id": False})
    locations = LOCATIONS_19 if store.version >= 19 else LOCATIONS_17
    for lid, name, parent, usage, active in locations:
        values = {"name": name, "location_id": parent or False, "usage": usage, "active": active}
        put(store, "stock.location", lid, values)
    view, lot_stock = (4, 5) if store.version >= 19 else (7, 8)
    put(
        store,
        "stock.warehouse",
        1,
        {
            "name": "My Company",
            "code": "WH",
            "partner_id": 1,
            "view_location_id": view,
            "lot_stock_id": lot_stock,
        },
    )


def is_storable(env: Env, variant_id: int) -> bool:
    store = env.store
    variant = store.tables["product.product"].get(variant_id) or {}
    tmpl = store.tables["product.template"].get(variant.get("product_tmpl_id") or 0) or {}
    if env.version >= 18:
        return bool(tmpl.get("is_storable"))
    return tmpl.get("type") == "product"


def create_quants(env: Env, vals_list: list[dict[str, Any]]) -> list[int]:
    """``stock.quant.create``: inventory mode sets the counted quantity (#29)."""
    store = env.store
    inventory_mode = bool(env.context.get("inventory_mode"))
    plain = env.with_context(_plain_quant_create=True)
    ids: list[int] = []
    for vals in vals_list:
        counted = {"inventory_quantity", "inventory_quantity_auto_apply"} & set(vals)
        if not (inventory_mode and counted):
            ids += records.create_records(plain, "stock.quant", [vals])
            continue
        if any(name not in INVENTORY_CREATE_FIELDS for name in vals):
            raise UserError("Quant's creation is restricted, you can't do this operation.")
        quantity = vals.get("inventory_quantity_auto_apply") or vals.get("inventory_quantity") or 0
        key = {k: vals.get(k) or False for k in ("product_id", "location_id", "lot_id")}
        key.update(
            package_id=vals.get("package_id") or False, owner_id=vals.get("owner_id") or False
        )
        product = key["product_id"]
        quants = store.tables["stock.quant"]
        candidates = (
            store.ids_where("stock.quant", "product_id", product)
            if isinstance(product, int) and not isinstance(product, bool)
            else sorted(quants)
        )
        found = [
            i for i in candidates if all((quants[i].get(k) or False) == v for k, v in key.items())
        ]
        base = {k: v for k, v in vals.items() if k in key}
        quant_id = found[0] if found else records.create_records(plain, "stock.quant", [base])[0]
        today = store.now[:10] or False
        records.write_records(
            plain,
            "stock.quant",
            [quant_id],
            {
                "inventory_quantity": quantity,
                "inventory_quantity_set": True,
                "user_id": vals.get("user_id") or env.uid,
                "inventory_date": today,
            },
        )
        ids.append(quant_id)
    check_quants(env, ids)
    return ids


def before_write(model: str, vals: Mapping[str, Any]) -> Mapping[str, Any]:
    """A quant's counted quantity written (in ``inventory_mode`` or not) marks it set, so
    ``action_apply_inventory`` moves the difference: real 17/19 set ``inventory_quantity_set``
    on ``write({"inventory_quantity": 0})`` and the apply empties the stock."""
    if (
        model == "stock.quant"
        and "inventory_quantity" in vals
        and "inventory_quantity_set" not in vals
    ):
        return {**vals, "inventory_quantity_set": True}
    return vals


def check_quants(env: Env, quant_ids: list[int]) -> None:
    """``check_product_id``: quants only for storable products."""
    quants = env.store.tables["stock.quant"]
    if any(not is_storable(env, quants[i]["product_id"]) for i in quant_ids):
        raise ValidationError("Quants cannot be created for consumables or services.")


def _inventory_location(store: Store) -> int:
    return min(
        i
        for i, r in store.tables["stock.location"].items()
        if r.get("usage") == "inventory" and r.get("name") == "Inventory adjustment"
    )


def apply_inventory(env: Env, quant_ids: list[int]) -> None:
    """``action_apply_inventory``: a done move per counted difference; returns None (#30)."""
    store = env.store
    quants = store.tables["stock.quant"]
    gone = [i for i in quant_ids if i not in quants]
    if gone:
        raise records.missing("stock.quant", gone, env.uid)
    adjustment = _inventory_location(store)
    plain = env.with_context(_plain_quant_create=True)
    for quant_id in quant_ids:
        quant = quants[quant_id]
        quantity = float(quant.get("quantity") or 0.0)
        diff = (
            float(quant.get("inventory_quantity") or 0.0) - quantity
            if quant.get("inventory_quantity_set")
            else 0.0
        )
        if diff:
            inbound = diff > 0
            product = int(quant["product_id"])
            (move,) = records.create_records(
                env,
                "stock.move",
                [
                    {
                        "name": "Product Quantity Updated",
                        "product_id": product,
                        "product_uom_qty": abs(diff),
                        "quantity": abs(diff),
                        "location_id": adjustment if inbound else quant["location_id"],
                        "location_dest_id": quant["location_id"] if inbound else adjustment,
                        "is_inventory": True,
                        "date": store.now,
                    }
                ],
            )
            store.update("stock.move", move, {"state": "done"})
            other = [
                i
                for i in store.ids_where("stock.quant", "product_id", product)
                if quants[i].get("location_id") == adjustment
            ]
            if not other:
                vals = {"product_id": product, "location_id": adjustment}
                other = records.create_records(plain, "stock.quant", [vals])
            counter = quants[other[0]]
            store.update(
                "stock.quant",
                other[0],
                {"quantity": float(counter.get("quantity") or 0.0) - diff},
            )
            store.update("stock.quant", quant_id, {"quantity": quantity + diff})
        store.update(
            "stock.quant",
            quant_id,
            {"inventory_quantity": 0.0, "inventory_quantity_set": False, "inventory_date": False},
        )


def product_referenced(env: Env, variant_id: int) -> bool:
    """Whether a stock move or quant refers to the variant (so it cannot be deleted)."""
    store = env.store
    return bool(
        store.ids_where("stock.move", "product_id", variant_id)
        or store.ids_where("stock.quant", "product_id", variant_id)
    )


def check_product_unlink(env: Env, model: str, ids: list[int]) -> None:
    """The foreign keys of ``stock_move`` / ``stock_quant`` on ``product_id`` (#39)."""
    store = env.store
    if model == "product.template":
        variant_ids = {
            v
            for t in ids
            for v in (store.tables["product.template"].get(t) or {}).get("product_variant_ids")
            or []
        }
    else:
        variant_ids = set(ids)
    for referrer, label in (("stock.move", "Stock Move"), ("stock.quant", "Quants")):
        if any(store.ids_where(referrer, "product_id", v) for v in variant_ids):
            table = referrer.replace(".", "_")
            if env.version >= 19:
                raise UserError(
                    "The operation cannot be completed: Another model is using the record you "
                    f"are trying to delete.\n\nThe troublemaker is: '{label}' ({referrer})\n"
                    "Thanks to the following constraint: 'Product' (product_id)\n"
                    "How about archiving the record instead?"
                )
            raise UserError(
                "The operation cannot be completed: another model requires the record being "
                "deleted. If possible, archive it instead.\n\n"
                f"Model: {label} ({referrer})\nConstraint: {table}_product_id_fkey\n"
            )
