"""Export speed: odoosync's batched export against the per-product loop one-shot scripts use.

Both run against the sandbox with the same per-call latency, in the same process run::

    python benchmarks/export_bench.py                       # 2,000 products, 20 ms per call
    python benchmarks/export_bench.py --products 500 --latency-ms 50

The baseline does what most scripts do: for each product, ``search`` by barcode, then ``create``.
odoosync does, per batch of ``batch_size``: one external-id lookup, one barcode lookup, one
``load`` (creates with their external ids). A second export of the same, unchanged catalog
shows the cost of "nothing to do". Latency: a trivial call on a real Odoo 17 costs ~10 ms and a
create call ~400 ms (odoo17-observations.md, "Speed"); one flat figure per call is kinder to the
baseline than reality, so the ratio printed is a floor.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the project root: tests.support

from odoosync.engine.export.run import run_export
from odoosync.engine.result import RunOptions
from odoosync.history.store import History
from odoosync.sandbox import serve
from tests.support.export_env import factory, products, settings_for, write_setup


def _calls(handle: Any) -> int:
    return sum(n for name, n in handle.calls().items() if not name.startswith("common."))


def baseline(rows: list[dict[str, Any]], latency_ms: float) -> tuple[float, int]:
    """Per product: search by barcode, then create. Returns (seconds, calls)."""
    with (
        serve(seed="demo", latency_ms=latency_ms) as handle,
        tempfile.TemporaryDirectory() as folder,
    ):
        settings = settings_for(write_setup(Path(folder), handle.url, handle.database, []))
        client = factory(settings)()
        client.authenticate()
        handle.reset_calls()
        start = time.perf_counter()
        for row in rows:
            found = client.execute(
                "product.template", "search", [("barcode", "=", row["ean"])], limit=1
            )
            if found:
                continue
            client.create(
                "product.template",
                [
                    {
                        "name": row["title"],
                        "barcode": row["ean"],
                        "default_code": row["supplier_reference"],
                        "description_sale": row["description"],
                        "list_price": float(row["price"]),
                    }
                ],
            )
        return time.perf_counter() - start, _calls(handle)


def ours(
    rows: list[dict[str, Any]], latency_ms: float, batch_size: int, workers: int
) -> tuple[tuple[float, int, int], tuple[float, int, int]]:
    """The export, then a second export of the unchanged catalog: (seconds, calls, created)."""
    with (
        serve(seed="demo", latency_ms=latency_ms) as handle,
        tempfile.TemporaryDirectory() as folder,
    ):
        config = write_setup(
            Path(folder),
            handle.url,
            handle.database,
            rows,
            batch_size=batch_size,
            workers=workers,
        )
        settings = settings_for(config)
        runs = []
        for _ in range(2):
            handle.reset_calls()
            start = time.perf_counter()
            with History(settings.history_path) as history:
                result = run_export(
                    settings, RunOptions(), client_factory=factory(settings), history=history
                )
            seconds = time.perf_counter() - start
            if result.failed:
                raise SystemExit(
                    f"export failed for {result.failed} products: {result.errors()[:3]}"
                )
            runs.append((seconds, _calls(handle), result.created))
        return runs[0], runs[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    rows = products(args.products)
    print(
        f"{args.products} products, {args.latency_ms:g} ms per call, "
        f"batch {args.batch_size}, {args.workers} workers"
    )
    (t1, c1, created), (t2, c2, _) = ours(rows, args.latency_ms, args.batch_size, args.workers)
    n = args.products
    chunks = -(-n // args.batch_size)
    line = "{:<21}: {:7.2f} s  {:8.1f} products/s  {:5d} calls  {}"
    print(line.format("odoosync export", t1, n / t1, c1, f"({created} created)"))
    note = f"({c2 / chunks:.1f} per chunk of {args.batch_size}, incl. per-run setup)"
    print(line.format("second export (same)", t2, n / t2, c2, note))
    tb, cb = baseline(rows, args.latency_ms)
    print(line.format("per-product loop", tb, n / tb, cb, "(search by barcode + create)"))
    print(f"speed-up: {tb / t1:.1f}x faster, {cb / max(1, c1):.1f}x fewer calls")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
