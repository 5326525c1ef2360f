"""How Odoo 19's JSON-2 API reports errors: an HTTP status and ``{name, message, arguments,
context, debug}`` (odoo19-observations "The JSON-2 API"; odoo-facts §1.5, §2).

Odoo's ``Json2Dispatcher.handle_error`` picks the status from the exception: ``UserError`` and
its subclasses carry ``http_status`` (UserError/ValidationError 422, AccessError/AccessDenied 403,
MissingError 404); werkzeug's HTTP exceptions carry their code and get ``arguments`` =
``[description, code]``; anything else is 500. ``name`` is the exception's ``module.Class``
(``builtins.ValueError``), ``debug`` the formatted traceback, whose last line is what a real
server prints (the frames above it are the sandbox's approximation of Odoo 19's).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from odoosync.sandbox import faults as F
from odoosync.sandbox.faults import _code_frame, _frame

JSON_TYPE = "application/json; charset=utf-8"
#: werkzeug's reason phrases, upper-cased as werkzeug's ``Response.status`` writes them
REASONS = {
    200: "OK",
    400: "BAD REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT FOUND",
    422: "UNPROCESSABLE ENTITY",
    500: "INTERNAL SERVER ERROR",
}
#: werkzeug's ``HTTPException.name`` per code (``str(exc)`` is ``"<code> <name>: <description>"``)
HTTP_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    404: "NotFound",
    422: "UnprocessableEntity",
}
_TITLES = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 422: "Unprocessable Entity"}

_SERVE = [
    _code_frame("<odoo>/odoo/http.py", 2597, "__call__", "response = request._serve_db()"),
    _code_frame(
        "<odoo>/odoo/http.py", 2183, "_serve_db", "return service_model.retrying(serve_func, env)"
    ),
    _code_frame("<odoo>/odoo/service/model.py", 184, "retrying", "result = func()"),
]
_DISPATCH = [
    *_SERVE,
    _code_frame(
        "<odoo>/odoo/http.py",
        2230,
        "_serve_ir_http",
        "response = self.dispatcher.dispatch(rule.endpoint, args)",
    ),
]
_ENDPOINT = [
    *_DISPATCH,
    _code_frame(
        "<odoo>/odoo/http.py",
        2418,
        "dispatch",
        "result = self.request.registry['ir.http']._dispatch(endpoint)",
    ),
    _code_frame(
        "<odoo>/odoo/addons/base/models/ir_http.py",
        333,
        "_dispatch",
        "result = endpoint(**request.params)",
    ),
    _code_frame(
        "<odoo>/odoo/http.py", 754, "route_wrapper", "result = endpoint(self, *args, **params_ok)"
    ),
]
#: where each JSON-2 failure is raised: frames below ``_SERVE`` (lines of addons/rpc json2.py)
FRAMES = {
    "auth": [
        *_SERVE,
        _code_frame(
            "<odoo>/odoo/http.py", 2222, "_serve_ir_http", "ir_http._authenticate(rule.endpoint)"
        ),
        _code_frame(
            "<odoo>/odoo/addons/base/models/ir_http.py",
            264,
            "_authenticate",
            "cls._authenticate_explicit(auth)",
        ),
        _code_frame(
            "<odoo>/odoo/addons/base/models/ir_http.py",
            276,
            "_authenticate_explicit",
            "getattr(cls, f'_auth_method_{auth}')()",
        ),
        _frame(
            "<odoo>/odoo/addons/base/models/ir_http.py",
            242,
            "_auth_method_bearer",
            "raise werkzeug.exceptions.Unauthorized(",
        ),
    ],
    "parse": [
        *_DISPATCH,
        _frame("<odoo>/odoo/http.py", 2410, "dispatch", "raise BadRequest(e) from exc"),
    ],
    "not_found": [
        *_ENDPOINT,
        _frame(
            "<odoo>/addons/rpc/controllers/json2.py",
            47,
            "web_json_2_404",
            "raise request.not_found(e)",
        ),
    ],
    "model": [
        *_ENDPOINT,
        _frame("<odoo>/addons/rpc/controllers/json2.py", 69, "web_json_2_rpc", "raise NotFound(e)"),
    ],
    "method": [
        *_ENDPOINT,
        _frame(
            "<odoo>/addons/rpc/controllers/json2.py",
            74,
            "web_json_2_rpc",
            "raise NotFound(exc.args[0]) from exc",
        ),
    ],
    "ids": [
        *_ENDPOINT,
        _frame(
            "<odoo>/addons/rpc/controllers/json2.py",
            77,
            "web_json_2_rpc",
            "raise UnprocessableEntity(e)",
        ),
    ],
    "bind": [
        *_ENDPOINT,
        _frame(
            "<odoo>/addons/rpc/controllers/json2.py",
            84,
            "web_json_2_rpc",
            "raise UnprocessableEntity(exc.args[0])",
        ),
    ],
    "call": [
        *_ENDPOINT,
        _code_frame(
            "<odoo>/addons/rpc/controllers/json2.py",
            86,
            "web_json_2_rpc",
            "result = func(records, **kwargs)",
        ),
    ],
}


class HttpError(Exception):
    """A ``werkzeug.exceptions.HTTPException`` raised inside a JSON-2 request."""

    def __init__(
        self, code: int, description: str, where: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.where = where
        self.headers = headers


@dataclass
class Reply:
    """One HTTP answer of the JSON-2 side (``close``: drop the connection instead)."""

    status: int = 200
    body: bytes = b""
    content_type: str = JSON_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)
    close: bool = False
    #: the reason phrase when not werkzeug's (injected proxy errors)
    reason_text: str = ""

    @property
    def reason(self) -> str:
        return self.reason_text or REASONS.get(self.status, "")


def json_reply(
    value: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Reply:
    """``request.make_json_response``: UTF-8, non-ASCII kept (``ensure_ascii=False``)."""
    body = json.dumps(value, ensure_ascii=False, default=_json_default).encode()
    return Reply(status=status, body=body, headers=headers or [])


def _json_default(value: Any) -> Any:
    """Odoo's ``json_default``: dates as strings, bytes decoded, anything else ``str``."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def html_page(code: int, description: str) -> Reply:
    """werkzeug's own error page (no JSON): unknown ``X-Odoo-Database``, a non-JSON body."""
    title = _TITLES[code]
    body = (
        f"<!doctype html>\n<html lang=en>\n<title>{code} {title}</title>\n<h1>{title}</h1>\n"
        f"<p>{description}</p>\n"
    ).encode()
    return Reply(status=code, body=body, content_type="text/html; charset=utf-8")


