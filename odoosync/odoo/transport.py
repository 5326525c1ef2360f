"""``xmlrpc.client`` transports with a deadline on every call, TLS settings and keep-alive.

A call ends at its deadline (``timeout`` for connect, send and the whole answer), and its answer
is parsed as it arrives, bounded in size, with no ``DOCTYPE`` (:mod:`odoosync.odoo.answer`).

The standard library's transports have no timeout and retry a request blindly once when a
kept-alive connection was reset, which could send a ``create`` twice. These do neither: each
request is tried once, and a failure is raised as :class:`TransportFailure`, which says whether
it happened before the request was sent (``"connect"``: refused, DNS, TLS handshake, connect
timeout) or after (``"sent"``: reset, read timeout, lost response). The retry rule depends on it.
"""

from __future__ import annotations

import http.client
import select
import ssl
import xmlrpc.client
from pathlib import Path
from typing import TYPE_CHECKING, Any

from odoosync import __version__
from odoosync.errors import OdooError
from odoosync.odoo.answer import (
    DEFAULT_MAX_RESPONSE_MB,
    CallDeadline,
    decoded_pieces,
    read_body,
    xmlrpc_parser,
)
from odoosync.odoo.faults import (
    ODOO_MAX_REQUEST_BYTES,
    Phase,
    RequestTooLarge,
    UnexpectedResponse,
)
from odoosync.odoo.proxy import Proxy, open_connection, proxy_headers, request_target

if TYPE_CHECKING:
    from _typeshed import SizedBuffer

USER_AGENT = f"odoosync/{__version__}"


class TransportFailure(Exception):
    """A request failed at the socket or HTTP level; ``cause`` is the original exception."""

    def __init__(self, cause: BaseException, phase: Phase) -> None:
        super().__init__(f"{type(cause).__name__} ({phase}): {cause}")
        self.cause = cause
        self.phase = phase


class OdooTransport(xmlrpc.client.Transport):
    """Plain HTTP: a timeout on every socket operation, one kept-alive connection, no blind retry.

    ``last_request_bytes`` and ``last_response_bytes`` give the sizes of the last exchange (for
    the RPC trace).
    """

    user_agent = USER_AGENT
    scheme = "http"

    def __init__(
        self,
        *,
        timeout: float = 60.0,
        max_request_bytes: int = ODOO_MAX_REQUEST_BYTES,
        proxy: Proxy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024,
    ) -> None:
        super().__init__(use_datetime=False, use_builtin_types=False)
        #: seconds for a whole call: connect, send and the whole answer (see CallDeadline)
        self.timeout = timeout
        #: a bigger answer (received, or decoded from gzip) is refused: ResponseTooLarge
        self.max_response_bytes = max_response_bytes
        #: a bigger request is refused before it is sent (Odoo 16+ answers 413 or drops it)
        self.max_request_bytes = max_request_bytes
        #: the proxy requests go through (HTTPS_PROXY/HTTP_PROXY), or None
        self.proxy = proxy
        self.last_request_bytes = 0
        self.last_response_bytes = 0
        self._ssl_context: ssl.SSLContext | None = None
        self._base = ""

    # -- connection ---------------------------------------------------------------------------

    def _new_connection(self, host: str) -> http.client.HTTPConnection:
        return open_connection(
            self._base, timeout=self.timeout, ssl_context=self._ssl_context, proxy=self.proxy
        )

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        if self._connection[1] is not None and host == self._connection[0]:
            conn = self._connection[1]
            if conn.sock is not None and peer_closed(conn.sock):
                conn.close()  # the server closed the idle connection: reconnect on next use
            return conn
        chost, self._extra_headers, _x509 = self.get_host_info(host)
        self._base = f"{self.scheme}://{chost}"
        conn = self._new_connection(chost)
        self._connection = host, conn
        return conn

    # -- one request --------------------------------------------------------------------------

    def request(
        self, host: Any, handler: str, request_body: SizedBuffer, verbose: bool = False
    ) -> tuple[Any, ...]:
        phase: Phase = "connect"
        self.last_request_bytes = self.last_response_bytes = 0
        if len(request_body) > self.max_request_bytes:
            size = len(request_body) / 1024 / 1024
            limit = self.max_request_bytes / 1024 / 1024
            text = f"the request is {size:.1f} MiB, over the {limit:g} MiB Odoo accepts"
            raise RequestTooLarge(
                f"Not sent: {text}; lower batch_size or send fewer or smaller images at once.",
                details={"odoo_error_code": "VALIDATION_ERROR", "odoo_message": text},
            )
        deadline = CallDeadline(self.timeout)
        try:
            with deadline:
                conn = self.make_connection(host)
                if conn.sock is None:
                    conn.connect()
                deadline.watch(conn.sock)
                phase = "sent"
                self.last_request_bytes = len(request_body)
                self._send(conn, handler, request_body)
                response = conn.getresponse()
                if response.status == 200:
                    return self._parse(response, deadline)
                # read (bounded) so the connection can be reused
                read_body(response, deadline, self.max_response_bytes)
                self.last_response_bytes = deadline.received
                if response.getheader("connection", "").lower() == "close":
                    self.close()
        except xmlrpc.client.Fault:
            raise
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            cause: BaseException = deadline.timeout() if deadline.fired else exc
            raise TransportFailure(cause, phase) from exc
        except OdooError as exc:  # an answer too large, a DOCTYPE
            self.close()
            raise TransportFailure(exc, phase) from exc
        except Exception:
            self.close()
            raise
        # never the user:password@ a url may carry: ProtocolError's repr shows this
        shown_host = str(host).rsplit("@", 1)[-1]
        raise xmlrpc.client.ProtocolError(
            shown_host + handler, response.status, response.reason, dict(response.getheaders())
        )

    def _parse(self, response: http.client.HTTPResponse, deadline: CallDeadline) -> tuple[Any, ...]:
        """The answer parsed as it arrives (never held whole): bounded in size by
        ``max_response_bytes`` (received and decoded), in time by ``deadline``."""
        pieces = iter(decoded_pieces(response, deadline, self.max_response_bytes))
        head = bytearray()
        for piece in pieces:
            head += piece
            if len(head) >= 2000:
                break
        content_type = response.getheader("content-type", "") or ""
        start = bytes(head[:2000]).lstrip()[:200]
        if "html" in content_type.lower() or not (
            start.startswith(b"<?xml") or start.startswith(b"<methodResponse")
        ):
            self.close()  # the rest of the page is not read
            self.last_response_bytes = deadline.received
            raise UnexpectedResponse(content_type, head[:2000].decode("utf-8", "replace"))
        unmarshaller = xmlrpc.client.Unmarshaller(use_datetime=False, use_builtin_types=False)
        parser = xmlrpc_parser(unmarshaller)
        parser.Parse(bytes(head), False)
        del head
        for piece in pieces:
            parser.Parse(piece, False)
        parser.Parse(b"", True)
        self.last_response_bytes = deadline.received
        if response.getheader("connection", "").lower() == "close":
            self.close()
        result: tuple[Any, ...] = unmarshaller.close()
        return result

    def _send(self, conn: http.client.HTTPConnection, handler: str, body: SizedBuffer) -> None:
        target = request_target(self._base, handler, self.proxy)
        conn.putrequest("POST", target, skip_accept_encoding=True)
        headers = [
            *self._headers,
            *self._extra_headers,
            *proxy_headers(self._base, self.proxy),
            ("Accept-Encoding", "gzip"),
            ("Content-Type", "text/xml"),
            ("User-Agent", self.user_agent),
        ]
        self.send_headers(conn, headers)
        self.send_content(conn, body)


