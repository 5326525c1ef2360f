"""The remembered login (issue 15): a run after a successful login checks the user id that login
answered with one ``res.users.read`` instead of ``common.authenticate`` (one password hash, not
two, ~0.3-0.4 s on a real Odoo 17), and never acts as another user or retries a refused password
on every run. XML-RPC only: JSON-2 has no login."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from odoosync.errors import AuthenticationError
from odoosync.history.store import History
from odoosync.sandbox import SandboxHandle
from odoosync.sandbox.auth import Account
from tests.support.export_env import ExportSetup, products
from tests.support.transport import test_sandbox, xmlrpc_only

pytestmark = xmlrpc_only


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    with test_sandbox(seed="empty") as handle:
        yield handle


@pytest.fixture
def setup(tmp_path: Path, sandbox: SandboxHandle) -> ExportSetup:
    return ExportSetup(tmp_path, sandbox, products(4))


def login_calls(sandbox: SandboxHandle) -> dict[str, int]:
    return {
        key: n
        for key, n in sandbox.calls().items()
        if key in ("common.authenticate", "res.users.read")
    }


def remembered(setup: ExportSetup) -> int | None:
    with History(setup.settings.history_path) as history:
        return history.known_uid(setup.sandbox.url.rstrip("/"), setup.sandbox.database, "admin")


def remember(setup: ExportSetup, uid: int) -> None:
    with History(setup.settings.history_path) as history:
        history.remember_uid(setup.sandbox.url.rstrip("/"), setup.sandbox.database, "admin", uid)


def test_the_second_run_resumes_the_login_of_the_first(
    setup: ExportSetup, sandbox: SandboxHandle
) -> None:
    sandbox.reset_calls()
    assert setup.export().created == 4
    assert login_calls(sandbox) == {"common.authenticate": 1}
    assert remembered(setup) == 2
    sandbox.reset_calls()
    assert setup.export().unchanged == 4
    assert login_calls(sandbox) == {"res.users.read": 1}


def test_a_remembered_uid_refused_with_this_password_falls_back_to_the_login(
    setup: ExportSetup, sandbox: SandboxHandle
) -> None:
    remember(setup, 6)  # the viewer: the admin's password is not hers
    sandbox.reset_calls()
    assert setup.export().created == 4
    assert login_calls(sandbox) == {"res.users.read": 1, "common.authenticate": 1}
    assert remembered(setup) == 2


def test_never_another_user_even_with_the_same_password(
    setup: ExportSetup, sandbox: SandboxHandle
) -> None:
    twin = sandbox.execute("res.users", "create", {"name": "Twin", "login": "twin"})
    sandbox.app.accounts.add(Account(twin, "twin", "admin", "admin"))
    remember(setup, twin)  # a recreated database where this uid is someone else, same password
    sandbox.reset_calls()
    result = setup.export()
    assert result.created == 4
    assert login_calls(sandbox) == {"res.users.read": 1, "common.authenticate": 1}
    assert remembered(setup) == 2
    created_by = sandbox.execute(
        "product.template", "search_read", [("default_code", "=like", "REF-%")], ["create_uid"]
    )
    assert {row["create_uid"][0] for row in created_by} == {2}


def test_a_refused_password_forgets_the_uid_so_the_next_run_tries_once(
    setup: ExportSetup, sandbox: SandboxHandle
) -> None:
    setup.export()
    sandbox.reset_calls()
    with pytest.raises(AuthenticationError):
        setup.export(password="wrong")
    assert login_calls(sandbox) == {"res.users.read": 1, "common.authenticate": 1}
    assert remembered(setup) is None
    sandbox.reset_calls()
    with pytest.raises(AuthenticationError):
        setup.export(password="wrong")
    assert login_calls(sandbox) == {"common.authenticate": 1}
