"""The cost model's serial share (issue 15 fidelity): a real Odoo runs the ORM work of concurrent
calls one at a time (its GIL), the password hash and the per-call overhead in parallel. Measured
on a real Odoo 17: two concurrent ``load``s of 500 new products take ~1.95x one alone and finish
together; two concurrent post-create password re-checks each take ~0.4 s at the same time.

The sandbox charges ``serial_share`` of a call's work on one shared core (``Control.cpu``, a
:class:`~odoosync.sandbox.cost.SharedCore`: 5 ms turns, first come first served) and the rest
outside it. The sleep is injected: a recorder that notes, for each sleep, its thread, its seconds
and whether that thread holds the core — and, in the socket test, really sleeps to show the turns
never overlap and two concurrent loads take turns.
"""

from __future__ import annotations

import itertools
import math
import threading
import time
import xmlrpc.client
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, serve
from odoosync.sandbox.cost import BEARER, NONE, ODOO17, ODOO19, CallWork, CostModel


def _held_elsewhere(lock: Any) -> bool:
    """Whether some thread holds ``lock``, asked from a fresh thread (works for an RLock too)."""
    answer: list[bool] = []

    def probe() -> None:
        got = lock.acquire(blocking=False)
        if got:
            lock.release()
        answer.append(not got)

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return answer[0]


@dataclass
class Sleep:
    thread: int
    seconds: float
    under_cpu: bool
    start: float = 0.0
    end: float = 0.0


class Recorder:
    """The injected sleep: records each sleep, optionally really sleeping it."""

    def __init__(self, real: bool = False, check_store: bool = False) -> None:
        self.real = real
        self.check_store = check_store
        self.cpu: Any = None  # the sandbox's core, once it runs
        self.store: Any = None
        self.sleeps: list[Sleep] = []
        self.store_held: list[bool] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        entry = Sleep(threading.get_ident(), seconds, self.cpu.held_here())
        if self.check_store:
            self.store_held.append(_held_elsewhere(self.store.lock))
        entry.start = time.monotonic()
        if self.real:
            time.sleep(seconds)
        entry.end = time.monotonic()
        with self._lock:
            self.sleeps.append(entry)

    def take(self) -> list[Sleep]:
        with self._lock:
            taken, self.sleeps = self.sleeps, []
        return taken


@contextmanager
def _sandbox(cost: str | CostModel, recorder: Recorder) -> Iterator[SandboxHandle]:
    with serve(seed="empty", cost=cost, sleep=recorder) as sb:
        recorder.cpu = sb.app.control.cpu
        recorder.store = sb.store
        yield sb


def _object(sb: SandboxHandle) -> Any:
    return xmlrpc.client.ServerProxy(f"{sb.url}/xmlrpc/2/object", allow_none=True)


def _call(proxy: Any, sb: SandboxHandle, model: str, method: str, *args: Any) -> Any:
    return proxy.execute_kw(sb.database, 2, "admin", model, method, list(args), {})


# -- the split, pure ---------------------------------------------------------------------------


def test_a_create_is_mostly_serial_its_call_and_password_check_parallel() -> None:
    work = CallWork(hashed="check", model="product.template", created={"product.template": 500})
    parts = ODOO17.price(work)
    parallel, serial = ODOO17.split(parts)
    create = 500 * ODOO17.product_ms()
    assert parts == {"call": ODOO17.call_ms, "password": ODOO17.password_check_ms, "create": create}
    assert serial == pytest.approx(ODOO17.serial_share * create)
    assert parallel == pytest.approx(
        ODOO17.call_ms + ODOO17.password_check_ms + (1 - ODOO17.serial_share) * create
    )
    assert parallel + serial == pytest.approx(sum(parts.values()))


def test_a_read_is_work_a_password_check_or_bearer_key_is_not() -> None:
    read = CallWork(model="product.template", read_rows=100, read_fields=12)
    parallel, serial = ODOO17.split(ODOO17.price(read))
    assert serial == pytest.approx(ODOO17.serial_share * 100 * 12 * ODOO17.product_read_ms)
    assert parallel == pytest.approx(
        ODOO17.call_ms + (1 - ODOO17.serial_share) * 100 * 12 * ODOO17.product_read_ms
    )
    check = ODOO17.split(ODOO17.price(CallWork(hashed="check", model="product.template")))
    assert check == (ODOO17.call_ms + ODOO17.password_check_ms, 0.0)
    login = ODOO17.split(ODOO17.price(CallWork(hashed="authenticate")))
    assert login == (ODOO17.call_ms + ODOO17.authenticate_ms, 0.0)
    bearer = ODOO19.split(ODOO19.price(CallWork(auth=BEARER, model="res.partner")))
    assert bearer == (ODOO19.call_ms + ODOO19.bearer_check_ms, 0.0)


