"""No product is created twice, whatever happens to the answer of a create batch.

Each fault kind the sandbox injects on ``load`` (the call that creates products with their
external ids) is one way a real network or proxy loses the answer after Odoo committed.
"""

# ruff: noqa: F811  (pytest fixtures imported from test_export are arguments here by design)
from __future__ import annotations

import pytest
from test_export import Setup, sandbox, setup  # noqa: F401  (fixtures shared with test_export)


@pytest.mark.parametrize(
    "kind",
    ["lost_response", "http_502_after_commit", "http_504_after_commit"],
)
def test_a_create_batch_whose_answer_is_lost_creates_each_product_once(
    setup: Setup, kind: str
) -> None:
    setup.sandbox.inject(kind, model="product.template", method="load")
    result = setup.export()
    assert (result.created, result.failed) == (25, 0)
    templates = setup.templates()
    assert len(templates) == 25
    assert len({t["default_code"] for t in templates}) == 25


@pytest.mark.parametrize("kind", ["http_502", "http_503", "http_429", "serialization"])
def test_a_create_batch_refused_before_the_change_is_retried(setup: Setup, kind: str) -> None:
    setup.sandbox.inject(kind, model="product.template", method="load")
    result = setup.export()
    assert (result.created, result.failed) == (25, 0)
    assert len(setup.templates()) == 25


def test_a_second_export_after_a_lost_answer_changes_nothing(setup: Setup) -> None:
    setup.sandbox.inject("lost_response", model="product.template", method="load")
    setup.export()
    again = setup.export()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 25)
