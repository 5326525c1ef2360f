"""The models the sandbox serves and their field definitions, per Odoo version.

``product.template`` comes from the ``fields_get`` dumps of real servers
(``fields17_product_template.json``, ``fields19_product_template.json``; observation #32 and
odoo19-observations). 16 uses the 17 set; 18 is 17 with the 18 changes of odoo-facts §3.2
(``detailed_type`` gone, ``is_storable``, ``is_favorite``). The other models are written by hand
from Odoo 17's sources, limited to the fields a sync client touches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

FieldDef = dict[str, Any]

#: value types whose empty value reads as False (odoo-facts §4 ``read``)
RELATIONAL = frozenset({"many2one", "one2many", "many2many"})
X2MANY = frozenset({"one2many", "many2many"})


@dataclass
class ModelSpec:
    """One model: name, description (the ACL messages' document kind), fields, order."""

    name: str
    description: str
    order: str
    fields: dict[str, FieldDef]
    #: groups named in access-denied messages for create/write/unlink (observation #36)
    manager_groups: tuple[str, ...] = ("Administration/Settings",)
    #: what an internal user (base.group_user) may do: subset of read/write/create/unlink
    user_rights: frozenset[str] = frozenset({"read"})
    parent_field: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)

    @property
    def has_active(self) -> bool:
        return "active" in self.fields


def _f(ftype: str, string: str, **extra: Any) -> FieldDef:
    out: FieldDef = {"type": ftype, "string": string, "required": False, "readonly": False}
    out.update(extra)
    return out


def _magic() -> dict[str, FieldDef]:
    return {
        "id": _f("integer", "ID", readonly=True),
        "display_name": _f("char", "Display Name", readonly=True, store=False),
        "create_date": _f("datetime", "Created on", readonly=True),
        "create_uid": _f("many2one", "Created by", relation="res.users", readonly=True),
        "write_date": _f("datetime", "Last Updated on", readonly=True),
        "write_uid": _f("many2one", "Last Updated by", relation="res.users", readonly=True),
    }


#: template fields that are computed without inverse (writes are ignored; fields_get readonly)
TEMPLATE_READONLY = frozenset(
    {
        "id",
        "display_name",
        "create_date",
        "create_uid",
        "write_date",
        "write_uid",
        "qty_available",
        "virtual_available",
        "incoming_qty",
        "outgoing_qty",
        "product_variant_count",
        "product_variant_id",
        "uom_name",
        "weight_uom_name",
        "volume_uom_name",
        "has_configurable_attributes",
        "is_product_variant",
        "nbr_moves_in",
        "nbr_moves_out",
        "nbr_reordering_rules",
        "reordering_min_qty",
        "reordering_max_qty",
        "pricelist_item_count",
        "product_document_count",
        "tax_string",
        "fiscal_country_codes",
        "cost_currency_id",
        "currency_id",
        "cost_method",
        "valuation",
        "has_message",
        "message_is_follower",
        "message_needaction",
        "message_needaction_counter",
        "message_has_error",
        "message_has_error_counter",
        "message_attachment_count",
        "message_has_sms_error",
        "activity_state",
        "activity_date_deadline",
        "my_activity_date_deadline",
        "activity_exception_decoration",
        "activity_exception_icon",
        "activity_type_icon",
        "activity_summary",
        "product_tooltip",
        "show_on_hand_qty_status_button",
        "show_forecasted_qty_status_button",
        "has_available_route_ids",
        "image_1024",
        "image_512",
        "image_256",
        "image_128",
        "can_image_1024_be_zoomed",
        "valid_product_template_attribute_line_ids",
        "show_qty_update_button",
        "is_dynamically_created",
    }
)

