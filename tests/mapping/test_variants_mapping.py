"""``[variants]``, ``[stock]``, ``[vendors]`` and ``odoo_model = "product.product"`` in
mapping.toml: parsed, refused with file and key (exit 3), saved back, and checked by
``mappings validate`` against the catalog's columns and a sandbox's attributes, locations and
partners."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from typing import Any

import pytest

from odoosync.errors import ExitCode, MappingConfigError
from odoosync.mapping.check import check_mapping
from odoosync.mapping.model import mapping_from_toml, mapping_to_toml
from odoosync.odoo import ConnectionParams, OdooClient
from odoosync.sandbox import serve
from odoosync.secrets import Secret

FULL = """
[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true

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
direction = "from_odoo"

[vendors]
partner = "supplier_name"
price = "supplier_price"
code = "supplier_reference"
min_qty = "supplier_min_qty"
"""


def parse(text: str) -> Any:
    return mapping_from_toml(tomllib.loads(text))


def test_tables_are_read() -> None:
    cfg = parse(FULL)
    assert cfg.variants.parent == "parent_id"
    assert dict(cfg.variants.attributes) == {"size": "Size", "color": "Color"}
    assert cfg.variants.options == ()
    assert (cfg.stock.quantity, cfg.stock.location, cfg.stock.direction) == (
        "qty",
        "WH/Stock",
        "from_odoo",
    )
    assert cfg.vendors.columns() == [
        "supplier_name",
        "supplier_price",
        "supplier_reference",
        "supplier_min_qty",
    ]
    assert cfg.fields[1].odoo_model == "product.product"
    assert cfg.catalog_tables
    assert not parse('[[fields]]\nlocal_field = "t"\nodoo_field = "name"\n').catalog_tables


def test_options_pairs_and_defaults() -> None:
    cfg = parse(
        '[variants]\nparent = "Handle"\n'
        'options = [["Option1 Name", "Option1 Value"], ["Option2 Name", "Option2 Value"]]\n'
        '[stock]\nquantity = "qty"\nlocation = 8\n'
    )
    assert cfg.variants.options == (
        ("Option1 Name", "Option1 Value"),
        ("Option2 Name", "Option2 Value"),
    )
    assert cfg.variants.columns()[0] == "Handle"
    assert (cfg.stock.location, cfg.stock.direction) == (8, "to_odoo")


def test_saved_and_read_back_unchanged() -> None:
    cfg = parse(FULL)
    assert mapping_from_toml(mapping_to_toml(cfg)) == cfg


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('[variants]\nattributes = { size = "Size" }\n', "variants.parent", "missing"),
        ('[variants]\nparent = "p"\n', "variants", "attributes"),
        (
            '[variants]\nparent = "p"\nattributes = { s = "Size" }\noptions = [["a", "b"]]\n',
            "variants.options",
            "not both",
        ),
        (
            '[variants]\nparent = "p"\noptions = [["a"]]\n',
            "variants.options[0]",
            "must be [name column",
        ),
        ('[variants]\nparent = "p"\nattributes = { p = "Size" }\n', "variants.attributes.p", ""),
        (
            '[variants]\nparent = "p"\nattributes = { a = "Size", b = "size" }\n',
            "variants.attributes",
            "twice",
        ),
        ('[variants]\nparnet = "p"\n', "variants.parnet", "did you mean 'parent'"),
        ('[stock]\nlocation = "WH/Stock"\n', "stock.quantity", "missing"),
        ('[stock]\nquantity = "q"\ndirection = "to_odo"\n', "stock.direction", "to_odoo"),
        ('[stock]\nquantity = "q"\nlocation = 0\n', "stock.location", "location id"),
        ('[vendors]\nprice = "p"\n', "vendors.partner", "missing"),
        ('[vendors]\npartner = "p"\nprice = ""\n', "vendors.price", "missing or empty"),
        ('[vendor]\npartner = "p"\n', "vendor", "did you mean 'vendors'"),
    ],
)
def test_bad_tables_name_file_and_key(text: str, key: str, words: str) -> None:
    with pytest.raises(MappingConfigError) as info:
        parse(text)
    assert f"mapping.toml: {key}: " in str(info.value)
    assert words in str(info.value)
    assert info.value.exit_code == ExitCode.CONFIG == 3


@pytest.fixture
def odoo() -> Iterator[OdooClient]:
    with serve(seed="empty") as sb:
        params = ConnectionParams(
            url=sb.url, database=sb.database, username="admin", password=Secret("admin")
        )
        with OdooClient(params) as client:
            size = client.create("product.attribute", [{"name": "Size"}])[0]
            client.create(
                "product.attribute", [{"name": "Engraving", "create_variant": "no_variant"}]
            )
            client.create("product.attribute.value", [{"name": "S", "attribute_id": size}])
            client.create("res.partner", [{"name": "Acme Supplies", "is_company": True}])
            yield client


def messages(check: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"error": [], "warning": []}
    for issue in check.issues:
        found[issue.level].append(issue.message)
    return found


def test_validate_checks_names_against_odoo_and_columns(odoo: OdooClient) -> None:
    cfg = parse(
        FULL.replace('color = "Color"', 'color = "Color", engraving = "Engraving"').replace(
            '"WH/Stock"', '"WH/Nowhere"'
        )
    )
    columns = ["id", "title", "ean", "parent_id", "size", "color", "engraving", "qty"]
    values = {"supplier_name": ["Acme Supplies", "Nobody Ltd", ""]}
    check = check_mapping(cfg, odoo, columns=columns, column_values=values)
    found = messages(check)
    assert not check.ok
    assert any("'Color' is not in Odoo: the export creates it" in m for m in found["warning"])
    assert not any("'Size'" in m for m in found["warning"] + found["error"])
    assert any("'Engraving' has create_variant = 'no_variant'" in m for m in found["error"])
    assert any("location 'WH/Nowhere' is not a stock.location" in m for m in found["error"])
    assert any("partner 'Nobody Ltd'" in m for m in found["error"])
    assert not any("'Acme Supplies'" in m for m in found["error"])
    for column in ("supplier_name", "supplier_price", "supplier_reference", "supplier_min_qty"):
        assert any(f"catalog has no column {column!r}" in m for m in found["error"])
    assert not any("column 'qty'" in m for m in found["error"])


def test_validate_accepts_a_good_setup_and_refuses_a_non_internal_location(
    odoo: OdooClient,
) -> None:
    cfg = parse(
        '[variants]\nparent = "parent_id"\nattributes = { size = "Size" }\n'
        '[stock]\nquantity = "qty"\nlocation = "WH/Stock"\n'
    )
    check = check_mapping(cfg, odoo, columns=["id", "parent_id", "size", "qty"])
    assert check.ok, check.issues
    virtual = odoo.search_read("stock.location", [("usage", "=", "inventory")], ["complete_name"])
    bad = parse(f'[stock]\nquantity = "qty"\nlocation = {virtual[0]["id"]}\n')
    check = check_mapping(bad, odoo, columns=["id", "qty"])
    assert any("is a inventory location" in m for m in messages(check)["error"])
