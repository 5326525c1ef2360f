"""A catalog, a mapping and a history in a folder against a running sandbox, for the data
integrity tests (issue 11): run export, import and two-way sync in-process and look at what
Odoo, the catalog and the history hold afterwards."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from odoosync.engine.export.run import run_export
from odoosync.engine.imports.run import run_import
from odoosync.engine.result import RunOptions, RunResult
from odoosync.engine.sync.run import run_sync
from odoosync.history.store import History
from tests.integration.export_env import (
    COLUMNS,
    factory,
    mapping_toml,
    products,
    settings_for,
    write_setup,
)

MODULE = "odoosync"

__all__ = ["COLUMNS", "MODULE", "Bench", "mapping_toml", "products"]


class Bench:
    """One profile's files in ``folder`` (CSV catalog of :data:`COLUMNS`) against ``sandbox``."""

    def __init__(
        self,
        folder: Path,
        sandbox: Any,
        rows: Sequence[Mapping[str, Any]],
        *,
        batch_size: int = 10,
        workers: int = 2,
    ) -> None:
        self.folder = folder
        self.sandbox = sandbox
        self.config = write_setup(
            folder, sandbox.url, sandbox.database, rows, batch_size=batch_size, workers=workers
        )
        self.settings = settings_for(self.config)
        self.catalog_path = folder / "products.csv"

    # -- runs ---------------------------------------------------------------------------------

    #: the history's clock (None: the real one); runs start at ``clock()``
    clock: Any = None

    def _run(self, runner: Any, **options: Any) -> RunResult:
        now = {"now": self.clock} if self.clock is not None else {}
        with History(self.settings.history_path, **now) as history:
            result: RunResult = runner(
                self.settings,
                RunOptions(**options),
                client_factory=factory(self.settings),
                history=history,
            )
            return result

    def export(self, **options: Any) -> RunResult:
        return self._run(run_export, **options)

    def pull(self, **options: Any) -> RunResult:
        return self._run(run_import, **options)

    def sync(self, **options: Any) -> RunResult:
        return self._run(run_sync, **{"direction": "bidirectional", **options})

    # -- what each side holds -------------------------------------------------------------------

    def rows(self) -> list[dict[str, str]]:
        with self.catalog_path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    def write_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        columns = list(rows[0]) if rows else COLUMNS
        with self.catalog_path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({c: row.get(c, "") for c in columns})

    def templates(self, fields: Sequence[str] = ("name", "barcode", "list_price")) -> list[Any]:
        return list(
            self.sandbox.execute(
                "product.template",
                "search_read",
                [("default_code", "!=", False)],
                ["id", "default_code", *fields],
                context={"active_test": False},
            )
        )

    def xml_ids(self) -> dict[str, int]:
        """``{name: template id}`` of the external ids in our module."""
        rows = self.sandbox.execute(
            "ir.model.data",
            "search_read",
            [("module", "=", MODULE), ("model", "=", "product.template")],
            ["name", "res_id"],
        )
        return {str(r["name"]): int(r["res_id"]) for r in rows}

    def history(self) -> History:
        return History(self.settings.history_path)
