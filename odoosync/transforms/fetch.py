"""Downloading an image URL with a deadline for the whole download and a size limit.

A socket timeout bounds one operation, not a download: a host that sends a byte a second never
trips it. :class:`ImageFetcher` starts a watchdog when the download starts; at the deadline it
shuts the download's sockets down (whatever phase it is in: connecting, headers, body), so the
download ends then. The body is read in pieces of what has arrived (``read1``) and counted; a
``Content-Length`` over the limit is refused before the body is read. urllib's redirects,
proxies (``HTTP(S)_PROXY``) and TLS verification are kept: only the connection classes are
wrapped to hand their sockets to the watchdog.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

#: the defaults of ``[sync] image_max_mb`` and ``[sync] image_timeout``
DEFAULT_IMAGE_MAX_MB = 20
DEFAULT_IMAGE_TIMEOUT = 30.0
_PIECE = 64 * 1024


class ImageFetchError(Exception):
    """A download stopped at a limit; the message says which and how to raise it."""


class _Watchdog:
    """Shuts the registered sockets down when the deadline passes."""

    def __init__(self, seconds: float) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.fired = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def register(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            fired = self.fired
        if fired:
            _shut(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)


def _watched(base: type[http.client.HTTPConnection], watchdog: _Watchdog) -> Any:
    class Watched(base):  # type: ignore[valid-type,misc]  # a class built per download
        def connect(self) -> None:
            super().connect()
            watchdog.register(self.sock)

    return Watched


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._watchdog = watchdog

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_watched(http.client.HTTPConnection, self._watchdog), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, watchdog: _Watchdog) -> None:
        super().__init__()
        self._watchdog = watchdog

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_watched(http.client.HTTPSConnection, self._watchdog), req)


@dataclass(frozen=True)
class ImageFetcher:
    """GET an image URL: at most ``max_bytes``, within ``timeout`` seconds in all.

    Errors propagate (the image transform reports them as the product's failure):
    :class:`ImageFetchError` for a limit, urllib's errors for the rest.
    """

    max_bytes: int = DEFAULT_IMAGE_MAX_MB * 2**20
    timeout: float = DEFAULT_IMAGE_TIMEOUT

    def __call__(self, url: str) -> bytes:
        watchdog = _Watchdog(self.timeout)
        opener = urllib.request.build_opener(_HTTPHandler(watchdog), _HTTPSHandler(watchdog))
        request = urllib.request.Request(url, headers={"User-Agent": "odoosync"})
        watchdog.start()
        try:
            with opener.open(request, timeout=self.timeout) as response:
                data = self._body(response)
            if watchdog.fired:  # the shutdown ends the body like an end of file
                raise self._too_slow()
            return data
        except (OSError, http.client.HTTPException, ImageFetchError) as exc:
            if watchdog.fired:
                raise self._too_slow() from None
            if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, TimeoutError):
                raise self._too_slow() from None
            raise
        finally:
            watchdog.cancel()

    def _body(self, response: http.client.HTTPResponse) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.strip().isdigit() and int(declared) > self.max_bytes:
            raise self._too_big(f"it announces {int(declared):,} bytes")
        pieces: list[bytes] = []
        size = 0
        while True:
            piece = response.read1(_PIECE)
            if not piece:
                if declared.strip().isdigit() and size < int(declared):
                    raise ImageFetchError(
                        f"the download ended after {size:,} of {int(declared):,} bytes"
                    )
                return b"".join(pieces)
            size += len(piece)
            if size > self.max_bytes:
                raise self._too_big("it sent more")
            pieces.append(piece)

    def _too_big(self, why: str) -> ImageFetchError:
        mb = self.max_bytes / 2**20
        return ImageFetchError(
            f"over the image size limit of {mb:g} MB ({why}); raise [sync] image_max_mb "
            "in odoosync.toml if the image is genuine"
        )

    def _too_slow(self) -> ImageFetchError:
        return ImageFetchError(
            f"the download took longer than {self.timeout:g} s; raise [sync] image_timeout "
            "in odoosync.toml if the host is genuinely slow"
        )
