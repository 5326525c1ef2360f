"""The sandbox replays /work/shared/odoo17-observations.md: one test per recorded call.

Each test makes the call the observation names, over a real socket with ``xmlrpc.client``, and
asserts what the real Odoo 17 server answered: the result where it is deterministic, the fault
code, and the fault message (for fault 1, the last line of the traceback; the db port and record
ids may legitimately differ).
"""

from __future__ import annotations

import itertools
import json
import re
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.sandbox import serve

OBSERVED_FIELDS = Path("/work/shared/odoo17-fields-product.template.json")
_counter = itertools.count(1)


class Odoo:
    """Plain xmlrpc.client access to one sandbox, as a script written against Odoo would do."""

    def __init__(self, url: str, database: str) -> None:
        self.url = url
        self.db = database
        self.common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
        self.uid: int = self.common.authenticate(database, "admin", "admin", {})

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.models.execute_kw(self.db, self.uid, "admin", model, method, list(args), kwargs)

    def call_as(self, login: str, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        uid = self.common.authenticate(self.db, login, login, {})
        return self.models.execute_kw(self.db, uid, login, model, method, list(args), kwargs)

    def new_product(self, **values: Any) -> tuple[int, str, str]:
        """Create a probe product (observation 13's values); return (id, name, barcode)."""
        n = next(_counter)
        tag = f"{130000 + n}"
        name, barcode = f"Probe product {tag}", f"991127{tag}"
        vals = {"name": name, "barcode": barcode, "list_price": 12.5, "weight": 0.75}
        vals.update({"categ_id": 1, **values})
        return self.call("product.template", "create", vals), name, barcode


@pytest.fixture(scope="module")
def odoo() -> Iterator[Odoo]:
    with serve(seed="empty") as sb:
        yield Odoo(sb.url, sb.database)


@pytest.fixture
def fresh() -> Iterator[Odoo]:
    """A sandbox of its own, for observations that depend on an untouched database."""
    with serve(seed="empty") as sb:
        yield Odoo(sb.url, sb.database)


def fault_of(call: Any) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as info:
        call()
    return info.value


def last_line(fault: xmlrpc.client.Fault) -> str:
    assert fault.faultString.startswith("Traceback (most recent call last):\n"), fault.faultString
    return fault.faultString.rstrip("\n").splitlines()[-1]


def assert_fault1(call: Any, expected_last_line: str) -> None:
    fault = fault_of(call)
    assert fault.faultCode == 1
    assert last_line(fault) == expected_last_line


# -- 1-8: version, authentication, unknown database, bad credentials ------------------------


def test_obs_01_common_version(odoo: Odoo) -> None:
    assert odoo.common.version() == {
        "server_version": "17.0",
        "server_version_info": [17, 0, 0, "final", 0, ""],
        "server_serie": "17.0",
        "protocol_version": 1,
    }


@pytest.mark.parametrize(
    ("login", "password", "expected"),
    [
        pytest.param("admin", "admin", 2, id="obs_02_authenticate_correct"),
        pytest.param("admin", "WRONG", False, id="obs_03_authenticate_wrong_password"),
        pytest.param("nosuchuser", "admin", False, id="obs_04_authenticate_unknown_login"),
    ],
)
def test_obs_02_to_04_authenticate(odoo: Odoo, login: str, password: str, expected: Any) -> None:
    result = odoo.common.authenticate(odoo.db, login, password, {})
    assert result == expected
    assert type(result) is type(expected)


MISSING_DB = re.compile(
    r'psycopg2\.OperationalError: connection to server at "127\.0\.0\.1", port \d+ failed: '
    r'FATAL:  database "no_such_db" does not exist'
)


def test_obs_05_authenticate_unknown_database(odoo: Odoo) -> None:
    fault = fault_of(lambda: odoo.common.authenticate("no_such_db", "admin", "admin", {}))
    assert fault.faultCode == 1
    assert MISSING_DB.fullmatch(last_line(fault)), last_line(fault)
    assert "KeyError: 'no_such_db'" in fault.faultString


def test_obs_06_execute_kw_unknown_database(odoo: Odoo) -> None:
    fault = fault_of(
        lambda: odoo.models.execute_kw(
            "no_such_db", 2, "admin", "product.template", "search_read", [[]], {"limit": 1}
        )
    )
    assert fault.faultCode == 1
    assert MISSING_DB.fullmatch(last_line(fault)), last_line(fault)


@pytest.mark.parametrize(
    ("uid", "password"),
    [
        pytest.param(2, "WRONG", id="obs_07_wrong_password"),
        pytest.param(False, "admin", id="obs_08_uid_false"),
    ],
)
def test_obs_07_08_execute_kw_access_denied(odoo: Odoo, uid: Any, password: str) -> None:
    fault = fault_of(
        lambda: odoo.models.execute_kw(
            odoo.db, uid, password, "product.template", "search_count", [[]]
        )
    )
    assert (fault.faultCode, fault.faultString) == (3, "Access Denied")


# -- 9-12: reads of the empty database -------------------------------------------------------


def test_obs_09_search_read_product_template_empty(fresh: Odoo) -> None:
    fields = ["id", "name", "barcode", "list_price", "weight", "categ_id", "default_code"]
    result = fresh.call(
        "product.template", "search_read", [], fields=[*fields, "type", "active"], limit=5
    )
    assert result == []


def test_obs_10_search_read_product_category(fresh: Odoo) -> None:
    result = fresh.call(
        "product.category", "search_read", [], fields=["id", "name", "complete_name", "parent_id"]
    )
    assert result == [
        {"id": 1, "name": "All", "complete_name": "All", "parent_id": False},
        {"id": 3, "name": "Expenses", "complete_name": "All / Expenses", "parent_id": [1, "All"]},
        {"id": 2, "name": "Saleable", "complete_name": "All / Saleable", "parent_id": [1, "All"]},
    ]


def test_obs_11_search_read_account_tax(odoo: Odoo) -> None:
    fields = ["id", "name", "amount", "amount_type", "type_tax_use", "price_include", "company_id"]
    common = {"name": "15%", "amount": 15.0, "amount_type": "percent", "price_include": False}
    company = {"company_id": [1, "My Company"]}
    assert odoo.call("account.tax", "search_read", [], fields=fields) == [
        {"id": 1, **common, "type_tax_use": "sale", **company},
        {"id": 2, **common, "type_tax_use": "purchase", **company},
    ]


def test_obs_12_search_read_uom_first_five(odoo: Odoo) -> None:
    result = odoo.call(
        "uom.uom", "search_read", [], fields=["id", "name", "category_id", "uom_type"], limit=5
    )
    length, weight, volume = [4, "Length / Distance"], [2, "Weight"], [6, "Volume"]
    assert result == [
        {"id": 6, "name": "mm", "category_id": length, "uom_type": "smaller"},
        {"id": 13, "name": "g", "category_id": weight, "uom_type": "smaller"},
        {"id": 8, "name": "cm", "category_id": length, "uom_type": "smaller"},
        {"id": 25, "name": "in\u00b3", "category_id": volume, "uom_type": "smaller"},
        {"id": 17, "name": "in", "category_id": length, "uom_type": "smaller"},
    ]


# -- 13-16: create, read back, duplicate barcode, search by barcode -------------------------


def test_obs_13_create_product_template(odoo: Odoo) -> None:
    pid, _, _ = odoo.new_product()
    assert type(pid) is int
    assert pid > 0


def test_obs_14_read_back_created_product_template(odoo: Odoo) -> None:
    pid, name, barcode = odoo.new_product()
    fields = ["name", "barcode", "list_price", "weight", "categ_id", "product_variant_ids"]
    [row] = odoo.call("product.template", "read", [pid], fields=[*fields, "taxes_id", "write_date"])
    variants = row.pop("product_variant_ids")
    write_date = row.pop("write_date")
    assert row == {
        "id": pid,
        "name": name,
        "barcode": barcode,
        "list_price": 12.5,
        "weight": 0.75,
        "categ_id": [1, "All"],
        "taxes_id": [1],
    }
    assert len(variants) == 1
    assert type(variants[0]) is int
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", write_date), write_date


def test_obs_15_create_duplicate_barcode(odoo: Odoo) -> None:
    _, name, barcode = odoo.new_product()
    duplicate = name.replace("product", "duplicate")
    before = odoo.call("product.template", "search_count", [])
    vals = {"name": duplicate, "barcode": barcode, "list_price": 12.5, "weight": 0.75}
    fault = fault_of(lambda: odoo.call("product.template", "create", {**vals, "categ_id": 1}))
    assert fault.faultCode == 2
    assert fault.faultString == (
        "Barcode(s) already assigned:\n\n"
        f'- Barcode "{barcode}" already assigned to product(s): {duplicate}, {name}\n\n'
        "Note: products that you don't have access to will not be shown above."
    )
    assert odoo.call("product.template", "search_count", []) == before


def test_obs_16_search_read_by_barcode(odoo: Odoo) -> None:
    pid, name, barcode = odoo.new_product()
    result = odoo.call(
        "product.template",
        "search_read",
        [("barcode", "=", barcode)],
        fields=["id", "name", "barcode"],
    )
    assert result == [{"id": pid, "name": name, "barcode": barcode}]


# -- 17-27: bad writes and creates, missing records -----------------------------------------

INVALID_FIELD = "ValueError: Invalid field 'no_such_field' on model 'product.template'"


def test_obs_17_write_unknown_field(odoo: Odoo) -> None:
    pid, _, _ = odoo.new_product()
    assert_fault1(
        lambda: odoo.call("product.template", "write", [pid], {"no_such_field": 1}), INVALID_FIELD
    )


def test_obs_18_create_with_unknown_field(odoo: Odoo) -> None:
    assert_fault1(
        lambda: odoo.call("product.template", "create", {"name": "x", "no_such_field": 1}),
        INVALID_FIELD,
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param(
            {"list_price": "abc"},
            "ValueError: could not convert string to float: 'abc'",
            id="obs_19_write_list_price_abc",
        ),
        pytest.param(
            {"weight": "heavy"},
            "ValueError: could not convert string to float: 'heavy'",
            id="obs_21_write_weight_heavy",
        ),
    ],
)
def test_obs_19_21_write_wrong_type(odoo: Odoo, values: dict[str, Any], message: str) -> None:
    pid, _, _ = odoo.new_product()
    assert_fault1(lambda: odoo.call("product.template", "write", [pid], values), message)
    [row] = odoo.call("product.template", "read", [pid], fields=["list_price", "weight"])
    assert (row["list_price"], row["weight"]) == (12.5, 0.75)  # rolled back


