"""The Typer application, its global options, and the shared state every command reads."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import typer

from odoosync import __version__


@dataclass
class GlobalOptions:
    """What the options before the command said."""

    config: Path | None = None
    profile: str | None = None
    verbose: bool = False
    quiet: bool = False
    #: set by ``output.emit_json``: the command already wrote its one JSON document
    json_emitted: bool = False


app = typer.Typer(
    name="odoosync",
    help="Keep a product catalog and an Odoo ERP in step.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=True,
    rich_markup_mode=None,
)

#: set by the callback before any command runs; commands read it through ``globals_()``
_state = GlobalOptions()


def globals_() -> GlobalOptions:
    return _state


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]  # stdlib generic
    """Writes to whatever ``sys.stderr`` is now (tests swap it between runs)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # not setStream: it flushes the old, maybe closed, stream
        super().emit(record)


class _Formatter(logging.Formatter):
    """A warning reads as the CLI's own (``Warning: ...``); -v's traces keep level and logger."""

    def format(self, record: logging.LogRecord) -> str:
        if record.levelno >= logging.WARNING:
            return f"{record.levelname.capitalize()}: {record.getMessage()}"
        return super().format(record)


_handler = _StderrHandler()
_handler.setFormatter(_Formatter("%(levelname)s %(name)s: %(message)s"))


def _configure_logging(*, verbose: bool, quiet: bool) -> None:
    """-v: debug (RPC traces, passwords masked); default: warnings; -q: errors only."""
    root = logging.getLogger("odoosync")
    if _handler not in root.handlers:
        root.addHandler(_handler)
    root.setLevel(logging.DEBUG if verbose else logging.ERROR if quiet else logging.WARNING)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"odoosync {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    config: Path | None = typer.Option(
        None, "-c", "--config", help="Config file (default: ./odoosync.toml or $ODOOSYNC_CONFIG)."
    ),
    profile: str | None = typer.Option(
        None, "-p", "--profile", help="Profile in the config (default: default_profile)."
    ),
    verbose: bool = typer.Option(False, "-v", "--verbose", help="Debug output and tracebacks."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Only errors; no progress bars."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Keep a product catalog and an Odoo ERP in step.

    Example: odoosync -c odoosync.toml export --dry-run
    """
    _state.config = config
    _state.profile = profile
    _state.verbose = verbose
    _state.quiet = quiet
    _configure_logging(verbose=verbose, quiet=quiet)
    if os.environ.get("NO_COLOR"):
        os.environ.setdefault("TERM", "dumb")
