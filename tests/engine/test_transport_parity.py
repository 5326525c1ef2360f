"""The engine over JSON-2 gives the same results as over XML-RPC (SPEC §8).

Each scenario runs twice, on two fresh 19.0 sandboxes: once with ``transport = "xmlrpc"`` and the
password, once with ``transport = "json2"`` and the admin's API key (the profile key is the switch
the other integration tests can use, as can ``ODOOSYNC_TRANSPORT``). The outcomes (counts,
errors, what Odoo holds) must be equal, and the JSON-2 run must not have spoken XML-RPC.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from odoosync.config.settings import Settings, load_settings
from odoosync.engine.export.run import run_export
from odoosync.engine.imports.run import run_import
from odoosync.engine.result import RunOptions, RunResult
from odoosync.engine.sync.run import run_sync
from odoosync.history.store import History
from odoosync.odoo.connect import client_factory
from odoosync.sandbox import SandboxHandle, serve
from odoosync.secrets import Secret

TRANSPORTS = ("xmlrpc", "json2")
MAPPING = """\
[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true
is_bidirectional = true

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
is_bidirectional = true
"""
COLUMNS = ("id", "title", "ean", "price", "modified_at")


def ean(n: int) -> str:
    body = f"500{n:09d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def rows(count: int) -> list[dict[str, str]]:
    return [
        {
            "id": f"t-{i}",
            "title": f"Parity {i}",
            "ean": ean(i),
            "price": f"{i}.25",
            "modified_at": "2026-01-01T00:00:00Z",
        }
        for i in range(1, count + 1)
    ]


class Setup:
    """A folder (config, mapping, CSV, history) on a 19.0 sandbox, for one transport."""

    def __init__(self, folder: Path, odoo: SandboxHandle, transport: str) -> None:
        self.odoo, self.transport, self.folder = odoo, transport, folder
        (folder / "mapping.toml").write_text(MAPPING, encoding="utf-8")
        self.write_rows(rows(8))
        config = folder / "odoosync.toml"
        config.write_text(
            f"""\
[profiles.test]
url = "{odoo.url}"
database = "{odoo.database}"
username = "admin"
transport = "{transport}"

[catalog]
path = "products.csv"

[sync]
batch_size = 3
workers = 2
max_retries = 3
max_retry_wait = 1
""",
            encoding="utf-8",
        )
        self.settings: Settings = load_settings(config, env={})
        secret = odoo.admin_api_key if transport == "json2" else "admin"
        self.factory = client_factory(self.settings, Secret(secret))

    def write_rows(self, products: list[dict[str, str]]) -> None:
        lines = [",".join(COLUMNS)] + [",".join(r[c] for c in COLUMNS) for r in products]
        (self.folder / "products.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def run(self, runner: Callable[..., RunResult], **options: Any) -> RunResult:
        with History(self.settings.history_path) as history:
            result = runner(
                self.settings,
                RunOptions(**options),
                client_factory=self.factory,
                history=history,
            )
        assert result.transport == self.transport
        return result

    def templates(self) -> list[tuple[str, str, float]]:
        found = self.odoo.execute(
            "product.template",
            "search_read",
            [("barcode", "like", "500%")],
            ["name", "barcode", "list_price"],
        )
        return sorted((r["name"], r["barcode"], r["list_price"]) for r in found)


def outcome(result: RunResult) -> dict[str, Any]:
    doc = result.to_json(details=True)
    for key in ("batch_id", "duration_ms", "transport"):
        doc.pop(key)
    for product in doc.get("products", []):
        product.pop("odoo_product_id", None)
    return doc


def both(tmp_path: Path, scenario: Callable[[Setup], Any]) -> dict[str, Any]:
    """``scenario`` on a fresh sandbox per transport; what it returned, by transport."""
    found: dict[str, Any] = {}
    for transport in TRANSPORTS:
        folder = tmp_path / transport
        folder.mkdir()
        with serve(odoo_version="19.0", seed="demo") as odoo:
            found[transport] = scenario(Setup(folder, odoo, transport))
            protocols = {p: odoo.calls(p) for p in TRANSPORTS}
        if transport == "json2":
            assert protocols["json2"] and not protocols["xmlrpc"]
    return found


def test_export_change_reexport_import_sync_round_trip(tmp_path: Path) -> None:
    def scenario(s: Setup) -> list[Any]:
        steps: list[Any] = [outcome(s.run(run_export))]
        changed = rows(8)
        changed[1]["price"] = "99.50"
        changed[4]["title"] = "Parity renamed"
        s.write_rows(changed)
        steps.append(outcome(s.run(run_export)))
        [first] = s.odoo.execute("product.template", "search", [("barcode", "=", ean(3))])
        s.odoo.execute("product.template", "write", [first], {"list_price": 7.75})
        steps.append(outcome(s.run(run_import)))
        steps.append(outcome(s.run(run_sync)))
        steps.append(s.templates())
        return steps

    found = both(tmp_path, scenario)
    assert found["json2"] == found["xmlrpc"]
    first, second = found["json2"][0], found["json2"][1]
    assert (first["created"], first["failed"]) == (8, 0)
    assert (second["updated"], second["unchanged"]) == (2, 6)
    assert ("Parity 3", ean(3), 7.75) in found["json2"][-1]


@pytest.mark.parametrize(
    "kind", ["lost_response", "http_502_after_commit", "http_429", "http_503", "serialization"]
)
def test_faults_on_the_create_batch_give_the_same_results(tmp_path: Path, kind: str) -> None:
    def scenario(s: Setup) -> list[Any]:
        s.odoo.inject(kind, model="product.template", method="load")
        first = outcome(s.run(run_export))
        again = outcome(s.run(run_export))
        return [first, again, s.templates()]

    found = both(tmp_path, scenario)
    assert found["json2"] == found["xmlrpc"]
    first, again, templates = found["json2"]
    assert (first["created"], first["failed"]) == (8, 0)
    assert (again["created"], again["unchanged"]) == (0, 8)
    assert len(templates) == len({t[1] for t in templates}) == 8  # each product created once


def test_a_duplicate_barcode_fails_the_same_way(tmp_path: Path) -> None:
    def scenario(s: Setup) -> dict[str, Any]:
        products = rows(5)
        products[3]["ean"] = products[2]["ean"]
        s.write_rows(products)
        # one connection: with two, the batches holding the pair race, and which of the two
        # duplicates Odoo refuses depends on which lands first (over either transport)
        return outcome(s.run(run_export, workers=1))

    found = both(tmp_path, scenario)
    assert found["json2"] == found["xmlrpc"]
    [error] = found["json2"]["errors"]
    assert error["error_details"]["odoo_error_code"] == "UNIQUE_VIOLATION"