def test_obs_20_create_wrong_type(odoo: Odoo) -> None:
    before = odoo.call("product.template", "search_count", [])
    assert_fault1(
        lambda: odoo.call("product.template", "create", {"name": "bad price", "list_price": "abc"}),
        "ValueError: could not convert string to float: 'abc'",
    )
    assert odoo.call("product.template", "search_count", []) == before


def test_obs_22_write_categ_id_missing(odoo: Odoo) -> None:
    pid, _, _ = odoo.new_product()
    fault = fault_of(lambda: odoo.call("product.template", "write", [pid], {"categ_id": 999999}))
    assert (fault.faultCode, fault.faultString) == (
        2,
        "Record does not exist or has been deleted.\n(Record: product.category(999999,), User: 2)",
    )


def test_obs_23_create_without_required_name(odoo: Odoo) -> None:
    fault = fault_of(lambda: odoo.call("product.template", "create", {"list_price": 1.0}))
    assert fault.faultCode == 2
    assert fault.faultString == (
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it "
        "instead.\n\n"
        "Model: Product (product.template)\n"
        "Field: Name (name)\n"
    )


def test_obs_24_25_write_string_number_then_read(odoo: Odoo) -> None:
    pid, _, _ = odoo.new_product()
    assert odoo.call("product.template", "write", [pid], {"list_price": "3.5"}) is True
    assert odoo.call("product.template", "read", [pid], fields=["list_price"]) == [
        {"id": pid, "list_price": 3.5}
    ]


