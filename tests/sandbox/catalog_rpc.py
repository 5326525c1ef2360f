"""Helpers of the catalog conformance tests: an ``execute_kw`` caller and the observed setup."""

from __future__ import annotations

import xmlrpc.client
from typing import Any

import pytest


class Odoo:
    """``execute_kw`` as admin (uid 2) on one sandbox."""

    def __init__(self, url: str, database: str, version: str) -> None:
        self.db, self.version = database, version
        self.major = int(version.split(".")[0])
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")

    def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.models.execute_kw(self.db, 2, "admin", model, method, list(args), kwargs)

    def fault(self, model: str, method: str, *args: Any, **kwargs: Any) -> xmlrpc.client.Fault:
        with pytest.raises(xmlrpc.client.Fault) as info:
            self(model, method, *args, **kwargs)
        return info.value

    def storable(self) -> dict[str, Any]:
        """The values that make a template storable (17: detailed_type; 19: is_storable)."""
        return {"detailed_type": "product"} if self.major <= 17 else {"is_storable": True}


def last_line(fault: xmlrpc.client.Fault) -> str:
    return str(fault.faultString).rstrip("\n").splitlines()[-1]


def make_tee(odoo: Odoo, name: str = "Tee 7881") -> dict[str, Any]:
    """Observations #1-#6: Size (S, M, L) and Color (Red, Blue), a template with both lines."""
    size = odoo("product.attribute", "create", {"name": "Size 7881", "display_type": "radio"})
    s, m, lg = odoo(
        "product.attribute.value",
        "create",
        [{"name": v, "attribute_id": size} for v in ("S", "M", "L")],
    )
    color = odoo("product.attribute", "create", {"name": "Color 7881"})
    red, blue = odoo(
        "product.attribute.value",
        "create",
        [{"name": "Red", "attribute_id": color}, {"name": "Blue", "attribute_id": color}],
    )
    tmpl = odoo(
        "product.template",
        "create",
        {
            "name": name,
            "list_price": 20.0,
            "attribute_line_ids": [
                [0, 0, {"attribute_id": size, "value_ids": [[6, 0, [s, m, lg]]]}],
                [0, 0, {"attribute_id": color, "value_ids": [[6, 0, [red, blue]]]}],
            ],
        },
    )
    [row] = odoo("product.template", "read", [tmpl], ["product_variant_ids"])
    return {
        "tmpl": tmpl,
        "size": size,
        "color": color,
        "values": {"S": s, "M": m, "L": lg, "Red": red, "Blue": blue},
        "variants": row["product_variant_ids"],
    }