class OdooSafeTransport(OdooTransport):
    """HTTPS: certificates verified by default; ``ca_bundle`` adds a private CA;
    ``verify_tls=False`` turns verification off."""

    scheme = "https"

    def __init__(
        self,
        *,
        timeout: float = 60.0,
        verify_tls: bool = True,
        ca_bundle: Path | None = None,
        max_request_bytes: int = ODOO_MAX_REQUEST_BYTES,
        proxy: Proxy | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024,
    ) -> None:
        super().__init__(
            timeout=timeout,
            max_request_bytes=max_request_bytes,
            proxy=proxy,
            max_response_bytes=max_response_bytes,
        )
        self.ssl_context = tls_context(verify_tls=verify_tls, ca_bundle=ca_bundle)
        self._ssl_context = self.ssl_context


def tls_context(*, verify_tls: bool = True, ca_bundle: Path | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca_bundle) if ca_bundle else None)
    if not verify_tls:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def make_transport(
    url: str,
    *,
    timeout: float,
    verify_tls: bool = True,
    ca_bundle: Path | None = None,
    max_request_bytes: int = ODOO_MAX_REQUEST_BYTES,
    proxy: Proxy | None = None,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_MB * 1024 * 1024,
) -> OdooTransport:
    """The transport for ``url``'s scheme (http or https), through ``proxy`` if any
    (``xmlrpc.client`` on its own ignores ``HTTP_PROXY``/``HTTPS_PROXY``: see
    :mod:`odoosync.odoo.proxy`)."""
    if url.lower().startswith("https://"):
        return OdooSafeTransport(
            timeout=timeout,
            verify_tls=verify_tls,
            ca_bundle=ca_bundle,
            max_request_bytes=max_request_bytes,
            proxy=proxy,
            max_response_bytes=max_response_bytes,
        )
    return OdooTransport(
        timeout=timeout,
        max_request_bytes=max_request_bytes,
        proxy=proxy,
        max_response_bytes=max_response_bytes,
    )


def peer_closed(sock: Any) -> bool:
    """True when an idle kept-alive socket is readable: the server closed it (or sent junk)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)
