"""``transport`` from the command line (SPEC §8): test-connection, status and a run's ``--json``
say which transport was used; ``auto`` picks JSON-2 on a 19.0 sandbox with an API key, XML-RPC
on 17.0 or with a password (and then a one-line hint); ``transport`` in the profile and
``ODOOSYNC_TRANSPORT`` force one."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.cli import run
from odoosync.sandbox import SandboxHandle, serve

MAPPING = """\
[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true

[[fields]]
local_field = "price"
odoo_field = "list_price"
mapping_type = "transform"
transform = "decimal"
"""


@pytest.fixture(scope="module")
def odoo19() -> Iterator[SandboxHandle]:
    with serve(odoo_version="19.0", seed="demo") as handle:
        yield handle


@pytest.fixture(scope="module")
def odoo17() -> Iterator[SandboxHandle]:
    with serve(odoo_version="17.0", seed="demo") as handle:
        yield handle


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("ODOOSYNC_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("ODOOSYNC_KEY_FILE", str(tmp_path / "secret.key"))
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    logger = logging.getLogger("odoosync")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def write_config(tmp_path: Path, odoo: SandboxHandle, transport: str | None = None) -> Path:
    line = f'transport = "{transport}"\n' if transport else ""
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "products.csv").write_text(
        "id,title,price\np-1,Transport One,3.50\np-2,Transport Two,4.50\n", encoding="utf-8"
    )
    config = tmp_path / "odoosync.toml"
    config.write_text(
        f"""\
[profiles.test]
url = "{odoo.url}"
database = "{odoo.database}"
username = "admin"
timeout = 5
{line}
[catalog]
path = "products.csv"

[sync]
max_retries = 1
max_retry_wait = 0.5
""",
        encoding="utf-8",
    )
    return config


def invoke(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    config: Path,
    secret: str,
    *args: str,
) -> tuple[int, Any, str]:
    monkeypatch.setenv("ODOOSYNC_PASSWORD", secret)
    code = run(["-c", str(config), *args])
    out, err = capsys.readouterr()
    return code, json.loads(out) if "--json" in args else out, err


def test_auto_with_an_api_key_on_19_is_json2(
    odoo19: SandboxHandle, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    odoo19.reset_calls()
    config = write_config(tmp_path, odoo19)
    code, doc, err = invoke(
        capsys, monkeypatch, config, odoo19.admin_api_key, "test-connection", "--json"
    )
    assert code == 0 and doc["success"] is True
    assert doc["transport"] == "json2" and doc["odoo_version"] == "19.0"
    assert "warnings" not in doc and "API key" not in err
    # auto asks the version over XML-RPC (7 ms on Odoo 17; its GET /web/version is a slow 404)
    assert odoo19.calls("json2") and odoo19.calls("xmlrpc") == {"common.version": 1}


def test_auto_on_17_is_xmlrpc(
    odoo17: SandboxHandle, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, odoo17)
    code, doc, _ = invoke(capsys, monkeypatch, config, "admin", "test-connection", "--json")
    assert code == 0 and doc["transport"] == "xmlrpc"
    assert doc["odoo_version"] == "17.0"


def test_a_password_on_19_works_over_xmlrpc_with_a_hint(
    odoo19: SandboxHandle, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, odoo19)
    code, doc, err = invoke(capsys, monkeypatch, config, "admin", "test-connection", "--json")
    assert code == 0 and doc["transport"] == "xmlrpc"
    [hint] = doc["warnings"]
    assert "API key" in hint and "JSON-2" in hint and "\n" not in hint
    assert hint in err
    code, out, err = invoke(capsys, monkeypatch, config, "admin", "test-connection")
    assert code == 0 and err.count("API key") >= 1
    assert f"network: Odoo 19.0 at {odoo19.url} (XML-RPC)" in out


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [("file", "xmlrpc", "xmlrpc"), ("env", "xmlrpc", "xmlrpc"), ("file", "json2", "json2")],
)
def test_transport_can_be_forced(
    odoo19: SandboxHandle,
    tmp_path: Path,
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    value: str,
    expected: str,
) -> None:
    config = write_config(tmp_path, odoo19, value if where == "file" else None)
    if where == "env":
        monkeypatch.setenv("ODOOSYNC_TRANSPORT", value)
    code, doc, _err = invoke(
        capsys, monkeypatch, config, odoo19.admin_api_key, "test-connection", "--json"
    )
    assert code == 0 and doc["transport"] == expected
    assert "warnings" not in doc  # forced, not a password fallback: no hint


def test_json2_forced_on_17_exits_5_naming_the_fix(
    odoo17: SandboxHandle, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, odoo17, "json2")
    code, doc, _ = invoke(capsys, monkeypatch, config, "admin", "test-connection", "--json")
    assert code == 5 and doc["success"] is False
    assert doc["transport"] == "json2" and 'transport = "xmlrpc"' in doc["message"]


@pytest.mark.parametrize("where", ["file", "env"])
def test_an_unknown_transport_is_a_config_error(
    odoo19: SandboxHandle,
    tmp_path: Path,
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    config = write_config(tmp_path, odoo19, "jsonrpc" if where == "file" else None)
    if where == "env":
        monkeypatch.setenv("ODOOSYNC_TRANSPORT", "jsonrpc")
    code, _out, err = invoke(capsys, monkeypatch, config, "admin", "test-connection")
    assert code == 3  # a configuration error
    assert "auto, xmlrpc, json2" in err
    assert ("ODOOSYNC_TRANSPORT" if where == "env" else "profiles.test.transport") in err


def test_status_and_runs_report_the_transport(
    odoo19: SandboxHandle, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, odoo19)
    key = odoo19.admin_api_key
    code, doc, _ = invoke(capsys, monkeypatch, config, key, "status", "--json")
    assert code == 0 and doc["connection"]["transport"] == "json2"
    code, out, _ = invoke(capsys, monkeypatch, config, key, "status")
    assert code == 0 and "uid 2, JSON-2)" in out
    code, doc, _ = invoke(capsys, monkeypatch, config, key, "export", "--json")
    assert code == 0 and doc["transport"] == "json2" and doc["created"] == 2
    code, doc, _ = invoke(capsys, monkeypatch, config, "admin", "export", "--json")
    assert code == 0 and doc["transport"] == "xmlrpc" and doc["unchanged"] == 2
    code, doc, _ = invoke(capsys, monkeypatch, config, key, "import", "--json")
    assert code == 0 and doc["transport"] == "json2"
    code, doc, _ = invoke(capsys, monkeypatch, config, key, "sync", "--json")
    assert code == 0 and doc["transport"] == "json2"


def test_config_show_lists_the_transport(
    odoo19: SandboxHandle, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path, odoo19, "json2")
    code, doc, _ = invoke(capsys, monkeypatch, config, "admin", "config", "show", "--json")
    assert code == 0
    assert doc["values"]["profiles.test.transport"] == {"value": "json2", "source": "file"}
