"""The sandbox's Odoo 19 JSON-2 API over real sockets, with plain ``http.client``.

Shapes and statuses follow odoo19-observations.md ("The JSON-2 API") and the JSON-2 section of
odoo-variants-stock-observations.md; the sandbox is started as a library (``serve``) and once
through the ``odoosync sandbox`` command.
"""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import time
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, serve
from tests.support.sandbox_command import sandbox_command

ERROR_KEYS = {"name", "message", "arguments", "context", "debug"}


@pytest.fixture
def odoo19() -> Iterator[SandboxHandle]:
    with serve(odoo_version="19.0", seed="demo") as handle:
        yield handle


class Answer:
    """One HTTP answer: status, headers, the raw body and (if JSON) its value."""

    def __init__(self, response: http.client.HTTPResponse) -> None:
        self.status = response.status
        self.headers = response.headers
        self.raw = response.read()
        self.content_type = response.getheader("Content-Type") or ""
        self.value: Any = (
            json.loads(self.raw) if self.content_type.startswith("application/json") else None
        )


def request(
    sb: SandboxHandle,
    path: str,
    body: Any = None,
    *,
    key: str | None = "admin",
    verb: str = "POST",
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Answer:
    """``key``: "admin"/"viewer" for that user's key, any other string as the key itself."""
    conn = http.client.HTTPConnection(sb.host, sb.port, timeout=timeout)
    sent = {"Content-Type": "application/json; charset=utf-8"}
    if key is not None:
        sent["Authorization"] = f"bearer {sb.api_keys.get(key, key)}"
    sent.update(headers or {})
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    try:
        conn.request(verb, path, body=data, headers=sent)
        return Answer(conn.getresponse())
    finally:
        conn.close()


def rpc(sb: SandboxHandle, model: str, method: str, body: Any = None, **kw: Any) -> Answer:
    return request(sb, f"/json/2/{model}/{method}", {} if body is None else body, **kw)


def names(sb: SandboxHandle, name: str) -> list[str]:
    rows = sb.execute("product.template", "search_read", [("name", "=", name)], ["name"])
    return [r["name"] for r in rows]


def assert_error(answer: Answer, status: int, name: str, message: str) -> None:
    assert answer.status == status, answer.raw
    assert answer.content_type == "application/json; charset=utf-8"
    body = answer.value
    assert set(body) == ERROR_KEYS
    assert body["name"] == name
    assert body["message"] == message
    assert body["arguments"][0] == message
    assert body["context"] == {}
    assert body["debug"].startswith("Traceback (most recent call last):\n")
    short = name.removeprefix("builtins.")
    assert body["debug"].rstrip("\n").endswith(message)
    assert f"\n{short}: " in body["debug"]


# -- success shapes ------------------------------------------------------------------------------


def test_search_read_answers_rows_with_false_for_empty_values(odoo19: SandboxHandle) -> None:
    answer = rpc(
        odoo19,
        "product.template",
        "search_read",
        {"domain": [["name", "like", "Wallet"]], "fields": ["name", "barcode", "categ_id"]},
    )
    assert answer.status == 200
    assert answer.content_type == "application/json; charset=utf-8"
    [row] = answer.value
    assert row["name"] == "Leather Wallet"
    assert row["barcode"] is False
    assert isinstance(row["categ_id"], list) and row["categ_id"][1].startswith("Goods")
    assert set(row) == {"id", "name", "barcode", "categ_id"}


def test_create_answers_a_list_of_ids_for_a_list_and_for_one_dict(odoo19: SandboxHandle) -> None:
    pair = rpc(
        odoo19, "product.template", "create", {"vals_list": [{"name": "J2a"}, {"name": "J2b"}]}
    )
    one = rpc(odoo19, "product.template", "create", {"vals_list": {"name": "J2c"}})
    assert pair.status == one.status == 200
    assert isinstance(pair.value, list) and len(pair.value) == 2
    assert isinstance(one.value, list) and len(one.value) == 1
    read = odoo19.execute("product.template", "read", pair.value + one.value, ["name"])
    assert [r["name"] for r in read] == ["J2a", "J2b", "J2c"]


def test_write_read_search_count_and_missing_ids(odoo19: SandboxHandle) -> None:
    [new_id] = rpc(odoo19, "product.template", "create", {"vals_list": [{"name": "W1"}]}).value
    written = rpc(
        odoo19, "product.template", "write", {"ids": [new_id], "vals": {"name": "W1 renamed"}}
    )
    assert written.status == 200 and written.value is True
    read = rpc(odoo19, "product.template", "read", {"ids": [new_id, 999999], "fields": ["name"]})
    assert read.value == [{"id": new_id, "name": "W1 renamed"}]
    missing = rpc(odoo19, "product.template", "read", {"ids": [999999]})
    assert missing.status == 200 and missing.value == []
    count = rpc(odoo19, "product.template", "search_count", {"domain": [["name", "=like", "W1%"]]})
    assert count.value == 1


def test_load_with_external_ids(odoo19: SandboxHandle) -> None:
    answer = rpc(
        odoo19,
        "product.template",
        "load",
        {"fields": ["id", "name"], "data": [["obs.j2", "J2 load"]]},
    )
    assert answer.status == 200
    assert answer.value["messages"] == [] and answer.value["nextrow"] == 0
    [new_id] = answer.value["ids"]
    again = rpc(
        odoo19,
        "product.template",
        "load",
        {"fields": ["id", "name"], "data": [["obs.j2", "J2 load renamed"]]},
    )
    assert again.value["ids"] == [new_id]
    assert names(odoo19, "J2 load renamed") == ["J2 load renamed"]


def test_context_is_applied(odoo19: SandboxHandle) -> None:
    [new_id] = rpc(odoo19, "product.template", "create", {"vals_list": [{"name": "Ctx"}]}).value
    archived = rpc(odoo19, "product.template", "action_archive", {"ids": [new_id]})
    assert archived.status == 200 and archived.value is None  # JSON null, not a marshal fault
    domain = [["name", "=", "Ctx"]]
    plain = rpc(odoo19, "product.template", "search", {"domain": domain})
    with_ctx = rpc(
        odoo19,
        "product.template",
        "search",
        {"domain": domain, "context": {"active_test": False}},
    )
    assert plain.value == [] and with_ctx.value == [new_id]


def test_web_version(odoo19: SandboxHandle) -> None:
    answer = request(odoo19, "/web/version", verb="GET", key=None)
    assert answer.status == 200
    assert answer.value == {"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}


# -- error shapes --------------------------------------------------------------------------------


def test_duplicate_barcode_is_422_and_the_batch_creates_nothing(odoo19: SandboxHandle) -> None:
    taken = odoo19.execute(
        "product.template", "search_read", [("barcode", "!=", False)], ["barcode"]
    )
    barcode = taken[0]["barcode"]
    answer = rpc(
        odoo19,
        "product.template",
        "create",
        {"vals_list": [{"name": "Dup ok"}, {"name": "Dup", "barcode": barcode}]},
    )
    assert answer.status == 422
    assert answer.value["name"] == "odoo.exceptions.ValidationError"
    assert answer.value["message"].startswith("Barcode(s) already assigned:")
    assert names(odoo19, "Dup ok") == []


def test_unknown_fields_are_500_value_errors(odoo19: SandboxHandle) -> None:
    read = rpc(
        odoo19,
        "product.template",
        "search_read",
        {"domain": [], "fields": ["no_such_field"], "limit": 1},
    )
    assert_error(
        read, 500, "builtins.ValueError", "Invalid field 'no_such_field' on 'product.template'"
    )
    create = rpc(
        odoo19,
        "product.template",
        "create",
        {"vals_list": [{"name": "x", "detailed_type": "consu"}]},
    )
    assert_error(
        create, 500, "builtins.ValueError", "Invalid field 'detailed_type' in 'product.template'"
    )


def test_missing_record_is_404_missing_error(odoo19: SandboxHandle) -> None:
    answer = rpc(odoo19, "product.product", "write", {"ids": [987654], "vals": {"name": "x"}})
    assert_error(
        answer,
        404,
        "odoo.exceptions.MissingError",
        "Record does not exist or has been deleted.\n(Record: product.product(987654,), User: 2)",
    )


def test_unknown_model_missing_and_private_methods(odoo19: SandboxHandle) -> None:
    method = rpc(odoo19, "product.template", "no_such_method")
    assert_error(
        method,
        404,
        "werkzeug.exceptions.NotFound",
        "The method 'product.template.no_such_method' does not exist",
    )
    assert method.value["arguments"] == [method.value["message"], 404]
    assert method.value["debug"].endswith(
        "werkzeug.exceptions.NotFound: 404 Not Found: "
        "The method 'product.template.no_such_method' does not exist\n"
    )
    model = rpc(odoo19, "no.such.model", "search", {"domain": []})
    assert_error(
        model, 404, "werkzeug.exceptions.NotFound", "the model 'no.such.model' does not exist"
    )
    private = rpc(odoo19, "product.template", "_compute_display_name")
    assert_error(
        private,
        403,
        "odoo.exceptions.AccessError",
        "Private methods (such as 'product.template._compute_display_name') cannot be called "
        "remotely.",
    )


def test_keys_bad_missing_revoked_and_per_user(odoo19: SandboxHandle) -> None:
    bad = rpc(odoo19, "product.template", "search_count", {"domain": []}, key="0" * 40)
    assert_error(bad, 401, "werkzeug.exceptions.Unauthorized", "Invalid apikey")
    assert bad.value["arguments"] == ["Invalid apikey", 401]
    assert bad.headers["WWW-Authenticate"] == "Bearer"
    none = rpc(odoo19, "product.template", "search_count", {"domain": []}, key=None)
    assert_error(
        none,
        401,
        "werkzeug.exceptions.Unauthorized",
        "User not authenticated, use an API Key with a Bearer Authorization header.",
    )
    # the scheme is case-insensitive, the header name too
    upper = rpc(
        odoo19,
        "product.template",
        "search_count",
        {"domain": []},
        key=None,
        headers={"AUTHORIZATION": f"Bearer {odoo19.admin_api_key}"},
    )
    assert upper.status == 200 and isinstance(upper.value, int)
    extra = odoo19.new_api_key("admin")
    assert rpc(odoo19, "product.template", "search_count", {"domain": []}, key=extra).status == 200
    odoo19.revoke_api_key(extra)
    revoked = rpc(odoo19, "product.template", "search_count", {"domain": []}, key=extra)
    assert revoked.status == 401 and revoked.value["message"] == "Invalid apikey"
    # the viewer's key calls as the viewer: an internal user who may not create products
    denied = rpc(odoo19, "product.template", "create", {"vals_list": [{"name": "V"}]}, key="viewer")
    assert denied.status == 403
    assert denied.value["name"] == "odoo.exceptions.AccessError"
    assert denied.value["message"].startswith("You are not allowed to create 'Product'")
    assert names(odoo19, "V") == []


def test_arguments_that_do_not_bind_are_422(odoo19: SandboxHandle) -> None:
    vals = rpc(odoo19, "product.template", "create", {"vals": {"name": "x"}})
    assert_error(
        vals,
        422,
        "werkzeug.exceptions.UnprocessableEntity",
        "missing a required argument: 'vals_list'",
    )
    ids = rpc(odoo19, "product.template", "search_count", {"ids": [1], "domain": []})
    assert_error(
        ids,
        422,
        "werkzeug.exceptions.UnprocessableEntity",
        "cannot call product.template.search_count with ids",
    )
    extra = rpc(odoo19, "product.template", "search", {"domain": [], "count": True})
    assert extra.status == 422
    assert extra.value["message"] == "got an unexpected keyword argument 'count'"
    assert names(odoo19, "x") == []


def test_bodies_that_are_not_json(odoo19: SandboxHandle) -> None:
    broken = rpc(odoo19, "product.template", "search_count", raw=b"{nope")
    assert broken.status == 400
    assert broken.value["name"] == "werkzeug.exceptions.BadRequest"
    assert broken.value["message"].startswith("could not parse the body as json: Expecting")
    form = rpc(
        odoo19,
        "product.template",
        "search_count",
        raw=b"domain=[]",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status == 400 and form.content_type.startswith("text/html")


def test_wrong_paths_verbs_and_databases(odoo19: SandboxHandle) -> None:
    did_you_mean = "Did you mean POST /json/2/<model>/<method>?"
    for verb, path in [
        ("GET", "/json/2/product.template/search_count"),
        ("POST", "/json/2"),
        ("POST", "/json/2/product.template"),
        ("POST", "/json/2/product.template/search_count/extra"),
    ]:
        answer = request(odoo19, path, verb=verb, key=None)
        assert_error(answer, 404, "werkzeug.exceptions.NotFound", did_you_mean)
    wrong_db = rpc(
        odoo19,
        "product.template",
        "search_count",
        {"domain": []},
        headers={"X-Odoo-Database": "no_such_db"},
    )
    assert wrong_db.status == 404 and wrong_db.content_type.startswith("text/html")
    assert b"<title>404 Not Found</title>" in wrong_db.raw
    right_db = rpc(
        odoo19,
        "product.template",
        "search_count",
        {"domain": []},
        headers={"X-Odoo-Database": odoo19.database},
    )
    assert right_db.status == 200


# -- fault injection and counters ----------------------------------------------------------------


def create(sb: SandboxHandle, name: str, timeout: float = 10.0) -> Answer:
    return rpc(sb, "product.template", "create", {"vals_list": [{"name": name}]}, timeout=timeout)


def test_injected_faults_fail_before_the_change(odoo19: SandboxHandle) -> None:
    odoo19.inject("fault", model="product.template", method="create")
    fault = create(odoo19, "F1")
    assert fault.status == 500
    assert fault.value["name"] == "psycopg2.OperationalError"
    assert fault.value["message"] == "server closed the connection unexpectedly"
    odoo19.inject("serialization", model="product.template", method="create")
    serial = create(odoo19, "F1")
    assert serial.status == 500
    assert serial.value["name"] == "psycopg2.errors.SerializationFailure"
    last_line = serial.value["debug"].rstrip("\n").rsplit("\n", 1)[-1]
    assert last_line == (
        "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update"
    )
    assert names(odoo19, "F1") == []
    assert create(odoo19, "F1").status == 200  # each rule fired once
    assert names(odoo19, "F1") == ["F1"]


@pytest.mark.parametrize("code", [429, 502, 503, 504])
def test_proxy_errors_before_the_commit_change_nothing(odoo19: SandboxHandle, code: int) -> None:
    odoo19.inject(f"http_{code}", model="product.template", method="create")
    answer = create(odoo19, "P")
    assert answer.status == code and answer.content_type == "text/html"
    assert names(odoo19, "P") == []


@pytest.mark.parametrize("code", [502, 504])
def test_proxy_errors_after_the_commit_land_the_change(odoo19: SandboxHandle, code: int) -> None:
    odoo19.inject(f"http_{code}_after_commit", model="product.template", method="create")
    assert create(odoo19, "PC").status == code
    assert names(odoo19, "PC") == ["PC"]


def test_lost_response_commits_then_closes(odoo19: SandboxHandle) -> None:
    odoo19.inject("lost_response", model="product.template", method="create")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        create(odoo19, "Lost")
    assert names(odoo19, "Lost") == ["Lost"]


def test_timeout_holds_the_request(odoo19: SandboxHandle) -> None:
    odoo19.inject("timeout", model="product.template", method="create", hang_seconds=1.0)
    with pytest.raises((TimeoutError, socket.timeout)):
        create(odoo19, "Slow", timeout=0.3)
    time.sleep(1.0)  # the held request then runs to its end
    assert names(odoo19, "Slow") == ["Slow"]


def test_latency_is_added_to_every_call(odoo19: SandboxHandle) -> None:
    odoo19.set_latency(150)
    started = time.perf_counter()
    assert rpc(odoo19, "product.template", "search_count", {"domain": []}).status == 200
    assert time.perf_counter() - started >= 0.15


def test_counters_are_keyed_by_model_and_method_per_protocol(odoo19: SandboxHandle) -> None:
    odoo19.reset_calls()
    rpc(odoo19, "product.template", "search_count", {"domain": []})
    rpc(odoo19, "product.template", "search_count", {"domain": []}, key="bad")
    create(odoo19, "C")
    proxy = xmlrpc.client.ServerProxy(f"{odoo19.url}/xmlrpc/2/object")
    proxy.execute_kw(odoo19.database, 2, "admin", "product.template", "search_count", [[]])
    assert odoo19.calls("json2") == {
        "product.template.search_count": 2,
        "product.template.create": 1,
    }
    assert odoo19.calls("xmlrpc") == {"product.template.search_count": 1}
    assert odoo19.calls()["product.template.search_count"] == 3
    assert "product.template.create" in odoo19.server_seconds()


def test_a_rule_for_one_method_leaves_the_others_alone(odoo19: SandboxHandle) -> None:
    odoo19.inject("http_503", model="product.template", method="write", on_call=2)
    assert create(odoo19, "R").status == 200
    [rid] = odoo19.execute("product.template", "search", [("name", "=", "R")])
    body = {"ids": [rid], "vals": {"name": "R2"}}
    assert rpc(odoo19, "product.template", "write", body).status == 200
    assert rpc(odoo19, "product.template", "write", body).status == 503


# -- version gating and the command --------------------------------------------------------------


@pytest.mark.parametrize("version", ["16.0", "17.0", "18.0"])
def test_before_19_there_is_no_json2(version: str) -> None:
    with serve(odoo_version=version, seed="empty") as sb:
        answer = rpc(sb, "product.template", "search_count", {"domain": []})
        assert answer.status == 404 and answer.content_type.startswith("text/html")
        assert b"<title>404 Not Found</title>" in answer.raw
        assert request(sb, "/web/version", verb="GET", key=None).status == 404
        assert sb.calls() == {}


def test_the_command_prints_the_admin_key_for_19() -> None:
    with sandbox_command("--seed", "empty", "--odoo-version", "19.0") as (proc, line):
        match = re.match(
            r"^odoosync sandbox: Odoo 19\.0 on http://127\.0\.0\.1:(\d+) "
            r"\(database odoosync, login admin/admin, API key ([0-9a-f]{40})\)$",
            line,
        )
        assert match, line
        conn = http.client.HTTPConnection("127.0.0.1", int(match.group(1)), timeout=10)
        conn.request(
            "POST",
            "/json/2/product.template/search_count",
            body=b'{"domain": []}',
            headers={
                "Content-Type": "application/json",
                "Authorization": f"bearer {match.group(2)}",
            },
        )
        response = conn.getresponse()
        assert response.status == 200 and json.loads(response.read()) == 0
        conn.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0


def test_missing_required_value_is_422_and_readonly_keys_only_read(odoo19: SandboxHandle) -> None:
    nameless = rpc(odoo19, "product.template", "create", {"vals_list": [{"list_price": 3}]})
    assert nameless.status == 422
    assert nameless.value["name"] == "odoo.exceptions.ValidationError"
    assert nameless.value["message"].startswith(
        "The operation cannot be completed: Missing required value for the field 'Name' (name)."
    )
    readonly = odoo19.new_api_key("admin", readonly=True)
    counted = rpc(odoo19, "product.template", "search_count", {"domain": []}, key=readonly)
    assert counted.status == 200
    assert counted.value == odoo19.execute("product.template", "search_count", [])
    refused = rpc(
        odoo19, "product.template", "create", {"vals_list": [{"name": "RO"}]}, key=readonly
    )
    assert refused.status == 403 and refused.value["name"] == "odoo.exceptions.AccessError"
    assert names(odoo19, "RO") == []
