"""mapping.toml loading, validation (with key paths), saving, and row ↔ record mapping."""

from __future__ import annotations

import base64
import tomllib
from pathlib import Path
from typing import Any

import pytest

from odoosync.errors import ExitCode, MappingConfigError
from odoosync.mapping.model import (
    DEFAULT_MAPPING_TOML,
    FieldMapping,
    MappingConfig,
    load_mapping,
    mapping_from_toml,
    save_mapping,
)
from odoosync.mapping.rows import map_row, odoo_values_digest, unmap_record
from odoosync.transforms import TransformContext

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_load() -> None:
    cfg = mapping_from_toml(tomllib.loads(DEFAULT_MAPPING_TOML))
    active = cfg.active()
    assert [(m.local_field, m.odoo_field) for m in active] == [
        ("title", "name"),
        ("ean", "barcode"),
        ("price", "list_price"),
        ("description", "description_sale"),
        ("weight", "weight"),
        ("brand_name", "x_brand"),
        ("category", "categ_id"),
        ("image_url", "image_1920"),
    ]
    title = active[0]
    assert title.is_required and title.priority == 100 and title.mapping_type == "direct"
    assert active[1].transform == "barcode" and active[1].is_required
    assert next(m for m in active if m.local_field == "price").transform == "decimal"
    assert next(m for m in active if m.local_field == "brand_name").mapping_type == "custom"
    assert cfg.create_missing_categories is False
    # the commented examples are there for users to uncomment
    assert 'local_field = "supplier_reference"' in DEFAULT_MAPPING_TOML
    assert 'transform = "taxes"' in DEFAULT_MAPPING_TOML


def test_active_orders_by_priority_then_file_order() -> None:
    cfg = MappingConfig(
        path=None,
        fields=(
            FieldMapping("a", "a"),
            FieldMapping("b", "b", priority=5),
            FieldMapping("c", "c", is_active=False, priority=50),
            FieldMapping("d", "d"),
        ),
    )
    assert [m.local_field for m in cfg.active()] == ["b", "a", "d"]
    assert [m.local_field for m in cfg.ordered()] == ["c", "b", "a", "d"]


ENTRY = '[[fields]]\nlocal_field = "title"\nodoo_field = "name"\n'

INVALID: list[tuple[str, str]] = [
    (
        ENTRY * 0
        + '[[fields]]\nlocal_field="a"\nodoo_field="name"\n' * 1
        + '[[fields]]\nlocal_field="p"\nodoo_field="list_price"\nmapping_type="transform"\n'
        'transform="decmal"\n',
        "mapping.toml: fields[1].transform: unknown transform 'decmal' (did you mean 'decimal'?)",
    ),
    (ENTRY + "colour = 1\n", "mapping.toml: fields[0].colour: unknown key"),
    (ENTRY + "is_requird = true\n", "(did you mean 'is_required'?)"),
    (ENTRY + 'mapping_type = "copy"\n', "fields[0].mapping_type: 'copy' must be direct"),
    (ENTRY + 'transform = "decimal"\n', "fields[0].transform: a direct mapping takes no transform"),
    (ENTRY + 'mapping_type = "transform"\n', "fields[0].transform: missing"),
    (ENTRY + 'mapping_type = "custom"\n', "fields[0].odoo_field: 'name': a custom field's name"),
    (
        ENTRY + 'odoo_model = "res.partner"\n',
        "fields[0].odoo_model: 'res.partner' is not supported",
    ),
    (ENTRY + "is_active = 1\n", "fields[0].is_active: 1 must be true or false"),
    (ENTRY + 'priority = "high"\n', "fields[0].priority"),
    ('[[fields]]\nlocal_field = ""\nodoo_field = "name"\n', "fields[0].local_field: missing"),
    ('[[fields]]\nlocal_field = "t"\nodoo_field = "Bad Name"\n', "fields[0].odoo_field"),
    (
        ENTRY + '[[fields]]\nlocal_field = "label"\nodoo_field = "name"\n',
        "fields[1].odoo_field: 'name' is already mapped from 'title' by fields[0]",
    ),
    (ENTRY + '[categories]\n"Toys" = ""\n', "categories.'Toys'"),
    (ENTRY + '[categories]\n"Toys" = true\n', "categories.'Toys'"),
    (ENTRY + '[taxes]\n"VAT" = 1\n', "taxes.'VAT': a tax rate key must be a number"),
    (ENTRY + '[taxes]\n"15" = 0\n', "taxes.'15'"),
    (ENTRY + "[options]\ncreate_missing = true\n", "options.create_missing: unknown option"),
    (ENTRY + '[options]\ncreate_missing_categories = "yes"\n', "must be true or false"),
    (ENTRY + "[extra]\na = 1\n", "mapping.toml: extra: unknown section"),
]


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_validation_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(MappingConfigError) as info:
        load_mapping(write(tmp_path, text))
    assert message in str(info.value)
    assert info.value.exit_code == ExitCode.CONFIG


