"""Models of a catalog with variants, stock and vendors (SPEC §7, variants-stock observations).

Attributes and their values, the template's attribute lines and the per-template values that
carry ``price_extra``; partners and vendor prices (``product.supplierinfo``); warehouses,
locations, quants and stock moves. Written from Odoo 17's sources (``product``, ``stock``),
limited to the fields a sync client reads or writes; ``fields_get`` of ``product.attribute`` and
``stock.quant`` follows observations #5 and #26.
"""

from __future__ import annotations

from typing import Any

from odoosync.sandbox.specs import FieldDef, ModelSpec
from odoosync.sandbox.specs import field_def as _f
from odoosync.sandbox.specs import magic_fields as _magic

CREATE_VARIANT = [
    ["always", "Instantly"],
    ["dynamic", "Dynamically"],
    ["no_variant", "Never (option)"],
]
DISPLAY_TYPE = [
    ["radio", "Radio"],
    ["pills", "Pills"],
    ["select", "Select"],
    ["color", "Color"],
    ["multi", "Multi-checkbox (option)"],
]
LOCATION_USAGE = [
    ["supplier", "Vendor Location"],
    ["view", "View"],
    ["internal", "Internal Location"],
    ["customer", "Customer Location"],
    ["inventory", "Inventory Loss"],
    ["production", "Production"],
    ["transit", "Transit Location"],
]
MOVE_STATE = [
    ["draft", "New"],
    ["waiting", "Waiting Another Move"],
    ["confirmed", "Waiting Availability"],
    ["partially_available", "Partially Available"],
    ["assigned", "Available"],
    ["done", "Done"],
    ["cancel", "Cancelled"],
]
INVENTORY_GROUPS = ("Administration/Settings", "Inventory/Administrator")


def _ro(ftype: str, string: str, **extra: Any) -> FieldDef:
    return _f(ftype, string, readonly=True, **extra)


def _attribute_fields(version: int) -> dict[str, FieldDef]:
    """19 has ``active`` (archived attributes leave searches); 17 has none."""
    active = {"active": _f("boolean", "Active")} if version >= 19 else {}
    return {
        **_magic(),
        **active,
        "name": _f("char", "Attribute", required=True),
        "create_variant": _f(
            "selection", "Variant Creation", required=True, selection=CREATE_VARIANT
        ),
        "display_type": _f("selection", "Display Type", required=True, selection=DISPLAY_TYPE),
        "sequence": _f("integer", "Sequence"),
        "value_ids": _f("one2many", "Values", relation="product.attribute.value"),
        "attribute_line_ids": _f("one2many", "Lines", relation="product.template.attribute.line"),
        "product_tmpl_ids": _ro("many2many", "Related Products", relation="product.template"),
        "number_related_products": _ro("integer", "Number Related Products", store=False),
    }


def _value_fields() -> dict[str, FieldDef]:
    return {
        **_magic(),
        "name": _f("char", "Value", required=True),
        "attribute_id": _f("many2one", "Attribute", relation="product.attribute", required=True),
        "sequence": _f("integer", "Sequence"),
        "default_extra_price": _f("float", "Default Extra Price"),
        "is_custom": _f("boolean", "Is custom value"),
        "html_color": _f("char", "Color"),
        "color": _f("integer", "Color Index"),
        "display_type": _ro("selection", "Display Type", selection=DISPLAY_TYPE, store=False),
        "pav_attribute_line_ids": _ro(
            "many2many", "Lines", relation="product.template.attribute.line", store=False
        ),
        "is_used_on_products": _ro("boolean", "Used on Products", store=False),
    }


def _line_fields() -> dict[str, FieldDef]:
    return {
        **_magic(),
        "active": _f("boolean", "Active"),
        "product_tmpl_id": _f(
            "many2one", "Product Template", relation="product.template", required=True
        ),
        "sequence": _f("integer", "Sequence"),
        "attribute_id": _f("many2one", "Attribute", relation="product.attribute", required=True),
        "value_ids": _f("many2many", "Values", relation="product.attribute.value", required=True),
        "value_count": _ro("integer", "Value Count"),
        "product_template_value_ids": _f(
            "one2many", "Product Attribute Values", relation="product.template.attribute.value"
        ),
    }


def _ptav_fields() -> dict[str, FieldDef]:
    return {
        **_magic(),
        "ptav_active": _f("boolean", "Active"),
        "name": _ro("char", "Value", store=False),
        "product_attribute_value_id": _f(
            "many2one", "Attribute Value", relation="product.attribute.value", required=True
        ),
        "attribute_line_id": _f(
            "many2one",
            "Attribute Line",
            relation="product.template.attribute.line",
            required=True,
        ),
        "price_extra": _f("float", "Value Price Extra"),
        "product_tmpl_id": _ro("many2one", "Product Template", relation="product.template"),
        "attribute_id": _ro("many2one", "Attribute", relation="product.attribute"),
        "ptav_product_variant_ids": _ro(
            "many2many", "Related Variants", relation="product.product"
        ),
        "html_color": _ro("char", "HTML Color Index", store=False),
        "is_custom": _ro("boolean", "Is custom value", store=False),
        "display_type": _ro("selection", "Display Type", selection=DISPLAY_TYPE, store=False),
        "color": _f("integer", "Color"),
    }


