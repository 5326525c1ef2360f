"""``OdooClient``: the only code that speaks Odoo (XML-RPC, ``/xmlrpc/2``).

Every call has a timeout (see :mod:`odoosync.odoo.transport`), its failures become the typed
errors of :mod:`odoosync.errors` (:func:`odoosync.odoo.faults.classify`), and transient ones are
retried (:mod:`odoosync.odoo.retry`): idempotent calls (its table ``IDEMPOTENCY``: reads,
``write``, ``load`` by ``.id`` or external id...) on any transient failure; ``create``, ``copy``
(and other calls that create) only when the request was not sent, otherwise a
``TransientError`` with ``maybe_committed = True`` is raised.

With ``logging.getLogger("odoosync.rpc")`` at DEBUG, each call is traced: service, method,
model, sizes and duration; the password is printed as ``***``. A client is not thread-safe:
give each worker its own :meth:`OdooClient.clone`.
"""

from __future__ import annotations

import http.client
import logging
import random
import re
import time
import xmlrpc.client
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.parsers.expat import ExpatError

from odoosync.errors import AuthenticationError, OdooError, OdooFault, ProtocolFailure
from odoosync.odoo.faults import (
    ODOO_MAX_REQUEST_BYTES,
    Phase,
    UnexpectedResponse,
    classify,
    may_have_committed,
    redact_url,
    retry_after,
)
from odoosync.odoo.retry import AttemptFailed, RetryPolicy, is_idempotent, retry_call
from odoosync.odoo.transport import TransportFailure, make_transport
from odoosync.secrets import Secret

log = logging.getLogger("odoosync.rpc")
warnings_log = logging.getLogger("odoosync.odoo")

DEFAULT_FIELD_ATTRIBUTES = ("string", "type", "required", "readonly", "relation", "selection")

_CALL_ERRORS = (
    TransportFailure,
    xmlrpc.client.Fault,
    xmlrpc.client.ProtocolError,
    xmlrpc.client.ResponseError,
    ExpatError,
    OSError,
    http.client.HTTPException,
    UnexpectedResponse,
)


@dataclass(frozen=True)
class ConnectionParams:
    """Where and how to reach one Odoo database."""

    url: str
    database: str
    username: str
    password: Secret
    timeout: float = 60.0
    verify_tls: bool = True
    ca_bundle: Path | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    max_retries: int = 5
    max_retry_wait: float = 30.0
    #: False: a call that timed out is not tried again (test-connection, status)
    retry_timeouts: bool = True
    #: a request body over this is refused before sending (Odoo 16+ accepts 128 MiB)
    max_request_bytes: int = ODOO_MAX_REQUEST_BYTES


@dataclass(frozen=True)
class ServerVersion:
    """``common.version()``: ``raw`` as the server says it (``17.0``, ``saas~17.4+e``)."""

    raw: str
    major: int
    minor: int
    info: tuple[Any, ...]


def parse_version(data: Mapping[str, Any]) -> ServerVersion:
    """Read ``common.version()``'s answer without assuming ints (``('saas~17', 4, ...)``)."""
    raw = str(data.get("server_version") or "")
    info_value = data.get("server_version_info")
    info = tuple(info_value) if isinstance(info_value, list | tuple) else ()
    major = minor = None
    if len(info) >= 2:
        major = _leading_int(info[0])
        minor = _leading_int(info[1])
    if major is None or minor is None:
        m = re.search(r"(\d+)\.(\d+)", raw) or re.search(r"(\d+)", raw)
        if m is None:
            raise ProtocolFailure(
                f"The server's version {raw!r} is not an Odoo version: check the profile's url."
            )
        major = int(m.group(1))
        minor = int(m.group(2)) if m.lastindex and m.lastindex >= 2 else 0
    return ServerVersion(raw=raw or f"{major}.{minor}", major=major, minor=minor, info=info)


def _leading_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    m = re.search(r"\d+", str(value))
    return int(m.group()) if m else None


