"""Tried as a new user would: a fresh clone, the README's two commands exactly as written.

That is what CI runs (``.ci/run``): it clones the committed HEAD into a temporary folder and runs
the README's demo command, then its check command (the whole suite, once). This test runs
``.ci/run`` itself, so it takes minutes and is deselected by default (pyproject's ``addopts``);
``pytest -m newcomer`` runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.support.paths import ROOT

pytestmark = [
    pytest.mark.newcomer,
    pytest.mark.slow,
    pytest.mark.skipif(
        not (ROOT / ".git").exists() or shutil.which("git") is None,
        reason="needs a git checkout to clone",
    ),
]


@pytest.mark.timeout(900)
def test_the_readme_two_commands_work_on_a_fresh_clone() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ODOOSYNC_", "VIRTUAL_ENV"))}
    ci = subprocess.run(
        ["bash", str(ROOT / ".ci" / "run")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert ci.returncode == 0, ci.stdout[-3000:] + ci.stderr[-3000:]
    assert "demo finished" in ci.stdout
    assert re.search(r"\d+ passed", ci.stdout), ci.stdout[-2000:]
