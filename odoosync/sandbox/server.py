"""The XML-RPC endpoints: ``/xmlrpc/2/{common,db,object}`` and legacy ``/xmlrpc/<service>``.

Routing, faults and marshalling follow odoo-facts §1: faults travel as HTTP 200 ``text/xml``
(integer codes on ``/xmlrpc/2``, string codes on the legacy route, §1.5), other paths get 404,
other HTTP methods 405; the result is marshalled *after* the commit, so a method returning None
changes the database and still answers fault 1 (§1.3, §1.6). One thread per connection, HTTP/1.1
keep-alive. From Odoo 19, ``/json/2/...`` and ``GET /web/version`` are answered by
:mod:`odoosync.sandbox.json2`.
"""

from __future__ import annotations

import re
import socket
import time
import xmlrpc.client
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

from odoosync.sandbox import faults as F
from odoosync.sandbox import json2
from odoosync.sandbox.auth import Accounts
from odoosync.sandbox.control import HTTP_STATUS, HTTP_STATUS_AFTER_COMMIT, Control
from odoosync.sandbox.cost import Biller, census, changes, created_with, products_changed
from odoosync.sandbox.methods import call_kw, method_kind
from odoosync.sandbox.orm import Env
from odoosync.sandbox.store import Store
from odoosync.sandbox.versions import version_info

T = TypeVar("T")
ROUTE = re.compile(r"^/xmlrpc/(?:(2)/)?([^/]+)/?$")
#: products' create/unlink clear Odoo's credential cache (observations, "Where the 400 ms ..."),
#: as does any other call that creates or deletes products (``load``, ``copy``)
CACHE_CLEARING = frozenset(
    {
        ("product.template", "create"),
        ("product.template", "unlink"),
        ("product.product", "create"),
        ("product.product", "unlink"),
    }
)


@dataclass
class Outcome:
    """What to send back: an XML body, an HTTP error status, or nothing (drop the link)."""

    body: bytes | None = None
    status: tuple[int, str] | None = None
    close: bool = False


