"""Differences between real Odoo and the sandbox found by probing the live servers, now fixed.

Each expected answer below is what real Odoo 17.0 (db ``odoosync``) and 19.0 (db
``odoosync19``) returned to the same calls made with plain ``xmlrpc.client`` (re-checked before
the fix); the sandbox must answer the same, on both versions.
"""

from __future__ import annotations

import http.client
import xmlrpc.client
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from odoosync.sandbox import serve
from tests.support.catalog_rpc import Odoo


@dataclass
class Live:
    odoo: Odoo
    url: str


@pytest.fixture(params=["17.0", "19.0"])
def live(request: pytest.FixtureRequest) -> Iterator[Live]:
    with serve(seed="empty", odoo_version=request.param) as sb:
        yield Live(Odoo(sb.url, sb.database, request.param), sb.url)


def _attribute_on(odoo: Odoo, names: tuple[str, ...]) -> tuple[int, int, list[int]]:
    attribute = odoo("product.attribute", "create", {"name": "Fid"})
    value = odoo("product.attribute.value", "create", {"name": "S", "attribute_id": attribute})
    line = {"attribute_id": attribute, "value_ids": [[6, 0, [value]]]}
    templates = [
        odoo("product.template", "create", {"name": n, "attribute_line_ids": [[0, 0, line]]})
        for n in names
    ]
    return attribute, value, templates


FK_17 = (
    "The operation cannot be completed: another model requires the record being deleted. "
    "If possible, archive it instead.\n\nModel: Product Template Attribute Line "
    "(product.template.attribute.line)\nConstraint: "
    "product_template_attribute_line_attribute_id_fkey\n"
)
FK_19 = (
    "The operation cannot be completed: Another model is using the record you are trying to "
    "delete.\n\nThe troublemaker is: 'Product Template Attribute Line' "
    "(product.template.attribute.line)\nThanks to the following constraint: 'Attribute' "
    "(attribute_id)\nHow about archiving the record instead?"
)


def test_attribute_unlink_refuses_while_a_template_uses_it(live: Live) -> None:
    """Item 1. Real: active templates → ``_unlink_except_used_on_product`` (names in the
    template order, ", "-joined); only archived ones → the line's foreign key (17 and 19
    texts); no line left → True, its values go with it."""
    odoo = live.odoo
    attribute, value, (zeta, alpha, mid) = _attribute_on(odoo, ("Zeta", "Alpha", "Mid"))
    used = "You cannot delete the attribute Fid because it is used on the following products:\n"
    fault = odoo.fault("product.attribute", "unlink", [attribute])
    assert (fault.faultCode, fault.faultString) == (2, used + "Alpha, Mid, Zeta")
    odoo("product.template", "write", [zeta], {"active": False})
    fault = odoo.fault("product.attribute", "unlink", [attribute])
    assert (fault.faultCode, fault.faultString) == (2, used + "Alpha, Mid")
    odoo("product.template", "write", [alpha, mid], {"active": False})
    fault = odoo.fault("product.attribute", "unlink", [attribute])
    assert (fault.faultCode, fault.faultString) == (2, FK_19 if odoo.major >= 19 else FK_17)
    assert odoo("product.attribute", "search", [["id", "=", attribute]]) == [attribute]
    odoo("product.template", "unlink", [zeta, alpha, mid])
    assert odoo("product.attribute", "unlink", [attribute]) is True
    assert odoo("product.attribute.value", "search", [["id", "=", value]]) == []


def test_number_related_products_counts_active_templates(live: Live) -> None:
    """Item 2. Real 17/19: 1, then 0 once the template is archived (its line stays);
    ``product_tmpl_ids`` reads like a search: template order, archived left out."""
    odoo = live.odoo
    attribute, _, (tee,) = _attribute_on(odoo, ("Tee",))
    fields = ["number_related_products"]
    assert odoo("product.attribute", "read", [attribute], fields) == [
        {"id": attribute, "number_related_products": 1}
    ]
    odoo("product.template", "write", [tee], {"active": False})
    assert odoo("product.attribute", "read", [attribute], fields) == [
        {"id": attribute, "number_related_products": 0}
    ]
    other, _, (zeta, alpha, mid) = _attribute_on(odoo, ("Zeta", "Alpha", "Mid"))
    odoo("product.template", "write", [zeta], {"active": False})
    fields = ["number_related_products", "product_tmpl_ids"]
    assert odoo("product.attribute", "read", [other], fields) == [
        {"id": other, "number_related_products": 2, "product_tmpl_ids": [alpha, mid]}
    ]


