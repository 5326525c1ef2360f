"""Odoo's variant ceiling is per template: ``_create_variant_ids`` raises when the variants it
would create for ONE template exceed ``product.dynamic_variant_limit`` (1,000), counted in
``current_variants_to_create``, not across every template of the call (product_template.py,
17.0 and 19.0). An exporter's batch of 750 six-variant templates creates 4,500 variants in one
call, and a real Odoo accepts it."""

from __future__ import annotations

from tests.support.catalog_rpc import Odoo, last_line

LIMIT_TEXT = (
    "The number of variants to generate is above allowed limit. You should either not generate "
    "variants for each combination or generate them on demand from the sales order. To do so, "
    "open the form view of attributes and change the mode of *Create Variants*."
)


def _attribute(odoo: Odoo, name: str, count: int) -> tuple[int, list[int]]:
    attr = odoo("product.attribute", "create", {"name": name})
    values = odoo(
        "product.attribute.value",
        "create",
        [{"name": f"{name} {i}", "attribute_id": attr} for i in range(count)],
    )
    return attr, values


def test_one_call_may_create_more_than_the_limit_across_templates(odoo: Odoo) -> None:
    attr, values = _attribute(odoo, "Shade", 600)
    templates = odoo("product.template", "create", [{"name": "Paint A"}, {"name": "Paint B"}])
    odoo(
        "product.template.attribute.line",
        "create",
        [{"product_tmpl_id": t, "attribute_id": attr, "value_ids": [[6, 0, values]]}
         for t in templates],
    )  # fmt: skip
    rows = odoo("product.template", "read", templates, ["product_variant_count"])
    assert [r["product_variant_count"] for r in rows] == [600, 600]


def test_one_template_above_the_limit_is_refused(odoo: Odoo) -> None:
    attr, values = _attribute(odoo, "Shade", 1001)
    [tmpl] = odoo("product.template", "create", [{"name": "Paint C"}])
    fault = odoo.fault(
        "product.template.attribute.line",
        "create",
        [{"product_tmpl_id": tmpl, "attribute_id": attr, "value_ids": [[6, 0, values]]}],
    )
    assert last_line(fault).endswith(LIMIT_TEXT)
    [row] = odoo("product.template", "read", [tmpl], ["product_variant_count"])
    assert row["product_variant_count"] == 1  # the call rolled back: the template's own variant
