"""What can go wrong with the history file that is the user's or the system's doing, not a bug:
a path that is not a regular file (``/dev/null``, a folder), a read-only file or folder, a
database another process keeps locked past the busy timeout, a file SQLite cannot use. Each
becomes a :class:`~odoosync.errors.ConfigError` (exit 3) naming the file and what to do.

:func:`check_history_path` runs before SQLite opens the file, so that a read-only history is
refused before SQLite creates its ``-wal``/``-shm`` files (with the database's mode: a 0444
``-shm`` left behind would break every later run); :class:`GuardedConnection` translates the
errors SQLite raises later, wherever the store runs a statement.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from odoosync.errors import ConfigError

#: seconds a history statement waits for another process's lock before giving up (raise it
#: with this environment variable when a long run on the same file is expected)
BUSY_TIMEOUT_ENV = "ODOOSYNC_HISTORY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT_S = 30.0


def busy_timeout_ms(env: dict[str, str] | os._Environ[str] | None = None) -> int:
    """The busy timeout: ``ODOOSYNC_HISTORY_TIMEOUT`` seconds, else 30 s."""
    text = (env if env is not None else os.environ).get(BUSY_TIMEOUT_ENV, "").strip()
    if not text:
        return int(DEFAULT_BUSY_TIMEOUT_S * 1000)
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 86_400:
        raise ConfigError(
            f"{BUSY_TIMEOUT_ENV}={text!r}: expected a number of seconds from 0 to 86400."
        )
    return int(seconds * 1000)


def check_history_path(path: Path) -> None:
    """Refuse, before SQLite touches anything, a history path odoosync cannot use."""
    if path.exists() and not path.is_file():
        what = "a folder" if path.is_dir() else "not a regular file"
        raise ConfigError(
            f"{path}: the history database is {what}; set [history] path in odoosync.toml "
            "to a file (it is created on first use)."
        )
    folder = path.parent
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise ConfigError(
            f"{path}: the history database is read-only or unreadable for this user; make it "
            f"writable (`chmod u+rw {path}`) or point [history] path at a copy."
        )
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists() and not os.access(side, os.R_OK | os.W_OK):
            raise ConfigError(
                f"{side}: SQLite's side file of the history database is read-only; make it "
                f"writable (`chmod u+rw {side}`), or delete it when no odoosync is running."
            )
    if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(
            f"{folder}: the folder of the history database is read-only; SQLite needs to "
            "create files beside the database. Make the folder writable or move the history."
        )


def history_error(path: Path, exc: sqlite3.Error) -> ConfigError | None:
    """The ConfigError for an SQLite error caused by the file or another process, else None."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return ConfigError(
            f"{path}: the history database is locked by another process (waited "
            f"{busy_timeout_ms() / 1000:g} s). Let the other odoosync (or the program holding "
            f"it) finish, or raise {BUSY_TIMEOUT_ENV}."
        )
    if "readonly" in text or "read-only" in text:
        return ConfigError(
            f"{path}: the history database is read-only; make it and its folder writable."
        )
    if "not a database" in text or "malformed" in text or "unable to open" in text:
        return ConfigError(
            f"{path}: cannot use the history database ({exc}); check the [history] path and "
            "that the file is an odoosync history."
        )
    if "disk i/o" in text or "disk is full" in text or "database or disk is full" in text:
        return ConfigError(f"{path}: cannot write the history database ({exc}).")
    return None


class GuardedConnection(sqlite3.Connection):
    """An SQLite connection whose statements raise :func:`history_error`'s ConfigError for
    errors that are the file's or another process's doing (anything else propagates as is)."""

    history_path: Path = Path("odoosync.db")

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            if isinstance(exc, sqlite3.IntegrityError):
                raise
            raise (history_error(self.history_path, exc) or exc) from None

    def executemany(self, sql: str, parameters: Any, /) -> sqlite3.Cursor:
        try:
            return super().executemany(sql, parameters)
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            if isinstance(exc, sqlite3.IntegrityError):
                raise
            raise (history_error(self.history_path, exc) or exc) from None
