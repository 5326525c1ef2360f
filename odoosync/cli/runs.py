"""What export, retry, import and sync share on the command line: a run with its progress bar,
and its result rendered (the JSON document, the summary table, or with -q just what failed)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from odoosync.config.settings import Settings
    from odoosync.engine.result import ProductOutcome, RunOptions, RunResult
    from odoosync.history.store import History
    from odoosync.odoo.client import OdooClient

from odoosync.cli.app import globals_
from odoosync.cli.common import password_for, settings_from_globals
from odoosync.cli.output import (
    console,
    emit_json,
    emit_json_streaming,
    error_console,
    progress,
)

#: the progress bar's title and the summary's, per direction
_TITLES = {"to_odoo": "Exporting", "from_odoo": "Importing", "bidirectional": "Syncing"}
_SUMMARY = {"to_odoo": "Export", "from_odoo": "Import", "bidirectional": "Sync"}
_DRY_RUN = {
    "to_odoo": "Dry run: nothing was sent to Odoo or written.",
    "from_odoo": "Dry run: nothing was changed in Odoo, the catalog or the history.",
    "bidirectional": "Dry run: nothing was changed in Odoo, the catalog or the history.",
}


def clients_for(settings: Settings) -> Callable[[], OdooClient]:
    """The profile's client factory, its password resolved now (before the history is opened);
    the engine calls it once it holds the lock."""
    from odoosync.odoo.connect import client_factory

    return client_factory(settings, password_for(settings))


def run_with_progress(
    direction: str,
    settings: Settings,
    options: RunOptions,
    history: History,
    *,
    factory: Callable[[], OdooClient],
    json_out: bool,
    retry_of: str | None = None,
) -> RunResult:
    """Run the direction's engine function with a progress bar (none with ``--json``)."""
    from odoosync.engine.runs import run_for

    runner = run_for(direction)
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


def run_command(direction: str, options: RunOptions, *, json_out: bool) -> None:
    """What ``export``, ``import`` and ``sync`` do once their options are parsed: the settings,
    the password, the history (a throwaway one for a dry run), the run, its rendering."""
    from odoosync.engine.books import run_history

    settings = settings_from_globals()
    factory = clients_for(settings)
    with run_history(settings.history_path, dry_run=options.dry_run) as history:
        result = run_with_progress(
            direction, settings, options, history, factory=factory, json_out=json_out
        )
    render(result, json_out=json_out, details=options.details)


def render(result: RunResult, *, json_out: bool, details: bool) -> None:
    """The JSON document, or the summary; with -q (only errors) just what went wrong, on
    stderr. Exits with the run's code when it is not 0."""
    if json_out:
        listed = details or result.single_product
        document = result.to_json(details=details, products=False)
        if listed:
            emit_json_streaming(document, "products", result.product_docs())
        else:
            emit_json(document)
    elif globals_().quiet:
        quiet_summary(result)
    else:
        _summary(result, details=details)
    code = int(result.exit_code)
    if code:
        raise typer.Exit(code)


def _summary(result: RunResult, *, details: bool) -> None:
    from rich.table import Table

    out = console()
    what = _SUMMARY.get(result.direction, "Run")
    table = Table(title=f"{'Plan' if result.dry_run else what} {result.batch_id}", show_header=True)
    counts = {
        "found": result.products_found, "created": result.created, "updated": result.updated,
        "unchanged": result.unchanged, "failed": result.failed, "skipped": result.skipped,
    }  # fmt: skip
    if result.direction != "to_odoo":
        counts["conflicts"] = result.conflicts
    counts["ms"] = result.duration_ms
    for column in counts:
        table.add_column(column, justify="right")
    table.add_row(*(str(v) for v in counts.values()))
    out.print(table)
    print_products(result, details=details)
    for warning in result.warnings:
        out.print(f"Warning: {warning}", markup=False)
    if result.aborted:
        out.print(result.aborted, markup=False)
    elif result.failed or result.unresolved_conflicts:
        out.print(failed_line(result), markup=False)
    if result.dry_run:
        out.print(_DRY_RUN.get(result.direction, _DRY_RUN["from_odoo"]), markup=False)


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
    from rich.table import Table

    every = details or result.dry_run or result.changed <= FEW
    listed = 0  # the products the table would list; the first ``limit`` are shown
    shown: list[ProductOutcome] = []
    for p in result.products:  # streamed: a dry run's plan may be on disk
        if p.action == "unchanged" or not (every or p.action in ("error", "conflict")):
            continue
        listed += 1
        if len(shown) < limit:
            shown.append(p)
    out = console()
    if shown:
        rows = Table(show_header=True)
        for column in ("product", "action", "odoo id", "details"):
            rows.add_column(column)
        for p in shown:
            rows.add_row(
                p.product_id, p.action, str(p.odoo_product_id or ""), _what(p, result.direction)
            )
        out.print(rows)
        if listed > limit:
            out.print(f"... and {listed - limit} more (use --json for all).", markup=False)
    hidden = result.changed - listed
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
