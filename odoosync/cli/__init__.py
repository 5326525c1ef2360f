"""The command line: the only package that imports typer or rich.

``run(argv)`` is the whole program without ``sys.exit`` (tests call it); ``main()`` exits with its
code. Exceptions become exit codes in :func:`odoosync.errors.exit_code_for`, nowhere else.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import typer
import typer.main

# importing a command module registers its commands on the app
from odoosync.cli import config as _config  # noqa: F401
from odoosync.cli import connection as _connection  # noqa: F401
from odoosync.cli import demo as _demo  # noqa: F401
from odoosync.cli import history as _history  # noqa: F401
from odoosync.cli import mappings as _mappings  # noqa: F401
from odoosync.cli import pull as _pull  # noqa: F401
from odoosync.cli import sandbox as _sandbox  # noqa: F401
from odoosync.cli import schedule as _schedule  # noqa: F401
from odoosync.cli import sync as _sync  # noqa: F401
from odoosync.cli.app import app, globals_
from odoosync.cli.output import error_console
from odoosync.errors import ExitCode, OdoosyncError, exit_code_for


def run(argv: Sequence[str] | None = None) -> int:
    """Run odoosync with ``argv`` and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="odoosync", standalone_mode=False)
    except typer.Abort:
        error_console().print("Interrupted.")
        return ExitCode.INTERRUPTED
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.TyperException as exc:  # click's usage errors, vendored by Typer
        show = getattr(exc, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            error_console().print(f"Error: {exc}", markup=False)
        code = getattr(exc, "exit_code", ExitCode.USAGE)
        return int(code) if isinstance(code, int) else int(ExitCode.USAGE)
    except OdoosyncError as exc:
        if globals_().verbose:
            traceback.print_exc()
        error_console().print(f"Error: {exc}", markup=False, highlight=False)
        return int(exit_code_for(exc))
    except KeyboardInterrupt:
        error_console().print("Interrupted.")
        return ExitCode.INTERRUPTED
    except Exception as exc:  # the last resort: a bug, reported in one line
        if globals_().verbose:
            traceback.print_exc()
        error_console().print(
            f"Internal error: {type(exc).__name__}: {exc} (run with -v for the traceback)",
            markup=False,
            highlight=False,
        )
        return ExitCode.INTERNAL
    if isinstance(result, int):
        return result
    return ExitCode.OK


def main() -> None:
    sys.exit(run())
