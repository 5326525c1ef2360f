"""What a fresh database holds: the ``empty`` and ``demo`` seeds.

``empty`` is a fresh Odoo 17 with product, account and stock and no demo data: categories
All / Saleable / Expenses with ids 1, 2, 3 (observation #10), the 15% sale and purchase taxes
ids 1 and 2 (#11), the units of measure of ``uom`` with the ids of #12 (ordered ``factor DESC,
id``), the company, the admin (uid 2) and the viewer (uid 6, like the probe user of #33). ``demo``
adds categories under All / Saleable, 20% and 5.5% taxes and a few products.
"""

from __future__ import annotations

from typing import Any

from odoosync.sandbox import stock
from odoosync.sandbox.auth import Account, Accounts
from odoosync.sandbox.models import build_models
from odoosync.sandbox.orm import Env
from odoosync.sandbox.store import Store
from odoosync.sandbox.writes import create_records

UOM_CATEGORIES = ["Unit", "Weight", "Working Time", "Length / Distance", "Surface", "Volume"]
#: (id, name, category id, type, factor)
UOMS: list[tuple[int, str, int, str, float]] = [
    (1, "Units", 1, "reference", 1.0),
    (2, "Dozens", 1, "bigger", 1 / 12),
    (3, "kg", 2, "reference", 1.0),
    (4, "Days", 3, "reference", 1.0),
    (5, "m", 4, "reference", 1.0),
    (6, "mm", 4, "smaller", 1000.0),
    (7, "km", 4, "bigger", 0.001),
    (8, "cm", 4, "smaller", 100.0),
    (9, "Hours", 3, "smaller", 8.0),
    (10, "L", 6, "reference", 1.0),
    (11, "t", 2, "bigger", 0.001),
    (12, "lb", 2, "smaller", 2.20462),
    (13, "g", 2, "smaller", 1000.0),
    (14, "oz", 2, "smaller", 35.274),
    (15, "ft", 4, "smaller", 3.28084),
    (16, "mi", 4, "bigger", 0.000621371),
    (17, "in", 4, "smaller", 39.3701),
    (18, "yd", 4, "smaller", 1.09361),
    (19, "m²", 5, "reference", 1.0),
    (20, "ft²", 5, "smaller", 10.7639),
    (21, "m³", 6, "bigger", 0.001),
    (22, "gal (US)", 6, "smaller", 0.264172),
    (23, "fl oz (US)", 6, "smaller", 33.814),
    (24, "qt (US)", 6, "smaller", 1.05669),
    (25, "in³", 6, "smaller", 61.0237),
    (26, "ft³", 6, "bigger", 0.0353147),
]

USERS = [
    (1, "OdooBot", "__system__", False),
    (2, "Administrator", "admin", True),
    (3, "Default User Template", "default", False),
    (4, "Public user", "public", False),
    (5, "Portal User Template", "portaltemplate", False),
    (6, "Viewer", "viewer", True),
]

DEMO_PRODUCTS: list[dict[str, Any]] = [
    {
        "name": "Wireless Mouse",
        "default_code": "DEMO-MOUSE",
        "barcode": "4006381333931",
        "list_price": 24.9,
        "standard_price": 11.0,
        "weight": 0.1,
        "categ": "Electronics",
    },
    {
        "name": "USB-C Charger 65W",
        "default_code": "DEMO-CHARGER",
        "barcode": "5901234123457",
        "list_price": 39.0,
        "standard_price": 17.5,
        "weight": 0.25,
        "categ": "Electronics",
    },
    {
        "name": "Cotton T-Shirt",
        "default_code": "DEMO-TSHIRT",
        "barcode": "0012345678905",
        "list_price": 15.0,
        "standard_price": 5.0,
        "weight": 0.2,
        "categ": "Clothing",
    },
    {
        "name": "Leather Wallet",
        "default_code": "DEMO-WALLET",
        "barcode": False,
        "list_price": 45.0,
        "standard_price": 20.0,
        "weight": 0.15,
        "categ": "Accessories",
    },
    {
        "name": "Installation Service",
        "default_code": "DEMO-INSTALL",
        "barcode": False,
        "list_price": 80.0,
        "standard_price": 0.0,
        "weight": 0.0,
        "categ": "Saleable",
        "service": True,
    },
]


def _put(store: Store, model: str, rec_id: int, values: dict[str, Any]) -> None:
    rec = {**store.specs[model].defaults, **values, "id": rec_id}
    rec.update(create_date=store.now, write_date=store.now, create_uid=1, write_uid=1)
    store.insert(model, rec)
    store.sequences[model] = max(store.sequences[model], rec_id)


def _xmlid(store: Store, module: str, name: str, model: str, res_id: int) -> None:
    _put(
        store,
        "ir.model.data",
        store.sequences["ir.model.data"] + 1,
        {"module": module, "name": name, "model": model, "res_id": res_id, "noupdate": True},
    )


