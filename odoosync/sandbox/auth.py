"""Users, passwords, API keys and the login cooldown (odoo-facts §1.2, §1.3).

``authenticate`` answers a uid or False (observations #2-#4); object calls with a bad password
or uid get ``AccessDenied`` (fault 3, #7/#8). After 5 failures from one address, attempts are
refused for 60 seconds (``_assert_can_auth``), which reads as False from ``authenticate`` and as
fault 3 "Too many login failures, please wait a bit before trying again." from object calls.
Verified (uid, password) pairs are cached as in Odoo; creating or deleting products clears the
cache (observations, "Where the 400 ms of a create call goes").
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from odoosync.sandbox.faults import AccessDenied

COOLDOWN_MESSAGE = "Too many login failures, please wait a bit before trying again."


@dataclass
class Account:
    uid: int
    login: str
    password: str
    role: str  # "admin" or "user"
    active: bool = True


class Accounts:
    """Credentials of the sandbox's users and their API keys."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        cooldown_after: int = 5,
        cooldown_seconds: float = 60.0,
    ) -> None:
        self.clock = clock
        self.cooldown_after = cooldown_after
        self.cooldown_seconds = cooldown_seconds
        self.by_login: dict[str, Account] = {}
        self.by_uid: dict[int, Account] = {}
        #: key → (uid, role): "admin", "user" or "readonly"
        self.keys: dict[str, tuple[int, str]] = {}
        self._failures: dict[str, tuple[int, float]] = {}
        self._verified: set[tuple[int, str]] = set()
        self._lock = threading.Lock()
        #: told "authenticate" or "check" each time a password hash is computed (the cost model)
        self.on_hash: Callable[[str], None] | None = None

    def _hashing(self, kind: str) -> None:
        if self.on_hash is not None:
            self.on_hash(kind)

    def add(self, account: Account) -> None:
        self.by_login[account.login] = account
        self.by_uid[account.uid] = account

    def new_key(self, uid: int, role: str) -> str:
        """A 40-hex-digit key like Odoo's (``API_KEY_SIZE = 20`` bytes)."""
        key = secrets.token_hex(20)
        self.keys[key] = (uid, role)
        return key

    def key_owner(self, key: str) -> tuple[int, str] | None:
        """A bearer key's (uid, role) for JSON-2, or None (unknown, revoked, inactive user).

        ``res.users.apikeys._check_credentials``: no password is tried first and no login
        cooldown applies, which is why JSON-2 calls skip the XML-RPC password re-check."""
        with self._lock:
            entry = self.keys.get(key)
            account = self.by_uid.get(entry[0]) if entry is not None else None
            if entry is None or account is None or not account.active:
                return None
            return entry

    def revoke_key(self, key: str) -> None:
        """Delete an API key (Preferences → Account Security → Delete)."""
        with self._lock:
            self.keys.pop(key, None)
            self._verified = {pair for pair in self._verified if pair[1] != key}

    def _credentials_role(self, account: Account, password: str) -> str | None:
        if not password:
            return None
        if password == account.password:
            return account.role
        entry = self.keys.get(password)
        if entry is not None and entry[0] == account.uid:
            return entry[1]
        return None

    def _cooling(self, addr: str) -> bool:
        failures, previous = self._failures.get(addr, (0, float("-inf")))
        return (
            self.cooldown_after > 0
            and failures >= self.cooldown_after
            and self.clock() - previous < self.cooldown_seconds
        )

    def _fail(self, addr: str) -> None:
        failures, _ = self._failures.get(addr, (0, 0.0))
        self._failures[addr] = (failures + 1, self.clock())

    def authenticate(self, login: str, password: str, addr: str) -> int | bool:
        """``common.authenticate``: uid, or False for anything wrong (never a fault)."""
        with self._lock:
            if self._cooling(addr):
                return False
            account = self.by_login.get(str(login))
            if account is None or not account.active:
                self._fail(addr)
                return False
            if password:
                self._hashing("authenticate")
            if self._credentials_role(account, str(password)) is None:
                self._fail(addr)
                return False
            self._failures.pop(addr, None)
            return account.uid

    def check(self, uid: int, password: str, addr: str) -> str:
        """``security.check`` for object calls: the caller's role, or ``AccessDenied``."""
        with self._lock:
            account = self.by_uid.get(uid)
            if account is not None and (uid, password) in self._verified:
                role = self._credentials_role(account, password)
                if role is not None:
                    return role
            if not password:
                raise AccessDenied()
            if self._cooling(addr):
                raise AccessDenied(COOLDOWN_MESSAGE)
            role = None
            if account is not None and account.active:
                self._hashing("check")
                role = self._credentials_role(account, password)
            if role is None:
                self._fail(addr)
                raise AccessDenied()
            self._failures.pop(addr, None)
            self._verified.add((uid, password))
            return role

    def role_of(self, login: str) -> tuple[int, str]:
        account = self.by_login[login]
        return account.uid, account.role

    def clear_cache(self) -> None:
        with self._lock:
            self._verified.clear()
