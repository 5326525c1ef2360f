"""``odoosync import`` and ``odoosync sync`` through the CLI, against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from odoosync.catalog.formats import open_catalog
from odoosync.cli import run
from tests.support.pull_env import PullSetup
from tests.support.transport import admin_secret, test_sandbox

SPEC_KEYS = {
    "success", "batch_id", "direction", "dry_run", "products_found", "created", "updated",
    "unchanged", "failed", "skipped", "conflicts", "duration_ms", "transport", "errors",
}  # fmt: skip


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PullSetup]:
    with test_sandbox(seed="demo") as sandbox:
        monkeypatch.setenv("ODOOSYNC_PASSWORD", admin_secret(sandbox.url))
        yield PullSetup(tmp_path, sandbox)


def cli(setup: PullSetup, *args: str) -> int:
    return run(["-c", str(setup.config), *args])


def test_import_json_is_the_spec_document(
    setup: PullSetup, capsys: pytest.CaptureFixture[str]
) -> None:
    electronics = setup.category("Electronics")
    assert cli(setup, "import", "--categ-id", str(electronics), "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == SPEC_KEYS
    assert document["direction"] == "from_odoo" and document["created"] == 2
    assert document["batch_id"].startswith("import_")


def test_import_dry_run_prints_the_plan(
    setup: PullSetup, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(setup, "import", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "Plan import_" in out and "Dry run" in out
    assert not setup.catalog_path.exists()


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("[[", "not valid JSON"),
        ('[["name", "~", 1]]', "unknown operator '~'"),
        ('["|", ["name", "=", 1]]', "incomplete"),
        ('[["no_such_field", "=", 1]]', "'no_such_field' does not exist"),
    ],
)
def test_a_malformed_domain_exits_3_naming_the_problem(
    setup: PullSetup, capsys: pytest.CaptureFixture[str], domain: str, message: str
) -> None:
    assert cli(setup, "import", "--domain", domain) == 3
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_sync_exit_codes(setup: PullSetup, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(setup, "import", "--json") == 0
    capsys.readouterr()
    assert cli(setup, "sync", "--json") == 0
    assert set(json.loads(capsys.readouterr().out)) == SPEC_KEYS
    mouse = setup.template("Wireless Mouse")
    open_catalog(setup.catalog_path, key="id").apply(
        {f"odoo-{mouse}": {"title": "Mouse (local)"}}, []
    )
    setup.sandbox.execute("product.template", "write", [mouse], {"name": "Mouse (odoo)"})
    capsys.readouterr()
    assert cli(setup, "sync", "--conflict", "skip", "--json") == 6
    document = json.loads(capsys.readouterr().out)
    assert set(document) == SPEC_KEYS
    assert document["direction"] == "bidirectional" and document["conflicts"] == 1
    assert document["success"] is False
    assert cli(setup, "sync", "--conflict", "odoo") == 0
    assert "Sync bisync_" in capsys.readouterr().out


def test_sync_refuses_an_unknown_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sync", "--conflict", "oldest"]) == 2
    assert "--conflict 'oldest'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["import", "sync"])
def test_help_has_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run([command, "--help"]) == 0
    assert f"Example: odoosync {command}" in capsys.readouterr().out


def test_sync_summary_says_what_moved_and_how_a_conflict_was_resolved(
    setup: PullSetup, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # no wrapped cells
    assert cli(setup, "import") == 0
    mouse, charger = setup.template("Wireless Mouse"), setup.template("USB-C Charger 65W")
    setup.sandbox.execute("product.template", "write", [charger], {"name": "Charger (odoo)"})
    setup.sandbox.execute("product.template", "write", [mouse], {"name": "Mouse (odoo)"})
    open_catalog(setup.catalog_path, key="id").apply(
        {f"odoo-{mouse}": {"title": "Mouse (local)"}}, []
    )
    capsys.readouterr()
    assert cli(setup, "sync", "--conflict", "local") == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"odoo-{charger} │ update │ {charger} │ pulled from Odoo" in out
    assert (
        f"odoo-{mouse} │ conflict │ {mouse} │ both sides changed (title: catalog "
        "'Mouse (local)', Odoo 'Mouse (odoo)'); policy local kept the catalog's values: pushed "
        "to Odoo"
    ) in out