def test_obs_26_read_missing_id(odoo: Odoo) -> None:
    assert odoo.call("product.template", "read", [999999], fields=["name"]) == []


def test_obs_27_write_missing_id(odoo: Odoo) -> None:
    fault = fault_of(lambda: odoo.call("product.template", "write", [999999], {"name": "ghost"}))
    assert (fault.faultCode, fault.faultString) == (
        2,
        "Record does not exist or has been deleted.\n(Record: product.template(999999,), User: 2)",
    )


# -- 28-32: unknown model/method, private method, bad domain, fields_get -------------------


def test_obs_28_unknown_model(odoo: Odoo) -> None:
    fault = fault_of(lambda: odoo.call("no.such.model", "search_read", []))
    assert (fault.faultCode, fault.faultString) == (2, "Object no.such.model doesn't exist")


def test_obs_29_unknown_method(odoo: Odoo) -> None:
    assert_fault1(
        lambda: odoo.call("product.template", "no_such_method"),
        "AttributeError: type object 'product.template' has no attribute 'no_such_method'",
    )


def test_obs_30_private_method(odoo: Odoo) -> None:
    fault = fault_of(lambda: odoo.call("product.template", "_compute_display_name"))
    assert (fault.faultCode, fault.faultString) == (
        4,
        "Private methods (such as _compute_display_name) cannot be called remotely.",
    )


