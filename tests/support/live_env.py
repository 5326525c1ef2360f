"""Helpers of the live suite (tests/live, see its conftest.py): the target, a plain XML-RPC
client, cleanup, and :class:`LiveScope`, one test's prefix and odoosync files.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import secrets
import ssl
import xmlrpc.client
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from odoosync.cli import run
from tests.support.export_env import config_toml, mapping_toml

LIVE_VARS = (
    "ODOOSYNC_LIVE_URL",
    "ODOOSYNC_LIVE_DB",
    "ODOOSYNC_LIVE_USER",
    "ODOOSYNC_LIVE_PASSWORD",
)
#: ``xmlrpc``, ``json2`` or ``auto``: the profile's transport in the live runs (default auto);
#: with ``json2``, ODOOSYNC_LIVE_PASSWORD holds an API key (an Odoo 19 database)
TRANSPORT_VAR = "ODOOSYNC_LIVE_TRANSPORT"


def live_transport(env: Mapping[str, str] = os.environ) -> str:
    """The transport the live runs' profile asks for (ODOOSYNC_LIVE_TRANSPORT)."""
    transport = env.get(TRANSPORT_VAR, "").strip() or "auto"
    if transport not in ("auto", "xmlrpc", "json2"):
        raise ValueError(f"{TRANSPORT_VAR} must be auto, xmlrpc or json2, not {transport!r}")
    return transport


SKIP_REASON = (
    "set ODOOSYNC_LIVE_URL, _DB, _USER, _PASSWORD to run the live tests against a real Odoo"
)
#: seconds for one XML-RPC call made by the tests themselves (odoosync has its own timeout)
RPC_TIMEOUT = 60.0

#: one random tag per session: names, barcodes and external id modules all carry it
RUN_TAG = secrets.token_hex(4)
RUN_DIGITS = f"{secrets.randbelow(10**6):06d}"
NAME_PREFIX = f"odoosync-live-{RUN_TAG}"
MODULE_PREFIX = f"odoosync_live_{RUN_TAG}"
_scopes = itertools.count(1)


def next_scope() -> int:
    return next(_scopes)


def live_mode(env: Mapping[str, str] = os.environ) -> str | None:
    """``"sandbox"``, ``"real"``, or None (skip). Sandbox wins: it never touches a real db."""
    if env.get("ODOOSYNC_LIVE_SANDBOX") == "1":
        return "sandbox"
    if all(env.get(name) for name in LIVE_VARS):
        return "real"
    return None


def skip_reason(env: Mapping[str, str] = os.environ) -> str:
    missing = [name for name in LIVE_VARS if not env.get(name)]
    if len(missing) < len(LIVE_VARS):
        return f"{SKIP_REASON} (missing: {', '.join(missing)})"
    return SKIP_REASON


# -- the Odoo under test, and a plain XML-RPC client independent of odoosync's --------------


class _Transport(xmlrpc.client.Transport):
    """The stdlib transport with a timeout (its ServerProxy has none)."""

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        conn = super().make_connection(host)
        conn.timeout = RPC_TIMEOUT
        return conn


class _SafeTransport(xmlrpc.client.SafeTransport):
    def make_connection(self, host: Any) -> http.client.HTTPSConnection:
        conn = super().make_connection(host)
        conn.timeout = RPC_TIMEOUT
        return conn


@dataclass(frozen=True)
class LiveOdoo:
    """Where the live tests run: a real Odoo or the sandbox."""

    url: str
    database: str
    username: str
    password: str
    sandbox: bool
    #: the profile's ``transport`` in the configs the tests write (see :func:`live_transport`)
    transport: str = "auto"

    def proxy(self, service: str) -> xmlrpc.client.ServerProxy:
        endpoint = f"{self.url}/xmlrpc/2/{service}"
        transport: xmlrpc.client.Transport
        if endpoint.startswith("https://"):
            transport = _SafeTransport(context=ssl.create_default_context())
        else:
            transport = _Transport()
        return xmlrpc.client.ServerProxy(endpoint, transport=transport, allow_none=False)


