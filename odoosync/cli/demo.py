"""Command: demo — a whole sync cycle against a sandbox Odoo, narrated, in seconds."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from odoosync.cli.app import app, globals_
from odoosync.cli.output import console
from odoosync.errors import ConfigError
from odoosync.timestamps import now_iso

DEMO_PASSWORD_ENV = "ODOOSYNC_DEMO_PASSWORD"

CONFIG_TEMPLATE = """\
# Written by `odoosync demo`: a profile for the sandbox Odoo started by the demo.
default_profile = "sandbox"

[profiles.sandbox]
name = "odoosync sandbox"
url = "{url}"
database = "{database}"
username = "admin"
password_env = "{password_env}"   # the sandbox's admin password is "admin"
timeout = 30

[catalog]
path = "products.csv"
key = "id"
modified_field = "modified_at"

[mapping]
path = "mapping.toml"

[history]
path = "odoosync.db"

[sync]
batch_size = 50
workers = 2
"""


def examples_dir() -> Path:
    """The sample catalog shipped in the source tree beside the package."""
    here = Path(__file__).resolve().parents[2] / "examples"
    if (here / "products.csv").is_file():
        return here
    raise ConfigError(
        "The sample catalog (examples/products.csv) was not found beside the package. "
        "Install odoosync from its source checkout (pip install -e .) to run the demo."
    )


def prepare_workspace(workspace: Path, url: str, database: str) -> Path:
    """Copy the sample catalog, mapping and images into ``workspace``; return the config path."""
    source = examples_dir()
    workspace.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "products.csv", workspace / "products.csv")
    shutil.copy(source / "mapping.toml", workspace / "mapping.toml")
    if (source / "images").is_dir():
        shutil.copytree(source / "images", workspace / "images", dirs_exist_ok=True)
    config = workspace / "odoosync.toml"
    config.write_text(
        CONFIG_TEMPLATE.format(url=url, database=database, password_env=DEMO_PASSWORD_ENV),
        encoding="utf-8",
    )
    return config


#: the variant part of the tour: examples/variants without its L size (a tee in 2 sizes x 2
#: colors, and a mug), with stock levels and a vendor
VARIANT_SIZES_LEFT_OUT = ("L",)
DEMO_VENDOR = "Acme Supplies"


def prepare_variants_workspace(folder: Path, url: str, database: str) -> Path:
    """Write the variant catalog (examples/variants, sizes S and M), its mapping and a config
    of its own (its own history) into ``folder``; return the config path."""
    source = examples_dir() / "variants"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "mapping.toml", folder / "mapping.toml")
    lines = (source / "products.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    size = header.index("size")
    kept = [line for line in lines[1:] if line.split(",")[size] not in VARIANT_SIZES_LEFT_OUT]
    (folder / "products.csv").write_text("\n".join([lines[0], *kept]) + "\n", encoding="utf-8")
    config = folder / "odoosync.toml"
    config.write_text(
        CONFIG_TEMPLATE.format(url=url, database=database, password_env=DEMO_PASSWORD_ENV),
        encoding="utf-8",
    )
    return config


def _show_variants(handle: object) -> None:
    """What Odoo holds for the demo's variant products: price and stock per variant."""
    execute = getattr(handle, "execute")  # noqa: B009  (the sandbox handle, typed loosely here)
    names = execute(
        "ir.model.data",
        "search_read",
        [("module", "=", "odoosync"), ("model", "=", "product.product")],
        ["name", "res_id"],
    )
    ids = sorted(int(r["res_id"]) for r in names)
    mug = execute("product.product", "search", [("default_code", "=", "MUG-1")])
    records = execute(
        "product.product",
        "read",
        ids + [int(i) for i in mug if int(i) not in ids],
        ["display_name", "lst_price", "qty_available"],
    )
    for record in records:
        console().print(
            f"  {record['display_name']:<36} {record['lst_price']:>7.2f}  "
            f"on hand {record['qty_available']:g}",
            markup=False,
        )


def edit_catalog(catalog: Path, count: int) -> list[str]:
    """Raise the price of the first ``count`` products with a price; return their keys."""
    from odoosync.catalog import open_catalog

    products = open_catalog(catalog)
    now = now_iso()
    updates: dict[str, dict[str, str]] = {}
    for row in products.iter_rows():
        if len(updates) == count:
            break
        if row.get("price"):
            updates[row["id"]] = {"price": f"{float(row['price']) + 1.0:.2f}", "modified_at": now}
    products.apply(updates, [])
    return list(updates)


def set_catalog_value(catalog: Path, key: str, column: str, value: str) -> None:
    from odoosync.catalog import open_catalog

    open_catalog(catalog).apply({key: {column: value, "modified_at": now_iso()}}, [])


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


def _step(title: str) -> None:
    console().print(f"\n[bold cyan]== {title}[/bold cyan]", markup=True)


def _run(config: Path, *args: str) -> int:
    from odoosync.cli.main import run

    console().print(f"[dim]$ odoosync {' '.join(args)}[/dim]", markup=True)
    code = run(["-c", str(config), *args])
    if code not in (0, 6):
        raise typer.Exit(code)
    return code


