"""Every CLI test starts without the developer's ODOOSYNC_* variables (config, profile, URL,
password, secret key...); a test sets the ones it is about."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def no_odoosync_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ODOOSYNC_"):
            monkeypatch.delenv(name)
