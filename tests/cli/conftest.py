"""Every CLI test starts without the developer's ODOOSYNC_* variables (config, profile, URL,
password, secret key...); a test sets the ones it is about. The commands' clients never sleep for
real. The fixtures the command tests share: a secret key that never touches the user's own, and
an export project on a demo sandbox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from odoosync.sandbox import SandboxHandle
from tests.support.export_env import products, write_setup
from tests.support.sleeps import Sleeps
from tests.support.transport import admin_secret


@pytest.fixture(autouse=True)
def no_odoosync_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ODOOSYNC_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def no_real_back_off(client_sleeps: Sleeps) -> None:
    """The commands' clients retry at once (see ``client_sleeps`` in tests/conftest.py)."""


@pytest.fixture
def secret_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The encryption key from the environment, its key file in the test's own folder."""
    monkeypatch.setenv("ODOOSYNC_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("ODOOSYNC_KEY_FILE", str(tmp_path / "secret.key"))


@pytest.fixture
def config(
    tmp_path: Path, sandbox: SandboxHandle, secret_key: None, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """odoosync.toml, mapping.toml and 12 products in products.csv, for the demo sandbox;
    the password (the admin API key on a JSON-2 sandbox) from ODOOSYNC_PASSWORD."""
    monkeypatch.setenv("ODOOSYNC_PASSWORD", admin_secret(sandbox.url))
    return write_setup(tmp_path, sandbox.url, sandbox.database, products(12))
