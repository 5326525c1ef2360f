"""The named transforms, both ways, table-driven, including the values they must refuse."""

from __future__ import annotations

import base64
import struct
import urllib.error
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from odoosync.transforms import (
    REGISTRY,
    TransformContext,
    TransformError,
    coerce_direct,
    gs1_check_digit,
    image_kind,
    normalise_rate,
    uncoerce_direct,
)


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


CTX = TransformContext(
    base_dir=Path("."),
    categories={"Electronics": 5, "Clothing": 12},
    category_paths={
        5: "All / Saleable / Electronics",
        12: "All / Saleable / Clothing",
        9: "All / Misc",
    },
    taxes={"15": 1, "20": 2, "5.5": 3},
    tax_rates={1: "15", 2: "20", 3: "5.5"},
)

TO_ODOO: list[tuple[str, Any, Any]] = [
    ("decimal", 12.5, 12.5),
    ("decimal", "12.50", 12.5),
    ("decimal", " 12.5 ", 12.5),
    ("decimal", 7, 7.0),
    ("decimal", "", False),
    ("decimal", None, False),
    ("float", "0.25", 0.25),
    ("float", 3, 3.0),
    ("int", "12", 12),
    ("int", 12.0, 12),
    ("int", "", False),
    ("bool", "true", True),
    ("bool", "No", False),
    ("bool", "yes", True),
    ("bool", "0", False),
    ("bool", 1, True),
    ("bool", True, True),
    ("string", 15, "15"),
    ("string", "  a  ", "  a  "),
    ("string", "", False),
    ("strip", "  a b ", "a b"),
    ("upper", "abc", "ABC"),
    ("lower", "AbC", "abc"),
    ("date", "2025-12-16", "2025-12-16"),
    ("date", "2025-12-16T23:30:00Z", "2025-12-16"),
    ("datetime", "2025-12-16T14:30:22Z", "2025-12-16 14:30:22"),
    ("datetime", "2025-12-16T16:30:22+02:00", "2025-12-16 14:30:22"),
    ("datetime", "2025-12-16T14:30:22", "2025-12-16 14:30:22"),
    ("datetime", "", False),
    ("barcode", "4006381333931", "4006381333931"),  # EAN-13
    ("barcode", "96385074", "96385074"),  # EAN-8
    ("barcode", "036000291452", "036000291452"),  # UPC-A
    ("barcode", "10614141000415", "10614141000415"),  # GTIN-14
    ("barcode", " 4006381333931 ", "4006381333931"),
    ("barcode", 4006381333931, "4006381333931"),
    ("barcode", "", False),
    ("barcode", None, False),
    ("category", "Electronics", 5),
    ("category", "electronics", 5),
    ("category", "All / Misc", 9),
    ("category", "", None),
    ("taxes", "15", [(6, 0, [1])]),
    ("taxes", 15, [(6, 0, [1])]),
    ("taxes", "15.0", [(6, 0, [1])]),
    ("taxes", 5.5, [(6, 0, [3])]),
    ("taxes", "5.50", [(6, 0, [3])]),
    ("taxes", "15;5.5", [(6, 0, [1, 3])]),
    ("taxes", [20, "15"], [(6, 0, [2, 1])]),
    ("taxes", "", [(6, 0, [])]),
    ("taxes", None, [(6, 0, [])]),
    ("image", "", False),
]


@pytest.mark.parametrize(("name", "value", "expected"), TO_ODOO)
def test_to_odoo(name: str, value: Any, expected: Any) -> None:
    assert REGISTRY[name].to_odoo(value, CTX) == expected


FROM_ODOO: list[tuple[str, Any, Any]] = [
    ("decimal", 12.5, 12.5),
    ("decimal", False, None),
    ("float", 0.1 + 0.2, 0.3),
    ("int", 4, 4),
    ("int", False, None),
    ("bool", False, False),
    ("bool", True, True),
    ("string", "abc", "abc"),
    ("string", False, None),
    ("strip", False, None),
    ("upper", "ABC", "ABC"),
    ("date", "2025-12-16", "2025-12-16"),
    ("date", False, None),
    ("datetime", "2025-12-16 14:30:22", "2025-12-16T14:30:22Z"),
    ("datetime", False, None),
    ("barcode", "4006381333931", "4006381333931"),
    ("barcode", False, None),
    ("category", [5, "All / Saleable / Electronics"], "Electronics"),
    ("category", 12, "Clothing"),
    ("category", [9, "All / Misc"], "Misc"),
    ("category", [44, "All / Saleable / Toys"], "Toys"),
    ("category", False, None),
    ("taxes", [1], "15"),
    ("taxes", [3, 1], "5.5;15"),
    ("taxes", [], None),
    ("taxes", False, None),
    ("taxes", [(6, 0, [2])], "20"),
    ("image", "aGVsbG8=", None),
]


