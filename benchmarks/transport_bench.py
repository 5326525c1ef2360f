"""Export speed over XML-RPC and JSON-2 against a 19.0 sandbox charging real Odoo 19's costs.

The same export (new products, default settings: batches of 100, 2 workers) runs once with
``transport = "xmlrpc"`` and the password and once with ``transport = "json2"`` and the admin's
API key, each on a fresh sandbox with ``cost="odoo19"`` (per-call costs as observed on a real
Odoo 19: odoo19-observations.md "Speed", docs/sandbox-fidelity.md "Cost model")::

    python benchmarks/transport_bench.py                  # 1,000 products
    python benchmarks/transport_bench.py --products 300 --batch-size 50 --workers 1

Over XML-RPC each call that follows a create pays Odoo's password hash check again (about
340 ms on 19); a bearer key never does. The target (issue 14): JSON-2 at least 1.5x XML-RPC.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from odoosync.config.settings import load_settings
from odoosync.engine.export.run import run_export
from odoosync.engine.result import RunOptions
from odoosync.history.store import History
from odoosync.odoo.connect import client_factory
from odoosync.sandbox import serve
from odoosync.secrets import Secret

MAPPING = """\
[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true

[[fields]]
local_field = "ref"
odoo_field = "default_code"

[[fields]]
local_field = "price"
odoo_field = "list_price"
mapping_type = "transform"
transform = "decimal"
"""


def write_setup(
    folder: Path, url: str, database: str, transport: str, args: argparse.Namespace
) -> Path:
    (folder / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    lines = ["id,title,ref,price"] + [
        f"b-{i},Bench product {i},BENCH-{i},{i % 90 + 1}.50" for i in range(1, args.products + 1)
    ]
    (folder / "products.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = folder / "odoosync.toml"
    sync = "".join(
        f"{key} = {value}\n"
        for key, value in (("batch_size", args.batch_size), ("workers", args.workers))
        if value is not None
    )
    config.write_text(
        f"""[profiles.bench]
url = "{url}"
database = "{database}"
username = "admin"
transport = "{transport}"

[catalog]
path = "products.csv"

[sync]
{sync}""",
        encoding="utf-8",
    )
    return config


def export_once(transport: str, args: argparse.Namespace) -> tuple[float, int, dict[str, int]]:
    """Seconds, products created, calls by protocol."""
    with (
        serve(odoo_version="19.0", seed="demo", cost=args.cost) as odoo,
        tempfile.TemporaryDirectory() as folder,
    ):
        settings = load_settings(
            write_setup(Path(folder), odoo.url, odoo.database, transport, args), env={}
        )
        secret = odoo.admin_api_key if transport == "json2" else "admin"
        factory = client_factory(settings, Secret(secret))
        odoo.reset_calls()
        start = time.perf_counter()
        with History(settings.history_path) as history:
            result = run_export(settings, RunOptions(), client_factory=factory, history=history)
        seconds = time.perf_counter() - start
        assert result.success and result.transport == transport, result.to_json()
        calls = {p: sum(odoo.calls(p).values()) for p in ("xmlrpc", "json2")}
        return seconds, result.created, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=None, help="default: the config's")
    parser.add_argument("--workers", type=int, default=None, help="default: the config's")
    parser.add_argument("--cost", default="odoo19", help="the sandbox's cost model")
    args = parser.parse_args()
    rates: dict[str, float] = {}
    for transport in ("xmlrpc", "json2"):
        seconds, created, calls = export_once(transport, args)
        rates[transport] = created / seconds
        shown = ", ".join(f"{n} {p}" for p, n in calls.items() if n)
        print(
            f"{transport:>6}: {created} products in {seconds:6.2f} s = "
            f"{rates[transport]:7.1f} products/s ({shown} calls)"
        )
    ratio = rates["json2"] / rates["xmlrpc"]
    print(f" ratio: JSON-2 is {ratio:.2f}x XML-RPC (target >= 1.5x)")


if __name__ == "__main__":
    main()
