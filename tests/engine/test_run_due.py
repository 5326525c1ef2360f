"""Overlapping `run-due` processes over one history never run a schedule twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from odoosync.history.schedules import create_schedule
from odoosync.history.store import History

# a real process running due schedules with a trivial runner that notes what it ran
RUN_DUE = """
import json, os, sys, time
from pathlib import Path
from odoosync.history.store import History
from odoosync.engine.scheduled import run_due

db, ran, go, pause = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4])
while not go.exists():
    time.sleep(0.005)

def runner(schedule, triggered_by):
    with ran.open("a") as out:
        out.write(json.dumps([schedule.id, os.getpid(), triggered_by]) + "\\n")
    time.sleep(pause)
    return "success", f"sync_{schedule.id}_{os.getpid()}"

outcomes = run_due(History(db), runner, timezone="UTC")
print(json.dumps([o.to_json() for o in outcomes]))
"""


def start(db: Path, ran: Path, go: Path, pause: float = 0.1) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", RUN_DUE, str(db), str(ran), str(go), str(pause)],
        stdout=subprocess.PIPE,
        text=True,
    )


def seed(db: Path, n: int) -> History:
    history = History(db)
    for i in range(n):
        create_schedule(
            history,
            name=f"s{i}",
            cron="*/5 * * * *",
            profile="production",
            now=datetime(2025, 1, 1, tzinfo=UTC),  # long overdue
            timezone="UTC",
        )
    return history


def test_concurrent_run_due_never_runs_a_schedule_twice(tmp_path: Path) -> None:
    db, ran, go = tmp_path / "odoosync.db", tmp_path / "ran.jsonl", tmp_path / "go"
    history = seed(db, 5)
    procs = [start(db, ran, go) for _ in range(4)]
    time.sleep(0.5)  # let every process start and wait at the gate
    go.touch()
    outputs = [json.loads(p.communicate(timeout=60)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    lines = [json.loads(line) for line in ran.read_text().splitlines()]
    assert sorted(sid for sid, _pid, _t in lines) == [1, 2, 3, 4, 5]
    assert {t for _sid, _pid, t in lines} == {"schedule"}
    assert sum(len(o) for o in outputs) == 5
    for schedule in history.schedules():
        assert schedule.last_status == "success"
        assert schedule.last_batch_id is not None
        assert schedule.running_pid is None
    # a later invocation in the same 5 minutes finds nothing due
    go2 = tmp_path / "go2"
    go2.touch()
    late = start(db, ran, go2)
    assert json.loads(late.communicate(timeout=60)[0]) == []


def test_a_killed_run_due_leaves_its_schedule_to_the_next(tmp_path: Path) -> None:
    db, ran, go = tmp_path / "odoosync.db", tmp_path / "ran.jsonl", tmp_path / "go"
    history = seed(db, 1)
    go.touch()
    victim = start(db, ran, go, pause=60)
    deadline = time.monotonic() + 30
    while not (ran.exists() and ran.read_text()):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    (claimed,) = history.schedules()
    assert claimed.running_pid == victim.pid
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    ran.unlink()
    after = start(db, ran, go, pause=0)
    (outcome,) = json.loads(after.communicate(timeout=60)[0])
    assert outcome["status"] == "success"
    assert json.loads(ran.read_text())[1] == after.pid
