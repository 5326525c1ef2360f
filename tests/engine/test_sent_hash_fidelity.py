"""The export hashes the Odoo side of a link from what it sent (``engine/export/stored.py``), not
from a read: that holds only if Odoo stores what was sent the way :func:`as_stored` says.

:data:`REAL` is what a real Odoo 17.0 and a real Odoo 19.0 answered (the same on both) to the
calls :func:`observe` makes, over XML-RPC, as ``admin``, on product.template. The sandbox (17.0
and 19.0) must answer the same, and ``as_stored(sent)`` must hash as the value read back. With
``ODOOSYNC_LIVE_URL``/``_DB``/``_USER``/``_PASSWORD`` set, the same checks run against that Odoo.

What the real servers showed: ``trim`` (``True`` on char fields in ``fields_get``) is not applied
by the ORM — leading/trailing spaces, tabs and no-break spaces are kept by create, write and
load alike, translatable or not; carriage returns become line feeds (XML end-of-line handling
of the request, any string); numbers sent to char/text are stored as text; an integer field
truncates a float on write but ``load`` refuses ``"3.0"``; a boolean field stores the truth of
what it gets; a many2many holds each id once.
"""

from __future__ import annotations

import os
import secrets
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from odoosync.engine.export.apply import import_cell
from odoosync.engine.export.run import run_export
from odoosync.engine.export.stored import UNKNOWN, as_stored
from odoosync.engine.odoo_side import OdooSide
from odoosync.engine.sync.run import run_sync
from odoosync.history.store import History
from odoosync.mapping.rows import field_hash
from odoosync.sandbox import SandboxHandle
from odoosync.transforms import TransformContext
from tests.support.export_env import (
    COLUMNS,
    config_toml,
    mapping_toml,
    products,
    run_job,
    settings_for,
    write_catalog,
)
from tests.support.transport import test_sandbox

LIVE_VARS = (
    "ODOOSYNC_LIVE_URL",
    "ODOOSYNC_LIVE_DB",
    "ODOOSYNC_LIVE_USER",
    "ODOOSYNC_LIVE_PASSWORD",
)

TYPES = {
    "name": "char",
    "default_code": "char",
    "barcode": "char",
    "description_sale": "text",
    "sale_ok": "boolean",
    "color": "integer",
    "taxes_id": "many2many",
    "list_price": "float",
}
#: list_price's ``digits`` in ``fields_get``: a real 17.0 rounds prices to 2 decimals, a real
#: 19.0 declares them without digits and stores them unrounded (it kept 2.675)
REAL_DIGITS = {17: [16, 2], 19: False}

#: case -> (field, value sent, value a real Odoo 17.0 and 19.0 read back); ``{tag}`` is the run's
#: tag, ``TAXES`` the first two sale taxes, highest first with a repeat (read back sorted, once).
#: ``load`` cases send the value as the export does (``import_cell``: ``False`` -> "0", 5.0 -> "5")
REAL: dict[str, tuple[str, Any, Any]] = {
    "create char padded": ("name", "  Trailing Name  ", "  Trailing Name  "),
    "create char tab": ("default_code", " CODE-{tag} \t", " CODE-{tag} \t"),
    "create text CR": ("description_sale", "l1\r\nl2\rl3\n  \n", "l1\nl2\nl3\n  \n"),
    "create char from int": ("barcode", 987654321, "987654321"),
    "create boolean from text": ("sale_ok", "yes", True),
    "create integer from float": ("color", 7.0, 7),
    "create float 2 decimals": ("list_price", 12.5, 12.5),
    "write char padded": ("name", " W  name ", " W  name "),
    "write char nbsp": ("default_code", "\u00a0nbsp-{tag}\u00a0", "\u00a0nbsp-{tag}\u00a0"),
    "write text CRLF": ("description_sale", "a\r\nb", "a\nb"),
    "write text from float": ("description_sale", 12.5, "12.5"),
    "write integer truncates": ("color", 7.9, 7),
    "write integer empty": ("color", False, 0),
    "write float from int": ("list_price", 7, 7.0),
    "write float empty": ("list_price", False, 0.0),
    "write many2many repeats": ("taxes_id", "TAXES", "TAXES"),
    "load create char padded": ("name", "  Load Name  ", "  Load Name  "),
    "load create text CRLF": ("description_sale", "x\r\ny ", "x\ny "),
    "load create boolean": ("sale_ok", False, False),
    "load create integer from float": ("color", 5.0, 5),
    "load create float": ("list_price", 19.99, 19.99),
    "load update char tab": ("default_code", "\tTAB-{tag} ", "\tTAB-{tag} "),
    "load update text unicode": (
        "description_sale",
        "\u2028sep\u00a0 e\u0301",
        "\u2028sep\u00a0 e\u0301",
    ),
}

