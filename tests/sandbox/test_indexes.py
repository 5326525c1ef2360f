"""The sandbox's indexes are Odoo's (issue 15): ``ir.model.data`` by (module, name) and by
(model, res_id), variants by barcode and default_code. A look-up through one of them looks at
a handful of records whatever the store's size (``Store.visits`` counts what the domain
evaluator reads), and answers what the full scan answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, orm, serve

PRODUCTS = 3000


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxHandle]:
    with serve(seed="empty") as handle:
        ids = handle.execute(
            "product.template",
            "create",
            [
                {"name": f"P{i}", "default_code": f"C{i % 1000}", "barcode": f"B{i}"}
                for i in range(PRODUCTS)
            ],
        )
        handle.execute(
            "ir.model.data",
            "create",
            [
                {"module": "odoosync", "name": f"p_{i}", "model": "product.template", "res_id": i}
                for i in ids
            ]
            + [
                {"module": "other", "name": f"p_{i}", "model": "product.template", "res_id": i}
                for i in ids[:10]
            ]
            + [{"module": "other", "name": "zero", "model": "product.template", "res_id": 0}],
        )
        handle.execute("product.template", "write", ids[5:10], {"active": False})
        yield handle


def _visits(sb: SandboxHandle, model: str, domain: list[Any], **kw: Any) -> tuple[Any, int]:
    sb.store.visits = 0
    result = sb.execute(model, "search_read", domain, **kw)
    return result, sb.store.visits


def _full_scan(
    sb: SandboxHandle, monkeypatch: pytest.MonkeyPatch, model: str, domain: list[Any], **kw: Any
) -> Any:
    monkeypatch.setattr(orm, "INDEXED_SEARCH", False)
    try:
        return sb.execute(model, "search_read", domain, **kw)
    finally:
        monkeypatch.setattr(orm, "INDEXED_SEARCH", True)


def test_lookup_by_res_id_reads_only_the_matching_external_ids(sb: SandboxHandle) -> None:
    rows, visits = _visits(
        sb,
        "ir.model.data",
        [("model", "=", "product.template"), ("res_id", "in", [1, 2, 3000])],
        fields=["module", "name", "res_id"],
    )
    assert sorted((r["module"], r["res_id"]) for r in rows) == [
        ("odoosync", 1),
        ("odoosync", 2),
        ("odoosync", 3000),
        ("other", 1),
        ("other", 2),
    ]
    assert visits <= 10  # two external ids for 1 and 2, one for 3000; not the 3011 of the table


def test_lookup_by_default_code_reads_only_the_variants_that_carry_it(sb: SandboxHandle) -> None:
    rows, visits = _visits(sb, "product.product", [("default_code", "=", "C7")], fields=["name"])
    assert sorted(r["name"] for r in rows) == ["P1007", "P2007"]  # P7 is archived
    assert visits <= 6
    rows, visits = _visits(
        sb, "product.template", [("default_code", "in", ["C11", "C12"])], fields=["name"]
    )
    assert sorted(r["name"] for r in rows) == sorted(
        f"P{i}" for i in (11, 12, 1011, 1012, 2011, 2012)
    )
    assert visits <= 12


def test_get_external_id_and_unlink_use_the_index(sb: SandboxHandle) -> None:
    sb.store.visits = 0
    assert sb.execute("product.template", "get_external_id", [1, 20]) == {
        1: "other.p_1",
        20: "odoosync.p_20",
    }
    ids = sb.execute("product.template", "create", [{"name": "gone"}])
    sb.execute(
        "ir.model.data",
        "create",
        {"module": "odoosync", "name": "gone", "model": "product.template", "res_id": ids[0]},
    )
    sb.execute("product.template", "unlink", ids)
    assert (
        sb.execute("ir.model.data", "search", [("module", "=", "odoosync"), ("name", "=", "gone")])
        == []
    )


@pytest.mark.parametrize(
    ("model", "domain"),
    [
        ("ir.model.data", [("model", "=", "product.template"), ("res_id", "=", 4)]),
        ("ir.model.data", [("res_id", "=", 4), ("model", "=", "product.template")]),
        ("ir.model.data", [("model", "=", "product.template"), ("res_id", "=", 0)]),
        ("ir.model.data", [("model", "=", "product.category"), ("res_id", "in", [1, 2])]),
        ("ir.model.data", ["|", ("model", "=", "x"), ("res_id", "=", 4)]),
        ("ir.model.data", [("model", "=", "product.template"), ("res_id", "in", [4, 5, 6])]),
        ("product.product", [("default_code", "=", "C5")]),
        ("product.product", [("default_code", "in", ["C5", "C6", "nope"])]),
        ("product.template", [("default_code", "=", "C8"), ("active", "in", [True, False])]),
        ("product.template", [("default_code", "=", "C8"), ("barcode", "=", "B1008")]),
    ],
)
def test_the_indexes_answer_what_the_full_scan_answers(
    sb: SandboxHandle, monkeypatch: pytest.MonkeyPatch, model: str, domain: list[Any]
) -> None:
    fields = ["name", "res_id"] if model == "ir.model.data" else ["name"]
    indexed = sb.execute(model, "search_read", domain, fields=fields, order="id")
    assert indexed == _full_scan(sb, monkeypatch, model, domain, fields=fields, order="id")
    assert indexed  # every case finds something
