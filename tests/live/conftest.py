"""The live suite: odoosync against a real Odoo, configured purely through environment variables.

    ODOOSYNC_LIVE_URL, ODOOSYNC_LIVE_DB, ODOOSYNC_LIVE_USER, ODOOSYNC_LIVE_PASSWORD
        a real Odoo 17/19 (see docs/live-testing.md); every test here runs against it.
    ODOOSYNC_LIVE_SANDBOX=1
        start ``odoosync.sandbox.serve(seed="empty")`` and run the same tests against it
        (this wins over the four variables above, so it never touches a real database).
    ODOOSYNC_LIVE_TRANSPORT=json2 (or xmlrpc; default auto)
        the profile's ``transport``: with json2 the password variable holds an API key (Odoo
        19); with the sandbox, a 19.0 sandbox and its admin API key. The tests' own checks and
        cleanup stay on plain XML-RPC (Odoo 19 accepts the API key there as a password).

Without either, every test in this folder is skipped with the reason stated. Each test works
under its own prefix (names, barcodes in the in-store "2" range, its own ``external_id_module``)
and a finalizer removes everything carrying it: vendor lines, products, their external ids
(ir.model.data), categories, product attributes and partners. What Odoo refuses to delete (a
product with stock moves, a partner in use) is archived, its stock counted back to 0; a refusal
is a warning, never a failure. At the end of the session a sweep checks that nothing with the
run's prefix is left active.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live_env import (
    MODULE_PREFIX,
    NAME_PREFIX,
    RUN_TAG,
    CleanupReport,
    LiveOdoo,
    LiveScope,
    Rpc,
    cleanup,
    leftovers,
    live_mode,
    live_transport,
    next_scope,
    skip_reason,
)

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``live``; skip them all unless a target is configured."""
    mode = live_mode()
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        item.add_marker(pytest.mark.live)
        if mode is None:
            item.add_marker(pytest.mark.skip(reason=skip_reason()))


@pytest.fixture(scope="session")
def odoo() -> Iterator[LiveOdoo]:
    mode = live_mode()
    if mode is None:  # only reached when the marker was bypassed (-p no:skipping...)
        pytest.skip(skip_reason())
    transport = live_transport()
    if mode == "sandbox":
        from odoosync.sandbox import serve

        version = "19.0" if transport == "json2" else "17.0"
        with serve(seed="empty", odoo_version=version) as handle:
            secret = handle.admin_api_key if transport == "json2" else "admin"
            yield LiveOdoo(
                handle.url, handle.database, "admin", secret, sandbox=True, transport=transport
            )
        return
    yield LiveOdoo(
        url=os.environ["ODOOSYNC_LIVE_URL"].rstrip("/"),
        database=os.environ["ODOOSYNC_LIVE_DB"],
        username=os.environ["ODOOSYNC_LIVE_USER"],
        password=os.environ["ODOOSYNC_LIVE_PASSWORD"],
        sandbox=False,
        transport=transport,
    )


@pytest.fixture(scope="session")
def rpc(odoo: LiveOdoo) -> Iterator[Rpc]:
    client = Rpc(odoo)
    yield client
    left = leftovers(client, NAME_PREFIX, MODULE_PREFIX)
    if left:
        report = cleanup(client, NAME_PREFIX, MODULE_PREFIX)
        _check_left(client, report, NAME_PREFIX, MODULE_PREFIX, "the live tests")


def _check_left(rpc: Rpc, report: CleanupReport, prefix: str, module: str, who: str) -> None:
    """Nothing active may carry the prefix, unless Odoo refused to delete or archive it: then
    warn (a cleanup Odoo refuses must not fail a test), naming what is left."""
    left = leftovers(rpc, prefix, module)
    if report.archived:
        warnings.warn(f"{who}: archived what Odoo would not delete: {report.archived}",
                      stacklevel=2)  # fmt: skip
    if left and report.refused:
        warnings.warn(f"{who}: Odoo refused part of the cleanup, left {left}: {report.refused}",
                      stacklevel=2)  # fmt: skip
        return
    assert not left, f"{who} left records behind in Odoo: {left}"


@pytest.fixture
def live(
    odoo: LiveOdoo,
    rpc: Rpc,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[LiveScope]:
    """A fresh prefix and odoosync folder; everything with the prefix is removed afterwards."""
    for name in (
        "ODOOSYNC_CONFIG",
        "ODOOSYNC_PROFILE",
        "ODOOSYNC_URL",
        "ODOOSYNC_DATABASE",
        "ODOOSYNC_USERNAME",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ODOOSYNC_PASSWORD", odoo.password)
    # never create a key file in the user's real config folder
    monkeypatch.setenv("ODOOSYNC_SECRET_KEY", f"live-{RUN_TAG}")
    monkeypatch.setenv("ODOOSYNC_KEY_FILE", str(tmp_path / "secret.key"))
    scope = LiveScope(odoo, rpc, tmp_path, next_scope(), capsys)
    assert scope.number < 100, "barcodes and modules have room for 99 tests a session"
    scope.write([])
    try:
        yield scope
    finally:
        report = cleanup(rpc, scope.prefix, scope.module)
        _check_left(rpc, report, scope.prefix, scope.module, f"test {scope.number:02d}")
