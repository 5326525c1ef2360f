"""``odoosync --version`` starts fast because it imports none of the heavy parts: checked on
``sys.modules`` in a fresh interpreter, not with a timer (issue 15)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "odoosync.engine",
    "odoosync.history",
    "odoosync.sandbox",
    "odoosync.odoo",
    "odoosync.secrets",
    "cryptography",
    "rich",
    "sqlite3",
    "sqlite_utils",
)

PROBE = """
import json, sys
from odoosync.cli import run
code = run(["--version"])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_version_imports_no_engine_history_sandbox_or_rich() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    assert "odoosync " in done.stdout
    loaded = [m for m in report["modules"] if any(m == h or m.startswith(h + ".") for h in HEAVY)]
    assert loaded == []