def test_19_attributes_can_be_archived_17_ones_cannot(live: Live) -> None:
    """Item 3. Real 19: ``active`` boolean, stored; archiving hides the attribute from search.
    Real 17: no such field; writing it is ``ValueError`` (fault 1)."""
    odoo = live.odoo
    attribute = odoo("product.attribute", "create", {"name": "Fid"})
    attrs = ["string", "type", "readonly", "required", "store"]
    described = odoo("product.attribute", "fields_get", ["active"], attrs)
    if odoo.major < 19:
        assert described == {}
        fault = odoo.fault("product.attribute", "write", [attribute], {"active": False})
        assert fault.faultCode == 1
        assert fault.faultString.rstrip().endswith(
            "ValueError: Invalid field 'active' on model 'product.attribute'"
        )
        return
    assert described == {
        "active": {
            "readonly": False,
            "required": False,
            "store": True,
            "string": "Active",
            "type": "boolean",
        }
    }
    assert odoo("product.attribute", "read", [attribute], ["active"]) == [
        {"id": attribute, "active": True}
    ]
    assert odoo("product.attribute", "write", [attribute], {"active": False}) is True
    domain = [["id", "=", attribute]]
    assert odoo("product.attribute", "search", domain) == []
    assert odoo("product.attribute", "search", domain, context={"active_test": False}) == [
        attribute
    ]


def test_counted_quantity_written_then_applied_empties_the_stock(live: Live) -> None:
    """Item 4. Real 17/19: ``write({"inventory_quantity": 0})`` in inventory mode sets
    ``inventory_quantity_set`` (diff -5.0), the apply faults 1 (returns None) and leaves 0.0;
    a write outside inventory mode sets it too."""
    odoo = live.odoo
    tmpl = odoo("product.template", "create", {"name": "Counted", **odoo.storable()})
    [variant] = odoo("product.template", "read", [tmpl], ["product_variant_ids"])[0][
        "product_variant_ids"
    ]
    [warehouse] = odoo("stock.warehouse", "search_read", [], ["lot_stock_id"], limit=1)
    location = warehouse["lot_stock_id"][0]
    mode = {"inventory_mode": True}
    vals = {"product_id": variant, "location_id": location, "inventory_quantity": 5}
    quant = odoo("stock.quant", "create", vals, context=mode)
    assert odoo.fault("stock.quant", "action_apply_inventory", [quant]).faultCode == 1
    fields = ["quantity", "inventory_quantity", "inventory_quantity_set", "inventory_diff_quantity"]

    def counted() -> dict[str, Any]:
        [row] = odoo("stock.quant", "read", [quant], fields)
        return row

    assert odoo("stock.quant", "write", [quant], {"inventory_quantity": 0}, context=mode) is True
    assert counted() == {
        "id": quant,
        "quantity": 5.0,
        "inventory_quantity": 0.0,
        "inventory_quantity_set": True,
        "inventory_diff_quantity": -5.0,
    }
    assert odoo.fault("stock.quant", "action_apply_inventory", [quant]).faultCode == 1
    assert odoo("product.product", "read", [variant], ["qty_available"]) == [
        {"id": variant, "qty_available": 0.0}
    ]
    assert counted()["inventory_quantity_set"] is False
    assert odoo("stock.quant", "write", [quant], {"inventory_quantity": 3}) is True
    assert counted() == {
        "id": quant,
        "quantity": 0.0,
        "inventory_quantity": 3.0,
        "inventory_quantity_set": True,
        "inventory_diff_quantity": 3.0,
    }


def test_fields_get_tells_trim_and_translate(live: Live) -> None:
    """Item 5. Real 17/19: char fields have ``trim`` (True) and ``translate``, text fields
    ``translate`` only, other types neither; in a full ``fields_get`` too."""
    odoo = live.odoo
    names = ["name", "description_sale", "barcode", "default_code", "list_price", "categ_id"]
    answer = odoo("product.template", "fields_get", names, ["trim", "translate"])
    assert answer == {
        "name": {"translate": True, "trim": True},
        "description_sale": {"translate": True},
        "barcode": {"translate": False, "trim": True},
        "default_code": {"translate": False, "trim": True},
        "list_price": {},
        "categ_id": {},
    }
    full = odoo("product.template", "fields_get")
    assert (full["name"]["trim"], full["name"]["translate"]) == (True, True)
    assert "trim" not in full["description_sale"] and full["description_sale"]["translate"]
    assert "trim" not in full["list_price"] and "translate" not in full["list_price"]
    for model in ("product.attribute", "product.attribute.value"):
        described = odoo(model, "fields_get", ["name", "display_name"], ["trim", "translate"])
        assert described == {
            "name": {"translate": True, "trim": True},
            "display_name": {"translate": False, "trim": True},
        }
    category = odoo("product.category", "fields_get", ["name"], ["trim", "translate"])
    assert category == {"name": {"translate": False, "trim": True}}


