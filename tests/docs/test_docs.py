"""The docs are tested: every command has help with an example and appears in the README.

As sqlite-utils does: walk the command tree, ask each command for ``--help``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main

from odoosync.cli import app, run
from tests.support.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(getattr(group, "commands", {}).items()):
        path = (*prefix, name)
        yield path
        yield from _commands(command, path)


COMMANDS = list(_commands(typer.main.get_command(app)))


def test_the_tree_has_every_spec_command() -> None:
    names = {" ".join(path) for path in COMMANDS}
    for expected in [
        "init", "config show", "config check", "config set-password", "config rotate-key",
        "test-connection", "status", "fields", "mappings list", "mappings add",
        "mappings remove", "mappings validate", "export", "import", "sync", "logs",
        "logs show", "stats", "retry", "schedule add", "schedule list", "schedule update",
        "schedule toggle", "schedule run", "schedule delete", "schedule run-due",
        "schedule crontab", "scheduler", "sandbox", "demo",
    ]:  # fmt: skip
        assert expected in names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_every_command_has_help_with_a_summary_and_an_example(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([*path, "--help"]) == 0
    out = capsys.readouterr().out
    body = out.split("\n\n", 1)[1].strip()
    summary = body.splitlines()[0]
    assert summary and not summary.startswith("Options"), f"{path}: no one-line summary"
    assert "Example: odoosync" in " ".join(out.split()), f"{path}: no example in --help"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p))
def test_every_command_appears_in_the_readme(path: tuple[str, ...]) -> None:
    assert f"odoosync {' '.join(path)}" in README, f"README lacks `odoosync {' '.join(path)}`"


def test_readme_has_the_two_commands_and_ci_runs_the_second() -> None:
    blocks = re.findall(r"```bash\n(.*?)\n```", README, flags=re.S)
    assert any("odoosync demo" in block for block in blocks[:2])
    assert any("scripts/check" in block for block in blocks[:2])
    assert any("-e '.[test]'" in block for block in blocks[:2])
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # CI runs both blocks as the README writes them, on a fresh clone
    assert "git clone" in ci
    assert r"```bash\n(.*?)\n```" in ci, "CI reads the commands from the README's bash blocks"
    assert 'bash -c "$demo"' in ci and 'bash -c "$check"' in ci


def test_exit_codes_table_matches_the_code() -> None:
    from odoosync.errors import ExitCode

    for code in ExitCode:
        assert re.search(rf"^\| {int(code)} \|", README, flags=re.M), f"exit code {code} missing"
