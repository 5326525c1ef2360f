"""Catalogs in every format: reading, streaming, errors naming the line, atomic writes."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from odoosync.catalog import Catalog, open_catalog
from odoosync.errors import CatalogError, ExitCode

ROWS: list[dict[str, Any]] = [
    {"id": "1", "title": "Lamp", "price": 12.5, "note": "keep me"},
    {"id": "2", "title": "Chair", "price": 40, "note": ""},
    {"id": "3", "title": "Desk", "price": 99.9, "note": "x"},
]


def rows_in(path: Path, **options: Any) -> list[dict[str, Any]]:
    """Every row of the catalog at ``path``, read as a run reads it."""
    return list(open_catalog(path, **options).iter_rows())


def write_csv(path: Path, rows: list[dict[str, Any]], *, bom: bool = False) -> None:
    lines = [",".join(rows[0])] + [",".join(str(v) for v in row.values()) for row in rows]
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")


def write_json(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text(json.dumps(rows), encoding="utf-8")


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def write_sqlite(path: Path, rows: list[dict[str, Any]]) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE products (id TEXT PRIMARY KEY, title TEXT, price REAL, note TEXT)")
        db.executemany("INSERT INTO products VALUES (:id, :title, :price, :note)", rows)
    db.close()


FORMATS: dict[str, tuple[str, Callable[[Path, list[dict[str, Any]]], None]]] = {
    "csv": ("products.csv", write_csv),
    "json": ("products.json", write_json),
    "jsonl": ("products.jsonl", write_jsonl),
    "sqlite": ("products.db", write_sqlite),
}


@pytest.fixture(params=sorted(FORMATS))
def catalog(request: pytest.FixtureRequest, tmp_path: Path) -> Catalog:
    name, writer = FORMATS[request.param]
    writer(tmp_path / name, ROWS)
    return open_catalog(tmp_path / name, key="id")


def test_read(catalog: Catalog) -> None:
    rows = list(catalog.iter_rows())
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert catalog.columns() == ["id", "title", "price", "note"]
    if catalog.path.suffix == ".csv":
        assert rows[0]["price"] == "12.5" and rows[1]["note"] == ""
    else:
        assert rows[0]["price"] == 12.5  # types kept


def test_iter_rows_streams(catalog: Catalog) -> None:
    iterator = catalog.iter_rows()
    assert next(iterator)["id"] == "1"  # a generator, not a list


def test_apply_updates_inserts_and_keeps_unmanaged(catalog: Catalog) -> None:
    catalog.apply(
        {"2": {"title": "Armchair", "brand": "Oak & Co"}},
        [{"id": "4", "title": "Shelf", "price": 15}],
    )
    rows = {r["id"]: r for r in catalog.iter_rows()}
    assert rows["2"]["title"] == "Armchair" and rows["2"]["brand"] == "Oak & Co"
    assert rows["1"]["note"] == "keep me"  # unmanaged column
    assert rows["3"]["title"] == "Desk"  # unmanaged row
    assert rows["4"]["title"] == "Shelf"
    assert catalog.columns()[:4] == ["id", "title", "price", "note"]
    assert "brand" in catalog.columns()
    assert not [p for p in catalog.path.parent.iterdir() if p.name.endswith(".tmp")]


def test_apply_refuses_unknown_update_and_duplicate_insert(catalog: Catalog) -> None:
    with pytest.raises(CatalogError, match="no row has that key"):
        catalog.apply({"99": {"title": "x"}}, [])
    with pytest.raises(CatalogError, match="already exists"):
        catalog.apply({}, [{"id": "1", "title": "again"}])


def test_crash_mid_write_leaves_the_original(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = catalog.path.read_bytes()

    def boom(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk on fire")

    if catalog.path.suffix == ".db":
        # a SQLite catalog fails inside its transaction instead
        real_connect = sqlite3.connect

        class Failing(sqlite3.Connection):
            def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]  # narrower than Connection.execute on purpose
                if sql.startswith("INSERT"):
                    raise sqlite3.OperationalError("disk on fire")
                return super().execute(sql, *args)

        monkeypatch.setattr(
            sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=Failing, **k)
        )
        with pytest.raises(CatalogError, match="disk on fire"):
            catalog.apply({"1": {"title": "changed"}}, [{"id": "9", "title": "new"}])
        monkeypatch.setattr(sqlite3, "connect", real_connect)
        rows = {r["id"]: r for r in catalog.iter_rows()}
        assert rows["1"]["title"] == "Lamp" and "9" not in rows
        assert "brand" not in catalog.columns()
    else:
        monkeypatch.setattr(os, "replace", boom)
        with pytest.raises(OSError, match="disk on fire"):
            catalog.apply({"1": {"title": "changed"}}, [{"id": "9", "title": "new"}])
        assert catalog.path.read_bytes() == before
        assert not [p for p in catalog.path.parent.iterdir() if p.name.endswith(".tmp")]


def test_duplicate_keys_name_both_places(tmp_path: Path) -> None:
    rows = [*ROWS, {"id": "2", "title": "Dup", "price": 1, "note": ""}]
    for kind, (name, writer) in FORMATS.items():
        if kind == "sqlite":
            continue  # the sample table has a primary key
        writer(tmp_path / name, rows)
        with pytest.raises(CatalogError) as info:
            rows_in(tmp_path / name)
        where = {
            "csv": "line 3 and line 5",
            "json": "item 1 and item 3",
            "jsonl": "line 2 and line 4",
        }
        assert f"duplicate key '2' on {where[kind]}" in str(info.value)
        assert info.value.exit_code == ExitCode.CONFIG


def test_sqlite_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE items (id INTEGER, title TEXT)")
        db.executemany("INSERT INTO items VALUES (?, ?)", [(1, "a"), (2, "b"), (1, "c")])
    db.close()
    with pytest.raises(CatalogError, match="duplicate key '1' on row 1 and row 3"):
        rows_in(path)


def test_missing_key_column(tmp_path: Path) -> None:
    for kind, (name, writer) in FORMATS.items():
        writer(tmp_path / name, ROWS)
        with pytest.raises(CatalogError, match="sku"):
            rows_in(tmp_path / name, key="sku")
        assert kind


# CSV specifics -------------------------------------------------------------------------------


def test_csv_bom_is_tolerated_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    write_csv(path, ROWS, bom=True)
    catalog = open_catalog(path)
    assert catalog.columns()[0] == "id"
    catalog.apply({"1": {"title": "Lampe"}}, [])
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,title")
    assert next(catalog.iter_rows())["title"] == "Lampe"


def test_csv_keeps_column_order_and_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"title,id,extra\r\nLamp,1,a\r\nChair,2,b\r\n")
    open_catalog(path).apply({"2": {"price": 3.0, "active": True}}, [{"id": "3", "title": "Desk"}])
    assert path.read_bytes() == (
        b"title,id,extra,price,active\r\nLamp,1,a,,\r\nChair,2,b,3,true\r\nDesk,3,,,\r\n"
    )


def test_csv_ragged_row_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,title,price\n1,Lamp,3\n2,Chair\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"p.csv: line 3 has 2 values but the header has 3"):
        rows_in(path)


def test_csv_bad_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"id,title\n1,Lamp\n2,Caf\xe9\n")
    with pytest.raises(CatalogError, match=r"p.csv: line 3: not valid UTF-8"):
        rows_in(path)


def test_csv_quoted_values_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text('id,title\n1,"Lamp, large"\n\n2,"Say ""hi"""\n', encoding="utf-8")
    assert [r["title"] for r in open_catalog(path).iter_rows()] == ["Lamp, large", 'Say "hi"']