@pytest.mark.parametrize(("name", "value", "expected"), FROM_ODOO)
def test_from_odoo(name: str, value: Any, expected: Any) -> None:
    result = REGISTRY[name].from_odoo(value, CTX)
    assert result == expected
    assert result != "False"


@pytest.mark.parametrize("name", sorted(set(REGISTRY) - {"bool", "image", "taxes"}))
def test_false_from_odoo_is_never_the_string_false(name: str) -> None:
    assert REGISTRY[name].from_odoo(False, CTX) is None


BAD: list[tuple[str, Any, str]] = [
    ("decimal", "12,50", "use a dot as the decimal separator ('12.50')"),
    ("decimal", "1.234,50", "'1234.50'"),
    ("decimal", "abc", "'abc' is not a decimal number"),
    ("decimal", True, "boolean"),
    ("float", "1e", "not a number"),
    ("int", "12.5", "not a whole number"),
    ("bool", "maybe", "not a boolean"),
    ("date", "16/12/2025", "not an ISO-8601"),
    ("date", "2025-13-01", "not a valid date"),
    ("datetime", "yesterday", "not an ISO-8601"),
    ("barcode", "4006381333932", "wrong EAN-13 check digit: expected 1, got 2"),
    ("barcode", "96385075", "wrong EAN-8 check digit"),
    ("barcode", "036000291453", "wrong UPC-A check digit"),
    ("barcode", "10614141000416", "wrong GTIN-14 check digit"),
    ("barcode", "40063813339", "has 11 digits"),
    ("barcode", "40063813339X1", "digits only"),
    ("barcode", 4.006381333931e12, "store barcodes as text"),
    ("category", "Toys", "category 'Toys' has no Odoo category"),
    ("taxes", "7", "tax rate '7' has no Odoo tax"),
    ("taxes", "seven", "not a tax rate"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD)
def test_bad_values_are_mapping_errors(name: str, value: Any, message: str) -> None:
    with pytest.raises(TransformError) as info:
        REGISTRY[name].to_odoo(value, CTX)
    assert info.value.code == "MAPPING_ERROR"
    assert message in info.value.message
    assert info.value.value == value


def test_taxes_inverse_of_unknown_tax_is_an_error() -> None:
    with pytest.raises(TransformError, match="Odoo tax 77"):
        REGISTRY["taxes"].from_odoo([77], CTX)


def test_gs1_check_digit() -> None:
    assert gs1_check_digit("400638133393") == 1
    assert gs1_check_digit("9638507") == 4


@pytest.mark.parametrize(
    ("value", "rate"),
    [(15, "15"), ("15.0", "15"), (" 15.00 ", "15"), (5.5, "5.5"), ("5.50", "5.5")],
)
def test_normalise_rate(value: Any, rate: str) -> None:
    assert normalise_rate(value) == rate


# images ---------------------------------------------------------------------------------------


def test_image_from_url_with_injected_fetch() -> None:
    png = tiny_png()
    ctx = TransformContext(fetch=lambda url: png)
    encoded = REGISTRY["image"].to_odoo("https://cdn.example.com/a.png", ctx)
    assert base64.b64decode(encoded) == png


def test_image_url_that_404s() -> None:
    def fetch(url: str) -> bytes:
        raise urllib.error.HTTPError(url, 404, "Not Found", {}, None)  # type: ignore[arg-type]  # typeshed wants a Message for hdrs

    with pytest.raises(TransformError, match="HTTP 404") as info:
        REGISTRY["image"].to_odoo(
            "http://cdn.example.com/missing.png", TransformContext(fetch=fetch)
        )
    assert info.value.code == "MAPPING_ERROR"


def test_image_url_unreachable() -> None:
    def fetch(url: str) -> bytes:
        raise OSError("connection refused")

    with pytest.raises(TransformError, match="could not be fetched: connection refused"):
        REGISTRY["image"].to_odoo("https://nowhere.invalid/a.png", TransformContext(fetch=fetch))


def test_image_url_that_is_not_an_image() -> None:
    ctx = TransformContext(fetch=lambda url: b"<html>not found</html>")
    with pytest.raises(TransformError, match="not a PNG, JPEG, GIF or WebP"):
        REGISTRY["image"].to_odoo("https://cdn.example.com/a.png", ctx)


def test_image_file_relative_to_base_dir(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(tiny_png())
    ctx = TransformContext(base_dir=tmp_path)
    assert base64.b64decode(REGISTRY["image"].to_odoo("images/a.png", ctx)) == tiny_png()


def test_image_file_that_is_not_an_image(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_text("just text")
    with pytest.raises(TransformError, match="not a PNG"):
        REGISTRY["image"].to_odoo("a.png", TransformContext(base_dir=tmp_path))


def test_image_file_missing(tmp_path: Path) -> None:
    with pytest.raises(TransformError, match="cannot be read"):
        REGISTRY["image"].to_odoo("nope.png", TransformContext(base_dir=tmp_path))


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (tiny_png(), "PNG"),
        (b"\xff\xd8\xff\xe0rest", "JPEG"),
        (b"GIF89a....", "GIF"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "WebP"),
        (b"%PDF-1.4", None),
        (b"", None),
    ],
)
def test_image_kind(data: bytes, kind: str | None) -> None:
    assert image_kind(data) == kind


# direct mappings --------------------------------------------------------------------------------

DIRECT: list[tuple[Any, str | None, Any]] = [
    (12, "char", "12"),
    (12.0, "char", "12"),
    ("x", "text", "x"),
    ("12.5", "float", 12.5),
    (3, "monetary", 3.0),
    ("7", "integer", 7),
    ("yes", "boolean", True),
    ("5", "many2one", 5),
    ("", "char", False),
    (None, "float", False),
    ("anything", None, "anything"),
]


@pytest.mark.parametrize(("value", "ftype", "expected"), DIRECT)
def test_coerce_direct(value: Any, ftype: str | None, expected: Any) -> None:
    assert coerce_direct(value, ftype, CTX) == expected


@pytest.mark.parametrize(
    ("value", "ftype"),
    [
        ("abc", "float"),
        ("12,5", "monetary"),
        ("1.5", "integer"),
        ("maybe", "boolean"),
        ("x", "many2one"),
    ],
)
def test_coerce_direct_refuses(value: Any, ftype: str) -> None:
    with pytest.raises(TransformError, match=f"Odoo field type {ftype}"):
        coerce_direct(value, ftype, CTX)


@pytest.mark.parametrize(
    ("value", "ftype", "expected"),
    [
        (False, "char", None),
        (False, "float", None),
        (False, "boolean", False),
        ([5, "All / Saleable"], "many2one", 5),
        ("2025-12-16 14:30:22", "datetime", "2025-12-16T14:30:22Z"),
        (12.5, "float", 12.5),
        ("abc", "char", "abc"),
    ],
)
def test_uncoerce_direct(value: Any, ftype: str, expected: Any) -> None:
    assert uncoerce_direct(value, ftype, CTX) == expected


def test_registry_has_every_spec_transform() -> None:
    assert set(REGISTRY) == {
        "decimal", "float", "int", "bool", "string", "strip", "upper", "lower",
        "date", "datetime", "barcode", "category", "taxes", "image",
    }  # fmt: skip
    for name, transform in REGISTRY.items():
        assert transform.name == name


# properties ---------------------------------------------------------------------------------------


@given(
    st.sampled_from([7, 11, 12, 13]).flatmap(
        lambda n: st.text("0123456789", min_size=n, max_size=n)
    )
)
def test_any_body_with_its_check_digit_is_a_valid_barcode(body: str) -> None:
    code = body + str(gs1_check_digit(body))
    assert REGISTRY["barcode"].to_odoo(code, CTX) == code
    wrong = body + str((gs1_check_digit(body) + 1) % 10)
    with pytest.raises(TransformError):
        REGISTRY["barcode"].to_odoo(wrong, CTX)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_decimal_round_trips_through_odoo(value: Any) -> None:
    odoo = REGISTRY["decimal"].to_odoo(str(value), CTX)
    assert REGISTRY["decimal"].from_odoo(odoo, CTX) == float(value)


# category: [categories] names, complete paths and last segments, both ways ---------------------

#: the sandbox demo seed's tree (Odoo 17), plus the cases that make a last segment ambiguous
TREE: dict[int, str] = {
    1: "All",
    2: "All / Saleable",
    3: "All / Expenses",
    4: "All / Saleable / Electronics",
    5: "All / Saleable / Clothing",
    6: "All / Saleable / Accessories",
    7: "All / Saleable / Phones",
    8: "All / Used / Phones",
    9: "All / Used",
    10: "All / Saleable / Audio",
    11: "All / Used / audio",
}


def tree_ctx(categories: dict[str, int] | None = None) -> TransformContext:
    return TransformContext(categories=categories or {}, category_paths=dict(TREE))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Electronics", 4),  # the last segment of exactly one complete path
        ("  Electronics ", 4),
        ("electronics", 4),  # then any case
        ("All / Saleable / Clothing", 5),
        ("All", 1),  # a root: its complete path
        ("Saleable", 2),
        ("Audio", 10),  # exact case wins over the case-insensitive pair
        ("audio", 11),
    ],
)
def test_category_to_odoo_accepts_a_unique_last_segment(value: str, expected: int) -> None:
    assert REGISTRY["category"].to_odoo(value, tree_ctx()) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "Phones",
            "category 'Phones' is ambiguous: it names the Odoo categories "
            "'All / Saleable / Phones', 'All / Used / Phones'; use the complete path",
        ),
        ("phones", "'All / Saleable / Phones', 'All / Used / Phones'"),
        ("AUDIO", "'All / Saleable / Audio', 'All / Used / audio'"),
        ("Toys", "add it under [categories] in mapping.toml, or set create_missing_categories"),
        ("Phone", "category 'Phone' has no Odoo category (did you mean 'Phones'?)"),
    ],
)
def test_category_ambiguous_or_unknown_is_a_mapping_error(value: str, message: str) -> None:
    with pytest.raises(TransformError) as info:
        REGISTRY["category"].to_odoo(value, tree_ctx())
    assert info.value.code == "MAPPING_ERROR"
    assert message in info.value.message
    assert info.value.value == value


