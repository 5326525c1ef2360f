"""Every bad input a user can give, through the CLI, against one sandbox.

Table-driven: argv + files (+ environment) -> exit code (SPEC §2.1) + a fragment of the one-line
message on stderr + no "Traceback" + the password nowhere in the output + nothing changed (catalog
bytes, Odoo products, history log entries and links). With ``--json``, stdout holds exactly one
JSON document, also when the command fails.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from odoosync.cli import run
from odoosync.config.settings import load_settings
from odoosync.sandbox import SandboxHandle
from odoosync.secrets import Secret, store_password
from tests.support.bad_inputs import NO_RETRY_CONFIG, sub
from tests.support.export_env import mapping_toml
from tests.support.transport import skip_on_json2, test_sandbox


def text_of_17(case: str) -> list[pytest.MarkDecorator]:
    """An unknown database is named in Odoo 17's XML-RPC fault text; a 19 server found through
    JSON-2 gets the client's own DATABASE_NOT_FOUND message instead."""
    if case != "unknown database":
        return []
    return [skip_on_json2("Odoo 17's XML-RPC fault text for an unknown database")]


CONFIG = NO_RETRY_CONFIG

MAPPING = mapping_toml("title", "ean", "price", changes={"ean": {"priority": None}})

CATALOG = "id,title,ean,price\np1,Widget,4006381333931,12.50\np2,Gadget,,3.00\n"


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    code: int
    fragment: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    env: dict[str, str | None] = field(default_factory=dict)
    #: store the password encrypted under this ODOOSYNC_SECRET_KEY before the command
    stored_under_key: str | None = None
    #: the command takes --json: run it a second time with --json and check the document
    json: bool = True