class SandboxApp:
    """The services behind the routes; independent of HTTP so it can be called in-process."""

    def __init__(
        self,
        store: Store,
        accounts: Accounts,
        control: Control,
        *,
        database: str,
        version: str,
        data_path: Path | None = None,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.control = control
        self.database = database
        self.version = version
        self.data_path = data_path
        self.biller = Biller()
        accounts.on_hash = self.biller.note_hash

    # -- entry point ---------------------------------------------------------------------------

    def handle(self, service: str, body: bytes, *, legacy: bool, addr: str) -> Outcome:
        """Serve one XML-RPC request, then charge what it would cost on a real Odoo."""
        self.biller.open()
        try:
            return self._handle(service, body, legacy=legacy, addr=addr)
        finally:
            self.biller.settle(self.control)

    def _handle(self, service: str, body: bytes, *, legacy: bool, addr: str) -> Outcome:
        started = time.perf_counter()
        try:
            params, method = xmlrpc.client.loads(body, use_datetime=self.store.version >= 17)
        except Exception as exc:  # malformed XML: Odoo answers fault 1 too
            failure = F.malformed_request(exc, self.store.version, _fails_at_close(body))
            return self._fault(failure, legacy)
        method = method or ""
        model, meth = self._call_key(service, method, params)
        key = f"{model}.{meth}"
        self.control.count(key)
        if self.control.latency_ms:
            self.control.sleep(self.control.latency_ms / 1000.0)
            started = time.perf_counter()
        rule = self.control.take(model, meth)
        if rule is not None and rule.kind in HTTP_STATUS:
            return Outcome(status=HTTP_STATUS[rule.kind])
        if rule is not None and rule.kind == "timeout":
            time.sleep(rule.hang_seconds)
            started = time.perf_counter()
        try:
            if rule is not None and rule.kind in {"fault", "serialization"}:
                kind = method_kind(meth)
                if rule.kind == "fault":
                    raise F.injected_fault(kind, meth)
                raise F.serialization_failure(kind, meth)
            self.biller.note_key(key)
            result = self.dispatch(service, method, params, addr)
            if rule is not None and rule.kind == "lost_response":
                return Outcome(close=True)
            if rule is not None and rule.kind in HTTP_STATUS_AFTER_COMMIT:
                return Outcome(status=HTTP_STATUS_AFTER_COMMIT[rule.kind])
            return Outcome(body=self._marshal(result, legacy))
        except F.OdooException as exc:
            return self._fault(exc, legacy)
        finally:
            self.control.record_time(key, time.perf_counter() - started)

    def _call_key(self, service: str, method: str, params: tuple[Any, ...]) -> tuple[str, str]:
        if service == "object" and method == "execute_kw" and len(params) >= 5:
            return str(params[3]), str(params[4])
        if service == "object" and method == "execute" and len(params) >= 5:
            return str(params[3]), str(params[4])
        return service, method

    # -- services ------------------------------------------------------------------------------

    def dispatch(self, service: str, method: str, params: tuple[Any, ...], addr: str) -> Any:
        if service == "common":
            return self._common(method, params, addr)
        if service == "db":
            return self._db(method, params)
        if service == "object":
            return self._object(method, params, addr)
        raise F.ServerError(f"KeyError: {service!r}", F.RPC_FRAMES)

    def version_dict(self) -> dict[str, Any]:
        info = version_info(self.version)
        serie = f"{info[0]}.{info[1]}"
        return {
            "server_version": self.version,
            "server_version_info": info,
            "server_serie": serie,
            "protocol_version": 1,
        }

    def _common(self, method: str, params: tuple[Any, ...], addr: str) -> Any:
        if method == "version":
            return self.version_dict()
        if method == "about":
            extended = params[0] if params else False
            return (
                ["See http://openerp.com", self.version] if extended else ("See http://openerp.com")
            )
        if method in {"login", "authenticate"}:
            expected = 3 if method == "login" else 4
            if len(params) != expected:
                names = ["db", "login", "password", "user_agent_env"][len(params) : expected]
                raise F.ServerError(
                    f"TypeError: exp_{method}() missing {len(names)} required positional "
                    f"argument{'s' if len(names) > 1 else ''}: "
                    + " and ".join(repr(n) for n in names)
                    if names
                    else f"TypeError: exp_{method}() takes {expected} positional arguments but "
                    f"{len(params)} were given",
                    F.RPC_FRAMES,
                )
            db, login, password = params[0], params[1], params[2]
            if db != self.database:
                raise F.database_missing(str(db), "common")
            return self.accounts.authenticate(str(login), str(password), addr)
        raise F.ServerError(f"Exception: Method not found: {method}", F.RPC_FRAMES)

    def _db(self, method: str, params: tuple[Any, ...]) -> Any:
        if method == "list":
            return [self.database]
        if method == "db_exist":
            return bool(params) and params[0] == self.database
        if method == "server_version":
            return self.version
        if method == "list_lang":
            return [["en_US", "English (US)"]]
        if method in {
            "create_database",
            "duplicate_database",
            "drop",
            "dump",
            "restore",
            "change_admin_password",
            "rename",
            "migrate_databases",
            "list_countries",
        }:
            raise F.AccessDenied()
        raise F.ServerError(f"KeyError: 'Method not found: {method}'", F.RPC_FRAMES)

    def _object(self, method: str, params: tuple[Any, ...], addr: str) -> Any:
        if self.store.version >= 19 and len(params) < 5:  # 19 unpacks db..method first
            raise F.ServerError(
                f"ValueError: not enough values to unpack (expected at least 5, got {len(params)})",
                F.RPC_FRAMES,
            )
        if len(params) < 3:
            raise F.ServerError(
                f"ValueError: not enough values to unpack (expected 3, got {len(params)})",
                F.RPC_FRAMES,
            )
        db, raw_uid, password = params[0], params[1], params[2]
        try:
            uid = int(raw_uid)
        except (TypeError, ValueError) as exc:
            raise F.python_error(exc, "model", method) from exc
        if db != self.database:
            raise F.database_missing(str(db), "object")
        role = self.accounts.check(uid, str(password), addr)
        if method == "execute_kw":
            rest = list(params[3:])
            if len(rest) < 3:
                raise F.ServerError(
                    "TypeError: execute_kw() missing required positional arguments", F.RPC_FRAMES
                )
            model, meth, args = rest[0], rest[1], rest[2]
            kwargs = rest[3] if len(rest) > 3 and rest[3] else {}
        elif method == "execute":
            rest = list(params[3:])
            model, meth, args, kwargs = rest[0], rest[1], rest[2:], {}
        else:
            raise F.ServerError(f"NameError: Method not available {method}", F.RPC_FRAMES)
        if not isinstance(args, list):
            args = [args]
        return self.execute(uid, role, str(model), str(meth), args, dict(kwargs))

    def execute(
        self, uid: int, role: str, model: str, method: str, args: list[Any], kwargs: dict[str, Any]
    ) -> Any:
        """One object call in its own transaction (odoo-facts §1.3 "Per call")."""
        if method.startswith("_"):
            shown = f"'{model}.{method}'" if self.store.version >= 19 else method
            raise F.AccessError(f"Private methods (such as {shown}) cannot be called remotely.")
        if model not in self.store.specs:
            raise F.UserError(f"Object {model} doesn't exist")
        env = Env(self.store, uid, {}, role)
        context = kwargs.get("context")  # call_kw pops it
        return self.in_transaction(
            model, method, lambda: call_kw(env, model, method, args, kwargs), args, context
        )

    def in_transaction(
        self,
        model: str,
        method: str,
        work: Callable[[], T],
        billed_args: Sequence[Any] = (),
        context: Any = None,
    ) -> T:
        """Run ``work`` as one transaction (rolled back if it raises), then the after-commit
        effects: the credential cache, the data file, the cost model's note of the work done
        (``billed_args``: the call's positional arguments, ``context`` its context; XML-RPC and
        JSON-2 alike)."""
        with self.store.lock:
            before = census(self.store)
            with self.store.transaction():
                result = work()
            delta = changes(self.store, before)
            changed = products_changed(delta)
            barcoded = (
                created_with(self.store, before, "product.product", "barcode") if changed else 0
            )
            self._committed(model, method, changed)
        self.biller.note_work(
            model, method, list(billed_args), result, delta, barcoded=barcoded, context=context
        )
        return result

    def _committed(self, model: str, method: str, products_changed: bool = False) -> None:
        if (model, method) in CACHE_CLEARING or products_changed:
            self.accounts.clear_cache()
        if self.store.changed:
            self.store.changed = False
            if self.data_path is not None:
                self.store.save(self.data_path)

    # -- marshalling -----------------------------------------------------------------------------

    def _marshal(self, result: Any, legacy: bool) -> bytes:
        if result is None:
            return self._fault(F.marshal_none(), legacy).body or b""
        try:
            text = xmlrpc.client.dumps((result,), methodresponse=True, allow_none=False)
        except (TypeError, OverflowError) as exc:
            return self._fault(F.marshal_error(exc), legacy).body or b""
        return _odoo_header(text)

    def _fault(self, exc: F.OdooException, legacy: bool) -> Outcome:
        if isinstance(exc, F.ServerError):
            fault = (
                xmlrpc.client.Fault(_code(exc.message.rstrip("\n")), exc.traceback())
                if legacy
                else xmlrpc.client.Fault(1, exc.traceback())
            )
        elif isinstance(exc, F.UserError):
            if legacy:
                label = exc.legacy_label
                fault = (
                    xmlrpc.client.Fault(_code("AccessDenied"), exc.message)
                    if label == "AccessDenied"
                    else xmlrpc.client.Fault(_code(f"warning -- {label}\n\n{exc.message}"), "")
                )
            else:
                fault = xmlrpc.client.Fault(exc.fault_code, exc.message)
        else:
            fault = xmlrpc.client.Fault(1, str(exc))
        return Outcome(body=_odoo_header(xmlrpc.client.dumps(fault, methodresponse=True)))


def _code(text: str) -> Any:
    """Legacy ``/xmlrpc`` faults carry a *string* faultCode (odoo-facts §1.5)."""
    return text


def _odoo_header(text: str) -> bytes:
    """Odoo 17's ``dumps()`` writes ``<?xml version="1.0"?>`` (odoo-facts §1.5)."""
    return text.replace("<?xml version='1.0'?>", '<?xml version="1.0"?>', 1).encode()


class Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler; one thread per connection (ThreadingHTTPServer)."""

    protocol_version = "HTTP/1.1"
    wbufsize = 256 * 1024  # handle_one_request flushes after each answer
    server_version = "Werkzeug/3.0.1"
    sys_version = "Python/3.11"
    server: SandboxHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        return

    def setup(self) -> None:
        super().setup()
        # one segment per answer, sent at once: no Nagle/delayed-ACK stall on keep-alive
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, status: int, reason: str, body: bytes, ctype: str) -> None:
        self.send_response(status, reason)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)  # buffered (wbufsize): one send with the headers at flush

    def _not_found(self) -> None:
        body = (
            b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
            b"<p>The requested URL was not found on the server. If you entered the URL manually "
            b"please check your spelling and try again.</p>\n"
        )
        self._send(404, "NOT FOUND", body, "text/html; charset=utf-8")

    def _not_allowed(self) -> None:
        body = (
            b"<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n"
            b"<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL."
            b"</p>\n"
        )
        self.send_response(405, "METHOD NOT ALLOWED")
        self.send_header("Allow", "OPTIONS, POST")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json2(self, path: str, body: bytes) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = json2.answer(self.server.app, self.command, path, headers, body)
        try:
            if reply.close:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(reply.status, reply.reason)
            for name, value in reply.headers:
                self.send_header(name, value)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:  # the client went away (timeouts)
            self.close_connection = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0]
        if json2.serves(self.server.app, path):
            self._json2(path, body)
            return
        match = ROUTE.match(path)
        if match is None:
            self._not_found()
            return
        legacy = match.group(1) is None
        outcome = self.server.app.handle(
            match.group(2), body, legacy=legacy, addr=self.client_address[0]
        )
        try:
            if outcome.close:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if outcome.status is not None:
                code, reason = outcome.status
                page = f"<html><body><h1>{code} {reason}</h1></body></html>\n".encode()
                self._send(code, reason, page, "text/html")
                return
            self._send(200, "OK", outcome.body or b"", "text/xml; charset=utf-8")
        except OSError:  # the client went away (timeouts)
            self.close_connection = True

    def _other(self) -> None:
        path = self.path.split("?", 1)[0]
        if self.command != "HEAD" and json2.serves(self.server.app, path):
            length = int(self.headers.get("Content-Length") or 0)
            self._json2(path, self.rfile.read(length) if length else b"")
            return
        if ROUTE.match(self.path.split("?", 1)[0]):
            self._not_allowed()
        else:
            self._not_found()

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = _other


class SandboxHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], app: SandboxApp) -> None:
        self.app = app
        super().__init__(address, Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-answer (timeouts, lost responses) is not an error."""
        return


def _fails_at_close(body: bytes) -> bool:
    """Whether ``loads`` fails in ``p.close()`` (a truncated body: expat only notices the
    missing end there) rather than in ``p.feed(data)``."""
    parser, _ = xmlrpc.client.getparser()
    try:
        parser.feed(body)
    except Exception:
        return False
    return True
