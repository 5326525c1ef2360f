"""Tried as a new user would: a fresh clone, the README's two commands exactly as written.

The clone is of the committed HEAD, in a temporary folder, with its own virtual environment.
The second command runs the whole suite again inside the clone; there this test is skipped
(``ODOOSYNC_NEWCOMER_INNER``), so it does not recurse.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(os.environ.get("ODOOSYNC_NEWCOMER_INNER")),
        reason="already inside the newcomer run: running it again would recurse",
    ),
    pytest.mark.skipif(
        not (ROOT / ".git").exists() or shutil.which("git") is None,
        reason="needs a git checkout to clone",
    ),
]


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.*?)\n```", readme, flags=re.S)[:2]


@pytest.mark.timeout(900)
def test_the_readme_two_commands_work_on_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "odoosync"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ODOOSYNC_", "VIRTUAL_ENV"))}
    env["ODOOSYNC_NEWCOMER_INNER"] = "1"
    env["ODOOSYNC_KEY_FILE"] = str(tmp_path / "secret.key")
    demo, check = readme_commands()

    first = subprocess.run(
        ["bash", "-c", demo], cwd=clone, env=env, capture_output=True, text=True, timeout=600
    )
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "Done." in first.stdout
    assert "Traceback" not in first.stdout + first.stderr

    second = subprocess.run(
        ["bash", "-c", check], cwd=clone, env=env, capture_output=True, text=True, timeout=900
    )
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert re.search(r"\d+ passed", second.stdout), second.stdout[-2000:]
