"""Odoo 19's JSON-2 API: ``POST /json/2/<model>/<method>`` (odoo19-observations "The JSON-2 API",
odoo-variants-stock-observations "JSON-2 on Odoo 19", odoo-facts §2).

A request names every argument: ``ids`` (the records, none for ``@api.model`` methods),
``context``, and the method's own parameters by their Python names (``vals_list``, ``domain``...).
The caller is the owner of the ``Authorization: bearer <API key>``; ``X-Odoo-Database`` is
optional. One transaction per request; the answer is the method's value as JSON (recordsets as
lists of ids, so ``create`` always answers a list). The checks run in the order of Odoo's
``Json2Dispatcher`` and ``addons/rpc/controllers/json2.py``: database, route, body type,
bearer key, body parsing, model, method, ``ids`` on a model method, argument binding, the call.
Errors are described in :mod:`odoosync.sandbox.json2_errors`.

Calls go through the same counters, latency and injected faults as the XML-RPC side
(``control.py``), keyed ``"<model>.<method>"``.
"""

from __future__ import annotations

import inspect
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from odoosync.sandbox import faults as F
from odoosync.sandbox.control import HTTP_STATUS, HTTP_STATUS_AFTER_COMMIT
from odoosync.sandbox.cost import BEARER as BEARER_AUTH
from odoosync.sandbox.json2_errors import (
    HttpError,
    Reply,
    html_page,
    http_error_reply,
    json_reply,
    odoo_error_reply,
)
from odoosync.sandbox.methods import BaseModel, available_methods, check_context, method_kind
from odoosync.sandbox.orm import Env, as_ids
from odoosync.sandbox.versions import version_info

if TYPE_CHECKING:
    from odoosync.sandbox.server import SandboxApp

RPC_ROUTE = re.compile(r"^/json/2/([^/]+)/([^/]+)$")
BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)
DID_YOU_MEAN = "Did you mean POST /json/2/<model>/<method>?"
NO_KEY = "User not authenticated, use an API Key with a Bearer Authorization header."
BAD_KEY = "Invalid apikey"
WWW_AUTHENTICATE = (("WWW-Authenticate", "Bearer"),)
NOT_FOUND_PAGE = (
    "The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again."
)
FIRST_VERSION = 19


# Odoo 19's signatures, for binding the named arguments as ``inspect.signature(func).bind``
# does (a wrong or missing name is a 422, not a call). Methods not listed bind against the
# sandbox's own ``BaseModel`` method.
def _search(self: Any, domain: Any, offset: int = 0, limit: Any = None, order: Any = None) -> None:
    """models.py ``search`` (18+: no ``count``)."""


def _search_count(self: Any, domain: Any, limit: Any = None) -> None:
    """models.py ``search_count``."""


def _search_read(
    self: Any,
    domain: Any = None,
    fields: Any = None,
    offset: int = 0,
    limit: Any = None,
    order: Any = None,
    **read_kwargs: Any,
) -> None:
    """models.py ``search_read``."""


def _name_search(
    self: Any, name: str = "", domain: Any = None, operator: str = "ilike", limit: int = 100
) -> None:
    """models.py ``name_search`` (18+: ``domain``, not ``args``)."""


ODOO19_SIGNATURES: dict[str, Callable[..., None]] = {
    "search": _search,
    "search_count": _search_count,
    "search_read": _search_read,
    "name_search": _name_search,
}


def serves(app: SandboxApp, path: str) -> bool:
    """Whether ``path`` belongs to this module: ``/json/2...`` and ``/web/version`` from 19."""
    if app.store.version < FIRST_VERSION:
        return False  # 16-18 have no such route: werkzeug's 404 page (server.py)
    return path in {"/json/2", "/web/version"} or path.startswith("/json/2/")