def test_inactive_duplicates_are_allowed(tmp_path: Path) -> None:
    text = ENTRY + '[[fields]]\nlocal_field = "label"\nodoo_field = "name"\nis_active = false\n'
    assert len(load_mapping(write(tmp_path, text)).fields) == 2


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MappingConfigError, match="not valid TOML"):
        load_mapping(write(tmp_path, "[[fields]\n"))
    with pytest.raises(MappingConfigError, match="mapping file not found"):
        load_mapping(tmp_path / "nope.toml")


def test_save_round_trip_keeps_categories_taxes_options(tmp_path: Path) -> None:
    cfg = mapping_from_toml(tomllib.loads(DEFAULT_MAPPING_TOML))
    cfg = MappingConfig(
        path=None,
        fields=(
            *cfg.fields,
            FieldMapping(
                "tax_rate",
                "taxes_id",
                mapping_type="transform",
                transform="taxes",
                is_bidirectional=False,
                is_active=False,
                priority=-3,
            ),
        ),
        categories={"Electronics": "All / Saleable / Electronics", "Clothing": 12},
        taxes={"15": "15%", "5.5": 3},
        create_missing_categories=True,
    )
    path = tmp_path / "mapping.toml"
    save_mapping(cfg, path)
    again = load_mapping(path)
    assert again.fields == cfg.fields
    assert dict(again.categories) == dict(cfg.categories)
    assert dict(again.taxes) == dict(cfg.taxes)
    assert again.create_missing_categories is True
    assert again.path == path
    assert not [p for p in tmp_path.iterdir() if p.name != "mapping.toml"]  # no temp file left


def test_with_mapping_and_without() -> None:
    cfg = MappingConfig(path=None, fields=(FieldMapping("a", "name"), FieldMapping("b", "weight")))
    replaced = cfg.with_mapping(FieldMapping("a", "description_sale"))
    assert [m.odoo_field for m in replaced.fields] == ["description_sale", "weight"]
    added = cfg.with_mapping(FieldMapping("c", "list_price"))
    assert [m.local_field for m in added.fields] == ["a", "b", "c"]
    assert [m.local_field for m in cfg.without("a").fields] == ["b"]


# map_row / unmap_record ----------------------------------------------------------------------

CFG = mapping_from_toml(
    tomllib.loads(
        DEFAULT_MAPPING_TOML + '\n[[fields]]\nlocal_field = "tax_rate"\nodoo_field = "taxes_id"\n'
        'mapping_type = "transform"\ntransform = "taxes"\n'
        '\n[[fields]]\nlocal_field = "supplier_reference"\nodoo_field = "default_code"\n'
        "is_bidirectional = false\n"
    )
)


