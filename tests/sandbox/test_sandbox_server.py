"""The sandbox's endpoints over a real socket: routes, auth, keep-alive, threads, cooldown."""

from __future__ import annotations

import http.client
import threading
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, serve


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    with serve(seed="empty") as handle:
        yield handle


def proxy(sb: SandboxHandle, service: str, *, legacy: bool = False) -> xmlrpc.client.ServerProxy:
    path = f"/xmlrpc/{service}" if legacy else f"/xmlrpc/2/{service}"
    return xmlrpc.client.ServerProxy(sb.url + path)


def fault(func: Any, *args: Any) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as info:
        func(*args)
    return info.value


def test_version_and_db_service(sandbox: SandboxHandle) -> None:
    assert proxy(sandbox, "common").version() == {
        "server_version": "17.0",
        "server_version_info": [17, 0, 0, "final", 0, ""],
        "server_serie": "17.0",
        "protocol_version": 1,
    }
    db = proxy(sandbox, "db")
    assert db.list() == ["odoosync"]
    assert db.db_exist("odoosync") is True
    assert db.db_exist("other") is False
    assert db.server_version() == "17.0"


def test_authenticate_answers_uid_or_false(sandbox: SandboxHandle) -> None:
    common = proxy(sandbox, "common")
    assert common.authenticate("odoosync", "admin", "admin", {}) == 2
    assert common.login("odoosync", "viewer", "viewer") == 6
    assert common.authenticate("odoosync", "admin", sandbox.admin_api_key, {}) == 2
    assert common.authenticate("odoosync", "nosuchuser", "admin", {}) is False


def test_unknown_database_is_fault_1_with_psycopg2_last_line(sandbox: SandboxHandle) -> None:
    err = fault(proxy(sandbox, "common").authenticate, "no_such_db", "admin", "admin", {})
    assert err.faultCode == 1
    assert err.faultString.startswith("Traceback (most recent call last):")
    assert (
        err.faultString.strip()
        .splitlines()[-1]
        .endswith('FATAL:  database "no_such_db" does not exist')
    )


def test_object_auth_failures_are_fault_3(sandbox: SandboxHandle) -> None:
    obj = proxy(sandbox, "object")
    for uid, password in ((2, "WRONG"), (False, "admin"), (2, "")):
        err = fault(obj.execute_kw, "odoosync", uid, password, "product.template", "search", [[]])
        assert (err.faultCode, err.faultString) == (3, "Access Denied")


def test_unknown_object_method_is_name_error(sandbox: SandboxHandle) -> None:
    err = fault(proxy(sandbox, "object").frobnicate, "odoosync", 2, "admin")
    assert err.faultString.strip().splitlines()[-1] == "NameError: Method not available frobnicate"


def test_execute_positional_form(sandbox: SandboxHandle) -> None:
    obj = proxy(sandbox, "object")
    ids = obj.execute("odoosync", 2, "admin", "product.category", "search", [], 0, 1, "id")
    assert ids == [1]


def test_legacy_route_uses_string_fault_codes(sandbox: SandboxHandle) -> None:
    obj = proxy(sandbox, "object", legacy=True)
    err = fault(
        obj.execute_kw,
        "odoosync",
        2,
        "admin",
        "product.template",
        "write",
        [[999999], {"name": "x"}],
    )
    assert err.faultCode == (
        "warning -- MissingError\n\nRecord does not exist or has been deleted.\n"
        "(Record: product.template(999999,), User: 2)"
    )
    assert err.faultString == ""
    denied = fault(obj.execute_kw, "odoosync", 2, "bad", "product.template", "search", [[]])
    assert (denied.faultCode, denied.faultString) == ("AccessDenied", "Access Denied")
    new = sandbox.execute("product.template", "create", {"name": "legacy"})
    bad = fault(
        obj.execute_kw,
        "odoosync",
        2,
        "admin",
        "product.template",
        "write",
        [[new], {"list_price": "abc"}],
    )
    assert bad.faultCode == "could not convert string to float: 'abc'"
    assert bad.faultString.startswith("Traceback")


def test_wrong_paths_and_methods(sandbox: SandboxHandle) -> None:
    conn = http.client.HTTPConnection(sandbox.host, sandbox.port, timeout=5)
    conn.request("POST", "/nothing/here", body=b"<x/>")
    response = conn.getresponse()
    assert response.status == 404
    response.read()
    conn.request("GET", "/xmlrpc/2/common")
    response = conn.getresponse()
    assert response.status == 405
    response.read()
    conn.close()


