"""The ``sleep`` the tests inject into clients: time is mocked, the sockets are real."""

from __future__ import annotations


class Sleeps:
    """Records each wait (a retry's back-off) and returns at once. The client's retry budget
    still counts the wait, so a run gives up exactly when it would have, only sooner."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
