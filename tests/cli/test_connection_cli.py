"""test-connection, fields and status, in-process against the sandbox over a real socket."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.cli import run
from odoosync.errors import AuthenticationError, DatabaseNotFound, OdooError
from odoosync.history.store import History
from odoosync.odoo.connect import failure_hint
from odoosync.sandbox import SandboxHandle
from tests.support.export_env import QUICK_RETRIES, config_toml
from tests.support.transport import admin_secret_for_config, skip_on_json2

WRONG = "Wr0ng-Pa55word-xyz"


pytestmark = pytest.mark.usefixtures("secret_key")


@pytest.fixture
def sandbox(reused_sandbox: SandboxHandle) -> SandboxHandle:
    """One sandbox for the module: its tests leave no data another one reads."""
    return reused_sandbox


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """``-v`` adds a handler on the captured stderr to the "odoosync" logger; take it away."""
    logger = logging.getLogger("odoosync")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def write_config(
    tmp_path: Path,
    *,
    url: str,
    database: str = "odoosync",
    username: str = "admin",
    timeout: float = 5,
) -> Path:
    path = tmp_path / "odoosync.toml"
    text = config_toml(url, database, username=username, timeout=timeout, sync=QUICK_RETRIES)
    path.write_text(text, encoding="utf-8")
    return path


def invoke(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    config: Path,
    password: str,
    *args: str,
) -> tuple[int, str, str]:
    monkeypatch.setenv("ODOOSYNC_PASSWORD", admin_secret_for_config(config, password))
    code = run(["-c", str(config), *args])
    out, err = capsys.readouterr()
    return code, out, err


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# -- test-connection ----------------------------------------------------------------------------


@skip_on_json2("the sandbox version (17.0) in the answer")
def test_success_json(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    code, out, _ = invoke(capsys, mp, config, "admin", "test-connection", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["success"] is True
    assert doc["message"] == "Connection successful"
    assert doc["user_id"] == 2
    assert doc["odoo_version"].startswith("17.0")
    assert doc["database"] == sandbox.database
    assert doc["url"] == sandbox.url
    assert doc["checks"]["network"] and doc["checks"]["authentication"]
    assert doc["checks"]["database"]
    assert doc["checks"]["permissions"]["product.template"] == {
        "read": True,
        "create": True,
        "write": True,
    }
    assert "error_code" not in doc


@skip_on_json2("JSON-2 has no login to remember")
def test_success_remembers_the_uid_for_the_next_run_and_a_failure_does_not(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    assert invoke(capsys, mp, config, WRONG, "test-connection", "--json")[0] == 4
    assert not (tmp_path / "odoosync.db").exists()
    assert invoke(capsys, mp, config, "admin", "test-connection", "--json")[0] == 0
    with History(tmp_path / "odoosync.db") as history:
        assert history.known_uid(sandbox.url, sandbox.database, "admin") == 2
    sandbox.reset_calls()  # test-connection itself always logs in with the password
    assert invoke(capsys, mp, config, "admin", "test-connection", "--json")[0] == 0
    assert sandbox.calls()["common.authenticate"] == 1
    assert "res.users.read" not in sandbox.calls()


@skip_on_json2("the sandbox version (17.0) in the answer")
def test_success_human(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    code, out, err = invoke(capsys, mp, config, "admin", "test-connection")
    assert code == 0
    assert "✓ network: Odoo 17.0" in out
    assert "✓ authentication: uid 2" in out
    assert "✓ permissions on product.template: read, create, write" in out
    assert "✗" not in out
    assert "Connection successful." in out
    assert "Warning" not in err  # loopback http is not warned about


@skip_on_json2("Access Denied is XML-RPC's fault text (JSON-2: Invalid apikey)")
def test_wrong_password_exits_4(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    code, out, err = invoke(capsys, mp, config, WRONG, "test-connection")
    assert code == 4
    assert "✓ network" in out and "✗ authentication" in out
    assert "Error: Access Denied for 'admin' on database 'odoosync'" in err
    assert "check the username and password or API key" in err
    assert "Hint: If the user has two-factor authentication, use an API key" in err
    assert WRONG not in out + err


@skip_on_json2("Access Denied is XML-RPC's fault text (JSON-2: Invalid apikey)")
def test_wrong_password_json(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    code, out, _ = invoke(capsys, mp, config, WRONG, "test-connection", "--json")
    assert code == 4
    doc = json.loads(out)
    assert doc["success"] is False
    assert doc["error_code"] == "ACCESS_DENIED"
    assert doc["checks"]["network"] is True and doc["checks"]["authentication"] is False
    assert "API key" in doc["hint"]


@skip_on_json2("counts common.authenticate, XML-RPC's login call")
def test_the_database_check_never_uses_the_db_service(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    """db.list is disabled on Odoo Online (Access Denied): the checks must not need it."""
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    sandbox.reset_calls()
    code, out, _ = invoke(capsys, mp, config, "admin", "test-connection", "--json")
    assert code == 0 and json.loads(out)["checks"]["database"] is True
    assert sandbox.calls().get("common.authenticate") == 1
    assert not [name for name in sandbox.calls() if name.startswith("db.")]


@pytest.mark.parametrize(
    ("url", "error", "says"),
    [
        ("https://acme.odoo.com", AuthenticationError("Access Denied"), "Custom pricing plan"),
        ("https://odoo.acme.test", AuthenticationError("Access Denied"), "two-factor"),
        ("https://acme.odoo.com", DatabaseNotFound("no db"), "probably 'acme'"),
        ("https://odoo.acme.test", DatabaseNotFound("no db"), None),
    ],
)
def test_failure_hints_for_odoo_online(url: str, error: OdooError, says: str | None) -> None:
    hint = failure_hint(error, url)
    assert (hint is None) if says is None else (hint is not None and says in hint)


def test_unknown_database_exits_4(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database="Odoosync_Typo")
    code, out, _ = invoke(capsys, mp, config, "admin", "test-connection", "--json")
    assert code == 4
    doc = json.loads(out)
    assert doc["error_code"] == "DATABASE_NOT_FOUND"
    assert '"Odoosync_Typo"' in doc["message"]
    assert doc["checks"]["database"] is False


def test_closed_port_exits_5(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=f"http://127.0.0.1:{closed_port()}")
    code, out, err = invoke(capsys, mp, config, "admin", "test-connection")
    assert code == 5
    assert "✗ network" in out
    assert "Connection refused" in err
    code, out, _ = invoke(capsys, mp, config, "admin", "test-connection", "--json")
    assert code == 5
    assert json.loads(out)["error_code"] == "NETWORK"


@skip_on_json2("hangs common.authenticate, XML-RPC's login call")
def test_hanging_server_exits_5_within_the_timeout(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database, timeout=1)
    sandbox.inject("timeout", method="version", times=10, hang_seconds=4)
    start = time.monotonic()
    code, out, _ = invoke(capsys, mp, config, "admin", "test-connection", "--json")
    elapsed = time.monotonic() - start
    assert code == 5
    assert json.loads(out)["error_code"] == "TIMEOUT"
    # a diagnosis does not retry a call that timed out: one timeout of 1 s
    assert 1.0 <= elapsed < 1.8


@skip_on_json2("counts common.authenticate, XML-RPC's login call")
def test_502_then_success_is_retried(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    sandbox.inject("http_502", method="authenticate", times=1)
    code, out, _ = invoke(capsys, mp, config, "admin", "test-connection", "--json")
    assert code == 0, out
    assert json.loads(out)["success"] is True
    assert sandbox.calls().get("common.authenticate", 0) >= 1


def test_viewer_without_rights_exits_4_with_permissions(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database, username="viewer")
    code, out, _ = invoke(capsys, mp, config, "viewer", "test-connection", "--json")
    assert code == 4
    doc = json.loads(out)
    assert doc["error_code"] == "PERMISSION"
    assert doc["checks"]["authentication"] is True
    assert doc["checks"]["permissions"]["product.template"] == {
        "read": True,
        "create": False,
        "write": False,
    }
    assert "product.template" in doc["message"]
    code, out, _ = invoke(capsys, mp, config, "viewer", "test-connection")
    assert code == 4
    assert "✗ permissions on product.template: read (not create, write)" in out


@skip_on_json2("the masked password in the XML-RPC trace's arguments")
def test_password_never_in_any_output_verbose_included(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    key = sandbox.admin_api_key
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    code, out, err = invoke(capsys, mp, config, key, "-v", "test-connection")
    assert code == 0
    assert "odoosync.rpc" in err and "***" in err  # the trace is there, masked
    assert key not in out + err
    code, out, err = invoke(capsys, mp, config, WRONG, "-v", "test-connection", "--json")
    assert code == 4
    assert WRONG not in out + err


# -- fields -------------------------------------------------------------------------------------


def test_fields_json_sorted(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    code, out, _ = invoke(capsys, mp, config, "admin", "fields", "--json")
    assert code == 0
    rows = json.loads(out)
    names = [r["name"] for r in rows]
    assert names == sorted(names)
    by_name = {r["name"]: r for r in rows}
    assert by_name["name"] == {
        "name": "name",
        "label": "Name",
        "type": "char",
        "required": True,
        "relation": None,
    }
    assert by_name["categ_id"]["relation"] == "product.category"


def test_fields_custom_only_and_table(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    code, out, _ = invoke(capsys, mp, config, "admin", "fields", "--custom-only", "--json")
    assert code == 0
    assert all(r["name"].startswith("x_") for r in json.loads(out))
    code, out, _ = invoke(capsys, mp, config, "admin", "fields", "product.category")
    assert code == 0
    assert "complete_name" in out and "parent_id" in out


def test_fields_of_an_unknown_model_exits_3_naming_it(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    code, _, err = invoke(capsys, mp, config, "admin", "fields", "no.such.model")
    assert code == 3  # an input error, not a bug (exit 1)
    assert err.strip() == (
        "Error: Odoo has no model 'no.such.model'; odoosync fields lists product.template's "
        "fields by default."
    )


# -- status -------------------------------------------------------------------------------------


@skip_on_json2("the sandbox version (17.0) in the answer")
def test_status_without_history(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    code, out, _ = invoke(capsys, mp, config, "admin", "status")
    assert code == 0
    assert "✓ test: Odoo 17.0" in out
    assert "no runs yet" in out
    assert not (tmp_path / "odoosync.db").exists()  # status does not create the history


def test_status_with_history_json(
    sandbox: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=sandbox.url, database=sandbox.database)
    with History(tmp_path / "odoosync.db") as history:
        run_ = history.begin_run(
            direction="to_odoo", sync_type="full", triggered_by="manual", profile="test", options={}
        )
        history.finish_run(run_.batch_id, status="success", counts={"created": 3})
    code, out, _ = invoke(capsys, mp, config, "admin", "status", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["profile"] == "test"
    assert doc["connection"]["success"] is True
    assert doc["last_runs"]["to_odoo"]["batch_id"] == run_.batch_id
    assert doc["last_runs"]["to_odoo"]["created"] == 3
    assert doc["products_linked"] == 0
    assert doc["failures_pending_retry"] == []


def test_status_when_odoo_is_down_still_shows_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mp: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, url=f"http://127.0.0.1:{closed_port()}")
    code, out, err = invoke(capsys, mp, config, "admin", "status")
    assert code == 5
    assert "✗ test:" in out and "no runs yet" in out
    assert "Connection refused" in err


@pytest.fixture
def mp(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    return monkeypatch
