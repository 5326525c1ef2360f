"""A throwaway export setup for tests and the benchmark: config, mapping and CSV catalog files
in a folder, pointing at a running sandbox."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from odoosync.config.settings import Settings, load_settings
from odoosync.odoo import ConnectionParams, OdooClient
from odoosync.secrets import Secret
from odoosync.transforms import gs1_check_digit

#: one ``[[fields]]`` table per catalog column, as the tests' mappings spell them
FIELDS: dict[str, dict[str, object]] = {
    "title": {"odoo_field": "name", "is_required": True, "priority": 100},
    "ean": {
        "odoo_field": "barcode",
        "mapping_type": "transform",
        "transform": "barcode",
        "priority": 90,
    },
    "supplier_reference": {"odoo_field": "default_code", "priority": 10},
    "description": {"odoo_field": "description_sale"},
    "price": {"odoo_field": "list_price", "mapping_type": "transform", "transform": "decimal"},
    "weight": {"odoo_field": "weight", "mapping_type": "transform", "transform": "float"},
    "category": {"odoo_field": "categ_id", "mapping_type": "transform", "transform": "category"},
}


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return f'"{value}"'


def mapping_toml(
    *columns: str, changes: Mapping[str, Mapping[str, object]] | None = None, tail: str = ""
) -> str:
    """mapping.toml with the :data:`FIELDS` of ``columns``, in that order; ``changes`` sets keys
    of a column's table (``None`` drops one); ``tail`` (e.g. a ``[categories]`` section) follows."""
    tables = []
    for column in columns:
        keys = {**FIELDS[column], **(changes or {}).get(column, {})}
        lines = [f'local_field = "{column}"']
        lines += [f"{k} = {_toml_value(v)}" for k, v in keys.items() if v is not None]
        tables.append("[[fields]]\n" + "\n".join(lines) + "\n")
    return "\n".join(tables) + (f"\n{tail}" if tail else "")


MAPPING = mapping_toml("title", "ean", "supplier_reference", "description", "price")

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


def config_toml(
    url: str,
    database: str,
    *,
    sync: Mapping[str, object],
    catalog: str = "products.csv",
    username: str = "admin",
    profile: str = "test",
    label: str = "Test",
    timeout: int | None = None,
) -> str:
    """odoosync.toml for one profile, with mapping.toml and odoosync.db beside it; a ``.db``
    catalog reads table "products"."""
    timeout_line = "" if timeout is None else f"timeout = {timeout}\n"
    table = 'table = "products"\n' if catalog.endswith(".db") else ""
    sync_lines = "".join(f"{key} = {_toml_value(value)}\n" for key, value in sync.items())
    return f"""default_profile = "{profile}"

[profiles.{profile}]
name = "{label}"
url = "{url}"
database = "{database}"
username = "{username}"
{timeout_line}
[catalog]
path = "{catalog}"
{table}
[mapping]
path = "mapping.toml"

[history]
path = "odoosync.db"

[sync]
{sync_lines}"""


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
    sync = {"batch_size": batch_size, "workers": workers, "max_retries": 3, "max_retry_wait": 2}
    config.write_text(config_toml(url, database, username=username, sync=sync), encoding="utf-8")
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