class Rpc:
    """``execute_kw`` as the live user, straight through ``xmlrpc.client``: the tests set up,
    check and clean up with it, so that a bug in odoosync's client cannot hide itself."""

    def __init__(self, odoo: LiveOdoo) -> None:
        self.odoo = odoo
        uid = odoo.proxy("common").authenticate(odoo.database, odoo.username, odoo.password, {})
        if not isinstance(uid, int) or isinstance(uid, bool):
            raise RuntimeError(
                f"Cannot log in to {odoo.url} (database {odoo.database!r}) as {odoo.username!r}: "
                "check ODOOSYNC_LIVE_USER and ODOOSYNC_LIVE_PASSWORD."
            )
        self.uid: int = uid
        self._object = odoo.proxy("object")

    def __call__(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self._object.execute_kw(
            self.odoo.database, self.uid, self.odoo.password, model, method, list(args), kwargs
        )


# -- cleanup --------------------------------------------------------------------------------

ALL_ACTIVE = {"active_test": False}


def _like(prefix: str) -> str:
    """A ``=like`` pattern for names starting with ``prefix`` (``_`` and ``%`` escaped)."""
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def leftovers(rpc: Rpc, name_prefix: str, module_prefix: str) -> dict[str, list[int]]:
    """What carries the prefixes in Odoo and is still in use: active products, categories,
    external ids, active vendor partners and product attributes (archived products and
    partners are what :func:`cleanup` leaves when Odoo refuses to delete them)."""
    like = _like(name_prefix)
    found = {
        "product.template": rpc("product.template", "search", [("name", "=like", like)]),
        "product.category": rpc("product.category", "search", [("name", "=like", like)]),
        "ir.model.data": rpc(
            "ir.model.data", "search", [("module", "=like", _like(module_prefix))]
        ),
        "res.partner": rpc("res.partner", "search", [("name", "=like", like)]),
        "product.attribute": _attributes_in_use(rpc, like),
    }  # fmt: skip
    return {model: ids for model, ids in found.items() if ids}


def _attributes_in_use(rpc: Rpc, like: str) -> list[int]:
    """Active attributes with the prefix that an active template uses (one only archived
    templates use cannot be deleted, nor archived on 17.0: cleanup keeps it)."""
    ids = rpc("product.attribute", "search", [("name", "=like", like)])
    if not ids:
        return []
    rows = rpc("product.attribute", "read", ids, ["number_related_products"])
    return [r["id"] for r in rows if r["number_related_products"]]


def archived(rpc: Rpc, name_prefix: str) -> dict[str, list[int]]:
    """The archived products and partners carrying the prefix (left on purpose, see cleanup)."""
    like = _like(name_prefix)
    found = {
        model: rpc(model, "search", [("name", "=like", like), ("active", "=", False)],
                   context=ALL_ACTIVE)
        for model in ("product.template", "res.partner")
    }  # fmt: skip
    return {model: ids for model, ids in found.items() if ids}


@dataclass
class CleanupReport:
    """What :func:`cleanup` could not delete: archived instead, or refused outright."""

    archived: dict[str, list[int]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)

    def archive(self, model: str, ids: Sequence[int]) -> None:
        self.archived.setdefault(model, []).extend(ids)


def _try(report: CleanupReport, what: str, rpc: Rpc, model: str, method: str, *args: Any,
         **kwargs: Any) -> bool:  # fmt: skip
    """One cleanup call; a fault is noted in ``report``, never raised."""
    try:
        rpc(model, method, *args, **kwargs)
    except xmlrpc.client.Fault as fault:
        text = str(fault.faultString).strip()[-200:]
        report.refused.append(f"{what}: {model}.{method} -> fault {fault.faultCode} {text}")
        return False
    return True


def _unlink_or_archive(rpc: Rpc, report: CleanupReport, model: str, ids: Sequence[int]) -> None:
    """Unlink ``ids`` (all at once, then one by one); archive each one Odoo refuses to delete
    (a product with stock moves: 17.0 faults 2 "Constraint: stock_move_product_id_fkey", 19.0
    "... How about archiving the record instead?")."""
    if not ids:
        return
    try:
        rpc(model, "unlink", list(ids))
        return
    except xmlrpc.client.Fault:
        pass
    for record in ids:
        try:
            rpc(model, "unlink", [record])
        except xmlrpc.client.Fault:
            if _try(report, "archive", rpc, model, "write", [record], {"active": False}):
                report.archive(model, [record])


def _zero_stock(rpc: Rpc, report: CleanupReport, templates: Sequence[int]) -> None:
    """Count the templates' stock in internal locations back to 0 before they are archived,
    so a real database keeps no phantom quantity. ``action_apply_inventory`` returns None:
    XML-RPC answers fault 1 "cannot marshal None" after applying it, which is success."""
    quants = rpc(
        "stock.quant", "search",
        [("product_tmpl_id", "in", list(templates)), ("location_id.usage", "=", "internal"),
         ("quantity", "!=", 0)],
    )  # fmt: skip
    if not quants:
        return
    context = {"inventory_mode": True}
    if not _try(report, "count stock to 0", rpc, "stock.quant", "write", quants,
                {"inventory_quantity": 0}, context=context):  # fmt: skip
        return
    try:
        rpc("stock.quant", "action_apply_inventory", quants, context=context)
    except xmlrpc.client.Fault as fault:
        if "cannot marshal None" not in str(fault.faultString):
            report.refused.append(f"apply inventory {quants}: fault {fault.faultCode}")


def _remove_attributes(rpc: Rpc, report: CleanupReport, attributes: Sequence[int]) -> None:
    """Unlink each attribute; Odoo refuses while an archived template's attribute line still
    points at it (fault 2, "Constraint: product_template_attribute_line_attribute_id_fkey").
    Then archive it where product.attribute has ``active`` (19.0), else keep it (17.0)."""
    can_archive = "active" in rpc("product.attribute", "fields_get", attributes=["type"])
    for attribute in attributes:
        try:
            rpc("product.attribute", "unlink", [attribute])
            continue
        except xmlrpc.client.Fault:
            pass
        if not can_archive:
            report.archive("product.attribute (kept: no active field)", [attribute])
        elif _try(report, "archive attribute", rpc, "product.attribute", "write", [attribute],
                  {"active": False}):  # fmt: skip
            report.archive("product.attribute", [attribute])


def cleanup(rpc: Rpc, name_prefix: str, module_prefix: str) -> CleanupReport:
    """Remove what carries the prefixes: vendor lines, then products (by name and by external
    id), categories, product attributes, partners, then stray external ids. What Odoo refuses
    to delete is archived (products with stock moves, partners in use) after its stock is
    counted back to 0; any refusal is reported, never raised, so cleanup cannot fail a test."""
    report = CleanupReport()
    like = _like(name_prefix)
    data = rpc(
        "ir.model.data",
        "search_read",
        [("module", "=like", _like(module_prefix))],
        ["id", "model", "res_id"],
    )
    templates = set(
        rpc("product.template", "search", [("name", "=like", like)], context=ALL_ACTIVE)
    )
    templates |= {d["res_id"] for d in data if d["model"] == "product.template" and d["res_id"]}
    variants = [d["res_id"] for d in data if d["model"] == "product.product" and d["res_id"]]
    if variants:
        rows = rpc(
            "product.product", "read", variants, ["product_tmpl_id"], context=ALL_ACTIVE
        )  # fmt: skip
        templates |= {r["product_tmpl_id"][0] for r in rows if r.get("product_tmpl_id")}
    existing: list[int] = []
    if templates:
        existing = rpc(
            "product.template", "search", [("id", "in", sorted(templates))], context=ALL_ACTIVE
        )  # fmt: skip
    if existing:
        lines = rpc("product.supplierinfo", "search", [("product_tmpl_id", "in", existing)],
                    context=ALL_ACTIVE)  # fmt: skip
        if lines:
            _try(report, "vendor lines", rpc, "product.supplierinfo", "unlink", lines)
        try:
            rpc("product.template", "unlink", existing)
        except xmlrpc.client.Fault:
            _zero_stock(rpc, report, existing)
            _unlink_or_archive(rpc, report, "product.template", existing)
            # archiving a template archives its variants; a variant left active (Odoo keeps
            # one referenced elsewhere) is archived on its own
            left = rpc("product.product", "search", [("product_tmpl_id", "in", existing)])
            if left:
                _try(report, "archive variants", rpc, "product.product", "write", left,
                     {"active": False})  # fmt: skip
    categories = rpc("product.category", "search", [("name", "=like", like)])
    if categories:
        # children first: a category with children cannot always go before them
        rows = rpc("product.category", "read", categories, ["parent_id"])
        parents = {r["parent_id"][0] for r in rows if r.get("parent_id")}
        _try(report, "categories", rpc, "product.category", "unlink",
             sorted(set(categories) - parents) or categories)  # fmt: skip
        rest = rpc("product.category", "search", [("id", "in", categories)])
        if rest:
            _try(report, "categories", rpc, "product.category", "unlink", rest)
    attributes = rpc("product.attribute", "search", [("name", "=like", like)])
    if attributes:
        _remove_attributes(rpc, report, attributes)
    partners = rpc("res.partner", "search", [("name", "=like", like)])
    _unlink_or_archive(rpc, report, "res.partner", partners)
    remaining = rpc("ir.model.data", "search", [("module", "=like", _like(module_prefix))])
    if remaining:  # Odoo removes a record's external ids with it; these are strays (or an
        # archived product's, which no later run looks up: every run has its own module)
        _try(report, "external ids", rpc, "ir.model.data", "unlink", remaining)
    return report


# -- one test's own corner of the database, and the odoosync files pointing at it ------------


def ean13(body: str) -> str:
    """``body`` (12 digits) plus its GS1 check digit (written here, not imported from odoosync)."""
    assert len(body) == 12 and body.isdigit(), body
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


MAPPING = mapping_toml(
    "title", "ean", "price", "description", "category", changes={"price": {"priority": 80}}
)

COLUMNS = ["id", "title", "ean", "price", "description", "category"]


@dataclass
class LiveScope:
    """One test's prefix, its odoosync files in ``folder``, and a way to run the CLI on them."""

    odoo: LiveOdoo
    rpc: Rpc
    folder: Path
    number: int
    capsys: pytest.CaptureFixture[str]
    categories: dict[str, int] = field(default_factory=dict)
    columns: list[str] = field(default_factory=lambda: list(COLUMNS))

    @property
    def prefix(self) -> str:
        """Every name this test creates starts with it (the space ends it: -01 is not -010)."""
        return f"{NAME_PREFIX}-{self.number:02d} "

    @property
    def module(self) -> str:
        """The ``external_id_module`` of this test's odoosync.toml."""
        return f"{MODULE_PREFIX}_{self.number:02d}"

    @property
    def config(self) -> Path:
        return self.folder / "odoosync.toml"

    @property
    def catalog(self) -> Path:
        return self.folder / "products.csv"

    @property
    def history(self) -> Path:
        return self.folder / "odoosync.db"

    def barcode(self, n: int) -> str:
        """A valid EAN-13 in the in-store range: "2", the run's digits, the test's, ``n``."""
        return ean13(f"2{RUN_DIGITS}{self.number % 100:02d}{n:03d}")

    def name(self, text: str) -> str:
        return f"{self.prefix}{text}"

    def products(self, count: int, *, category: str = "") -> list[dict[str, str]]:
        return [
            {
                "id": f"p{i}",
                "title": self.name(f"product {i}"),
                "ean": self.barcode(i),
                "price": f"{i}.50",
                "description": f"Live test product {i}",
                "category": category,
            }
            for i in range(1, count + 1)
        ]

    def make_category(self, label: str) -> tuple[str, int]:
        """A product.category named with the prefix, mapped in mapping.toml by id."""
        name = self.name(label)
        categ_id = self.rpc("product.category", "create", {"name": name})
        self.categories[name] = int(categ_id)
        self.write_mapping()
        return name, int(categ_id)

    def write(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        workers: int = 2,
        mapping: str | None = None,
        columns: Sequence[str] = COLUMNS,
    ) -> None:
        """odoosync.toml, mapping.toml (``mapping``: its text instead of the products mapping)
        and the catalog with ``columns``."""
        self.columns = list(columns)
        sync = {
            "batch_size": 50,
            "workers": workers,
            "sync_images": False,
            "external_id_module": self.module,
            "conflict_policy": "newest",
            "max_retries": 3,
            "max_retry_wait": 10,
        }
        self.config.write_text(
            config_toml(
                self.odoo.url, self.odoo.database, username=self.odoo.username, sync=sync,
                profile="live", label="Live test", timeout=60, transport=self.odoo.transport,
            ),
            encoding="utf-8",
        )  # fmt: skip
        if mapping is None:
            self.write_mapping()
        else:
            (self.folder / "mapping.toml").write_text(mapping, encoding="utf-8")
        self.write_catalog(rows)

    def make_partner(self, label: str) -> tuple[str, int]:
        """A company res.partner named with the prefix (a vendor: odoosync never creates one)."""
        name = self.name(label)
        partner_id = self.rpc("res.partner", "create", {"name": name, "is_company": True})
        return name, int(partner_id)

    def write_mapping(self) -> None:
        lines = [f'"{name}" = {categ_id}' for name, categ_id in self.categories.items()]
        text = MAPPING + ("\n[categories]\n" + "\n".join(lines) + "\n" if lines else "")
        (self.folder / "mapping.toml").write_text(text, encoding="utf-8")

    def write_catalog(self, rows: Sequence[Mapping[str, Any]]) -> None:
        import csv

        with self.catalog.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=self.columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({c: row.get(c, "") for c in self.columns})

    def read_catalog(self) -> dict[str, dict[str, str]]:
        import csv

        with self.catalog.open(newline="", encoding="utf-8") as handle:
            return {row["id"]: row for row in csv.DictReader(handle)}

    def cli(self, *args: str) -> tuple[int, str, str]:
        """``odoosync -c <config> ARGS`` in-process: exit code, stdout, stderr."""
        self.capsys.readouterr()
        code = run(["-c", str(self.config), *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def cli_json(self, *args: str) -> tuple[int, Any]:
        code, out, err = self.cli(*args, "--json")
        try:
            return code, json.loads(out)
        except json.JSONDecodeError:
            raise AssertionError(
                f"exit {code}, no JSON on stdout: {out!r}; stderr: {err!r}"
            ) from None

    def odoo_products(self, fields: Sequence[str] = ("name", "barcode", "list_price")) -> Any:
        """This test's products in Odoo (archived too), by name prefix."""
        return self.rpc(
            "product.template", "search_read", [("name", "=like", _like(self.prefix))],
            ["id", *fields], context=ALL_ACTIVE, order="id",
        )  # fmt: skip

    def external_ids(self) -> Any:
        return self.rpc(
            "ir.model.data", "search_read", [("module", "=", self.module)],
            ["name", "model", "res_id"],
        )  # fmt: skip
