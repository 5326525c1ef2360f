"""odoosync's benchmark: every main path against one sandbox that charges a real Odoo 17's costs.

One run, one sandbox (``odoosync.sandbox.start(cost="odoo17")`` in its own process, so its CPU is
not the client's), one child process per case (so each case's peak RSS is its own)::

    python benchmarks/bench.py                      # 1,000 and 10,000 products, without/with images
    python benchmarks/bench.py --scale 100000 --no-images --no-baseline --no-fluvo
    python benchmarks/bench.py --scale 1000 --fluvo /tmp/venv-fluvo/bin/fluvo
    python benchmarks/bench.py --scale 1000 --scale 10000 --variants-only --no-baseline

Each case folder runs ``odoosync test-connection`` first, untimed (a new project's set-up step; it
remembers the user id, as Fluvo is given ``uid``); before every timed case the sandbox's cache of
verified credentials is emptied, so each starts with a cold login (its first call pays the
password hash), whatever ran before. Cases, per scale and image setting (each on its
own products: keys and barcodes never overlap):
``export`` (initial: creates), ``export_same`` (unchanged re-export), ``dry_run`` (``--dry-run``
with 10% of the rows changed), ``export_10pct`` (those 10% sent), ``export_one`` (1 changed
product, through the CLI in a subprocess: what a cron run pays, startup included), ``import``
(into an empty catalog, all the case's products), ``sync`` (two-way, nothing changed). Once per
run: ``baseline`` (per product: ``search`` by barcode, then ``create``, as one-shot scripts do;
measured on ``--baseline-sample`` products, its products/s extrapolated), ``fluvo`` at its
defaults and at 250 per call over 2 connections (``--fluvo PATH`` to its CLI; PyPI ``fluvo``),
and ``odoosync --version``'s wall time.

With ``--variants`` (after each scale's other series) or ``--variants-only`` (instead of them), a
variant series per scale, its rows labelled ``+var``: the same cases on ``N`` variant ROWS of
their own (keys ``v<N>-<template>-<size>-<colour>``, SKUs, barcodes), 6 per template (sizes
S/M/L x colours Red/Blue; ``N % 6`` rows make a last, smaller template), the title on each
template's first row, with a mapping of ``[variants]`` (``parent_id``; attributes Size and
Color), ``[stock]`` (a quantity per row at ``WH/Stock``) and ``[vendors]`` (one vendor line per
row, partner ``Bench Supplies``, created untimed before the series as a user would). Its
10% are the rows of every 10th template: price +0.25 on all its rows (a price changed on one
row alone would not be additive per attribute value: ``VARIANT_PRICE``) and one more unit in
stock; its 1 changed is one row's stock. Its import reads into a catalog holding the header only
(a variant import refuses a missing file). The engine sends and counts a changed group whole:
one changed row reports its template's 6 rows updated. ``wipe`` unlinks the stock quants and
moves first (Odoo refuses to unlink a product they name) and the attributes last.

Printed per case: wall seconds, products/s, calls (XML-RPC object calls the sandbox served,
``common.*`` excepted), calls per 1,000 products, client CPU ms per product
(``time.process_time`` in the child: all its threads), sandbox CPU ms per product, the cost
model's charged seconds, the child's peak RSS (``ru_maxrss``), and products/s as a ratio of the
baseline's. The JSON goes to ``benchmarks/results/bench-<date>.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import random
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
sys.path.insert(0, str(ROOT))

# the variant catalog the variant tests use (constants only)
from tests.support.variant_catalog import COLUMNS as VARIANT_COLUMNS  # noqa: E402
from tests.support.variant_catalog import MAPPING as MAPPING_VARIANTS  # noqa: E402

COLUMNS = ["id", "title", "ean", "supplier_reference", "description", "price", "image"]
MAPPING_BASE = """[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true
priority = 100

[[fields]]
local_field = "ean"
odoo_field = "barcode"
mapping_type = "transform"
transform = "barcode"
priority = 90

[[fields]]
local_field = "supplier_reference"
odoo_field = "default_code"
priority = 10

[[fields]]
local_field = "description"
odoo_field = "description_sale"

[[fields]]
local_field = "price"
odoo_field = "list_price"
mapping_type = "transform"
transform = "decimal"
"""
MAPPING_IMAGE = """
[[fields]]
local_field = "image"
odoo_field = "image_1920"
mapping_type = "transform"
transform = "image"
is_bidirectional = false
"""
SIZES = ("S", "M", "L")  # L costs 5 more
COLORS = ("Red", "Blue")  # Blue costs 2 more: every price is additive per attribute value
VENDOR = "Bench Supplies"  # a res.partner the bench creates before the variant series
COUNTS = ("products_found", "created", "updated", "unchanged", "failed", "skipped", "conflicts")
CASES = ("export", "export_same", "dry_run", "export_10pct", "export_one", "import", "sync")
LABELS = {
    "baseline": "per-record loop (baseline)",
    "export": "export, initial",
    "export_same": "export, unchanged",
    "dry_run": "export --dry-run (10%)",
    "export_10pct": "export, 10% changed",
    "export_one": "export, 1 changed (CLI)",
    "import": "import, empty catalog",
    "sync": "sync, nothing changed",
    "fluvo_default": "Fluvo, defaults",
    "fluvo_250x2": "Fluvo, 250/call, 2 conn",
}


# ------------------------------------------------------------------------------ the sandbox


def serve(cost: str) -> int:
    """Child: a sandbox that answers commands on stdin (reset, calls, wipe, chill, stop)."""
    from odoosync.sandbox import start

    handle = start(seed="empty", cost=cost)
    print(json.dumps({"url": handle.url, "database": handle.database}), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "reset":
            handle.reset_calls()
            answer: Any = "ok"
        elif command == "calls":
            answer = {
                "calls": handle.calls(),
                "charged_ms": sum(handle.charged_ms().values()),
                "cpu": time.process_time(),
            }
        elif command == "wipe":  # in-process, not charged: the next case starts from empty
            # stock moves and quants first: they keep a product from being unlinked (as Odoo's
            # foreign keys do); the variants' attributes last, once no template uses them
            for model in ("stock.quant", "stock.move"):
                if refs := handle.execute(model, "search", []):
                    handle.execute(model, "unlink", refs)
            ids = handle.execute("product.template", "search", [], context={"active_test": False})
            if ids:
                handle.execute("product.template", "unlink", ids)
            if attributes := handle.execute("product.attribute", "search", []):
                handle.execute("product.attribute", "unlink", attributes)
            handle.reset_calls()
            answer = len(ids)
        elif command.startswith("partner "):  # in-process, not charged: a vendor to name
            name = command.removeprefix("partner ")
            found = handle.execute("res.partner", "search", [("name", "=", name)])
            answer = found[0] if found else handle.execute("res.partner", "create", {"name": name})
        elif command == "chill":  # Odoo's verified-credentials cache emptied, as a create does
            handle.app.accounts.clear_cache()
            answer = "ok"
        elif command == "stop":
            break
        else:
            answer = {"error": command}
        print(json.dumps(answer), flush=True)
    handle.stop()
    return 0


class Sandbox:
    def __init__(self, cost: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE), "--serve", cost],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        info = self._read()
        self.url, self.database = info["url"], info["database"]

    def _read(self) -> Any:
        assert self.proc.stdout is not None
        return json.loads(self.proc.stdout.readline())

    def ask(self, command: str) -> Any:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._read()

    def stop(self) -> None:
        with contextlib.suppress(BrokenPipeError, ValueError):
            self.ask("stop")
        self.proc.wait(timeout=30)


def object_calls(calls: dict[str, int]) -> int:
    return sum(n for key, n in calls.items() if not key.startswith(("common.", "db.")))


# ------------------------------------------------------------------------------ data


def ean(n: int) -> str:
    from odoosync.transforms import gs1_check_digit

    body = f"{n:012d}"
    return body + str(gs1_check_digit(body))


def png(seed: int, side: int = 48) -> bytes:
    """A real PNG of random pixels (``side``² RGB, ~7 KB): does not compress away."""
    rng = random.Random(seed)
    raw = b"".join(b"\x00" + rng.randbytes(side * 3) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def write_catalog(
    path: Path, prefix: str, first_ean: int, count: int, *, images: bool, bump: set[int]
) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(count):
            writer.writerow(
                [
                    f"{prefix}-{i}",
                    f"Product {prefix} {i}",
                    ean(first_ean + i),
                    f"{prefix.upper()}-{i}",
                    f"Sample product number {i}",
                    f"{i % 50 + 1}.{75 if i in bump else 50}",
                    f"img/{i % 64}.png" if images else "",
                ]
            )
    tmp.replace(path)


def write_variant_catalog(
    path: Path, prefix: str, first_ean: int, count: int, *, bump: set[int], restock: set[int]
) -> None:
    """``count`` variant rows, 6 per template (sizes S/M/L x colours Red/Blue; a last template of
    ``count % 6`` rows lists fewer combinations): the title on each template's first row only,
    as shop exports do; each row a stock level and one vendor line. The rows of a template in
    ``bump`` cost 0.25 more (all of them: prices stay additive, as SPEC §7.2 requires) and rows
    in ``restock`` hold one more unit."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(VARIANT_COLUMNS)
        for i in range(count):
            template, combination = divmod(i, len(SIZES) * len(COLORS))
            size, color = SIZES[combination // 2], COLORS[combination % 2]
            key = f"{prefix}-{template}-{size}-{color}"
            base = template % 50 + 10
            price = (
                base
                + (0.25 if template in bump else 0)
                + (5 if size == "L" else 0)
                + (2 if color == "Blue" else 0)
            )
            writer.writerow(
                [
                    key,
                    f"{prefix}-t{template}",
                    f"Tee {prefix} {template}" if combination == 0 else "",
                    size,
                    color,
                    key.upper(),
                    ean(first_ean + i),
                    f"{price:.2f}",
                    str(i % 9 + 1 + (1 if i in restock else 0)),
                    VENDOR,
                    f"{base / 2:.2f}",
                    f"BS-{prefix}-{template}".upper(),
                    "10",
                ]
            )
    tmp.replace(path)


SYNC_SECTION = ""  # "[sync]" settings from --batch-size / --workers (default: odoosync's)


def write_config(folder: Path, name: str, url: str, database: str, catalog: str) -> Path:
    config = folder / f"{name}.toml"
    config.write_text(
        f"""default_profile = "bench"

[profiles.bench]
name = "Bench"
url = "{url}"
database = "{database}"
username = "admin"

[catalog]
path = "{catalog}"

[mapping]
path = "mapping.toml"

[history]
path = "{name}.db"
{SYNC_SECTION}""",
        encoding="utf-8",
    )
    return config


# ------------------------------------------------------------------------------ a case (child)


def child(case: str, config: Path, prefix: str, images: bool) -> dict[str, Any]:
    from odoosync.config.settings import load_settings
    from odoosync.engine.result import RunOptions
    from odoosync.history.store import History
    from odoosync.odoo import ConnectionParams, OdooClient
    from odoosync.secrets import Secret

    settings = load_settings(config, env={})
    params = ConnectionParams(
        url=settings.profile.url,
        database=settings.profile.database,
        username=settings.profile.username,
        password=Secret("admin"),
    )

    def factory() -> OdooClient:
        return OdooClient(params)

    wall, cpu = time.perf_counter(), time.process_time()
    out: dict[str, Any] = {}
    if case == "baseline":
        n = baseline(factory, config.parent, prefix)
    else:
        if case == "import":
            from odoosync.engine.imports.run import run_import as run

            options = RunOptions(
                full=True, images=images, domain=(("default_code", "=like", f"{prefix.upper()}-%"),)
            )
        elif case == "sync":
            from odoosync.engine.sync.run import run_sync as run

            options = RunOptions(images=images)
        else:
            from odoosync.engine.export.run import run_export as run

            options = RunOptions(images=images, dry_run=case == "dry_run")
        with History(settings.history_path) as history:
            result = run(settings, options, client_factory=factory, history=history)
        n = result.products_found
        out["counts"] = result.counts()
        if result.failed:
            out["errors"] = result.errors()[:3]
    out.update(
        n=n,
        seconds=time.perf_counter() - wall,
        cpu=time.process_time() - cpu,
        maxrss=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    )
    return out


def baseline(factory: Any, folder: Path, prefix: str) -> int:
    """Per product: ``search`` by barcode, then ``create`` (what one-shot scripts do)."""
    client = factory()
    client.authenticate()
    rows = list(csv.DictReader((folder / "products.csv").open(encoding="utf-8")))
    for row in rows:
        if client.execute("product.template", "search", [("barcode", "=", row["ean"])], limit=1):
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
    client.close()
    return len(rows)


# ------------------------------------------------------------------------------ the parent


class Bench:
    def __init__(self, sandbox: Sandbox, root: Path) -> None:
        self.sandbox = sandbox
        self.root = root
        self.results: list[dict[str, Any]] = []
        self.next_ean = 100_000_000

    def eans(self, count: int) -> int:
        first = self.next_ean
        self.next_ean += count + 1000
        return first

    def measure(
        self, label: str, argv: list[str], env: dict[str, str] | None = None, **meta: Any
    ) -> dict[str, Any]:
        before = self.sandbox.ask("calls")
        self.sandbox.ask("reset")
        self.sandbox.ask("chill")  # every case's login starts cold, whatever ran before
        seconds, code, stdout, stderr, usage = timed(argv, env, self.root)
        after = self.sandbox.ask("calls")
        if code not in (0, 6):
            raise SystemExit(f"{label} failed ({code}):\n{stderr[-3000:]}")
        data: dict[str, Any] = {}
        lines = [line for line in stdout.strip().splitlines() if line.startswith("{")]
        if lines and "--child" in argv:
            data = json.loads(lines[-1])
        elif "--json" in argv and stdout.strip():  # the CLI's --json document: counts on top
            document = json.loads(stdout)
            data["counts"] = {k: document[k] for k in COUNTS if k in document}
        data.setdefault("seconds", seconds)
        data.setdefault("cpu", usage.ru_utime + usage.ru_stime)
        data.setdefault("maxrss", usage.ru_maxrss * 1024)
        data["calls"] = object_calls(after["calls"])
        data["calls_by_key"] = after["calls"]
        data["charged_s"] = after["charged_ms"] / 1000
        data["sandbox_cpu"] = after["cpu"] - before["cpu"]
        data.update(case=label, **meta)
        self.results.append(data)
        show(data, self.baseline_rate())
        return data

    def baseline_rate(self) -> float | None:
        for r in self.results:
            if r["case"] == "baseline":
                return float(r["n"] / r["seconds"])
        return None

    def run_child(self, case: str, config: Path, prefix: str, images: bool, **meta: Any) -> None:
        argv = [sys.executable, str(HERE), "--child", case, "--config", str(config)]
        argv += ["--prefix", prefix] + (["--images"] if images else [])
        self.measure(case, argv, prefix=prefix, images=images, **meta)

    def case_folder(self, name: str, images: bool) -> Path:
        folder = self.root / name
        folder.mkdir()
        (folder / "mapping.toml").write_text(
            MAPPING_BASE + (MAPPING_IMAGE if images else ""), encoding="utf-8"
        )
        if images:
            (folder / "img").mkdir()
            for i in range(64):
                (folder / "img" / f"{i}.png").write_bytes(png(i))
        return folder

    def baseline(self, count: int) -> None:
        folder = self.case_folder("baseline", False)
        write_catalog(
            folder / "products.csv", "base", self.eans(count), count, images=False, bump=set()
        )
        config = write_config(
            folder, "base", self.sandbox.url, self.sandbox.database, "products.csv"
        )
        self.run_child("baseline", config, "base", False, scale=count)
        self.sandbox.ask("wipe")

    def series(self, scale: int, images: bool) -> None:
        prefix = f"s{scale}{'i' if images else 'n'}"
        folder = self.case_folder(prefix, images)
        first = self.eans(scale)
        catalog = folder / "products.csv"
        write_catalog(catalog, prefix, first, scale, images=images, bump=set())
        url, db = self.sandbox.url, self.sandbox.database
        export = write_config(folder, "export", url, db, "products.csv")
        pulled = write_config(folder, "import", url, db, "pulled.csv")
        tenth = set(range(0, scale, 10))
        self.cases(
            export,
            pulled,
            prefix,
            images,
            {"scale": scale},
            tenth=lambda: write_catalog(catalog, prefix, first, scale, images=images, bump=tenth),
            one=lambda: write_catalog(
                catalog, prefix, first, scale, images=images, bump=tenth | {1}
            ),
        )

    def cases(
        self,
        export: Path,
        pulled: Path,
        prefix: str,
        images: bool,
        meta: dict[str, Any],
        *,
        tenth: Callable[[], None],
        one: Callable[[], None],
    ) -> None:
        """A series' cases on its project: ``test-connection`` (the user's set-up step: odoosync
        remembers the uid), the initial and unchanged exports, ``tenth()`` (10% of the rows
        changed) with the dry run and the export of them, ``one()`` (one row more) with the CLI
        export of it, the import and the two-way sync; then the sandbox is wiped."""
        for config in (export, pulled):
            self.test_connection(config)
        self.run_child("export", export, prefix, images, **meta)
        self.run_child("export_same", export, prefix, images, **meta)
        tenth()
        self.run_child("dry_run", export, prefix, images, **meta)
        self.run_child("export_10pct", export, prefix, images, **meta)
        one()
        env = {**os.environ, "ODOOSYNC_PASSWORD": "admin"}
        argv = [sys.executable, "-m", "odoosync", "-c", str(export), "export", "--json"]
        self.measure("export_one", argv, env, prefix=prefix, images=images, **meta, n=1)
        self.run_child("import", pulled, prefix, images, **meta)
        self.run_child("sync", export, prefix, images, **meta)
        self.sandbox.ask("wipe")

    def variant_series(self, scale: int) -> None:
        """The cases of :meth:`series` on ``scale`` variant rows (6 per template) with stock and
        a vendor line each: their own products (prefix ``v<scale>``), the same measurements."""
        prefix = f"v{scale}"
        folder = self.root / prefix
        folder.mkdir()
        (folder / "mapping.toml").write_text(MAPPING_VARIANTS, encoding="utf-8")
        self.sandbox.ask(f"partner {VENDOR}")
        first = self.eans(scale)
        catalog = folder / "products.csv"
        write_variant_catalog(catalog, prefix, first, scale, bump=set(), restock=set())
        url, db = self.sandbox.url, self.sandbox.database
        export = write_config(folder, "export", url, db, "products.csv")
        pulled = write_config(folder, "import", url, db, "pulled.csv")
        # an empty catalog: its header only (a variant import refuses a missing file, where a
        # simple import creates it)
        write_variant_catalog(folder / "pulled.csv", prefix, first, 0, bump=set(), restock=set())
        templates = -(-scale // 6)
        tenth = set(range(0, templates, 10))  # every 10th template: 10% of the rows
        rows = {i for i in range(scale) if i // 6 in tenth}
        one = 7  # template 1's S/Blue: one more unit in stock (a price alone would not be additive)
        self.cases(
            export,
            pulled,
            prefix,
            False,
            {"scale": scale, "variants": True},
            tenth=lambda: write_variant_catalog(
                catalog, prefix, first, scale, bump=tenth, restock=rows
            ),
            one=lambda: write_variant_catalog(
                catalog, prefix, first, scale, bump=tenth, restock=rows | {one}
            ),
        )

    def test_connection(self, config: Path) -> None:
        """``odoosync test-connection``, untimed: the set-up step of a new project (the README's
        flow); like Fluvo's ``uid`` setting, the remembered uid spares the runs a password login."""
        env = {**os.environ, "ODOOSYNC_PASSWORD": "admin"}
        argv = [sys.executable, "-m", "odoosync", "-c", str(config), "test-connection"]
        done = subprocess.run(argv, env=env, cwd=self.root, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"test-connection failed ({done.returncode}):\n{done.stderr[-2000:]}")

    def fluvo(self, fluvo: str, scale: int) -> None:
        for label, extra in (
            ("fluvo_default", []),
            ("fluvo_250x2", ["--size", "250", "--worker", "2"]),
        ):
            folder = self.root / f"{label}-{scale}"
            folder.mkdir()
            first = self.eans(scale)
            data = folder / "product_template.csv"
            with data.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, delimiter=";")
                writer.writerow(
                    ["id", "name", "barcode", "default_code", "description_sale", "list_price"]
                )
                for i in range(scale):
                    writer.writerow(
                        [
                            f"fluvo_bench.{label}_{scale}_{i}",
                            f"Fluvo {label} {i}",
                            ean(first + i),
                            f"{label.upper()}-{i}",
                            f"Sample product number {i}",
                            f"{i % 50 + 1}.50",
                        ]
                    )
            conf = folder / "connection.conf"
            host_port = self.sandbox.url.split("://", 1)[1]
            host, port = host_port.split(":")
            conf.write_text(
                "[Connection]\n"
                f"hostname = {host}\nport = {port}\ndatabase = {self.sandbox.database}\n"
                "login = admin\npassword = admin\nprotocol = xmlrpc\nuid = 2\n",
                encoding="utf-8",
            )
            argv = [
                fluvo, "import", "--connection-file", str(conf), "--file", str(data),
                "--model", "product.template", "--no-preflight-checks", "--headless", *extra,
            ]  # fmt: skip
            self.measure(label, argv, scale=scale, n=scale)
            self.sandbox.ask("wipe")


def timed(
    argv: list[str], env: dict[str, str] | None, cwd: Path | None = None
) -> tuple[float, int, str, str, Any]:
    """Run ``argv``; its wall seconds, exit code, output and its own rusage (``wait4``)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        wall = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, text=True, env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - wall
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return seconds, proc.returncode, out.read(), err.read(), usage


def compile_package() -> None:
    """Byte-compile odoosync as ``pip install`` does for an installed package (an editable
    install compiles on first import, unless ``PYTHONDONTWRITEBYTECODE`` is set, as on the
    machines these numbers come from): no case pays for compiling its modules from source, as
    Fluvo's, installed by pip, does not."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "odoosync")],
        check=True,
        capture_output=True,
    )


def version_wall(repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "odoosync", "--version"], capture_output=True, check=True
        )
        best = min(best, time.perf_counter() - start)
    return best


# ------------------------------------------------------------------------------ the table


HEAD = (
    f"{'case':<28}{'N':>7}{'s':>8}{'prod/s':>8}{'calls':>7}{'/1k':>7}{'cli ms/p':>9}"
    f"{'srv ms/p':>9}{'charged':>8}{'RSS MB':>7}{'x base':>8}"
)


def show(r: dict[str, Any], base: float | None) -> None:
    n = max(1, int(r.get("n", 0)))
    rate = n / r["seconds"] if r["seconds"] else 0.0
    cpu = f"{1000 * r['cpu'] / n:9.3f}"
    ratio = f"{rate / base:8.1f}" if base and r["case"] != "baseline" else f"{'':>8}"
    label = LABELS.get(r["case"], r["case"]) + (" +img" if r.get("images") else "")
    label += " +var" if r.get("variants") else ""
    per_1k = 1000 * r["calls"] / n
    per_1k_cell = f"{per_1k:7.1f}" if per_1k < 10_000 else f"{per_1k:7.0f}"  # 1 product: 15000
    print(
        f"{label:<28}{n:7d}{r['seconds']:8.2f}{rate:8.0f}{r['calls']:7d}"
        f"{per_1k_cell}{cpu}{1000 * r['sandbox_cpu'] / n:9.3f}"
        f"{r['charged_s']:8.1f}{r.get('maxrss', 0) / 2**20:7.0f}{ratio}",
        flush=True,
    )
    if r.get("errors"):
        print(f"    errors: {r['errors']}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, action="append", help="products (repeatable)")
    parser.add_argument("--cost", default="odoo17")
    parser.add_argument("--no-images", action="store_true", help="skip the runs with images")
    parser.add_argument("--images-only", action="store_true")
    parser.add_argument(
        "--variants", action="store_true", help="also a variant series per scale (rows)"
    )
    parser.add_argument("--variants-only", action="store_true", help="only the variant series")
    parser.add_argument("--baseline-sample", type=int, default=100)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--fluvo", help="path to Fluvo's CLI (e.g. /tmp/venv-fluvo/bin/fluvo)")
    parser.add_argument("--fluvo-scale", type=int, help="products for Fluvo (default: each scale)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--batch-size", type=int, help="sync.batch_size (default: odoosync's)")
    parser.add_argument("--workers", type=int, help="sync.workers (default: odoosync's)")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help=argparse.SUPPRESS)
    parser.add_argument("--images", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.serve)
    if args.child:
        print(json.dumps(child(args.child, args.config, args.prefix, args.images)))
        return 0
    global SYNC_SECTION
    if args.batch_size or args.workers:
        SYNC_SECTION = "\n[sync]\n" + "".join(
            f"{k} = {v}\n"
            for k, v in (("batch_size", args.batch_size), ("workers", args.workers))
            if v
        )
    scales = args.scale or [1000, 10000]
    image_modes = [True] if args.images_only else [False] if args.no_images else [False, True]
    if args.variants_only:
        image_modes = []
    variants = args.variants or args.variants_only
    compile_package()
    version = version_wall()
    print(
        f"odoosync benchmark: cost model {args.cost}, scales {scales}, images {image_modes}; "
        + ("variants; " if variants else "")
        + f"`odoosync --version` {1000 * version:.0f} ms; {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(HEAD)
    root = Path(tempfile.mkdtemp(prefix="odoosync-bench-"))
    sandbox = Sandbox(args.cost)
    bench = Bench(sandbox, root)
    try:
        if not args.no_baseline:
            bench.baseline(args.baseline_sample)
        for scale in scales:
            if args.fluvo:
                bench.fluvo(args.fluvo, args.fluvo_scale or scale)
            for images in image_modes:
                bench.series(scale, images)
            if variants:
                bench.variant_series(scale)
    finally:
        sandbox.stop()
        shutil.rmtree(root, ignore_errors=True)
    out = args.out or ROOT / "benchmarks" / "results" / f"bench-{time.strftime('%Y%m%d-%H%M')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "cost_model": args.cost,
        "version_ms": 1000 * version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "baseline_products_per_s": bench.baseline_rate(),
        "results": bench.results,
    }
    if variants:
        document["variants"] = "6 rows per template, stock and a vendor line per row"
    out.write_text(json.dumps(document, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