def test_faults_are_http_200_text_xml_on_a_kept_alive_connection(sandbox: SandboxHandle) -> None:
    conn = http.client.HTTPConnection(sandbox.host, sandbox.port, timeout=5)
    body = xmlrpc.client.dumps(("odoosync", 2, "WRONG", "res.users", "search", [[]]), "execute_kw")
    for _ in range(3):  # the same socket serves every request
        conn.request("POST", "/xmlrpc/2/object", body=body.encode())
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type", "").startswith("text/xml")
        text = response.read().decode()
        assert text.startswith('<?xml version="1.0"?>\n<methodResponse>\n<fault>')
    conn.close()


def test_concurrent_creates_get_unique_ids(sandbox: SandboxHandle) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        obj = proxy(sandbox, "object")
        for i in range(10):
            new = obj.execute_kw(
                "odoosync",
                2,
                "admin",
                "product.template",
                "create",
                [{"name": f"thread {n} item {i}"}],
            )
            with lock:
                results.append(new)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == len(set(results)) == 60


def test_calls_are_counted(sandbox: SandboxHandle) -> None:
    sandbox.reset_calls()
    proxy(sandbox, "common").version()
    proxy(sandbox, "object").execute_kw("odoosync", 2, "admin", "uom.uom", "search_count", [[]])
    assert sandbox.calls() == {"common.version": 1, "uom.uom.search_count": 1}
    assert set(sandbox.server_seconds()) == set(sandbox.calls())


def test_login_cooldown_after_five_failures() -> None:
    now = [1000.0]
    with serve(seed="empty", clock=lambda: now[0]) as sb:
        common, obj = proxy(sb, "common"), proxy(sb, "object")
        for _ in range(5):
            assert common.authenticate("odoosync", "admin", "WRONG", {}) is False
        assert common.authenticate("odoosync", "admin", "admin", {}) is False
        err = fault(obj.execute_kw, "odoosync", 2, "admin", "product.template", "search", [[]])
        assert (err.faultCode, err.faultString) == (
            3,
            "Too many login failures, please wait a bit before trying again.",
        )
        now[0] += 61
        assert common.authenticate("odoosync", "admin", "admin", {}) == 2


def test_viewer_reads_but_cannot_write(sandbox: SandboxHandle) -> None:
    obj = proxy(sandbox, "object")
    assert obj.execute_kw(
        "odoosync",
        6,
        "viewer",
        "account.tax",
        "search_read",
        [[]],
        {"fields": ["name"], "limit": 2},
    ) == [
        {"id": 1, "name": "15%"},
        {"id": 2, "name": "15%"},
    ]
    err = fault(
        obj.execute_kw, "odoosync", 6, "viewer", "product.template", "write", [[1], {"name": "x"}]
    )
    assert err.faultCode == 4
    assert err.faultString.startswith(
        "You are not allowed to modify 'Product' (product.template) records."
    )
    err = fault(
        obj.execute_kw, "odoosync", 6, sandbox.viewer_api_key, "product.category", "unlink", [[2]]
    )
    assert err.faultString.startswith(
        "You are not allowed to delete 'Product Category' (product.category) records."
    )


def test_readonly_api_key_reads_only(sandbox: SandboxHandle) -> None:
    obj = proxy(sandbox, "object")
    key = sandbox.readonly_api_key
    assert obj.execute_kw("odoosync", 2, key, "product.category", "search", [[]]) == [1, 3, 2]
    err = fault(obj.execute_kw, "odoosync", 2, key, "product.template", "create", [{"name": "n"}])
    assert err.faultCode == 4


def test_in_process_execute_has_rpc_semantics(sandbox: SandboxHandle) -> None:
    from odoosync.sandbox import SandboxError

    new = sandbox.execute("product.template", "create", {"name": "made in Odoo"})
    assert proxy(sandbox, "object").execute_kw(
        "odoosync", 2, "admin", "product.template", "read", [[new]], {"fields": ["name"]}
    ) == [{"id": new, "name": "made in Odoo"}]
    with pytest.raises(SandboxError) as info:
        sandbox.execute("product.template", "create", {"name": "no"}, login="viewer")
    assert info.value.fault_code == 4