def test_a_categories_entry_wins_over_a_last_segment() -> None:
    ctx = tree_ctx({"Electronics": 6, "phones": 8})
    assert REGISTRY["category"].to_odoo("Electronics", ctx) == 6
    assert REGISTRY["category"].to_odoo("Phones", ctx) == 8  # [categories], any case
    assert REGISTRY["category"].to_odoo("All / Saleable / Electronics", ctx) == 4


@pytest.mark.parametrize(
    ("categ", "expected"),
    [
        ([4, "All / Saleable / Electronics"], "Electronics"),
        (2, "Saleable"),
        (1, "All"),
        (7, "All / Saleable / Phones"),  # the last segment is ambiguous: the complete path
        (10, "Audio"),
        (11, "audio"),
    ],
)
def test_category_from_odoo_gives_a_name_that_maps_back(categ: Any, expected: str) -> None:
    assert REGISTRY["category"].from_odoo(categ, tree_ctx()) == expected


@pytest.mark.parametrize(
    "categories",
    [{}, {"Electronics": 6}, {"Gadgets": 4, "Phones": 8}, {"Saleable": 1, "Clothing": 5}],
    ids=["unmapped", "leaf-shadowed", "mapped", "root-shadowed"],
)
def test_every_category_round_trips(categories: dict[str, int]) -> None:
    ctx = tree_ctx(categories)
    category = REGISTRY["category"]
    for categ_id, path in TREE.items():
        local = category.from_odoo([categ_id, path], ctx)
        assert category.to_odoo(local, ctx) == categ_id, (categ_id, local)
    if "Electronics" in categories:  # its leaf names category 6 now: 4 comes back as its path
        assert category.from_odoo(4, ctx) == "All / Saleable / Electronics"


def test_category_outside_the_runs_tables_falls_back_to_the_label() -> None:
    category = REGISTRY["category"]
    assert category.from_odoo([44, "All / Saleable / Toys"], tree_ctx()) == "Toys"
    assert category.from_odoo(44, tree_ctx()) == "44"


def test_category_index_is_built_once_per_context_and_follows_new_categories() -> None:
    from odoosync.transforms import category_index

    paths = dict(TREE)
    categories: dict[str, int] = {}
    ctx = TransformContext(categories=categories, category_paths=paths)
    first = category_index(ctx)
    assert category_index(ctx) is first
    assert category_index(tree_ctx()) is not first  # per context, not global
    with pytest.raises(TransformError, match="has no Odoo category"):
        REGISTRY["category"].to_odoo("Toys", ctx)
    paths[12] = "All / Saleable / Toys"  # what create_missing_categories does mid-run
    assert REGISTRY["category"].to_odoo("Toys", ctx) == 12
    assert category_index(ctx) is not first
    categories["Games"] = 12
    assert REGISTRY["category"].to_odoo("games", ctx) == 12
    assert ctx == TransformContext(categories=categories, category_paths=paths)  # cache unseen
