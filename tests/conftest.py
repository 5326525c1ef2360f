"""Fixtures every folder uses. Tests run the CLI in-process (``odoosync.cli.run``) or as a
subprocess, against a sandbox served on a free loopback port; helpers live in ``tests/support``."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from odoosync.odoo import OdooClient
from odoosync.sandbox import SandboxHandle
from tests.support.sleeps import Sleeps
from tests.support.transport import test_sandbox


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C works in the tests (the ones that send SIGINT to the run, or to a command they
    started) even when the run was started in the background with SIGINT ignored (nohup,
    `cmd &` in a CI script); exec resets a handled signal for the commands the tests start."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    """A sandbox of its own for one test, with the demo data (seed "demo"); 17.0, or 19.0 spoken
    to over JSON-2 when ODOOSYNC_TEST_TRANSPORT=json2 (tests/support/transport.py)."""
    with test_sandbox(seed="demo") as handle:
        yield handle


@pytest.fixture(scope="module")
def module_sandbox() -> Iterator[SandboxHandle]:
    """One demo sandbox for all the tests of a module (see :func:`reused_sandbox`)."""
    with test_sandbox(seed="demo") as handle:
        yield handle


@pytest.fixture
def reused_sandbox(module_sandbox: SandboxHandle) -> Iterator[SandboxHandle]:
    """The module's sandbox for one test, with no fault armed and its call counters at zero:
    for tests that change no data, or only data no other test looks at."""
    module_sandbox.clear_faults()
    module_sandbox.reset_calls()
    yield module_sandbox
    module_sandbox.clear_faults()


@pytest.fixture
def client_sleeps(monkeypatch: pytest.MonkeyPatch) -> Sleeps:
    """Every ``OdooClient`` the code under test builds with the default ``sleep`` (the CLI's,
    the schedules') waits on this instead of ``time.sleep``: back-offs are recorded, not slept."""
    sleeps = Sleeps()
    defaults = OdooClient.__init__.__kwdefaults__
    assert defaults is not None and "sleep" in defaults, "OdooClient(..., sleep=) moved"
    monkeypatch.setitem(defaults, "sleep", sleeps)
    return sleeps