def _partner_fields() -> dict[str, FieldDef]:
    return {
        **_magic(),
        "name": _f("char", "Name"),
        "complete_name": _ro("char", "Complete Name"),
        "is_company": _f("boolean", "Is a Company"),
        "parent_id": _f("many2one", "Related Company", relation="res.partner"),
        "active": _f("boolean", "Active"),
        "ref": _f("char", "Reference"),
        "email": _f("char", "Email"),
        "phone": _f("char", "Phone"),
        "company_id": _f("many2one", "Company", relation="res.company"),
        "supplier_rank": _f("integer", "Supplier Rank"),
        "customer_rank": _f("integer", "Customer Rank"),
    }


def _supplierinfo_fields() -> dict[str, FieldDef]:
    return {
        **_magic(),
        "partner_id": _f("many2one", "Vendor", relation="res.partner", required=True),
        "product_name": _f("char", "Vendor Product Name"),
        "product_code": _f("char", "Vendor Product Code"),
        "sequence": _f("integer", "Sequence"),
        "product_uom": _ro("many2one", "Unit of Measure", relation="uom.uom", store=False),
        "min_qty": _f("float", "Quantity", required=True),
        "price": _f("float", "Price", required=True),
        "company_id": _f("many2one", "Company", relation="res.company"),
        "currency_id": _f("many2one", "Currency", relation="res.currency", required=True),
        "date_start": _f("date", "Start Date"),
        "date_end": _f("date", "End Date"),
        "product_id": _f("many2one", "Product Variant", relation="product.product"),
        "product_tmpl_id": _f("many2one", "Product Template", relation="product.template"),
        "product_variant_count": _ro("integer", "Variant Count", store=False),
        "delay": _f("integer", "Delivery Lead Time", required=True),
    }


def _warehouse_fields() -> dict[str, FieldDef]:
    return {
        **_magic(),
        "name": _f("char", "Warehouse", required=True),
        "code": _f("char", "Short Name", required=True),
        "active": _f("boolean", "Active"),
        "company_id": _f("many2one", "Company", relation="res.company", required=True),
        "partner_id": _f("many2one", "Address", relation="res.partner"),
        "view_location_id": _f(
            "many2one", "View Location", relation="stock.location", required=True
        ),
        "lot_stock_id": _f("many2one", "Location Stock", relation="stock.location", required=True),
        "sequence": _f("integer", "Sequence"),
    }


def _location_fields() -> dict[str, FieldDef]:
    return {
        **_magic(),
        "name": _f("char", "Location Name", required=True),
        "complete_name": _ro("char", "Full Location Name"),
        "active": _f("boolean", "Active"),
        "usage": _f("selection", "Location Type", required=True, selection=LOCATION_USAGE),
        "location_id": _f("many2one", "Parent Location", relation="stock.location"),
        "child_ids": _ro("one2many", "Contains", relation="stock.location", store=False),
        "company_id": _f("many2one", "Company", relation="res.company"),
        "barcode": _f("char", "Barcode"),
        "warehouse_id": _ro("many2one", "Warehouse", relation="stock.warehouse"),
        "quant_ids": _ro("one2many", "Quant", relation="stock.quant", store=False),
    }


def _quant_fields() -> dict[str, FieldDef]:
    return {
        **_magic(),
        "product_id": _f("many2one", "Product", relation="product.product", required=True),
        "product_tmpl_id": _ro("many2one", "Product Template", relation="product.template"),
        "product_uom_id": _ro("many2one", "Unit of Measure", relation="uom.uom"),
        "priority": _ro("selection", "Priority", selection=[["0", "Normal"], ["1", "Urgent"]]),
        "company_id": _ro("many2one", "Company", relation="res.company"),
        "location_id": _f("many2one", "Location", relation="stock.location", required=True),
        "warehouse_id": _ro("many2one", "Warehouse", relation="stock.warehouse"),
        "storage_category_id": _ro(
            "many2one", "Storage Category", relation="stock.storage.category"
        ),
        "cyclic_inventory_frequency": _ro("integer", "Inventory Frequency"),
        "lot_id": _f("many2one", "Lot/Serial Number", relation="stock.lot"),
        "package_id": _f("many2one", "Package", relation="stock.quant.package"),
        "owner_id": _f("many2one", "Owner", relation="res.partner"),
        "quantity": _ro("float", "Quantity"),
        "reserved_quantity": _ro("float", "Reserved Quantity"),
        "available_quantity": _ro("float", "Available Quantity", store=False),
        "in_date": _ro("datetime", "Incoming Date"),
        "inventory_quantity": _f("float", "Counted Quantity"),
        "inventory_diff_quantity": _ro("float", "Difference"),
        "inventory_date": _f("date", "Scheduled Date"),
        "last_count_date": _ro("date", "Last Count Date", store=False),
        "inventory_quantity_set": _f("boolean", "Inventory Quantity Set"),
        "is_outdated": _ro("boolean", "Quantity has been moved since last count", store=False),
        "user_id": _f("many2one", "Assigned To", relation="res.users"),
    }


