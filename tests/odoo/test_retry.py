"""Backoff with full jitter, on a fake clock: what is retried, how long, and what never is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from odoosync.errors import (
    AuthenticationError,
    CallTimeout,
    NetworkError,
    OdooError,
    OdooFault,
    PermissionDenied,
    ProtocolFailure,
    TLSError,
    TransientError,
)
from odoosync.odoo.retry import AttemptFailed, RetryPolicy, maybe_committed, retry_call


class FakeTime:
    """A clock that only moves when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


def failing(
    errors: list[OdooError], *, committed: bool = False, result: Any = "ok"
) -> tuple[Callable[[], Any], list[int]]:
    """An attempt that raises ``errors`` one by one, then returns ``result``; counts calls."""
    calls = [0]

    def attempt() -> Any:
        calls[0] += 1
        if errors:
            raise AttemptFailed(errors.pop(0), maybe_committed=committed)
        return result

    return attempt, calls


def run(
    attempt: Callable[[], Any],
    t: FakeTime,
    *,
    idempotent: bool = True,
    policy: RetryPolicy | None = None,
    rng: Callable[[], float] = lambda: 1.0,
) -> Any:
    return retry_call(
        attempt,
        idempotent=idempotent,
        policy=policy or RetryPolicy(max_retries=5, max_retry_wait=30.0),
        sleep=t.sleep,
        clock=t.clock,
        rng=rng,
    )


@pytest.mark.parametrize(
    "error", [TransientError("502"), NetworkError("refused"), CallTimeout("slow")]
)
def test_transient_failures_are_retried_until_success(error: OdooError) -> None:
    t = FakeTime()
    attempt, calls = failing([error, error])
    assert run(attempt, t) == "ok"
    assert calls[0] == 3
    assert t.sleeps == [0.5, 1.0]  # rng() == 1: the upper bound of each full-jitter window


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationError("no"),
        PermissionDenied("no"),
        OdooFault("dup"),
        ProtocolFailure("404"),
        TLSError("cert"),
        OdooError("other"),
    ],
)
def test_nothing_else_is_retried(error: OdooError) -> None:
    t = FakeTime()
    attempt, calls = failing([error])
    with pytest.raises(type(error)) as raised:
        run(attempt, t)
    assert raised.value is error
    assert calls[0] == 1
    assert t.sleeps == []


def test_backoff_doubles_and_is_capped_per_wait() -> None:
    t = FakeTime()
    policy = RetryPolicy(max_retries=8, max_retry_wait=1000.0, base_delay=0.5, max_delay=4.0)
    attempt, _ = failing([TransientError("x")] * 7)
    run(attempt, t, policy=policy)
    assert t.sleeps == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]


def test_full_jitter_uses_rng_across_the_whole_window() -> None:
    t = FakeTime()
    values = iter([0.0, 0.5, 0.25])
    attempt, _ = failing([TransientError("x")] * 3)
    run(attempt, t, rng=lambda: next(values))
    assert t.sleeps == [0.0, 0.5, 0.5]  # 0*0.5, 0.5*1.0, 0.25*2.0


def test_gives_up_after_max_retries_with_the_last_error() -> None:
    t = FakeTime()
    errors: list[OdooError] = [TransientError(f"try {i}") for i in range(10)]
    attempt, calls = failing(errors)
    with pytest.raises(TransientError, match="try 3"):
        run(attempt, t, policy=RetryPolicy(max_retries=3, max_retry_wait=100.0))
    assert calls[0] == 4
    assert len(t.sleeps) == 3


def test_zero_retries_means_one_attempt() -> None:
    t = FakeTime()
    attempt, calls = failing([NetworkError("refused")])
    with pytest.raises(NetworkError):
        run(attempt, t, policy=RetryPolicy(max_retries=0))
    assert calls[0] == 1


def test_total_wait_is_capped_by_max_retry_wait() -> None:
    t = FakeTime()
    policy = RetryPolicy(max_retries=100, max_retry_wait=5.0, base_delay=1.0, max_delay=10.0)
    attempt, calls = failing([TransientError("x")] * 100)
    with pytest.raises(TransientError):
        run(attempt, t, policy=policy)
    assert sum(t.sleeps) == pytest.approx(5.0)
    assert t.sleeps == [1.0, 2.0, 2.0]  # the last wait is cut to what is left
    assert calls[0] == 4


def test_time_spent_in_attempts_does_not_count_toward_the_cap() -> None:
    t = FakeTime()
    calls = [0]

    def slow_attempt() -> Any:
        calls[0] += 1
        t.now += 60.0  # a call that times out after the profile's 60 s
        if calls[0] < 3:
            raise AttemptFailed(CallTimeout("slow"), maybe_committed=False)
        return "ok"

    assert run(slow_attempt, t, policy=RetryPolicy(max_retries=5, max_retry_wait=30.0)) == "ok"
    assert calls[0] == 3
    assert t.sleeps == [0.5, 1.0]


