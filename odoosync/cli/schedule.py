"""Commands: schedule add/list/update/toggle/run/delete/run-due/crontab, and scheduler."""

from __future__ import annotations

import os
import shlex
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from odoosync.config.settings import Settings
    from odoosync.engine.scheduled import Runner, ScheduleOutcome
    from odoosync.history.store import History
    from odoosync.schedules.model import Schedule

from odoosync.cli.app import app, globals_
from odoosync.cli.common import settings_from_globals
from odoosync.cli.output import console, emit_json, error_console, info
from odoosync.errors import ConfigError, ExitCode
from odoosync.timestamps import utc_now

schedule_app = typer.Typer(
    help=(
        "Scheduled syncs (cron expressions), run by `schedule run-due` from crontab."
        "\n\nExample: odoosync schedule add --name nightly --cron '0 2 * * *'"
    ),
    no_args_is_help=True,
)
app.add_typer(schedule_app, name="schedule")


def runner_factory(history: History, settings: Settings) -> Runner:
    """The runner for run / run-due / scheduler: the sync engine (tests plug in a trivial one)."""
    from odoosync.engine.scheduled import engine_runner

    return engine_runner(history, settings_from_globals)


def _json_opt(help_text: str = "Print JSON.") -> bool:
    return typer.Option(False, "--json", help=help_text)  # type: ignore[no-any-return]  # Option() is typed Any


def _render(schedules: list[Schedule], tz: str | None) -> None:
    from rich.table import Table

    table = Table("id", "name", "cron", "direction", "last run", "next run (UTC)",
                  f"next run ({tz or 'local'})", title="schedules")  # fmt: skip
    for s in schedules:
        doc = s.to_json(tz)
        nxt, local = doc["next_run_at"], doc["next_run_at_local"]
        last = f"{s.last_run_at[:16].replace('T', ' ')} {s.last_status}" if s.last_run_at else "-"
        table.add_row(
            str(s.id), s.name, s.cron_expression, f"{s.sync_direction} ({s.sync_type})", last,
            nxt[:16].replace("T", " ") if nxt else "disabled",
            local[:16].replace("T", " ") if local else "-",
        )  # fmt: skip
    console().print(table)


def _show(schedule: Schedule, tz: str | None, json_: bool, verb: str) -> None:
    if json_:
        emit_json(schedule.to_json(tz))
        return
    doc = schedule.to_json(tz)
    state = f"next run {doc['next_run_at']} ({doc['next_run_at_local']})"
    if not schedule.is_enabled:
        state = "disabled"
    info(f"{verb} schedule {schedule.id} '{schedule.name}' ({schedule.cron_expression}): {state}.")


@schedule_app.command("add")
def add(
    name: str = typer.Option(..., "--name", help="A name for the schedule."),
    cron: str = typer.Option(..., "--cron", help="Five-field cron expression, e.g. '0 6 * * *'."),
    description: str | None = typer.Option(None, "--description", help="What it is for."),
    direction: str = typer.Option(
        "to_odoo", "--direction", help="to_odoo, from_odoo or bidirectional."
    ),
    sync_type: str = typer.Option("incremental", "--type", help="incremental or full."),
    filters: list[str] = typer.Option(
        [], "--filter", help="K=V, repeatable: supplier_id, has_ean, modified_today, ..."
    ),
    batch_size: int | None = typer.Option(None, "--batch-size", help="Products per batch."),
    disabled: bool = typer.Option(False, "--disabled", help="Create it disabled."),
    json_: bool = _json_opt("Print the schedule as JSON."),
) -> None:
    """Create a schedule for the current profile.

    Example: odoosync schedule add --name Daily --cron "0 6 * * *" --filter modified_today=true
    """
    from odoosync.history.schedules import create_schedule
    from odoosync.history.store import History
    from odoosync.schedules.model import parse_filter_args

    settings = settings_from_globals()
    with History(settings.history_path) as history:
        created = create_schedule(
            history, name=name, cron=cron, profile=settings.profile.name, now=utc_now(),
            description=description, direction=direction, sync_type=sync_type,
            filters=parse_filter_args(filters), batch_size=batch_size, enabled=not disabled,
            timezone=settings.timezone,
        )  # fmt: skip
    _show(created, settings.timezone, json_, "Created")


