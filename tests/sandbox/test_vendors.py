"""Vendors and their prices: res.partner, product.supplierinfo → seller_ids (obs #33-#35)."""

from __future__ import annotations

from catalog_rpc import Odoo, make_tee


def test_obs_33_35_vendor_price_on_the_template(odoo: Odoo) -> None:
    tee = make_tee(odoo)
    vendor = odoo("res.partner", "create", {"name": "Vendor 7881", "is_company": True})
    assert isinstance(vendor, int)
    info = odoo(
        "product.supplierinfo",
        "create",
        {
            "partner_id": vendor,
            "product_tmpl_id": tee["tmpl"],
            "price": 8.5,
            "product_code": "V-7881",
            "min_qty": 10,
        },
    )
    assert odoo("product.template", "read", [tee["tmpl"]], ["seller_ids"]) == [
        {"id": tee["tmpl"], "seller_ids": [info]}
    ]
    [row] = odoo(
        "product.supplierinfo",
        "read",
        [info],
        ["partner_id", "price", "min_qty", "product_code", "product_id", "delay", "currency_id"],
    )
    assert row["partner_id"] == [vendor, "Vendor 7881"]
    assert (row["price"], row["min_qty"], row["product_code"]) == (8.5, 10.0, "V-7881")
    assert row["product_id"] is False
    assert row["delay"] == 1 and row["currency_id"][0] == 2


def test_variant_specific_price_fills_its_template(odoo: Odoo) -> None:
    tee = make_tee(odoo)
    vendor = odoo("res.partner", "create", {"name": "Vendor", "is_company": True})
    info = odoo(
        "product.supplierinfo",
        "create",
        {"partner_id": vendor, "product_id": tee["variants"][1], "price": 4.0},
    )
    [row] = odoo("product.supplierinfo", "read", [info], ["product_tmpl_id", "product_id"])
    assert row["product_tmpl_id"][0] == tee["tmpl"]
    assert row["product_id"] == [tee["variants"][1], "Tee 7881 (S, Blue)"]


def test_seller_ids_commands_and_order(odoo: Odoo) -> None:
    vendor = odoo("res.partner", "create", {"name": "Acme", "is_company": True})
    tmpl = odoo(
        "product.template",
        "create",
        {
            "name": "Bolt",
            "seller_ids": [
                [0, 0, {"partner_id": vendor, "price": 2.0, "min_qty": 1}],
                [0, 0, {"partner_id": vendor, "price": 1.5, "min_qty": 100}],
            ],
        },
    )
    sellers = odoo("product.template", "read", [tmpl], ["seller_ids"])[0]["seller_ids"]
    prices = odoo("product.supplierinfo", "read", sellers, ["min_qty"])
    # ``_order`` sequence, min_qty DESC, price, id: the larger quantity first
    assert [r["min_qty"] for r in prices] == [100.0, 1.0]
    odoo("product.template", "write", [tmpl], {"seller_ids": [[2, sellers[0]]]})
    assert odoo("product.template", "read", [tmpl], ["seller_ids"])[0]["seller_ids"] == [sellers[1]]
    assert odoo("product.supplierinfo", "search_count", [["id", "=", sellers[0]]]) == 0


def test_supplierinfo_needs_a_vendor(odoo: Odoo) -> None:
    tmpl = odoo("product.template", "create", {"name": "Nut"})
    fault = odoo.fault("product.supplierinfo", "create", {"product_tmpl_id": tmpl, "price": 1.0})
    assert fault.faultCode == 2
    assert "partner_id" in fault.faultString


def test_contact_of_a_company_reads_as_company_comma_name(odoo: Odoo) -> None:
    company = odoo("res.partner", "create", {"name": "Acme", "is_company": True})
    person = odoo("res.partner", "create", {"name": "Jane", "parent_id": company})
    assert odoo("res.partner", "read", [person], ["display_name", "parent_id"]) == [
        {"id": person, "display_name": "Acme, Jane", "parent_id": [company, "Acme"]}
    ]
    assert odoo("res.partner", "name_search", "Jane") == [[person, "Acme, Jane"]]
