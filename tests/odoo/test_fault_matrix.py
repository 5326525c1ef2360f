"""Every fault the sandbox can inject, crossed with every call site of a run (CLI in-process).

A fresh sandbox per case; the fault fires on the first call at the site (and only once, so a
retry can succeed). Whatever happens, the run either completes (exit 0, or 6 with the products
that failed) or stops with exit 5 and a clear one-line message; never exit 1, never a traceback,
never "Internal error". Each case also checks the site was reached, so that a case whose fault
never fired cannot pass unnoticed.

Retries wait at most 50 ms (``max_retry_wait``) and the call timeout is short, so the matrix
runs fast; the whole matrix is marked ``slow``, a diagonal subset (every kind once, every site
once) is not.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from odoosync.cli import run
from odoosync.sandbox import SandboxHandle, serve
from odoosync.sandbox.control import FAULT_KINDS

CONFIG = """\
default_profile = "production"

[profiles.production]
name = "Production"
url = "{url}"
database = "odoosync"
username = "admin"
timeout = 0.5

[catalog]
path = "products.csv"

[mapping]
path = "mapping.toml"

[history]
path = "odoosync.db"

[sync]
max_retries = 2
max_retry_wait = 0.05
"""

MAPPING = """\
[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true

[[fields]]
local_field = "ean"
odoo_field = "barcode"
mapping_type = "transform"
transform = "barcode"

[[fields]]
local_field = "price"
odoo_field = "list_price"
mapping_type = "transform"
transform = "decimal"

[[fields]]
local_field = "category"
odoo_field = "categ_id"
mapping_type = "transform"
transform = "category"

[[fields]]
local_field = "tax"
odoo_field = "taxes_id"
mapping_type = "transform"
transform = "taxes"

[taxes]
"15" = "15%"

[options]
create_missing_categories = true
"""

HEADER = "id,title,ean,price,category,tax\n"
#: p1 matches the demo product with this barcode (a lookup, then a write); p2 is new (a load,
#: its external id, a category to create)
CATALOG = HEADER + "p1,Widget,4006381333931,12.50,All / Saleable,15\np2,Gadget,,3.00,New / Sub,15\n"
#: the same change for both: two-way sync pushes it in one write
CHANGED = HEADER + "p1,Widget,4006381333931,9.99,All / Saleable,15\np2,Gadget,,9.99,New / Sub,15\n"


@dataclass(frozen=True)
class Site:
    id: str
    argv: tuple[str, ...]
    model: str
    method: str
    #: export first (without faults) and change the catalog: two-way sync has links to push
    linked: bool = False


SITES = [
    Site("version", ("export",), "common", "version"),
    Site("authenticate", ("export",), "common", "authenticate"),
    Site("access rights", ("export",), "product.template", "check_access_rights"),
    Site("fields", ("export",), "product.template", "fields_get"),
    Site("categories", ("export",), "product.category", "search_read"),
    Site("taxes", ("export",), "account.tax", "search_read"),
    Site("external id lookups", ("export",), "ir.model.data", "search_read"),
    Site("barcode lookups", ("export",), "product.template", "search_read"),
    Site("reads", ("export",), "product.template", "read"),
    Site("category creation", ("export",), "product.category", "create"),
    Site("load", ("export",), "product.template", "load"),
    Site("write", ("export",), "product.template", "write"),
    Site("external ids", ("export",), "ir.model.data", "create"),
    Site("import count", ("import",), "product.template", "search_count"),
    Site("import pages", ("import",), "product.template", "search_read"),
    Site("import external ids", ("import",), "ir.model.data", "search_read"),
    Site("sync reads", ("sync",), "product.template", "search_read", linked=True),
    Site("sync pushes", ("sync",), "product.template", "write", linked=True),
    Site("test-connection", ("test-connection",), "common", "authenticate"),
]
KINDS = sorted(FAULT_KINDS)


def _diagonal() -> set[tuple[str, str]]:
    """Every kind at least once and every site at least once."""
    count = max(len(SITES), len(KINDS))
    return {(SITES[i % len(SITES)].id, KINDS[i % len(KINDS)]) for i in range(count)}


FAST = _diagonal()
CASES = [
    pytest.param(
        site,
        kind,
        id=f"{site.id}-{kind}",
        marks=() if (site.id, kind) in FAST else (pytest.mark.slow,),
    )
    for site in SITES
    for kind in KINDS
]


@pytest.fixture(autouse=True)
def no_odoosync_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ODOOSYNC_"):
            monkeypatch.delenv(name)


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxHandle]:
    with serve(seed="demo") as handle:
        (tmp_path / "odoosync.toml").write_text(CONFIG.replace("{url}", handle.url))
        (tmp_path / "mapping.toml").write_text(MAPPING)
        (tmp_path / "products.csv").write_text(CATALOG)
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
        monkeypatch.setenv("ODOOSYNC_PASSWORD", handle.admin_api_key)
        yield handle


@pytest.mark.parametrize(("site", "kind"), CASES)
def test_a_fault_at_any_call_site_ends_cleanly(
    site: Site,
    kind: str,
    sandbox: SandboxHandle,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if site.linked:
        assert run(["export"]) == 0
        (tmp_path / "products.csv").write_text(CHANGED)
    sandbox.reset_calls()
    capsys.readouterr()
    sandbox.inject(kind, model=site.model, method=site.method, hang_seconds=0.8)
    code = run(list(site.argv))
    out, err = capsys.readouterr()
    assert sandbox.calls().get(f"{site.model}.{site.method}", 0) >= 1, "the site was not reached"
    assert code in (0, 5, 6), (code, out, err)
    assert "Traceback" not in out + err
    assert "Internal error" not in out + err
    if code == 5:
        message = [line for line in err.splitlines() if line.startswith("Error:")]
        assert len(message) == 1, err
        assert len(message[0]) < 600, message[0]
    assert sandbox.admin_api_key not in out + err


def test_the_matrix_covers_every_kind_and_site() -> None:
    fast_sites = {s for s, _ in FAST}
    fast_kinds = {k for _, k in FAST}
    assert fast_sites == {s.id for s in SITES}
    assert fast_kinds == set(FAULT_KINDS)