def test_obs_31_search_read_invalid_domain_field(odoo: Odoo) -> None:
    assert_fault1(
        lambda: odoo.call("product.template", "search_read", [("no_such_field", "=", 1)]),
        "ValueError: Invalid field product.template.no_such_field in leaf "
        "('no_such_field', '=', 1)",
    )


def test_obs_32_fields_get_product_template(odoo: Odoo) -> None:
    observed = json.loads(OBSERVED_FIELDS.read_text())
    result = odoo.call(
        "product.template", "fields_get", attributes=["string", "type", "required", "relation"]
    )
    assert sorted(result) == sorted(observed)
    assert result == observed


# -- 33-37: the second (internal, read-only) user ------------------------------------------


def test_obs_33_34_second_user_exists_and_authenticates(odoo: Odoo) -> None:
    found = odoo.call("res.users", "search", [("login", "=", "viewer")])
    uid = odoo.common.authenticate(odoo.db, "viewer", "viewer", {})
    assert type(uid) is int
    assert uid != 2
    assert found == [uid]


def test_obs_35_second_user_search_read_products(fresh: Odoo) -> None:
    pid, name, _ = fresh.new_product()
    result = fresh.call_as(
        "viewer", "product.template", "search_read", [], fields=["id", "name"], limit=2
    )
    assert result == [{"id": pid, "name": name}]


def test_obs_36_second_user_create_denied(odoo: Odoo) -> None:
    fault = fault_of(
        lambda: odoo.call_as("viewer", "product.template", "create", {"name": "by user2"})
    )
    assert (fault.faultCode, fault.faultString) == (
        4,
        "You are not allowed to create 'Product' (product.template) records.\n\n"
        "This operation is allowed for the following groups:\n"
        "\t- Administration/Settings\n"
        "\t- Inventory/Administrator\n\n"
        "Contact your administrator to request access if necessary.",
    )


def test_obs_37_second_user_search_read_taxes(odoo: Odoo) -> None:
    result = odoo.call_as(
        "viewer", "account.tax", "search_read", [], fields=["id", "name"], limit=2
    )
    assert result == [{"id": 1, "name": "15%"}, {"id": 2, "name": "15%"}]


# -- 38-39: unlink, twice --------------------------------------------------------------------


def test_obs_38_39_unlink_then_unlink_again(odoo: Odoo) -> None:
    pid, _, _ = odoo.new_product()
    assert odoo.call("product.template", "unlink", [pid]) is True
    fault = fault_of(lambda: odoo.call("product.template", "unlink", [pid]))
    assert (fault.faultCode, fault.faultString) == (
        2,
        f"Record does not exist or has been deleted.\n(Record: product.template({pid},), User: 2)",
    )
    assert odoo.call("product.template", "read", [pid], fields=["name"]) == []
