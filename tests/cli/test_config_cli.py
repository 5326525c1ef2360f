"""init, config show/check/set-password/rotate-key through odoosync.cli.run."""

from __future__ import annotations

import io
import json
import stat
import sys
from pathlib import Path

import pytest

from odoosync.cli import run
from odoosync.config.settings import load_settings

PASSWORD = "Tr0ub4dor&3-api-key"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ODOOSYNC_KEY_FILE", str(tmp_path / "keys" / "secret.key"))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal
    monkeypatch.chdir(tmp_path)


def init_project(tmp_path: Path) -> Path:
    code = run(
        [
            "init",
            "--url",
            "https://acme.odoo.com/",
            "--database",
            "acme",
            "--username",
            "bot@acme.com",
        ]
    )
    assert code == 0
    (tmp_path / "products.csv").write_text("id,title,ean\np-1,Lamp,3700123456789\n")
    return tmp_path / "odoosync.toml"


def set_password(monkeypatch: pytest.MonkeyPatch, value: str = PASSWORD) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(value + "\n"))
    return run(["config", "set-password", "--stdin"])


def test_init_writes_both_files_and_refuses_to_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = init_project(tmp_path)
    mapping = tmp_path / "mapping.toml"
    assert config.exists() and mapping.exists()
    settings = load_settings(config, env={})
    assert settings.profile.url == "https://acme.odoo.com"
    assert settings.profile.database == "acme"
    assert 'local_field = "title"' in mapping.read_text()
    capsys.readouterr()

    config.write_text(config.read_text() + "# mine\n")
    assert run(["init", "--url", "https://other.example.com"]) == 3
    err = capsys.readouterr().err
    assert "already exist" in err and "--force" in err and "Traceback" not in err
    assert config.read_text().endswith("# mine\n")

    assert run(["init", "--force", "--database", "other"]) == 0
    assert load_settings(config, env={}).profile.database == "other"


def test_init_off_a_terminal_writes_placeholders_and_says_what_to_edit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["-c", "sub/odoosync.toml", "init", "--profile", "shop", "--catalog", "x.db"]) == 0
    out = capsys.readouterr().out
    assert "replace the placeholder url, database, username" in out
    settings = load_settings(tmp_path / "sub" / "odoosync.toml", env={})
    assert settings.profile.name == "shop"
    assert settings.catalog.table == "products"
    assert (tmp_path / "sub" / "mapping.toml").exists()


def test_init_refuses_a_bad_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["init", "--url", "https://acme.odoo.com/odoo"]) == 2
    assert "base URL" in capsys.readouterr().err
    assert not Path("odoosync.toml").exists()