def make_ctx(tmp_path: Path) -> TransformContext:
    (tmp_path / "a.png").write_bytes(PNG)
    return TransformContext(
        base_dir=tmp_path,
        field_types={
            "name": "char",
            "description_sale": "text",
            "x_brand": "char",
            "default_code": "char",
        },
        categories={"Electronics": 5},
        category_paths={5: "All / Saleable / Electronics"},
        taxes={"15": 1},
        tax_rates={1: "15"},
    )


ROW = {
    "id": "p-1",
    "title": "Desk Lamp",
    "ean": "4006381333931",
    "description": "A lamp",
    "price": "12.50",
    "weight": "0.8",
    "brand_name": "Lumo",
    "category": "Electronics",
    "image_url": "a.png",
    "tax_rate": "15.0",
    "supplier_reference": "LMP-1",
}


def test_map_row(tmp_path: Path) -> None:
    mapped = map_row(ROW, CFG, make_ctx(tmp_path), key_field="id")
    assert mapped.error is None
    assert mapped.key == "p-1"
    assert mapped.values == {
        "name": "Desk Lamp",
        "barcode": "4006381333931",
        "description_sale": "A lamp",
        "list_price": 12.5,
        "weight": 0.8,
        "x_brand": "Lumo",
        "categ_id": 5,
        "image_1920": base64.b64encode(PNG).decode(),
        "taxes_id": [(6, 0, [1])],
        "default_code": "LMP-1",
    }
    assert mapped.fields[:2] == ["name", "barcode"]
    assert set(mapped.hashes) == set(mapped.values)
    assert mapped.digest == odoo_values_digest(mapped.values)


def test_map_row_required_missing(tmp_path: Path) -> None:
    mapped = map_row({**ROW, "ean": " "}, CFG, make_ctx(tmp_path), key_field="id")
    assert mapped.error is not None
    assert mapped.error.code == "REQUIRED_FIELD_MISSING"
    assert (mapped.error.field, mapped.error.local_field) == ("barcode", "ean")


def test_map_row_first_failing_field_gives_the_error(tmp_path: Path) -> None:
    row = {**ROW, "price": "12,50", "category": "Toys"}
    mapped = map_row(row, CFG, make_ctx(tmp_path), key_field="id")
    assert mapped.error is not None
    assert mapped.error.code == "MAPPING_ERROR"
    assert mapped.error.field == "list_price"
    assert mapped.error.value == "12,50"
    assert "price → list_price" in mapped.error.message
    assert mapped.error.details()["odoo_error_code"] == "MAPPING_ERROR"


