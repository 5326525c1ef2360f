from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import odoosync.cli.schedule as schedule_cli
from odoosync.cli import run
from odoosync.config.settings import Settings
from odoosync.engine.scheduled import Runner
from odoosync.errors import LockHeld, OdooUnreachable
from odoosync.history.store import History
from odoosync.schedules.model import Schedule

CONFIG = """\
default_profile = "production"

[profiles.production]
name = "Production"
url = "http://127.0.0.1:9"
database = "odoosync"
username = "admin"

[schedule]
timezone = "Europe/Paris"
"""

LIST_KEYS = [
    "id", "name", "description", "cron_expression", "sync_direction", "sync_type", "filters",
    "batch_size", "is_enabled", "profile", "last_run_at", "last_status", "last_batch_id",
    "next_run_at",
]  # fmt: skip


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "odoosync.toml"
    path.write_text(CONFIG)
    return path


def out_json(capsys: pytest.CaptureFixture[str], argv: list[str], code: int = 0) -> object:
    result = run(argv)
    captured = capsys.readouterr()
    assert result == code, captured.err
    return json.loads(captured.out)


def add(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    doc = out_json(capsys, ["-c", str(config), "schedule", "add", *args, "--json"])
    assert isinstance(doc, dict)
    return doc


def test_add_with_an_invalid_cron_exits_3(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-c", str(config), "schedule", "add", "--name", "x", "--cron", "61 * * * *"]) == 3
    err = capsys.readouterr().err
    assert "Invalid cron expression '61 * * * *'" in err
    assert "out of range" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--direction", "sideways"], "Unknown direction 'sideways'"),
        (["--type", "partial"], "Unknown sync type 'partial'"),
        (["--filter", "has_ean=maybe"], "has_ean"),
        (["--filter", "nonsense"], "not KEY=VALUE"),
    ],
)
def test_add_refuses_bad_options(
    config: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = ["-c", str(config), "schedule", "add", "--name", "x", "--cron", "0 6 * * *", *args]
    assert run(argv) == 3
    assert message in capsys.readouterr().err


def test_add_and_list_json_shape(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    created = add(
        config, capsys, "--name", "Daily Product Export", "--cron", "0 6 * * *",
        "--description", "every morning", "--filter", "modified_today=true",
        "--filter", "supplier_id=15", "--batch-size", "100",
    )  # fmt: skip
    assert created["id"] == 1
    listed = out_json(capsys, ["-c", str(config), "schedule", "list", "--json"])
    assert isinstance(listed, list)
    (doc,) = listed
    assert list(doc)[: len(LIST_KEYS)] == LIST_KEYS
    assert doc["filters"] == {"modified_today": True, "supplier_id": 15}
    assert doc["sync_direction"] == "to_odoo"
    assert doc["sync_type"] == "incremental"
    assert doc["is_enabled"] is True
    assert doc["profile"] == "production"
    assert doc["next_run_at"].endswith("Z")
    # 06:00 in Paris is 05:00 or 04:00 UTC
    assert doc["next_run_at"][11:16] in ("05:00", "04:00")
    assert doc["next_run_at_local"][11:19] == "06:00:00"
    assert run(["-c", str(config), "schedule", "list"]) == 0
    assert "Daily" in capsys.readouterr().out


def test_update_toggle_delete(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(config, capsys, "--name", "n", "--cron", "0 6 * * *", "--disabled")
    changed = out_json(
        capsys,
        ["-c", str(config), "schedule", "update", "1", "--cron", "0 8 * * *",
         "--batch-size", "200", "--direction", "bidirectional", "--json"],
    )  # fmt: skip
    assert isinstance(changed, dict)
    assert (changed["cron_expression"], changed["batch_size"]) == ("0 8 * * *", 200)
    assert changed["sync_direction"] == "bidirectional"
    assert changed["is_enabled"] is False and changed["next_run_at"] is None
    toggled = out_json(capsys, ["-c", str(config), "schedule", "toggle", "1", "--json"])
    assert isinstance(toggled, dict)
    assert toggled["is_enabled"] is True
    assert run(["-c", str(config), "schedule", "update", "1", "--cron", "bad"]) == 3
    capsys.readouterr()
    assert run(["-c", str(config), "schedule", "delete", "1"]) == 0
    assert "Deleted schedule 1." in capsys.readouterr().out
    for command in (["delete", "1"], ["toggle", "1"], ["run", "1"], ["update", "1"]):
        assert run(["-c", str(config), "schedule", *command]) == 3
        assert "No schedule with id 1" in capsys.readouterr().err


def test_crontab_line_is_absolute(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(config.parent)
    assert run(["-c", "odoosync.toml", "schedule", "crontab"]) == 0
    line = capsys.readouterr().out.strip()
    folder = config.parent.resolve()
    prefix = f"*/5 * * * * cd {folder} && "
    assert line.startswith(prefix)
    executable = line[len(prefix) :].split(" -c ")[0]
    assert executable.split()[0].startswith("/")
    assert f" -c {folder / 'odoosync.toml'} schedule run-due --quiet" in line
    assert line.endswith(f">> {folder / 'odoosync.log'} 2>&1")


class Recorder:
    """A trivial runner: records what it was asked to run and answers a fixed status."""

    def __init__(self, status: str = "success", error: Exception | None = None) -> None:
        self.calls: list[tuple[int | None, str]] = []
        self.status = status
        self.error = error

    def factory(self, history: History, settings: Settings) -> Runner:
        def runner(schedule: Schedule, triggered_by: str) -> tuple[str, str | None]:
            self.calls.append((schedule.id, triggered_by))
            if self.error is not None:
                raise self.error
            return self.status, f"sync_batch_{schedule.id}"

        return runner


def test_run_due_runs_due_schedules_once(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder()
    monkeypatch.setattr(schedule_cli, "runner_factory", recorder.factory)
    add(config, capsys, "--name", "every minute", "--cron", "* * * * *")
    add(config, capsys, "--name", "off", "--cron", "* * * * *", "--disabled")
    history = History(config.parent / "odoosync.db")
    for schedule in history.schedules():  # created an hour ago: due now
        schedule.created_at = "2000-01-01T00:00:00Z"
        history.update_schedule(schedule)
    outcomes = out_json(capsys, ["-c", str(config), "schedule", "run-due", "--json"])
    assert outcomes == [
        {"schedule_id": 1, "name": "every minute", "profile": "production", "status": "success",
         "batch_id": "sync_batch_1", "message": None, "exit_code": 0},
    ]  # fmt: skip
    assert recorder.calls == [(1, "schedule")]
    listed = out_json(capsys, ["-c", str(config), "schedule", "list", "--json"])
    assert isinstance(listed, list)
    assert listed[0]["last_status"] == "success"
    assert listed[0]["last_batch_id"] == "sync_batch_1"
    assert out_json(capsys, ["-c", str(config), "schedule", "run-due", "--json"]) == []
    assert recorder.calls == [(1, "schedule")]


def test_run_now_is_manual_and_reports_failures(
    config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add(config, capsys, "--name", "n", "--cron", "0 6 * * *")
    recorder = Recorder(status="partial")
    monkeypatch.setattr(schedule_cli, "runner_factory", recorder.factory)
    assert run(["-c", str(config), "schedule", "run", "1"]) == 6
    assert recorder.calls == [(1, "manual")]
    assert "partial, batch sync_batch_1" in capsys.readouterr().err
    down = Recorder(error=OdooUnreachable("Odoo at http://127.0.0.1:9 is unreachable."))
    monkeypatch.setattr(schedule_cli, "runner_factory", down.factory)
    (outcome,) = out_json(capsys, ["-c", str(config), "schedule", "run", "1", "--json"], code=5)  # type: ignore[misc]  # out_json returns Any
    assert outcome["status"] == "failed"
    assert "unreachable" in outcome["message"]
    locked = Recorder(error=LockHeld("Another run holds the lock for profile 'production'."))
    monkeypatch.setattr(schedule_cli, "runner_factory", locked.factory)
    assert run(["-c", str(config), "schedule", "run", "1"]) == 7
    assert "locked: Another run holds the lock" in capsys.readouterr().out
    listed = out_json(capsys, ["-c", str(config), "schedule", "list", "--json"])
    assert isinstance(listed, list)
    assert listed[0]["last_status"] == "failed"  # the locked attempt changed nothing
    assert listed[0]["running"] is False


def test_scheduler_stops_cleanly_on_sigterm(config: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "odoosync", "-c", str(config), "scheduler", "--interval", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert proc.stdout is not None
    assert "odoosync scheduler: checking every 1s" in proc.stdout.readline()
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Scheduler stopped." in err
    assert "Traceback" not in err


def test_run_due_exports_through_the_engine_against_the_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.export_env import products, write_setup
    from tests.support.transport import admin_secret, test_sandbox

    monkeypatch.setenv("ODOOSYNC_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("ODOOSYNC_KEY_FILE", str(tmp_path / "secret.key"))
    with test_sandbox(seed="demo") as sandbox:
        monkeypatch.setenv("ODOOSYNC_PASSWORD", admin_secret(sandbox.url))
        config = write_setup(tmp_path, sandbox.url, sandbox.database, products(5))
        add(config, capsys, "--name", "export", "--cron", "*/5 * * * *", "--type", "full")
        history = History(config.parent / "odoosync.db")
        (schedule,) = history.schedules()
        schedule.created_at = "2000-01-01T00:00:00Z"
        history.update_schedule(schedule)
        outcomes = out_json(capsys, ["-c", str(config), "schedule", "run-due", "--json"])
    assert isinstance(outcomes, list)
    (outcome,) = outcomes
    assert (outcome["status"], outcome["exit_code"]) == ("success", 0), outcome
    batch = outcome["batch_id"]
    run_ = history.run(batch)
    assert run_ is not None
    assert (run_.triggered_by, run_.schedule_id, run_.counts["created"]) == ("schedule", 1, 5)
    entries = history.logs(batch_id=batch)
    assert len(entries) == 5
    assert {(e.triggered_by, e.schedule_id) for e in entries} == {("schedule", 1)}
    (after,) = history.schedules()
    assert (after.last_status, after.last_batch_id) == ("success", batch)
