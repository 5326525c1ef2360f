"""One run at a time per profile and history file.

The lock is ``fcntl.flock`` on ``<history file>.<profile>.lock`` beside the history DB. The holder
writes ``{pid, host, started_at, command}`` into it so a second run can name it. The kernel
releases a flock when its holder dies, even after ``kill -9``: a stale lock cannot exist.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from odoosync.errors import LockHeld
from odoosync.timestamps import now_iso


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists on this host (signal 0 probes it)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def lock_path(history_path: Path, profile: str) -> Path:
    """``odoosync.db`` → ``odoosync.db.<profile>.lock`` in the same folder."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in profile)
    return history_path.with_name(f"{history_path.name}.{safe}.lock")


class ProfileLock:
    """``with ProfileLock(history_path, profile, "export").acquire(wait=None): ...``"""

    def __init__(
        self,
        history_path: Path,
        profile: str,
        command: str = "odoosync",
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        poll: float = 0.1,
    ) -> None:
        self.path = lock_path(Path(history_path), profile)
        self.profile = profile
        self.command = command
        self._sleep = sleep
        self._clock = clock
        self._poll = poll
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float | None = None) -> ProfileLock:
        """Take the lock, or raise LockHeld naming the holder (after ``wait`` seconds, if given)."""
        if self._fd is not None:
            return self
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = None if wait is None else self._clock() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is None or self._clock() >= deadline:
                    os.close(fd)
                    raise self._held_error(wait) from None
                self._sleep(self._poll)
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": now_iso(),
            "command": self.command,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def holder(self) -> dict[str, Any] | None:
        """What the current holder wrote, or None (free, or it has not written yet)."""
        for _ in range(5):  # the holder writes right after it locks: give it a moment
            try:
                text = self.path.read_text(encoding="utf-8")
            except OSError:
                return None
            if text.strip():
                try:
                    found = json.loads(text)
                except ValueError:
                    found = None
                if isinstance(found, dict):
                    return found
            time.sleep(0.02)
        return None

    def _held_error(self, wait: float | None) -> LockHeld:
        info = self.holder() or {}
        who = f"pid {info.get('pid', '?')}"
        if info.get("host") and info.get("host") != socket.gethostname():
            who += f" on {info['host']}"
        if info.get("command"):
            who += f", `{info['command']}`"
        since = info.get("started_at", "an unknown time")
        waited = f" after waiting {wait:g}s" if wait else ""
        return LockHeld(
            f"Another run holds the lock for profile '{self.profile}' ({who}, started {since})"
            f"{waited}; wait for it to finish, or pass --wait SECONDS."
        )

    def __enter__(self) -> ProfileLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()
