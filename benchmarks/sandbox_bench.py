"""How fast the sandbox is: creates (batched and one per call) and reads at scale.

Run: python benchmarks/sandbox_bench.py [--products 10000] [--batch 500] [--single 500]
         [--page-sizes 20000,50000] [--repeat 3] [--no-baseline] [--only creates|reads]
The target (issue): 10,000 products in batches of 500 in under 2 s of server time.
Reads (SPEC §5, "it must never be the bottleneck"): keyset paging through the whole catalog
(``search_read`` of ``id > last``, order ``id``, limit 500) must cost the same per 1,000 records
at 20,000 and 50,000 products; look-ups by 500 barcodes, external ids or ids must not grow with
the store. The baseline, measured in the same run, is the ORM's full-scan path.
"""

from __future__ import annotations

import argparse
import time
import xmlrpc.client
from typing import Any

from odoosync.sandbox import SandboxHandle, orm, serve


def _server_time(sb: SandboxHandle, key: str) -> float:
    return sb.server_seconds().get(key, 0.0)


def run_batched(sb: SandboxHandle, total: int, batch: int) -> tuple[float, float]:
    proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object")
    sb.reset_calls()
    started = time.perf_counter()
    for start in range(0, total, batch):
        rows = [
            {
                "name": f"Bench {i}",
                "barcode": f"B{i:012d}",
                "default_code": f"BENCH-{i}",
                "list_price": 9.5,
                "categ_id": 1,
            }
            for i in range(start, min(total, start + batch))
        ]
        proxy.execute_kw(
            "odoosync",
            2,
            "admin",
            "product.template",
            "create",
            [rows],
            {"context": {"tracking_disable": True}},
        )
    wall = time.perf_counter() - started
    return _server_time(sb, "product.template.create"), wall


def run_single(sb: SandboxHandle, total: int) -> tuple[float, float]:
    proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object")
    sb.reset_calls()
    started = time.perf_counter()
    for i in range(total):
        proxy.execute_kw(
            "odoosync",
            2,
            "admin",
            "product.template",
            "create",
            [{"name": f"Single {i}", "barcode": f"S{i:012d}"}],
        )
    wall = time.perf_counter() - started
    return _server_time(sb, "product.template.create"), wall


# -- reads at scale: keyset paging and indexed look-ups ---------------------------------------

PAGE_FIELDS = ["name", "default_code", "barcode", "list_price"]
XMLID_MODULE = "odoosync"


def _populate(sb: SandboxHandle, total: int) -> None:
    """``total`` products and one external id each, in-process (not timed)."""
    for start in range(0, total, 1000):
        stop = min(total, start + 1000)
        ids = sb.execute(
            "product.template",
            "create",
            [
                {
                    "name": f"Page {i}",
                    "barcode": f"P{i:012d}",
                    "default_code": f"PAGE-{i}",
                    "list_price": 1.0 + i % 97,
                    "categ_id": 1,
                }
                for i in range(start, stop)
            ],
        )
        sb.execute(
            "ir.model.data",
            "create",
            [
                {
                    "module": XMLID_MODULE,
                    "name": f"product_{i}",
                    "model": "product.template",
                    "res_id": rec_id,
                }
                for i, rec_id in zip(range(start, stop), ids, strict=True)
            ],
        )


def _timed(
    sb: SandboxHandle, proxy: Any, key: str, model: str, method: str, *args: Any, **kw: Any
) -> tuple[float, Any]:
    sb.reset_calls()
    result = proxy.execute_kw("odoosync", 2, "admin", model, method, list(args), kw)
    return _server_time(sb, key), result


def _page_all(sb: SandboxHandle, proxy: Any, total: int) -> float:
    """Keyset-page through every product (limit 500, order id): server seconds."""
    seconds, last, seen = 0.0, 0, 0
    while True:
        took, page = _timed(
            sb,
            proxy,
            "product.template.search_read",
            "product.template",
            "search_read",
            [("id", ">", last)],
            fields=PAGE_FIELDS,
            limit=500,
            order="id",
        )
        seconds += took
        if not page:
            break
        seen += len(page)
        last = int(page[-1]["id"])
    if seen != total:
        raise SystemExit(f"paging saw {seen} products, expected {total}")
    return seconds


