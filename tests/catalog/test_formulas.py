"""Formula neutralisation in CSV catalogs: written with a leading ', read back without it."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from odoosync.catalog.csv import CsvCatalog
from odoosync.catalog.formulas import neutralise, restore
from odoosync.cli import run
from odoosync.sandbox import SandboxHandle, serve

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "'=already quoted",
    "''=twice",
    "'plain quote",
    "plain",
    "",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_and_restore_are_inverse(value: str) -> None:
    written = neutralise(value)
    assert restore(written) == value
    if written and written[0] in "=+-@\t\r":
        pytest.fail(f"{written!r} would run as a formula")


def test_numbers_are_never_touched() -> None:
    assert neutralise(-5.0) == -5.0
    assert neutralise(-3) == -3


def test_a_csv_catalog_round_trips_formula_like_text(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    catalog = CsvCatalog(path)
    # a lone CR is left out: csv.writer does not quote it with a "\n" line terminator (a
    # separate defect of the CSV writer, reported)
    values = [v for v in HOSTILE if "\r" not in v]
    catalog.apply({}, [{"id": f"p{i}", "name": v, "price": -1.5} for i, v in enumerate(values)])
    with path.open(newline="", encoding="utf-8") as handle:
        cells = [row["name"] for row in csv.DictReader(handle)]
    assert all(not c or c[0] not in "=+-@\t\r" for c in cells), cells
    assert [row["name"] for row in catalog.iter_rows()] == values
    assert {row["price"] for row in catalog.iter_rows()} == {"-1.5"}


def test_the_option_off_writes_verbatim(tmp_path: Path) -> None:
    path = tmp_path / "products.csv"
    CsvCatalog(path, neutralise_formulas=False).apply({}, [{"id": "p1", "name": "=1+1"}])
    assert "\n=1+1" in path.read_text().replace("p1,", "\n")


CONFIG = """\
default_profile = "production"

[profiles.production]
name = "Production"
url = "{url}"
database = "odoosync"
username = "admin"

[catalog]
path = "products.csv"

[mapping]
path = "mapping.toml"

[history]
path = "odoosync.db"
"""

MAPPING = """\
[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true

[[fields]]
local_field = "reference"
odoo_field = "default_code"
"""


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxHandle]:
    for name in list(os.environ):
        if name.startswith("ODOOSYNC_"):
            monkeypatch.delenv(name)
    with serve(seed="demo") as handle:
        (tmp_path / "odoosync.toml").write_text(CONFIG.replace("{url}", handle.url))
        (tmp_path / "mapping.toml").write_text(MAPPING)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
        monkeypatch.setenv("ODOOSYNC_PASSWORD", handle.admin_api_key)
        yield handle


def test_import_then_export_sends_odoo_what_it_had(sandbox: SandboxHandle, tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://evil.example","click")'
    [pid] = sandbox.execute("product.template", "create", [{"name": evil, "default_code": "@ref"}])
    assert run(["import"]) == 0
    text = (tmp_path / "products.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@ref" in text
    assert "\n=" not in text and ",=" not in text and ",@" not in text
    sandbox.reset_calls()
    assert run(["export"]) == 0
    calls = sandbox.calls()
    assert not any(k.endswith((".write", ".load", ".create")) for k in calls), calls
    [record] = sandbox.execute("product.template", "read", [pid], ["name", "default_code"])
    assert (record["name"], record["default_code"]) == (evil, "@ref")
