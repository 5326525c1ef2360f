"""Fixtures every folder uses. Tests run the CLI in-process (``odoosync.cli.run``) or as a
subprocess, against a sandbox served on a free loopback port; helpers live in ``tests/support``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from odoosync.sandbox import SandboxHandle, serve


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    """A sandbox of its own for one test, with the demo data (seed "demo")."""
    with serve(seed="demo") as handle:
        yield handle