#: computed or related template fields without a column (``store=False`` in Odoo 17's
#: product, account and stock ``product.template``; ``_description_store``)
TEMPLATE_NOT_STORED = frozenset(
    {
        "display_name",
        "barcode",
        "standard_price",
        "qty_available",
        "virtual_available",
        "incoming_qty",
        "outgoing_qty",
        "product_variant_id",
        "product_variant_count",
        "uom_name",
        "weight_uom_name",
        "volume_uom_name",
        "currency_id",
        "cost_currency_id",
        "cost_method",
        "valuation",
        "tax_string",
        "fiscal_country_codes",
        "pricelist_item_count",
        "product_document_count",
        "nbr_moves_in",
        "nbr_moves_out",
        "nbr_reordering_rules",
        "reordering_min_qty",
        "reordering_max_qty",
        "product_tooltip",
        "show_on_hand_qty_status_button",
        "show_forecasted_qty_status_button",
        "has_available_route_ids",
        "route_from_categ_ids",
        "valid_product_template_attribute_line_ids",
        "has_message",
        "message_is_follower",
        "message_needaction",
        "message_needaction_counter",
        "message_has_error",
        "message_has_error_counter",
        "message_attachment_count",
        "message_has_sms_error",
        "message_partner_ids",
        "activity_state",
        "activity_user_id",
        "activity_type_id",
        "activity_type_icon",
        "activity_date_deadline",
        "my_activity_date_deadline",
        "activity_summary",
        "activity_exception_decoration",
        "activity_exception_icon",
    }
)
#: ``company_dependent=True`` fields per model (ir.property in <=17: no column, store False)
COMPANY_DEPENDENT: dict[str, frozenset[str]] = {
    "product.template": frozenset(
        {
            "property_account_income_id",
            "property_account_expense_id",
            "property_stock_production",
            "property_stock_inventory",
            "responsible_id",
        }
    ),
    "product.product": frozenset({"standard_price"}),
    "product.category": frozenset({"property_cost_method", "property_valuation"}),
}

SELECTIONS_17: dict[str, list[list[str]]] = {
    "detailed_type": [
        ["consu", "Consumable"],
        ["service", "Service"],
        ["product", "Storable Product"],
    ],
    "type": [["consu", "Consumable"], ["service", "Service"], ["product", "Storable Product"]],
    "tracking": [
        ["serial", "By Unique Serial Number"],
        ["lot", "By Lots"],
        ["none", "No Tracking"],
    ],
    "priority": [["0", "Normal"], ["1", "Favorite"]],
    "cost_method": [
        ["standard", "Standard Price"],
        ["fifo", "First In First Out (FIFO)"],
        ["average", "Average Cost (AVCO)"],
    ],
    "valuation": [["manual_periodic", "Manual"], ["real_time", "Automated"]],
    "activity_state": [["overdue", "Overdue"], ["today", "Today"], ["planned", "Planned"]],
    "activity_exception_decoration": [["warning", "Alert"], ["danger", "Error"]],
}

SELECTIONS_18 = {
    **{k: v for k, v in SELECTIONS_17.items() if k not in {"detailed_type", "priority"}},
    "type": [["consu", "Goods"], ["service", "Service"], ["combo", "Combo"]],
    "service_tracking": [["no", "Nothing"]],
}


def _load_json(name: str) -> dict[str, FieldDef]:
    text = resources.files("odoosync.sandbox").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, FieldDef] = json.loads(text)
    return data


def template_fields(version: int) -> dict[str, FieldDef]:
    """``product.template`` fields as ``fields_get`` shows them (observation #32)."""
    raw = _load_json(
        "fields19_product_template.json" if version >= 19 else "fields17_product_template.json"
    )
    if version == 18:
        raw = {k: v for k, v in raw.items() if k not in {"detailed_type", "priority"}}
        raw["type"] = {"required": True, "string": "Product Type", "type": "selection"}
        raw["is_storable"] = {"required": False, "string": "Track Inventory", "type": "boolean"}
        raw["is_favorite"] = {"required": False, "string": "Favorite", "type": "boolean"}
    selections = SELECTIONS_18 if version >= 18 else SELECTIONS_17
    out: dict[str, FieldDef] = {}
    for name, spec in raw.items():
        fdef = dict(spec)
        fdef["readonly"] = name in TEMPLATE_READONLY
        fdef.setdefault("store", name not in TEMPLATE_NOT_STORED)
        if name in selections:
            fdef["selection"] = selections[name]
        elif fdef["type"] == "selection":
            fdef["selection"] = []
        out[name] = fdef
    return out