def test_a_sleep_that_overruns_counts_as_what_it_took() -> None:
    t = FakeTime()

    def oversleep(seconds: float) -> None:
        t.sleeps.append(seconds)
        t.now += 10.0

    attempt, calls = failing([TransientError("x")] * 5)
    with pytest.raises(TransientError):
        retry_call(
            attempt,
            idempotent=True,
            policy=RetryPolicy(max_retries=5, max_retry_wait=15.0),
            sleep=oversleep,
            clock=t.clock,
            rng=lambda: 1.0,
        )
    assert calls[0] == 3  # 10 s, then 10 s more: 20 s > 15 s, stop


def test_create_sent_is_not_retried_and_may_have_committed() -> None:
    t = FakeTime()
    lost = TransientError("The connection was closed before Odoo answered.")
    attempt, calls = failing([lost], committed=True)
    with pytest.raises(TransientError) as raised:
        run(attempt, t, idempotent=False)
    assert calls[0] == 1
    assert t.sleeps == []
    assert getattr(raised.value, "maybe_committed", False) is True
    assert "may have been committed" in str(raised.value)


def test_a_timeout_after_sending_a_create_becomes_a_maybe_committed_transient_error() -> None:
    t = FakeTime()
    attempt, calls = failing([CallTimeout("Odoo did not answer within 1 s.")], committed=True)
    with pytest.raises(TransientError) as raised:
        run(attempt, t, idempotent=False)
    assert calls[0] == 1
    assert getattr(raised.value, "maybe_committed", False) is True
    assert "did not answer within 1 s" in str(raised.value)


def test_create_not_sent_is_retried() -> None:
    t = FakeTime()
    attempt, calls = failing([NetworkError("refused"), TransientError("503")], committed=False)
    assert run(attempt, t, idempotent=False) == "ok"
    assert calls[0] == 3


def test_idempotent_call_is_retried_even_after_sending() -> None:
    t = FakeTime()
    attempt, calls = failing([TransientError("reset")], committed=True)
    assert run(attempt, t, idempotent=True) == "ok"
    assert calls[0] == 2


def test_error_is_chained_to_the_original_exception() -> None:
    t = FakeTime()

    def attempt() -> Any:
        try:
            raise ConnectionRefusedError("refused")
        except ConnectionRefusedError as exc:
            raise AttemptFailed(NetworkError("refused"), maybe_committed=False) from exc

    with pytest.raises(NetworkError) as raised:
        run(attempt, t, policy=RetryPolicy(max_retries=1))
    assert isinstance(raised.value.__cause__, ConnectionRefusedError)


def test_on_retry_is_told_each_retry() -> None:
    t = FakeTime()
    seen: list[tuple[int, float, str]] = []
    attempt, _ = failing([TransientError("a"), NetworkError("b")])
    retry_call(
        attempt,
        idempotent=True,
        policy=RetryPolicy(),
        sleep=t.sleep,
        clock=t.clock,
        rng=lambda: 0.5,
        on_retry=lambda n, d, e: seen.append((n, d, type(e).__name__)),
    )
    assert seen == [(1, 0.25, "TransientError"), (2, 0.5, "NetworkError")]


def test_maybe_committed_keeps_a_transient_error_and_marks_it() -> None:
    error = TransientError("reset", fault_code=None)
    marked = maybe_committed(error)
    assert marked is error
    assert getattr(marked, "maybe_committed", False) is True
    assert maybe_committed(marked).message.count("may have been committed") == 1


def test_timeouts_can_be_final() -> None:
    t = FakeTime()
    attempt, calls = failing([CallTimeout("slow"), CallTimeout("slow")])
    with pytest.raises(CallTimeout):
        run(attempt, t, policy=RetryPolicy(retry_timeouts=False))
    assert calls[0] == 1
    attempt, calls = failing([NetworkError("refused")])
    assert run(attempt, t, policy=RetryPolicy(retry_timeouts=False)) == "ok"
    assert calls[0] == 2


def _after(seconds: float, count: int) -> Callable[[], Any]:
    left = [count]

    def attempt() -> Any:
        if left[0]:
            left[0] -= 1
            raise AttemptFailed(TransientError("429"), maybe_committed=False, retry_after=seconds)
        return "ok"

    return attempt


def test_retry_after_sets_the_least_wait_and_counts_toward_the_cap() -> None:
    t = FakeTime()
    policy = RetryPolicy(max_retries=5, max_retry_wait=30.0, base_delay=0.5)
    assert run(_after(12.0, 2), t, policy=policy) == "ok"
    assert t.sleeps == [12.0, 12.0]
    t = FakeTime()
    with pytest.raises(TransientError):  # a third 12 s wait would pass the 30 s budget
        run(_after(12.0, 3), t, policy=policy)
    assert t.sleeps == [12.0, 12.0]


def test_a_short_retry_after_does_not_shorten_the_backoff() -> None:
    t = FakeTime()
    policy = RetryPolicy(max_retries=5, max_retry_wait=30.0, base_delay=4.0)
    assert run(_after(0.0, 1), t, policy=policy) == "ok"
    assert t.sleeps == [4.0]