@schedule_app.command("list")
def list_(json_: bool = _json_opt("Print a JSON array of schedules.")) -> None:
    """List the schedules, with their next run in UTC and in local time.

    Example: odoosync schedule list --json
    """
    from odoosync.history.store import History

    settings = settings_from_globals()
    with History(settings.history_path) as history:
        schedules = history.schedules()
    if json_:
        emit_json([s.to_json(settings.timezone) for s in schedules])
        return
    _render(schedules, settings.timezone)


@schedule_app.command("update")
def update(
    schedule_id: int = typer.Argument(..., metavar="ID", help="The schedule's id."),
    name: str | None = typer.Option(None, "--name", help="A new name."),
    cron: str | None = typer.Option(None, "--cron", help="A new cron expression."),
    description: str | None = typer.Option(None, "--description", help="A new description."),
    direction: str | None = typer.Option(None, "--direction", help="A new direction."),
    sync_type: str | None = typer.Option(None, "--type", help="incremental or full."),
    filters: list[str] = typer.Option([], "--filter", help="K=V (replaces all the filters)."),
    batch_size: int | None = typer.Option(None, "--batch-size", help="Products per batch."),
    enabled: bool | None = typer.Option(None, "--enabled/--disabled", help="Enable or disable."),
    json_: bool = _json_opt("Print the schedule as JSON."),
) -> None:
    """Change a schedule; options not given are left as they are.

    Example: odoosync schedule update 3 --cron "0 8 * * *" --batch-size 200
    """
    from odoosync.history.schedules import update_schedule
    from odoosync.history.store import History
    from odoosync.schedules.model import parse_filter_args

    settings = settings_from_globals()
    with History(settings.history_path) as history:
        changed = update_schedule(
            history, schedule_id, now=utc_now(), timezone=settings.timezone, name=name, cron=cron,
            description=description, direction=direction, sync_type=sync_type,
            filters=parse_filter_args(filters) if filters else None, batch_size=batch_size,
            enabled=enabled,
        )  # fmt: skip
    _show(changed, settings.timezone, json_, "Updated")


@schedule_app.command("toggle")
def toggle(
    schedule_id: int = typer.Argument(..., metavar="ID", help="The schedule's id."),
    json_: bool = _json_opt("Print the schedule as JSON."),
) -> None:
    """Enable a disabled schedule, or disable an enabled one.

    Example: odoosync schedule toggle 3
    """
    from odoosync.history.schedules import toggle_schedule
    from odoosync.history.store import History

    settings = settings_from_globals()
    with History(settings.history_path) as history:
        changed = toggle_schedule(history, schedule_id, now=utc_now(), timezone=settings.timezone)
    _show(changed, settings.timezone, json_, "Enabled" if changed.is_enabled else "Disabled")


@schedule_app.command("delete")
def delete(schedule_id: int = typer.Argument(..., metavar="ID", help="The schedule's id.")) -> None:
    """Delete a schedule (its past runs stay in the history).

    Example: odoosync schedule delete 3
    """
    from odoosync.history.store import History

    settings = settings_from_globals()
    with History(settings.history_path) as history:
        if not history.delete_schedule(schedule_id):
            raise ConfigError(f"No schedule with id {schedule_id}; see `odoosync schedule list`.")
    info(f"Deleted schedule {schedule_id}.")


def _report(outcomes: list[ScheduleOutcome], json_: bool) -> int:
    if json_:
        emit_json([o.to_json() for o in outcomes])
    for o in outcomes:
        line = f"Schedule {o.schedule_id} '{o.name}' ({o.profile}): {o.status}"
        line += f", batch {o.batch_id}" if o.batch_id else ""
        line += f": {o.message}" if o.message else "."
        if o.ok:
            info(line, json_mode=json_)
        else:
            error_console().print(line, markup=False, highlight=False)
    return next((o.exit_code for o in outcomes if not o.ok), 0)


