"""Odoo 19 versus Odoo 17 (/work/shared/odoo19-observations.md), over XML-RPC.

Each difference recorded there is asserted on ``serve(odoo_version="19.0")`` and, where the
table gives the Odoo 17 side too, on ``serve(odoo_version="17.0")`` with the same call.
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

SHARED = Path("/work/shared")
_counter = itertools.count(1)


class Odoo:
    def __init__(self, url: str, database: str, version: str) -> None:
        self.url, self.db, self.version = url, database, version
        self.common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
        self.dbs = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/db", allow_none=True)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.models.execute_kw(self.db, 2, "admin", model, method, list(args), kwargs)

    def call_as(self, login: str, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        uid = self.common.authenticate(self.db, login, login, {})
        return self.models.execute_kw(self.db, uid, login, model, method, list(args), kwargs)


@pytest.fixture(scope="module")
def v19() -> Iterator[Odoo]:
    with serve(seed="empty", odoo_version="19.0") as sb:
        yield Odoo(sb.url, sb.database, "19.0")


@pytest.fixture(scope="module")
def v17() -> Iterator[Odoo]:
    with serve(seed="empty", odoo_version="17.0") as sb:
        yield Odoo(sb.url, sb.database, "17.0")


@pytest.fixture(params=["17.0", "19.0"])
def odoo(request: pytest.FixtureRequest) -> Odoo:
    name = "v17" if request.param == "17.0" else "v19"
    server: Odoo = request.getfixturevalue(name)
    return server


def fault_of(call: Any) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as info:
        call()
    return info.value


def last_line(fault: xmlrpc.client.Fault) -> str:
    assert fault.faultCode == 1, fault
    return fault.faultString.rstrip("\n").splitlines()[-1]


def per_version(odoo: Odoo, v17_value: Any, v19_value: Any) -> Any:
    return v17_value if odoo.version == "17.0" else v19_value


def unique(prefix: str) -> str:
    return f"{prefix} {next(_counter)}"


# -- version -----------------------------------------------------------------------------


def test_version_everywhere(odoo: Odoo) -> None:
    major = int(odoo.version.split(".")[0])
    assert odoo.common.version() == {
        "server_version": odoo.version,
        "server_version_info": [major, 0, 0, "final", 0, ""],
        "server_serie": odoo.version,
        "protocol_version": 1,
    }
    assert odoo.dbs.server_version() == odoo.version
    assert odoo.common.about(True) == ["See http://openerp.com", odoo.version]


# -- product type, units, fields ---------------------------------------------------------


def test_fields_get_matches_the_recorded_server(odoo: Odoo) -> None:
    recorded = SHARED / f"odoo{odoo.version[:2]}-fields-product.template.json"
    expected = json.loads(recorded.read_text())
    result = odoo.call(
        "product.template", "fields_get", attributes=["string", "type", "required", "relation"]
    )
    assert sorted(result) == sorted(expected)
    assert result == expected


def test_v19_field_set_difference() -> None:
    f17 = set(json.loads((SHARED / "odoo17-fields-product.template.json").read_text()))
    f19 = set(json.loads((SHARED / "odoo19-fields-product.template.json").read_text()))
    assert f17 - f19 == {
        "detailed_type", "packaging_ids", "pricelist_item_count", "priority", "uom_po_id",
    }  # fmt: skip
    assert "is_storable" in f19
    assert "uom_ids" in f19


@pytest.mark.parametrize(
    ("field", "v17_label", "v19_label"),
    [("sale_ok", "Can be Sold", "Sales"), ("taxes_id", "Customer Taxes", "Sales Taxes")],
)
def test_labels(odoo: Odoo, field: str, v17_label: str, v19_label: str) -> None:
    fields = odoo.call("product.template", "fields_get", [field], attributes=["string"])
    assert fields[field]["string"] == per_version(odoo, v17_label, v19_label)


def test_v19_detailed_type_is_unknown(v19: Odoo) -> None:
    fault = fault_of(
        lambda: v19.call(
            "product.template", "create", {"name": unique("T"), "detailed_type": "consu"}
        )
    )
    line = last_line(fault)
    assert re.fullmatch(
        r"ValueError: Invalid field 'detailed_type' (in|on) 'product.template'", line
    )


def test_v17_detailed_type_is_accepted(v17: Odoo) -> None:
    pid = v17.call("product.template", "create", {"name": unique("T"), "detailed_type": "product"})
    [row] = v17.call("product.template", "read", [pid], fields=["detailed_type", "type"])
    assert (row["detailed_type"], row["type"]) == ("product", "product")


def test_v19_type_product_is_a_wrong_value(v19: Odoo) -> None:
    fault = fault_of(
        lambda: v19.call("product.template", "create", {"name": unique("T"), "type": "product"})
    )
    assert last_line(fault) == "ValueError: Wrong value for product.template.type: 'product'"


@pytest.mark.parametrize("kind", ["consu", "service", "combo"])
def test_v19_types(v19: Odoo, kind: str) -> None:
    pid = v19.call("product.template", "create", {"name": unique("T"), "type": kind})
    [row] = v19.call("product.template", "read", [pid], fields=["type", "is_storable"])
    assert row["type"] == kind
    assert row["is_storable"] is False


def test_v19_has_no_uom_po_id(v19: Odoo) -> None:
    pid = v19.call("product.template", "create", {"name": unique("U")})
    fault = fault_of(lambda: v19.call("product.template", "write", [pid], {"uom_po_id": 1}))
    assert last_line(fault) == "ValueError: Invalid field 'uom_po_id' in 'product.template'"


def test_v19_uom_has_no_category(v19: Odoo, v17: Odoo) -> None:
    uom17 = v17.call("uom.uom", "fields_get", attributes=["type"])
    uom19 = v19.call("uom.uom", "fields_get", attributes=["type"])
    assert "category_id" in uom17
    assert "category_id" not in uom19
    assert {"relative_factor", "relative_uom_id"} <= set(uom19)


# -- categories --------------------------------------------------------------------------


def test_root_categories(odoo: Odoo) -> None:
    rows = odoo.call(
        "product.category", "search_read", [("parent_id", "=", False)], fields=["name"]
    )
    names = sorted(row["name"] for row in rows)
    assert names == per_version(odoo, ["All"], ["Expenses", "Goods", "Services"])


def test_categ_id_default(odoo: Odoo) -> None:
    pid = odoo.call("product.template", "create", {"name": unique("C")})
    [row] = odoo.call("product.template", "read", [pid], fields=["categ_id"])
    assert row["categ_id"] == per_version(odoo, [1, "All"], False)
    required = odoo.call("product.template", "fields_get", ["categ_id"], attributes=["required"])
    assert required["categ_id"]["required"] is per_version(odoo, True, False)


def test_v19_child_category_display_name(v19: Odoo) -> None:
    [goods] = v19.call("product.category", "search", [("name", "=", "Goods")])
    child = v19.call("product.category", "create", {"name": "Lamps", "parent_id": goods})
    [row] = v19.call("product.category", "read", [child], fields=["display_name"])
    assert row["display_name"] == "Goods / Lamps"


# -- messages ----------------------------------------------------------------------------


def test_duplicate_barcode_names_joined(odoo: Odoo) -> None:
    barcode = f"99{next(_counter):010d}"
    n = next(_counter)
    odoo.call(
        "product.template",
        "create",
        {"name": f"Alpha {n}", "default_code": f"CONF-{n}", "barcode": barcode},
    )
    fault = fault_of(
        lambda: odoo.call(
            "product.template", "create", {"name": f"Duplicate {n}", "barcode": barcode}
        )
    )
    joiner = per_version(odoo, ", ", " and ")
    assert fault.faultCode == 2
    assert fault.faultString == (
        "Barcode(s) already assigned:\n\n"
        f'- Barcode "{barcode}" already assigned to product(s): '
        f"[CONF-{n}] Alpha {n}{joiner}Duplicate {n}\n\n"
        "Note: products that you don't have access to will not be shown above."
    )


@pytest.mark.parametrize(
    ("method", "args", "v17_line", "v19_line"),
    [
        pytest.param(
            "create",
            [{"name": "x", "no_such_field": 1}],
            "ValueError: Invalid field 'no_such_field' on model 'product.template'",
            "ValueError: Invalid field 'no_such_field' in 'product.template'",
            id="create unknown field",
        ),
        pytest.param(
            "no_such_method",
            [],
            "AttributeError: type object 'product.template' has no attribute 'no_such_method'",
            "AttributeError: The method 'product.template.no_such_method' does not exist",
            id="unknown method",
        ),
    ],
)
def test_fault_1_wording(
    odoo: Odoo, method: str, args: list[Any], v17_line: str, v19_line: str
) -> None:
    fault = fault_of(lambda: odoo.call("product.template", method, *args))
    assert last_line(fault) == per_version(odoo, v17_line, v19_line)


def test_write_unknown_field_wording(odoo: Odoo) -> None:
    pid = odoo.call("product.template", "create", {"name": unique("W")})
    fault = fault_of(lambda: odoo.call("product.template", "write", [pid], {"no_such_field": 1}))
    assert last_line(fault) == per_version(
        odoo,
        "ValueError: Invalid field 'no_such_field' on model 'product.template'",
        "ValueError: Invalid field 'no_such_field' in 'product.template'",
    )


def test_v19_read_unknown_field_wording(v19: Odoo) -> None:
    pid = v19.call("product.template", "create", {"name": unique("R")})
    fault = fault_of(lambda: v19.call("product.template", "read", [pid], ["no_such_field"]))
    assert last_line(fault) == "ValueError: Invalid field 'no_such_field' on 'product.template'"


def test_missing_required_value(odoo: Odoo) -> None:
    fault = fault_of(lambda: odoo.call("product.template", "create", {"list_price": 1.0}))
    assert fault.faultCode == 2
    assert fault.faultString.rstrip("\n") == per_version(
        odoo,
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it "
        "instead.\n\n"
        "Model: Product (product.template)\n"
        "Field: Name (name)",
        "The operation cannot be completed: Missing required value for the field 'Name' "
        "(name).\n"
        "Model: 'Product' (product.template)\n"
        "- create/update: a mandatory field is not set\n"
        "- delete: another model requires the record being deleted, you can archive it instead",
    )


def test_private_method(odoo: Odoo) -> None:
    fault = fault_of(lambda: odoo.call("product.template", "_compute_display_name"))
    name = per_version(odoo, "_compute_display_name", "'product.template._compute_display_name'")
    assert (fault.faultCode, fault.faultString) == (
        4,
        f"Private methods (such as {name}) cannot be called remotely.",
    )


def test_bad_domain_field(odoo: Odoo) -> None:
    fault = fault_of(
        lambda: odoo.call("product.template", "search_read", [("no_such_field", "=", 1)])
    )
    line = last_line(fault)
    where = per_version(odoo, "leaf", "condition")
    assert line.startswith("ValueError: Invalid field ")
    assert "no_such_field" in line
    assert line.endswith(f" in {where} ('no_such_field', '=', 1)")


def test_bad_domain_operator(odoo: Odoo) -> None:
    fault = fault_of(lambda: odoo.call("product.template", "search_read", [("name", "bogus", 1)]))
    assert last_line(fault) == per_version(
        odoo,
        "ValueError: Invalid leaf ('name', 'bogus', 1)",
        "ValueError: Invalid operator in condition ('name', 'bogus', 1)",
    )


def test_object_service_unknown_method(odoo: Odoo) -> None:
    fault = fault_of(lambda: odoo.models.no_such_method(odoo.db, 2, "admin"))
    assert last_line(fault) == per_version(
        odoo,
        "NameError: Method not available no_such_method",
        "ValueError: not enough values to unpack (expected at least 5, got 3)",
    )


def test_access_error_groups(odoo: Odoo) -> None:
    fault = fault_of(
        lambda: odoo.call_as("viewer", "product.template", "create", {"name": "by viewer"})
    )
    groups = per_version(
        odoo, "\t- Administration/Settings\n\t- Inventory/Administrator\n", "\t- Products/Create\n"
    )
    assert (fault.faultCode, fault.faultString) == (
        4,
        "You are not allowed to create 'Product' (product.template) records.\n\n"
        f"This operation is allowed for the following groups:\n{groups}\n"
        "Contact your administrator to request access if necessary.",
    )


# -- behaviour ---------------------------------------------------------------------------


def test_copy_result(odoo: Odoo) -> None:
    pid = odoo.call("product.template", "create", {"name": unique("Copy me")})
    result = odoo.models.execute_kw(odoo.db, 2, "admin", "product.template", "copy", [pid])
    if odoo.version == "17.0":
        assert type(result) is int
        assert result != pid
    else:
        assert isinstance(result, list)
        assert len(result) == 1
        assert result[0] != pid


def test_user_groups_field(odoo: Odoo) -> None:
    fields = odoo.call("res.users", "fields_get", attributes=["type"])
    present = per_version(odoo, "groups_id", "group_ids")
    absent = per_version(odoo, "group_ids", "groups_id")
    assert fields[present]["type"] == "many2many"
    assert absent not in fields
    if odoo.version == "19.0":
        assert "all_group_ids" in fields
