"""Export, import and two-way sync at scale: wall time, products/s, calls and client memory.

Generates a catalog of ROWS products (CSV or JSONL), starts the sandbox in its own process
(``odoosync sandbox --port 0 --seed empty``: its store is not counted), then runs each step in a
fresh Python process and reports its wall time, products/s, XML-RPC calls (counted in the client)
and peak memory (tracemalloc's peak and ``ru_maxrss``)::

    python benchmarks/scale_bench.py                      # 100,000 rows, CSV
    python benchmarks/scale_bench.py --rows 20000 --format jsonl
    python benchmarks/scale_bench.py --no-tracemalloc    # time without tracemalloc's overhead

Steps: the first export (creates), a second export (unchanged), an export with 1% of the rows
changed; an import of everything into an empty catalog, a second (full, unchanged) import; a
two-way sync with 1% changed on each side. Baselines, measured in the same run: reading the
catalog's rows one by one (what streaming costs) and holding them all in a list (what O(N)
costs), and the same steps on ``--small`` rows (default 2,000): per-product time and peak memory
are printed as ratios against it. Memory that grows with the rows shows as a ratio well above 1.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parents[1]))  # the project root: tests.support

COLUMNS = ["id", "title", "ean", "supplier_reference", "description", "price", "supplier_id"]
STEPS = ("read", "hold", "export", "export_same", "export_1pct", "import", "import_same", "sync")
LABELS = {
    "read": "read rows (baseline)",
    "hold": "list(rows) (O(N))",
    "export": "export (creates)",
    "export_same": "export (unchanged)",
    "export_1pct": "export (1% changed)",
    "import": "import (empty catalog)",
    "import_same": "import (unchanged)",
    "sync": "sync (1% each side)",
}


# ------------------------------------------------------------------------------------ setup


def generate(path: Path, rows: int, *, price_bump: set[int] | None = None) -> None:
    from tests.support.export_env import ean

    bump = price_bump or set()

    def row(i: int) -> dict[str, Any]:
        return {
            "id": f"p-{i}",
            "title": f"Product {i}",
            "ean": ean(i),
            "supplier_reference": f"REF-{i}",
            "description": f"Sample product number {i}",
            "price": f"{i % 50 + 1}.{75 if i in bump else 50}",
            "supplier_id": str(i % 3),
        }

    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        if path.suffix == ".csv":
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            for i in range(1, rows + 1):
                writer.writerow(row(i))
        else:
            for i in range(1, rows + 1):
                handle.write(json.dumps(row(i)) + "\n")
    tmp.replace(path)


def one_percent(rows: int, offset: int) -> set[int]:
    step = 100
    return {i for i in range(1 + offset, rows + 1, step)}


def write_config(folder: Path, url: str, catalog: str, batch_size: int, workers: int) -> Path:
    from tests.support.export_env import MAPPING

    config = folder / f"odoosync.{catalog}.toml"
    config.write_text(
        f"""default_profile = "bench"

[profiles.bench]
name = "Bench"
url = "{url}"
database = "odoosync"
username = "admin"

[catalog]
path = "{catalog}"

[mapping]
path = "mapping.toml"

[history]
path = "odoosync.db"

[sync]
batch_size = {batch_size}
workers = {workers}
""",
        encoding="utf-8",
    )
    (folder / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    return config


class Sandbox:
    """``odoosync sandbox --port 0`` in its own process."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "odoosync", "sandbox", "--port", "0", "--seed", "empty"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        self.url = line.split(" on ")[1].split(" ")[0]

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


# ------------------------------------------------------------------------------------ a step


def count_calls() -> Callable[[], int]:
    """Count every XML-RPC call the client makes (all connections), ``common.*`` excepted."""
    from odoosync.odoo.client import OdooClient

    lock = threading.Lock()
    calls = [0]
    original = OdooClient._call

    def counted(self: OdooClient, service: str, method: str, *args: Any, **kw: Any) -> Any:
        if service != "common":
            with lock:
                calls[0] += 1
        return original(self, service, method, *args, **kw)

    OdooClient._call = counted  # type: ignore[method-assign]
    return lambda: calls[0]


def odoo_edit(settings: Any, rows: int) -> None:
    """Change the price of 1% of the products in Odoo (other rows than the local edit)."""
    from odoosync.history.store import History
    from tests.support.export_env import factory

    keys = [f"p-{i}" for i in sorted(one_percent(rows, 50))]
    with History(settings.history_path) as history:
        links = history.links(settings.profile.name, keys)
    client = factory(settings)()
    client.authenticate()
    data = [[str(link.odoo_id), "999.25"] for link in links.values()]
    for start in range(0, len(data), 500):
        client.load("product.template", [".id", "list_price"], data[start : start + 500])
    client.close()


