"""How fast the sandbox creates products: server-side time, batched and one per call.

Run: python benchmarks/sandbox_bench.py [--products 10000] [--batch 500] [--single 500]
The target (issue): 10,000 products in batches of 500 in under 2 s of server time.
"""

from __future__ import annotations

import argparse
import time
import xmlrpc.client

from odoosync.sandbox import SandboxHandle, serve


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--single", type=int, default=500)
    args = parser.parse_args()
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
