"""The export plan is pure: mapped products + what is known of Odoo → create/update/unchanged."""

from __future__ import annotations

from typing import Any

from odoosync.engine.export.plan import Matches, plan_products
from odoosync.history.records import Link
from odoosync.mapping.rows import MappedProduct, field_hash, odoo_values_digest
from odoosync.transforms import TransformError


def product(key: str, **values: Any) -> MappedProduct:
    return MappedProduct(
        key=key,
        values=dict(values),
        fields=list(values),
        hashes={name: field_hash(name, value) for name, value in values.items()},
        digest=odoo_values_digest(values),
    )


def link_for(p: MappedProduct, odoo_id: int) -> Link:
    return Link(
        key=p.key,
        odoo_id=odoo_id,
        external_id=f"odoosync.product_{p.key}",
        local_hash=p.digest,
        field_hashes=dict(p.hashes),
    )


def test_unknown_product_is_created_with_all_fields() -> None:
    p = product("a", name="Chair", barcode="4006381333931", list_price=9.5)
    [plan] = plan_products([p], Matches(odoo_values={}))
    assert plan.action == "create"
    assert plan.fields == ["name", "barcode", "list_price"]
    assert plan.changes["list_price"] == [None, 9.5]


def test_linked_product_with_the_same_digest_is_unchanged() -> None:
    p = product("a", name="Chair", list_price=9.5)
    [plan] = plan_products([p], Matches(links={"a": link_for(p, 7)}, odoo_values={7: {}}))
    assert (plan.action, plan.odoo_id, plan.fields) == ("unchanged", 7, [])


def test_force_update_sends_every_field() -> None:
    p = product("a", name="Chair", list_price=9.5)
    [plan] = plan_products(
        [p], Matches(links={"a": link_for(p, 7)}, odoo_values={7: {}}), force_update=True
    )
    assert (plan.action, plan.fields) == ("update", ["name", "list_price"])


def test_changed_field_is_an_update_of_that_field_with_odoo_value() -> None:
    old = product("a", name="Chair", list_price=9.5)
    new = product("a", name="Chair", list_price=12.0)
    odoo = {7: {"id": 7, "name": "Chair", "list_price": 9.5}}
    [plan] = plan_products([new], Matches(links={"a": link_for(old, 7)}, odoo_values=odoo))
    assert plan.action == "update"
    assert plan.fields == ["list_price"]
    assert plan.changes == {"list_price": [9.5, 12.0]}


def test_change_already_in_odoo_is_unchanged_but_refreshes_the_link() -> None:
    old = product("a", name="Chair", list_price=9.5)
    new = product("a", name="Chair", list_price=12.0)
    odoo = {7: {"id": 7, "name": "Chair", "list_price": 12.0}}
    [plan] = plan_products([new], Matches(links={"a": link_for(old, 7)}, odoo_values=odoo))
    assert plan.action == "unchanged"
    assert plan.refresh_link


def test_linked_product_deleted_in_odoo_is_recreated() -> None:
    p = product("a", name="Chair")
    [plan] = plan_products([p], Matches(links={"a": link_for(p, 7)}, odoo_values={}))
    assert plan.action == "create"
    assert plan.recreate
    assert plan.note and "deleted" in plan.note


def test_external_id_match_links_without_creating() -> None:
    p = product("a", name="Chair", list_price=3.0)
    odoo = {9: {"id": 9, "name": "Chair", "list_price": 3.0}}
    [plan] = plan_products([p], Matches(external_ids={"a": 9}, odoo_values=odoo))
    assert (plan.action, plan.odoo_id, plan.refresh_link) == ("unchanged", 9, True)


def test_barcode_match_links_and_asks_for_the_external_id() -> None:
    p = product("a", name="Chair", barcode="4006381333931")
    odoo = {5: {"id": 5, "name": "Old chair", "barcode": "4006381333931"}}
    [plan] = plan_products([p], Matches(barcodes={"4006381333931": 5}, odoo_values=odoo))
    assert (plan.action, plan.odoo_id, plan.via) == ("update", 5, "barcode")
    assert plan.needs_external_id
    assert plan.fields == ["name"]
    assert plan.changes == {"name": ["Old chair", "Chair"]}


def test_barcode_held_by_a_product_linked_to_another_key_is_a_unique_violation() -> None:
    p = product("b", name="Chair", barcode="4006381333931")
    matches = Matches(barcodes={"4006381333931": 5}, linked_keys={5: "a"}, odoo_values={5: {}})
    [plan] = plan_products([p], matches)
    assert plan.action == "error"
    assert plan.error_details is not None
    assert plan.error_details["odoo_error_code"] == "UNIQUE_VIOLATION"
    assert plan.error_details["existing_product_id"] == 5


def test_two_products_claiming_the_same_barcode_match_in_one_chunk() -> None:
    a = product("a", name="A", barcode="4006381333931")
    b = product("b", name="B", barcode="4006381333931")
    plans = plan_products([a, b], Matches(barcodes={"4006381333931": 5}, odoo_values={5: {}}))
    assert [p.action for p in plans] == ["update", "error"]


def test_mapping_error_becomes_an_error_plan() -> None:
    bad = MappedProduct(
        key="x",
        values={},
        fields=[],
        hashes={},
        digest="",
        error=TransformError("bad check digit", field="barcode", value="123"),
    )
    [plan] = plan_products([bad], Matches())
    assert plan.action == "error"
    assert plan.error_details is not None
    assert plan.error_details["odoo_error_code"] == "MAPPING_ERROR"


def test_images_are_not_compared_with_odoo() -> None:
    old = product("a", name="A", image_1920="aGVsbG8=")
    new = product("a", name="A", image_1920="d29ybGQ=")
    odoo = {7: {"id": 7, "name": "A"}}
    [plan] = plan_products([new], Matches(links={"a": link_for(old, 7)}, odoo_values=odoo))
    assert plan.fields == ["image_1920"]
    assert str(plan.changes["image_1920"][1]).startswith("<image")


def test_an_empty_image_empty_in_odoo_too_is_not_a_change() -> None:
    new = product("a", name="Chair", image_1920=False)
    [create] = plan_products([new], Matches(odoo_values={}))
    assert create.action == "create"
    assert create.fields == ["name"] and "image_1920" not in create.changes
    # matched by external id (no link hashes): Odoo has no image either
    odoo = {7: {"id": 7, "name": "Chair", "image_1920": False}}
    [found] = plan_products([new], Matches(external_ids={"a": 7}, odoo_values=odoo))
    assert found.action == "unchanged" and found.fields == [] and found.changes == {}
    # an image Odoo holds, cleared locally, is still sent
    odoo = {7: {"id": 7, "name": "Chair", "image_1920": "aGVsbG8="}}
    [cleared] = plan_products([new], Matches(external_ids={"a": 7}, odoo_values=odoo))
    assert cleared.fields == ["image_1920"]
