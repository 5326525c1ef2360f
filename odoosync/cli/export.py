"""Commands: export (catalog → Odoo) and retry (the failed products of a batch)."""

from __future__ import annotations

import typer

from odoosync.cli.app import app
from odoosync.cli.common import parse_since, settings_from_globals
from odoosync.cli.output import emit_json, info
from odoosync.cli.runs import clients_for, render, run_command, run_with_progress
from odoosync.errors import ConfigError, UsageError


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
    archive_missing: bool = typer.Option(
        False,
        "--archive-missing",
        help="Archive linked products no longer in the catalog ([variants]/[stock]/[vendors]).",
    ),
    force: bool = typer.Option(
        False, "--force", help="Archive even more than [sync] max_archive_ratio of them."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; change nothing."),
    details: bool = typer.Option(False, "--details", help="List every product in the result."),
    wait: float | None = typer.Option(None, "--wait", help="Wait up to SECONDS for the lock."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Push catalog products to Odoo: create the new ones, update the changed ones.

    Example: odoosync export --dry-run --json
    """
    from odoosync.catalog.filters import parse_filters, parse_where
    from odoosync.engine.result import RunOptions

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
        archive_missing=archive_missing,
        force=force,
        dry_run=dry_run,
        details=details,
        wait=wait,
    )
    run_command("to_odoo", options, json_out=json_out)


@app.command()
def retry(
    batch_id: str = typer.Argument(..., help="The batch whose failed products to re-run."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Re-run the failed products of a batch, as a new batch triggered by retry.

    Example: odoosync retry sync_20251216_143022 --json
    """
    from odoosync.engine.books import products_to_retry
    from odoosync.engine.result import RunOptions
    from odoosync.history.store import History

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
        result = run_with_progress(
            run.direction, settings, options, history,
            factory=clients_for(settings), json_out=json_out, retry_of=batch_id,
        )  # fmt: skip
    render(result, json_out=json_out, details=options.details)
