"""Command: sync (two-way, with conflict detection)."""

from __future__ import annotations

import typer

from odoosync.cli.app import app
from odoosync.cli.runs import run_command
from odoosync.errors import UsageError
from odoosync.terms import CONFLICT_POLICIES


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
    from odoosync.engine.result import RunOptions

    if conflict is not None and conflict not in CONFLICT_POLICIES:
        raise UsageError(f"--conflict {conflict!r}: use one of {', '.join(CONFLICT_POLICIES)}.")
    options = RunOptions(
        direction="bidirectional",
        conflict_policy=conflict,
        create_missing=create_missing,
        images=images,
        dry_run=dry_run,
        details=details,
        wait=wait,
    )
    run_command("bidirectional", options, json_out=json_out)
