"""The program: ``run(argv)`` runs a command line and returns its exit code (tests call it);
``main()`` exits with it. Exceptions become exit codes through
:func:`odoosync.errors.exit_code_for`, nowhere else. The commands are registered on the app by
importing their modules (:mod:`odoosync.cli` does)."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import typer
import typer.main

from odoosync.cli.app import app, globals_
from odoosync.cli.output import emit_json, error_console
from odoosync.errors import ExitCode, OdoosyncError, exit_code_for


def _json_requested(args: Sequence[str]) -> bool:
    """Whether the command line asks for ``--json`` (options end at ``--``)."""
    options = args[: args.index("--")] if "--" in args else args
    return "--json" in options


def _error_document(code: int, message: str, error_code: str | None) -> None:
    """With ``--json``, a failed command still leaves exactly one JSON document on stdout."""
    if globals_().json_emitted:
        return
    if error_code is None:
        known = code in ExitCode._value2member_map_
        error_code = ExitCode(code).name if known else "ERROR"
    emit_json(
        {
            "success": False,
            "message": message,
            "error_code": error_code,
            "exit_code": code,
        }
    )


def run(argv: Sequence[str] | None = None) -> int:
    """Run odoosync with ``argv`` and return the exit code."""
    args = hoist_flags(list(sys.argv[1:] if argv is None else argv))
    globals_().json_emitted = False
    code, message, error_code = _run(args)
    if code and _json_requested(args):
        _error_document(code, message or f"The command failed (exit {code}).", error_code)
    return code


def _run(args: list[str]) -> tuple[int, str | None, str | None]:
    """The exit code, and for a failure its one-line message and error code."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="odoosync", standalone_mode=False)
    except (typer.Abort, KeyboardInterrupt):  # click turns Ctrl-C at a prompt into Abort
        error_console().print("Interrupted.")
        return int(exit_code_for(KeyboardInterrupt())), "Interrupted.", None
    except typer.Exit as exc:
        return int(exc.exit_code), None, None
    except typer.TyperException as exc:  # click's usage errors, vendored by Typer
        show = getattr(exc, "show", None)
        if callable(show):
            show(file=sys.stderr)
        else:
            error_console().print(f"Error: {exc}", markup=False)
        code = getattr(exc, "exit_code", ExitCode.USAGE)
        format_message = getattr(exc, "format_message", None)
        text = str(format_message()) if callable(format_message) else str(exc)
        return (int(code) if isinstance(code, int) else int(ExitCode.USAGE)), text, "USAGE"
    except OdoosyncError as exc:
        if globals_().verbose:
            traceback.print_exc()
        error_console().print(f"Error: {exc}", markup=False, highlight=False)
        return int(exit_code_for(exc)), str(exc), exc.error_code
    except Exception as exc:  # the last resort: a bug, reported in one line
        if globals_().verbose:
            traceback.print_exc()
        text = f"Internal error: {type(exc).__name__}: {exc} (run with -v for the traceback)"
        error_console().print(text, markup=False, highlight=False)
        return int(exit_code_for(exc)), text, None
    if isinstance(result, int):
        return result, None, None
    return ExitCode.OK, None, None


#: global flags also accepted after the command (SPEC §4's crontab line ends in `run-due --quiet`)
HOISTED = ("-q", "--quiet", "-v", "--verbose")


def hoist_flags(args: list[str]) -> list[str]:
    """Move -q/--quiet and -v/--verbose given after the command to before it.

    Arguments after ``--`` are left alone.
    """
    end = args.index("--") if "--" in args else len(args)
    flags = [arg for arg in args[:end] if arg in HOISTED]
    if not flags:
        return args
    rest = [arg for arg in args[:end] if arg not in HOISTED]
    return [*flags, *rest, *args[end:]]


def main() -> None:
    sys.exit(run())