def child(step: str, config: Path, rows: int, trace: bool) -> dict[str, Any]:
    from odoosync.catalog import open_catalog
    from odoosync.engine.export.run import run_export
    from odoosync.engine.imports.run import run_import
    from odoosync.engine.result import RunOptions
    from odoosync.engine.sync.run import run_sync
    from odoosync.history.store import History
    from tests.support.export_env import factory, settings_for

    settings = settings_for(config)
    calls = count_calls()
    if step == "sync":
        odoo_edit(settings, rows)
    if trace:
        tracemalloc.start()
    before = calls()
    start = time.perf_counter()
    result: Any = None
    if step in ("read", "hold"):
        catalog = open_catalog(settings.catalog.path, key=settings.catalog.key)
        if step == "read":
            n = sum(1 for _ in catalog.iter_rows())
        else:
            held = list(catalog.iter_rows())
            n = len(held)
    else:
        run = {"export": run_export, "import": run_import, "sync": run_sync}[step.split("_")[0]]
        options = RunOptions(full=True) if step.startswith("import") else RunOptions()
        with History(settings.history_path) as history:
            result = run(settings, options, client_factory=factory(settings), history=history)
        n = result.products_found
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    out: dict[str, Any] = {
        "seconds": seconds,
        "n": n,
        "calls": calls() - before,
        "peak": peak,
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    if result is not None:
        out["counts"] = result.counts()
        out["kept"] = len(result.products)
        if result.failed:
            out["errors"] = result.errors()[:3]
    return out


def run_child(step: str, config: Path, rows: int, trace: bool) -> dict[str, Any]:
    argv = [sys.executable, str(HERE), "--child", step, "--config", str(config)]
    argv += ["--rows", str(rows)] + ([] if trace else ["--no-tracemalloc"])
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{done.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def series(rows: int, fmt: str, batch_size: int, workers: int, trace: bool) -> Iterator[Any]:
    """Yield (step, measurements) for every step on a fresh sandbox and folder."""
    sandbox = Sandbox()
    folder = Path(tempfile.mkdtemp(prefix="odoosync-scale-"))
    try:
        catalog = folder / f"products.{fmt}"
        generate(catalog, rows)
        export_cfg = write_config(folder, sandbox.url, catalog.name, batch_size, workers)
        import_cfg = write_config(folder, sandbox.url, f"pulled.{fmt}", batch_size, workers)
        for step in STEPS:
            if step == "export_1pct":
                generate(catalog, rows, price_bump=one_percent(rows, 0))
            if step == "sync":
                generate(catalog, rows, price_bump=one_percent(rows, 0) | one_percent(rows, 25))
            config = import_cfg if step.startswith("import") else export_cfg
            yield step, run_child(step, config, rows, trace)
    finally:
        sandbox.stop()
        shutil.rmtree(folder, ignore_errors=True)


def mib(n: float) -> str:
    return f"{n / 2**20:7.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=2_000)
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    trace = not args.no_tracemalloc
    if args.child:
        print(json.dumps(child(args.child, args.config, args.rows, trace)))
        return 0
    print(
        f"{args.rows} rows ({args.format}), batch {args.batch_size}, {args.workers} workers, "
        f"baseline {args.small} rows; tracemalloc {'on' if trace else 'off'}; pid {os.getpid()}"
    )
    small = dict(series(args.small, args.format, args.batch_size, args.workers, trace))
    head = (
        f"{'step':<24}{'s':>8}{'prod/s':>9}{'calls':>7}{'/1000':>7}{'peak MiB':>9}"
        f"{'rss MiB':>8}{'kept':>7}   vs {args.small}: us/prod  peak"
    )
    print(head)
    base_peak = base_rss = 0.0
    for step, m in series(args.rows, args.format, args.batch_size, args.workers, trace):
        s = small[step]
        n = max(1, m["n"])
        per = m["seconds"] / n / max(1e-9, s["seconds"] / max(1, s["n"]))
        peak_ratio = m["peak"] / max(1, s["peak"])
        if step == "read":
            base_peak, base_rss = m["peak"], m["maxrss"]
        print(
            f"{LABELS[step]:<24}{m['seconds']:8.2f}{n / m['seconds']:9.0f}{m['calls']:7d}"
            f"{1000 * m['calls'] / n:7.1f}{mib(m['peak']):>9}{mib(m['maxrss']):>8}"
            f"{m.get('kept', 0):7d}   {per:13.2f}x {peak_ratio:5.1f}x"
            + (f"  {m['counts']}" if "counts" in m else "")
        )
        if "errors" in m:
            print(f"    errors: {m['errors']}")
    print(
        f"baseline (reading the rows): peak {mib(base_peak).strip()} MiB, "
        f"rss {mib(base_rss).strip()} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