def _lookups(sb: SandboxHandle, proxy: Any, total: int, repeat: int) -> dict[str, float]:
    """Server seconds per call of each look-up (best of ``repeat``)."""
    step = max(1, total // 500)
    picks = list(range(0, total, step))[:500]
    barcodes = [f"P{i:012d}" for i in picks]
    names = [f"product_{i}" for i in picks]
    ids = [i + 1 for i in picks]
    calls: dict[str, tuple[str, str, str, tuple[Any, ...], dict[str, Any]]] = {
        "barcode in [500]": (
            "product.template.search_read",
            "product.template",
            "search_read",
            ([("barcode", "in", barcodes)],),
            {"fields": ["id", "barcode"]},
        ),
        "ir.model.data name in [500]": (
            "ir.model.data.search_read",
            "ir.model.data",
            "search_read",
            (
                [
                    ("module", "=", XMLID_MODULE),
                    ("name", "in", names),
                    ("model", "=", "product.template"),
                ],
            ),
            {"fields": ["name", "res_id"]},
        ),
        "search_read id in [500]": (
            "product.template.search_read",
            "product.template",
            "search_read",
            ([("id", "in", ids)],),
            {"fields": PAGE_FIELDS},
        ),
        "read 500 ids": (
            "product.template.read",
            "product.template",
            "read",
            (ids, PAGE_FIELDS),
            {},
        ),
        "search_count id > half": (
            "product.template.search_count",
            "product.template",
            "search_count",
            ([("id", ">", total // 2)],),
            {},
        ),
    }
    out: dict[str, float] = {}
    for label, (key, model, method, args, kw) in calls.items():
        out[label] = min(
            _timed(sb, proxy, key, model, method, *args, **kw)[0] for _ in range(repeat)
        )
    return out


def _set_indexed(on: bool) -> None:
    """Switch the ORM's indexed search (the baseline is the full-scan path)."""
    if hasattr(orm, "INDEXED_SEARCH"):
        orm.INDEXED_SEARCH = on


def run_reads(sizes: list[int], repeat: int, baseline: bool) -> None:
    modes = [("indexed", True), ("full scan", False)] if baseline else [("current", True)]
    per_k: dict[tuple[str, int], float] = {}
    looks: dict[tuple[str, int], dict[str, float]] = {}
    for total in sizes:
        with serve(seed="empty") as sb:
            _populate(sb, total)
            proxy = xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object", allow_none=True)
            for mode, on in modes:
                _set_indexed(on)
                try:
                    seconds = _page_all(sb, proxy, total)
                    looks[(mode, total)] = _lookups(sb, proxy, total, repeat)
                finally:
                    _set_indexed(True)
                per_k[(mode, total)] = seconds / (total / 1000)
                print(
                    f"paging [{mode}] {total} products, pages of 500: server {seconds:.3f} s, "
                    f"{per_k[(mode, total)] * 1000:.2f} ms per 1,000 records"
                )
                for label, took in looks[(mode, total)].items():
                    print(f"  [{mode}] {total}: {label}: {took * 1000:.2f} ms")
    small, large = sizes[0], sizes[-1]
    for mode, _on in modes:
        growth = per_k[(mode, large)] / per_k[(mode, small)]
        print(f"[{mode}] per-1,000-record paging cost, {large} vs {small}: {growth:.2f}x")
    if baseline:
        for total in sizes:
            speedup = per_k[("full scan", total)] / per_k[("indexed", total)]
            print(f"{total}: paging, full scan / indexed: {speedup:.1f}x")
            for label, took in looks[("indexed", total)].items():
                base = looks[("full scan", total)][label]
                print(f"  {total}: {label}: full scan / indexed: {base / took:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--single", type=int, default=500)
    parser.add_argument("--page-sizes", default="20000,50000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--only", choices=("creates", "reads"))
    args = parser.parse_args()
    if args.only != "creates":
        sizes = [int(s) for s in args.page_sizes.split(",")]
        run_reads(sizes, args.repeat, not args.no_baseline)
    if args.only == "reads":
        return
    with serve(seed="empty") as sb:
        server, wall = run_batched(sb, args.products, args.batch)
        print(
            f"batched: {args.products} products in batches of {args.batch}: "
            f"server {server:.3f} s ({server / args.products * 1e6:.0f} µs/product), "
            f"wall {wall:.3f} s, target < 2 s: {'OK' if server < 2 else 'MISSED'}"
        )
    with serve(seed="empty") as sb:
        single_server, single_wall = run_single(sb, args.single)
        print(
            f"single: {args.single} products one per call: server {single_server:.3f} s "
            f"({single_server / args.single * 1e6:.0f} µs/product), wall {single_wall:.3f} s"
        )
    per_batched = wall / args.products
    per_single = single_wall / args.single
    print(
        f"ratio (wall per product, single / batched): {per_single / per_batched:.1f}x; "
        f"server per product: {(single_server / args.single) / (server / args.products):.1f}x"
    )


if __name__ == "__main__":
    main()
