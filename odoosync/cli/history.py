"""Commands: logs, logs show, stats."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from odoosync.history.records import LogEntry
    from odoosync.history.store import History

from odoosync.cli.app import app
from odoosync.cli.common import parse_since, settings_from_globals
from odoosync.cli.output import console, emit_json, info
from odoosync.errors import ConfigError

logs_app = typer.Typer(
    help=(
        "Sync history, newest first; `logs show ID` for one entry."
        "\n\nExample: odoosync logs --status error --limit 20"
    ),
    invoke_without_command=True,
)
app.add_typer(logs_app, name="logs")


def _history() -> History:
    from odoosync.history.store import History

    return History(settings_from_globals().history_path)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


@logs_app.callback(invoke_without_command=True)
def logs(
    ctx: typer.Context,
    status: str | None = typer.Option(
        None, "--status", help="success, error, skipped or conflict."
    ),
    batch: str | None = typer.Option(
        None, "--batch", help="A batch id, e.g. sync_20251216_143022."
    ),
    product: str | None = typer.Option(None, "--product", help="A local product id."),
    direction: str | None = typer.Option(
        None, "--direction", help="to_odoo, from_odoo or bidirectional."
    ),
    since: str | None = typer.Option(
        None, "--since", help="ISO-8601 date or time (UTC unless an offset is given)."
    ),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many entries."),
    json_: bool = typer.Option(False, "--json", help="Print a JSON array of entries."),
) -> None:
    """Sync history: one entry per product outcome, newest first.

    Example: odoosync logs --status error --since 2025-12-16 --json
    """
    from rich.table import Table

    if ctx.invoked_subcommand is not None:
        return
    if since is not None:
        since = parse_since(since)
    with _history() as history:
        entries = history.logs(
            status=status,
            batch_id=batch,
            product_id=product,
            direction=direction,
            since=since,
            limit=limit,
        )
    if json_:
        emit_json([entry.to_json() for entry in entries])
        return
    rows = [
        (
            str(e.id), _cell(e.started_at).replace("T", " ").rstrip("Z"), e.product_id,
            e.sync_direction, e.sync_type, e.sync_status, _cell(e.odoo_product_id),
            _cell(e.batch_id), _cell(e.error_message),
        )
        for e in entries
    ]  # fmt: skip
    headers = ("id", "started (UTC)", "product", "direction", "type", "status", "odoo id", "batch")
    out = console()
    # every column at its natural width; the error column gets what is left (at least 20)
    widths = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]
    error_width = max(20, out.width - sum(widths) - 3 * (len(headers) + 1) - 1)
    table = Table(title="odoosync logs (newest first; `odoosync logs show ID` for details)")
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, no_wrap=True, min_width=width)
    table.add_column("error", no_wrap=True, overflow="ellipsis", max_width=error_width)
    for row in rows:
        table.add_row(*row)
    out.print(table)
    info(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}.")


@logs_app.command("show")
def show(
    entry_id: int = typer.Argument(..., metavar="ID", help="A log entry id (see `odoosync logs`)."),
    json_: bool = typer.Option(False, "--json", help="Print the entry as JSON."),
) -> None:
    """One log entry with its full error details.

    Example: odoosync logs show 15842 --json
    """
    with _history() as history:
        entry = history.log(entry_id)
    if entry is None:
        raise ConfigError(f"No log entry with id {entry_id}; see `odoosync logs` for the ids.")
    if json_:
        emit_json(entry.to_json())
        return
    _render_entry(entry)


def _render_entry(entry: LogEntry) -> None:
    out = console()
    for key, value in entry.to_json().items():
        if key == "error_details" and value is not None:
            out.print("error_details:", markup=False)
            for line in json.dumps(value, indent=2, ensure_ascii=False).splitlines():
                out.print(f"  {line}", markup=False)
        elif key == "fields_synced":
            out.print(f"{key}: {', '.join(value) or '-'}", markup=False)
        else:
            out.print(f"{key}: {_cell(value) or '-'}", markup=False)


@app.command("stats")
def stats(
    since: str | None = typer.Option(
        None, "--since", help="ISO-8601 date or time (UTC unless an offset is given)."
    ),
    json_: bool = typer.Option(False, "--json", help="Print SPEC §2.2's JSON document."),
) -> None:
    """Statistics over the history's log entries (one per product outcome).

    Example: odoosync stats --since 2025-12-01 --json
    """
    from rich.table import Table

    if since is not None:
        since = parse_since(since)
    with _history() as history:
        result = history.stats(since)
    if json_:
        emit_json(result.to_json())
        return
    out = console()
    doc = result.to_json()
    for key in list(doc)[:9]:
        value = doc[key]
        suffix = "%" if key == "success_rate" else ""
        out.print(f"{key.replace('_', ' ')}: {_cell(value) or '-'}{suffix}", markup=False)
    if result.by_direction:
        table = Table("direction", "total", "success", "error", "skipped", "conflict")
        for direction, counts in sorted(result.by_direction.items()):
            keys = ("total", "success", "error", "skipped", "conflict")
            table.add_row(direction, *(str(counts.get(k, 0)) for k in keys))
        out.print(table)
    if result.top_errors:
        out.print("top errors: " + ", ".join(f"{c} ({n})" for c, n in result.top_errors))
