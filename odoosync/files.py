"""Atomic file writes: a temp file in the same folder, fsync, then ``os.replace``.

A failure (or a crash) before the rename leaves the original file untouched. Used for the
catalog, mapping.toml, the files ``init`` writes and the secrets file (mode 0600). A symbolic
link is written through: its target is replaced (in the target's folder), the link stays.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

__all__ = ["atomic_file", "link_target", "write_text_atomic"]


def link_target(path: Path) -> Path:
    """The file a write to ``path`` must replace: ``path`` itself, or the file its symbolic link
    (chain) points to, existing or not (a rename over the link would replace the link)."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


@contextmanager
def atomic_file(
    path: Path, *, newline: str | None = None, mode: int | None = None
) -> Iterator[IO[str]]:
    """Write ``path`` through a temp file in the same folder: fsync, then ``os.replace``.

    The file gets ``mode`` when given, else keeps its permission bits (a new file: what
    ``open(path, "w")`` would give, 0666 less the umask); the folder is fsynced so the rename
    is durable. A symbolic link's target is written (:func:`link_target`).
    """
    path = link_target(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        elif path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable; not every filesystem allows it
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _umask() -> int:
    """The process umask (read by setting it, the only portable way, and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically (``mode``: as :func:`atomic_file`)."""
    with atomic_file(path, mode=mode) as handle:
        handle.write(text)