def test_every_work_part_is_serial_in_share() -> None:
    model = ODOO17.with_(serial_share=1.0, product_unlink_call_ms=0.0)
    work = CallWork(
        model="product.template",
        created={"ir.model.data": 3},
        deleted={"product.template": 2},
        written=10,
        loaded=4,
    )
    parts = model.price(work)
    assert set(parts) == {"call", "unlink", "records", "write", "load"}
    assert model.split(parts) == (model.call_ms, pytest.approx(sum(parts.values()) - model.call_ms))


def test_the_named_shares_and_their_bounds() -> None:
    assert ODOO17.serial_share == ODOO19.serial_share == 0.95  # two loads together: ~1.95x one
    assert NONE.serial_share == 0.0 and NONE.split(NONE.price(CallWork())) == (0.0, 0.0)
    with pytest.raises(ValueError, match="serial_share"):
        ODOO17.with_(serial_share=1.5)


# -- where the sandbox sleeps each part --------------------------------------------------------


def test_the_serial_part_is_slept_on_the_core_in_turns_the_rest_outside_it() -> None:
    recorder = Recorder(check_store=True)
    with _sandbox("odoo17", recorder) as sb:
        proxy = _object(sb)
        _call(proxy, sb, "product.template", "search_count", [])  # pays the password check
        checked = recorder.take()
        assert [(s.seconds * 1000, s.under_cpu) for s in checked] == [
            (pytest.approx(ODOO17.call_ms + ODOO17.password_check_ms), False)
        ]
        rows = [[f"sync.p{i}", f"P{i}"] for i in range(10)]
        _call(proxy, sb, "product.template", "load", ["id", "name"], rows)
        loaded = recorder.take()
        work = 10 * (ODOO17.product_ms() + ODOO17.record_create_ms)
        assert (loaded[0].seconds * 1000, loaded[0].under_cpu) == (
            pytest.approx(ODOO17.call_ms + 0.05 * work),
            False,
        )
        turns = loaded[1:]  # the serial part, in turns of at most 5 ms on the core
        assert all(t.under_cpu and t.seconds <= 0.005 + 1e-12 for t in turns)
        assert sum(t.seconds for t in turns) * 1000 == pytest.approx(0.95 * work)
        assert len(turns) == math.ceil(0.95 * work / 5)  # 35.15 ms: 8 turns
        assert sb.charged_ms()["product.template.load"] == pytest.approx(ODOO17.call_ms + work)
        assert not sb.app.control.cpu.busy()
    assert recorder.store_held == [False] * (1 + len(loaded))  # never asleep holding the store


def test_concurrent_loads_take_turns_on_the_core_and_finish_together() -> None:
    """Two clients' loads at once, slept for real (small prices): the serial sleeps run one
    after the other, each inside its own call; the parallel parts are free to overlap."""
    model = ODOO17.with_(
        call_ms=1.0, password_check_ms=1.0, product_create_ms=1.5, record_create_ms=0.5
    )
    recorder = Recorder(real=True)
    with _sandbox(model, recorder) as sb:
        proxies = [_object(sb), _object(sb)]
        for proxy in proxies:
            _call(proxy, sb, "product.template", "search_count", [])
        recorder.take()
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def load(index: int) -> None:
            rows = [[f"sync.c{index}_{i}", f"C{index} {i}"] for i in range(40)]
            try:
                start.wait()
                _call(proxies[index], sb, "product.template", "load", ["id", "name"], rows)
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)

        threads = [threading.Thread(target=load, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        sleeps = recorder.take()
    work = 40 * (model.product_ms() + model.record_create_ms) / 1000
    # each load sleeps its parallel part (call + 5% of the work, + a password re-check when the
    # other load's creates cleared the credential cache first), then its serial part (95%) in
    # turns of at most 5 ms on the one core
    turns = sorted((s for s in sleeps if s.under_cpu), key=lambda s: s.start)
    threads = {t.thread for t in turns}
    assert len(threads) == 2
    for thread in threads:
        assert sum(t.seconds for t in turns if t.thread == thread) == pytest.approx(0.95 * work)
    # never two turns at once
    assert all(a.end <= b.start for a, b in itertools.pairwise(turns)), turns
    # and, once both are on the core, they take turns (first come, first served) until the
    # first is done: they finish together, as two loads on a real Odoo do
    order = [t.thread for t in turns]
    second = order[1:].index(next(t for t in order if t != order[0])) + 1
    done = min(max(i for i, t in enumerate(order) if t == thread) for thread in threads)
    together = order[second - 1 : done + 1]
    assert all(a != b for a, b in itertools.pairwise(together)), order
    assert len(together) >= 10
