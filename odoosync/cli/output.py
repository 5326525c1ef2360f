"""Rendering: consoles, JSON documents, progress bars. Only the CLI prints."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

from odoosync.cli.app import globals_


def console() -> Console:
    """stdout, created per call so tests capturing sys.stdout see the output.

    Markup is off: product names, paths and Odoo's messages contain brackets
    (``[categories]``) that rich would otherwise eat. Pass ``markup=True`` to style a line.
    Off a terminal the width is ``$COLUMNS`` or 120, so tables in logs and pipes stay readable.
    """
    from rich.console import Console

    return Console(
        file=sys.stdout, highlight=False, soft_wrap=True, markup=False, width=_width(sys.stdout)
    )


def error_console() -> Console:
    from rich.console import Console

    return Console(
        file=sys.stderr, highlight=False, soft_wrap=True, markup=False, width=_width(sys.stderr)
    )


def _width(stream: object) -> int | None:
    isatty = getattr(stream, "isatty", None)
    if callable(isatty) and isatty():
        return None  # rich measures the terminal
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() else 120


def emit_json(document: Any) -> None:
    """Write exactly one JSON document to stdout."""
    globals_().json_emitted = True
    sys.stdout.write(json.dumps(document, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


#: stands for the streamed list in :func:`emit_json_streaming`'s document
_STREAMED = "\x00streamed list\x00"


def emit_json_streaming(document: dict[str, Any], key: str, items: Iterable[Any]) -> None:
    """Write one JSON document to stdout, exactly as :func:`emit_json` would with
    ``document[key] = list(items)``, but writing ``items`` one by one as they come (a run's
    100,000 products are never one string, nor one list); ``document[key]`` marks the place."""
    globals_().json_emitted = True
    head, tail = _dumps({**document, key: _STREAMED}).split(_dumps(_STREAMED), 1)
    write = sys.stdout.write
    write(head)
    first = True
    for item in items:
        text = _dumps(item).replace("\n", "\n    ")
        write(("[\n    " if first else ",\n    ") + text)
        first = False
    write("[]" if first else "\n  ]")
    write(tail + "\n")
    sys.stdout.flush()


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, default=str, ensure_ascii=False)


def info(message: str, *, json_mode: bool = False) -> None:
    """A human message: stdout normally, stderr when stdout carries JSON; silent with -q."""
    if globals_().quiet:
        return
    target = error_console() if json_mode else console()
    target.print(message, markup=False)


ProgressCallback = Callable[[int], None]


@contextmanager
def progress(total: int | None, description: str) -> Iterator[ProgressCallback]:
    """A rich progress bar on stderr when it is a terminal and not --quiet; else nothing.

    Yields ``advance(n)``.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    err = error_console()
    if globals_().quiet or not err.is_terminal:
        yield lambda _n: None
        return
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.advance(task, n)