def _move_fields() -> dict[str, FieldDef]:
    return {
        **_magic(),
        "name": _f("char", "Description", required=True),
        "reference": _ro("char", "Reference"),
        "product_id": _f("many2one", "Product", relation="product.product", required=True),
        "product_uom_qty": _f("float", "Demand"),
        "quantity": _f("float", "Quantity"),
        "product_uom": _f("many2one", "UoM", relation="uom.uom", required=True),
        "location_id": _f("many2one", "Source Location", relation="stock.location", required=True),
        "location_dest_id": _f(
            "many2one", "Destination Location", relation="stock.location", required=True
        ),
        "state": _ro("selection", "Status", selection=MOVE_STATE),
        "is_inventory": _f("boolean", "Inventory"),
        "date": _f("datetime", "Date Scheduled", required=True),
        "company_id": _f("many2one", "Company", relation="res.company", required=True),
    }


def catalog_specs(version: int, product_groups: tuple[str, ...]) -> list[ModelSpec]:
    """The variant, vendor and stock models of Odoo ``version``."""
    return [
        ModelSpec(
            "product.attribute",
            "Product Attribute",
            "sequence, id",
            _attribute_fields(version),
            product_groups,
            defaults={
                "create_variant": "always",
                "display_type": "radio",
                # observed: a new attribute's sequence is 0 on 17, 20 on 19
                "sequence": 20 if version >= 19 else 0,
                **({"active": True} if version >= 19 else {}),
            },
        ),
        ModelSpec(
            "product.attribute.value",
            "Attribute Value",
            "attribute_id, sequence, id",
            _value_fields(),
            product_groups,
            defaults={"sequence": 0, "default_extra_price": 0.0, "is_custom": False},
        ),
        ModelSpec(
            "product.template.attribute.line",
            "Product Template Attribute Line",
            "sequence, attribute_id, id",
            _line_fields(),
            product_groups,
            defaults={"active": True, "sequence": 10},
        ),
        ModelSpec(
            "product.template.attribute.value",
            "Product Template Attribute Value",
            "attribute_line_id, product_attribute_value_id, id",
            _ptav_fields(),
            product_groups,
            defaults={"ptav_active": True, "price_extra": 0.0},
        ),
        ModelSpec(
            "res.partner",
            "Contact",
            "complete_name ASC, id DESC",
            _partner_fields(),
            ("Administration/Settings", "Extra Rights/Contact Creation"),
            user_rights=frozenset({"read", "write", "create"}),
            defaults={"active": True, "is_company": False, "supplier_rank": 0, "customer_rank": 0},
        ),
        ModelSpec(
            "product.supplierinfo",
            "Supplier Pricelist",
            "sequence, min_qty DESC, price, id",
            _supplierinfo_fields(),
            ("Administration/Settings", "Purchase/Administrator")
            if version < 19
            else product_groups,
            defaults={
                "sequence": 1,
                "min_qty": 0.0,
                "price": 0.0,
                "delay": 1,
                "company_id": 1,
                "currency_id": 2,
            },
        ),
        ModelSpec(
            "stock.warehouse",
            "Warehouse",
            "sequence,id",
            _warehouse_fields(),
            INVENTORY_GROUPS,
            defaults={"active": True, "company_id": 1, "sequence": 10},
        ),
        ModelSpec(
            "stock.location",
            "Inventory Locations",
            "complete_name, id",
            _location_fields(),
            INVENTORY_GROUPS,
            parent_field="location_id",
            defaults={"active": True, "usage": "internal"},
        ),
        ModelSpec(
            "stock.quant",
            "Quants",
            "id",
            _quant_fields(),
            INVENTORY_GROUPS,
            defaults={"quantity": 0.0, "reserved_quantity": 0.0, "inventory_quantity": 0.0},
        ),
        ModelSpec(
            "stock.move",
            "Stock Move",
            "id",
            _move_fields(),
            INVENTORY_GROUPS,
            defaults={"company_id": 1, "product_uom": 1},
        ),
    ]
