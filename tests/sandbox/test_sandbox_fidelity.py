"""Value shapes, fields_get, versions, copy and HTTP details checked against Odoo's source.

Each test names the Odoo code it follows (odoo/odoo, 17.0 unless said): the sandbox must not be
more lenient than Odoo where odoosync's client could tell the difference.
"""

from __future__ import annotations

import base64
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest

from odoosync.sandbox import serve

#: a 1x1 PNG
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
).decode()


class Odoo:
    def __init__(self, url: str, database: str) -> None:
        self.url = url
        self.db = database
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.models.execute_kw(self.db, 2, "admin", model, method, list(args), kwargs)

    def fault(self, model: str, method: str, *args: Any, **kwargs: Any) -> xmlrpc.client.Fault:
        with pytest.raises(xmlrpc.client.Fault) as raised:
            self.call(model, method, *args, **kwargs)
        return raised.value


@pytest.fixture(scope="module")
def odoo() -> Iterator[Odoo]:
    with serve(seed="empty") as sb:
        yield Odoo(sb.url, sb.database)


def _versioned(version: str) -> Iterator[Odoo]:
    with serve(seed="empty", odoo_version=version) as sb:
        yield Odoo(sb.url, sb.database)


# -- read: images and bin_size (fields.Image, fields.Binary, tools.misc.human_size) -------------


def test_image_siblings_follow_image_1920(odoo: Odoo) -> None:
    """image_1024..image_128 are stored related Image fields of image_1920 (image.mixin): a
    small image is kept as sent in every size; no image reads False everywhere."""
    tid = odoo.call("product.template", "create", {"name": "img", "image_1920": PNG})
    sizes = ["image_1920", "image_1024", "image_512", "image_256", "image_128"]
    row = odoo.call("product.template", "read", [tid], sizes)[0]
    assert all(row[f] == PNG for f in sizes)
    var = odoo.call("product.template", "read", [tid], ["product_variant_id"])[0]
    vrow = odoo.call("product.product", "read", [var["product_variant_id"][0]], sizes)[0]
    assert all(vrow[f] == PNG for f in sizes)
    odoo.call("product.template", "write", [tid], {"image_1920": False})
    row = odoo.call("product.template", "read", [tid], sizes)[0]
    assert all(row[f] is False for f in sizes)


def test_bin_size_reads_human_sizes(odoo: Odoo) -> None:
    """Context bin_size: Binary.convert_to_cache turns the attachment's file_size into
    human_size(): '%0.2f %s' with bytes/Kb/Mb; an empty image stays False."""
    tid = odoo.call("product.template", "create", {"name": "img", "image_1920": PNG})
    empty = odoo.call("product.template", "create", {"name": "none"})
    rows = odoo.call(
        "product.template",
        "read",
        [tid, empty],
        ["image_1920", "image_128"],
        context={"bin_size": True},
    )
    size = f"{len(base64.b64decode(PNG)):0.2f} bytes"
    assert rows[0]["image_1920"] == size and rows[0]["image_128"] == size
    assert rows[1]["image_1920"] is False
    only = odoo.call(
        "product.template",
        "read",
        [tid],
        ["image_1920", "image_128"],
        context={"bin_size_image_128": True},
    )[0]
    assert only["image_1920"] == PNG and only["image_128"] == size


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not base64!", "Image is not encoded in base64."),
        (
            base64.b64encode(b"plain text, not a picture").decode(),
            "This file could not be decoded as an image file.",
        ),
    ],
)
def test_image_values_are_checked(odoo: Odoo, value: str, message: str) -> None:
    """fields.Image._image_process: b64decode failing is UserError 'Image is not encoded in
    base64.'; ImageProcess on bytes Pillow cannot open is UserError 'This file could not be
    decoded as an image file.' (fault 2, nothing created)."""
    before = odoo.call("product.template", "search_count", [])
    fault = odoo.fault("product.template", "create", {"name": "bad", "image_1920": value})
    assert (fault.faultCode, fault.faultString) == (2, message)
    assert odoo.call("product.template", "search_count", []) == before
    svg = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    assert odoo.call("product.template", "create", {"name": "svg", "image_1920": svg})


# -- fields_get (BaseModel.fields_get, Field.get_description) ----------------------------------