CASES = [
    # -------------------------------------------------------------- odoosync.toml
    Case("missing config", ("-c", "nope.toml", "export"), 3, "config file not found"),
    Case(
        "toml syntax error",
        ("export",),
        3,
        "invalid TOML",
        files={"odoosync.toml": "[profiles.production\nurl = 1\n"},
    ),
    Case(
        "unknown key",
        ("export",),
        3,
        "profiles.production.timeoutt: unknown key",
        files={"odoosync.toml": sub(CONFIG, "timeout = 10", "timeoutt = 10")},
    ),
    Case(
        "url without scheme",
        ("test-connection",),
        3,
        "has no scheme",
        files={"odoosync.toml": sub(CONFIG, 'url = "{url}"', 'url = "127.0.0.1:8069"')},
    ),
    Case(
        "odoo online /odoo path",
        ("test-connection",),
        3,
        "has a path",
        files={"odoosync.toml": sub(CONFIG, 'url = "{url}"', 'url = "https://x.odoo.com/odoo"')},
    ),
    Case(
        "password in clear",
        ("export",),
        3,
        "clear text",
        files={"odoosync.toml": sub(CONFIG, "timeout = 10", 'timeout = 10\npassword = "{pw}"')},
    ),
    Case(
        "unknown profile",
        ("-p", "staging", "export"),
        3,
        'no profile named "staging"',
    ),
    Case(
        "bad batch_size type",
        ("export",),
        3,
        "sync.batch_size",
        files={"odoosync.toml": sub(CONFIG, "max_retries = 0", 'batch_size = "ten"')},
    ),
    # -------------------------------------------------------------- Odoo refuses / unreachable
    Case("wrong password", ("export",), 4, "Access Denied", env={"ODOOSYNC_PASSWORD": "wrong"}),
    Case(
        "unknown database",
        ("import",),
        4,
        'Database "nodb" does not exist',
        files={"odoosync.toml": sub(CONFIG, 'database = "odoosync"', 'database = "nodb"')},
    ),
    Case(
        "closed port",
        ("test-connection",),
        5,
        "Connection refused",
        files={"odoosync.toml": sub(CONFIG, 'url = "{url}"', 'url = "http://127.0.0.1:9"')},
    ),
    # -------------------------------------------------------------- secrets
    Case(
        "wrong secret key after set-password",
        ("export",),
        3,
        "another secret key",
        env={"ODOOSYNC_PASSWORD": None, "ODOOSYNC_SECRET_KEY": "key-b"},
        stored_under_key="key-a",
    ),
    Case(
        "corrupted secrets file",
        ("sync",),
        3,
        "the secrets file is corrupted",
        files={"odoosync.secrets.toml": "garbage [[["},
        env={"ODOOSYNC_PASSWORD": None, "ODOOSYNC_SECRET_KEY": "key-a"},
    ),
    Case(
        "no password and no terminal",
        ("test-connection",),
        3,
        "No password for profile 'production'",
        env={"ODOOSYNC_PASSWORD": None, "ODOOSYNC_SECRET_KEY": "key-a"},
    ),
    # -------------------------------------------------------------- mapping.toml
    Case(
        "unknown transform",
        ("export",),
        3,
        "fields[2].transform: unknown transform 'decimall'",
        files={"mapping.toml": sub(MAPPING, '"decimal"', '"decimall"')},
    ),
    Case(
        "bad mapping type",
        ("export",),
        3,
        "fields[0].priority",
        files={"mapping.toml": sub(MAPPING, "priority = 100", 'priority = "high"')},
    ),
    # -------------------------------------------------------------- the catalog
    Case(
        "ragged csv row",
        ("export",),
        3,
        "line 2 has 5 values",
        files={"products.csv": "id,title,ean,price\np1,A,,1.0,EXTRA\n"},
    ),
    Case(
        "bad utf-8",
        ("sync",),
        3,
        "not valid UTF-8",
        files={"products.csv": b"id,title,ean,price\np1,Wid\xffget,,1.0\n"},
    ),
    Case(
        "duplicate keys",
        ("import",),
        3,
        "duplicate key 'p1'",
        files={"products.csv": "id,title,ean,price\np1,A,,1.0\np1,B,,2.0\n"},
    ),
    Case(
        "missing key column",
        ("export",),
        3,
        "no key column 'id'",
        files={"products.csv": "sku,title,ean,price\np1,A,,1.0\n"},
    ),
    # -------------------------------------------------------------- flags
    Case("bad --since on import", ("import", "--since", "2025-13-45"), 2, "--since '2025-13-45'"),
    Case(
        "bad --modified-since",
        ("export", "--modified-since", "yesterday"),
        2,
        "--modified-since 'yesterday'",
    ),
    Case("bad --since on logs", ("logs", "--since", "nope"), 2, "--since 'nope'"),
    Case("bad --where", ("export", "--where", "foo"), 2, "expected FIELD=VALUE"),
    Case("bad --conflict", ("sync", "--conflict", "bogus"), 2, "--conflict 'bogus'"),
    Case("non-numeric --supplier-id", ("export", "--supplier-id", "abc"), 2, "--supplier-id"),
    Case(
        "unknown --where column",
        ("export", "--where", "nosuchcol=1"),
        3,
        "filter 'nosuchcol': the catalog has no such column; its columns are id, title, ean, price",
    ),
    Case("unknown product id", ("export", "nosuch"), 3, "no product with id 'nosuch'"),
    Case(
        "unknown product ids",
        ("export", "p1", *(f"x{i}" for i in range(12))),
        3,
        "'x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9' and 2 more",
    ),
    Case("bad --batch-size", ("export", "--batch-size", "0"), 2, "--batch-size"),
    Case("bad --domain", ("import", "--domain", "[("), 3, "--domain is not valid JSON"),
    # -------------------------------------------------------------- schedules and history
    Case(
        "cron with three fields",
        ("schedule", "add", "--name", "a", "--cron", "* * *"),
        3,
        "Invalid cron expression '* * *'",
    ),
    Case(
        "cron out of range",
        ("schedule", "add", "--name", "a", "--cron", "61 * * * *"),
        3,
        "Invalid cron expression '61 * * * *'",
    ),
    Case("schedule run unknown id", ("schedule", "run", "999"), 3, "No schedule with id 999"),
    Case(
        "schedule toggle unknown id",
        ("schedule", "toggle", "999"),
        3,
        "No schedule with id 999",
        json=False,
    ),
    Case("logs show unknown id", ("logs", "show", "99999"), 3, "No log entry with id 99999"),
    Case("retry unknown batch", ("retry", "nosuch_batch"), 3, "No batch 'nosuch_batch'"),
    Case(
        "non-numeric schedule supplier_id",
        ("schedule", "add", "--name", "s", "--cron", "0 3 * * *", "--filter", "supplier_id=x"),
        3,
        "supplier_id='x'",
    ),
]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    with test_sandbox(seed="demo") as handle:
        yield handle


@dataclass
class Folder:
    path: Path
    sandbox: SandboxHandle
    password: str

    def snapshot(self) -> tuple[bytes | None, int, int, int]:
        """Catalog bytes, Odoo product count, history log entries and links."""
        catalog = self.path / "products.csv"
        products = self.sandbox.execute(
            "product.template", "search_count", [], context={"active_test": False}
        )
        entries = links = 0
        db = self.path / "odoosync.db"
        if db.exists():
            with sqlite3.connect(db) as conn:
                entries = conn.execute("SELECT count(*) FROM sync_log").fetchone()[0]
                links = conn.execute("SELECT count(*) FROM links").fetchone()[0]
        return (catalog.read_bytes() if catalog.exists() else None), products, entries, links


