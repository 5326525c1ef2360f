"""OdooClient against the sandbox over a real socket: outcomes, faults, retries, the trace."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest

from odoosync.errors import (
    AuthenticationError,
    CallTimeout,
    DatabaseNotFound,
    NetworkError,
    OdooFault,
    ProtocolFailure,
    TLSError,
    TransientError,
)
from odoosync.odoo import ConnectionParams, OdooClient
from odoosync.odoo.client import insecure_url_warning, parse_version
from odoosync.odoo.connect import check_connection
from odoosync.sandbox import SandboxHandle, serve
from odoosync.secrets import Secret
from tests.support.sleeps import Sleeps


@pytest.fixture
def sandbox(reused_sandbox: SandboxHandle) -> SandboxHandle:
    """One sandbox for the module: its tests leave no data another one reads."""
    return reused_sandbox


@pytest.fixture(autouse=True)
def quiet_cli_handlers() -> Iterator[None]:
    """Records go to caplog only: not to a handler an earlier CLI test left on "odoosync"."""
    logger = logging.getLogger("odoosync")
    handlers = list(logger.handlers)
    logger.handlers.clear()
    yield
    logger.handlers[:] = handlers


def make_client(
    sandbox: Any,
    *,
    login: str = "admin",
    password: str = "admin",
    sleep: Sleeps | None = None,
    **overrides: Any,
) -> OdooClient:
    values: dict[str, Any] = {
        "url": sandbox.url,
        "database": sandbox.database,
        "username": login,
        "password": Secret(password),
        "timeout": 5.0,
        "max_retries": 3,
        "max_retry_wait": 5.0,
    }
    values.update(overrides)
    return OdooClient(ConnectionParams(**values), sleep=sleep or Sleeps())


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# -- the outcomes of connecting -----------------------------------------------------------------


def test_version_and_authenticate(sandbox: Any) -> None:
    with make_client(sandbox) as client:
        version = client.version()
        assert (version.major, version.minor) == (17, 0)
        assert version.raw.startswith("17.0")
        assert client.authenticate() == 2
        assert client.uid == 2


def test_an_api_key_works_in_place_of_the_password(sandbox: Any) -> None:
    with make_client(sandbox, password=sandbox.admin_api_key) as client:
        assert client.authenticate() == 2


def test_wrong_password_is_an_authentication_error(sandbox: Any) -> None:
    with make_client(sandbox, password="wrong") as client, pytest.raises(AuthenticationError):
        client.authenticate()


def test_unknown_database_is_database_not_found(sandbox: Any) -> None:
    with (
        make_client(sandbox, database="No_Such_DB") as client,
        pytest.raises(DatabaseNotFound) as raised,
    ):
        client.authenticate()
    assert '"No_Such_DB"' in str(raised.value)


def test_closed_port_is_a_network_error_after_retries(sandbox: Any) -> None:
    sleeps = Sleeps()
    url = f"http://127.0.0.1:{closed_port()}"
    with (
        make_client(sandbox, url=url, sleep=sleeps, max_retries=2) as client,
        pytest.raises(NetworkError, match="Connection refused"),
    ):
        client.version()
    assert len(sleeps.waits) == 2  # refused before sending: retried, for any call


def test_not_an_odoo_endpoint_is_a_protocol_failure(sandbox: Any) -> None:
    with (
        make_client(sandbox, url=sandbox.url + "/web/login") as client,
        pytest.raises(ProtocolFailure, match="not an Odoo XML-RPC endpoint"),
    ):
        client.version()


def test_https_to_a_plain_http_server_is_a_tls_error(sandbox: Any) -> None:
    url = sandbox.url.replace("http://", "https://")
    with make_client(sandbox, url=url, max_retries=0) as client, pytest.raises(TLSError) as raised:
        client.version()
    assert "ca_bundle" in str(raised.value)


def test_a_hanging_server_times_out_within_the_timeout(sandbox: Any) -> None:
    sandbox.inject("timeout", model="product.template", method="search_read", hang_seconds=3)
    with make_client(sandbox, timeout=1.0, max_retries=0) as client:
        client.authenticate()
        start = time.monotonic()
        with pytest.raises(CallTimeout, match="within 1 s"):
            client.search_read("product.template", [], ["name"], limit=1)
        assert time.monotonic() - start < 2.5


# -- retries ------------------------------------------------------------------------------------


def test_502_is_retried_then_succeeds(sandbox: Any) -> None:
    sleeps = Sleeps()
    with make_client(sandbox, sleep=sleeps) as client:
        client.authenticate()
        sandbox.reset_calls()
        sandbox.inject("http_502", model="product.template", method="search_read", times=1)
        rows = client.search_read("product.template", [], ["name"], limit=2)
    assert len(rows) == 2
    assert len(sleeps.waits) == 1
    assert sandbox.calls().get("product.template.search_read", 0) >= 1


def test_serialization_failure_is_retried(sandbox: Any) -> None:
    sleeps = Sleeps()
    with make_client(sandbox, sleep=sleeps) as client:
        [product_id] = client.create("product.template", [{"name": "Serialized"}])
        sandbox.inject("serialization", model="product.template", method="write", times=2)
        assert client.write("product.template", [product_id], {"list_price": 9.5}) is True
        [row] = client.search_read("product.template", [("id", "=", product_id)], ["list_price"])
    assert row["list_price"] == 9.5
    assert len(sleeps.waits) == 2


def test_lost_response_on_create_is_not_sent_again(sandbox: Any) -> None:
    sleeps = Sleeps()
    with make_client(sandbox, sleep=sleeps) as client:
        client.authenticate()
        sandbox.reset_calls()
        sandbox.inject("lost_response", model="product.template", method="create")
        with pytest.raises(TransientError) as raised:
            client.create("product.template", [{"name": "Lost in transit"}])
        assert getattr(raised.value, "maybe_committed", False) is True
        assert sandbox.calls().get("product.template.create", 0) == 1
        assert sleeps.waits == []
        # it did land: the engine finds it by its external id before sending it again
        found = client.search_read("product.template", [("name", "=", "Lost in transit")], ["id"])
    assert len(found) == 1


def test_lost_response_on_a_read_is_retried(sandbox: Any) -> None:
    sleeps = Sleeps()
    with make_client(sandbox, sleep=sleeps) as client:
        client.authenticate()
        sandbox.inject("lost_response", model="product.template", method="search_read")
        assert client.search_read("product.template", [], ["name"], limit=1)
    assert len(sleeps.waits) == 1


# -- the object service -------------------------------------------------------------------------


def test_create_write_and_faults(sandbox: Any) -> None:
    with make_client(sandbox) as client:
        ids = client.create("product.template", [{"name": "A"}, {"name": "B"}])
        assert len(ids) == 2 and ids[0] < ids[1]
        assert client.write("product.template", ids, {"list_price": 3.0}) is True
        with pytest.raises(OdooFault) as raised:
            client.write("product.template", ids, {"no_such_field": 1})
        assert raised.value.details["odoo_error_code"] == "INVALID_VALUE"
        assert raised.value.details["field"] == "no_such_field"


def test_iter_pages_walks_every_record_once_by_id(sandbox: Any) -> None:
    with make_client(sandbox) as client:
        client.create("product.template", [{"name": f"Paged {i}"} for i in range(7)])
        domain = [("name", "like", "Paged ")]
        pages = list(client.iter_pages("product.template", domain, ["name"], page_size=3))
    ids = [row["id"] for page in pages for row in page]
    assert [len(p) for p in pages][:2] == [3, 3]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) >= 7


def test_context_is_merged_per_call(sandbox: Any) -> None:
    with make_client(sandbox) as client:
        [pid] = client.create("product.template", [{"name": "Archived one"}])
        client.write("product.template", [pid], {"active": False})
        domain = [("id", "=", pid)]
        assert client.search_read("product.template", domain, ["name"]) == []
        rows = client.search_read(
            "product.template", domain, ["name"], context={"active_test": False}
        )
    assert [r["id"] for r in rows] == [pid]


def test_fields_get_and_access_rights(sandbox: Any) -> None:
    with make_client(sandbox) as client:
        fields = client.fields_get("product.template")
        assert fields["name"]["type"] == "char"
        assert fields["name"]["required"] is True
        assert client.check_access_rights("product.template", "create") is True
    with make_client(sandbox, login="viewer", password="viewer") as viewer:
        assert viewer.check_access_rights("product.template", "read") is True
        assert viewer.check_access_rights("product.template", "create") is False


def test_clone_reuses_the_uid_without_logging_in_again(sandbox: Any) -> None:
    with make_client(sandbox) as client:
        client.authenticate()
        logins = sandbox.calls().get("common.authenticate", 0)
        with client.clone() as worker:
            assert worker.uid == 2
            assert worker.search_read("product.template", [], ["name"], limit=1)
        assert sandbox.calls().get("common.authenticate", 0) == logins


def test_one_connection_is_kept_alive(sandbox: Any) -> None:
    with make_client(sandbox) as client:
        client.authenticate()
        client.search_read("product.template", [], ["name"], limit=1)
        conn = client._transport._connection[1]
        sock = conn.sock if conn is not None else None
        for _ in range(3):
            client.search_read("product.template", [], ["name"], limit=1)
        assert sock is not None and conn is not None and conn.sock is sock


# -- the connection check -----------------------------------------------------------------------


def test_check_connection_for_admin(sandbox: Any) -> None:
    with make_client(sandbox) as client:
        report = check_connection(client)
    assert report.success and report.exit_code == 0
    assert report.to_json()["checks"]["permissions"]["product.template"] == {
        "read": True,
        "create": True,
        "write": True,
    }


def test_check_connection_for_viewer_reports_missing_rights(sandbox: Any) -> None:
    with make_client(sandbox, login="viewer", password="viewer") as client:
        report = check_connection(client)
    assert not report.success
    assert report.exit_code == 4
    assert report.error_code == "PERMISSION"
    rights = report.checks["permissions"]["product.template"]
    assert rights["read"] is True and rights["create"] is False and rights["write"] is False


# -- the trace never shows the password ---------------------------------------------------------


def test_rpc_trace_masks_the_password(sandbox: Any, caplog: pytest.LogCaptureFixture) -> None:
    key = sandbox.admin_api_key
    caplog.set_level(logging.DEBUG, logger="odoosync.rpc")
    with make_client(sandbox, password=key) as client:
        client.authenticate()
        client.search_read("product.template", [], ["name"], limit=1)
    with (
        make_client(sandbox, password="Wr0ng-S3cret") as client,
        pytest.raises(AuthenticationError) as raised,
    ):
        client.authenticate()
    text = caplog.text
    assert "object.execute_kw product.template.search_read" in text
    assert "***" in text and " ms" in text
    assert key not in text and "Wr0ng-S3cret" not in text
    assert "Wr0ng-S3cret" not in str(raised.value) and "Wr0ng-S3cret" not in repr(raised.value)


# -- pure parts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"server_version": "17.0", "server_version_info": [17, 0, 0, "final", 0, ""]}, (17, 0)),
        (
            {
                "server_version": "saas~17.4+e",
                "server_version_info": ["saas~17", 4, 0, "final", 0, "+e"],
            },
            (17, 4),
        ),
        ({"server_version": "18.0+e"}, (18, 0)),
        ({"server_version": "16.0", "server_version_info": "garbage"}, (16, 0)),
        ({"server_version": "19", "server_version_info": []}, (19, 0)),
        ({"server_version": "18.0-20250101"}, (18, 0)),
        ({"server_version": "saas~17.4+e"}, (17, 4)),
        (
            {"server_version": "17.0+e", "server_version_info": ["17", "0", "0", "final", 0, "e"]},
            (17, 0),
        ),
        ({"server_version": "19.0", "server_version_info": [19, 0, 0, "final", 0, ""]}, (19, 0)),
    ],
)
def test_parse_version(data: dict[str, Any], expected: tuple[int, int]) -> None:
    version = parse_version(data)
    assert (version.major, version.minor) == expected
    assert version.raw == data["server_version"]


def test_parse_version_refuses_what_is_not_odoo() -> None:
    with pytest.raises(ProtocolFailure):
        parse_version({"server_version": "nginx"})


@pytest.mark.parametrize(
    ("url", "warns"),
    [
        ("http://127.0.0.1:8069", False),
        ("http://localhost:8069", False),
        ("http://[::1]:8069", False),
        ("https://odoo.example.com", False),
        ("http://odoo.example.com", True),
        ("http://10.0.0.5:8069", True),
    ],
)
def test_insecure_url_warning(url: str, warns: bool) -> None:
    assert (insecure_url_warning(url) is not None) is warns


def test_plain_http_to_a_remote_host_warns_on_the_client(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="odoosync.odoo")
    params = ConnectionParams(
        url="http://odoo.example.com", database="db", username="u", password=Secret("p")
    )
    client = OdooClient(params)
    assert client.insecure_warning is not None
    assert "plain http" in caplog.text


@pytest.mark.parametrize(
    ("odoo_version", "expected"), [("saas~17.4+e", (17, 4)), ("19.0", (19, 0))]
)
def test_other_server_versions(odoo_version: str, expected: tuple[int, int]) -> None:
    with serve(seed="empty", odoo_version=odoo_version) as other, make_client(other) as client:
        version = client.version()
        assert (version.major, version.minor) == expected
        assert version.raw == odoo_version
        report = check_connection(client)
    assert report.success, report.message
    assert report.odoo_version == odoo_version


# -- per-version methods (odoo-facts §4): access checks, name_search, display names ---------------


@pytest.mark.parametrize(
    ("odoo_version", "first"),
    [("17.0", "check_access_rights"), ("18.0", "has_access"), ("19.0", "has_access")],
)
def test_access_checks_use_the_method_of_the_version(odoo_version: str, first: str) -> None:
    """18+ is asked has_access (check_access_rights is deprecated there), 17 check_access_rights;
    each call asks the version's method only (the fallback has its own tests below)."""
    with serve(seed="empty", odoo_version=odoo_version) as other, make_client(other) as client:
        client.authenticate()
        other.reset_calls()
        assert client.check_access_rights("product.template", "create") is True
        assert client.check_access_rights("product.template", "write") is True
        calls = other.calls()
        assert calls.get(f"product.template.{first}") == 2
        other_method = {"check_access_rights", "has_access"} - {first}
        assert calls.get(f"product.template.{other_method.pop()}") is None
        with make_client(other, login="viewer", password="viewer") as viewer:
            assert viewer.check_access_rights("product.template", "read") is True
            assert viewer.check_access_rights("product.template", "create") is False


