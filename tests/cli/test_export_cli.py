"""`odoosync export` and `odoosync retry`, in-process against the sandbox over a real socket."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from odoosync.cli import run
from odoosync.history.store import History
from odoosync.lock import ProfileLock
from tests.support.export_env import products, write_catalog
from tests.support.transport import skip_on_json2


def export_json(
    config: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any]]:
    code = run(["-c", str(config), "export", "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_export_json_is_one_document_with_the_spec_keys(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = export_json(config, capsys)
    assert code == 0
    assert doc["success"] is True
    assert doc["direction"] == "to_odoo"
    assert doc["batch_id"].startswith("sync_")
    assert (doc["created"], doc["products_found"]) == (12, 12)
    assert "products" not in doc


def test_duplicate_barcode_exits_6_and_retry_re_runs_the_failed_product(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = products(12)
    rows[3]["ean"] = rows[2]["ean"]
    write_catalog(config.parent / "products.csv", rows)
    code, doc = export_json(config, capsys)
    assert code == 6
    assert doc["success"] is False
    [error] = doc["errors"]
    assert error["product_id"] == "p-4"
    assert error["error_details"]["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert isinstance(error["error_details"]["existing_product_id"], int)

    rows[3]["ean"] = products(100)[99]["ean"]  # fixed in the catalog
    write_catalog(config.parent / "products.csv", rows)
    code = run(["-c", str(config), "retry", doc["batch_id"], "--json"])
    retried = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (retried["products_found"], retried["created"]) == (1, 1)
    with History(config.parent / "odoosync.db") as history:
        run_ = history.run(retried["batch_id"])
        assert run_ is not None
        assert (run_.triggered_by, run_.retry_of) == ("retry", doc["batch_id"])


def test_retry_of_a_clean_batch_says_so(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, doc = export_json(config, capsys)
    assert run(["-c", str(config), "retry", doc["batch_id"]]) == 0
    assert "no failed products" in capsys.readouterr().out


def test_retry_of_an_unknown_batch_exits_3(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["-c", str(config), "retry", "sync_19990101_000000"]) == 3
    assert "No batch" in capsys.readouterr().err


def test_dry_run_json_lists_changes(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = export_json(config, capsys, "--dry-run", "--details")
    assert code == 0
    assert doc["dry_run"] is True
    first = doc["products"][0]
    assert first["action"] == "create"
    assert first["changes"]["name"] == [None, "Product 1"]


def test_single_product_has_top_level_odoo_product_id(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc = export_json(config, capsys, "p-5")
    assert code == 0
    assert isinstance(doc["odoo_product_id"], int)
    assert doc["products"][0]["product_id"] == "p-5"
    assert "list_price" in doc["fields_synced"]


def test_filters_select_rows(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = export_json(config, capsys, "--supplier-id", "1", "--where", "title=Product 4")
    assert code == 0
    assert doc["products_found"] == 1


@skip_on_json2("Access Denied is XML-RPC's fault text (JSON-2: Invalid apikey)")
def test_wrong_password_exits_4(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ODOOSYNC_PASSWORD", "wrong")
    assert run(["-c", str(config), "export"]) == 4
    err = capsys.readouterr().err
    assert "Access Denied" in err
    assert "Traceback" not in err


def test_human_summary(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-c", str(config), "export"]) == 0
    out = capsys.readouterr().out
    assert "created" in out and "12" in out


@pytest.mark.parametrize("command", ["export", "sync", "import"])
def test_a_dry_run_writes_no_file_and_takes_no_lock(
    config: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    folder = config.parent
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert "odoosync.db" not in before
    code = run(["-c", str(config), command, "--dry-run", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["dry_run"] is True
    # export: the 12 catalog rows; import: Odoo's 5 seed products; sync: both
    assert doc["created"] == {"export": 12, "import": 5, "sync": 17}[command]
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before  # no db, no lock
    # with a history: read (the plan knows the links), not written, and no lock is needed
    assert run(["-c", str(config), "export", "--json"]) == 0
    capsys.readouterr()
    with ProfileLock(folder / "odoosync.db", "test").acquire(wait=None):  # a run holds it
        before = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir()}
        code = run(["-c", str(config), command, "--dry-run", "--json"])
        after = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir()}
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["created"] == {"export": 0, "import": 5, "sync": 5}[command]
    assert after == before


@pytest.mark.parametrize("command", ["export", "import", "sync"])
def test_quiet_prints_nothing_on_success(
    config: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    assert run(["-q", "-c", str(config), command]) == 0
    assert capsys.readouterr() == ("", "")


def test_quiet_prints_only_the_failures_on_stderr(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = products(12)
    rows[3]["ean"] = rows[2]["ean"]
    write_catalog(config.parent / "products.csv", rows)
    assert run(["-q", "-c", str(config), "export"]) == 6
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("p-4: ") and "barcode" in lines[0]
    assert lines[-1].startswith("1 product(s) failed: odoosync logs --batch sync_")


def test_details_lists_the_changes_and_counts_the_unchanged(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["-c", str(config), "export"]) == 0
    rows = products(12)
    rows[0]["price"] = "99.00"
    write_catalog(config.parent / "products.csv", rows)
    capsys.readouterr()
    assert run(["-c", str(config), "export", "--details"]) == 0
    out = capsys.readouterr().out
    assert "p-1 " in out and "sent: list_price" in out
    assert "│ unchanged" not in out
    assert "11 unchanged product(s) not listed: --json --details lists them." in out
