"""Commands: export (catalog → Odoo) and retry (the failed products of a batch)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import typer
from rich.table import Table

from odoosync.catalog.filters import parse_filters, parse_where
from odoosync.cli.app import app, globals_
from odoosync.cli.common import password_for, settings_from_globals
from odoosync.cli.output import console, emit_json, error_console, info, progress
from odoosync.config import Settings
from odoosync.engine.context import products_to_retry, run_history
from odoosync.engine.result import ProductOutcome, RunOptions, RunResult
from odoosync.errors import ConfigError, UsageError
from odoosync.history import History, parse_since
from odoosync.odoo.client import OdooClient
from odoosync.odoo.connect import params_from_settings


def client_factory(settings: Settings) -> Callable[[], OdooClient]:
    """A factory the engine calls once it holds the lock (the password is resolved here)."""
    password = password_for(settings)
    return lambda: OdooClient(params_from_settings(settings, password))


@app.command()
def export(
    product_ids: list[str] | None = typer.Argument(None, help="Export only these product ids."),
    supplier_id: str | None = typer.Option(None, "--supplier-id", help="Only this supplier."),
    has_ean: bool = typer.Option(False, "--has-ean", help="Only products with an EAN."),
    modified_since: str | None = typer.Option(
        None, "--modified-since", help="Only products modified since (ISO-8601)."
    ),
    modified_today: bool = typer.Option(False, "--modified-today", help="Only modified today."),
    where: list[str] | None = typer.Option(
        None, "--where", help="FIELD=VALUE filter on a catalog column (repeatable)."
    ),
    batch_size: int | None = typer.Option(None, "--batch-size", min=1, help="Products per call."),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Parallel connections."),
    images: bool | None = typer.Option(None, "--images/--no-images", help="Send images."),
    force_update: bool = typer.Option(False, "--force-update", help="Send unchanged products."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; change nothing."),
    details: bool = typer.Option(False, "--details", help="List every product in the result."),
    wait: float | None = typer.Option(None, "--wait", help="Wait up to SECONDS for the lock."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Push catalog products to Odoo: create the new ones, update the changed ones.

    Example: odoosync export --dry-run --json
    """
    filters: dict[str, str] = {}
    if supplier_id is not None:
        try:  # a bad option value: exit 2 naming the option, as --where
            parse_filters({"supplier_id": supplier_id})
        except ConfigError as exc:
            raise UsageError(
                f"--supplier-id {supplier_id!r}: a supplier id is a whole number, "
                "e.g. --supplier-id 15."
            ) from exc
        filters["supplier_id"] = supplier_id
    if has_ean:
        filters["has_ean"] = "true"
    if modified_since is not None:
        filters["modified_since"] = parse_since(modified_since, option="--modified-since")
    if modified_today:
        filters["modified_today"] = "true"
    try:
        pairs = tuple(parse_where(text) for text in where or ())
    except ConfigError as exc:
        raise UsageError(f"--where: {exc}") from None
    options = RunOptions(
        product_ids=tuple(product_ids or ()),
        filters=filters,
        where=pairs,
        batch_size=batch_size,
        workers=workers,
        images=images,
        force_update=force_update,
        dry_run=dry_run,
        details=details,
        wait=wait,
    )
    settings = settings_from_globals()
    with run_history(settings.history_path, dry_run=dry_run) as history:
        result = _run("to_odoo", settings, options, history, json_out=json_out)
    _render(result, json_out=json_out, details=details)


