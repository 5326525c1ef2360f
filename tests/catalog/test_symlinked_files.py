"""Issue 11 item 6: a symlinked catalog, mapping.toml or secrets file is written through to the
link's target (the link stays a link, the target gets the new content)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from odoosync.catalog.formats import open_catalog
from odoosync.files import write_text_atomic
from odoosync.mapping.model import load_mapping, save_mapping
from tests.support.export_env import MAPPING


def _linked(tmp_path: Path, name: str, text: str | None) -> tuple[Path, Path]:
    """``tmp_path/real/<name>`` (with ``text``, or absent) and a link ``tmp_path/work/<name>``."""
    (tmp_path / "real").mkdir()
    (tmp_path / "work").mkdir()
    target = tmp_path / "real" / name
    if text is not None:
        target.write_text(text, encoding="utf-8")
    link = tmp_path / "work" / name
    link.symlink_to(os.path.relpath(target, link.parent))
    return target, link


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("products.csv", "id,title\np-1,Old\n"),
        ("products.jsonl", '{"id": "p-1", "title": "Old"}\n'),
        ("products.json", '[{"id": "p-1", "title": "Old"}]'),
    ],
)
def test_a_symlinked_catalog_is_written_through(tmp_path: Path, name: str, text: str) -> None:
    target, link = _linked(tmp_path, name, text)
    open_catalog(link, key="id").apply({"p-1": {"title": "New"}}, [{"id": "p-2", "title": "Two"}])
    assert link.is_symlink()
    rows = list(open_catalog(target, key="id").iter_rows())
    assert [(r["id"], r["title"]) for r in rows] == [("p-1", "New"), ("p-2", "Two")]


@pytest.mark.parametrize("exists", [True, False], ids=["existing", "dangling"])
def test_a_symlinked_sqlite_catalog_is_written_through(tmp_path: Path, exists: bool) -> None:
    target, link = _linked(tmp_path, "products.db", None)
    if exists:
        with sqlite3.connect(target) as db:
            db.execute("create table products (id text primary key, title text)")
            db.execute("insert into products values ('p-1', 'Old')")
        db.close()
    open_catalog(link, key="id", table="products").apply({}, [{"id": "p-2", "title": "Two"}])
    assert link.is_symlink() and target.is_file()
    rows = list(open_catalog(target, key="id", table="products").iter_rows())
    assert [r["id"] for r in rows] == (["p-1", "p-2"] if exists else ["p-2"])


def test_a_symlinked_mapping_is_written_through(tmp_path: Path) -> None:
    target, link = _linked(tmp_path, "mapping.toml", MAPPING)
    mapping = load_mapping(link)
    save_mapping(mapping, link)
    assert link.is_symlink()
    assert load_mapping(target).fields == mapping.fields
    assert target.read_text(encoding="utf-8") != MAPPING  # rewritten (with its header)


def test_a_symlinked_secrets_file_keeps_its_link_and_mode(tmp_path: Path) -> None:
    target, link = _linked(tmp_path, "secrets.toml", "old\n")
    write_text_atomic(link, "new\n", mode=0o600)
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert list((tmp_path / "work").iterdir()) == [link]  # no temp file left beside the link