def variant_fields(version: int) -> dict[str, FieldDef]:
    """``product.product``'s own fields; the template's come by delegation (odoo-facts §3.1)."""
    own = {
        **_magic(),
        "product_tmpl_id": _f(
            "many2one", "Product Template", relation="product.template", required=True
        ),
        "barcode": _f("char", "Barcode"),
        "default_code": _f("char", "Internal Reference"),
        "active": _f("boolean", "Active"),
        "lst_price": _f("float", "Sales Price"),
        "price_extra": _f("float", "Variant Price Extra", readonly=True),
        "standard_price": _f("float", "Cost"),
        "weight": _f("float", "Weight"),
        "volume": _f("float", "Volume"),
        "image_variant_1920": _f("binary", "Variant Image"),
        "combination_indices": _f("char", "Combination Indices", readonly=True),
        "is_product_variant": _f("boolean", "Is Product Variant", readonly=True),
        "product_template_attribute_value_ids": _f(
            "many2many", "Attribute Values", relation="product.template.attribute.value"
        ),
    }
    if version >= 18:
        own["is_favorite"] = _f("boolean", "Favorite")
    return own


def build_models(version: int) -> dict[str, ModelSpec]:
    """Every model the sandbox knows, for ``version`` (16-19)."""
    product_groups: tuple[str, ...] = (
        ("Products/Create",)
        if version >= 19
        else ("Administration/Settings", "Inventory/Administrator")
    )
    tmpl = template_fields(version)
    tmpl_order = "is_favorite desc, name" if version >= 18 else "priority desc, name"
    if version >= 19:
        prod_order = "default_code, name, id"
    elif version == 18:
        prod_order = "is_favorite desc, default_code, name, id"
    else:
        prod_order = "priority desc, default_code, name, id"
    group_field = "group_ids" if version >= 19 else "groups_id"
    specs = [
        ModelSpec("product.template", "Product", tmpl_order, tmpl, product_groups),
        ModelSpec(
            "product.product",
            "Product Variant",
            prod_order,
            variant_fields(version),
            product_groups,
        ),
        ModelSpec(
            "product.category",
            "Product Category",
            "complete_name",
            {
                **_magic(),
                "name": _f("char", "Name", required=True),
                "complete_name": _f("char", "Complete Name", readonly=True),
                "parent_id": _f("many2one", "Parent Category", relation="product.category"),
                "parent_path": _f("char", "Parent Path", readonly=True),
                "child_id": _f("one2many", "Child Categories", relation="product.category"),
                "product_count": _f("integer", "# Products", readonly=True, store=False),
                "property_cost_method": _f(
                    "selection", "Costing Method", selection=SELECTIONS_17["cost_method"]
                ),
                "property_valuation": _f(
                    "selection", "Inventory Valuation", selection=SELECTIONS_17["valuation"]
                ),
            },
            ("Administration/Settings", "Inventory/Administrator"),
            parent_field="parent_id",
        ),
        ModelSpec(
            "account.tax",
            "Tax",
            "sequence, id",
            {
                **_magic(),
                "name": _f("char", "Tax Name", required=True),
                "amount": _f("float", "Amount", required=True),
                "amount_type": _f(
                    "selection",
                    "Tax Computation",
                    required=True,
                    selection=[
                        ["group", "Group of Taxes"],
                        ["fixed", "Fixed"],
                        ["percent", "Percentage of Price"],
                        ["division", "Percentage of Price Tax Included"],
                    ],
                ),
                "type_tax_use": _f(
                    "selection",
                    "Tax Type",
                    required=True,
                    selection=[["sale", "Sales"], ["purchase", "Purchases"], ["none", "None"]],
                ),
                "price_include": _f("boolean", "Included in Price"),
                "include_base_amount": _f("boolean", "Affect Base of Subsequent Taxes"),
                "company_id": _f("many2one", "Company", relation="res.company", required=True),
                "active": _f("boolean", "Active"),
                "sequence": _f("integer", "Sequence"),
                "description": _f("char", "Label on Invoices"),
            },
            ("Administration/Settings", "Invoicing/Administrator"),
        ),
        ModelSpec(
            "uom.category",
            "Product UoM Categories",
            "name",
            {**_magic(), "name": _f("char", "Unit of Measure Category", required=True)},
        ),
        ModelSpec(
            "uom.uom",
            "Product Unit of Measure",
            "factor DESC, id" if version < 19 else "sequence, id",
            {
                **_magic(),
                "name": _f("char", "Unit of Measure", required=True),
                **(
                    {
                        "category_id": _f(
                            "many2one", "Category", relation="uom.category", required=True
                        )
                    }
                    if version < 19
                    else {
                        "relative_uom_id": _f("many2one", "Reference Unit", relation="uom.uom"),
                        "relative_factor": _f("float", "Contains"),
                        "sequence": _f("integer", "Sequence"),
                    }
                ),
                "uom_type": _f(
                    "selection",
                    "Type",
                    selection=[
                        ["bigger", "Bigger than the reference Unit of Measure"],
                        ["reference", "Reference Unit of Measure for this category"],
                        ["smaller", "Smaller than the reference Unit of Measure"],
                    ],
                ),
                "factor": _f("float", "Ratio"),
                "factor_inv": _f("float", "Bigger Ratio", readonly=True),
                "rounding": _f("float", "Rounding Precision"),
                "active": _f("boolean", "Active"),
            },
        ),
        ModelSpec(
            "res.currency",
            "Currency",
            "active desc, name",
            {
                **_magic(),
                "name": _f("char", "Currency", required=True),
                "symbol": _f("char", "Symbol"),
                "active": _f("boolean", "Active"),
            },
        ),
        ModelSpec(
            "res.company",
            "Companies",
            "sequence, name",
            {
                **_magic(),
                "name": _f("char", "Company Name", required=True),
                "currency_id": _f("many2one", "Currency", relation="res.currency", required=True),
                "sequence": _f("integer", "Sequence"),
                "active": _f("boolean", "Active"),
                "account_sale_tax_id": _f("many2one", "Default Sale Tax", relation="account.tax"),
                "account_purchase_tax_id": _f(
                    "many2one", "Default Purchase Tax", relation="account.tax"
                ),
            },
        ),
        ModelSpec(
            "res.users",
            "User",
            "name, login",
            {
                **_magic(),
                "name": _f("char", "Name", required=True),
                "login": _f("char", "Login", required=True),
                "active": _f("boolean", "Active"),
                "company_id": _f("many2one", "Company", relation="res.company", required=True),
                "company_ids": _f("many2many", "Companies", relation="res.company"),
                group_field: _f("many2many", "Groups", relation="res.groups"),
                **(
                    {"all_group_ids": _f("many2many", "All Groups", relation="res.groups")}
                    if version >= 19
                    else {}
                ),
                "share": _f("boolean", "Share User", readonly=True),
                "lang": _f("selection", "Language", selection=[["en_US", "English (US)"]]),
                "tz": _f("selection", "Timezone", selection=[]),
            },
            ("Administration/Access Rights",),
        ),
        ModelSpec(
            "ir.model",
            "Models",
            "model",
            {
                **_magic(),
                "name": _f("char", "Model Description", required=True),
                "model": _f("char", "Model", required=True),
                "state": _f(
                    "selection",
                    "Type",
                    selection=[["manual", "Custom Object"], ["base", "Base Object"]],
                ),
                "field_id": _f("one2many", "Fields", relation="ir.model.fields"),
                "transient": _f("boolean", "Transient Model"),
                "modules": _f("char", "In Apps", readonly=True),
            },
            ("Administration/Access Rights",),
        ),
        ModelSpec(
            "ir.model.fields",
            "Fields",
            "name",
            {
                **_magic(),
                "name": _f("char", "Field Name", required=True),
                "model": _f("char", "Model Name", required=True),
                "model_id": _f("many2one", "Model", relation="ir.model", required=True),
                "field_description": _f("char", "Field Label", required=True),
                "ttype": _f(
                    "selection",
                    "Field Type",
                    required=True,
                    selection=[
                        [t, t.capitalize()]
                        for t in (
                            "binary",
                            "boolean",
                            "char",
                            "date",
                            "datetime",
                            "float",
                            "html",
                            "integer",
                            "many2many",
                            "many2one",
                            "monetary",
                            "one2many",
                            "selection",
                            "text",
                        )
                    ],
                ),
                "relation": _f("char", "Related Model"),
                "required": _f("boolean", "Required"),
                "readonly": _f("boolean", "Readonly"),
                "store": _f("boolean", "Stored"),
                "index": _f("boolean", "Indexed"),
                "copied": _f("boolean", "Copied"),
                "translate": _f("boolean", "Translatable"),
                "help": _f("text", "Field Help"),
                "selection": _f("char", "Selection Options (Deprecated)"),
                "state": _f(
                    "selection",
                    "Type",
                    required=True,
                    selection=[["manual", "Custom Field"], ["base", "Base Field"]],
                ),
            },
            ("Administration/Access Rights",),
        ),
        ModelSpec(
            "ir.model.data",
            "Model Data",
            "module, model, name",
            {
                **_magic(),
                "name": _f("char", "External Identifier", required=True),
                "complete_name": _f("char", "Complete ID", readonly=True, store=False),
                "module": _f("char", "Module", required=True),
                "model": _f("char", "Model Name", required=True),
                "res_id": _f("many2one_reference", "Record ID", model_field="model"),
                "noupdate": _f("boolean", "Non Updatable"),
                "reference": _f("char", "Reference", readonly=True, store=False),
            },
            ("Administration/Access Rights",),
            user_rights=frozenset({"read", "create"}),
        ),
    ]
    from odoosync.sandbox.catalog_models import catalog_specs  # it builds on this module

    specs += catalog_specs(version, product_groups)
    out = {s.name: s for s in specs}
    for name, values in model_defaults(version).items():
        out[name].defaults.update(values)
    return out


