"""Command: import (Odoo → catalog)."""

from __future__ import annotations

import typer

from odoosync.cli.app import app
from odoosync.cli.runs import run_command
from odoosync.errors import ConfigError, UsageError


@app.command("import")
def import_(
    categ_id: list[int] | None = typer.Option(
        None, "--categ-id", help="Only this Odoo category and its children (repeatable)."
    ),
    active: bool = typer.Option(
        True, "--active/--include-archived", help="Only active products, or archived ones too."
    ),
    domain: str | None = typer.Option(
        None, "--domain", help='An Odoo domain as JSON, e.g. [["list_price", ">", 10]].'
    ),
    since: str | None = typer.Option(
        None, "--since", help="Only products Odoo changed since (ISO-8601)."
    ),
    full: bool = typer.Option(False, "--full", help="Ignore the last import's watermark."),
    create_missing: bool = typer.Option(
        True, "--create-missing/--no-create-missing", help="Add Odoo products the catalog lacks."
    ),
    update_existing: bool = typer.Option(
        True, "--update-existing/--no-update-existing", help="Update rows already in the catalog."
    ),
    batch_size: int | None = typer.Option(None, "--batch-size", min=1, help="Records per read."),
    images: bool = typer.Option(False, "--images", help="Save images under images/."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; change nothing."),
    details: bool = typer.Option(False, "--details", help="List every product in the result."),
    wait: float | None = typer.Option(None, "--wait", help="Wait up to SECONDS for the lock."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Pull products from Odoo into the catalog: add new ones, update changed ones.

    Example: odoosync import --categ-id 5 --dry-run
    """
    from odoosync.engine.imports.plan import parse_domain
    from odoosync.engine.result import RunOptions
    from odoosync.engine.travel import odoo_datetime

    if since is not None and full:
        raise UsageError("--since and --full cannot be used together: choose one.")
    parsed = parse_domain(domain) if domain is not None else None
    if since is not None:
        try:  # a bad option value: exit 2 now, as export --modified-since and logs --since
            odoo_datetime(since)
        except ConfigError as exc:
            raise UsageError(exc.message, hint=exc.hint) from None
    options = RunOptions(
        direction="from_odoo",
        categ_ids=tuple(categ_id or ()),
        include_archived=not active,
        domain=tuple(parsed) if parsed is not None else None,
        since=since,
        full=full,
        create_missing=create_missing,
        update_existing=update_existing,
        batch_size=batch_size,
        images=images,
        dry_run=dry_run,
        details=details,
        wait=wait,
    )
    run_command("from_odoo", options, json_out=json_out)
