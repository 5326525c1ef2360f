"""``odoosync sandbox``: prints its one line, serves, and exits 0 on Ctrl-C."""

from __future__ import annotations

import re
import signal
import xmlrpc.client

import pytest

from odoosync.cli import run
from tests.support.sandbox_command import sandbox_command

LINE = re.compile(
    r"^odoosync sandbox: Odoo 17\.0 on http://127\.0\.0\.1:(\d+) "
    r"\(database odoosync, login admin/admin\)$"
)


def test_serves_until_interrupted() -> None:
    with sandbox_command("--seed", "empty") as (proc, line):
        match = LINE.match(line)
        assert match, line
        common = xmlrpc.client.ServerProxy(f"http://127.0.0.1:{match.group(1)}/xmlrpc/2/common")
        assert common.version()["server_version"] == "17.0"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0  # generous: a loaded 2-core machine is slow to tear down
        assert proc.stdout is not None and proc.stdout.read() == ""


def test_bad_version_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sandbox", "--odoo-version", "12.0"]) == 2
    assert "--odoo-version must be one of 16.0, 17.0, 18.0, 19.0" in capsys.readouterr().err


def test_bad_seed_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sandbox", "--seed", "full"]) == 2
    assert "--seed must be demo or empty" in capsys.readouterr().err
