"""The profile lock across real processes: flock semantics, holder named, kill -9, --wait."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from odoosync.errors import LockHeld
from odoosync.lock import ProfileLock, lock_path

HOLD = """
import sys, time
from pathlib import Path
from odoosync.lock import ProfileLock
lock = ProfileLock(Path(sys.argv[1]), "production", "odoosync export").acquire()
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
lock.release()
"""

TRY = """
import sys
from pathlib import Path
from odoosync.errors import LockHeld
from odoosync.lock import ProfileLock
try:
    ProfileLock(Path(sys.argv[1]), "production", "odoosync import").acquire()
except LockHeld as exc:
    print(exc, flush=True)
    sys.exit(int(exc.exit_code))
print("acquired", flush=True)
"""


def hold(db: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return proc


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "odoosync.db"


def test_lock_file_sits_beside_the_history(db: Path) -> None:
    assert lock_path(db, "production") == db.parent / "odoosync.db.production.lock"


def test_a_second_process_exits_7_naming_the_holder(db: Path) -> None:
    holder = hold(db, 30)
    try:
        second = subprocess.run(
            [sys.executable, "-c", TRY, str(db)], capture_output=True, text=True, timeout=30
        )
        assert second.returncode == 7
        assert f"pid {holder.pid}" in second.stdout
        assert "`odoosync export`" in second.stdout
        assert "started 20" in second.stdout
        assert "--wait" in second.stdout
        with pytest.raises(LockHeld, match=f"pid {holder.pid}"):
            ProfileLock(db, "production", "test").acquire()
        # another profile is not blocked
        with ProfileLock(db, "staging", "test").acquire():
            pass
    finally:
        holder.kill()
        holder.wait()


def test_kill_9_frees_the_lock(db: Path) -> None:
    holder = hold(db, 30)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    lock = ProfileLock(db, "production", "test").acquire()
    info = lock.holder()
    assert info is not None
    assert (info["pid"], info["command"]) == (os.getpid(), "test")
    assert set(info) == {"pid", "host", "started_at", "command"}
    lock.release()
    assert lock.holder() is None  # released: the file says nobody


def test_wait_takes_the_lock_when_the_holder_finishes(db: Path) -> None:
    holder = hold(db, 0.8)
    try:
        with pytest.raises(LockHeld, match=r"after waiting 0\.2s"):
            ProfileLock(db, "production", "test").acquire(wait=0.2)
        start = time.monotonic()
        with ProfileLock(db, "production", "test").acquire(wait=20) as lock:
            assert lock.held
        assert time.monotonic() - start > 0.2
    finally:
        holder.wait(timeout=30)


def test_wait_uses_the_injected_clock_and_sleep(db: Path) -> None:
    holder = hold(db, 30)
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    try:
        lock = ProfileLock(db, "production", "t", sleep=sleep, clock=lambda: now[0], poll=0.5)
        with pytest.raises(LockHeld):
            lock.acquire(wait=2)
        assert slept == [0.5, 0.5, 0.5, 0.5]
    finally:
        holder.kill()
        holder.wait()
