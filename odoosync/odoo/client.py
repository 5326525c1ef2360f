"""``OdooClient``: the only code that speaks Odoo, over XML-RPC (``/xmlrpc/2``) or JSON-2
(``/json/2``, Odoo 19+), behind one interface (SPEC §8).

Every call has a deadline and a bounded answer (:mod:`odoosync.odoo.answer`), its
failures become the typed errors of :mod:`odoosync.errors` (:func:`odoosync.odoo.faults.classify`
reads a JSON-2 HTTP status and error body as the same fault over XML-RPC), and transient ones
are retried (:mod:`odoosync.odoo.retry`): idempotent calls (its table ``IDEMPOTENCY``: reads,
``write``, ``load`` by ``.id`` or external id...) on any transient failure; ``create``, ``copy``
(and other calls that create) only when the request was not sent, otherwise a
``TransientError`` with ``maybe_committed = True`` is raised.

``ConnectionParams.transport`` picks the wire: ``xmlrpc``, ``json2``, or ``auto`` (the default):
JSON-2 when the version (``common.version()``, or ``GET /web/version`` on a server without XML-RPC)
is 19 or later and the secret is accepted as a bearer API key,
else XML-RPC; a password accepted only over XML-RPC on 19+ leaves a one-line
:attr:`OdooClient.transport_hint`. Nothing uses the ``db`` service. Both wires honour
``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` (:mod:`odoosync.odoo.proxy`).

With ``logging.getLogger("odoosync.rpc")`` at DEBUG, each call is traced: service or wire,
method, model, sizes and duration; the password or API key is never printed (``***``), nor a
proxy's credentials. A client is not thread-safe: give each worker its own
:meth:`OdooClient.clone`.
"""

from __future__ import annotations

import http.client
import logging
import random
import time
import xmlrpc.client
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.parsers.expat import ExpatError

from odoosync.errors import (
    AuthenticationError,
    OdooError,
    OdooFault,
    OdooUnreachable,
    ProtocolFailure,
)
from odoosync.odoo.answer import DEFAULT_MAX_RESPONSE_MB
from odoosync.odoo.faults import (
    ODOO_MAX_REQUEST_BYTES,
    Phase,
    UnexpectedResponse,
    classify,
    may_have_committed,
    redact_url,
    retry_after,
)
from odoosync.odoo.json2 import Json2Transport
from odoosync.odoo.json2_args import named_arguments
from odoosync.odoo.json2_faults import Json2Error
from odoosync.odoo.proxy import proxy_for
from odoosync.odoo.retry import AttemptFailed, RetryPolicy, is_idempotent, retry_call
from odoosync.odoo.server_info import (
    JSON2_FIRST_MAJOR,
    ServerVersion,
    insecure_url_warning,
    parse_version,
    parse_web_version,
)
from odoosync.odoo.transport import TransportFailure, make_transport, tls_context
from odoosync.secrets import Secret

__all__ = [
    "ConnectionParams",
    "OdooClient",
    "ServerVersion",
    "insecure_url_warning",
    "parse_version",
]

log = logging.getLogger("odoosync.rpc")
warnings_log = logging.getLogger("odoosync.odoo")

DEFAULT_FIELD_ATTRIBUTES = ("string", "type", "required", "readonly", "relation", "selection")

#: the profile's ``transport`` values; a client reports ``xmlrpc`` or ``json2``
TRANSPORTS = ("auto", "xmlrpc", "json2")
Wire = Literal["xmlrpc", "json2"]

PASSWORD_ON_JSON2_HINT = (
    "Odoo {version} accepted this secret only as a password, over XML-RPC (deprecated from Odoo "
    "19): use an API key (Odoo: Preferences → Account Security → New API Key; then odoosync "
    "config set-password) to switch to JSON-2, faster and supported after XML-RPC is removed."
)