def test_the_other_access_method_is_used_when_the_server_lacks_the_first(sandbox: Any) -> None:
    """A server whose version says "ask has_access" but that has only check_access_rights
    (the 17.0 sandbox, its version read as 18.0): the real "does not exist" fault sends the
    client to the other method, once, and the one that worked is remembered."""
    with make_client(sandbox) as client:
        client.authenticate()
        client._version = parse_version({"server_version": "18.0"})  # what the server claims
        sandbox.reset_calls()
        assert client.check_access_rights("product.template", "read") is True
        assert client.check_access_rights("product.template", "write") is True
        calls = sandbox.calls()
        assert calls.get("product.template.has_access") == 1
        assert calls.get("product.template.check_access_rights") == 2


def test_an_access_fault_that_is_not_a_missing_method_propagates(sandbox: Any) -> None:
    with make_client(sandbox) as client, pytest.raises(OdooFault):
        client.check_access_rights("no.such.model", "read")


@pytest.mark.parametrize("odoo_version", ["17.0", "18.0", "19.0"])
def test_name_search_and_display_names_on_every_version(odoo_version: str) -> None:
    with serve(seed="demo", odoo_version=odoo_version) as other, make_client(other) as client:
        found = client.name_search("product.template", "", [("sale_ok", "=", True)], limit=3)
        assert 0 < len(found) <= 3
        ids = [record_id for record_id, _ in found]
        names = client.display_names("product.template", [*ids, 999_999])
        assert sorted(names) == sorted(ids)
        assert names == dict(found)
        assert "product.template.name_get" not in other.calls()
