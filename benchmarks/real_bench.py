"""The initial-export comparison against a REAL Odoo server (issue 15), in one run on one server.

::

    python benchmarks/real_bench.py --url http://127.0.0.1:8069 --db odoosync \\
        --user admin --password admin --fluvo /tmp/venv-fluvo/bin/fluvo --scale 1000 --scale 3000

Per scale, each case on its own products (external ids, barcodes and ``default_code`` never
overlap, within the run or with earlier runs: the barcodes start from the clock):

- ``per_record`` (``--per-record N``, once per run): what one-shot import scripts do, per
  product a ``search`` by barcode, then a ``create`` (XML-RPC, the password, no context), timed
  as the loop's wall time; every scale's summary gives each case's multiple of its rate;
- ``floor``: XML-RPC ``load`` of 500 products with external ids, one connection, in a loop (the
  same five fields the others send); measured first and last, its mean is the floor;
- ``odoosync`` at its default settings (no ``[sync]`` section), then at each ``--setting
  BATCHxWORKERS``: the ``odoosync export`` CLI in a subprocess, as a user runs it, after an
  untimed ``odoosync test-connection`` in the new project (its set-up step: the uid it remembers
  spares the export a password login, as Fluvo is given ``uid``); ``--fresh`` adds the export of
  a project that never logged in (``odoosync_fresh``);
- ``variants`` (``--variants N``, after the scales): odoosync's initial export of N variant rows
  (bench.py's variant catalog: 6 per template, Size x Color, a stock level and a vendor line
  each), then its unchanged re-export (``variants_unchanged``); no peer, as no batch loader
  writes variants, stock and vendors in one run;
- ``fluvo_default`` and ``fluvo_250x2`` (``--fluvo PATH``: PyPI ``fluvo``, its ``import`` CLI),
  over XML-RPC, and ``fluvo_250x2_<protocol>`` per ``--fluvo-protocol`` (``jsonrpc``; ``json2``
  with ``--api-key``, which odoosync then uses too).

Every case is timed as a whole process's wall time (startup and login included) except the floor,
which counts its ``load`` calls only (the highest bar). Before each timed odoosync or Fluvo
process, a product created and unlinked empties Odoo's cache of verified credentials, so each
starts cold (its first call hashes the password, ~0.4 s), whatever ran just before. After each
case the products it made are counted (a case that made fewer fails the run) and unlinked
(archived if Odoo refuses), so the database does not grow; ``unlink`` also drops their external
ids.

Printed: seconds, products/s, and ratios against the floor and against Fluvo's best; the JSON
goes to ``benchmarks/results/real-odoo<version>-<date>.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))

from bench import (  # noqa: E402
    MAPPING_BASE,
    MAPPING_VARIANTS,
    VENDOR,
    compile_package,
    ean,
    timed,
    write_catalog,
    write_variant_catalog,
)

FIELDS = ["name", "barcode", "default_code", "description_sale", "list_price"]
FLOOR_BATCH = 500


class Server:
    """One XML-RPC connection to the server under test, for the floor, counts and cleanup."""

    def __init__(self, url: str, db: str, user: str, password: str) -> None:
        self.url, self.db, self.user, self.password = url.rstrip("/"), db, user, password
        common = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common", allow_none=True)
        self.version = str(common.version()["server_version"])
        self.uid = int(common.authenticate(db, user, password, {}))
        self.models = xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/object", allow_none=True)

    def call(self, model: str, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def chill(self) -> None:
        """Empty Odoo's cache of verified credentials (a product created and unlinked clears it),
        so every timed case starts with the same cold login: its first call hashes the password."""
        made = self.call("product.template", "create", [{"name": "real_bench chill"}])
        self.call("product.template", "unlink", made)

    def made(self, code_prefix: str, model: str = "product.template") -> list[int]:
        """Ids of the ``model`` records whose ``default_code`` starts with ``code_prefix``,
        archived too."""
        ids = self.call(
            model,
            "search",
            [("default_code", "=like", f"{code_prefix}%")],
            context={"active_test": False},
        )
        return [int(i) for i in ids]

    def partner(self, name: str) -> None:
        """Make sure a company named ``name`` exists (the variant catalog's vendor)."""
        if not self.call("res.partner", "search", [("name", "=", name)], limit=1):
            self.call("res.partner", "create", {"name": name, "is_company": True})

    def clean(self, code_prefix: str, variants: bool = False) -> dict[str, int]:
        """Unlink what a case made (with ``variants``, the templates of the variants it made),
        1,000 at a time; archive what Odoo refuses to delete."""
        if variants:
            rows = self.call(
                "product.product",
                "read",
                self.made(code_prefix, "product.product"),
                ["product_tmpl_id"],
            )
            ids = sorted({int(r["product_tmpl_id"][0]) for r in rows})
        else:
            ids = self.made(code_prefix)
        unlinked = archived = 0
        for start in range(0, len(ids), 1000):
            part = ids[start : start + 1000]
            try:
                self.call("product.template", "unlink", part)
                unlinked += len(part)
            except xmlrpc.client.Fault:
                self.call("product.template", "write", part, {"active": False})
                archived += len(part)
        return {"unlinked": unlinked, "archived": archived}


def rows(prefix: str, first_ean: int, count: int) -> list[list[str]]:
    """The case's products as ``load`` rows: external id, then :data:`FIELDS`."""
    return [
        [
            f"__realbench__.{prefix}_{i}",
            f"Product {prefix} {i}",
            ean(first_ean + i),
            f"{prefix.upper()}-{i}",
            f"Sample product number {i}",
            f"{i % 50 + 1}.50",
        ]
        for i in range(count)
    ]


class RealBench:
    def __init__(
        self,
        server: Server,
        root: Path,
        fluvo: str | None,
        verbose: bool,
        api_key: str | None = None,
    ) -> None:
        self.server = server
        #: odoosync's secret: the API key (JSON-2 on 19+) when given, else the password
        self.secret = api_key or server.password
        self.api_key = api_key
        self.root = root
        self.fluvo_path = fluvo
        self.verbose = verbose
        self.results: list[dict[str, Any]] = []
        # 12-digit EAN bodies from the clock: no overlap with earlier runs' leftovers
        self.next_ean = (int(time.time()) % 90_000 + 10_000) * 10_000_000
        self.serial = 0

    def case_prefix(self, label: str, scale: int) -> tuple[str, int]:
        self.serial += 1
        first = self.next_ean
        self.next_ean += scale + 10
        return f"rb{first // 10_000_000 % 100_000}{self.serial}{label[:3]}", first

    def record(
        self,
        label: str,
        scale: int,
        prefix: str,
        seconds: float,
        *,
        keep: bool = False,
        variants: bool = False,
        **meta: Any,
    ) -> None:
        """Count what the case made (``variants``: variants, not templates), then unlink it
        unless ``keep`` (a next case runs on it)."""
        model = "product.product" if variants else "product.template"
        made = len(self.server.made(prefix.upper() + "-", model))
        cleaned = {} if keep else self.server.clean(prefix.upper() + "-", variants)
        result = {
            "case": label,
            "scale": scale,
            "prefix": prefix,
            "seconds": seconds,
            "products_per_s": scale / seconds,
            "made": made,
            **cleaned,
            **meta,
        }
        self.results.append(result)
        print(f"  {label:<28}{scale:7d}{seconds:8.2f}{scale / seconds:9.1f}/s", flush=True)
        if made != scale:
            raise SystemExit(f"{label}: made {made} products of {scale} ({meta})")

    def floor(self, scale: int, label: str) -> None:
        prefix, first = self.case_prefix("flo", scale)
        data = rows(prefix, first, scale)
        fields = ["id", *FIELDS]
        seconds = 0.0
        for start in range(0, scale, FLOOR_BATCH):
            batch = data[start : start + FLOOR_BATCH]
            began = time.perf_counter()
            answer = self.server.call("product.template", "load", fields, batch)
            seconds += time.perf_counter() - began
            if answer.get("messages"):
                raise SystemExit(f"floor load refused: {answer['messages'][:2]}")
        self.record(label, scale, prefix, seconds, batch=FLOOR_BATCH, connections=1)

    def per_record(self, count: int) -> None:
        """The per-record loop: ``search`` by barcode, then ``create``, one product at a time."""
        prefix, first = self.case_prefix("per", count)
        self.server.chill()
        began = time.perf_counter()
        for row in rows(prefix, first, count):
            _xmlid, name, barcode, code, description, price = row
            if self.server.call("product.template", "search", [("barcode", "=", barcode)], limit=1):
                continue
            self.server.call(
                "product.template",
                "create",
                {
                    "name": name,
                    "barcode": barcode,
                    "default_code": code,
                    "description_sale": description,
                    "list_price": float(price),
                },
            )
        self.record("per_record", count, prefix, time.perf_counter() - began, connections=1)

    def project(self, folder: Path, sync: str = "") -> Path:
        """A new project in ``folder`` (its mapping written already) against the server."""
        config = folder / "odoosync.toml"
        config.write_text(
            f"""default_profile = "real"

[profiles.real]
name = "Real"
url = "{self.server.url}"
database = "{self.server.db}"
username = "{self.server.user}"

[catalog]
path = "products.csv"

[mapping]
path = "mapping.toml"

[history]
path = "history.db"
{sync}""",
            encoding="utf-8",
        )
        return config

    def export(self, label: str, config: Path, folder: Path) -> tuple[float, Any, float]:
        """One timed ``odoosync export --json`` after a cold login: (seconds, counts, CPU s)."""
        env = {**os.environ, "ODOOSYNC_PASSWORD": self.secret}
        argv = [sys.executable, "-m", "odoosync", "-c", str(config)]
        argv += (["-v"] if self.verbose else []) + ["export", "--json"]
        self.server.chill()
        seconds, code, stdout, stderr, usage = timed(argv, env, folder)
        if code != 0:
            raise SystemExit(f"{label} failed ({code}):\n{stderr[-3000:]}\n{stdout[-2000:]}")
        if self.verbose:
            (ROOT / "benchmarks" / "results" / f"trace-{label}.log").write_text(
                stderr, encoding="utf-8"
            )
        answer = json.loads(stdout)
        counts = {k: answer.get(k) for k in ("created", "updated", "unchanged", "failed")}
        return seconds, counts, usage.ru_utime + usage.ru_stime

    def login(self, label: str, config: Path, folder: Path) -> None:
        """The new project's set-up step, untimed: ``test-connection`` (it remembers the uid)."""
        env = {**os.environ, "ODOOSYNC_PASSWORD": self.secret}
        login = [sys.executable, "-m", "odoosync", "-c", str(config), "test-connection"]
        _seconds, code, _out, stderr, _usage = timed(login, env, folder)
        if code != 0:
            raise SystemExit(f"{label}: test-connection failed ({code}):\n{stderr[-2000:]}")

    def variants(self, rows: int) -> None:
        """odoosync's initial export of ``rows`` variant rows, then its unchanged re-export."""
        prefix, first = self.case_prefix("var", rows)
        folder = self.root / prefix
        folder.mkdir()
        (folder / "mapping.toml").write_text(MAPPING_VARIANTS, encoding="utf-8")
        self.server.partner(VENDOR)
        write_variant_catalog(
            folder / "products.csv", prefix, first, rows, bump=set(), restock=set()
        )
        config = self.project(folder)
        self.login("variants", config, folder)
        seconds, counts, cpu = self.export("variants", config, folder)
        self.record(
            "variants", rows, prefix, seconds, keep=True, variants=True, counts=counts, cpu=cpu
        )
        seconds, counts, cpu = self.export("variants_unchanged", config, folder)
        self.record(
            "variants_unchanged", rows, prefix, seconds, variants=True, counts=counts, cpu=cpu
        )

    def odoosync(
        self,
        scale: int,
        label: str,
        batch: int | None,
        workers: int | None,
        *,
        fresh: bool = False,
    ) -> None:
        prefix, first = self.case_prefix("ods", scale)
        folder = self.root / prefix
        folder.mkdir()
        (folder / "mapping.toml").write_text(MAPPING_BASE, encoding="utf-8")
        write_catalog(folder / "products.csv", prefix, first, scale, images=False, bump=set())
        sync = ""
        if batch or workers:
            sync = "\n[sync]\n" + "".join(
                f"{k} = {v}\n" for k, v in (("batch_size", batch), ("workers", workers)) if v
            )
        config = self.project(folder, sync)
        if not fresh:
            self.login(label, config, folder)
        seconds, counts, cpu = self.export(f"{label}-{scale}", config, folder)
        self.record(
            label, scale, prefix, seconds, batch=batch, workers=workers, counts=counts, cpu=cpu
        )

    def fluvo(self, scale: int, label: str, extra: list[str], protocol: str = "xmlrpc") -> None:
        assert self.fluvo_path
        prefix, first = self.case_prefix("flv", scale)
        folder = self.root / prefix
        folder.mkdir()
        data = folder / "product_template.csv"
        with data.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["id", *FIELDS])
            writer.writerows(rows(prefix, first, scale))
        parts = urlsplit(self.server.url)
        conf = folder / "connection.conf"
        conf.write_text(
            "[Connection]\n"
            f"hostname = {parts.hostname}\nport = {parts.port or 80}\n"
            f"database = {self.server.db}\nlogin = {self.server.user}\n"
            f"password = {self.api_key if protocol == 'json2' else self.server.password}\n"
            f"protocol = {protocol}\nuid = {self.server.uid}\n",
            encoding="utf-8",
        )
        argv = [
            self.fluvo_path, "import", "--connection-file", str(conf), "--file", str(data),
            "--model", "product.template", "--no-preflight-checks", "--headless", *extra,
        ]  # fmt: skip
        self.server.chill()
        seconds, code, _out, stderr, usage = timed(argv, None, folder)
        if code != 0:
            raise SystemExit(f"{label} failed ({code}):\n{stderr[-3000:]}")
        self.record(label, scale, prefix, seconds, cpu=usage.ru_utime + usage.ru_stime)