def test_fields_get_attribute_filtering(odoo: Odoo) -> None:
    """attributes=None: every description attribute; attributes=[]: empty descriptions (the
    filter is `attributes is not None`); an attribute with no value (help) is left out;
    unknown allfields names are ignored."""
    full = odoo.call("product.template", "fields_get", ["name", "no_such_field"])
    assert set(full) == {"name"}
    assert {"string", "type", "required", "readonly", "store", "name"} <= set(full["name"])
    empty = odoo.call("product.template", "fields_get", ["name", "list_price"], [])
    assert empty == {"name": {}, "list_price": {}}
    some = odoo.call("product.template", "fields_get", ["name"], ["help", "string", "bogus"])
    assert some == {"name": {"string": "Name"}}


def test_fields_get_store_and_company_dependent(odoo: Odoo) -> None:
    """17: the template's barcode and standard_price are computed (no column); the variant's
    standard_price is company_dependent (ir.property: no column in 17); a variant's template
    fields are _inherits related fields: not stored, but sortable when the template's is."""
    attrs = ["store", "company_dependent", "sortable"]
    tmpl = odoo.call("product.template", "fields_get", ["barcode", "name", "standard_price"], attrs)
    assert tmpl["barcode"]["store"] is False and tmpl["standard_price"]["store"] is False
    assert tmpl["name"] == {"store": True, "company_dependent": False, "sortable": True}
    var = odoo.call("product.product", "fields_get", ["standard_price", "name", "barcode"], attrs)
    assert var["standard_price"]["company_dependent"] is True
    assert var["standard_price"]["store"] is False
    assert var["name"] == {"store": False, "company_dependent": False, "sortable": True}
    assert var["barcode"]["store"] is True


# -- versions: access methods, name_get, unknown methods (models.py, api.call_kw) ---------------


@pytest.fixture(scope="module")
def odoo18() -> Iterator[Odoo]:
    yield from _versioned("18.0")


def _viewer(odoo: Odoo, model: str, method: str, *args: Any) -> Any:
    return odoo.models.execute_kw(odoo.db, 6, "viewer", model, method, list(args), {})


def test_18_has_access_and_check_access(odoo18: Odoo) -> None:
    """18 adds the record methods has_access (bool) and check_access (None, so a marshalling
    fault 1 when allowed, AccessError fault 4 when not); called with ids first."""
    assert odoo18.call("product.template", "has_access", [], "create") is True
    assert _viewer(odoo18, "product.template", "has_access", [], "read") is True
    assert _viewer(odoo18, "product.template", "has_access", [], "create") is False
    fault = odoo18.fault("product.template", "check_access", [], "read")
    assert fault.faultCode == 1 and "cannot marshal None" in fault.faultString
    with pytest.raises(xmlrpc.client.Fault) as raised:
        _viewer(odoo18, "product.template", "check_access", [], "create")
    assert raised.value.faultCode == 4


def test_18_check_access_rights_is_deprecated_but_callable(odoo18: Odoo) -> None:
    """18: `if raise_exception: return self.browse().check_access(operation)` is None over
    XML-RPC (fault 1 after the call); raise_exception=False answers has_access's bool."""
    assert odoo18.call("product.template", "check_access_rights", "read", False) is True
    assert _viewer(odoo18, "product.template", "check_access_rights", "create", False) is False
    fault = odoo18.fault("product.template", "check_access_rights", "read")
    assert fault.faultCode == 1 and fault.faultString.rstrip().endswith(
        "TypeError: cannot marshal None unless allow_none is enabled"
    )


def test_17_has_no_has_access(odoo: Odoo) -> None:
    fault = odoo.fault("product.template", "has_access", [], "read")
    assert fault.faultString.rstrip().endswith(
        "AttributeError: type object 'product.template' has no attribute 'has_access'"
    )
    assert odoo.call("product.template", "check_access_rights", "read") is True


def test_18_name_get_is_gone(odoo18: Odoo) -> None:
    """18's api.call_kw: getattr(type(model), name, None), then AttributeError "The method
    '<name>' does not exist on the model '<model>'" (fault 1); 17 still has name_get."""
    fault = odoo18.fault("product.template", "name_get", [1])
    assert fault.faultCode == 1
    assert fault.faultString.rstrip().endswith(
        "AttributeError: The method 'name_get' does not exist on the model 'product.template'"
    )


# -- copy, default_get, archiving (product_template.py, product_product.py, models.py) ----------


