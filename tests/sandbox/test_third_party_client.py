"""A third-party script, written the way Odoo's external API documentation shows, runs as is.

The calls below follow the documentation's walk-through (connection, ``common.version``,
``authenticate``, then ``execute_kw`` with positional lists and keyword dicts: search with
offset/limit, search_count, read with and without fields, fields_get, search_read, create,
write, unlink), on ``product.template``. Nothing here uses odoosync's client.
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest

from odoosync.sandbox import serve


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, str]]:
    with serve(seed="empty") as sb:
        yield sb.url, sb.database


def test_the_documented_walk_through(server: tuple[str, str]) -> None:
    url, db = server
    username, password = "admin", "admin"

    # Logging in
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    version = common.version()
    assert version["server_version"] == "17.0"
    assert version["protocol_version"] == 1
    uid = common.authenticate(db, username, password, {})
    assert uid == 2

    # Calling methods
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    assert (
        models.execute_kw(
            db, uid, password, "product.template", "check_access_rights", ["read"],
            {"raise_exception": False},
        )
        is True
    )  # fmt: skip

    # Create records (first, so that there is something to list)
    created = [
        models.execute_kw(
            db, uid, password, "product.template", "create",
            [{"name": f"Doc product {n}", "sale_ok": n % 2 == 0, "list_price": float(n)}],
        )
        for n in range(1, 13)
    ]  # fmt: skip
    assert all(type(i) is int for i in created)
    assert len(set(created)) == 12

    # List records
    sellable = [[["sale_ok", "=", True]]]
    found = models.execute_kw(db, uid, password, "product.template", "search", sellable)
    assert sorted(found) == sorted(created[1::2])

    # Pagination
    page = models.execute_kw(
        db, uid, password, "product.template", "search", sellable, {"offset": 2, "limit": 3}
    )
    assert page == found[2:5]

    # Count records
    count = models.execute_kw(db, uid, password, "product.template", "search_count", sellable)
    assert count == 6

    # Read records
    ids = models.execute_kw(db, uid, password, "product.template", "search", sellable, {"limit": 1})
    [record] = models.execute_kw(db, uid, password, "product.template", "read", [ids])
    assert record["id"] == ids[0]
    assert {"name", "list_price", "categ_id", "barcode", "active"} <= set(record)
    assert len(record) > 50  # every field, as the documentation warns
    rows = models.execute_kw(
        db, uid, password, "product.template", "read", [ids],
        {"fields": ["name", "categ_id", "description"]},
    )  # fmt: skip
    assert rows == [
        {"id": ids[0], "name": record["name"], "categ_id": [1, "All"], "description": False}
    ]

    # Listing record fields
    fields = models.execute_kw(
        db, uid, password, "product.template", "fields_get", [],
        {"attributes": ["string", "help", "type"]},
    )  # fmt: skip
    assert fields["name"]["type"] == "char"
    assert fields["name"]["string"] == "Name"
    assert fields["categ_id"]["type"] == "many2one"
    assert set(fields["list_price"]) <= {"string", "help", "type"}

    # Search and read
    listed = models.execute_kw(
        db, uid, password, "product.template", "search_read", sellable,
        {"fields": ["name", "list_price"], "limit": 5},
    )  # fmt: skip
    assert len(listed) == 5
    assert all(set(row) == {"id", "name", "list_price"} for row in listed)

    # Update records
    new_id = created[0]
    assert (
        models.execute_kw(
            db, uid, password, "product.template", "write",
            [[new_id], {"name": "Newer product"}],
        )
        is True
    )  # fmt: skip
    # get record name after having changed it (fields given positionally, as the docs do)
    assert models.execute_kw(
        db, uid, password, "product.template", "read", [[new_id], ["display_name"]]
    ) == [{"id": new_id, "display_name": "Newer product"}]

    # Delete records
    assert models.execute_kw(db, uid, password, "product.template", "unlink", [[new_id]]) is True
    # check if the deleted record is still in the database
    gone = models.execute_kw(
        db, uid, password, "product.template", "search", [[["id", "=", new_id]]]
    )
    assert gone == []


def test_create_with_a_list_returns_a_list(server: tuple[str, str]) -> None:
    url, db = server
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    ids: Any = models.execute_kw(
        db, 2, "admin", "product.template", "create", [[{"name": "L1"}, {"name": "L2"}]]
    )
    assert isinstance(ids, list)
    assert len(ids) == 2
    names = models.execute_kw(db, 2, "admin", "product.template", "read", [ids, ["name"]])
    assert [r["name"] for r in names] == ["L1", "L2"]


def test_a_failed_call_is_a_fault_the_script_can_catch(server: tuple[str, str]) -> None:
    url, db = server
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault) as info:
        models.execute_kw(db, 2, "admin", "product.template", "create", [{"list_price": 1.0}])
    assert info.value.faultCode == 2
    assert info.value.faultString.startswith("The operation cannot be completed:")


def test_read_only_user_sees_but_cannot_create(server: tuple[str, str]) -> None:
    url, db = server
    common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
    uid = common.authenticate(db, "viewer", "viewer", {})
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
    assert (
        models.execute_kw(
            db, uid, "viewer", "product.template", "check_access_rights", ["create"],
            {"raise_exception": False},
        )
        is False
    )  # fmt: skip
    count = models.execute_kw(db, uid, "viewer", "product.template", "search_count", [[]])
    assert type(count) is int