#: what ``load`` answered for "3.0" in an integer field (17.0 and 19.0)
REAL_LOAD_INTEGER_MESSAGE = "'3.0' does not seem to be an integer for field 'Color Index'"


class Rpc:
    """A plain XML-RPC client (not odoosync's): the values must cross a real request."""

    def __init__(self, url: str, db: str, login: str, password: str) -> None:
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.major = int(common.version()["server_version_info"][0])
        self.uid = common.authenticate(db, login, password, {})
        self.object = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.object.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


@pytest.fixture(scope="module", params=["sandbox-17.0", "sandbox-19.0", "live"])
def rpc(request: pytest.FixtureRequest) -> Iterator[Rpc]:
    if request.param == "live":
        if not all(os.environ.get(v) for v in LIVE_VARS):
            pytest.skip("set ODOOSYNC_LIVE_URL, _DB, _USER, _PASSWORD to check a real Odoo")
        env = [os.environ[v] for v in LIVE_VARS]
        yield Rpc(*env)
        return
    with test_sandbox(seed="demo", odoo_version=request.param.split("-")[1]) as handle:
        yield Rpc(handle.url, handle.database, "admin", "admin")


def _sent(value: Any, tag: str, taxes: list[int]) -> Any:
    if value == "TAXES":
        return [taxes[-1], *taxes]
    return value.replace("{tag}", tag) if isinstance(value, str) else value


def _expected(value: Any, tag: str, taxes: list[int]) -> Any:
    if value == "TAXES":
        return sorted(set(taxes))
    return value.replace("{tag}", tag) if isinstance(value, str) else value


def observe(rpc: Rpc) -> tuple[dict[str, tuple[Any, Any]], list[int], str]:
    """Make :data:`REAL`'s calls; case -> (value sent, value read back), the taxes, the tag."""
    tag = secrets.token_hex(3)
    taxes = sorted(rpc("account.tax", "search", [("type_tax_use", "=", "sale")], limit=2))
    seen: dict[str, tuple[Any, Any]] = {}
    made: list[int] = []

    def read(odoo_id: int, name: str) -> Any:
        value = rpc("product.template", "read", [odoo_id], [name])[0][name]
        return sorted(value) if TYPES[name] == "many2many" else value

    def cases(prefix: str) -> dict[str, tuple[str, Any]]:
        return {
            case: (name, _sent(sent, tag, taxes))
            for case, (name, sent, _) in REAL.items()
            if case.startswith(prefix)
        }

    try:
        created = cases("create ")
        values = {name: sent for name, sent in created.values()}
        new = rpc("product.template", "create", [values])
        made.append(new[0] if isinstance(new, list) else new)
        seen |= {c: (s, read(made[0], n)) for c, (n, s) in created.items()}
        for case, (name, sent) in cases("write ").items():
            rpc("product.template", "write", [made[0]], {name: sent})
            seen[case] = (sent, read(made[0], name))
        loaded = cases("load create ")
        columns = ["id", *(name for name, _ in loaded.values())]
        row = [f"__fidelity__.p_{tag}", *(import_cell(s, TYPES[n]) for n, s in loaded.values())]
        answer = rpc("product.template", "load", columns, [row])
        made.append(answer["ids"][0])
        seen |= {c: (s, read(made[1], n)) for c, (n, s) in loaded.items()}
        for case, (name, sent) in cases("load update ").items():
            cell = import_cell(sent, TYPES[name])
            rpc("product.template", "load", [".id", name], [[str(made[1]), cell]])
            seen[case] = (sent, read(made[1], name))
        answer = rpc("product.template", "load", [".id", "color"], [[str(made[1]), "3.0"]])
        seen["load integer 3.0"] = ("3.0", [m["message"] for m in answer["messages"]])
    finally:
        if made:
            rpc("product.template", "unlink", made)
        rpc(
            "ir.model.data",
            "unlink",
            rpc("ir.model.data", "search", [("module", "=", "__fidelity__")]),
        )
    return seen, taxes, tag


