"""A throwaway export setup for tests and the benchmark: config, mapping and CSV catalog files
in a folder, pointing at a running sandbox."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from odoosync.config import Settings, load_settings
from odoosync.odoo import ConnectionParams, OdooClient
from odoosync.secrets import Secret
from odoosync.transforms import gs1_check_digit

MAPPING = """\
[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true
priority = 100

[[fields]]
local_field = "ean"
odoo_field = "barcode"
mapping_type = "transform"
transform = "barcode"
priority = 90

[[fields]]
local_field = "supplier_reference"
odoo_field = "default_code"
priority = 10

[[fields]]
local_field = "description"
odoo_field = "description_sale"

[[fields]]
local_field = "price"
odoo_field = "list_price"
mapping_type = "transform"
transform = "decimal"
"""

COLUMNS = ["id", "title", "ean", "supplier_reference", "description", "price", "supplier_id"]


def ean(n: int) -> str:
    body = f"400{n:09d}"
    return body + str(gs1_check_digit(body))


def products(count: int, *, start: int = 1) -> list[dict[str, Any]]:
    return [
        {
            "id": f"p-{i}",
            "title": f"Product {i}",
            "ean": ean(i),
            "supplier_reference": f"REF-{i}",
            "description": f"Sample product number {i}",
            "price": f"{i % 50 + 1}.50",
            "supplier_id": str(i % 3),
        }
        for i in range(start, start + count)
    ]


def write_catalog(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})


def write_setup(
    folder: Path,
    url: str,
    database: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    batch_size: int = 10,
    workers: int = 2,
    username: str = "admin",
) -> Path:
    config = folder / "odoosync.toml"
    config.write_text(
        f"""default_profile = "test"

[profiles.test]
name = "Test"
url = "{url}"
database = "{database}"
username = "{username}"

[catalog]
path = "products.csv"

[mapping]
path = "mapping.toml"

[history]
path = "odoosync.db"

[sync]
batch_size = {batch_size}
workers = {workers}
max_retries = 3
max_retry_wait = 2
""",
        encoding="utf-8",
    )
    (folder / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    write_catalog(folder / "products.csv", rows)
    return config


def settings_for(config: Path) -> Settings:
    return load_settings(config, env={})


def factory(settings: Settings, password: str = "admin") -> Any:
    params = ConnectionParams(
        url=settings.profile.url,
        database=settings.profile.database,
        username=settings.profile.username,
        password=Secret(password),
        max_retries=3,
        max_retry_wait=2.0,
    )
    return lambda: OdooClient(params)
