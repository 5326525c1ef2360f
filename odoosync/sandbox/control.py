"""What tests and benchmarks control: call counters, server time, latency, injected faults.

A rule fires on the ``on_call``-th matching call after it was injected, then on the following
ones until it has fired ``times`` times. Kinds (docs/architecture.md ``SandboxHandle.inject``):
``fault`` and ``serialization`` (fault 1 before the change), ``lost_response`` (commit, then
close the connection without an answer), ``http_502``/``http_503``/``http_504``/``http_429``
(HTTP error, nothing changed), ``http_502_after_commit``/``http_504_after_commit`` (the call
commits, then the proxy answers the error: odoo-facts §8 item 9, §7 "Ambiguous outcomes") and
``timeout`` (hold the request ``hang_seconds``, then answer).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from odoosync.sandbox.cost import NONE, CostModel, SharedCore

FAULT_KINDS = frozenset(
    {
        "fault",
        "serialization",
        "lost_response",
        "http_502",
        "http_503",
        "http_504",
        "http_429",
        "http_502_after_commit",
        "http_504_after_commit",
        "timeout",
    }
)
HTTP_STATUS = {
    "http_502": (502, "Bad Gateway"),
    "http_503": (503, "Service Unavailable"),
    "http_504": (504, "Gateway Timeout"),
    "http_429": (429, "Too Many Requests"),
}
#: the same statuses, answered once the call has committed (a proxy timing out on a worker
#: that still finishes)
HTTP_STATUS_AFTER_COMMIT = {
    "http_502_after_commit": HTTP_STATUS["http_502"],
    "http_504_after_commit": HTTP_STATUS["http_504"],
}


@dataclass
class FaultRule:
    kind: str
    model: str | None
    method: str | None
    on_call: int
    times: int
    hang_seconds: float
    seen: int = 0
    fired: int = 0

    def matches(self, model: str, method: str) -> bool:
        return (self.model is None or self.model == model) and (
            self.method is None or self.method == method
        )


class Control:
    """Thread-safe counters, timings, latency, cost model and fault rules of one sandbox.

    ``latency_ms`` is added to every call; ``cost`` prices each call as a real Odoo would
    (:mod:`odoosync.sandbox.cost`); both are slept with ``sleep`` (injectable for tests) and
    can be changed while the sandbox runs. ``cpu`` is the one core (a real Odoo's GIL) on which the
    serial part of each call's charge is slept, in turns: concurrent calls' ORM work shares it.
    It is never held with ``_lock`` or the store's lock.
    """

    def __init__(
        self,
        latency_ms: float = 0.0,
        *,
        cost: CostModel = NONE,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        #: the same counts split by protocol: "xmlrpc" or "json2"
        self._by_protocol: dict[str, Counter[str]] = {}
        self._seconds: dict[str, float] = {}
        self._charged: dict[str, float] = {}
        self._rules: list[FaultRule] = []
        self.latency_ms = float(latency_ms)
        self.cost = cost
        self.sleep = sleep
        self.cpu = SharedCore()

    def count(self, key: str, protocol: str = "xmlrpc") -> None:
        with self._lock:
            self._calls[key] += 1
            self._by_protocol.setdefault(protocol, Counter())[key] += 1

    def record_time(self, key: str, seconds: float) -> None:
        with self._lock:
            self._seconds[key] = self._seconds.get(key, 0.0) + seconds

    def record_charge(self, key: str, ms: float) -> None:
        with self._lock:
            self._charged[key] = self._charged.get(key, 0.0) + ms

    def charged_ms(self) -> dict[str, float]:
        """Milliseconds the cost model charged (slept), per call key."""
        with self._lock:
            return dict(self._charged)

    def calls(self, protocol: str | None = None) -> dict[str, int]:
        """Calls by key, over every protocol or only ``protocol`` ("xmlrpc", "json2")."""
        with self._lock:
            if protocol is None:
                return dict(self._calls)
            return dict(self._by_protocol.get(protocol, {}))

    def server_seconds(self) -> dict[str, float]:
        with self._lock:
            return dict(self._seconds)

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._by_protocol.clear()
            self._seconds.clear()
            self._charged.clear()

    def inject(
        self,
        kind: str,
        *,
        model: str | None,
        method: str | None,
        on_call: int,
        times: int,
        hang_seconds: float,
    ) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if on_call < 1 or times < 1:
            raise ValueError("on_call and times must be at least 1")
        with self._lock:
            self._rules.append(FaultRule(kind, model, method, on_call, times, hang_seconds))

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, model: str, method: str) -> FaultRule | None:
        """The rule that fires for this call, if any (each matching rule counts the call)."""
        chosen = None
        with self._lock:
            for rule in self._rules:
                if rule.fired >= rule.times or not rule.matches(model, method):
                    continue
                rule.seen += 1
                if chosen is None and rule.seen >= rule.on_call:
                    rule.fired += 1
                    chosen = rule
            self._rules = [r for r in self._rules if r.fired < r.times]
        return chosen
