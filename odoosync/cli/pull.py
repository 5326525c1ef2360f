"""Commands: import (Odoo → catalog) and sync (two-way, with conflict detection)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import typer
from rich.table import Table

from odoosync.cli.app import app, globals_
from odoosync.cli.common import settings_from_globals
from odoosync.cli.output import console, emit_json, progress
from odoosync.cli.sync import client_factory, failed_line, print_products, quiet_summary
from odoosync.engine.bisync import run_sync
from odoosync.engine.bisync_plan import POLICIES
from odoosync.engine.context import run_history
from odoosync.engine.import_plan import parse_domain
from odoosync.engine.importer import odoo_datetime, run_import
from odoosync.engine.result import RunOptions, RunResult
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
    result = _run(run_import, options, "Importing", json_out=json_out)
    _render(result, "Import", json_out=json_out, details=details)


@app.command("sync")
def sync(
    conflict: str | None = typer.Option(
        None, "--conflict", help="Conflict policy: newest, local, odoo or skip."
    ),
    create_missing: bool = typer.Option(
        True, "--create-missing/--no-create-missing", help="Add Odoo products the catalog lacks."
    ),
    images: bool | None = typer.Option(None, "--images/--no-images", help="Send images."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; change nothing."),
    details: bool = typer.Option(False, "--details", help="List every product in the result."),
    wait: float | None = typer.Option(None, "--wait", help="Wait up to SECONDS for the lock."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Two-way sync: copy each side's changes over and detect conflicts.

    Example: odoosync sync --conflict newest --dry-run
    """
    if conflict is not None and conflict not in POLICIES:
        raise UsageError(f"--conflict {conflict!r}: use one of {', '.join(POLICIES)}.")
    options = RunOptions(
        direction="bidirectional",
        conflict_policy=conflict,
        create_missing=create_missing,
        images=images,
        dry_run=dry_run,
        details=details,
        wait=wait,
    )
    result = _run(run_sync, options, "Syncing", json_out=json_out)
    _render(result, "Sync", json_out=json_out, details=details)


def _run(
    runner: Callable[..., RunResult], options: RunOptions, title: str, *, json_out: bool
) -> RunResult:
    settings = settings_from_globals()
    factory = client_factory(settings)
    bar: AbstractContextManager[Callable[[int], None]] = (
        progress(None, title) if not json_out else nullcontext(lambda _n: None)
    )
    history_of = run_history(settings.history_path, dry_run=options.dry_run)
    with history_of as history, bar as advance:
        seen = [0]

        def report(done: int, _total: int | None) -> None:
            advance(done - seen[0])
            seen[0] = done

        result: RunResult = runner(
            settings, options, client_factory=factory, history=history, progress=report
        )
    return result


def _render(result: RunResult, what: str, *, json_out: bool, details: bool) -> None:
    if json_out:
        emit_json(result.to_json(details=details))
    elif globals_().quiet:
        quiet_summary(result)
    else:
        _summary(result, what, details=details)
    code = int(result.exit_code)
    if code:
        raise typer.Exit(code)


def _summary(result: RunResult, what: str, *, details: bool) -> None:
    out = console()
    table = Table(title=f"{'Plan' if result.dry_run else what} {result.batch_id}")
    columns = ("found", "created", "updated", "unchanged", "failed", "skipped", "conflicts", "ms")
    for column in columns:
        table.add_column(column, justify="right")
    table.add_row(
        *(str(v) for v in (result.products_found, result.created, result.updated,
                           result.unchanged, result.failed, result.skipped, result.conflicts,
                           result.duration_ms))
    )  # fmt: skip
    out.print(table)
    print_products(result, details=details)
    if result.aborted:
        out.print(result.aborted, markup=False)
    elif result.failed or result.unresolved_conflicts:
        out.print(failed_line(result), markup=False)
    if result.dry_run:
        out.print("Dry run: nothing was changed in Odoo, the catalog or the history.", markup=False)
