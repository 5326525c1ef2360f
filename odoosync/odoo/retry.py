"""Retry transient failures with exponential backoff and full jitter.

Time and randomness are injected (``sleep``, ``clock``, ``rng``), so tests run in milliseconds.
Only ``TransientError``, ``NetworkError`` and ``CallTimeout`` are retried. Which calls are
idempotent is said in one place, :data:`IDEMPOTENCY` (read through :func:`is_idempotent`): a call
that is not (``create``, ``copy``, ``name_create``, a ``load`` that creates records without
naming them) is retried only when it failed before its request was sent; after that, Odoo may
have committed it, and :func:`retry_call` raises a ``TransientError`` whose ``maybe_committed``
is True instead of sending it again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from odoosync.errors import CallTimeout, NetworkError, OdooError, TransientError

T = TypeVar("T")

RETRIABLE: tuple[type[OdooError], ...] = (TransientError, NetworkError, CallTimeout)


def _load_names_its_records(args: Sequence[Any]) -> bool:
    """``load(fields, rows)`` with an ``.id`` (database id) or ``id`` (external id) column: each
    row names its record, which Odoo updates when it exists, so a second ``load`` after a
    committed first one writes the same values again instead of creating anything."""
    fields = args[0] if args else ()
    return isinstance(fields, list | tuple) and bool({".id", "id"} & set(fields))


#: Whether an ``execute_kw`` method may be sent again once Odoo may have acted on it (its answer
#: was lost): True, False, or a test of the call's arguments. A method not listed only reads.
IDEMPOTENCY: dict[str, bool | Callable[[Sequence[Any]], bool]] = {
    "create": False,  # a second create makes a second record
    "copy": False,
    "name_create": False,
    "load": _load_names_its_records,  # by .id / external id: an update, or an upsert
    "write": True,  # the same values written twice are the same record
    "unlink": True,  # a deleted record stays deleted (a second call: MissingError, not harm)
    "action_archive": True,
    "action_unarchive": True,
}


def is_idempotent(method: str, args: Sequence[Any] = ()) -> bool:
    """Whether ``method`` called with ``args`` may be sent again (:data:`IDEMPOTENCY`)."""
    rule = IDEMPOTENCY.get(method, True)
    return rule(args) if callable(rule) else rule


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to retry: at most ``max_retries`` retries, waiting ``max_retry_wait`` s in all."""

    max_retries: int = 5
    max_retry_wait: float = 30.0
    base_delay: float = 0.5  # the first retry waits up to this long
    max_delay: float = 10.0  # no single wait is longer
    retry_timeouts: bool = True  # False: a CallTimeout is final (a quick diagnosis)

    def delay(self, retry: int, rng: Callable[[], float]) -> float:
        """Full jitter: uniform in [0, min(max_delay, base_delay * 2**retry))."""
        return rng() * min(self.max_delay, self.base_delay * (2.0**retry))


class AttemptFailed(Exception):
    """One attempt of a call failed; carries the typed error and whether Odoo may have acted."""

    def __init__(
        self, error: OdooError, *, maybe_committed: bool, retry_after: float | None = None
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.maybe_committed = maybe_committed
        #: seconds the server asked to wait (HTTP 429/503 ``Retry-After``), if it said
        self.retry_after = retry_after


def is_retriable(error: OdooError) -> bool:
    return isinstance(error, RETRIABLE)


def retry_call(
    attempt: Callable[[], T],
    *,
    idempotent: bool,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    rng: Callable[[], float],
    on_retry: Callable[[int, float, OdooError], None] | None = None,
) -> T:
    """Run ``attempt`` until it succeeds, retrying what may be retried.

    ``attempt`` raises :class:`AttemptFailed`; the typed error inside is what finally propagates
    (chained to the attempt's own cause). The time spent waiting between attempts (measured on
    ``clock``) stays within ``policy.max_retry_wait``; the attempts themselves are bounded by
    the call timeout. A ``Retry-After`` (``AttemptFailed.retry_after``) is honoured: the next
    attempt waits at least that long, and when that is over the remaining budget the error is
    raised at once. ``on_retry(n, delay, error)`` is told of each retry.
    """
    waited = 0.0
    retries = 0
    while True:
        try:
            return attempt()
        except AttemptFailed as failure:
            error = failure.error
            cause = failure.__cause__
            if not is_retriable(error) or (
                isinstance(error, CallTimeout) and not policy.retry_timeouts
            ):
                raise error from cause
            if failure.maybe_committed and not idempotent:
                raise maybe_committed(error) from cause
            if retries >= policy.max_retries:
                raise error from cause
            remaining = policy.max_retry_wait - waited
            if remaining <= 0:
                raise error from cause
            delay = min(policy.delay(retries, rng), remaining)
            if failure.retry_after is not None:
                if failure.retry_after > remaining:
                    # the server asked for a longer pause than max_retry_wait allows
                    raise error from cause
                delay = max(delay, failure.retry_after)
            retries += 1
            if on_retry is not None:
                on_retry(retries, delay, error)
            before = clock()
            sleep(delay)
            waited += max(clock() - before, delay)


def maybe_committed(error: OdooError) -> TransientError:
    """A ``TransientError`` saying the change may have landed; ``maybe_committed`` is True."""
    if isinstance(error, TransientError):
        result = error
    else:
        result = TransientError(
            error.message,
            hint=error.hint,
            fault_code=error.fault_code,
            odoo_message=error.odoo_message,
        )
    if "may have been committed" not in result.message:
        result.message = (
            f"{result.message} The change may have been committed in Odoo, so it was not sent "
            "again; check whether it landed before retrying."
        )
        result.args = (result.message,)
    result.maybe_committed = True  # type: ignore[attr-defined]
    return result