@pytest.fixture(scope="module")
def observed(rpc: Rpc) -> tuple[dict[str, tuple[Any, Any]], list[int], str]:
    return observe(rpc)


@pytest.mark.parametrize("case", sorted(REAL))
def test_odoo_stores_what_real_odoo_stored(
    observed: tuple[dict[str, tuple[Any, Any]], list[int], str], case: str
) -> None:
    seen, taxes, tag = observed
    assert seen[case][1] == _expected(REAL[case][2], tag, taxes)


@pytest.mark.parametrize("case", sorted(REAL))
def test_the_value_sent_hashes_as_the_value_read_back(
    rpc: Rpc, observed: tuple[dict[str, tuple[Any, Any]], list[int], str], case: str
) -> None:
    seen, _, _ = observed
    name = REAL[case][0]
    spec = rpc("product.template", "fields_get", [name], attributes=["type", "digits"])
    scale = OdooSide(spec, TransformContext()).field_scale(name)  # as the export reads it
    sent, read = seen[case]
    stored = as_stored(sent, TYPES[name], scale)
    assert stored is not UNKNOWN
    assert field_hash(name, stored) == field_hash(name, read)


def test_load_refuses_a_float_for_an_integer_field(
    observed: tuple[dict[str, tuple[Any, Any]], list[int], str],
) -> None:
    seen, _, _ = observed
    assert seen["load integer 3.0"][1] == [REAL_LOAD_INTEGER_MESSAGE]


def test_the_hash_of_an_unknown_stored_form_is_not_guessed() -> None:
    assert as_stored(True, "char") is UNKNOWN  # write stores "True", load "1"
    assert as_stored([(4, 3)], "many2many") is UNKNOWN  # adds to what Odoo holds
    assert as_stored("3", "many2one") is UNKNOWN
    assert as_stored([(5,), (4, 3), (4, 1), (4, 3)], "many2many") == [1, 3]
    assert as_stored(2.675, "float", 2) is UNKNOWN  # Odoo rounds it (2.68): read back
    assert as_stored(12.5, "float", None) is UNKNOWN  # no digits known
    assert as_stored("12.5", "float", 2) is UNKNOWN
    assert as_stored(float("nan"), "float", 2) is UNKNOWN
    assert as_stored(12.5, "float", 1) == 12.5 and as_stored(1e20, "float", 2) == 1e20


def test_fields_get_tells_a_floats_digits_like_real_odoo(rpc: Rpc) -> None:
    """Real 17.0: list_price ``[16, 2]``; real 19.0: ``False``; weight ``[16, 2]`` on both
    (default decimal precisions); no digits on char."""
    answer = rpc(
        "product.template",
        "fields_get",
        ["list_price", "weight", "name"],
        attributes=["type", "digits"],
    )
    assert answer == {
        "list_price": {"type": "float", "digits": REAL_DIGITS[rpc.major]},
        "weight": {"type": "float", "digits": [16, 2]},
        "name": {"type": "char"},
    }


