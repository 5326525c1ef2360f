"""Every fault-injection mode over a real socket with plain ``xmlrpc.client``."""

from __future__ import annotations

import http.client
import socket
import xmlrpc.client
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle


class TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        conn = super().make_connection(host)
        conn.timeout = self.timeout
        return conn


def obj(sb: SandboxHandle, timeout: float = 5.0) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(
        f"{sb.url}/xmlrpc/2/object", transport=TimeoutTransport(timeout)
    )


def create(sb: SandboxHandle, name: str, timeout: float = 5.0) -> Any:
    return obj(sb, timeout).execute_kw(
        "odoosync", 2, "admin", "product.template", "create", [{"name": name}]
    )


def count(sb: SandboxHandle, name: str) -> int:
    result: int = sb.execute("product.template", "search_count", [("name", "=", name)])
    return result


def test_fault_is_fault_1_before_the_change(sandbox: SandboxHandle) -> None:
    sandbox.inject("fault", model="product.template", method="create")
    with pytest.raises(xmlrpc.client.Fault) as info:
        create(sandbox, "A")
    assert info.value.faultCode == 1
    assert info.value.faultString.startswith("Traceback (most recent call last):")
    assert count(sandbox, "A") == 0
    assert isinstance(create(sandbox, "A"), int)  # times=1: the next call goes through


def test_serialization_failure_last_line(sandbox: SandboxHandle) -> None:
    sandbox.inject("serialization", method="write", times=2)
    new = create(sandbox, "S")
    for _ in range(2):
        with pytest.raises(xmlrpc.client.Fault) as info:
            obj(sandbox).execute_kw(
                "odoosync", 2, "admin", "product.template", "write", [[new], {"name": "T"}]
            )
        assert info.value.faultString.strip().splitlines()[-1] == (
            "psycopg2.errors.SerializationFailure: could not serialize access due to "
            "concurrent update"
        )
    assert count(sandbox, "S") == 1
    assert (
        obj(sandbox).execute_kw(
            "odoosync", 2, "admin", "product.template", "write", [[new], {"name": "T"}]
        )
        is True
    )


def test_lost_response_commits_then_closes(sandbox: SandboxHandle) -> None:
    # xmlrpc.client's Transport re-sends once on RemoteDisconnected: both copies commit
    sandbox.inject("lost_response", model="product.template", method="create", times=2)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        create(sandbox, "L")
    assert count(sandbox, "L") == 2
    assert sandbox.calls()["product.template.create"] == 2


@pytest.mark.parametrize(
    "kind,status", [("http_502", 502), ("http_503", 503), ("http_504", 504), ("http_429", 429)]
)
def test_http_errors_change_nothing(sandbox: SandboxHandle, kind: str, status: int) -> None:
    sandbox.inject(kind, method="create")
    with pytest.raises(xmlrpc.client.ProtocolError) as info:
        create(sandbox, kind)
    assert info.value.errcode == status
    assert count(sandbox, kind) == 0


def test_timeout_holds_the_request(sandbox: SandboxHandle) -> None:
    sandbox.inject("timeout", method="search_count", hang_seconds=0.6)
    with pytest.raises((TimeoutError, socket.timeout)):
        obj(sandbox, timeout=0.2).execute_kw(
            "odoosync", 2, "admin", "res.users", "search_count", [[]]
        )
    assert obj(sandbox).execute_kw("odoosync", 2, "admin", "res.users", "search_count", [[]]) == 2


def test_on_call_counts_matching_calls(sandbox: SandboxHandle) -> None:
    sandbox.inject("http_503", model="product.template", method="create", on_call=3)
    create(sandbox, "one")
    obj(sandbox).execute_kw("odoosync", 2, "admin", "res.users", "search", [[]])
    create(sandbox, "two")
    with pytest.raises(xmlrpc.client.ProtocolError):
        create(sandbox, "three")
    create(sandbox, "four")
    assert sandbox.calls()["product.template.create"] == 4


def test_common_calls_can_fail_too_and_clear_faults(sandbox: SandboxHandle) -> None:
    common = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/common")
    sandbox.inject("http_502", model="common", method="authenticate", times=5)
    with pytest.raises(xmlrpc.client.ProtocolError):
        common.authenticate("odoosync", "admin", "admin", {})
    sandbox.clear_faults()
    assert common.authenticate("odoosync", "admin", "admin", {}) == 2


def test_unknown_kind_is_refused(sandbox: SandboxHandle) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        sandbox.inject("explode")


def test_method_returning_none_faults_after_commit(sandbox: SandboxHandle) -> None:
    new = create(sandbox, "N")
    with pytest.raises(xmlrpc.client.Fault) as info:
        obj(sandbox).execute_kw(
            "odoosync", 2, "admin", "product.template", "action_archive", [[new]]
        )
    assert info.value.faultString.strip().splitlines()[-1] == (
        "TypeError: cannot marshal None unless allow_none is enabled"
    )
    assert sandbox.execute("product.template", "read", [new], ["active"]) == [
        {"id": new, "active": False}
    ]


def test_latency_is_added(sandbox: SandboxHandle) -> None:
    import time

    sandbox.set_latency(150)
    started = time.perf_counter()
    obj(sandbox).execute_kw("odoosync", 2, "admin", "res.users", "search_count", [[]])
    assert time.perf_counter() - started >= 0.15
    sandbox.set_latency(0)