def answer(app: SandboxApp, verb: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
    """The reply to one HTTP request on a path :func:`serves` accepts (``headers`` keyed by
    lower-case name)."""
    database = headers.get("x-odoo-database")
    if database is not None and database != app.database:
        return html_page(404, NOT_FOUND_PAGE)
    if path == "/web/version":
        if verb != "GET":
            return html_page(404, NOT_FOUND_PAGE)
        return json_reply({"version_info": _version_info(app), "version": app.version})
    mimetype = (headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    if body and mimetype != "application/json":
        return html_page(
            400,
            "Request inferred type is compatible with [&#39;http&#39;] but "
            "&#39;json2&#39; was forced by the route.",
        )
    match = RPC_ROUTE.match(path)
    if verb != "POST" or match is None:
        return http_error_reply(HttpError(404, DID_YOU_MEAN, "not_found"))
    model, method = unquote(match.group(1)), unquote(match.group(2))
    return _rpc(app, model, method, headers, body)


def _version_info(app: SandboxApp) -> list[Any]:
    return version_info(app.version)


def _rpc(
    app: SandboxApp, model: str, method: str, headers: Mapping[str, str], body: bytes
) -> Reply:
    """Count, delay and inject as ``SandboxApp.handle`` does, then authenticate and call; the
    cost model charges it as a bearer-key call."""
    app.biller.open(auth=BEARER_AUTH)
    try:
        return _rpc_billed(app, model, method, headers, body)
    finally:
        app.biller.settle(app.control)


def _rpc_billed(
    app: SandboxApp, model: str, method: str, headers: Mapping[str, str], body: bytes
) -> Reply:
    control = app.control
    key = f"{model}.{method}"
    control.count(key, protocol="json2")
    started = time.perf_counter()
    if control.latency_ms:
        control.sleep(control.latency_ms / 1000.0)
        started = time.perf_counter()
    rule = control.take(model, method)
    if rule is not None and rule.kind in HTTP_STATUS:
        return proxy_page(*HTTP_STATUS[rule.kind])
    if rule is not None and rule.kind == "timeout":
        time.sleep(rule.hang_seconds)
        started = time.perf_counter()
    try:
        uid, role = _bearer(app, headers)
        params = _parse(body)
        if rule is not None and rule.kind == "fault":
            raise F.injected_fault(method_kind(method), method)
        if rule is not None and rule.kind == "serialization":
            raise F.serialization_failure(method_kind(method), method)
        app.biller.note_key(key)
        result = call(app, uid, role, model, method, params)
        if rule is not None and rule.kind == "lost_response":
            return Reply(close=True)
        if rule is not None and rule.kind in HTTP_STATUS_AFTER_COMMIT:
            return proxy_page(*HTTP_STATUS_AFTER_COMMIT[rule.kind])
        return json_reply(result)
    except HttpError as exc:
        return http_error_reply(exc)
    except F.OdooException as exc:
        return odoo_error_reply(exc)
    finally:
        control.record_time(key, time.perf_counter() - started)


def proxy_page(code: int, reason: str) -> Reply:
    """The same page the XML-RPC side answers for an injected proxy error."""
    page = f"<html><body><h1>{code} {reason}</h1></body></html>\n".encode()
    return Reply(status=code, body=page, content_type="text/html", reason_text=reason)


def _bearer(app: SandboxApp, headers: Mapping[str, str]) -> tuple[int, str]:
    """``ir.http._auth_method_bearer``: the key's owner, or 401 with ``WWW-Authenticate``."""
    header = headers.get("authorization")
    match = BEARER.match(header) if header else None
    if match is None:
        raise HttpError(401, NO_KEY, "auth", WWW_AUTHENTICATE)
    owner = app.accounts.key_owner(match.group(1).strip())
    if owner is None:
        raise HttpError(401, BAD_KEY, "auth", WWW_AUTHENTICATE)
    return owner


def _parse(body: bytes) -> dict[str, Any]:
    """The named arguments; a body that is JSON but not an object counts as none (Odoo's
    ``self.jsonrequest | args`` fails and keeps only the path's)."""
    if not body:
        return {}
    try:
        data = json.loads(body.decode("utf-8", errors="replace"))
    except ValueError as exc:
        raise HttpError(400, f"could not parse the body as json: {exc.args[0]}", "parse") from exc
    return dict(data) if isinstance(data, dict) else {}


def call(
    app: SandboxApp, uid: int, role: str, model: str, method: str, params: dict[str, Any]
) -> Any:
    """``web_json_2_rpc``: find the model and public method, bind, call in one transaction."""
    kwargs = {k: v for k, v in params.items() if k not in {"model", "method", "ids", "context"}}
    raw_ids = params.get("ids") or ()
    context = params.get("context") or {}
    if model not in app.store.specs:
        raise HttpError(404, f"the model {model!r} does not exist", "model")
    if not isinstance(context, dict):
        raise F.python_error(
            ValueError("dictionary update sequence element #0 has length 1; 2 is required"),
            "model",
            method,
        )
    if method.startswith("_"):
        raise F.AccessError(
            f"Private methods (such as '{model}.{method}') cannot be called remotely."
        )
    if method not in available_methods(app.store.version, model):
        raise HttpError(404, f"The method '{model}.{method}' does not exist", "method")
    kind = method_kind(method)
    if kind in {"model", "create"} and raw_ids:
        raise HttpError(422, f"cannot call {model}.{method} with ids", "ids")
    ids = as_ids(raw_ids)
    _bind(method, kwargs)

    def work() -> Any:
        env = Env(app.store, uid, {}, role).with_context(**context)
        check_context(env)
        func: Callable[..., Any] = getattr(BaseModel(env, model, ids), method)
        try:
            result = func(**kwargs)
        except F.OdooException:
            raise
        except (TypeError, ValueError, AttributeError, IndexError, KeyError) as exc:
            raise F.python_error(exc, kind, method) from exc
        if kind == "create" and isinstance(result, int):
            return [result]  # a recordset of one: its ids
        return result

    return app.in_transaction(model, method, work, [ids] if ids else [], context)


def _bind(method: str, kwargs: dict[str, Any]) -> None:
    """422 ``UnprocessableEntity`` with Python's own message, as ``signature.bind`` gives."""
    target = ODOO19_SIGNATURES.get(method) or getattr(BaseModel, method)
    try:
        inspect.signature(target).bind(None, **kwargs)
    except TypeError as exc:
        raise HttpError(422, str(exc.args[0]), "bind") from exc


__all__: Sequence[str] = ("Reply", "answer", "call", "serves")