_CALL_ERRORS = (
    TransportFailure,
    xmlrpc.client.Fault,
    xmlrpc.client.ProtocolError,
    xmlrpc.client.ResponseError,
    ExpatError,
    OSError,
    http.client.HTTPException,
    UnexpectedResponse,
    Json2Error,
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
    #: a bigger answer (received, or decoded from gzip) is refused, exit 5 (``max_response_mb``)
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024
    #: "auto", "xmlrpc" or "json2" (SPEC §8)
    transport: str = "auto"


class OdooClient:
    """One connection (kept alive) to one Odoo database, as one user, over XML-RPC or JSON-2."""

    def __init__(
        self,
        params: ConnectionParams,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if params.transport not in TRANSPORTS:
            raise ValueError(f"transport must be one of {', '.join(TRANSPORTS)}")
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
        #: the proxy from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, or None (its ``shown`` is masked)
        self.proxy = proxy_for(endpoint)
        if self.proxy is not None:
            log.debug("connecting to %s through the proxy %s", self.url, self.proxy.shown)
        self._transport = make_transport(
            endpoint,
            timeout=params.timeout,
            verify_tls=params.verify_tls,
            ca_bundle=params.ca_bundle,
            max_request_bytes=params.max_request_bytes,
            proxy=self.proxy,
            max_response_bytes=params.max_response_bytes,
        )
        self._proxies = {
            service: xmlrpc.client.ServerProxy(
                f"{endpoint}/xmlrpc/2/{service}", transport=self._transport, allow_none=True
            )
            for service in ("common", "object")
        }
        https = endpoint.lower().startswith("https://")
        self._json2 = Json2Transport(
            endpoint,
            database=params.database,
            timeout=params.timeout,
            ssl_context=tls_context(verify_tls=params.verify_tls, ca_bundle=params.ca_bundle)
            if https
            else None,
            proxy=self.proxy,
            max_request_bytes=params.max_request_bytes,
            max_response_bytes=params.max_response_bytes,
        )
        #: the wire in use; None while ``auto`` has not chosen yet
        self._wire: Wire | None = None
        if params.transport in ("xmlrpc", "json2"):
            self._wire = "xmlrpc" if params.transport == "xmlrpc" else "json2"
        #: auto on 19+: the secret was refused as a bearer key (a password)
        self._bearer_refused = False
        self._uid: int | None = None
        self._version: ServerVersion | None = None
        #: the access-check method that works on this server (has_access 18+, else the old one)
        self._access_method: str | None = None
        #: said once, for the CLI to print: plain http to a host that is not loopback
        self.insecure_warning = insecure_url_warning(self.url)
        if self.insecure_warning:
            warnings_log.warning(self.insecure_warning)
        #: said once: a password on Odoo 19+ works over XML-RPC only; an API key gives JSON-2
        self.transport_hint: str | None = None

    # -- which wire ---------------------------------------------------------------------------

    @property
    def transport(self) -> Wire:
        """``"json2"`` or ``"xmlrpc"``: the wire this client speaks (``auto`` chooses on first
        use: it asks the version and, on 19+, whether the secret is a bearer key)."""
        return self._choose()

    @property
    def chosen_transport(self) -> Wire | None:
        """The wire chosen so far, without asking the server (None: ``auto`` has not chosen)."""
        return self._wire

    def _choose(self) -> Wire:
        if self._wire != "xmlrpc" and self._version is None:
            self.version()  # auto: which version; json2: refuse a server without JSON-2
        if self._wire is None:  # auto on 19+: is the secret an API key?
            try:
                self._uid = self._json2_whoami()
                self._wire = "json2"
            except AuthenticationError:
                self._wire = "xmlrpc"
                self._bearer_refused = True
        return self._wire

    # -- the server and the user --------------------------------------------------------------

    def version(self) -> ServerVersion:
        """The server's version, cached. ``xmlrpc``: ``common.version()``. ``json2``: ``GET
        /web/version``. ``auto``: ``common.version()`` first (7 ms on Odoo 17, where ``GET
        /web/version`` answers a 404 page in ~80 ms), then ``GET /web/version`` when the server
        has no XML-RPC; below 19 ``auto`` settles on XML-RPC."""
        if self._version is not None:
            return self._version
        if self._wire == "xmlrpc":
            self._version = self._xmlrpc_version()
            return self._version
        if self._wire is None:
            try:
                found = self._xmlrpc_version()
            except ProtocolFailure as no_xmlrpc:
                try:  # no XML-RPC (to be removed after 19): JSON-2, or not an Odoo at all
                    found = self._web_version()
                except ProtocolFailure:
                    raise no_xmlrpc from None
        else:
            found = self._web_version()
        if found.major < JSON2_FIRST_MAJOR:
            if self._wire == "json2":
                raise ProtocolFailure(
                    f"{self.url} runs Odoo {found.raw}, which has no JSON-2 API (Odoo 19 or "
                    'later): set transport = "xmlrpc" or "auto" in the profile.'
                )
            self._wire = "xmlrpc"
        self._version = found
        return found

    def _web_version(self) -> ServerVersion:
        data = self._run("GET /web/version", (), self._json2, self._json2.version, idempotent=True)
        return parse_web_version(data)

    def _xmlrpc_version(self) -> ServerVersion:
        data = self._call("common", "version", (), idempotent=True, shown=())
        if not isinstance(data, Mapping):
            raise ProtocolFailure(
                f"{self.url} answered version() with {type(data).__name__}, not Odoo's "
                "version record: check the profile's url."
            )
        return parse_version(data)

    def authenticate(self, known_uid: int | None = None) -> int:
        """Log in; returns the uid. ``AuthenticationError`` for bad credentials,
        ``DatabaseNotFound`` for an unknown database, ``OdooUnreachable`` when unreachable.

        Over JSON-2 there is no login: the uid is the API key's owner's, asked once.

        Over XML-RPC, ``known_uid`` (the uid an earlier login of this user to this database
        answered) is tried first: a ``read`` of that user's login, which must be the profile's
        username. It costs one password check, as the first call after ``authenticate`` would
        anyway, and saves ``authenticate``'s own (~0.3-0.4 s on Odoo 17); refused or another
        user, the login happens as usual."""
        if self._choose() == "json2":
            if self._uid is None:
                self._uid = self._json2_whoami()
            return self._uid
        if known_uid is not None and self._resume(known_uid):
            return known_uid
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
        if self._bearer_refused and self.transport_hint is None:
            self.transport_hint = PASSWORD_ON_JSON2_HINT.format(version=self.version().raw)
            warnings_log.warning(self.transport_hint)
        return uid

    def _resume(self, uid: int) -> bool:
        """Whether ``uid`` is the profile's user, asked with the password (see authenticate)."""
        p = self.params
        try:
            rows = self._call(
                "object",
                "execute_kw",
                (p.database, uid, p.password.reveal(), "res.users", "read", [[uid], ["login"]], {}),
                idempotent=True,
                shown=(p.database, uid, "***", "res.users", "read", "args[2]", "{}"),
            )
        except (OdooUnreachable, ProtocolFailure):
            raise
        except OdooError as exc:  # refused, unknown user, another database...: log in instead
            log.debug("the remembered user id %d was not accepted (%s)", uid, type(exc).__name__)
            return False
        match = (
            isinstance(rows, list)
            and len(rows) == 1
            and isinstance(rows[0], Mapping)
            and rows[0].get("login") == p.username
        )
        if match:
            self._uid = uid
        return match

    def _json2_whoami(self) -> int:
        """The API key's owner: ``res.users.context_get()``'s ``uid`` (odoo-facts §2); a server
        without that method is asked for the profile's login instead."""
        try:
            context = self._json2_call("res.users", "context_get", {}, idempotent=True)
        except OdooFault as exc:
            if not _method_missing(exc, "context_get"):
                raise
            found = self._json2_call(
                "res.users",
                "search",
                {"domain": [["login", "=", self.params.username]], "limit": 1},
                idempotent=True,
            )
            if not found:
                raise AuthenticationError(
                    f"The API key was accepted but no user has the login "
                    f"{self.params.username!r}: check the profile's username."
                ) from exc
            return int(found[0])
        uid = context.get("uid") if isinstance(context, Mapping) else None
        if isinstance(uid, bool) or not isinstance(uid, int):
            raise ProtocolFailure(
                f"{self.url} answered res.users.context_get without a uid: check the profile's url."
            )
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
        """``execute_kw`` with the profile's context merged with ``context``; over JSON-2 the
        positional arguments are named (:func:`~odoosync.odoo.json2_args.named_arguments`)."""
        merged = {**self.params.context, **(context or {})}
        if merged:
            kwargs["context"] = merged
        if self._choose() == "json2":
            named = named_arguments(method, args, kwargs)
            return self._json2_call(model, method, named, idempotent=is_idempotent(method, args))
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

    def _json2_call(
        self, model: str, method: str, arguments: Mapping[str, Any], *, idempotent: bool
    ) -> Any:
        key = self.params.password.reveal()
        return self._run(
            f"json2 {model}.{method}",
            (_keys(arguments),),
            self._json2,
            lambda: self._json2.call(model, method, arguments, key),
            idempotent=idempotent,
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
        """A second connection for a parallel worker: same params, wire and uid, no new login."""
        other = OdooClient(self.params, sleep=self._sleep, clock=self._clock, rng=self._rng)
        other._uid = self._uid
        other._version = self._version
        other._wire = self._wire
        other._bearer_refused = self._bearer_refused
        other._access_method = self._access_method
        other.transport_hint = self.transport_hint
        return other

    def close(self) -> None:
        self._transport.close()
        self._json2.close()

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
        """One XML-RPC call (``common`` or ``object`` service)."""
        label = f"{service}.{method}"
        if service == "object" and len(shown) >= 5:
            label = f"{label} {shown[3]}.{shown[4]}"
        proxy = getattr(self._proxies[service], method)
        return self._run(
            label, shown, self._transport, lambda: proxy(*params), idempotent=idempotent
        )

    def _run(
        self,
        label: str,
        shown: tuple[Any, ...],
        channel: Any,
        send: Callable[[], Any],
        *,
        idempotent: bool,
    ) -> Any:
        """``send()`` with its failures classified and the transient ones retried; ``channel``
        (a transport) gives the sizes for the trace."""

        def attempt() -> Any:
            start = self._clock()
            try:
                result = send()
            except _CALL_ERRORS as exc:
                cause: BaseException = exc.cause if isinstance(exc, TransportFailure) else exc
                phase: Phase = exc.phase if isinstance(exc, TransportFailure) else "sent"
                error = classify(cause, phase=phase, url=self.url, timeout=self.params.timeout)
                self._trace(label, shown, channel, start, error=error)
                committed = may_have_committed(cause, phase=phase)
                raise AttemptFailed(
                    error, maybe_committed=committed, retry_after=retry_after(cause)
                ) from cause
            self._trace(label, shown, channel, start)
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
        self,
        label: str,
        shown: tuple[Any, ...],
        channel: Any,
        start: float,
        *,
        error: OdooError | None = None,
    ) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        ms = (self._clock() - start) * 1000
        args = ", ".join(_short(a) for a in shown)
        sizes = f"{channel.last_request_bytes} B -> {channel.last_response_bytes} B"
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