@pytest.fixture
def folder(sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Folder:
    password = sandbox.admin_api_key
    (tmp_path / "odoosync.toml").write_text(CONFIG.format(url=sandbox.url, pw=password))
    (tmp_path / "mapping.toml").write_text(MAPPING)
    (tmp_path / "products.csv").write_text(CATALOG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ODOOSYNC_PASSWORD", password)
    return Folder(tmp_path, sandbox, password)


def _prepare(case: Case, folder: Folder, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, content in case.files.items():
        target = folder.path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(
                content.replace("{url}", folder.sandbox.url).replace("{pw}", folder.password)
            )
    if case.stored_under_key is not None:
        settings = load_settings(folder.path / "odoosync.toml", env={})
        store_password(
            settings, Secret(folder.password), env={"ODOOSYNC_SECRET_KEY": case.stored_under_key}
        )
    for name, value in case.env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def _check(case: Case, folder: Folder, capsys: pytest.CaptureFixture[str], *, json_: bool) -> None:
    before = folder.snapshot()
    argv = [*case.argv, "--json"] if json_ else list(case.argv)
    code = run(argv)
    out, err = capsys.readouterr()
    assert code == case.code, (argv, out, err)
    # test-connection --json reports an Odoo failure in its own document only
    assert case.fragment in err or (json_ and case.fragment in out), err
    assert "Traceback" not in out + err
    assert folder.password not in out + err
    assert folder.snapshot() == before, "a failed command changed the catalog, Odoo or history"
    if json_:
        document = json.loads(out)  # exactly one document: json.loads refuses trailing text
        assert document["success"] is False
        assert document.get("exit_code", case.code) == case.code
        assert case.fragment in document["message"]
    else:
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) <= 3, err  # one message (click's usage errors: usage, hint, message)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=text_of_17(c.id)) for c in CASES])
def test_bad_input_is_refused_cleanly(
    case: Case,
    folder: Folder,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _prepare(case, folder, monkeypatch)
    _check(case, folder, capsys, json_=False)


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id, marks=text_of_17(c.id)) for c in CASES if c.json]
)
def test_json_failure_is_one_document(
    case: Case,
    folder: Folder,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _prepare(case, folder, monkeypatch)
    _check(case, folder, capsys, json_=True)


def test_json_is_not_doubled_when_the_command_wrote_its_document(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder.path / "products.csv").write_text("id,title,ean,price\np9,Bad EAN,4006381333932,1\n")
    assert run(["export", "--json"]) == 6
    document = json.loads(capsys.readouterr().out)
    assert document["failed"] == 1 and "batch_id" in document


def test_config_check_reports_a_corrupted_secrets_file_and_goes_on(
    folder: Folder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ODOOSYNC_PASSWORD")
    (folder.path / "odoosync.secrets.toml").write_text("garbage [[[")
    assert run(["config", "check", "--json"]) == 3
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["secrets"]["status"] == "error"
    assert "corrupted" in checks["secrets"]["message"]
    assert checks["password"]["status"] == "error"
    assert checks["catalog"]["status"] == "ok"  # the other checks still ran


def test_config_check_does_not_call_an_undecryptable_password_ok(
    folder: Folder, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(folder.path / "odoosync.toml", env={})
    store_password(settings, Secret(folder.password), env={"ODOOSYNC_SECRET_KEY": "key-a"})
    monkeypatch.delenv("ODOOSYNC_PASSWORD")
    monkeypatch.setenv("ODOOSYNC_SECRET_KEY", "key-b")
    assert run(["config", "check"]) == 3
    out = capsys.readouterr().out
    assert "[FAIL] secrets:" in out and "another secret key" in out
    assert "[FAIL] password:" in out
    assert folder.password not in out


@skip_on_json2("the masked password in the XML-RPC trace's arguments")
def test_verbose_trace_masks_the_password(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["-v", "export", "--json"]) in (0, 6)
    out, err = capsys.readouterr()
    json.loads(out)
    assert "odoosync.rpc" in err and "***" in err
    assert folder.password not in out + err


@pytest.mark.parametrize(
    ("env", "code", "reason"),
    [
        ({"ODOOSYNC_PASSWORD": "wrong"}, 4, "Access Denied"),
        pytest.param(
            {"ODOOSYNC_DATABASE": "nosuchdb"},
            4,
            'Database "nosuchdb" does not exist',
            marks=text_of_17("unknown database"),
        ),
        ({"ODOOSYNC_URL": "http://127.0.0.1:9"}, 5, ""),
    ],
    ids=["wrong password", "unknown database", "closed port"],
)
def test_a_refused_run_keeps_its_audit_row_with_the_reason(
    folder: Folder,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    code: int,
    reason: str,
) -> None:
    """A run refused at its start keeps its ``failed`` row, now with the reason: the history is
    the audit trail of who tried to sync what and when (a nightly cron failing on an expired API
    key must show, not leave the last success looking like the last attempt), and
    ``odoosync status`` says why the last export failed."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert run(["export"]) == code
    err = capsys.readouterr().err
    message = err.removeprefix("Error: ").splitlines()[0]
    with sqlite3.connect(folder.path / "odoosync.db") as conn:
        rows = conn.execute("SELECT status, error, options FROM runs").fetchall()
    [(status, stored, options)] = rows
    assert status == "failed"
    assert reason in stored and stored in message  # the message the user saw
    assert folder.password not in stored + options

    for name in env:
        monkeypatch.delenv(name)
    monkeypatch.setenv("ODOOSYNC_PASSWORD", folder.password)
    assert run(["status"]) == 0
    assert f"Last export failed: {stored} (sync_" in capsys.readouterr().out
    assert run(["status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["last_runs"]["to_odoo"]["error"] == stored