def test_a_price_with_more_decimals_is_rounded_on_17_and_kept_on_19(rpc: Rpc) -> None:
    """Real 17.0 stored ``list_price = 2.675`` as 2.68 and ``weight = 1.23456`` as 1.23; real
    19.0 kept 2.675 and rounded the weight the same."""
    made = rpc("product.template", "create", [{"name": "digits", "list_price": 2.675}])
    made = made if isinstance(made, list) else [made]
    try:
        rpc("product.template", "write", made, {"weight": 1.23456})
        [row] = rpc("product.template", "read", made, ["list_price", "weight"])
    finally:
        rpc("product.template", "unlink", made)
    assert (row["list_price"], row["weight"]) == ({17: 2.68, 19: 2.675}[rpc.major], 1.23)
    scale = OdooSide(
        rpc("product.template", "fields_get", ["list_price"], attributes=["type", "digits"]),
        TransformContext(),
    ).field_scale("list_price")
    # as_stored knows 19's value from what was sent; 17's rounding it leaves to a read
    assert as_stored(2.675, "float", scale) == ({17: UNKNOWN, 19: 2.675}[rpc.major])


def test_fields_get_tells_trim_and_translate_like_real_odoo(
    rpc: Rpc, request: pytest.FixtureRequest
) -> None:
    """Real 17.0/19.0: ``{'name': {'translate': True, 'trim': True, 'type': 'char'}, ...}``."""
    answer = rpc(
        "product.template",
        "fields_get",
        ["name", "description_sale", "barcode"],
        attributes=["type", "trim", "translate"],
    )
    assert answer == {
        "name": {"type": "char", "trim": True, "translate": True},
        "description_sale": {"type": "text", "translate": True},
        "barcode": {"type": "char", "trim": True, "translate": False},
    }


# --------------------------------------------------------------------------------------------
# end to end: padded titles and CRLF descriptions export, then sync sees nothing to do


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    """17.0 whatever ODOOSYNC_TEST_TRANSPORT says: the CR normalisation observed is 17's."""
    with test_sandbox(seed="empty", odoo_version="17.0") as handle:
        yield handle


def test_padded_title_and_crlf_description_export_then_sync_finds_nothing_changed(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    rows = products(6)
    rows[0]["title"] = "Trailing spaces   "
    rows[1]["title"] = "  leading and trailing\t"
    rows[2]["description"] = "first line\r\nsecond line\rthird"
    rows[3]["supplier_reference"] = " REF-padded "
    config = tmp_path / "odoosync.toml"
    sync = {"batch_size": 3, "workers": 1, "max_retries": 1, "max_retry_wait": 0.5}
    config.write_text(config_toml(sandbox.url, sandbox.database, sync=sync), encoding="utf-8")
    (tmp_path / "mapping.toml").write_text(
        mapping_toml("title", "ean", "supplier_reference", "description", "price"), encoding="utf-8"
    )
    write_catalog(tmp_path / "products.csv", rows)
    assert COLUMNS[1] == "title"
    settings = settings_for(config)

    exported = run_job(run_export, settings)
    assert exported.created == 6 and exported.failed == 0
    stored = {
        r["name"]: r["description_sale"]
        for r in sandbox.execute(
            "product.template", "search_read", [], ["name", "description_sale"]
        )
    }
    assert "Trailing spaces   " in stored and "  leading and trailing\t" in stored
    assert "first line\nsecond line\nthird" in stored.values()

    sandbox.reset_calls()
    synced = run_job(run_sync, settings)
    assert (synced.conflicts, synced.updated, synced.created, synced.failed) == (0, 0, 0, 0)
    assert synced.unchanged == 6
    calls = sandbox.calls()
    assert calls.get("product.template.write", 0) == calls.get("product.template.load", 0) == 0
    with History(settings.history_path) as history:
        links = history.links(settings.profile.name, [str(r["id"]) for r in rows])
    assert len(links) == 6
