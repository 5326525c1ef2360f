"""The long soaks and crash trials (``@pytest.mark.slow``) run on demand only: ``-m slow`` (or
``ODOOSYNC_SLOW_TESTS=1``); CI runs their small unmarked variants."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "slow" in (config.option.markexpr or "") or os.environ.get("ODOOSYNC_SLOW_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="long variant: run with -m slow (or ODOOSYNC_SLOW_TESTS=1)")
    for item in items:
        if item.get_closest_marker("slow") and "tests/engine/" in item.nodeid.replace("\\", "/"):
            item.add_marker(skip)