def _traceback(frames: list[str], last_line: str) -> str:
    return "Traceback (most recent call last):\n" + "".join(f"{f}\n" for f in frames) + last_line


def http_error_reply(exc: HttpError) -> Reply:
    """werkzeug exceptions: ``arguments`` = [description, code], the header(s) they set."""
    qualified = f"werkzeug.exceptions.{HTTP_NAMES[exc.code]}"
    last = f"{qualified}: {exc.code} {_TITLES[exc.code]}: {exc.description}\n"
    body = {
        "name": qualified,
        "message": exc.description,
        "arguments": [exc.description, exc.code],
        "context": {},
        "debug": _traceback(FRAMES[exc.where], last),
    }
    return json_reply(body, exc.code, list(exc.headers))


def odoo_error_reply(exc: F.OdooException) -> Reply:
    """An exception raised by the model method (or the injected faults)."""
    if isinstance(exc, F.UserError):
        name = "ValidationError" if isinstance(exc, F.NotNullViolation) else type(exc).__name__
        qualified = f"odoo.exceptions.{name}"
        message = exc.message
        status = _user_error_status(exc)
        last = f"{qualified}: {message}\n"
    elif isinstance(exc, F.ServerError):
        cls, _, message = exc.exception_line.partition(": ")
        message = message.rstrip("\n") if message else exc.exception_line
        qualified = cls if "." in cls else f"builtins.{cls}"
        status = 500
        last = f"{cls}: {message}\n"
    else:
        qualified, message, status = "builtins.Exception", str(exc), 500
        last = f"Exception: {message}\n"
    body = {
        "name": qualified,
        "message": message,
        "arguments": [message],
        "context": {},
        "debug": _traceback(FRAMES["call"], last),
    }
    return json_reply(body, status)


def _user_error_status(exc: F.UserError) -> int:
    """``http_status`` of odoo.exceptions (odoo-facts §1.5, 17+)."""
    if isinstance(exc, F.MissingError):
        return 404
    if isinstance(exc, (F.AccessError, F.AccessDenied)):
        return 403
    return 422
