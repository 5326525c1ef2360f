"""Issue 13's hostile conditions, one test each, through the CLI in-process: a secret in the URL,
loose key-file permissions, misleading advice (dry-run categories, Ctrl-C, run-due when locked),
a server answering a uid over 2^31, huge fault texts and CSV cells, a locked or read-only
history, a BOM in odoosync.toml."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from odoosync.cli import run
from odoosync.errors import ExitCode, OdooFault
from odoosync.lock import ProfileLock
from odoosync.odoo.faults import classify_fault
from odoosync.sandbox import SandboxHandle
from tests.support.bad_inputs import NO_RETRY_CONFIG
from tests.support.transport import test_sandbox

CONFIG = NO_RETRY_CONFIG.replace("timeout = 10", "timeout = 5")

MAPPING = """\
[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true

[[fields]]
local_field = "description"
odoo_field = "description_sale"
"""

CATALOG = "id,title,description\np1,Widget,One\np2,Gadget,Two\n"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    with test_sandbox(seed="demo") as handle:
        yield handle


@pytest.fixture
def folder(sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith("ODOOSYNC_"):
            monkeypatch.delenv(name)
    (tmp_path / "odoosync.toml").write_text(CONFIG.replace("{url}", sandbox.url))
    (tmp_path / "mapping.toml").write_text(MAPPING)
    (tmp_path / "products.csv").write_text(CATALOG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ODOOSYNC_PASSWORD", sandbox.admin_api_key)
    return tmp_path


# ------------------------------------------------------------------------------ secrets


def test_config_show_masks_a_password_in_the_url(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = folder / "odoosync.toml"
    config.write_text(config.read_text().replace("http://", "http://bot:hunter2@"))
    assert run(["config", "show"]) == 0
    text = capsys.readouterr().out
    assert "hunter2" not in text and "bot:***@127.0.0.1" in text
    assert run(["config", "show", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    url = document["values"]["profiles.production.url"]["value"]
    assert url.startswith("http://bot:***@127.0.0.1") and "hunter2" not in json.dumps(document)


def test_a_loose_secret_key_file_and_folder_are_warned_about(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = folder / "xdg" / "odoosync" / "secret.key"
    key.parent.mkdir(parents=True, mode=0o700)
    key.write_text("a-key\n")
    key.chmod(0o644)
    key.parent.chmod(0o777)
    capsys.readouterr()
    assert run(["config", "show"]) == 0
    err = capsys.readouterr().err
    assert f"{key} is readable by other users (mode 0644)" in err
    assert f"{key.parent} (the folder of the secret key file) is open to other users" in err
    key.chmod(0o600)
    key.parent.chmod(0o700)
    assert run(["config", "show"]) == 0
    assert "Warning" not in capsys.readouterr().err


# ------------------------------------------------------------------------------ advice


def test_a_dry_run_plans_the_categories_the_export_would_create(
    folder: Path, sandbox: SandboxHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "mapping.toml").write_text(
        MAPPING
        + '\n[[fields]]\nlocal_field = "category"\nodoo_field = "categ_id"\n'
        + 'mapping_type = "transform"\ntransform = "category"\n'
        + "\n[options]\ncreate_missing_categories = true\n"
    )
    (folder / "products.csv").write_text(
        "id,title,description,category\np1,Widget,One,Brand New / Sub\n"
    )
    sandbox.reset_calls()
    assert run(["export", "--dry-run", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["failed"] == 0 and document["errors"] == []
    assert "create_missing_categories" not in json.dumps(document)
    assert "product.category.create" not in sandbox.calls()


def test_ctrl_c_advises_running_the_export_again(
    folder: Path, sandbox: SandboxHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "products.csv").write_text(
        "id,title,description\n" + "".join(f"c{i},Item {i},x\n" for i in range(300))
    )
    sandbox.inject("timeout", model="product.template", method="load", hang_seconds=2)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        code = run(["export"])
    finally:
        timer.cancel()
        sandbox.clear_faults()
    err = capsys.readouterr().err
    assert code == ExitCode.INTERRUPTED, err
    assert "run `odoosync export` again" in err
    assert "odoosync retry" not in err


def test_run_due_exits_7_when_every_due_schedule_was_locked(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["schedule", "add", "--name", "nightly", "--cron", "0 3 * * *"]) == 0
    with sqlite3.connect(folder / "odoosync.db") as conn:
        conn.execute("update schedules set created_at = '2000-01-01T00:00:00Z', last_run_at = null")
    capsys.readouterr()
    with ProfileLock(folder / "odoosync.db", "production", "export").acquire():
        assert run(["schedule", "run-due"]) == ExitCode.LOCKED
    assert "locked" in capsys.readouterr().out


# ------------------------------------------------------------------------------ servers


class _FakeOdoo(BaseHTTPRequestHandler):
    """Answers version, and authenticate with a uid no Odoo has (raw XML: xmlrpc.client
    refuses to marshal it)."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if "<methodName>version</methodName>" in body:
            value = (
                "<struct><member><name>server_version</name><value><string>17.0</string>"
                "</value></member><member><name>server_version_info</name><value><array><data>"
                "<value><int>17</int></value><value><int>0</int></value></data></array></value>"
                "</member><member><name>protocol_version</name><value><int>1</int></value>"
                "</member></struct>"
            )
        else:
            value = f"<int>{2**31 + 5}</int>"
        answer = (
            "<?xml version='1.0'?><methodResponse><params><param><value>"
            f"{value}</value></param></params></methodResponse>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("command", ["test-connection", "export"])
def test_a_uid_over_two_to_the_31_is_a_protocol_failure(
    folder: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOdoo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        config = folder / "odoosync.toml"
        config.write_text(CONFIG.replace("{url}", url))
        code = run([command])
    finally:
        server.shutdown()
        server.server_close()
    out, err = capsys.readouterr()
    assert code == ExitCode.ODOO_UNREACHABLE, out + err
    assert f"user id {2**31 + 5}" in out + err
    assert "Internal error" not in out + err


def test_a_20_mb_fault_text_is_cut_with_a_note() -> None:
    text = "Traceback (most recent call last):\n" + "x" * 20_000_000 + "\nValueError: " + "y" * 5000
    started = time.monotonic()
    error = classify_fault(1, text)
    assert time.monotonic() - started < 2
    assert isinstance(error, OdooFault)
    assert len(error.message) < 3000 and len(error.odoo_message or "") < 3000
    assert "more characters" in (error.odoo_message or "")


# ------------------------------------------------------------------------------ files


def test_a_10_mb_csv_cell_is_accepted_as_in_json(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "products.csv").write_text(f"id,title,description\np1,Widget,{'d' * 10_000_000}\n")
    assert run(["export", "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["products_found"] == 1


def test_a_bom_in_odoosync_toml_is_accepted(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = folder / "odoosync.toml"
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes())
    assert run(["config", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["profile"] == "production"


def test_a_history_locked_by_another_process_is_exit_3_after_the_timeout(
    folder: Path,
    sandbox: SandboxHandle,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run(["logs"]) == 0  # creates the history
    other = sqlite3.connect(folder / "odoosync.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    monkeypatch.setenv("ODOOSYNC_HISTORY_TIMEOUT", "0.3")
    sandbox.reset_calls()
    capsys.readouterr()
    try:
        started = time.monotonic()
        code = run(["export"])
        elapsed = time.monotonic() - started
    finally:
        other.rollback()
        other.close()
    err = capsys.readouterr().err
    assert code == ExitCode.CONFIG, err
    assert "locked by another process (waited 0.3 s)" in err
    assert elapsed < 3
    assert not any(k.endswith((".load", ".write", ".create")) for k in sandbox.calls())


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_history_is_refused_without_leaving_a_read_only_shm(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["logs"]) == 0
    for name in ("odoosync.db-shm", "odoosync.db-wal"):
        (folder / name).unlink(missing_ok=True)
    (folder / "odoosync.db").chmod(0o444)
    assert run(["logs"]) == ExitCode.CONFIG
    assert "read-only" in capsys.readouterr().err
    assert not (folder / "odoosync.db-shm").exists()
    (folder / "odoosync.db").chmod(0o644)
    assert run(["logs"]) == 0
