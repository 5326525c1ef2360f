"""A throwaway export setup for tests and the benchmark: config, mapping and CSV catalog files
in a folder, pointing at a running sandbox, and :class:`ExportSetup`, an export run on it.

The clients the tests build (:func:`factory`) never sleep for real: a retry's back-off goes to
:class:`~tests.support.sleeps.Sleeps`, which remembers it and returns at once."""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from odoosync.config.settings import Settings, load_settings
from odoosync.engine.export.run import run_export
from odoosync.engine.result import RunOptions, RunResult
from odoosync.history.store import History
from odoosync.odoo import ConnectionParams, OdooClient
from odoosync.secrets import Secret
from odoosync.transforms import gs1_check_digit
from tests.support.sleeps import Sleeps
from tests.support.transport import admin_secret, transport_for, transport_line

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
    if isinstance(value, int | float):
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


#: ``[sync]`` for commands that should give up on an unreachable Odoo quickly
QUICK_RETRIES: Mapping[str, object] = {"max_retries": 1, "max_retry_wait": 0.5}

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
    timeout: float | None = None,
    transport: str | None = None,
) -> str:
    """odoosync.toml for one profile, with mapping.toml and odoosync.db beside it; a ``.db``
    catalog reads table "products". ``transport`` is written when given, else as
    :func:`~tests.support.transport.transport_line` picks it for ``url``."""
    timeout_line = "" if timeout is None else f"timeout = {timeout}\n"
    timeout_line += transport_line(url) if transport is None else f'transport = "{transport}"\n'
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


def factory(
    settings: Settings, password: str = "admin", *, sleep: Callable[[float], None] | None = None
) -> Callable[[], OdooClient]:
    """A run's client factory for ``settings``, retrying 3 times within 2 s; the clients sleep
    with ``sleep`` (by default a fresh :class:`~tests.support.sleeps.Sleeps`: no real waiting).
    The password "admin" is the admin API key on a JSON-2 sandbox (tests/support/transport.py)."""
    url = settings.profile.url
    params = ConnectionParams(
        url=url,
        database=settings.profile.database,
        username=settings.profile.username,
        password=Secret(admin_secret(url, password)),
        max_retries=3,
        max_retry_wait=2.0,
        transport=transport_for(url),
    )
    sleeps = Sleeps() if sleep is None else sleep
    return lambda: OdooClient(params, sleep=sleeps)


def run_job(
    runner: Callable[..., RunResult],
    settings: Settings,
    *,
    password: str = "admin",
    now: Callable[[], Any] | None = None,
    **options: Any,
) -> RunResult:
    """One run (``run_export``, ``run_import``, ``run_sync``) of ``settings`` with ``options``,
    recorded in its history (whose clock is ``now``, if given), through :func:`factory`."""
    clock = {} if now is None else {"now": now}
    with History(settings.history_path, **clock) as history:
        return runner(
            settings,
            RunOptions(**options),
            client_factory=factory(settings, password),
            history=history,
        )


class ExportSetup:
    """25 (or ``rows``) products in a CSV catalog beside its config, exported to ``sandbox``."""

    def __init__(self, folder: Path, sandbox: Any, rows: list[dict[str, Any]]) -> None:
        self.folder = folder
        self.sandbox = sandbox
        self.rows = rows
        self.config = write_setup(folder, sandbox.url, sandbox.database, rows)
        self.settings = settings_for(self.config)

    def export(self, password: str = "admin", **options: Any) -> RunResult:
        return run_job(run_export, self.settings, password=password, **options)

    def rewrite(self) -> None:
        write_catalog(self.folder / "products.csv", self.rows)

    def templates(self, domain: list[Any] | None = None) -> list[dict[str, Any]]:
        return list(
            self.sandbox.execute(
                "product.template",
                "search_read",
                domain or [("default_code", "=like", "REF-%")],
                ["id", "name", "barcode", "list_price", "default_code"],
            )
        )

    def product_calls(self) -> dict[str, int]:
        return {
            name: n
            for name, n in self.sandbox.calls().items()
            if name.startswith(("product.template.", "ir.model.data."))
        }