def _odoo_id(handle: object, barcode: str) -> int:
    execute = getattr(handle, "execute")  # noqa: B009  (the sandbox handle, typed loosely here)
    ids = execute("product.template", "search", [("barcode", "=", barcode)])
    return int(ids[0])


@app.command()
def demo(
    keep: Path | None = typer.Option(
        None, "--keep", help="Keep the workspace (config, catalog, history) in this folder."
    ),
) -> None:
    """Run a whole sync cycle against a sandbox Odoo, narrated, in seconds.

    Starts a sandbox on a free port, writes a workspace (config, mapping, sample catalog),
    then: test-connection, export, a second export that changes nothing, local edits pushed,
    an edit made in Odoo pulled back, a conflict resolved, logs and stats; then a catalog of
    variants with stock levels exported and a stock change synced. Nothing keeps running.

    Example: odoosync demo --keep ./odoosync-demo
    """
    from odoosync.catalog import open_catalog
    from odoosync.sandbox import serve

    quiet_before = globals_().quiet
    workspace = keep.resolve() if keep else Path(tempfile.mkdtemp(prefix="odoosync-demo-"))
    data_file = workspace / "sandbox.json"
    workspace.mkdir(parents=True, exist_ok=True)
    try:
        with serve(seed="demo", data_path=data_file) as sandbox, _env(DEMO_PASSWORD_ENV, "admin"):
            config = prepare_workspace(workspace, sandbox.url, sandbox.database)
            catalog = workspace / "products.csv"
            console().print(
                f"[bold]odoosync demo[/bold]: a sandbox Odoo {sandbox.version} at {sandbox.url}, "
                f"workspace {workspace}",
                markup=True,
            )
            _step("1. Check the connection")
            _run(config, "test-connection")
            _step("2. Export the sample catalog (creates every product, with external ids)")
            _run(config, "export")
            _step("3. Export again: nothing changed, so nothing is sent")
            _run(config, "export")
            _step("4. Raise three prices in the catalog, export: exactly those three are updated")
            changed = edit_catalog(catalog, 3)
            console().print(f"edited in products.csv: {', '.join(changed)}")
            _run(config, "export", "--details")
            _step("5. Someone edits a product in Odoo; `sync` pulls it into the catalog")
            rows = [row for row in open_catalog(catalog).iter_rows() if row.get("ean")]
            pulled, conflicted = rows[5], rows[6]
            odoo_id = _odoo_id(sandbox, pulled["ean"])
            sandbox.execute("product.template", "write", [odoo_id], {"list_price": 99.0})
            console().print(f"in Odoo: list_price of product {odoo_id} ({pulled['title']}) = 99.0")
            _run(config, "sync")
            _step("6. The same product edited on both sides: a conflict, resolved by policy")
            other = _odoo_id(sandbox, conflicted["ean"])
            sandbox.execute("product.template", "write", [other], {"list_price": 11.0})
            time.sleep(1.1)  # timestamps have one-second precision: make "later" true
            set_catalog_value(catalog, conflicted["id"], "price", "12.00")
            console().print(
                f"in Odoo: {conflicted['title']} costs 11.00; in the catalog: 12.00 (edited later)"
            )
            _run(config, "sync", "--conflict", "newest")
            _step("7. Import from Odoo (dry run): what Odoo would change in the catalog")
            _run(config, "import", "--dry-run")
            _step("8. History and statistics")
            _run(config, "logs", "--limit", "8")
            _run(config, "stats")
            _step("9. Variants and stock: a tee in 2 sizes x 2 colors and a mug, exported")
            variants = prepare_variants_workspace(
                workspace / "variants", sandbox.url, sandbox.database
            )
            sandbox.execute("res.partner", "create", [{"name": DEMO_VENDOR, "is_company": True}])
            console().print(
                f"a second profile in {workspace / 'variants'}: one row per variant, stock "
                f"levels and the vendor {DEMO_VENDOR} (mapping: [variants], [stock], [vendors])"
            )
            _run(variants, "export")
            _show_variants(sandbox)
            _step("10. Stock counted in the catalog: `sync` pushes the new level, row by row")
            variant_catalog = open_catalog(workspace / "variants" / "products.csv")
            variant_catalog.apply({"tee-s-red": {"qty": "16"}}, [])
            console().print("edited in variants/products.csv: tee-s-red on hand 12 -> 16")
            _run(variants, "sync", "--no-create-missing", "--details")
            _step("11. The result in Odoo: tee-s-red's new stock level, by an inventory adjustment")
            _show_variants(sandbox)
        console().print("\n[bold green]Done.[/bold green] The sandbox has stopped.", markup=True)
        if keep:
            console().print(
                "Keep exploring the workspace:\n"
                f"  cd {workspace}\n"
                f"  odoosync sandbox --data sandbox.json --port {sandbox.port} &\n"
                f"  export {DEMO_PASSWORD_ENV}=admin\n"
                "  odoosync export --dry-run --json\n"
                "  odoosync logs\n"
            )
        else:
            console().print(
                "Next: run `odoosync demo --keep ./odoosync-demo` to keep the workspace, or "
                "`odoosync init` to connect your own Odoo (see README: Using it with your Odoo)."
            )
    finally:
        globals_().quiet = quiet_before
        if not keep:
            shutil.rmtree(workspace, ignore_errors=True)
