"""Odoo 19's JSON-2 API over ``http.client``: ``POST /json/2/<model>/<method>``.

A call names its arguments (``ids``, ``vals_list``, ``domain``, ``context``...; see
:mod:`odoosync.odoo.json2_args`), authenticates with ``Authorization: bearer <API key>`` and
names the database in ``X-Odoo-Database``; the answer is the method's value as JSON, or an HTTP
status with Odoo's error object (:class:`~odoosync.odoo.json2_faults.Json2Error`). Like the
XML-RPC transport: one kept-alive connection, a deadline on every call (connect, send and the
whole answer) and a bounded answer size (:mod:`odoosync.odoo.answer`), TLS settings,
proxies from the environment, no blind retry, and a :class:`TransportFailure` saying whether a
socket failure came before the request was sent or after.
"""

from __future__ import annotations

import http.client
import json
import ssl
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from odoosync.errors import OdooError
from odoosync.odoo.answer import DEFAULT_MAX_RESPONSE_MB, CallDeadline, read_body
from odoosync.odoo.faults import ODOO_MAX_REQUEST_BYTES, RequestTooLarge, UnexpectedResponse
from odoosync.odoo.json2_faults import Json2Error, odoo_error_body
from odoosync.odoo.proxy import Proxy, open_connection, proxy_headers, request_target
from odoosync.odoo.transport import USER_AGENT, TransportFailure, peer_closed

JSON2_PREFIX = "/json/2"
VERSION_PATH = "/web/version"


class Json2Transport:
    """One kept-alive connection to the JSON-2 API of the Odoo at ``url``.

    ``last_request_bytes`` and ``last_response_bytes`` give the sizes of the last exchange (for
    the RPC trace). The API key is passed to each :meth:`call` and never kept or shown.
    """

    def __init__(
        self,
        url: str,
        *,
        database: str,
        timeout: float = 60.0,
        ssl_context: ssl.SSLContext | None = None,
        proxy: Proxy | None = None,
        max_request_bytes: int = ODOO_MAX_REQUEST_BYTES,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024,
    ) -> None:
        self.url = url.rstrip("/")
        self.database = database
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.proxy = proxy
        self.max_request_bytes = max_request_bytes
        #: a bigger answer (received, or decoded from gzip) is refused: ResponseTooLarge
        self.max_response_bytes = max_response_bytes
        self.last_request_bytes = 0
        self.last_response_bytes = 0
        #: (url, connection): the same shape as ``xmlrpc.client.Transport``'s
        self._connection: tuple[str, http.client.HTTPConnection | None] = (self.url, None)

    # -- the two requests ---------------------------------------------------------------------

    def version(self) -> Any:
        """``GET /web/version`` (no key, no database): ``{"version_info": [...], "version"}``."""
        return self._exchange("GET", VERSION_PATH, None, [])

    def call(self, model: str, method: str, arguments: Mapping[str, Any], key: str) -> Any:
        """``POST /json/2/<model>/<method>`` with ``arguments`` as the JSON object."""
        path = f"{JSON2_PREFIX}/{quote(model, safe='.')}/{quote(method, safe='_')}"
        body = json.dumps(arguments, ensure_ascii=False, default=_json_default).encode()
        if len(body) > self.max_request_bytes:
            size = len(body) / 1024 / 1024
            limit = self.max_request_bytes / 1024 / 1024
            text = f"the request is {size:.1f} MiB, over the {limit:g} MiB Odoo accepts"
            raise RequestTooLarge(
                f"Not sent: {text}; lower batch_size or send fewer or smaller images at once.",
                details={"odoo_error_code": "VALIDATION_ERROR", "odoo_message": text},
            )
        headers = [
            ("Authorization", f"bearer {key}"),
            ("X-Odoo-Database", self.database),
            ("Content-Type", "application/json; charset=utf-8"),
        ]
        return self._exchange("POST", path, body, headers)

    # -- one exchange -------------------------------------------------------------------------

    def _exchange(
        self, verb: str, path: str, body: bytes | None, headers: list[tuple[str, str]]
    ) -> Any:
        self.last_request_bytes = self.last_response_bytes = 0
        phase: Any = "connect"
        deadline = CallDeadline(self.timeout)
        try:
            with deadline:
                conn = self._connect()
                deadline.watch(conn.sock)
                phase = "sent"
                self.last_request_bytes = len(body or b"")
                conn.putrequest(
                    verb, request_target(self.url, path, self.proxy), skip_accept_encoding=True
                )
                for name, value in [
                    *headers,
                    *proxy_headers(self.url, self.proxy),
                    ("Accept", "application/json"),
                    ("Accept-Encoding", "gzip"),
                    ("User-Agent", USER_AGENT),
                    ("Content-Length", str(len(body or b""))),
                ]:
                    conn.putheader(name, value)
                conn.endheaders(body)
                response = conn.getresponse()
                data = read_body(response, deadline, self.max_response_bytes)
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            cause: BaseException = deadline.timeout() if deadline.fired else exc
            raise TransportFailure(cause, phase) from exc
        except OdooError as exc:  # an answer too large
            self.close()
            self.last_response_bytes = deadline.received
            raise TransportFailure(exc, phase) from exc
        self.last_response_bytes = deadline.received
        if (response.getheader("connection", "") or "").lower() == "close":
            self.close()
        return self._answer(response, path, data)

    def _answer(self, response: http.client.HTTPResponse, path: str, data: bytes) -> Any:
        """``data`` (already gunzipped and bounded) as the call's value, or its error."""
        content_type = response.getheader("content-type", "") or ""
        parsed: Any = None
        is_json = "json" in content_type.lower()
        if is_json:
            try:
                parsed = json.loads(data.decode("utf-8"))
            except (ValueError, RecursionError):  # not JSON, or nested beyond reason
                is_json = False
        snippet = data[:2000].decode("utf-8", "replace")
        if response.status == 200:
            if not is_json:
                raise UnexpectedResponse(content_type, snippet)
            return parsed
        raise Json2Error(
            response.status,
            response.reason,
            path=path,
            database=self.database if path.startswith(JSON2_PREFIX) else None,
            body=odoo_error_body(parsed) if is_json else None,
            snippet=snippet,
            headers=dict(response.getheaders()),
        )

    def _connect(self) -> http.client.HTTPConnection:
        conn = self._connection[1]
        if conn is not None and conn.sock is not None and peer_closed(conn.sock):
            conn.close()  # the server closed the idle connection: reconnect
        if conn is None:
            conn = open_connection(
                self.url, timeout=self.timeout, ssl_context=self.ssl_context, proxy=self.proxy
            )
            self._connection = (self.url, conn)
        if conn.sock is None:
            conn.connect()
        return conn

    def close(self) -> None:
        conn = self._connection[1]
        self._connection = (self.url, None)
        if conn is not None:
            conn.close()


def _json_default(value: Any) -> Any:
    """Dates as Odoo's strings, bytes as text; anything else is a programming error."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"cannot send {type(value).__name__} to Odoo as JSON")
