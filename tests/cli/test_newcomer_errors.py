"""The errors a newcomer hits first: each names what went wrong and the next step to take.

Table-driven: a case sets up a folder (and maybe a sandbox Odoo), runs one command in-process,
and asserts the exit code and that the message on stderr contains the next step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from odoosync.cli import run
from tests.support.transport import test_sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    with test_sandbox(seed="empty") as handle:
        yield handle


@pytest.fixture(autouse=True)
def newcomer_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A fresh folder as the working directory (conftest: no ODOOSYNC_* variables)."""
    monkeypatch.setenv("ODOOSYNC_KEY_FILE", str(tmp_path / "secret.key"))
    monkeypatch.chdir(tmp_path)


def write_config(folder: Path, url: str, database: str = "odoosync") -> None:
    (folder / "odoosync.toml").write_text(
        f'[profiles.production]\nurl = "{url}"\ndatabase = "{database}"\nusername = "admin"\n',
        encoding="utf-8",
    )
    (folder / "products.csv").write_text("id,title\n1,Desk\n", encoding="utf-8")


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable[[Path, Any], None]
    argv: tuple[str, ...]
    exit_code: int
    next_step: str  # the words that tell the newcomer what to do
    env: tuple[tuple[str, str], ...] = ()


def _nothing(folder: Path, sandbox: Any) -> None:
    return None


def _config_for_sandbox(database: str) -> Callable[[Path, Any], None]:
    return lambda folder, sandbox: write_config(folder, sandbox.url, database)


CASES = [
    Case("no config yet", _nothing, ("export",), 3, "Run `odoosync init` to create it"),
    Case(
        "no password stored",
        _config_for_sandbox("odoosync"),
        ("test-connection",),
        3,
        "run `odoosync -p production config set-password`, or set ODOOSYNC_PASSWORD",
    ),
    Case(
        "wrong URL scheme",
        lambda folder, _s: write_config(folder, "ftp://acme.example.com"),
        ("export",),
        3,
        "use http or https",
    ),
    Case(
        "Odoo Online URL with the /odoo path",
        lambda folder, _s: write_config(folder, "https://acme.odoo.com/odoo"),
        ("export",),
        3,
        "use the base URL (https://acme.odoo.com)",
    ),
    Case(
        "wrong URL scheme given to init",
        _nothing,
        ("init", "--url", "ftp://acme.example.com", "--database", "d", "--username", "u"),
        2,
        "use http or https",
    ),
    Case(
        "unknown database name",
        _config_for_sandbox("no_such_db"),
        ("test-connection",),
        4,
        "check the profile's database (the exact name, case-sensitive)",
        env=(("ODOOSYNC_PASSWORD", "admin"),),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_first_errors_say_what_to_do_next(
    case: Case,
    tmp_path: Path,
    sandbox: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case.setup(tmp_path, sandbox)
    for name, value in case.env:
        monkeypatch.setenv(name, value)
    code = run(list(case.argv))
    err = capsys.readouterr().err
    assert code == case.exit_code, err
    assert err.startswith("Error: "), err
    assert case.next_step in " ".join(err.split()), err
    assert "Traceback" not in err
