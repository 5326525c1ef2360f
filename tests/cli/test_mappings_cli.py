"""mappings list/add/remove on a temporary mapping.toml; validate against the sandbox."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.cli import run
from odoosync.mapping.model import DEFAULT_MAPPING_TOML, load_mapping
from tests.support.export_env import QUICK_RETRIES, config_toml
from tests.support.paths import EXAMPLES
from tests.support.transport import admin_secret, category_root, test_sandbox

pytestmark = pytest.mark.usefixtures("secret_key")


def project(tmp_path: Path, *, url: str = "http://127.0.0.1:9", mapping: str | None = None) -> Path:
    config = tmp_path / "odoosync.toml"
    text = config_toml(url, "odoosync", timeout=5, sync=QUICK_RETRIES)
    config.write_text(text, encoding="utf-8")
    (tmp_path / "mapping.toml").write_text(mapping or DEFAULT_MAPPING_TOML, encoding="utf-8")
    return config


def cli(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str, str]:
    code = run(["-c", str(config), "mappings", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_table_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project(tmp_path)
    code, out, _ = cli(capsys, config, "list")
    assert code == 0
    assert "title" in out and "x_brand" in out and "image_1920" in out
    code, out, _ = cli(capsys, config, "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["local_field"] for r in rows[:2]] == ["title", "ean"]  # priority order
    assert rows[0] == {
        "local_field": "title", "odoo_field": "name", "odoo_model": "product.template",
        "mapping_type": "direct", "transform": None, "is_required": True,
        "is_bidirectional": True, "is_active": True, "priority": 100,
    }  # fmt: skip


def test_add_replace_remove_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = project(tmp_path)
    path = tmp_path / "mapping.toml"
    code, out, _ = cli(capsys, config, "add", "supplier_reference", "default_code",
                       "--priority", "10", "--one-way")  # fmt: skip
    assert code == 0 and "Added supplier_reference" in out
    added = next(m for m in load_mapping(path).fields if m.local_field == "supplier_reference")
    assert (added.odoo_field, added.priority, added.is_bidirectional) == ("default_code", 10, False)

    code, out, _ = cli(capsys, config, "add", "tax_rate", "taxes_id", "--transform", "taxes")
    assert code == 0
    tax = next(m for m in load_mapping(path).fields if m.local_field == "tax_rate")
    assert tax.mapping_type == "transform" and tax.transform == "taxes"

    code, out, _ = cli(capsys, config, "add", "supplier_reference", "x_supplier_ref", "--inactive")
    assert code == 0 and "Replaced" in out
    cfg = load_mapping(path)
    refs = [m for m in cfg.fields if m.local_field == "supplier_reference"]
    assert len(refs) == 1 and refs[0].mapping_type == "custom" and not refs[0].is_active

    code, _, _ = cli(capsys, config, "remove", "supplier_reference")
    assert code == 0
    assert all(m.local_field != "supplier_reference" for m in load_mapping(path).fields)
    code, out, _ = cli(capsys, config, "list", "--json")
    assert "supplier_reference" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "price", "list_price", "--transform", "decmal"], "did you mean 'decimal'?"),
        (["add", "brand", "brand", "--type", "custom"], "must start with x_"),
        (["add", "a", "b", "--model", "res.partner"], "'res.partner' is not supported"),
        (["add", "label", "name"], "'name' is already mapped from 'title'"),
    ],
)
def test_add_refuses_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    config = project(tmp_path)
    before = (tmp_path / "mapping.toml").read_text()
    code, _, err = cli(capsys, config, *args)
    assert code == 3
    assert message in err and "Traceback" not in err
    assert (tmp_path / "mapping.toml").read_text() == before


def test_remove_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, project(tmp_path), "remove", "nope")
    assert code == 2 and "no mapping for 'nope'" in err


def test_list_bad_mapping_names_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = '[[fields]]\nlocal_field = "p"\nodoo_field = "list_price"\nmapping_type = "transform"\n'
    bad += 'transform = "decmal"\n'
    code, _, err = cli(capsys, project(tmp_path, mapping=bad), "list")
    assert code == 3
    assert "mapping.toml: fields[0].transform: unknown transform 'decmal'" in err


# validate against the sandbox ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    with test_sandbox(seed="demo") as handle:
        yield handle


def example_project(tmp_path: Path, url: str, mapping: str | None = None) -> Path:
    shutil.copy(EXAMPLES / "products.csv", tmp_path / "products.csv")
    shutil.copytree(EXAMPLES / "images", tmp_path / "images")
    text = mapping if mapping is not None else (EXAMPLES / "mapping.toml").read_text()
    text = text.replace("All / Saleable", category_root(url))  # "Goods" on 19
    return project(tmp_path, url=url, mapping=text)


def test_validate_examples_pass(
    sandbox: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ODOOSYNC_PASSWORD", admin_secret(sandbox.url, "admin"))
    config = example_project(tmp_path, sandbox.url)
    code, out, _ = cli(capsys, config, "validate", "--json")
    document = json.loads(out)
    assert code == 0, document
    assert document["success"] is True and document["errors"] == 0
    assert set(document["categories"]) == {"Electronics", "Clothing", "Accessories"}
    assert all(document["categories"].values())
    assert document["taxes"] == {"15": 1, "20": 3, "5.5": 5}


def test_validate_reports_problems(
    sandbox: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ODOOSYNC_PASSWORD", admin_secret(sandbox.url, "admin"))
    text = (EXAMPLES / "mapping.toml").read_text()
    text = text.replace('"Accessories" = "All / Saleable / Accessories"', '"Accessories" = "Nope"')
    text = text.replace('"5.5" = "5.5%"', '"5.5" = "7%"')
    text += '\n[[fields]]\nlocal_field = "colour"\nodoo_field = "colour"\n'
    config = example_project(tmp_path, sandbox.url, text)
    code, out, _ = cli(capsys, config, "validate")
    assert code == 3
    assert "'Accessories' = 'Nope': no such Odoo category" in out
    assert "'5.5' = '7%': no such sale tax" in out
    assert "catalog has no column 'colour'" in out
    assert "product.template has no field 'colour'" in out


def test_validate_creates_custom_fields(
    sandbox: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ODOOSYNC_PASSWORD", admin_secret(sandbox.url, "admin"))
    text = (EXAMPLES / "mapping.toml").read_text().replace("is_active = false", "is_active = true")
    text = text.replace('odoo_field = "x_brand"', 'odoo_field = "x_brand_cli"')
    config = example_project(tmp_path, sandbox.url, text)
    code, out, _ = cli(capsys, config, "validate")
    assert code == 3
    assert "custom field 'x_brand_cli' does not exist" in out
    assert "--create-custom-fields" in out

    monkeypatch.setenv("ODOOSYNC_PASSWORD", admin_secret(sandbox.url, "viewer"))
    config.write_text(config.read_text().replace('username = "admin"', 'username = "viewer"'))
    code, out, _ = cli(capsys, config, "validate")
    assert code == 3

    code, out, _ = cli(capsys, config, "validate", "--create-custom-fields")
    assert code == 3 and "may not create fields" in out

    monkeypatch.setenv("ODOOSYNC_PASSWORD", admin_secret(sandbox.url, "admin"))
    config.write_text(config.read_text().replace('username = "viewer"', 'username = "admin"'))
    code, out, _ = cli(capsys, config, "validate", "--create-custom-fields")
    assert code == 0, out
    assert "created custom field product.template.x_brand_cli" in out
    fields = sandbox.execute("product.template", "fields_get", attributes=["type"])
    assert fields["x_brand_cli"]["type"] == "char"
    code, out, _ = cli(capsys, config, "validate", "--json")
    assert code == 0 and json.loads(out)["created_fields"] == []
