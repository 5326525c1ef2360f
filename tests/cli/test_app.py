from __future__ import annotations

import pytest

from odoosync import __version__
from odoosync.cli import run


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"odoosync {__version__}"


def test_unknown_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert "No such option" in err
    assert "Traceback" not in err


def test_quiet_and_verbose_are_accepted_after_the_command() -> None:
    from odoosync.cli import hoist_flags

    assert hoist_flags(["schedule", "run-due", "--quiet"]) == ["--quiet", "schedule", "run-due"]
    assert hoist_flags(["-c", "x.toml", "export", "-v", "P1"]) == [
        "-v",
        "-c",
        "x.toml",
        "export",
        "P1",
    ]
    assert hoist_flags(["export", "--", "-q"]) == ["export", "--", "-q"]


def test_shell_completion_offers_commands() -> None:
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "_ODOOSYNC_COMPLETE": "complete_bash",
        "COMP_WORDS": "odoosync sch",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "odoosync"], env=env, capture_output=True, text=True, timeout=60
    )
    assert set(done.stdout.split()) == {"schedule", "scheduler"}
