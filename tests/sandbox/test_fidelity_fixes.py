"""Fidelity fixes over real XML-RPC: non-finite floats (issue 11 item 4) and the duplicate external
id fault (issue 13).

Odoo 17 rounds float fields with digits through ``float_round``, whose ``round()`` refuses NaN
(``ValueError: cannot convert float NaN to integer``) and ±Infinity (``OverflowError: cannot
convert float infinity to integer``); XML-RPC itself carries them (``<double>nan</double>``).
A duplicate ``(module, name)`` violates the unique index ``ir_model_data_module_name_uniq_index``,
which Odoo 17's ``_as_validation_error`` turns into fault 2 "The operation cannot be completed: "
followed by the PostgreSQL message and its DETAIL line.
"""

from __future__ import annotations

import math
import xmlrpc.client
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, serve

Call = Callable[..., Any]
NAN_LINE = "ValueError: cannot convert float NaN to integer"
INF_LINE = "OverflowError: cannot convert float infinity to integer"


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxHandle]:
    with serve(seed="empty") as handle:
        yield handle


@pytest.fixture
def call(sb: SandboxHandle) -> Call:
    proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object", allow_none=True)

    def run(model: str, method: str, *args: Any, **kw: Any) -> Any:
        return proxy.execute_kw(sb.database, 2, "admin", model, method, list(args), kw)

    return run


def _fault(call: Call, *args: Any, **kw: Any) -> xmlrpc.client.Fault:
    with pytest.raises(xmlrpc.client.Fault) as info:
        call(*args, **kw)
    return info.value


@pytest.mark.parametrize(
    ("value", "line"),
    [(math.nan, NAN_LINE), (math.inf, INF_LINE), (-math.inf, INF_LINE)],
)
def test_create_refuses_a_non_finite_price_and_creates_nothing(
    call: Call, value: float, line: str
) -> None:
    before = call("product.template", "search_count", [])
    fault = _fault(call, "product.template", "create", [{"name": "bad", "list_price": value}])
    assert fault.faultCode == 1
    assert fault.faultString.startswith("Traceback (most recent call last):\n")
    assert fault.faultString.rstrip("\n").splitlines()[-1] == line
    assert call("product.template", "search_count", []) == before


@pytest.mark.parametrize(
    ("model", "field", "value", "line"),
    [
        ("product.template", "standard_price", math.nan, NAN_LINE),
        ("product.template", "weight", math.inf, INF_LINE),
        ("product.product", "lst_price", -math.inf, INF_LINE),
        ("product.product", "volume", math.nan, NAN_LINE),
    ],
)
def test_write_refuses_non_finite_values_and_keeps_the_old_one(
    call: Call, model: str, field: str, value: float, line: str
) -> None:
    tmpl = call("product.template", "create", [{"name": "kept", "list_price": 2.5}])[0]
    rec_id = (
        tmpl
        if model == "product.template"
        else call("product.product", "search", [("product_tmpl_id", "=", tmpl)])[0]
    )
    old = call(model, "read", [rec_id], fields=[field])[0][field]
    fault = _fault(call, model, "write", [rec_id], {field: value})
    assert fault.faultCode == 1
    assert fault.faultString.rstrip("\n").splitlines()[-1] == line
    assert call(model, "read", [rec_id], fields=[field])[0][field] == old


def test_load_reports_each_non_finite_row_and_imports_nothing(call: Call) -> None:
    before = call("product.template", "search_count", [])
    result = call(
        "product.template",
        "load",
        ["name", "list_price", "weight"],
        [["fine", "1.5", "0"], ["nan", "nan", "0"], ["inf", "2", "-Infinity"]],
    )
    assert result["ids"] is False
    assert [(m["type"], m["record"], m["message"]) for m in result["messages"]] == [
        ("error", 1, f"Unknown error during import: <class 'ValueError'>: {NAN_LINE[12:]}"),
        ("error", 2, f"Unknown error during import: <class 'OverflowError'>: {INF_LINE[15:]}"),
    ]
    assert all(m["moreinfo"] == "Resolve other errors first" for m in result["messages"])
    assert call("product.template", "search_count", []) == before