def build_store(version: int, seed: str = "demo") -> Store:
    """A new store for ``version`` (16-19) holding the ``seed`` ("demo" or "empty")."""
    store = Store(version, build_models(version))
    with store.transaction():
        _base(store, version)
        if seed == "demo":
            _demo(store, version)
    store.changed = False
    return store


def _base(store: Store, version: int) -> None:
    _put(store, "res.currency", 1, {"name": "EUR", "symbol": "€", "active": False})
    _put(store, "res.currency", 2, {"name": "USD", "symbol": "$", "active": True})
    _put(
        store,
        "res.company",
        1,
        {
            "name": "My Company",
            "currency_id": 2,
            "account_sale_tax_id": 1,
            "account_purchase_tax_id": 2,
        },
    )
    for uid, name, login, active in USERS:
        _put(store, "res.users", uid, {"name": name, "login": login, "active": active})
    _xmlid(store, "base", "main_company", "res.company", 1)
    _xmlid(store, "base", "user_admin", "res.users", 2)
    if version >= 19:
        for cid, name in ((1, "Goods"), (2, "Expenses"), (3, "Services")):
            _put(store, "product.category", cid, {"name": name, "parent_id": False})
        for cid, xid in (
            (1, "product_category_goods"),
            (2, "product_category_expenses"),
            (3, "product_category_services"),
        ):
            _xmlid(store, "product", xid, "product.category", cid)
    else:
        _put(store, "product.category", 1, {"name": "All", "parent_id": False})
        _put(store, "product.category", 2, {"name": "Saleable", "parent_id": 1})
        _put(store, "product.category", 3, {"name": "Expenses", "parent_id": 1})
        for cid, xid in (
            (1, "product_category_all"),
            (2, "product_category_1"),
            (3, "cat_expense"),
        ):
            _xmlid(store, "product", xid, "product.category", cid)
    stock.seed_stock(store, _put)
    _put(store, "account.tax", 1, {"name": "15%", "amount": 15.0, "type_tax_use": "sale"})
    _put(store, "account.tax", 2, {"name": "15%", "amount": 15.0, "type_tax_use": "purchase"})
    for cid, name in enumerate(UOM_CATEGORIES, start=1):
        _put(store, "uom.category", cid, {"name": name})
    for uom_id, name, categ, utype, factor in UOMS:
        values: dict[str, Any] = {"name": name, "uom_type": utype, "factor": factor}
        if version < 19:
            values["category_id"] = categ
        _put(store, "uom.uom", uom_id, values)
    _xmlid(store, "uom", "product_uom_unit", "uom.uom", 1)
    _xmlid(store, "uom", "product_uom_kgm", "uom.uom", 3)
    for model_id, (name, spec) in enumerate(sorted(store.specs.items()), start=1):
        _put(
            store,
            "ir.model",
            model_id,
            {"name": spec.description, "model": name, "state": "base", "transient": False},
        )
        for fname, fdef in store.fields(name).items():
            _put(
                store,
                "ir.model.fields",
                store.sequences["ir.model.fields"] + 1,
                {
                    "name": fname,
                    "model": name,
                    "model_id": model_id,
                    "state": "base",
                    "field_description": fdef.get("string", fname),
                    "ttype": fdef["type"],
                    "relation": fdef.get("relation", False),
                    "required": bool(fdef.get("required")),
                    "readonly": bool(fdef.get("readonly")),
                    "store": bool(fdef.get("store", True)),
                },
            )


def _demo(store: Store, version: int) -> None:
    root, saleable = (1, 1) if version >= 19 else (1, 2)
    categ_ids = {"Saleable": saleable}
    for offset, name in enumerate(("Electronics", "Clothing", "Accessories")):
        cid = 4 + offset
        _put(store, "product.category", cid, {"name": name, "parent_id": saleable})
        categ_ids[name] = cid
    del root
    for tax_id, name, amount, use in (
        (3, "20%", 20.0, "sale"),
        (4, "20%", 20.0, "purchase"),
        (5, "5.5%", 5.5, "sale"),
        (6, "5.5%", 5.5, "purchase"),
    ):
        _put(store, "account.tax", tax_id, {"name": name, "amount": amount, "type_tax_use": use})
    env = Env(store, 2, {}, "admin")
    for product in DEMO_PRODUCTS:
        vals = {k: v for k, v in product.items() if k not in {"categ", "service"}}
        vals["categ_id"] = categ_ids[product["categ"]]
        if product.get("service"):
            vals["type"] = "service"
        create_records(env, "product.template", [vals])


def seed_accounts(accounts: Accounts) -> None:
    """admin/admin (uid 2, every right) and viewer/viewer (uid 6, an internal user)."""
    accounts.add(Account(2, "admin", "admin", "admin"))
    accounts.add(Account(6, "viewer", "viewer", "user"))
