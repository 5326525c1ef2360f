"""JSON-2's failures and the XML-RPC fault each one stands for.

Odoo 19's JSON-2 answers an error with an HTTP status and ``{name, message, arguments, context,
debug}`` (odoo19-observations "The JSON-2 API"; odoo-facts §1.5, §2): ``UserError`` and
``ValidationError`` 422, ``AccessError`` 403, ``MissingError`` 404, werkzeug's own errors (401 bad
key, 404 unknown model or method, 422 arguments that do not bind) and 500 for anything else (a
``ValueError``, a psycopg2 serialization failure). Over XML-RPC the same exceptions are fault 2
(``UserError`` and its kin), fault 4 (access), fault 1 (anything else, with the traceback). So
that both transports classify alike (SPEC §8), :func:`equivalent_fault` turns a JSON-2 error into
the XML-RPC fault the same failure gives, and :mod:`odoosync.odoo.faults` reads that. Pure
functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class Json2Error(Exception):
    """A JSON-2 answer that is not 200: ``body`` is Odoo's error object when the answer is
    Odoo's own JSON (it has ``name`` and ``message``), else None (a proxy's page, werkzeug's
    HTML 404 for an unknown database); ``snippet`` is the start of the raw body."""

    def __init__(
        self,
        status: int,
        reason: str,
        *,
        path: str,
        database: str | None,
        body: Mapping[str, Any] | None,
        snippet: str = "",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        shown = f"{body.get('name')}: {body.get('message')}" if body else snippet[:80]
        super().__init__(f"HTTP {status} {reason} for {path}: {shown}")
        self.status = status
        self.reason = reason
        self.path = path
        self.database = database
        self.body = body
        self.snippet = snippet
        self.headers = dict(headers or {})

    @property
    def name(self) -> str:
        """The exception's qualified name (``odoo.exceptions.ValidationError``), or ``""``."""
        return str(self.body.get("name") or "") if self.body else ""

    @property
    def message(self) -> str:
        return str(self.body.get("message") or "") if self.body else ""

    @property
    def from_odoo(self) -> bool:
        """Whether Odoo itself answered (and so rolled the call's transaction back)."""
        return self.body is not None


def odoo_error_body(data: Any) -> Mapping[str, Any] | None:
    """``data`` when it is Odoo's JSON-2 error object, else None."""
    if isinstance(data, Mapping) and isinstance(data.get("name"), str) and "message" in data:
        return data
    return None


#: odoo.exceptions whose XML-RPC fault code is 2 (``UserError`` and its subclasses)
_USER_ERRORS = frozenset(
    {"UserError", "ValidationError", "MissingError", "RedirectWarning", "LockError", "CacheMiss"}
)
_ACCESS_ERRORS = frozenset({"AccessError"})


def equivalent_fault(exc: Json2Error) -> tuple[int, str] | None:
    """``(fault code, fault string)`` the same failure gives over ``/xmlrpc/2``, or None when
    the answer is not Odoo's (an HTTP-level failure) or is about the key (401: handled apart).

    Fault 1's string is a traceback over XML-RPC: JSON-2's ``debug`` when it holds one, else
    ``<Exception>: <message>``; faults 2 and 4 carry the bare message, as over XML-RPC.
    """
    if exc.body is None or exc.status == 401:
        return None
    qualified = exc.name
    short = qualified.rsplit(".", 1)[-1]
    message = exc.message
    if qualified.startswith("odoo.exceptions."):
        if short in _ACCESS_ERRORS or short == "AccessDenied" or exc.status == 403:
            return 4, message
        if short in _USER_ERRORS or exc.status in (404, 409, 422):
            return 2, message
    if qualified.startswith("werkzeug.exceptions."):
        # the route's own refusals (unknown model or method, arguments that do not bind):
        # fault 1 or 2 over XML-RPC; the text is what matters to the classification
        unknown_model = exc.status == 404 and message.startswith("the model ")
        return (2 if unknown_model else 1), message
    debug = str(exc.body.get("debug") or "") if exc.body else ""
    if "Traceback (most recent call last)" in debug:
        return 1, debug
    exception = qualified.removeprefix("builtins.") or "Exception"
    return 1, f"{exception}: {message}"
