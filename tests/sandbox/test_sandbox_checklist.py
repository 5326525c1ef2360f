"""odoo-facts §8 checklist items not covered elsewhere, over a real socket with plain xmlrpc.client.

docs/sandbox-fidelity.md maps every checklist item to its test.
"""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, serve


def objects(sb: SandboxHandle) -> xmlrpc.client.ServerProxy:
    return xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object", allow_none=True)


def call(sb: SandboxHandle, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
    return objects(sb).execute_kw("odoosync", 2, "admin", model, method, list(args), kwargs)


def names(sb: SandboxHandle, name: str) -> int:
    result: int = call(sb, "product.template", "search_count", [("name", "=", name)])
    return result


def test_create_with_vals_by_keyword_is_fault_1_and_creates_nothing(
    sandbox: SandboxHandle,
) -> None:
    # odoo/api.py _call_kw_model_create: `result.id if isinstance(args[0], Mapping)` on args=()
    with pytest.raises(xmlrpc.client.Fault) as info:
        call(sandbox, "product.template", "create", vals_list=[{"name": "Kw"}])
    assert info.value.faultCode == 1
    assert info.value.faultString.rstrip().splitlines()[-1] == (
        "IndexError: tuple index out of range"
    )
    assert "_call_kw_model_create" in info.value.faultString
    assert names(sandbox, "Kw") == 0


@pytest.mark.parametrize(("kind", "status"), [("http_502", 502), ("http_504", 504)])
def test_http_errors_after_commit_land_the_create(
    sandbox: SandboxHandle, kind: str, status: int
) -> None:
    sandbox.inject(f"{kind}_after_commit", model="product.template", method="create")
    with pytest.raises(xmlrpc.client.ProtocolError) as info:
        call(sandbox, "product.template", "create", {"name": "Landed"})
    assert info.value.errcode == status
    assert names(sandbox, "Landed") == 1  # a retrying client would now make a second one


def test_http_errors_before_commit_change_nothing(sandbox: SandboxHandle) -> None:
    sandbox.inject("http_502", model="product.template", method="create")
    with pytest.raises(xmlrpc.client.ProtocolError):
        call(sandbox, "product.template", "create", {"name": "Lost"})
    assert names(sandbox, "Lost") == 0


@pytest.mark.parametrize(
    ("version", "info", "serie"),
    [
        ("17.0", [17, 0, 0, "final", 0, ""], "17.0"),
        ("18.0+e", [18, 0, 0, "final", 0, "+e"], "18.0"),
        ("saas~17.4+e", ["saas~17", 4, 0, "final", 0, "+e"], "saas~17.4"),
        ("19.0", [19, 0, 0, "final", 0, ""], "19.0"),
    ],
)
def test_tests_choose_the_version_string(version: str, info: list[Any], serie: str) -> None:
    with serve(seed="empty", odoo_version=version) as sb:
        common = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/common")
        assert common.version() == {
            "server_version": version,
            "server_version_info": info,
            "server_serie": serie,
            "protocol_version": 1,
        }
        db = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/db")
        assert db.server_version() == version


def test_nil_arguments_are_accepted(sandbox: SandboxHandle) -> None:
    new = call(sandbox, "product.template", "create", {"name": "Nil", "description_sale": None})
    rows = call(
        sandbox,
        "product.template",
        "search_read",
        [("id", "=", new)],
        ["name", "description_sale"],
        limit=None,
        order=None,
    )
    assert rows == [{"id": new, "name": "Nil", "description_sale": False}]


def test_authenticate_requires_its_fourth_argument(sandbox: SandboxHandle) -> None:
    common = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/common")
    with pytest.raises(xmlrpc.client.Fault) as info:
        common.authenticate("odoosync", "admin", "admin")
    assert info.value.faultCode == 1
    assert info.value.faultString.rstrip().splitlines()[-1] == (
        "TypeError: exp_authenticate() missing 1 required positional argument: 'user_agent_env'"
    )
    assert common.login("odoosync", "admin", "admin") == 2


def test_api_key_replaces_the_password_everywhere(sandbox: SandboxHandle) -> None:
    common = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/common")
    key = sandbox.admin_api_key
    assert common.authenticate("odoosync", "admin", key, {}) == 2
    assert common.authenticate("odoosync", "viewer", key, {}) is False  # another user's key
    assert objects(sandbox).execute_kw("odoosync", 2, key, "res.company", "search", [[]]) == [1]


def test_int_keyed_result_is_fault_1_after_the_call(sandbox: SandboxHandle) -> None:
    new = call(sandbox, "product.template", "create", {"name": "X"})
    call(
        sandbox,
        "ir.model.data",
        "create",
        {"module": "m", "name": "x", "model": "product.template", "res_id": new},
    )
    with pytest.raises(xmlrpc.client.Fault) as info:
        call(sandbox, "product.template", "get_external_id", [new])
    assert info.value.faultCode == 1
    assert info.value.faultString.rstrip().splitlines()[-1] == (
        "TypeError: dictionary key must be string"
    )
    assert sandbox.execute("product.template", "get_external_id", [new]) == {new: "m.x"}


def test_about_and_master_password_methods(sandbox: SandboxHandle) -> None:
    common = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/common")
    assert common.about() == "See http://openerp.com"
    assert common.about(True) == ["See http://openerp.com", "17.0"]
    db = xmlrpc.client.ServerProxy(f"{sandbox.url}/xmlrpc/2/db")
    with pytest.raises(xmlrpc.client.Fault) as info:
        db.drop("admin", "odoosync")
    assert (info.value.faultCode, info.value.faultString) == (3, "Access Denied")


def test_search_takes_domain_not_args_from_16() -> None:
    with serve(seed="empty", odoo_version="16.0") as sb:
        assert call(sb, "product.template", "search", domain=[]) == []
        with pytest.raises(xmlrpc.client.Fault) as info:
            call(sb, "product.template", "search", args=[])
        assert info.value.faultString.rstrip().splitlines()[-1] == (
            "TypeError: BaseModel.search() got an unexpected keyword argument 'args'"
        )


def test_unauthorized_company_in_context_is_fault_4(sandbox: SandboxHandle) -> None:
    with pytest.raises(xmlrpc.client.Fault) as info:
        call(sandbox, "product.template", "search", [], context={"allowed_company_ids": [99]})
    assert (info.value.faultCode, info.value.faultString) == (
        4,
        "Access to unauthorized or invalid companies.",
    )
    assert (
        call(sandbox, "product.template", "search", [], context={"allowed_company_ids": [1]}) == []
    )


def test_external_ids_refuse_spaces(sandbox: SandboxHandle) -> None:
    with pytest.raises(xmlrpc.client.Fault) as info:
        call(
            sandbox,
            "ir.model.data",
            "create",
            {"module": "m", "name": "a b", "model": "product.template", "res_id": 1},
        )
    assert info.value.faultCode == 2
    assert "External IDs cannot contain spaces" in info.value.faultString


def test_internal_user_creates_external_ids_but_not_fields(sandbox: SandboxHandle) -> None:
    obj = objects(sandbox)
    vals = {"module": "m", "name": "v", "model": "product.template", "res_id": 1}
    xid = obj.execute_kw("odoosync", 6, "viewer", "ir.model.data", "create", [vals])
    with pytest.raises(xmlrpc.client.Fault) as info:
        obj.execute_kw("odoosync", 6, "viewer", "ir.model.data", "write", [[xid], {"name": "w"}])
    assert info.value.faultCode == 4
    [model_id] = call(sandbox, "ir.model", "search", [("model", "=", "product.template")])
    field = {"model_id": model_id, "name": "x_a", "ttype": "char", "field_description": "A"}
    with pytest.raises(xmlrpc.client.Fault) as info:
        obj.execute_kw("odoosync", 6, "viewer", "ir.model.fields", "create", [field])
    assert info.value.faultCode == 4