def insecure_url_warning(url: str) -> str | None:
    """A warning when ``url`` is plain http to a host that is not loopback, else None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "http":
        return None
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return None
    try:
        if ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"{url} uses plain http: the password travels unencrypted. "
        "Use https unless this network is trusted."
    )


class OdooClient:
    """One connection (kept alive) to one Odoo database, as one user."""

    def __init__(
        self,
        params: ConnectionParams,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.params = params
        self._sleep, self._clock, self._rng = sleep, clock, rng
        self._policy = RetryPolicy(
            max_retries=params.max_retries,
            max_retry_wait=params.max_retry_wait,
            retry_timeouts=params.retry_timeouts,
        )
        endpoint = params.url.rstrip("/")
        #: the url as shown in messages, reports and traces: a ``user:password@`` is masked
        self.url = redact_url(endpoint)
        self._transport = make_transport(
            endpoint,
            timeout=params.timeout,
            verify_tls=params.verify_tls,
            ca_bundle=params.ca_bundle,
            max_request_bytes=params.max_request_bytes,
        )
        self._proxies = {
            service: xmlrpc.client.ServerProxy(
                f"{endpoint}/xmlrpc/2/{service}", transport=self._transport, allow_none=True
            )
            for service in ("common", "object", "db")
        }
        self._uid: int | None = None
        self._version: ServerVersion | None = None
        #: the access-check method that works on this server (has_access 18+, else the old one)
        self._access_method: str | None = None
        #: said once, for the CLI to print: plain http to a host that is not loopback
        self.insecure_warning = insecure_url_warning(self.url)
        if self.insecure_warning:
            warnings_log.warning(self.insecure_warning)

    # -- the common service -------------------------------------------------------------------

    def version(self) -> ServerVersion:
        """``common.version()``, cached."""
        if self._version is None:
            data = self._call("common", "version", (), idempotent=True, shown=())
            if not isinstance(data, Mapping):
                raise ProtocolFailure(
                    f"{self.url} answered version() with {type(data).__name__}, not Odoo's "
                    "version record: check the profile's url."
                )
            self._version = parse_version(data)
        return self._version

    def authenticate(self) -> int:
        """Log in; returns the uid. ``AuthenticationError`` for bad credentials,
        ``DatabaseNotFound`` for an unknown database, ``OdooUnreachable`` when unreachable."""
        p = self.params
        shown: tuple[Any, ...] = (p.database, p.username, "***", {})
        uid = self._call(
            "common",
            "authenticate",
            (p.database, p.username, p.password.reveal(), {}),
            idempotent=True,
            shown=shown,
        )
        if isinstance(uid, bool) or not isinstance(uid, int):
            raise AuthenticationError(
                f"Access Denied for {p.username!r} on database {p.database!r}: check the username "
                "and password or API key, and that the user has XML-RPC access."
            )
        self._uid = uid
        return uid

    @property
    def uid(self) -> int:
        """The user id; authenticates on first use."""
        if self._uid is None:
            return self.authenticate()
        return self._uid

    # -- the object service -------------------------------------------------------------------

    def execute(
        self,
        model: str,
        method: str,
        *args: Any,
        context: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """``execute_kw`` with the profile's context merged with ``context``."""
        merged = {**self.params.context, **(context or {})}
        if merged:
            kwargs["context"] = merged
        p = self.params
        uid = self.uid
        shown = (p.database, uid, "***", model, method, _size(list(args)), _keys(kwargs))
        return self._call(
            "object",
            "execute_kw",
            (p.database, uid, p.password.reveal(), model, method, list(args), kwargs),
            idempotent=is_idempotent(method, args),
            shown=shown,
        )

    def search_read(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        *,
        limit: int | None = None,
        offset: int = 0,
        order: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {"fields": list(fields)}
        if limit is not None:
            kwargs["limit"] = limit
        if offset:
            kwargs["offset"] = offset
        if order:
            kwargs["order"] = order
        result = self.execute(model, "search_read", list(domain), context=context, **kwargs)
        return list(result)

    def iter_pages(
        self,
        model: str,
        domain: Sequence[Any],
        fields: Sequence[str],
        *,
        page_size: int = 500,
        context: Mapping[str, Any] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of ``search_read`` in id order, keyset-paged (``id > last``): records that
        change or appear during the walk are neither skipped nor repeated."""
        last = 0
        while True:
            page = self.search_read(
                model,
                [("id", ">", last), *domain],
                fields,
                limit=page_size,
                order="id",
                context=context,
            )
            if not page:
                return
            yield page
            if len(page) < page_size:
                return
            last = int(page[-1]["id"])

    def create(
        self,
        model: str,
        values: list[dict[str, Any]],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> list[int]:
        if not values:
            return []
        result = self.execute(model, "create", values, context=context)
        return [int(result)] if isinstance(result, int) else [int(i) for i in result]

    def write(
        self,
        model: str,
        ids: list[int],
        values: dict[str, Any],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> bool:
        return bool(self.execute(model, "write", list(ids), values, context=context))

    def load(
        self,
        model: str,
        fields: list[str],
        rows: list[list[str]],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``load``: ``{'ids': [...] | False, 'messages': [...], 'nextrow': 0}``."""
        return dict(self.execute(model, "load", fields, rows, context=context))

    def fields_get(
        self, model: str, attributes: Sequence[str] = DEFAULT_FIELD_ATTRIBUTES
    ) -> dict[str, dict[str, Any]]:
        return dict(self.execute(model, "fields_get", attributes=list(attributes)))

    def check_access_rights(self, model: str, operation: str) -> bool:
        """Whether the user may ``operation`` (read, create, write, unlink) on ``model``.

        Odoo 18 deprecated ``check_access_rights`` for ``has_access`` (a records method, called
        on no records: the model's access rights), and later versions may drop it: 18+ asks
        ``has_access`` first, older servers ``check_access_rights``; when the server has not the
        one asked, the other is used, and the one that worked is remembered.
        """
        first = self._access_method or (
            "has_access" if self.version().major >= 18 else "check_access_rights"
        )
        other = "check_access_rights" if first == "has_access" else "has_access"
        try:
            allowed = self._access_call(first, model, operation)
        except OdooFault as exc:
            if self._access_method is not None or not _method_missing(exc, first):
                raise
            allowed = self._access_call(other, model, operation)
            self._access_method = other
            return allowed
        self._access_method = first
        return allowed

    def _access_call(self, method: str, model: str, operation: str) -> bool:
        if method == "has_access":
            return bool(self.execute(model, "has_access", [], operation))
        return bool(self.execute(model, "check_access_rights", operation, raise_exception=False))

    def name_search(
        self,
        model: str,
        name: str = "",
        domain: Sequence[Any] = (),
        *,
        operator: str = "ilike",
        limit: int = 100,
        context: Mapping[str, Any] | None = None,
    ) -> list[tuple[int, str]]:
        """``name_search`` as ``[(id, display name)]``. The domain is passed positionally: its
        keyword is ``args`` up to 17 and ``domain`` from 18."""
        result = self.execute(
            model, "name_search", name, list(domain), operator, limit, context=context
        )
        return [(int(pair[0]), str(pair[1])) for pair in result]

    def display_names(
        self, model: str, ids: Sequence[int], *, context: Mapping[str, Any] | None = None
    ) -> dict[int, str]:
        """``{id: display name}``, read from the ``display_name`` field (``name_get`` is
        deprecated in 17 and gone in 18). Ids that do not exist are left out."""
        if not ids:
            return {}
        rows = self.execute(model, "read", list(ids), ["display_name"], context=context)
        return {int(row["id"]): str(row.get("display_name") or "") for row in rows}

    # -- connections --------------------------------------------------------------------------

    def clone(self) -> OdooClient:
        """A second connection for a parallel worker: same params and uid, no new login."""
        other = OdooClient(self.params, sleep=self._sleep, clock=self._clock, rng=self._rng)
        other._uid = self._uid
        other._version = self._version
        return other

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> OdooClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one call, retried --------------------------------------------------------------------

    def _call(
        self,
        service: str,
        method: str,
        params: tuple[Any, ...],
        *,
        idempotent: bool,
        shown: tuple[Any, ...],
    ) -> Any:
        label = f"{service}.{method}"
        if service == "object" and len(shown) >= 5:
            label = f"{label} {shown[3]}.{shown[4]}"
        proxy = getattr(self._proxies[service], method)

        def attempt() -> Any:
            start = self._clock()
            try:
                result = proxy(*params)
            except _CALL_ERRORS as exc:
                cause: BaseException = exc.cause if isinstance(exc, TransportFailure) else exc
                phase: Phase = exc.phase if isinstance(exc, TransportFailure) else "sent"
                error = classify(cause, phase=phase, url=self.url, timeout=self.params.timeout)
                self._trace(label, shown, start, error=error)
                committed = may_have_committed(cause, phase=phase)
                raise AttemptFailed(
                    error, maybe_committed=committed, retry_after=retry_after(cause)
                ) from cause
            self._trace(label, shown, start)
            return result

        def on_retry(n: int, delay: float, error: OdooError) -> None:
            log.debug("retry %d of %s in %.2f s after %s", n, label, delay, type(error).__name__)

        return retry_call(
            attempt,
            idempotent=idempotent,
            policy=self._policy,
            sleep=self._sleep,
            clock=self._clock,
            rng=self._rng,
            on_retry=on_retry,
        )

    def _trace(
        self, label: str, shown: tuple[Any, ...], start: float, *, error: OdooError | None = None
    ) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        ms = (self._clock() - start) * 1000
        args = ", ".join(_short(a) for a in shown)
        sizes = f"{self._transport.last_request_bytes} B -> {self._transport.last_response_bytes} B"
        outcome = f" FAILED {type(error).__name__}" if error else ""
        log.debug("%s(%s) %s in %.1f ms%s", label, args, sizes, ms, outcome)


def _method_missing(exc: OdooFault, method: str) -> bool:
    """Whether a fault says the model has no public method ``method`` (fault 1
    ``AttributeError`` up to 18, "The method 'm.x' does not exist" in 19)."""
    text = exc.odoo_message or ""
    return method in text and (
        "AttributeError" in text or "does not exist" in text or "has no attribute" in text
    )


def _size(args: list[Any]) -> str:
    return f"args[{len(args)}]"


def _keys(kwargs: Mapping[str, Any]) -> str:
    return "{" + ", ".join(sorted(kwargs)) + "}"


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
