"""The shipped examples load, and their data is valid."""

from __future__ import annotations

import pytest

from odoosync.catalog import open_catalog
from odoosync.mapping.model import load_mapping
from odoosync.mapping.rows import map_row
from odoosync.transforms import REGISTRY, TransformContext, image_kind, validate_barcode
from tests.support.paths import EXAMPLES


def test_mapping_loads_with_categories_and_taxes() -> None:
    cfg = load_mapping(EXAMPLES / "mapping.toml")
    assert dict(cfg.categories) == {
        "Electronics": "All / Saleable / Electronics",
        "Clothing": "All / Saleable / Clothing",
        "Accessories": "All / Saleable / Accessories",
    }
    assert dict(cfg.taxes) == {"15": "15%", "20": "20%", "5.5": "5.5%"}
    brand = next(m for m in cfg.fields if m.local_field == "brand_name")
    assert brand.mapping_type == "custom" and not brand.is_active
    assert {m.transform for m in cfg.active()} >= {
        "barcode",
        "decimal",
        "category",
        "taxes",
        "image",
    }


@pytest.mark.parametrize("name", ["products.csv", "products.json"])
def test_catalog_loads(name: str) -> None:
    rows = list(open_catalog(EXAMPLES / name).iter_rows())
    assert len(rows) == 36
    assert {str(r["category"]) for r in rows} == {"Electronics", "Clothing", "Accessories"}
    assert {str(r["tax_rate"]) for r in rows} == {"15", "20", "5.5"}
    assert {str(r["supplier_id"]) for r in rows} == {"15", "27"}
    eans = [r["ean"] for r in rows if r["ean"]]
    assert 30 <= len(eans) < 36  # a few products have none
    for ean in eans:
        assert validate_barcode(ean) == ean and len(ean) == 13
    assert len(set(eans)) == len(eans)
    images = [r["image_url"] for r in rows if r["image_url"]]
    assert 3 <= len(images) <= 4
    for image in images:
        data = (EXAMPLES / image).read_bytes()
        assert image_kind(data) == "PNG" and len(data) < 1024


def test_json_and_csv_hold_the_same_products() -> None:
    csv_rows = list(open_catalog(EXAMPLES / "products.csv").iter_rows())
    json_rows = list(open_catalog(EXAMPLES / "products.json").iter_rows())
    assert [r["id"] for r in csv_rows] == [r["id"] for r in json_rows]
    for c, j in zip(csv_rows, json_rows, strict=True):
        assert c["title"] == j["title"]
        assert float(c["price"]) == j["price"]
        assert (c["ean"] or None) == j["ean"]


@pytest.mark.parametrize("name", ["products.csv", "products.json"])
def test_every_example_row_maps(name: str) -> None:
    cfg = load_mapping(EXAMPLES / "mapping.toml")
    ctx = TransformContext(
        base_dir=EXAMPLES,
        categories={"Electronics": 5, "Clothing": 6, "Accessories": 7},
        taxes={"15": 1, "20": 3, "5.5": 4},
        field_types={"name": "char", "default_code": "char", "description_sale": "text"},
    )
    for row in open_catalog(EXAMPLES / name).iter_rows():
        mapped = map_row(row, cfg, ctx, key_field="id")
        assert mapped.error is None, (row["id"], mapped.error)
        assert mapped.values["taxes_id"][0][2]
    assert "taxes" in REGISTRY