def test_a_float_without_digits_takes_nan_as_postgresql_does(call: Call) -> None:
    model_id = call("ir.model", "search", [("model", "=", "product.template")])[0]
    call(
        "ir.model.fields",
        "create",
        {"model_id": model_id, "name": "x_ratio", "ttype": "float", "field_description": "R"},
    )
    rec = call("product.template", "create", [{"name": "ratio", "x_ratio": math.nan}])[0]
    assert math.isnan(call("product.template", "read", [rec], fields=["x_ratio"])[0]["x_ratio"])


def _duplicate_text(module: str, name: str) -> str:
    return (
        "The operation cannot be completed: duplicate key value violates unique constraint "
        '"ir_model_data_module_name_uniq_index"\n'
        f"DETAIL:  Key (module, name)=({module}, {name}) already exists.\n"
    )


def test_a_duplicate_external_id_reads_as_odoo_17s_unique_violation(call: Call) -> None:
    tmpl = call("product.template", "create", [{"name": "xid"}])[0]
    row = {"module": "odoosync", "name": "product_1", "model": "product.template", "res_id": tmpl}
    call("ir.model.data", "create", [row])
    fault = _fault(call, "ir.model.data", "create", [{**row, "res_id": tmpl + 1000}])
    assert (fault.faultCode, fault.faultString) == (2, _duplicate_text("odoosync", "product_1"))


def test_a_duplicate_inside_one_batch_or_by_renaming_fails_alike(call: Call) -> None:
    before = call("ir.model.data", "search_count", [("module", "=", "batch")])
    row = {"module": "batch", "name": "twice", "model": "product.template", "res_id": 1}
    fault = _fault(call, "ir.model.data", "create", [row, {**row, "res_id": 2}])
    assert (fault.faultCode, fault.faultString) == (2, _duplicate_text("batch", "twice"))
    assert call("ir.model.data", "search_count", [("module", "=", "batch")]) == before
    first, second = call(
        "ir.model.data", "create", [{**row, "name": "one"}, {**row, "name": "two"}]
    )
    fault = _fault(call, "ir.model.data", "write", [second], {"name": "one"})
    assert (fault.faultCode, fault.faultString) == (2, _duplicate_text("batch", "one"))
    assert first != second


# -- float digits (issue 15: the export hashes a float from what it sent when Odoo keeps it) -----


def test_fields_get_gives_the_digits_a_real_odoo_17_gives(call: Call) -> None:
    """Observed on a real Odoo 17 (default decimal precisions): ``[16, 2]`` for the product
    floats with digits, no ``digits`` for the computed reordering quantities or non-floats."""
    fields = call("product.template", "fields_get", attributes=["type", "digits"])
    for name in ("list_price", "standard_price", "weight", "volume"):
        assert fields[name] == {"type": "float", "digits": [16, 2]}, name
    assert "digits" not in fields["reordering_min_qty"]
    assert fields["name"] == {"type": "char"}
    assert call("account.tax", "fields_get", ["amount"], attributes=["digits"]) == {
        "amount": {"digits": [16, 4]}
    }


@pytest.mark.parametrize(
    ("sent", "stored"),
    [(2.675, 2.68), (1.005, 1.01), (12.5, 12.5), (-2.675, -2.68), (9.999, 10.0), (7, 7.0)],
)
def test_floats_are_stored_rounded_to_their_digits(call: Call, sent: float, stored: float) -> None:
    """A real Odoo 17 stored ``list_price = 2.675`` as ``2.68``, ``weight = 1.23456`` as 1.23."""
    made = call("product.template", "create", [{"name": "digits", "list_price": sent}])
    call("product.template", "write", made, {"weight": 1.23456})
    [row] = call("product.template", "read", made, ["list_price", "weight"])
    assert (row["list_price"], row["weight"]) == (stored, 1.23)
    call("product.template", "unlink", made)