@schedule_app.command("run")
def run(
    schedule_id: int = typer.Argument(..., metavar="ID", help="The schedule's id."),
    json_: bool = _json_opt("Print the outcome as a JSON array (one element)."),
) -> None:
    """Run a schedule now, due or not (recorded with triggered_by = manual).

    Example: odoosync schedule run 3
    """
    from odoosync.engine.scheduled import run_now
    from odoosync.history.store import History

    settings = settings_from_globals()
    with History(settings.history_path) as history:
        outcome = run_now(
            history, schedule_id, runner_factory(history, settings), timezone=settings.timezone
        )
    _report([outcome], json_)
    raise typer.Exit(outcome.exit_code)


@schedule_app.command("run-due")
def run_due_command(json_: bool = _json_opt("Print a JSON array of outcomes.")) -> None:
    """Run every enabled schedule that is due, once; meant for crontab every 5 minutes.

    Overlapping invocations never run one schedule twice. Exit 0 when every run succeeded
    (or nothing was due); 7 when every due schedule found its profile locked by another run;
    otherwise the first failure's exit code (6 for a partial run).

    Example: odoosync -c odoosync.toml schedule run-due --quiet
    """
    from odoosync.engine.scheduled import run_due
    from odoosync.history.store import History

    settings = settings_from_globals()
    with History(settings.history_path) as history:
        outcomes = run_due(history, runner_factory(history, settings), timezone=settings.timezone)
    if not outcomes:
        info("No schedule is due.", json_mode=json_)
    code = _report(outcomes, json_)
    if code == 0 and outcomes and all(o.status == "locked" for o in outcomes):
        # nothing ran at all: a cron wrapper must see it (a run holding the lock for hours)
        code = int(ExitCode.LOCKED)
    raise typer.Exit(code)


def _executable() -> str:
    beside = Path(sys.executable).parent / "odoosync"
    if beside.is_file() and os.access(beside, os.X_OK):
        return shlex.quote(str(beside.absolute()))
    return f"{shlex.quote(str(Path(sys.executable).absolute()))} -m odoosync"


def crontab_line(settings: Settings) -> str:
    """The crontab line that runs due schedules every five minutes, with absolute paths."""
    config = settings.config_path.resolve()
    folder = config.parent
    return (
        f"*/5 * * * * cd {shlex.quote(str(folder))} && {_executable()} -c "
        f"{shlex.quote(str(config))} schedule run-due --quiet >> "
        f"{shlex.quote(str(folder / 'odoosync.log'))} 2>&1"
    )


@schedule_app.command("crontab")
def crontab() -> None:
    """Print the crontab line that runs due schedules every five minutes (`crontab -e`).

    Example: odoosync schedule crontab >> /tmp/cron && crontab /tmp/cron
    """
    sys.stdout.write(crontab_line(settings_from_globals()) + "\n")


@app.command("scheduler")
def scheduler(
    interval: float = typer.Option(
        60.0, "--interval", min=1.0, help="Seconds between checks for due schedules."
    ),
) -> None:
    """Run due schedules in a foreground loop (containers, systemd); stops on SIGTERM/SIGINT
    after the current work.

    Example: odoosync -c /srv/catalog/odoosync.toml scheduler --interval 60
    """
    from odoosync.engine.scheduled import run_due
    from odoosync.history.store import History

    settings = settings_from_globals()
    stopping: list[int] = []

    def stop(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)
        error_console().print("Stopping after the current work...", markup=False)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    info(f"odoosync scheduler: checking every {interval:g}s (pid {os.getpid()}).")
    try:
        with History(settings.history_path) as history:
            runner = runner_factory(history, settings)
            while not stopping:
                outcomes = run_due(
                    history, runner, timezone=settings.timezone, stop=lambda: bool(stopping)
                )
                _report(outcomes, False)
                deadline = time.monotonic() + interval
                while not stopping and time.monotonic() < deadline:
                    time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not globals_().quiet:
        error_console().print("Scheduler stopped.", markup=False)
