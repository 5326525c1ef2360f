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
    """What carries the prefixes in Odoo: products (archived too), categories, external ids."""
    found = {
        "product.template": rpc(
            "product.template", "search", [("name", "=like", _like(name_prefix))],
            context=ALL_ACTIVE,
        ),
        "product.category": rpc(
            "product.category", "search", [("name", "=like", _like(name_prefix))]
        ),
        "ir.model.data": rpc(
            "ir.model.data", "search", [("module", "=like", _like(module_prefix))]
        ),
    }  # fmt: skip
    return {model: ids for model, ids in found.items() if ids}


def cleanup(rpc: Rpc, name_prefix: str, module_prefix: str) -> None:
    """Unlink the products (by name and by external id), then categories, then external ids."""
    data = rpc(
        "ir.model.data",
        "search_read",
        [("module", "=like", _like(module_prefix))],
        ["id", "model", "res_id"],
    )
    templates = set(
        rpc(
            "product.template", "search", [("name", "=like", _like(name_prefix))],
            context=ALL_ACTIVE,
        )
    )  # fmt: skip
    templates |= {d["res_id"] for d in data if d["model"] == "product.template" and d["res_id"]}
    variants = [d["res_id"] for d in data if d["model"] == "product.product" and d["res_id"]]
    if variants:
        rows = rpc(
            "product.product", "read", variants, ["product_tmpl_id"], context=ALL_ACTIVE
        )  # fmt: skip
        templates |= {r["product_tmpl_id"][0] for r in rows if r.get("product_tmpl_id")}
    if templates:
        existing = rpc(
            "product.template", "search", [("id", "in", sorted(templates))], context=ALL_ACTIVE
        )  # fmt: skip
        if existing:
            rpc("product.template", "unlink", existing)
    categories = rpc("product.category", "search", [("name", "=like", _like(name_prefix))])
    if categories:
        # children first: a category with children cannot always go before them
        rows = rpc("product.category", "read", categories, ["parent_id"])
        parents = {r["parent_id"][0] for r in rows if r.get("parent_id")}
        rpc("product.category", "unlink", sorted(set(categories) - parents) or categories)
        rest = rpc("product.category", "search", [("id", "in", categories)])
        if rest:
            rpc("product.category", "unlink", rest)
    remaining = rpc("ir.model.data", "search", [("module", "=like", _like(module_prefix))])
    if remaining:  # Odoo removes a record's external ids with it; these are strays
        rpc("ir.model.data", "unlink", remaining)


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

    def write(self, rows: Sequence[Mapping[str, Any]], *, workers: int = 2) -> None:
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
                profile="live", label="Live test", timeout=60,
            ),
            encoding="utf-8",
        )  # fmt: skip
        self.write_mapping()
        self.write_catalog(rows)

    def write_mapping(self) -> None:
        lines = [f'"{name}" = {categ_id}' for name, categ_id in self.categories.items()]
        text = MAPPING + ("\n[categories]\n" + "\n".join(lines) + "\n" if lines else "")
        (self.folder / "mapping.toml").write_text(text, encoding="utf-8")

    def write_catalog(self, rows: Sequence[Mapping[str, Any]]) -> None:
        import csv

        with self.catalog.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow({c: row.get(c, "") for c in COLUMNS})

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
