"""A catalog, a mapping and a history in a folder against a running sandbox, for the data
integrity tests (issue 11): run export, import and two-way sync in-process and look at what
Odoo, the catalog and the history hold afterwards."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from odoosync.engine.export.run import run_export
from odoosync.engine.imports.run import run_import
from odoosync.engine.result import RunOptions, RunResult
from odoosync.engine.sync.run import run_sync
from odoosync.history.store import History
from tests.support.export_env import (
    COLUMNS,
    factory,
    mapping_toml,
    products,
    settings_for,
    write_setup,
)
from tests.support.transport import admin_secret

MODULE = "odoosync"

__all__ = [
    "COLUMNS",
    "MODULE",
    "Bench",
    "kill_when",
    "mapping_toml",
    "product_count",
    "products",
    "start",
]


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


# -- runs in a subprocess, for kill -9 ------------------------------------------------------------


def start(bench: Bench, command: str, *args: str) -> subprocess.Popen[bytes]:
    """``odoosync <command>`` on the bench's config in a child process (killable with -9)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ODOOSYNC_")} | {
        "ODOOSYNC_CONFIG": str(bench.config),
        "ODOOSYNC_PASSWORD": admin_secret(bench.sandbox.url),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "odoosync", command, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_when(
    proc: subprocess.Popen[bytes], ready: Callable[[], bool], *, timeout: float = 20.0
) -> bool:
    """``kill -9`` the child as soon as ``ready()``; False when it ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    raise AssertionError("the child neither finished nor reached the moment to kill it")


def product_count(sandbox: Any) -> int:
    """Products in the sandbox, counted in-process (no call is counted or charged)."""
    return sum(1 for _ in sandbox.app.store.all_ids("product.template"))
