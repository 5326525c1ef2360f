"""The client over JSON-2 against a 19.0 sandbox, over real sockets.

Every call shape is checked against the same call over XML-RPC on the same server (the two
transports must answer alike, SPEC §8), every JSON-2 error against the error the same fault
gives over XML-RPC; retries, timeouts, keep-alive and the ``-v`` trace's masking are checked on
JSON-2 itself. Sleeping is recorded, not done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from odoosync.errors import (
    AuthenticationError,
    CallTimeout,
    DatabaseNotFound,
    OdooError,
    OdooFault,
    PermissionDenied,
    ProtocolFailure,
    TransientError,
)
from odoosync.odoo import ConnectionParams, OdooClient
from odoosync.odoo.json2_args import named_arguments
from odoosync.sandbox import SandboxHandle, serve
from odoosync.secrets import Secret


@pytest.fixture(scope="module")
def odoo19_server() -> Iterator[SandboxHandle]:
    with serve(odoo_version="19.0", seed="demo") as handle:
        yield handle


@pytest.fixture
def odoo(odoo19_server: SandboxHandle) -> Iterator[SandboxHandle]:
    odoo19_server.clear_faults()
    odoo19_server.reset_calls()
    yield odoo19_server
    odoo19_server.clear_faults()


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(
    odoo: SandboxHandle,
    transport: str = "json2",
    *,
    secret: str | None = None,
    sleep: Callable[[float], None] | None = None,
    **params: Any,
) -> OdooClient:
    if secret is None:
        secret = odoo.admin_api_key if transport != "xmlrpc" else "admin"
    base: dict[str, Any] = {"max_retries": 3, "max_retry_wait": 5.0, "timeout": 5.0}
    return OdooClient(
        ConnectionParams(
            url=odoo.url,
            database=params.pop("database", odoo.database),
            username=params.pop("username", "admin"),
            password=Secret(secret),
            transport=transport,
            **{**base, **params},
        ),
        sleep=sleep if sleep is not None else Sleeps(),
        rng=lambda: 0.5,
    )


# -- call shapes: the same answers as XML-RPC ---------------------------------------------------

READS: dict[str, Callable[[OdooClient], Any]] = {
    "search_read": lambda c: c.search_read(
        "product.template", [("list_price", ">", 1)], ["name", "list_price"], limit=3, offset=1,
        order="name desc",
    ),
    "iter_pages": lambda c: list(
        c.iter_pages("product.template", [], ["name", "barcode"], page_size=2)
    ),
    "read": lambda c: c.execute("product.template", "read", [1, 2], ["name", "categ_id"]),
    "read_missing": lambda c: c.execute("product.template", "read", [987654], ["name"]),
    "search": lambda c: c.execute("product.template", "search", [], limit=4, order="id desc"),
    "search_count": lambda c: c.execute(
        "product.template", "search_count", [("sale_ok", "=", True)]
    ),
    "fields_get": lambda c: c.fields_get("product.template", ("type", "required")),
    "name_search": lambda c: c.name_search("product.template", "Mouse", limit=5),
    "display_names": lambda c: c.display_names("product.template", [1, 3, 987654]),
    "has_access": lambda c: [
        c.check_access_rights(m, op)
        for m in ("product.template", "ir.model.data")
        for op in ("read", "create")
    ],
    "context": lambda c: c.search_read(
        "product.template", [], ["name"], limit=2, context={"active_test": False, "lang": "en_US"}
    ),
}  # fmt: skip


@pytest.mark.parametrize("shape", sorted(READS))
def test_reads_answer_as_over_xmlrpc(odoo: SandboxHandle, shape: str) -> None:
    with client(odoo, "xmlrpc") as xml, client(odoo, "json2") as j2:
        expected = READS[shape](xml)
        assert odoo.calls("json2") == {}
        got = READS[shape](j2)
    assert got == expected
    assert odoo.calls("json2"), "the JSON-2 client did not speak JSON-2"
    assert not any(k.startswith(("common.", "db.")) for k in odoo.calls("json2"))


def test_writes_answer_as_over_xmlrpc(odoo: SandboxHandle) -> None:
    results: dict[str, dict[str, Any]] = {}
    for transport in ("xmlrpc", "json2"):
        with client(odoo, transport) as c:
            tag = transport.upper()
            ids = c.create("product.template", [{"name": f"A {tag}"}, {"name": f"B {tag}"}])
            one = c.execute("product.template", "create", {"name": f"C {tag}"})
            wrote = c.write("product.template", ids, {"list_price": 12.5})
            loaded = c.load(
                "product.template",
                ["id", "name", "list_price"],
                [[f"t.{transport}_1", f"L {tag}", "3.5"]],
            )
            rows = c.execute("product.template", "read", ids, ["name", "list_price"])
            results[transport] = {
                "ids": len(ids),
                "one": isinstance(one, int) or len(one) == 1,
                "wrote": wrote,
                "loaded": (len(loaded["ids"]), loaded["messages"], loaded["nextrow"]),
                "rows": [(r["name"].replace(tag, "*"), r["list_price"]) for r in rows],
            }
    assert results["json2"] == results["xmlrpc"]
    calls = odoo.calls("json2")
    assert calls["product.template.create"] == 2 and calls["product.template.load"] == 1


def test_named_arguments_of_execute_kw_calls() -> None:
    assert named_arguments("write", ([1, 2], {"a": 1}), {"context": {"x": 1}}) == {
        "ids": [1, 2],
        "vals": {"a": 1},
        "context": {"x": 1},
    }
    assert named_arguments("create", ({"name": "x"},), {}) == {"vals_list": [{"name": "x"}]}
    assert named_arguments("load", (["id"], [["a"]]), {}) == {"fields": ["id"], "data": [["a"]]}
    assert named_arguments("name_search", ("a", [], "ilike", 5), {}) == {
        "name": "a",
        "domain": [],
        "operator": "ilike",
        "limit": 5,
    }
    assert named_arguments("action_custom", ([3],), {"flag": True}) == {"ids": [3], "flag": True}
    with pytest.raises(TypeError, match="by name"):
        named_arguments("search_count", ([], 5, "extra"), {})


def test_uid_is_the_key_owner_and_no_password_check(odoo: SandboxHandle) -> None:
    with client(odoo, secret=odoo.viewer_api_key, username="viewer") as c:
        assert c.authenticate() == 6
        assert c.transport == "json2"
    assert "common.authenticate" not in odoo.calls()


# -- errors: classified as the same fault over XML-RPC ----------------------------------------

FAULTS: dict[str, Callable[[OdooClient], Any]] = {
    "duplicate_barcode": lambda c: c.create(
        "product.template",
        [{"name": "D1", "barcode": "999111"}, {"name": "D2", "barcode": "999111"}],
    ),
    "missing_record": lambda c: c.write("product.template", [987654], {"name": "x"}),
    "unknown_field": lambda c: c.search_read("product.template", [], ["no_such_field"], limit=1),
    "bad_field_on_create": lambda c: c.create("product.template", [{"name": "x", "nope": 1}]),
    "required_missing": lambda c: c.create("product.template", [{"list_price": 3.0}]),
    "unknown_model": lambda c: c.search_read("no.such.model", [], ["id"]),
    "private_method": lambda c: c.execute("product.template", "_compute_display_name", [1]),
    "wrong_type": lambda c: c.create("product.template", [{"name": "x", "type": "product"}]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(FAULTS))
def test_errors_classify_as_over_xmlrpc(odoo: SandboxHandle, case: str) -> None:
    errors: dict[str, OdooError] = {}
    for transport in ("xmlrpc", "json2"):
        with client(odoo, transport) as c, pytest.raises(OdooError) as info:
            FAULTS[case](c)
        errors[transport] = info.value
    xml, j2 = errors["xmlrpc"], errors["json2"]
    assert type(j2) is type(xml)
    assert j2.error_code == xml.error_code
    if isinstance(xml, OdooFault) and isinstance(j2, OdooFault):
        drop = {"odoo_message"}
        assert {k: v for k, v in j2.details.items() if k not in drop} == {
            k: v for k, v in xml.details.items() if k not in drop
        }
        assert j2.message == xml.message


def test_duplicate_barcode_is_a_unique_violation(odoo: SandboxHandle) -> None:
    with client(odoo) as c, pytest.raises(OdooFault) as info:
        FAULTS["duplicate_barcode"](c)
    assert info.value.details["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert info.value.details["field"] == "barcode"


def test_a_bad_key_is_an_authentication_error(odoo: SandboxHandle) -> None:
    with client(odoo, secret="not-a-key") as c, pytest.raises(AuthenticationError) as info:
        c.authenticate()
    assert "Invalid apikey" in info.value.message
    assert "not-a-key" not in info.value.message


def test_a_revoked_key_fails_on_the_next_call(odoo: SandboxHandle) -> None:
    key = odoo.new_api_key("admin")
    with client(odoo, secret=key) as c:
        assert c.search_read("product.template", [], ["id"], limit=1)
        odoo.revoke_api_key(key)
        with pytest.raises(AuthenticationError):
            c.search_read("product.template", [], ["id"], limit=1)


def test_a_user_without_rights_is_refused_as_over_xmlrpc(odoo: SandboxHandle) -> None:
    errors = []
    for transport, secret in (("xmlrpc", "viewer"), ("json2", odoo.viewer_api_key)):
        with client(odoo, transport, secret=secret, username="viewer") as c:
            with pytest.raises(PermissionDenied) as info:
                c.create("product.template", [{"name": "nope"}])
            errors.append(info.value)
    assert errors[0].message == errors[1].message
    assert errors[0].fault_code == errors[1].fault_code == 4


def test_unknown_database_is_database_not_found(odoo: SandboxHandle) -> None:
    with client(odoo, database="no_such_db") as c, pytest.raises(DatabaseNotFound) as info:
        c.authenticate()
    assert "no_such_db" in info.value.message


def test_json2_forced_on_odoo_17_says_it_needs_19() -> None:
    with (
        serve(odoo_version="17.0", seed="demo") as odoo17,
        client(odoo17, "json2") as c,
        pytest.raises(ProtocolFailure, match="JSON-2"),
    ):
        c.authenticate()


# -- retries, may-have-committed, timeouts ------------------------------------------------------


@pytest.mark.parametrize("kind", ["http_502", "http_503", "http_504", "http_429", "serialization"])
def test_transient_failures_are_retried(odoo: SandboxHandle, kind: str) -> None:
    sleeps = Sleeps()
    with client(odoo, sleep=sleeps) as c:
        c.authenticate()
        odoo.inject(kind, model="product.template", method="search_read", times=2)
        rows = c.search_read("product.template", [], ["name"], limit=2)
    assert len(rows) == 2
    assert len(sleeps) == 2
    assert odoo.calls("json2")["product.template.search_read"] == 3


@pytest.mark.parametrize("kind", ["http_429", "http_503"])
def test_a_create_refused_by_a_proxy_is_retried(odoo: SandboxHandle, kind: str) -> None:
    with client(odoo) as c:
        c.authenticate()
        odoo.inject(kind, model="product.template", method="create")
        ids = c.create("product.template", [{"name": f"Retried {kind}"}])
    assert len(ids) == 1
    assert odoo.calls("json2")["product.template.create"] == 2


@pytest.mark.parametrize(
    ("kind", "method"),
    [("lost_response", "create"), ("http_502_after_commit", "create"), ("lost_response", "load")],
)
def test_a_create_that_may_have_committed_is_not_sent_again(
    odoo: SandboxHandle, kind: str, method: str
) -> None:
    name = f"Once {kind} {method}"
    with client(odoo) as c:
        c.authenticate()
        odoo.inject(kind, model="product.template", method=method)
        with pytest.raises(TransientError) as info:
            if method == "create":
                c.create("product.template", [{"name": name}])
            else:
                c.load("product.template", ["name"], [[name]])
        assert getattr(info.value, "maybe_committed", False) is True
        assert odoo.calls("json2")[f"product.template.{method}"] == 1
        landed = c.execute("product.template", "search_count", [("name", "=", name)])
    assert landed == 1


def test_a_lost_response_on_a_read_is_retried(odoo: SandboxHandle) -> None:
    with client(odoo) as c:
        c.authenticate()
        odoo.inject("lost_response", model="product.template", method="search_read")
        assert c.search_read("product.template", [], ["id"], limit=1)
    assert odoo.calls("json2")["product.template.search_read"] == 2


def test_a_hanging_call_times_out(odoo: SandboxHandle) -> None:
    with client(odoo, timeout=0.3, max_retries=0) as c:
        c.authenticate()
        odoo.inject("timeout", model="product.template", method="search_read", hang_seconds=1.0)
        with pytest.raises(CallTimeout, match=r"did not answer within 0\.3 s"):
            c.search_read("product.template", [], ["id"], limit=1)


def test_a_closed_port_is_a_network_error() -> None:
    with serve(odoo_version="19.0", seed="demo") as gone:
        url = gone.url
    params = ConnectionParams(
        url=url, database="odoosync", username="admin", password=Secret("k"),
        transport="json2", max_retries=2, max_retry_wait=1.0,
    )  # fmt: skip
    sleeps = Sleeps()
    with OdooClient(params, sleep=sleeps, rng=lambda: 0.5) as c, pytest.raises(OdooError) as info:
        c.version()
    assert info.value.error_code == "NETWORK"
    assert len(sleeps) == 2


# -- keep-alive, clones, the trace ---------------------------------------------------------------


def test_one_connection_is_kept_alive(odoo: SandboxHandle) -> None:
    with client(odoo) as c:
        c.search_read("product.template", [], ["name"], limit=1)
        conn = c._json2._connection[1]
        sock = conn.sock if conn is not None else None
        for _ in range(3):
            c.search_read("product.template", [], ["name"], limit=1)
        assert sock is not None and conn is not None and conn.sock is sock


def test_a_clone_keeps_the_transport_without_asking_again(odoo: SandboxHandle) -> None:
    with client(odoo, "auto") as c:
        assert c.transport == "json2"
        asked = dict(odoo.calls("json2"))
        with c.clone() as worker:
            assert worker.chosen_transport == "json2"
            assert worker.search_read("product.template", [], ["id"], limit=1)
    after = odoo.calls("json2")
    assert after.get("res.users.context_get") == asked.get("res.users.context_get")


def test_trace_masks_the_key(odoo: SandboxHandle, caplog: pytest.LogCaptureFixture) -> None:
    key = odoo.admin_api_key
    with caplog.at_level(logging.DEBUG, logger="odoosync.rpc"), client(odoo) as c:
        c.search_read("product.template", [], ["name"], limit=1)
        c.create("product.template", [{"name": "Traced"}])
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "json2 product.template.search_read({domain, fields, limit})" in text
    assert "json2 product.template.create({vals_list})" in text
    assert key not in text and "Traced" not in text
