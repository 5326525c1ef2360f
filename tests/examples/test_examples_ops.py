"""examples/crontab and examples/ci/*.yml stay valid: cron fields, YAML, and odoosync
command lines whose every option exists (each is parsed by the real CLI with --help)."""

from __future__ import annotations

import shlex
from typing import Any

import pytest
import yaml

from odoosync.cli import run
from odoosync.schedules.cron import validate_cron
from tests.support.paths import EXAMPLES


def _odoosync_args(command: str) -> list[str]:
    """The arguments after the odoosync executable, up to a redirection or pipe."""
    words = shlex.split(command.split(">>")[0].split("|")[0].split("&&")[-1])
    start = next(i for i, word in enumerate(words) if word.endswith("odoosync"))
    return words[start + 1 :]


def _assert_parses(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code = run([*args, "--help"])
    captured = capsys.readouterr()
    assert code == 0, f"odoosync {' '.join(args)}: {captured.err}"


def test_crontab_line_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        line
        for line in (EXAMPLES / "crontab").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and "=" not in line.split()[0]
    ]
    assert len(lines) == 1
    fields = lines[0].split()
    validate_cron(" ".join(fields[:5]))
    args = _odoosync_args(" ".join(fields[5:]))
    assert args[-2:] == ["run-due", "--quiet"]
    _assert_parses(args, capsys)


def test_ci_workflow_is_valid_yaml_failing_on_exit_codes_3_to_7(
    capsys: pytest.CaptureFixture[str],
) -> None:
    workflow: dict[str, Any] = yaml.safe_load(
        (EXAMPLES / "ci" / "github-actions-export.yml").read_text(encoding="utf-8")
    )
    steps = workflow["jobs"]["export"]["steps"]
    script = next(
        step["run"]
        for step in steps
        if "odoosync" in step.get("run", "") and "export" in step["run"]
    )
    command = next(line for line in script.splitlines() if "odoosync" in line and "export" in line)
    args = _odoosync_args(command)
    assert "--json" in args
    _assert_parses(args, capsys)
    assert '"$code" -ge 3' in script and '"$code" -le 7' in script
    assert "ODOOSYNC_PASSWORD" in str(steps)