def test_csv_empty_key_value(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,title\n1,Lamp\n,Chair\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="line 3: the key column 'id' is empty"):
        rows_in(path)


def test_csv_apply_creates_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    catalog = open_catalog(path)
    with pytest.raises(CatalogError, match="catalog not found"):
        list(catalog.iter_rows())
    catalog.apply({}, [{"id": "odoo-7", "title": "From Odoo"}])
    assert list(catalog.iter_rows()) == [{"id": "odoo-7", "title": "From Odoo"}]


# JSON / JSONL / SQLite specifics --------------------------------------------------------------


def test_json_errors(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('[{"id": 1},\n {"id": 2,}]', encoding="utf-8")
    with pytest.raises(CatalogError, match="line 2 column"):
        rows_in(path)
    path.write_text('{"id": 1}', encoding="utf-8")
    with pytest.raises(CatalogError, match="must be an array of objects"):
        rows_in(path)
    path.write_text('[{"id": 1}, 5]', encoding="utf-8")
    with pytest.raises(CatalogError, match="item 1 is not an object"):
        rows_in(path)


def test_json_keeps_types_and_numeric_keys(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('[{"id": 1, "price": 2.5, "tags": ["a"], "active": true}]', encoding="utf-8")
    catalog = open_catalog(path)
    catalog.apply({"1": {"price": 3}}, [])
    assert json.loads(path.read_text()) == [{"id": 1, "price": 3, "tags": ["a"], "active": True}]


def test_jsonl_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "1"}\n\n{"id": "2"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match=r"p.jsonl: line 3: invalid JSON"):
        rows_in(path)
    path.write_text('{"id": "1"}\n[1]\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="line 2: not a JSON object"):
        rows_in(path)


def test_jsonl_unchanged_lines_are_copied_verbatim(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"id":"1",  "title":"Lamp"}\n{"id":"2","title":"Chair"}\n', encoding="utf-8")
    open_catalog(path).apply({"2": {"title": "Armchair"}}, [])
    lines = path.read_text().splitlines()
    assert lines[0] == '{"id":"1",  "title":"Lamp"}'
    assert json.loads(lines[1]) == {"id": "2", "title": "Armchair"}


def test_sqlite_table_choice(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    write_sqlite(path, ROWS)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE other (x)")
    db.close()
    with pytest.raises(CatalogError, match=r"set \[catalog\] table .* other, products"):
        rows_in(path)
    with pytest.raises(CatalogError, match="no table 'items'; tables present: other, products"):
        rows_in(path, table="items")
    assert len(rows_in(path, table="products")) == 3


def test_sqlite_integer_keys_and_bools(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, title TEXT, extra TEXT)")
        db.execute("INSERT INTO items VALUES (5, 'a', 'keep')")
    db.close()
    catalog = open_catalog(path)
    catalog.apply({"5": {"title": "b", "active": True}}, [{"id": 6, "title": "c"}])
    assert list(catalog.iter_rows()) == [
        {"id": 5, "title": "b", "extra": "keep", "active": 1},
        {"id": 6, "title": "c", "extra": None, "active": None},
    ]


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"unknown catalog format '\.xlsx'"):
        open_catalog(tmp_path / "p.xlsx")
    with pytest.raises(CatalogError, match="only for SQLite"):
        open_catalog(tmp_path / "p.csv", table="x")


# apply creates a missing catalog (imports start new catalogs) ---------------------------------

NEW_ROWS: list[dict[str, Any]] = [
    {"id": "odoo-7", "title": "From Odoo", "price": 24.9, "ean": "4006381333931"},
    {"id": "odoo-8", "title": "Second", "category": "Electronics"},
]


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_apply_creates_a_missing_catalog_in_every_format(tmp_path: Path, kind: str) -> None:
    path = tmp_path / FORMATS[kind][0]
    catalog = open_catalog(path)
    with pytest.raises(CatalogError, match="catalog not found"):
        list(catalog.iter_rows())
    catalog.apply({}, NEW_ROWS)
    rows = {r["id"]: r for r in catalog.iter_rows()}
    assert list(rows) == ["odoo-7", "odoo-8"]
    assert rows["odoo-7"]["title"] == "From Odoo" and rows["odoo-8"]["category"] == "Electronics"
    assert rows["odoo-7"]["ean"] == "4006381333931"  # text stays text (leading digits kept)
    if kind == "csv":
        assert rows["odoo-7"]["price"] == "24.9" and rows["odoo-8"]["price"] == ""
    else:
        assert rows["odoo-7"]["price"] == 24.9  # types kept
        assert rows["odoo-8"].get("price") is None
    assert catalog.columns()[0] == "id"
    assert set(catalog.columns()) == {"id", "title", "price", "ean", "category"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temp file left
    # a second write goes through the normal path
    catalog.apply({"odoo-7": {"title": "Renamed"}}, [{"id": "odoo-9", "title": "Third"}])
    rows = {r["id"]: r for r in open_catalog(path).iter_rows()}
    assert rows["odoo-7"]["title"] == "Renamed" and rows["odoo-9"]["title"] == "Third"


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_apply_into_a_missing_folder_is_a_catalog_error(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "nowhere" / FORMATS[kind][0]
    with pytest.raises(CatalogError, match=r"the folder .*nowhere.* does not exist") as info:
        open_catalog(path).apply({}, NEW_ROWS)
    assert info.value.exit_code == ExitCode.CONFIG
    assert not path.parent.exists()


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_apply_without_changes_creates_nothing(tmp_path: Path, kind: str) -> None:
    path = tmp_path / FORMATS[kind][0]
    open_catalog(path).apply({}, [])
    assert not path.exists()


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_updates_on_a_missing_catalog_are_refused(tmp_path: Path, kind: str) -> None:
    path = tmp_path / FORMATS[kind][0]
    with pytest.raises(CatalogError, match="no row has that key"):
        open_catalog(path).apply({"1": {"title": "x"}}, [{"id": "2"}])
    assert not path.exists()


def _sqlite_schema(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    db.close()
    return {str(name): str(sql) for name, sql in rows}


def test_sqlite_new_file_gets_a_products_table_with_a_text_primary_key(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    catalog = open_catalog(path)  # no [catalog] table: the new table is "products"
    catalog.apply({}, [{"id": 12, "title": "Lamp", "active": True}])
    schema = _sqlite_schema(path)
    assert list(schema) == ["products"]
    assert '"id" TEXT PRIMARY KEY' in schema["products"]
    with sqlite3.connect(path) as db:
        info = {row[1]: (row[2], row[5]) for row in db.execute("PRAGMA table_info(products)")}
    db.close()
    assert info == {"id": ("TEXT", 1), "title": ("", 0), "active": ("", 0)}
    assert list(catalog.iter_rows()) == [{"id": "12", "title": "Lamp", "active": 1}]
    assert next(open_catalog(path, table="products").iter_rows())["id"] == "12"
    with pytest.raises(CatalogError, match="already exists"):
        catalog.apply({}, [{"id": "12"}])


def test_sqlite_missing_table_is_created_beside_the_others(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE orders (n INTEGER)")
        db.execute("INSERT INTO orders VALUES (1)")
    db.close()
    catalog = open_catalog(path, key="sku", table="catalog")
    with pytest.raises(CatalogError, match="no table 'catalog'; tables present: orders"):
        list(catalog.iter_rows())
    catalog.apply({}, [{"sku": "A-1", "title": "Lamp"}])
    schema = _sqlite_schema(path)
    assert set(schema) == {"orders", "catalog"}
    assert '"sku" TEXT PRIMARY KEY' in schema["catalog"]
    assert list(catalog.iter_rows()) == [{"sku": "A-1", "title": "Lamp"}]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT n FROM orders").fetchall() == [(1,)]
    db.close()


def test_sqlite_without_table_setting_and_several_tables_still_asks(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE a (id TEXT)")
        db.execute("CREATE TABLE b (id TEXT)")
    db.close()
    with pytest.raises(CatalogError, match=r"set \[catalog\] table"):
        open_catalog(path).apply({}, [{"id": "1"}])


def test_sqlite_failed_creation_leaves_no_file_and_no_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_connect = sqlite3.connect

    class Failing(sqlite3.Connection):
        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
            if sql.startswith("INSERT"):
                raise sqlite3.OperationalError("disk on fire")
            return super().execute(sql, *args)

    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: real_connect(*a, factory=Failing, **k))
    path = tmp_path / "new.db"
    with pytest.raises(CatalogError, match="disk on fire"):
        open_catalog(path).apply({}, NEW_ROWS)
    assert list(tmp_path.iterdir()) == []  # neither the catalog nor a temp file

    existing = tmp_path / "shop.db"
    with real_connect(existing) as db:
        db.execute("CREATE TABLE orders (n INTEGER)")
    db.close()
    with pytest.raises(CatalogError, match="disk on fire"):
        open_catalog(existing, table="products").apply({}, NEW_ROWS)
    assert list(_sqlite_schema(existing)) == ["orders"]  # the CREATE TABLE was rolled back


def test_catalog_exists(tmp_path: Path) -> None:
    from odoosync.catalog.base import catalog_exists

    csv_path = tmp_path / "p.csv"
    assert not catalog_exists(open_catalog(csv_path))
    csv_path.write_text("", encoding="utf-8")
    assert not catalog_exists(open_catalog(csv_path))
    write_csv(csv_path, ROWS)
    assert catalog_exists(open_catalog(csv_path))
    db = tmp_path / "p.db"
    assert not catalog_exists(open_catalog(db))
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE orders (n INTEGER)")
    connection.close()
    assert not catalog_exists(open_catalog(db, table="products"))
    assert catalog_exists(open_catalog(db, table="orders"))
    assert catalog_exists(open_catalog(db))  # reading reports the missing key column
    (tmp_path / "junk.db").write_text("not a database", encoding="utf-8")
    assert catalog_exists(open_catalog(tmp_path / "junk.db"))
