"""Sort every failure of an Odoo call into the typed errors of :mod:`odoosync.errors`.

Pure functions, no I/O: :func:`classify` turns an exception raised while calling Odoo (an XML-RPC
``Fault``, an HTTP ``ProtocolError``, a socket or TLS error, a timeout) into an ``OdooError``.
Reading a fault's text into SPEC §2.2 ``error_details`` (:func:`fault_details`,
:func:`details_from_load_message`, :func:`resolve_field_label`, :func:`odoo_message`) lives in
:mod:`odoosync.odoo.fault_text`; those names are re-exported here. The fault texts they
recognise are those recorded from real Odoo 17 and 19 servers (``odoo17-observations.md``,
``odoo19-observations.md``) and the legacy ``/xmlrpc`` endpoint's string fault codes.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import xmlrpc.client
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit, urlunsplit
from xml.parsers.expat import ExpatError

from odoosync.errors import (
    AuthenticationError,
    CallTimeout,
    DatabaseNotFound,
    NetworkError,
    OdooError,
    OdooFault,
    OdooUnreachable,
    PermissionDenied,
    ProtocolFailure,
    TLSError,
    TransientError,
)
from odoosync.odoo.fault_text import (
    bounded_fault_text,
    fault_details,
    normalise_fault,
    odoo_message,
)
from odoosync.odoo.json2_faults import Json2Error, equivalent_fault

#: "connect": the failure happened before the request left (nothing reached Odoo);
#: "sent": the request was (maybe) sent, so Odoo may have acted on it.
Phase = Literal["connect", "sent"]

#: HTTP statuses worth retrying (proxies in front of Odoo: restarts, overload, rate limits)
TRANSIENT_HTTP = frozenset({429, 502, 503, 504})
#: of those, statuses that say the request was not processed (RFC 9110 §15.6.4, RFC 6585 §4)
NOT_PROCESSED_HTTP = frozenset({429, 503})

#: fault 1 when Odoo's PostgreSQL connection broke: the transaction was rolled back, a server
#: problem worth retrying (not something about the data of the call)
_DATABASE_LOST = re.compile(
    r"psycopg2\.(?:OperationalError|InterfaceError): (?:server closed the connection"
    r"|could not connect to server|connection already closed|terminating connection"
    r"|SSL connection has been closed)",
    re.IGNORECASE,
)
_SERIALIZATION = re.compile(
    r"SerializationFailure|could not serialize access|deadlock detected|LockNotAvailable"
    r"|DeadlockDetected|could not obtain lock",
    re.IGNORECASE,
)
_DB_MISSING = re.compile(r'database "(?P<db>[^"]*)" does not exist')
_COOLDOWN = "Too many login failures"

_ACCESS_DENIED_MESSAGE = (
    "Access Denied: check the username and password or API key, "
    "and that the user has XML-RPC access."
)
_TLS_HINT = (
    "If the server uses a private certificate authority, set ca_bundle in the profile; "
    "verify_tls = false turns the check off (only for trusted test servers)."
)


#: what Odoo 16+ accepts in one request body (``DEFAULT_MAX_CONTENT_LENGTH``, odoo-facts §1.1)
ODOO_MAX_REQUEST_BYTES = 128 * 1024 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class UnexpectedResponse(Exception):
    """HTTP 200 whose body is not XML-RPC (an HTML login page, a proxy's splash page)."""

    def __init__(self, content_type: str, snippet: str) -> None:
        super().__init__(f"answer of type {content_type or 'unknown'}: {snippet[:80]!r}")
        self.content_type = content_type
        self.snippet = snippet


class ProxyRefused(OdooUnreachable):
    """The HTTP(S) proxy refused the request (407, or a ``CONNECT`` it would not open): Odoo
    is unreachable (exit 5), and trying again would not help, so it is not retried."""

    error_code = "NETWORK"


class RequestTooLarge(OdooFault):
    """The request body is over what Odoo or its proxy accepts (HTTP 413, or over Odoo's
    128 MiB before sending). An ``OdooFault``: the engine splits the batch, as for any fault
    about the data of one call, until the product whose images are too big stands alone."""


def redact_url(url: str) -> str:
    """``url`` without a ``user:password@`` part (the password must never be shown)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


def retry_after(exc: BaseException) -> float | None:
    """Seconds a 429/503 answer's ``Retry-After`` asks to wait (delta or HTTP date), else None."""
    if not isinstance(exc, xmlrpc.client.ProtocolError | Json2Error):
        return None
    value = _header(exc.headers, "retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _header(headers: Any, name: str) -> str | None:
    if not headers:
        return None
    try:
        items = headers.items()
    except AttributeError:
        return None
    for key, value in items:
        if str(key).lower() == name:
            return str(value)
    return None


def _suggested_base(location: str, where: str) -> str | None:
    """The base url a redirect's ``Location`` points at (scheme and host, without /web...)."""
    target = urlsplit(urljoin(where if "://" in where else f"http://{where}", location))
    if not target.scheme or not target.hostname:
        return None
    return urlunsplit((target.scheme, target.netloc.rsplit("@", 1)[-1], "", "", ""))


# --------------------------------------------------------------------------------------------
# exception -> OdooError


def classify(
    exc: BaseException,
    *,
    phase: Phase,
    url: str | None = None,
    timeout: float | None = None,
) -> OdooError:
    """The typed error for ``exc``, raised while calling Odoo at ``url``.

    ``phase`` says whether the request had been sent; ``url`` and ``timeout`` only make the
    message more precise. Never raises; an exception it does not know becomes a plain
    ``OdooError`` naming its type.
    """
    where = url or "the Odoo server"
    if isinstance(exc, OdooError):
        return exc
    if isinstance(exc, xmlrpc.client.Fault):
        return classify_fault(exc.faultCode, exc.faultString)
    if isinstance(exc, xmlrpc.client.ProtocolError):
        return _from_http_status(exc.errcode, exc.errmsg, where, exc.headers, retry_after(exc))
    if isinstance(exc, Json2Error):
        return _from_json2(exc, where)
    if isinstance(exc, UnexpectedResponse):
        return _unexpected_response(exc, where)
    if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError) and phase == "sent":
        return TransientError(
            f"The TLS connection to {where} was closed before Odoo answered: the server or a "
            "proxy dropped it; retry later."
        )
    if isinstance(exc, ssl.SSLError | ssl.CertificateError):
        reason = getattr(exc, "verify_message", None) or getattr(exc, "reason", None) or exc
        if "mismatch" in str(reason).lower():
            return TLSError(
                f"TLS handshake with {where} failed ({reason}): the certificate names another "
                "host. Put the host name the certificate was issued for in the profile's url.",
                hint="ca_bundle does not help here; verify_tls = false turns the check off "
                "(only for trusted test servers).",
            )
        return TLSError(f"TLS handshake with {where} failed ({reason}).", hint=_TLS_HINT)
    if isinstance(exc, TimeoutError | socket.timeout):
        limit = f"{timeout:g} s" if timeout is not None else "the configured timeout"
        if phase == "connect":
            return CallTimeout(
                f"Could not connect to {where} within {limit}: check the URL and that the "
                "server is reachable from this machine."
            )
        return CallTimeout(
            f"Odoo at {where} did not answer within {limit}: the server is busy or the call "
            "is too big; retry later, lower batch_size, or raise the profile's timeout."
        )
    if isinstance(exc, socket.gaierror):
        return NetworkError(
            f"Cannot resolve the host of {where} ({exc.strerror or exc}): check the profile's url."
        )
    if isinstance(exc, ConnectionRefusedError):
        return NetworkError(
            f"Connection refused by {where}: check the URL and port, and that Odoo is running."
        )
    # RemoteDisconnected is both a ConnectionResetError and a BadStatusLine: test it first
    if isinstance(
        exc, http.client.RemoteDisconnected | ConnectionError | http.client.IncompleteRead
    ):
        return TransientError(
            f"The connection to {where} was closed before Odoo answered "
            f"({type(exc).__name__}): the server or a proxy dropped it; retry later."
        )
    if isinstance(exc, http.client.HTTPException | ExpatError | xmlrpc.client.ResponseError):
        return ProtocolFailure(
            f"{where} did not answer like an Odoo XML-RPC endpoint ({type(exc).__name__}): "
            "check the profile's url (the server's base address, without /web or /xmlrpc)."
        )
    if isinstance(exc, OSError) and str(exc).startswith("Tunnel connection failed"):
        # http.client's CONNECT through HTTPS_PROXY was refused (407, 403, 502...)
        return ProxyRefused(
            f"The proxy refused to open a tunnel to {where} ({str(exc).split(': ', 1)[-1]}): "
            "check HTTPS_PROXY (and its user and password), or list the Odoo host in NO_PROXY."
        )
    if isinstance(exc, OSError):
        return NetworkError(
            f"Network error talking to {where} ({exc.strerror or exc}): check the URL and "
            "the network between this machine and Odoo."
        )
    return OdooError(f"Unexpected failure talking to {where}: {type(exc).__name__}: {exc}")


def may_have_committed(exc: BaseException, *, phase: Phase) -> bool:
    """Whether Odoo may have committed the change of the call that failed with ``exc``.

    False before sending; False when Odoo answered with a fault (it rolls the transaction back)
    or a proxy said it did not process the request (429, 503); True for everything else after
    the request left: a reset, a timeout, a lost response, 502 or 504.
    """
    if phase == "connect":
        return False
    if isinstance(exc, xmlrpc.client.Fault):
        return False
    if isinstance(exc, Json2Error):
        # Odoo's own error answer: the call's transaction was rolled back
        return not exc.from_odoo and exc.status not in NOT_PROCESSED_HTTP
    return not (isinstance(exc, xmlrpc.client.ProtocolError) and exc.errcode in NOT_PROCESSED_HTTP)


def _from_json2(exc: Json2Error, where: str) -> OdooError:
    """A JSON-2 error, classified like the same failure over XML-RPC (SPEC §8)."""
    if exc.status == 401:
        return AuthenticationError(
            f"Odoo refused the API key ({exc.message or exc.reason}): check that the profile's "
            "secret is a valid API key of its user (Preferences → Account Security), not expired "
            "or revoked.",
            fault_code=3,
            odoo_message=exc.message or None,
        )
    fault = equivalent_fault(exc)
    if fault is not None:
        return classify_fault(*fault)
    if exc.status == 404 and exc.path.startswith("/json/2/"):
        # werkzeug's HTML page: X-Odoo-Database names no database this server serves
        db = exc.database or "?"
        return DatabaseNotFound(
            f'Database "{db}" was not found at {where}: check the profile\'s database (the '
            "exact name, case-sensitive).",
        )
    if exc.status == 404:
        return ProtocolFailure(
            f"{where} does not serve Odoo's JSON-2 API ({exc.path} answered HTTP 404; it needs "
            'Odoo 19 or later): set transport = "xmlrpc" or "auto" in the profile, or check '
            "its url (the server's base address).",
        )
    return _from_http_status(exc.status, exc.reason, where, exc.headers, retry_after(exc))


def _from_http_status(
    status: int, reason: str, where: str, headers: Any = None, wait: float | None = None
) -> OdooError:
    if status in TRANSIENT_HTTP:
        what = "too many requests" if status == 429 else "the server or a proxy is unavailable"
        asked = f"; it asked to wait {wait:g} s" if wait is not None else ""
        return TransientError(
            f"{where} answered HTTP {status} {reason} ({what}{asked}); odoosync retries these, "
            "and if it persists, try again later."
        )
    if status == 407:
        return ProxyRefused(
            f"The proxy between this machine and {where} refused the request: HTTP 407 {reason}. "
            "Check the user and password in HTTPS_PROXY/HTTP_PROXY "
            "(http://user:password@proxy:port), or list the Odoo host in NO_PROXY."
        )
    if status == 413:
        text = f"HTTP 413 {reason}: the request is too large for the server or its proxy"
        return RequestTooLarge(
            f"{where} answered {text}; lower batch_size, send fewer or smaller images at once, "
            "or raise the proxy's limit (nginx client_max_body_size).",
            details={"odoo_error_code": "VALIDATION_ERROR", "odoo_message": text},
        )
    if status in _REDIRECTS:
        location = _header(headers, "location") or ""
        base = _suggested_base(location, where) if location else None
        current = _suggested_base("/", where)
        if "/web/login" in location or urlsplit(location).path.rstrip("/") == "/odoo":
            why = (
                "to Odoo's web login page: the url is not the server's XML-RPC base address, or "
                "the database is not served at this address"
            )
        else:
            why = f"to {redact_url(location) or 'another address'}"
        suggestion = (
            f"Set the profile's url to {base}."
            if base and base != current
            else "Set the profile's url to the server's base address, e.g. "
            "https://yourcompany.odoo.com (https, no path)."
        )
        return ProtocolFailure(
            f"{where} answered HTTP {status} {reason}, a redirect {why} (XML-RPC calls cannot "
            f"follow redirects). {suggestion}"
        )
    return ProtocolFailure(
        f"{where} answered HTTP {status} {reason}: this is not an Odoo XML-RPC endpoint. "
        "Check the profile's url (the server's base address, e.g. https://yourcompany.odoo.com, "
        "without /web or /xmlrpc)."
    )


def _unexpected_response(exc: UnexpectedResponse, where: str) -> ProtocolFailure:
    kind = exc.content_type.split(";")[0].strip() or "an unknown type"
    title = re.search(r"<title[^>]*>(?P<t>[^<]{0,80})", exc.snippet, re.I)
    shown = f" titled {title['t'].strip()!r}" if title and title["t"].strip() else ""
    login = "login" in exc.snippet.lower()
    hint = (
        "It looks like a login page: the url probably has a path (/web, /odoo) or points at a "
        "proxy that wants a web login. "
        if login
        else ""
    )
    return ProtocolFailure(
        f"{where} answered with a page of {kind}{shown} instead of XML-RPC. {hint}Set the "
        "profile's url to the Odoo server's base address, e.g. https://yourcompany.odoo.com."
    )


def classify_fault(code: int | str, text: str) -> OdooError:
    """The typed error for an XML-RPC fault (integer codes of ``/xmlrpc/2``, string codes of
    the legacy ``/xmlrpc``). A huge text is cut before it is read (:func:`bounded_fault_text`)."""
    code, text = normalise_fault(code, bounded_fault_text(text))
    message = odoo_message(code, text)
    if code == 3:
        if _COOLDOWN in text:
            return AuthenticationError(
                "Odoo refused the login: too many failed attempts from this address. Wait a "
                "minute, then check the username and password or API key.",
                fault_code=code,
                odoo_message=message,
            )
        return AuthenticationError(_ACCESS_DENIED_MESSAGE, fault_code=code, odoo_message=message)
    if code == 4:
        first = message.split("\n", 1)[0].strip()
        return PermissionDenied(
            f"Odoo refused: {first} Ask an Odoo administrator to give the integration user "
            "the rights it needs.",
            fault_code=code,
            odoo_message=message,
        )
    if code == 1:
        db = _DB_MISSING.search(message)
        if db:
            return DatabaseNotFound(
                f'Database "{db["db"]}" does not exist on this server: check the profile\'s '
                "database (the exact name, case-sensitive) and that its url is the server's "
                "base address, without a trailing path.",
                fault_code=code,
                odoo_message=message,
            )
        if _DATABASE_LOST.search(message):
            return TransientError(
                "Odoo lost the connection to its database during the call (nothing was "
                "changed); odoosync retries the call. If it persists, Odoo's PostgreSQL server "
                "is down or restarting: ask the Odoo administrator.",
                fault_code=code,
                odoo_message=message,
            )
        if _SERIALIZATION.search(message):
            return TransientError(
                "Odoo could not serialize access because of a concurrent update, even after its "
                "own retries; odoosync retries the call. Avoid other writers on the same "
                "products if it persists.",
                fault_code=code,
                odoo_message=message,
            )
    details = fault_details(code, text)
    return OdooFault(
        _fault_summary(details, message), fault_code=code, odoo_message=message, details=details
    )


def _fault_summary(details: dict[str, Any], message: str) -> str:
    """One or two sentences for an ``OdooFault``: what Odoo refused and what to look at."""
    kind = details["odoo_error_code"]
    field = details.get("field")
    value = details.get("value")
    field = field or details.get("field_label")
    if kind == "UNIQUE_VIOLATION":
        if field is None:
            return f"Odoo refused a duplicate value: {message.splitlines()[0].strip()}"
        if field == "barcode":
            shown = f": {value} is already assigned to another product" if value else ""
        else:
            shown = f": {value} already exists in Odoo" if value else ""
        return f"Field '{field}' must be unique{shown}."
    if kind == "REQUIRED_FIELD_MISSING":
        return f"Field '{field or '?'}' is required in Odoo but has no value."
    if kind == "INVALID_VALUE" and field and value is None:
        model = details.get("model")
        on = f" on {model}" if model else ""
        return (
            f"Field '{field}' does not exist{on}: check mapping.toml "
            "(odoosync fields lists the fields)."
        )
    if kind == "INVALID_VALUE":
        if field:
            return f"Invalid value {value!r} for field '{field}'."
        return f"Invalid value {value!r}: Odoo expected a number."
    if kind == "MISSING_RECORD":
        model, ids = details.get("model"), details.get("ids")
        if model and ids:
            return f"Record {model} {', '.join(map(str, ids))} does not exist or has been deleted."
        return "A record this call refers to does not exist or has been deleted."
    if model := details.get("unknown_model"):
        return f"Odoo has no model {model!r}: check the model's technical name."
    first = message.split("\n", 1)[0].strip()
    return first or "Odoo refused the call."