def test_many2many_reads_in_the_comodels_order(live: Live) -> None:
    """Item 6. Real 17/19: ``value_ids`` written ``[L, S]`` reads ``[S, L]`` (``attribute_id,
    sequence, id``); ``taxes_id`` written ``[2, 1]`` reads ``[1]`` (the field's domain keeps
    sale taxes). New values have sequence 0, new attributes 0 (17) / 20 (19)."""
    odoo = live.odoo
    attribute = odoo("product.attribute", "create", {"name": "Fid"})
    small, _, large = (
        odoo("product.attribute.value", "create", {"name": n, "attribute_id": attribute})
        for n in ("S", "M", "L")
    )
    assert odoo("product.attribute", "read", [attribute], ["sequence"]) == [
        {"id": attribute, "sequence": 20 if odoo.major >= 19 else 0}
    ]
    assert odoo("product.attribute.value", "read", [small], ["sequence"]) == [
        {"id": small, "sequence": 0}
    ]
    line = {"attribute_id": attribute, "value_ids": [[6, 0, [large, small]]]}
    tmpl = odoo("product.template", "create", {"name": "Tee", "attribute_line_ids": [[0, 0, line]]})
    [row] = odoo("product.template", "read", [tmpl], ["attribute_line_ids"])
    assert odoo(
        "product.template.attribute.line", "read", row["attribute_line_ids"], ["value_ids"]
    )[0]["value_ids"] == [small, large]
    sale, purchase = 1, 2  # the seeded 15% taxes, as on the real databases
    odoo("product.template", "write", [tmpl], {"taxes_id": [[6, 0, [purchase, sale]]]})
    assert odoo("product.template", "read", [tmpl], ["taxes_id"]) == [
        {"id": tmpl, "taxes_id": [sale]}
    ]


def _post(url: str, body: bytes) -> xmlrpc.client.Fault:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
    try:
        conn.request("POST", "/xmlrpc/2/object", body=body, headers={"Content-Type": "text/xml"})
        data = conn.getresponse().read()
    finally:
        conn.close()
    with pytest.raises(xmlrpc.client.Fault) as raised:
        xmlrpc.client.loads(data)
    return raised.value


ROUTE_17 = (
    '  File "<odoo>/odoo/addons/base/controllers/rpc.py", line 150, in xmlrpc_2\n'
    "    response = self._xmlrpc(service)\n"
    "               ^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/odoo/addons/base/controllers/rpc.py", line 129, in _xmlrpc\n'
    "    params, method = xmlrpc.client.loads(data)\n"
    "                     ^^^^^^^^^^^^^^^^^^^^^^^^^\n"
)
ROUTE_19 = (
    '  File "<odoo>/addons/rpc/controllers/xmlrpc.py", line 162, in xmlrpc_2\n'
    "    response = self._xmlrpc(service)\n"
    "               ^^^^^^^^^^^^^^^^^^^^^\n"
    '  File "<odoo>/addons/rpc/controllers/xmlrpc.py", line 133, in _xmlrpc\n'
    "    params, method = xmlrpc.client.loads(data, use_datetime=True)\n"
    "                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
)
AT_FEED = (
    '  File "<python>/xmlrpc/client.py", line 1029, in loads\n'
    "    p.feed(data)\n"
    '  File "<python>/xmlrpc/client.py", line 451, in feed\n'
    "    self._parser.Parse(data, False)\n"
    "xml.parsers.expat.ExpatError: syntax error: line 1, column 0\n"
)
AT_CLOSE = (
    '  File "<python>/xmlrpc/client.py", line 1030, in loads\n'
    "    p.close()\n"
    '  File "<python>/xmlrpc/client.py", line 460, in close\n'
    '    parser.Parse(b"", True) # end of data\n'
    "    ^^^^^^^^^^^^^^^^^^^^^^^\n"
    "xml.parsers.expat.ExpatError: no element found: line 1, column 55\n"
)


@pytest.mark.parametrize(
    ("body", "tail"),
    [
        (b"not xml at all", AT_FEED),
        (b"<methodCall><methodName>execute_kw</methodName><params>", AT_CLOSE),
    ],
)
def test_malformed_body_traceback_as_real_odoo_prints_it(
    live: Live, body: bytes, tail: str
) -> None:
    """Item 7. Real 17/19, paths shortened to ``<odoo>`` (the source tree) and ``<python>``
    (the standard library): carets only under the call; none under ``feed``'s frames."""
    fault = _post(live.url, body)
    route = ROUTE_19 if live.odoo.major >= 19 else ROUTE_17
    assert fault.faultCode == 1
    assert fault.faultString == "Traceback (most recent call last):\n" + route + tail
