"""Command: sandbox (an Odoo-compatible XML-RPC server on loopback, SPEC §5)."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import typer

from odoosync.cli.app import app
from odoosync.errors import UsageError


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@app.command("sandbox")
def sandbox(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8069, "--port", help="Port (0 picks a free one)."),
    database: str = typer.Option("odoosync", "--database", help="Database name."),
    seed: str = typer.Option("demo", "--seed", help="demo or empty."),
    odoo_version: str = typer.Option(
        "17.0", "--odoo-version", help="Odoo to imitate: 16.0, 17.0, 18.0 or 19.0."
    ),
    latency_ms: float = typer.Option(0, "--latency-ms", help="Added to every call."),
    cost: str = typer.Option(
        "none",
        "--cost",
        help="Charge each call what a real Odoo spends on it: none, odoo17 or odoo19.",
    ),
    data: Path | None = typer.Option(None, "--data", help="Keep the data in this JSON file."),
) -> None:
    """Serve an Odoo-compatible XML-RPC API until Ctrl-C.

    Example: odoosync sandbox --port 8069 --seed demo --data sandbox.json
    """
    from odoosync.sandbox import COST_MODELS, SUPPORTED_VERSIONS, start

    if seed not in {"demo", "empty"}:
        raise UsageError(f"--seed must be demo or empty, not {seed!r}.")
    if odoo_version not in SUPPORTED_VERSIONS:
        raise UsageError(
            f"--odoo-version must be one of {', '.join(SUPPORTED_VERSIONS)}, not {odoo_version!r}."
        )
    if cost not in COST_MODELS:
        raise UsageError(f"--cost must be one of {', '.join(COST_MODELS)}, not {cost!r}.")
    handle = start(
        host=host,
        port=port,
        database=database,
        seed=seed,
        odoo_version=odoo_version,
        latency_ms=latency_ms,
        data_path=data,
        cost=cost,
    )
    try:  # entered before the line is printed: a Ctrl-C right after it still ends with 0
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _interrupt)
        json2 = f", API key {handle.admin_api_key}" if handle.app.store.version >= 19 else ""
        sys.stdout.write(
            f"odoosync sandbox: Odoo {handle.version} on {handle.url} "
            f"(database {handle.database}, login admin/admin{json2}"
            + (f", cost model {cost}" if cost != "none" else "")
            + ")\n"
        )
        sys.stdout.flush()
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        handle.stop()