def test_set_password_then_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    init_project(tmp_path)
    assert set_password(monkeypatch) == 0
    secrets = tmp_path / "odoosync.secrets.toml"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert PASSWORD not in secrets.read_text()
    capsys.readouterr()

    assert run(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "***" in out and "secrets file" in out
    assert "profiles.production.url" in out and "https://acme.odoo.com  (file)" in out

    monkeypatch.setenv("ODOOSYNC_USERNAME", "ci-bot")
    assert run(["config", "show", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["password"]["value"] == "***"
    assert doc["password"]["source"].startswith("secrets file")
    values = doc["values"]
    assert values["profiles.production.username"] == {"value": "ci-bot", "source": "env"}
    assert values["profiles.production.url"]["source"] == "file"
    assert values["sync.batch_size"] == {"value": 750, "source": "file"}
    assert values["profiles.production.lang"] == {"value": None, "source": "default"}


def test_show_with_flag_profile_and_no_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    init_project(tmp_path)
    capsys.readouterr()
    assert run(["-p", "production", "config", "show", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["values"]["profile"] == {"value": "production", "source": "flag"}
    assert doc["password"] == {"value": None, "source": "none"}


def test_set_password_refuses_without_stdin_off_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    init_project(tmp_path)
    assert run(["config", "set-password"]) == 2
    assert "--stdin" in capsys.readouterr().err
    assert not (tmp_path / "odoosync.secrets.toml").exists()


def test_config_check_reports_each_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    init_project(tmp_path)
    capsys.readouterr()
    assert run(["config", "check", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["success"] is True
    statuses = {c["name"]: c["status"] for c in doc["checks"]}
    assert statuses == {
        "config": "ok",
        "secrets": "ok",
        "password": "warning",  # nothing stored yet: a prompt would be needed
        "mapping": "ok",
        "catalog": "ok",
        "columns": "warning",  # the default mapping reads columns this small catalog lacks
        "history": "ok",
    }
    assert any("catalog has no column 'price'" in c["message"] for c in doc["checks"])

    assert set_password(monkeypatch) == 0
    (tmp_path / "products.csv").unlink()
    capsys.readouterr()
    assert run(["config", "check"]) == 3
    captured = capsys.readouterr()
    assert "[  ok] password: from secrets file" in captured.out
    assert "[FAIL] catalog: catalog.path:" in captured.out
    assert "1 check(s) failed: catalog" in captured.err


def test_config_check_reports_a_wrong_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    init_project(tmp_path)
    monkeypatch.setenv("ODOOSYNC_SECRET_KEY", "first")
    assert set_password(monkeypatch) == 0
    monkeypatch.setenv("ODOOSYNC_SECRET_KEY", "second")
    capsys.readouterr()
    assert run(["config", "check"]) == 3
    out = capsys.readouterr().out
    assert "[FAIL] secrets:" in out and "profile 'production'" in out


def test_rotate_key_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    init_project(tmp_path)
    monkeypatch.setenv("ODOOSYNC_SECRET_KEY", "first")
    assert set_password(monkeypatch) == 0
    capsys.readouterr()
    assert run(["config", "rotate-key"]) == 3
    assert "--new-secret-env" in capsys.readouterr().err
    monkeypatch.setenv("NEW_KEY", "second")
    assert run(["config", "rotate-key", "--new-secret-env", "NEW_KEY"]) == 0
    out = capsys.readouterr().out
    assert "Re-encrypted 1" in out and "set ODOOSYNC_SECRET_KEY" in out
    monkeypatch.setenv("ODOOSYNC_SECRET_KEY", "second")
    assert run(["config", "check"]) == 0


def test_password_never_reaches_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    init_project(tmp_path)
    seen = ""
    assert set_password(monkeypatch) == 0
    for argv in (
        ["config", "show"],
        ["config", "show", "--json"],
        ["config", "check"],
        ["config", "check", "--json"],
        ["-v", "config", "show"],
        ["config", "rotate-key"],
        ["config", "show"],
    ):
        assert run(argv) == 0, argv
        captured = capsys.readouterr()
        seen += captured.out + captured.err
    monkeypatch.setenv("ODOOSYNC_PASSWORD", PASSWORD)
    assert run(["config", "show", "--json"]) == 0
    captured = capsys.readouterr()
    seen += captured.out + captured.err
    assert "env ODOOSYNC_PASSWORD" in seen
    assert PASSWORD not in seen
    assert "Traceback" not in seen


def test_commands_have_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["init"],
        *(["config", c] for c in ("show", "check", "set-password", "rotate-key")),
    ):
        assert run([*argv, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())  # help text is wrapped
        assert "Example: odoosync" in text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_init_on_a_terminal_prompts_then_offers_set_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import typer

    answers = {
        "Odoo URL": ["acme.odoo.com", "https://acme.odoo.com"],  # the first is refused
        "Database": ["acme"],
    }
    hidden: list[str] = []

    def prompt(text: str, **kwargs: object) -> str:
        if kwargs.get("hide_input"):
            assert kwargs.get("confirmation_prompt") is True
            hidden.append(text)
            return PASSWORD
        if text in answers:
            return answers[text].pop(0)
        return str(kwargs["default"])  # Username: Enter keeps the placeholder

    monkeypatch.setattr(sys, "stdin", _Terminal(""))
    monkeypatch.setattr(typer, "prompt", prompt)
    monkeypatch.setattr(typer, "confirm", lambda *_a, **_k: True)
    assert run(["init"]) == 0
    captured = capsys.readouterr()
    assert "no scheme" in captured.err
    assert "replace the placeholder username" in captured.out
    assert PASSWORD not in captured.out + captured.err
    settings = load_settings(tmp_path / "odoosync.toml", env={})
    assert (settings.profile.url, settings.profile.database) == ("https://acme.odoo.com", "acme")
    assert len(hidden) == 1 and (tmp_path / "odoosync.secrets.toml").exists()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert run(["config", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["password"]["value"] == "***"


def test_config_check_fails_when_a_required_mapped_column_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    init_project(tmp_path)
    (tmp_path / "products.csv").write_text("id,name,ean\np-1,Lamp,3700123456789\n")
    capsys.readouterr()
    assert run(["config", "check"]) == 3
    captured = capsys.readouterr()
    assert "[FAIL] columns: mapping.toml: catalog has no column 'title'" in captured.out
    assert "every product would fail" in captured.out
