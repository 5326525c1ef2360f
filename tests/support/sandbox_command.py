"""``odoosync sandbox`` as a user starts it: a process of its own, on a free port."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def sandbox_command(*options: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``python -m odoosync sandbox --port 0 *options``: yields the process and the line it
    printed when it began serving; kills the process if the test left it running."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "odoosync", "sandbox", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc, proc.stdout.readline().rstrip("\n")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
