"""Reading one answer from Odoo within a deadline and a size limit, for both transports.

A socket timeout bounds each read, not a call: a server that trickles a byte a second never
trips it. :class:`CallDeadline` is a watchdog started when a call starts; at the deadline (the
profile's ``timeout``, for connect + send + the whole answer) it shuts the call's socket down,
which ends any read like an end of file, and the transport raises a ``TimeoutError`` (classified
as today's timeouts: ``CallTimeout``, exit 5). The same approach as image downloads
(:mod:`odoosync.transforms.fetch`).

:func:`read_body` reads the answer in pieces and stops at ``max_bytes`` counted twice: the bytes
received and, for a gzip answer, the bytes decoded (a 1 MB gzip body can decode to gigabytes).
:func:`xmlrpc_parser` is ``xmlrpc.client``'s expat parser that refuses a ``DOCTYPE``: Odoo never
sends one, and it is how entity-expansion ("billion laughs") and external-entity answers begin.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import xmlrpc.client
import zlib
from collections.abc import Callable
from typing import Any
from xml.parsers import expat

from odoosync.errors import ProtocolFailure

#: the default of ``max_response_mb``: a 10,000-product read with 1920-px images in one answer
#: is ~2 GB, but Odoo's pages (and our batches) keep one answer well under this
DEFAULT_MAX_RESPONSE_MB = 256
_PIECE = 64 * 1024
_MIB = 1024 * 1024


class ResponseTooLarge(ProtocolFailure):
    """An answer over ``max_response_mb`` (received, or decoded from gzip): refused (exit 5)."""


class RefusedXml(ProtocolFailure):
    """An XML-RPC answer with a ``DOCTYPE`` (entity declarations): refused (exit 5)."""


class CallDeadline:
    """Shuts the call's socket down when ``seconds`` have passed since :meth:`start`.

    Use as a context manager around one call; :meth:`watch` registers the socket once it is
    connected. ``fired`` says whether the deadline passed (then a failed read is a timeout).
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._done = False
        self.fired = False
        self._ends = 0.0
        self._timer: threading.Timer | None = None
        #: bytes received in this call (before any gzip decoding), for the RPC trace
        self.received = 0

    def __enter__(self) -> CallDeadline:
        self._ends = self._clock() + self.seconds
        self._timer = threading.Timer(self.seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._done = True
        if self._timer is not None:
            self._timer.cancel()

    def remaining(self) -> float:
        """Seconds left (at least a millisecond: a socket timeout of 0 means non-blocking)."""
        return max(0.001, self._ends - self._clock())

    def watch(self, sock: Any) -> None:
        """Shut ``sock`` down at the deadline (at once if it has passed)."""
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._socket = sock
            fired = self.fired
        if fired:
            _shut(sock)

    def check(self) -> None:
        """Raise the timeout if the deadline has passed (between two reads)."""
        if self.fired or self._clock() >= self._ends:
            self.fired = True
            raise self.timeout()

    def timeout(self) -> TimeoutError:
        return TimeoutError(f"no whole answer within {self.seconds:g} s")

    def _fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.fired = True
            sock = self._socket
        if sock is not None:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    """End every pending read on ``sock`` (the raw socket: an SSL object stays untouched)."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def too_large(max_bytes: int, what: str) -> ResponseTooLarge:
    limit = max_bytes / _MIB
    return ResponseTooLarge(
        f"Odoo's answer is over the {limit:g} MB limit ({what}): refused to protect memory. If "
        "the server is genuine, lower batch_size (fewer records per call) or raise the "
        "profile's max_response_mb."
    )


def announced_too_large(response: http.client.HTTPResponse, max_bytes: int) -> bool:
    """Whether the answer's ``Content-Length`` is already over the limit."""
    length = response.getheader("content-length")
    return bool(length and length.strip().isdigit() and int(length) > max_bytes)


def read_pieces(response: http.client.HTTPResponse, deadline: CallDeadline, max_bytes: int) -> Any:
    """The answer's raw pieces (an iterator), at most ``max_bytes`` in all; a body shorter
    than its ``Content-Length`` raises ``IncompleteRead``, a passed deadline ``TimeoutError``."""
    if announced_too_large(response, max_bytes):
        raise too_large(max_bytes, f"announced as {response.getheader('content-length')} bytes")
    while True:
        deadline.check()
        piece = response.read(_PIECE)
        if not piece:
            if deadline.fired:
                raise deadline.timeout()
            if response.length:  # Content-Length not reached: the server closed early
                raise http.client.IncompleteRead(b"", response.length)
            return
        deadline.received += len(piece)
        if deadline.received > max_bytes:
            raise too_large(max_bytes, "received")
        yield piece


def decoded_pieces(
    response: http.client.HTTPResponse, deadline: CallDeadline, max_bytes: int
) -> Any:
    """The answer's pieces, gunzipped when it is gzip, the decoded bytes also bounded."""
    pieces = read_pieces(response, deadline, max_bytes)
    if (response.getheader("content-encoding", "") or "").lower() != "gzip":
        yield from pieces
        return
    decoder = zlib.decompressobj(wbits=31)  # gzip header and trailer
    decoded = 0
    try:
        for piece in pieces:
            data = piece
            while data:
                if decoder.eof:  # another gzip member follows (gzip.decompress reads them all)
                    decoder = zlib.decompressobj(wbits=31)
                out = decoder.decompress(data, _PIECE)
                data = decoder.unconsumed_tail or (decoder.unused_data if decoder.eof else b"")
                decoded += len(out)
                if decoded > max_bytes:
                    raise too_large(max_bytes, "decoded from gzip")
                if out:
                    yield out
    except zlib.error as exc:
        raise ProtocolFailure(f"Odoo's gzip answer cannot be decoded ({exc}).") from exc
    if not decoder.eof:
        raise ProtocolFailure("Odoo's gzip answer ended before its end: it was cut off.")


def read_body(response: http.client.HTTPResponse, deadline: CallDeadline, max_bytes: int) -> bytes:
    """The whole (decoded) answer, bounded as :func:`decoded_pieces` says."""
    body = bytearray()
    for piece in decoded_pieces(response, deadline, max_bytes):
        body += piece
    return bytes(body)


def xmlrpc_parser(
    unmarshaller: xmlrpc.client.Unmarshaller,
) -> Any:
    """An expat parser feeding ``unmarshaller`` (as ``xmlrpc.client.ExpatParser`` does) that
    refuses a ``DOCTYPE`` and any entity declaration."""
    parser = expat.ParserCreate(None, None)
    parser.StartElementHandler = unmarshaller.start
    parser.EndElementHandler = unmarshaller.end
    parser.CharacterDataHandler = unmarshaller.data
    parser.buffer_text = True
    # expat hands over str, not bytes to decode (as ExpatParser does; typeshed wants a str)
    unmarshaller.xml(None, None)  # type: ignore[arg-type]
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _refuse_doctype(*_: Any) -> None:
    raise RefusedXml(
        "Odoo's XML-RPC answer has a DOCTYPE, which Odoo never sends (it is how entity-expansion "
        "attacks begin): refused. Check the profile's url points at the Odoo server itself."
    )


def _refuse_entity(*_: Any) -> None:
    _refuse_doctype()