def test_copy_of_a_template_leaves_computed_fields(odoo: Odoo) -> None:
    """ProductTemplate.copy adds ' (copy)'; copy_data skips copy=False fields: barcode, and
    the computed default_code/weight/volume/standard_price, so the new variant has none."""
    tid = odoo.call(
        "product.template",
        "create",
        {
            "name": "Lamp",
            "default_code": "L-1",
            "barcode": "4006381333931",
            "weight": 2.0,
            "list_price": 9.5,
            "standard_price": 4.0,
        },
    )
    fields = ["name", "default_code", "barcode", "weight", "list_price", "standard_price"]
    new = odoo.call("product.template", "copy", tid)
    assert odoo.call("product.template", "read", [new], fields)[0] == {
        "id": new,
        "name": "Lamp (copy)",
        "default_code": False,
        "barcode": False,
        "weight": 0.0,
        "list_price": 9.5,
        "standard_price": 0.0,
    }
    named = odoo.call("product.template", "copy", tid, {"name": "Other", "default_code": "L-2"})
    row = odoo.call("product.template", "read", [named], ["name", "default_code"])[0]
    assert (row["name"], row["default_code"]) == ("Other", "L-2")


def test_copy_of_a_variant_copies_its_template(odoo: Odoo) -> None:
    """ProductProduct.copy: `template = self.product_tmpl_id.copy(default=default)`, returns
    the new template's variant."""
    tid = odoo.call("product.template", "create", {"name": "Mug", "default_code": "M-1"})
    var = odoo.call("product.template", "read", [tid], ["product_variant_id"])[0]
    new = odoo.call("product.product", "copy", var["product_variant_id"][0])
    row = odoo.call("product.product", "read", [new], ["name", "default_code", "product_tmpl_id"])
    assert row[0]["name"] == "Mug (copy)" and row[0]["default_code"] is False
    assert row[0]["product_tmpl_id"][0] != tid


def test_default_get_leaves_fields_without_default(odoo: Odoo) -> None:
    """BaseModel.default_get: context default_<f>, else field.default; company_id has none;
    many2one as an id, many2many as [(6, 0, ids)] (convert_to_write)."""
    got = odoo.call(
        "product.template", "default_get", ["company_id", "categ_id", "taxes_id", "list_price"]
    )
    assert got == {"categ_id": 1, "taxes_id": [[6, 0, [1]]], "list_price": 1.0}
    ctx = odoo.call(
        "product.template", "default_get", ["company_id"], context={"default_company_id": 1}
    )
    assert ctx == {"company_id": 1}


def test_unarchiving_does_not_recheck_barcodes(odoo: Odoo) -> None:
    """_check_barcode_uniqueness is @api.constrains('barcode'): an archived product's barcode
    is free for another (search skips archived), and unarchiving it does not re-check."""
    old = odoo.call("product.template", "create", {"name": "Old", "barcode": "5901234123457"})
    odoo.call("product.template", "write", [old], {"active": False})
    new = odoo.call("product.template", "create", {"name": "New", "barcode": "5901234123457"})
    assert odoo.call("product.template", "write", [old], {"active": True}) is True
    ids = odoo.call("product.template", "search", [("barcode", "=", "5901234123457")])
    assert sorted(ids) == sorted([old, new])
    fault = odoo.fault("product.template", "write", [new], {"barcode": "5901234123457"})
    assert fault.faultCode == 2 and "New, Old" in fault.faultString


# -- HTTP (odoo/http.py, rpc.py, werkzeug's HTTPException pages) ------------------------------


def _post(url: str, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    import http.client
    from urllib.parse import urlsplit

    conn = http.client.HTTPConnection(urlsplit(url).hostname, urlsplit(url).port, timeout=5)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": "text/xml"})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("body", "last"),
    [
        (b"not xml", "xml.parsers.expat.ExpatError: syntax error: line 1, column 0"),
        (b"", "xml.parsers.expat.ExpatError: no element found: line 1, column 0"),
    ],
)
def test_a_body_that_is_not_xml_is_fault_1(odoo: Odoo, body: bytes, last: str) -> None:
    """rpc.py `_xmlrpc` calls xmlrpc.client.loads inside the route's try: HTTP 200 text/xml,
    fault 1 whose traceback ends in the expat error (raised in loads, not in a model)."""
    status, headers, data = _post(odoo.url, "/xmlrpc/2/object", body)
    assert status == 200 and headers["Content-Type"].startswith("text/xml")
    with pytest.raises(xmlrpc.client.Fault) as raised:
        xmlrpc.client.loads(data)
    assert raised.value.faultCode == 1
    text = raised.value.faultString.rstrip()
    assert text.endswith(last) and "models.py" not in text and "in loads" in text


def test_unknown_path_is_werkzeugs_404_page(odoo: Odoo) -> None:
    status, headers, data = _post(odoo.url, "/xmlrpc/2/nope/extra", b"<x/>")
    assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert data.endswith(
        b"<p>The requested URL was not found on the server. If you entered the URL manually "
        b"please check your spelling and try again.</p>\n"
    )
    assert int(headers["Content-Length"]) == len(data)
