"""The variant catalog the variant tests and ``benchmarks/bench.py`` share: its CSV columns and
its mapping (``[variants]`` on ``parent_id`` with Size and Color, ``[stock]``, ``[vendors]``).
Constants only, importable without pytest."""

from __future__ import annotations

COLUMNS = [
    "id",
    "parent_id",
    "title",
    "size",
    "color",
    "sku",
    "ean",
    "price",
    "qty",
    "supplier_name",
    "supplier_price",
    "supplier_reference",
    "supplier_min_qty",
]

MAPPING = """
[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true

[[fields]]
local_field = "price"
odoo_field = "list_price"
mapping_type = "transform"
transform = "decimal"

[[fields]]
local_field = "sku"
odoo_field = "default_code"
odoo_model = "product.product"

[[fields]]
local_field = "ean"
odoo_field = "barcode"
odoo_model = "product.product"
mapping_type = "transform"
transform = "barcode"

[variants]
parent = "parent_id"
attributes = { size = "Size", color = "Color" }

[stock]
quantity = "qty"
location = "WH/Stock"

[vendors]
partner = "supplier_name"
price = "supplier_price"
code = "supplier_reference"
min_qty = "supplier_min_qty"
"""