def settings_arg(text: str) -> tuple[int, int]:
    batch, workers = text.lower().split("x")
    return int(batch), int(workers)


def summary(results: list[dict[str, Any]], scales: list[int]) -> dict[str, Any]:
    """Per scale: each case's products/s (mean of its repeats), vs the floor, vs Fluvo best and
    (with ``--per-record``) as a multiple of the per-record loop's rate."""
    table: dict[str, Any] = {}
    loop = [r["products_per_s"] for r in results if r["case"] == "per_record"]
    per_record = sum(loop) / len(loop) if loop else None
    if per_record:
        print(f"\nper-record loop: {per_record:.2f} products/s")
    for scale in scales:
        rates: dict[str, list[float]] = {}
        for r in results:
            if r["scale"] == scale and r["case"] not in (
                "per_record",
                "variants",
                "variants_unchanged",
            ):
                key = "floor" if r["case"].startswith("floor") else r["case"]
                rates.setdefault(key, []).append(r["products_per_s"])
        mean = {k: sum(v) / len(v) for k, v in rates.items()}
        floor = mean.get("floor")
        fluvo = max((v for k, v in mean.items() if k.startswith("fluvo")), default=None)
        head = f"{'case':<26}{'prod/s':>9}{'vs floor':>10}{'vs Fluvo best':>15}{'x loop':>8}"
        print(f"\n{scale} products: {head}")
        rows_out = {}
        for key, rate in mean.items():
            vs_floor = rate / floor if floor else None
            vs_fluvo = rate / fluvo if fluvo else None
            rows_out[key] = {
                "products_per_s": rate,
                "vs_floor": vs_floor,
                "vs_fluvo_best": vs_fluvo,
                "x_per_record": rate / per_record if per_record else None,
            }
            f1 = f"{100 * vs_floor:9.0f}%" if vs_floor else f"{'':>10}"
            f2 = f"{100 * vs_fluvo:14.0f}%" if vs_fluvo else f"{'':>15}"
            f3 = f"{rate / per_record:7.0f}x" if per_record else ""
            print(f"{'':>14}{key:<26}{rate:9.1f}{f1}{f2}{f3}")
        table[str(scale)] = rows_out
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="odoosync")
    parser.add_argument("--user", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--scale", type=int, action="append", help="products (repeatable)")
    parser.add_argument(
        "--setting",
        type=settings_arg,
        action="append",
        help="odoosync BATCHxWORKERS besides its defaults (repeatable; 250x2 500x1 1000x2)",
    )
    parser.add_argument("--fluvo", help="path to Fluvo's CLI (e.g. /tmp/venv-fluvo/bin/fluvo)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds per scale")
    parser.add_argument(
        "--per-record",
        type=int,
        default=0,
        metavar="N",
        help="also the per-record loop (search, then create) for N products, once",
    )
    parser.add_argument(
        "--no-settings", action="store_true", help="odoosync at its defaults only (no --setting)"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="also odoosync's first export in a project that "
        "never logged in (no test-connection first: a password login more)",
    )
    parser.add_argument(
        "--fluvo-protocol",
        action="append",
        default=[],
        help="also Fluvo 250x2 over this protocol (jsonrpc; json2 with --api-key)",
    )
    parser.add_argument("--api-key", help="Odoo 19+: odoosync's secret (JSON-2), and Fluvo's json2")
    parser.add_argument(
        "--variants",
        type=int,
        action="append",
        default=[],
        metavar="ROWS",
        help="also odoosync's initial and unchanged export of ROWS variant rows (repeatable)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="keep odoosync -v traces")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    scales = args.scale if args.scale is not None else ([] if args.variants else [1000, 3000])
    settings = [] if args.no_settings else args.setting or [(250, 2), (500, 1), (1000, 2)]
    compile_package()
    server = Server(args.url, args.db, args.user, args.password)
    major = server.version.split(".")[0].split("~")[-1]
    print(
        f"real Odoo {server.version} at {args.url} (db {args.db}); scales {scales}; "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    root = Path(tempfile.mkdtemp(prefix="odoosync-realbench-"))
    bench = RealBench(server, root, args.fluvo, args.verbose, args.api_key)
    try:
        if args.per_record:
            bench.per_record(args.per_record)
        for scale in scales:
            for _ in range(args.repeat):
                bench.floor(scale, "floor_before")
                bench.odoosync(scale, "odoosync_default", None, None)
                if args.fluvo:
                    bench.fluvo(scale, "fluvo_default", [])
                    bench.fluvo(scale, "fluvo_250x2", ["--size", "250", "--worker", "2"])
                    for protocol in args.fluvo_protocol:
                        label = f"fluvo_250x2_{protocol}"
                        bench.fluvo(scale, label, ["--size", "250", "--worker", "2"], protocol)
                if args.fresh:
                    bench.odoosync(scale, "odoosync_fresh", None, None, fresh=True)
                for batch, workers in settings:
                    bench.odoosync(scale, f"odoosync_{batch}x{workers}", batch, workers)
                bench.floor(scale, "floor_after")
        for rows in args.variants:
            bench.variants(rows)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    table = summary(bench.results, scales)
    stamp = time.strftime("%Y%m%d-%H%M")
    out = args.out or ROOT / "benchmarks" / "results" / f"real-odoo{major}-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "server": {"url": args.url, "db": args.db, "version": server.version},
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "summary": table,
        "results": bench.results,
    }
    out.write_text(json.dumps(document, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
