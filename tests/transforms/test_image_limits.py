"""Image downloads end at their deadline and at their size limit (loopback servers)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from odoosync.transforms import image_file
from odoosync.transforms.fetch import ImageFetcher, ImageFetchError

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
Handler = Callable[[socket.socket], None]


@pytest.fixture
def host() -> Iterator[Callable[[Handler], str]]:
    """Start a one-handler loopback HTTP server; returns its image URL."""
    servers: list[socket.socket] = []

    def start(handler: Handler) -> str:
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        servers.append(server)

        def serve() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                threading.Thread(target=_run, args=(handler, conn), daemon=True).start()

        threading.Thread(target=serve, daemon=True).start()
        return f"http://127.0.0.1:{server.getsockname()[1]}/image.png"

    yield start
    for server in servers:
        server.close()


def _run(handler: Handler, conn: socket.socket) -> None:
    with conn:
        conn.recv(65536)
        with contextlib.suppress(OSError):  # the client hung up: what the limits are for
            handler(conn)


def trickle_body(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + PNG[:8])
    for _ in range(1000):
        conn.sendall(b"\x00")
        time.sleep(0.02)


def trickle_headers(conn: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 1000:
        conn.sendall(bytes([byte]))
        time.sleep(0.02)


def endless(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n\r\n" + PNG)
    while True:
        conn.sendall(b"\x00" * 65536)


def announced(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 300000000\r\n\r\n" + PNG)
    time.sleep(2)


def small(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(PNG) + PNG)


@pytest.mark.parametrize("handler", [trickle_body, trickle_headers], ids=["body", "headers"])
def test_a_trickling_host_is_cut_at_the_deadline(
    host: Callable[[Handler], str], handler: Handler
) -> None:
    url = host(handler)
    started = time.monotonic()
    with pytest.raises(ImageFetchError, match=r"longer than 0.5 s.*image_timeout"):
        ImageFetcher(timeout=0.5)(url)
    assert time.monotonic() - started < 2.0  # a per-read timeout would never trip


def test_an_endless_body_is_cut_at_the_size_limit(host: Callable[[Handler], str]) -> None:
    with pytest.raises(ImageFetchError, match=r"size limit of 1 MB.*image_max_mb"):
        ImageFetcher(max_bytes=2**20, timeout=10)(host(endless))


def test_an_announced_oversize_is_refused_before_the_body(host: Callable[[Handler], str]) -> None:
    started = time.monotonic()
    with pytest.raises(ImageFetchError, match="announces 300,000,000 bytes"):
        ImageFetcher(max_bytes=2**20, timeout=10)(host(announced))
    assert time.monotonic() - started < 1.0


def test_an_image_within_the_limits_is_fetched(host: Callable[[Handler], str]) -> None:
    assert ImageFetcher(max_bytes=2**20, timeout=5)(host(small)) == PNG


@pytest.mark.parametrize(
    "value",
    [
        "img/1.png",
        "./img/1.png",
        "img//1.png",
        "img/./1.png",
        "img/../img/1.png",
        "img/.hidden.png",
        "/abs/img/1.png",
        "file:///abs/img/1.png",
        "FILE://img/1.png",
        "  img/1.png  ",
        "~/img/1.png",
        "img/dir/",
    ],
)
def test_an_image_file_is_spelled_as_pathlib_spells_it(value: str) -> None:
    """The history keeps each file's digest under ``str(Path)``: the string-only spelling must
    be the same, or every file would be read again once."""
    base = Path("/catalog/base")
    text = value.strip()
    text = text[7:] if text.lower().startswith("file://") else text
    expected = Path(text).expanduser()
    expected = expected if expected.is_absolute() else base / expected
    assert image_file(value, base) == str(expected)


@pytest.mark.parametrize("value", ["", None, "https://example.com/a.png", "ftp://host/a.png"])
def test_urls_and_empties_name_no_file(value: str | None) -> None:
    assert image_file(value, "/catalog") is None
