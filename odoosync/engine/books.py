"""A run's books, shared by export, import and two-way sync: the profile lock, the history's
run record (started, finished, interrupted), the dry run's throwaway history, and what a batch
left to retry::

    with recorded_run(settings, options, history, direction="to_odoo") as run:
        client = connect(client_factory)                       # exit 4 before any product call
        odoo = resolve_odoo(client, mapping, base_dir=...)     # fields_get, categories, taxes
        ...                                                    # run.result is the RunResult
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from odoosync.config.settings import Settings
from odoosync.engine.result import RunOptions, RunResult
from odoosync.errors import (
    Interrupted,
    OdoosyncError,
)
from odoosync.history.records import Run
from odoosync.history.store import History
from odoosync.lock import ProfileLock
from odoosync.terms import BATCH_PREFIX

Progress = Callable[[int, int | None], None]

# --------------------------------------------------------------------------------------------
# run bookkeeping


@dataclass
class RunHandle:
    """The run being recorded: its batch id and result, and the history it writes to."""

    batch_id: str
    result: RunResult
    history: History | None  # None for dry runs: they write nothing
    profile: str
    started: float
    user: str

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)


def _dry_batch_id(direction: str) -> str:
    prefix = BATCH_PREFIX[direction]
    return prefix + datetime.now(UTC).strftime("%Y%m%d_%H%M%S")


@contextmanager
def recorded_run(
    settings: Settings,
    options: RunOptions,
    history: History,
    *,
    direction: str,
    retry_of: str | None = None,
    lock_factory: Callable[[Settings], ProfileLock] | None = None,
) -> Iterator[RunHandle]:
    """Hold the profile lock, record the run (not for dry runs), and close it with a status.

    The lock is taken first (``LockHeld``, exit 7, unless ``options.wait``); runs left
    ``running`` by dead processes are marked interrupted; the run is begun in the history; on
    exit its status is ``success``, ``partial`` (some products failed), ``failed`` (an error
    stopped it) or ``interrupted`` (Ctrl-C: ``Interrupted``, exit 130, is raised).

    A run refused at its start (wrong password, unknown database, Odoo unreachable, a catalog
    that cannot be read) keeps its ``failed`` row, with the reason (:func:`run_error`): the
    history is also the audit trail of who tried to sync what and when — a cron job failing
    every night on an expired API key must show up there and in ``odoosync status``, not look
    like the last successful run was the last attempt.

    A dry run takes no lock and records nothing. It writes nothing (not even a lock file beside
    the history), so it cannot disturb a real run, and a real run cannot be disturbed by it; it
    reads the history as it is (SQLite gives it a consistent snapshot while a run writes). Open
    its history with :func:`run_history`, which creates no file for it either.
    """
    lock = None if options.dry_run else (lock_factory or _profile_lock)(settings)
    if lock is not None:
        lock.acquire(wait=options.wait)
    try:
        profile = settings.profile.name
        if options.dry_run:
            handle = RunHandle(
                batch_id=_dry_batch_id(direction),
                result=RunResult(batch_id="", direction=direction, dry_run=True),
                history=None,
                profile=profile,
                started=time.monotonic(),
                user=options.user or history.user,
            )
        else:
            history.mark_interrupted()
            run = history.begin_run(
                direction=direction,
                sync_type=options.sync_type,
                triggered_by=options.triggered_by,
                profile=profile,
                options=options.to_dict(),
                schedule_id=options.schedule_id,
                retry_of=retry_of,
            )
            handle = RunHandle(
                batch_id=run.batch_id,
                result=RunResult(batch_id="", direction=direction),
                history=history,
                profile=profile,
                started=time.monotonic(),
                user=options.user or run.user,
            )
        handle.result.batch_id = handle.batch_id
        handle.result.single_product = options.single_product
        # a big run keeps counts, not every product's outcome, unless they are to be listed
        handle.result.keep_all = options.details or options.single_product
        handle.result.keep_changes = options.dry_run
        try:
            yield handle
        except (KeyboardInterrupt, Interrupted):
            _finish(handle, "interrupted")
            # not `odoosync retry`: it re-runs failed products only, and the products the run
            # never reached have no entry; running the command again finishes them (what was
            # done is unchanged, hence cheap)
            command = _RERUN.get(direction, "the same command")
            raise Interrupted(
                f"Interrupted: run {handle.batch_id} is recorded as interrupted; run "
                f"{command} again to finish it (products already done are left unchanged)."
            ) from None
        except BaseException as exc:
            _finish(handle, "failed", error=failure_reason(exc))
            raise
        result = handle.result
        if result.aborted is not None:
            status = "failed"
        elif result.failed or result.unresolved_conflicts:
            status = "partial"
        else:
            status = "success"
        _finish(handle, status, error=result.aborted)
    finally:
        if lock is not None:
            lock.release()


@contextmanager
def run_history(path: Path, *, dry_run: bool) -> Iterator[History]:
    """The history a run uses: ``History(path)``; for a dry run whose history file does not
    exist yet, an empty history in a temporary folder of the system's temp dir, removed after
    (a dry run creates no ``odoosync.db``; an existing one is read, never written)."""
    if dry_run and not Path(path).exists():
        with (
            tempfile.TemporaryDirectory(prefix="odoosync-dry-run-") as folder,
            History(Path(folder) / Path(path).name) as history,
        ):
            yield history
        return
    with History(path) as history:
        yield history


def _finish(handle: RunHandle, status: str, *, error: str | None = None) -> None:
    handle.result.status = status
    handle.result.duration_ms = handle.elapsed_ms()
    if handle.history is None:
        return
    counts = {**handle.result.counts(), "duration_ms": handle.result.duration_ms}
    handle.history.finish_run(
        handle.batch_id,
        status=status,
        counts=counts,
        duration_ms=handle.result.duration_ms,
        error=error,
    )


def failure_reason(exc: BaseException) -> str:
    """What stopped a run, in one line: our errors' message (never a secret: errors.py's rule),
    else the exception's type (a bug; its text could hold anything)."""
    if isinstance(exc, OdoosyncError):
        return exc.message
    return f"unexpected {type(exc).__name__} (a bug; run with -v for the traceback)"


