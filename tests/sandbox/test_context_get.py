"""``res.users/context_get`` over JSON-2 on 19.0, as the real Odoo 19 answers it (checked against
odoosync19 on 127.0.0.1:8070): the admin's ``{"lang": "en_US", "tz": false, "uid": 2}``; the
API key's owner decides the uid; with ``ids`` it is a 422, like every ``@api.model`` method."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, serve


@pytest.fixture(scope="module")
def odoo19() -> Iterator[SandboxHandle]:
    with serve(odoo_version="19.0", seed="empty") as handle:
        yield handle


def post(odoo: SandboxHandle, key: str, body: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{odoo.json2_url}/res.users/context_get",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"bearer {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_admin_key_gets_the_admins_context(odoo19: SandboxHandle) -> None:
    status, answer = post(odoo19, odoo19.admin_api_key, {})
    assert status == 200
    assert answer == {"lang": "en_US", "tz": False, "uid": 2}


def test_the_uid_is_the_key_owners(odoo19: SandboxHandle) -> None:
    viewer = odoo19.api_keys["viewer"]
    status, answer = post(odoo19, viewer, {})
    assert status == 200
    assert (
        answer["uid"] != 2
        and answer["uid"] == odoo19.execute("res.users", "search", [("login", "=", "viewer")])[0]
    )


def test_ids_are_refused_as_for_any_model_method(odoo19: SandboxHandle) -> None:
    status, answer = post(odoo19, odoo19.admin_api_key, {"ids": [2]})
    assert status == 422
    assert answer["message"] == "cannot call res.users.context_get with ids"


def test_other_models_have_no_context_get(odoo19: SandboxHandle) -> None:
    request = urllib.request.Request(
        f"{odoo19.json2_url}/product.template/context_get",
        data=b"{}",
        headers={
            "Authorization": f"bearer {odoo19.admin_api_key}",
            "Content-Type": "application/json",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    assert raised.value.code == 404


def test_xmlrpc_answers_it_too(odoo19: SandboxHandle) -> None:
    models = xmlrpc.client.ServerProxy(f"{odoo19.url}/xmlrpc/2/object", allow_none=True)
    found = models.execute_kw(odoo19.database, 2, "admin", "res.users", "context_get", [])
    assert found == {"lang": "en_US", "tz": False, "uid": 2}