def test_map_row_direct_value_that_does_not_convert(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    ctx = TransformContext(
        **{**ctx.__dict__, "field_types": {"name": "char", "description_sale": "float"}}
    )
    mapped = map_row(ROW, CFG, ctx, key_field="id")
    assert mapped.error is not None and mapped.error.field == "description_sale"
    assert "'A lamp'" in mapped.error.message


def test_map_row_empty_key(tmp_path: Path) -> None:
    mapped = map_row({**ROW, "id": ""}, CFG, make_ctx(tmp_path), key_field="id")
    assert mapped.error is not None and mapped.error.code == "REQUIRED_FIELD_MISSING"


def test_map_row_empty_category_leaves_the_field_out(tmp_path: Path) -> None:
    mapped = map_row({**ROW, "category": ""}, CFG, make_ctx(tmp_path), key_field="id")
    assert "categ_id" not in mapped.values and "categ_id" not in mapped.fields


def test_unmap_record(tmp_path: Path) -> None:
    record = {
        "id": 7,
        "name": "Desk Lamp",
        "barcode": "4006381333931",
        "description_sale": False,
        "list_price": 12.5,
        "weight": 0.8,
        "x_brand": False,
        "categ_id": [5, "All / Saleable / Electronics"],
        "image_1920": base64.b64encode(PNG).decode(),
        "taxes_id": [1],
        "default_code": "LMP-1",
    }
    row = unmap_record(record, CFG, make_ctx(tmp_path))
    assert row == {
        "title": "Desk Lamp",
        "ean": "4006381333931",
        "description": None,
        "price": 12.5,
        "weight": 0.8,
        "brand_name": None,
        "category": "Electronics",
        "tax_rate": "15",
    }  # one-way supplier_reference and images are left out


def test_digest_equal_for_local_and_odoo_forms(tmp_path: Path) -> None:
    mapped = map_row(ROW, CFG, make_ctx(tmp_path), key_field="id")
    odoo_side: dict[str, Any] = {
        "name": "Desk Lamp",
        "barcode": "4006381333931",
        "description_sale": "A lamp",
        "list_price": 12.500000001,
        "weight": 0.8,
        "x_brand": "Lumo",
        "categ_id": [5, "All / Saleable / Electronics"],
        "image_1920": base64.b64encode(PNG).decode(),
        "taxes_id": [1],
        "default_code": "LMP-1",
    }
    assert odoo_values_digest(odoo_side) == mapped.digest
    assert odoo_values_digest(odoo_side) == odoo_values_digest(
        dict(reversed(list(odoo_side.items())))
    )
    assert odoo_values_digest({**odoo_side, "list_price": 13.0}) != mapped.digest


@pytest.mark.parametrize(
    ("local", "odoo"),
    [
        ({"x": False}, {"x": None}),
        ({"x": ""}, {"x": False}),
        ({"taxes_id": [(6, 0, [3, 1])]}, {"taxes_id": [1, 3]}),
        ({"taxes_id": [(6, 0, [])]}, {"taxes_id": []}),
        ({"categ_id": 5}, {"categ_id": [5, "All"]}),
        ({"list_price": 12.0}, {"list_price": 12}),
    ],
)
def test_values_digest_normalises(local: dict[str, Any], odoo: dict[str, Any]) -> None:
    assert odoo_values_digest(local) == odoo_values_digest(odoo)


def test_images_hash_by_content() -> None:
    encoded = base64.b64encode(PNG).decode()
    wrapped = base64.encodebytes(PNG).decode()  # same bytes, different base64 layout
    assert encoded != wrapped
    assert odoo_values_digest({"image_1920": encoded}) == odoo_values_digest(
        {"image_1920": wrapped}
    )
    assert odoo_values_digest({"image_1920": encoded}) != odoo_values_digest({"image_1920": False})


class _Categories:
    """The one call ``_check_categories`` makes: product.category search_read."""

    def __init__(self, paths: dict[int, str]) -> None:
        self.paths = paths

    def search_read(self, model: str, domain: Any, fields: Any) -> list[dict[str, Any]]:
        assert model == "product.category"
        return [{"id": cid, "complete_name": path} for cid, path in self.paths.items()]


def test_validate_accepts_last_segments_and_warns_about_ambiguous_ones() -> None:
    from odoosync.mapping.check import MappingCheck, _check_categories
    from odoosync.mapping.model import MappingConfig

    odoo = _Categories(
        {
            1: "All",
            2: "All / Saleable",
            4: "All / Saleable / Electronics",
            7: "All / Saleable / Phones",
            8: "All / Used / Phones",
        }
    )
    check = MappingCheck()
    cfg = MappingConfig(path=None, fields=(), categories={"Gadgets": 4}, taxes={})
    used = ["Electronics", "electronics", "Gadgets", "All / Saleable", "Phones", "Toys", ""]
    _check_categories(check, cfg, odoo, used)  # type: ignore[arg-type]  # a stub client with fields_get/search_read only
    assert check.ok and check.categories == {"Gadgets": 4}
    messages = [issue.message for issue in check.issues]
    assert messages == [
        "catalog category 'Phones' is ambiguous: it names the Odoo categories "
        "'All / Saleable / Phones', 'All / Used / Phones'; use the complete path in the catalog, "
        "or map it under [categories] in mapping.toml",
        "catalog categories without a mapping: Toys; those products will fail; add them under "
        "[categories]",
    ]