def model_defaults(version: int) -> dict[str, dict[str, Any]]:
    """Field defaults of Odoo ``version`` (odoo-facts §3.1, §3.2)."""
    tmpl: dict[str, Any] = {
        "list_price": 1.0,
        "sale_ok": True,
        "purchase_ok": True,
        "active": True,
        "categ_id": 1,
        "uom_id": 1,
        "uom_po_id": 1,
        "tracking": "none",
        "sequence": 1,
        "sale_delay": 0,
        "company_id": False,
        "type": "consu",
    }
    if version <= 17:
        tmpl.update(detailed_type="consu", priority="0")
    else:
        tmpl.update(is_storable=False, is_favorite=False)
    if version >= 19:
        del tmpl["categ_id"], tmpl["uom_po_id"]
        tmpl["service_tracking"] = "no"
    return {
        "product.template": tmpl,
        "product.category": {
            "property_cost_method": "standard",
            "property_valuation": "manual_periodic",
        },
        "account.tax": {
            "amount_type": "percent",
            "type_tax_use": "sale",
            "active": True,
            "sequence": 1,
            "company_id": 1,
            "price_include": False,
            "amount": 0.0,
        },
        "uom.uom": {"active": True, "factor": 1.0, "rounding": 0.01, "uom_type": "reference"},
        "res.users": {"active": True, "company_id": 1, "company_ids": [1]},
        "res.company": {"currency_id": 2, "active": True, "sequence": 10},
        "res.currency": {"active": True},
        "ir.model.data": {"noupdate": False},
        "ir.model.fields": {"state": "manual", "store": True},
        "ir.model": {"state": "manual"},
    }


def type_default(fdef: FieldDef) -> Any:
    """What ``read`` returns for a field that has no stored value."""
    ftype = fdef["type"]
    if ftype in X2MANY:
        return []
    if ftype == "boolean":
        return False
    if ftype == "integer" or ftype == "many2one_reference":
        return 0
    if ftype in {"float", "monetary"}:
        return 0.0
    return False