def run_error(run: Run) -> str | None:
    """The reason a ``failed`` run stopped, or None."""
    return run.error


#: the command that finishes an interrupted run, by direction
_RERUN = {
    "to_odoo": "`odoosync export`",
    "from_odoo": "`odoosync import`",
    "bidirectional": "`odoosync sync`",
}


def products_to_retry(history: History, batch_id: str) -> list[str]:
    """The products ``odoosync retry`` re-runs: those whose entry in the batch is an error, and
    the resolved conflicts whose push Odoo refused (logged ``conflict``, one entry per product
    and direction, with ``push_error`` in their details), in the order they were logged."""
    failed = history.failed_products(batch_id)
    for entry in reversed(history.logs(batch_id=batch_id, status="conflict", limit=None)):
        if (entry.error_details or {}).get("push_error"):
            failed.append(entry.product_id)
    return list(dict.fromkeys(failed))


def _profile_lock(settings: Settings) -> ProfileLock:
    return ProfileLock(settings.history_path, settings.profile.name)


def options_with_settings(options: RunOptions, settings: Settings) -> RunOptions:
    """Fill the ``None`` options from the profile's ``[sync]`` settings."""
    sync = settings.sync
    return replace(
        options,
        batch_size=options.batch_size or sync.batch_size,
        workers=options.workers or sync.workers,
        images=sync.sync_images if options.images is None else options.images,
        conflict_policy=options.conflict_policy or sync.conflict_policy,
    )


def history_summary(path: Path, profile: str) -> dict[str, Any]:
    """What the history knows: last run per direction, links, failures pending retry.

    An absent history file is "no runs yet" (it is not created here).
    """
    summary: dict[str, Any] = {
        "history_path": str(path),
        "last_runs": {},
        "products_linked": 0,
        "failures_pending_retry": [],
    }
    if not path.exists():
        return summary
    with History(path) as history:
        for run in history.runs(profile=profile, limit=200):
            if run.direction in summary["last_runs"]:
                continue
            summary["last_runs"][run.direction] = {**run.to_json(), "error": run_error(run)}
            failed = products_to_retry(history, run.batch_id)
            if failed:
                summary["failures_pending_retry"].append(
                    {"batch_id": run.batch_id, "direction": run.direction, "count": len(failed)}
                )
        summary["products_linked"] = history.link_count(profile)
    return summary
