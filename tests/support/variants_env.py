"""A throwaway variant catalog setup for the variant, stock and vendor tests: config, mapping
and CSV catalog in a folder, pointing at a running sandbox, and readers of what Odoo holds."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from odoosync.config.settings import Settings, load_settings
from odoosync.engine.export.run import run_export
from odoosync.engine.result import RunOptions, RunResult
from odoosync.history.store import History
from odoosync.odoo import ConnectionParams, OdooClient
from odoosync.secrets import Secret
from odoosync.transforms import gs1_check_digit
from tests.support.transport import admin_secret, transport_for, transport_line
from tests.support.variant_catalog import COLUMNS, MAPPING


def ean(n: int) -> str:
    body = f"200{n:09d}"
    return body + str(gs1_check_digit(body))


def tee_rows(
    parent: str,
    n: int,
    *,
    sizes: Sequence[str] = ("S", "M", "L"),
    colors: Sequence[str] = ("Red", "Blue"),
    base: float = 20.0,
) -> list[dict[str, Any]]:
    """One template's rows: every size and color, L costs 5 more, Blue 2 more."""
    rows = []
    for i, size in enumerate(sizes):
        for j, color in enumerate(colors):
            price = base + (5 if size == "L" else 0) + (2 if color == "Blue" else 0)
            rows.append(
                {
                    "id": f"{parent}-{size}-{color}",
                    "parent_id": parent,
                    "title": f"Tee {parent}" if i == 0 and j == 0 else "",
                    "size": size,
                    "color": color,
                    "sku": f"{parent}-{size}-{color}".upper(),
                    "ean": ean(n * 100 + i * 10 + j),
                    "price": f"{price:.2f}",
                    "qty": str(i + j + 1),
                    "supplier_name": "Acme Supplies",
                    "supplier_price": f"{base / 2:.2f}",
                    "supplier_reference": f"AC-{parent}",
                    "supplier_min_qty": "10",
                }
            )
    return rows


def simple_row(key: str, n: int) -> dict[str, Any]:
    return {
        "id": key,
        "parent_id": "",
        "title": f"Mug {key}",
        "sku": key.upper(),
        "ean": ean(n),
        "price": "7.50",
        "qty": "3",
        "supplier_name": "Acme Supplies",
        "supplier_price": "2.00",
        "supplier_reference": f"AC-{key}",
        "supplier_min_qty": "1",
    }


def write_catalog(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})


class VariantSetup:
    """A config folder for one sandbox; ``export`` runs the engine as the CLI does."""

    def __init__(
        self,
        folder: Path,
        sandbox: Any,
        rows: list[dict[str, Any]],
        *,
        batch_size: int = 100,
        mapping: str = MAPPING,
        sync: str = "",
    ) -> None:
        self.folder, self.sandbox, self.rows = folder, sandbox, rows
        (folder / "odoosync.toml").write_text(
            f"""default_profile = "test"

[profiles.test]
name = "Test"
url = "{sandbox.url}"
database = "{sandbox.database}"
username = "admin"
{transport_line(sandbox.url)}
[catalog]
path = "products.csv"

[mapping]
path = "mapping.toml"

[history]
path = "odoosync.db"

[sync]
batch_size = {batch_size}
workers = 1
max_retries = 1
max_retry_wait = 1
{sync}""",
            encoding="utf-8",
        )
        (folder / "mapping.toml").write_text(mapping, encoding="utf-8")
        self.rewrite()
        self.settings: Settings = load_settings(folder / "odoosync.toml", env={})

    def rewrite(self) -> None:
        write_catalog(self.folder / "products.csv", self.rows)

    def client(self) -> OdooClient:
        params = ConnectionParams(
            url=self.sandbox.url,
            database=self.sandbox.database,
            username="admin",
            password=Secret(admin_secret(self.sandbox.url)),
            max_retries=1,
            max_retry_wait=1.0,
            transport=transport_for(self.sandbox.url),
        )
        return OdooClient(params)

    def export(self, **options: Any) -> RunResult:
        with History(self.settings.history_path) as history:
            return run_export(
                self.settings, RunOptions(**options), client_factory=self.client, history=history
            )

    def rpc(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.sandbox.execute(model, method, *args, **kwargs)

    def variants(self) -> dict[str, dict[str, Any]]:
        """Every product.product odoosync named ``variant_<key>`` or ``product_<key>``'s
        template, by key: what Odoo holds, read field by field."""
        found: dict[str, dict[str, Any]] = {}
        ids = self.rpc(
            "ir.model.data",
            "search_read",
            [("module", "=", "odoosync")],
            ["name", "model", "res_id"],
        )
        by_key: dict[str, int] = {}
        for row in ids:
            if row["model"] == "product.product" and row["name"].startswith("variant_"):
                by_key[row["name"][len("variant_") :]] = row["res_id"]
            elif row["model"] == "product.template" and row["name"].startswith("product_"):
                variants = self.rpc(
                    "product.product",
                    "search_read",
                    [("product_tmpl_id", "=", row["res_id"])],
                    ["id"],
                    context={"active_test": False},
                )
                by_key[row["name"][len("product_") :]] = variants[0]["id"]
        records = self.rpc(
            "product.product",
            "read",
            list(by_key.values()),
            [
                "product_tmpl_id",
                "name",
                "barcode",
                "default_code",
                "lst_price",
                "active",
                "product_template_attribute_value_ids",
                "qty_available",
                "seller_ids",
            ],
        )
        by_id = {r["id"]: r for r in records}
        for key, vid in by_key.items():
            record = dict(by_id[vid])
            ptavs = self.rpc(
                "product.template.attribute.value",
                "read",
                record["product_template_attribute_value_ids"],
                ["attribute_id", "name"],
            )
            record["combination"] = {p["attribute_id"][1]: p["name"] for p in ptavs}
            sellers = self.rpc(
                "product.supplierinfo",
                "search_read",
                [("product_tmpl_id", "=", record["product_tmpl_id"][0])],
                ["partner_id", "product_id", "price", "product_code", "min_qty"],
            )
            record["vendors"] = [
                s for s in sellers if s["product_id"] in (False,) or s["product_id"][0] == vid
            ]
            found[key] = record
        return found
