"""An import (or two-way sync) setup: config, mapping and (possibly absent) catalog in a folder,
run against a sandbox with small batches and quick retries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from odoosync.catalog.formats import open_catalog
from odoosync.engine.imports.run import run_import
from odoosync.engine.result import RunResult
from odoosync.history.store import History
from tests.support.export_env import config_toml, mapping_toml, run_job, settings_for
from tests.support.transport import category_root

MAPPING = mapping_toml(
    "title", "ean", "price", "weight", "category", "supplier_reference",
    changes={"supplier_reference": {"priority": None, "is_bidirectional": False}},
    tail="""[categories]
"Electronics" = "All / Saleable / Electronics"
"Clothing" = "All / Saleable / Clothing"
"Accessories" = "All / Saleable / Accessories"
"Saleable" = "All / Saleable"
""",
)  # fmt: skip

#: small batches and quick retries, so that a few products already make several pages
SYNC = {"batch_size": 2, "max_retries": 2, "max_retry_wait": 1}


class PullSetup:
    """Config, mapping and (possibly absent) catalog in a folder, against a sandbox."""

    def __init__(self, folder: Path, sandbox: Any, catalog: str = "products.csv") -> None:
        self.folder = folder
        self.sandbox = sandbox
        self.catalog_path = folder / catalog
        config = folder / "odoosync.toml"
        config.write_text(
            config_toml(sandbox.url, sandbox.database, catalog=catalog, sync=SYNC),
            encoding="utf-8",
        )
        mapping = MAPPING.replace("All / Saleable", category_root(sandbox.url))
        (folder / "mapping.toml").write_text(mapping, encoding="utf-8")
        self.settings = settings_for(config)
        self.config = config

    def run(self, runner: Any = run_import, **options: Any) -> RunResult:
        return run_job(runner, self.settings, **options)

    def rows(self) -> dict[str, dict[str, Any]]:
        catalog = open_catalog(
            self.catalog_path, key="id", table="products" if self.is_sqlite else None
        )
        return {str(row["id"]): row for row in catalog.iter_rows()}

    @property
    def is_sqlite(self) -> bool:
        return self.catalog_path.suffix == ".db"

    def category(self, name: str) -> int:
        [found] = self.sandbox.execute(
            "product.category", "search_read", [("name", "=", name)], ["id"]
        )
        return int(found["id"])

    def template(self, name: str) -> int:
        [found] = self.sandbox.execute(
            "product.template", "search_read", [("name", "=", name)], ["id"]
        )
        return int(found["id"])

    def logs(self, batch_id: str) -> list[Any]:
        with History(self.settings.history_path) as history:
            return history.logs(batch_id=batch_id)
