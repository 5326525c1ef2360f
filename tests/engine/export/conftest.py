"""The export tests' setup: 25 products in a CSV catalog, exported to a fresh demo sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from odoosync.sandbox import SandboxHandle
from tests.support.export_env import ExportSetup, products


@pytest.fixture
def setup(tmp_path: Path, sandbox: SandboxHandle) -> ExportSetup:
    return ExportSetup(tmp_path, sandbox, products(25))