@app.command()
def retry(
    batch_id: str = typer.Argument(..., help="The batch whose failed products to re-run."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Re-run the failed products of a batch, as a new batch triggered by retry.

    Example: odoosync retry sync_20251216_143022 --json
    """
    settings = settings_from_globals()
    with History(settings.history_path) as history:
        run = history.run(batch_id)
        if run is None:
            raise ConfigError(f"No batch {batch_id!r} in the history; see `odoosync logs`.")
        failed = products_to_retry(history, batch_id)
        if not failed:
            message = f"Batch {batch_id} has no failed products: nothing to retry."
            if json_out:
                emit_json({"success": True, "batch_id": None, "retry_of": batch_id,
                           "message": message, "failed": 0})  # fmt: skip
            else:
                info(message)
            return
        options = RunOptions.from_dict(run.options).but(
            product_ids=tuple(failed), triggered_by="retry", dry_run=False, schedule_id=None
        )
        result = _run(
            run.direction, settings, options, history, json_out=json_out, retry_of=batch_id
        )
    _render(result, json_out=json_out, details=options.details)


def _run(
    direction: str,
    settings: Settings,
    options: RunOptions,
    history: History,
    *,
    json_out: bool,
    retry_of: str | None = None,
) -> RunResult:
    factory = client_factory(settings)
    runner = _runner(direction)
    bar: AbstractContextManager[Callable[[int], None]] = (
        progress(None, _TITLES[direction]) if not json_out else nullcontext(lambda _n: None)
    )
    with bar as advance:
        seen = [0]

        def report(done: int, _total: int | None) -> None:
            advance(done - seen[0])
            seen[0] = done

        kwargs: dict[str, Any] = {"client_factory": factory, "history": history, "progress": report}
        if retry_of is not None:
            kwargs["retry_of"] = retry_of
        result: RunResult = runner(settings, options, **kwargs)
    return result


_TITLES = {"to_odoo": "Exporting", "from_odoo": "Importing", "bidirectional": "Syncing"}


def _runner(direction: str) -> Callable[..., RunResult]:
    """export's engine here; import and sync engines if they are installed."""
    if direction == "to_odoo":
        from odoosync.engine.export import run_export

        return run_export
    module, name = {
        "from_odoo": ("odoosync.engine.importer", "run_import"),
        "bidirectional": ("odoosync.engine.bisync", "run_sync"),
    }[direction]
    try:
        runner: Callable[..., RunResult] = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ConfigError(f"This odoosync cannot re-run {direction} batches ({module}).") from None
    return runner


def _render(result: RunResult, *, json_out: bool, details: bool) -> None:
    """The JSON document, or the summary; with -q (only errors) just what went wrong, on
    stderr."""
    if json_out:
        emit_json(result.to_json(details=details))
    elif globals_().quiet:
        quiet_summary(result)
    else:
        _summary(result, details=details)
    code = int(result.exit_code)
    if code:
        raise typer.Exit(code)


def _summary(result: RunResult, *, details: bool) -> None:
    out = console()
    title = f"{'Plan' if result.dry_run else 'Export'} {result.batch_id}"
    table = Table(title=title, show_header=True)
    for column in ("found", "created", "updated", "unchanged", "failed", "skipped", "ms"):
        table.add_column(column, justify="right")
    table.add_row(
        *(str(v) for v in (result.products_found, result.created, result.updated,
                           result.unchanged, result.failed, result.skipped, result.duration_ms))
    )  # fmt: skip
    out.print(table)
    print_products(result, details=details)
    if result.aborted:
        out.print(result.aborted, markup=False)
    elif result.failed:
        out.print(failed_line(result), markup=False)
    if result.dry_run:
        out.print("Dry run: nothing was sent to Odoo or written.", markup=False)


def quiet_summary(result: RunResult, *, shown: int = 20) -> None:
    """``-q`` means only errors: nothing on success; else each failed product (the first
    ``shown``) and the line that says where to look, on stderr. Shared by import and sync."""
    err = error_console()
    errors = result.errors()
    for error in errors[:shown]:
        err.print(f"{error['product_id']}: {error['error_message']}", markup=False)
    if len(errors) > shown:
        err.print(f"... and {len(errors) - shown} more.", markup=False)
    if result.aborted:
        err.print(result.aborted, markup=False)
    elif result.failed or result.unresolved_conflicts:
        err.print(failed_line(result), markup=False)


def failed_line(result: RunResult) -> str:
    """Where to look at a run's failures: its batch in the logs, except for a dry run, which
    records nothing (its batch would list no entries)."""
    if result.dry_run:
        what = [f"{result.failed} product(s) would fail"] if result.failed else []
        if result.unresolved_conflicts:
            what.append(f"{result.unresolved_conflicts} conflict(s) would wait for a decision")
        return f"{' and '.join(what)} (listed above; a dry run records nothing in the logs)."
    what = [f"{result.failed} product(s) failed"] if result.failed else []
    if result.unresolved_conflicts:
        what.append(f"{result.unresolved_conflicts} conflict(s) wait for a decision")
    return f"{' and '.join(what)}: odoosync logs --batch {result.batch_id}"


#: changed products listed without --details when there are at most this many
FEW = 10


def print_products(result: RunResult, *, details: bool, limit: int = 200) -> None:
    """The products table: errors and conflicts always; the other changes with ``--details``, in
    a dry run, or when there are only a few; unchanged products as one count line."""
    changed = [p for p in result.products if p.action != "unchanged"]
    if not (details or result.dry_run or result.changed <= FEW):
        changed = [p for p in changed if p.action in ("error", "conflict")]
    out = console()
    if changed:
        rows = Table(show_header=True)
        for column in ("product", "action", "odoo id", "details"):
            rows.add_column(column)
        for p in changed[:limit]:
            rows.add_row(
                p.product_id, p.action, str(p.odoo_product_id or ""), _what(p, result.direction)
            )
        out.print(rows)
        if len(changed) > limit:
            out.print(f"... and {len(changed) - limit} more (use --json for all).", markup=False)
    hidden = result.changed - len(changed)
    if hidden:
        out.print(f"{hidden} created or updated product(s) not listed: --details lists them.")
    if result.unchanged and details:
        out.print(
            f"{result.unchanged} unchanged product(s) not listed: --json --details lists them."
        )


def _what(p: ProductOutcome, direction: str) -> str:
    changes = ", ".join(f"{k}: {v[0]!r} → {v[1]!r}" for k, v in (p.changes or {}).items())
    fields = ", ".join(p.fields_synced)
    moved = f"{'from Odoo' if direction == 'from_odoo' else 'sent'}: {fields}" if fields else ""
    return p.error_message or changes or p.note or moved
