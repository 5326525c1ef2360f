"""Hostile servers (issue 13): each over XML-RPC and JSON-2, through ``odoosync test-connection``.

Small loopback servers in threads answer every request with one hostile behaviour: a body that
is not XML or JSON, a truncated body, an entity-expansion bomb, an oversized answer, a gzip bomb,
a server trickling a byte every 0.2 s, HTML error pages, redirects to another host. Each must end
in exit 5 with a message naming the problem, in bounded time and memory (tracemalloc's peak in
this process, servers included, well under what the server sends), and the password never
follows a redirect.
"""

from __future__ import annotations

import gzip
import os
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from odoosync.cli import run

PASSWORD = "Hostile-Pa55word-42"
TRANSPORTS = ("xmlrpc", "json2")
#: the answers' limit in these tests: ``max_response_mb = 1``
LIMIT = 1024 * 1024

XMLRPC_VERSION = (
    b'<?xml version="1.0"?><methodResponse><params><param><value><struct>'
    b"<member><name>server_version</name><value><string>17.0</string></value></member>"
    b"<member><name>server_version_info</name><value><array><data><value><int>17</int></value>"
    b"<value><int>0</int></value><value><int>0</int></value><value><string>final</string>"
    b"</value><value><int>0</int></value><value><string></string></value></data></array>"
    b"</value></member><member><name>protocol_version</name><value><int>1</int></value>"
    b"</member></struct></value></param></params></methodResponse>"
)
#: the start of an XML-RPC answer holding one (long) string
XMLRPC_STRING_START = b'<?xml version="1.0"?><methodResponse><params><param><value><string>'
JSON2_VERSION = b'{"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}'


@dataclass
class Request:
    line: str
    headers: str
    body: bytes


@dataclass
class HostileServer:
    """A loopback HTTP server; ``behave(request, conn, stop)`` writes the answer."""

    behave: Callable[[Request, socket.socket, threading.Event], None]
    requests: list[Request] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        deadline = time.monotonic() + 30  # stops by itself
        while not self.stop.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()
        self.listener.close()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with conn:
            try:
                while not self.stop.is_set():
                    request = read_request(conn)
                    if request is None:
                        return
                    self.requests.append(request)
                    self.behave(request, conn, self.stop)
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)

    def saw_password(self) -> bool:
        return any(PASSWORD in r.headers or PASSWORD.encode() in r.body for r in self.requests)


def read_request(conn: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return None
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    line, _, headers = head.decode("latin-1").partition("\r\n")
    length = 0
    for header in headers.split("\r\n"):
        name, _, value = header.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    while len(body) < length:
        piece = conn.recv(65536)
        if not piece:
            return None
        body += piece
    return Request(line, headers, body)


def answer(
    conn: socket.socket,
    body: bytes,
    *,
    status: str = "200 OK",
    content_type: str = "text/xml",
    extra: str = "",
    length: int | None = None,
) -> None:
    size = len(body) if length is None else length
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {size}\r\n"
    conn.sendall((head + extra + "\r\n").encode() + body)


def version_answer(request: Request, conn: socket.socket) -> bool:
    """Answer a version request as a genuine Odoo would; False for any other request."""
    if request.line.startswith("GET /web/version"):
        answer(conn, JSON2_VERSION, content_type="application/json")
        return True
    if b"<methodName>version</methodName>" in request.body:
        answer(conn, XMLRPC_VERSION)
        return True
    return False


def content_type_for(request: Request) -> str:
    return "application/json" if "/json/2/" in request.line or "GET" in request.line else "text/xml"


@pytest.fixture
def serve() -> Iterator[Callable[..., HostileServer]]:
    servers: list[HostileServer] = []

    def start(behave: Callable[[Request, socket.socket, threading.Event], None]) -> HostileServer:
        server = HostileServer(behave)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("ODOOSYNC_") or name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ODOOSYNC_PASSWORD", PASSWORD)
    monkeypatch.setenv("ODOOSYNC_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("ODOOSYNC_KEY_FILE", str(tmp_path / "secret.key"))


@pytest.fixture(autouse=True)
def no_real_back_off(client_sleeps: object) -> None:
    """Retries happen at once (tests/conftest.py's ``client_sleeps``)."""


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float
    peak_bytes: int


def run_test_connection(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    url: str,
    transport: str,
    *,
    timeout: float = 5,
) -> Outcome:
    config = tmp_path / "odoosync.toml"
    config.write_text(
        f'default_profile = "hostile"\n\n[profiles.hostile]\nurl = "{url}"\n'
        f'database = "odoosync"\nusername = "admin"\ntimeout = {timeout}\n'
        f'transport = "{transport}"\nmax_response_mb = 1\n',
        encoding="utf-8",
    )
    warm_up(config, capsys)
    tracemalloc.start()
    start = time.monotonic()
    try:
        code = run(["-c", str(config), "test-connection"])
        seconds = time.monotonic() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out, err = capsys.readouterr()
    return Outcome(code, out, err, seconds, peak)


_warm: list[bool] = []


def warm_up(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Run ``test-connection`` once against a plain-text server so the modules the CLI imports
    on first use are not counted in the first measured test's memory peak."""
    if _warm:
        return
    server = HostileServer(lambda r, c, s: answer(c, b"warm", content_type="text/plain"))
    try:
        text = config.read_text(encoding="utf-8")
        scratch = config.with_name("warm.toml")
        url = text.split('url = "', 1)[1].split('"', 1)[0]
        scratch.write_text(text.replace(url, server.url), encoding="utf-8")
        assert run(["-c", str(scratch), "test-connection"]) == 5
        capsys.readouterr()
        _warm.append(True)
    finally:
        server.close()


def hostile_after_version(
    hostile: Callable[[Request, socket.socket, threading.Event], None],
) -> Callable[[Request, socket.socket, threading.Event], None]:
    """A genuine version answer, then ``hostile`` for the calls that carry the password."""

    def behave(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        if not version_answer(request, conn):
            hostile(request, conn, stop)

    return behave


# -- bodies that are not an answer ---------------------------------------------------------------


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_body_that_is_not_xml_or_json_exits_5(
    serve: Callable[..., HostileServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    transport: str,
) -> None:
    server = serve(
        lambda r, c, s: answer(c, b"hello, this is no answer", content_type="text/plain")
    )
    outcome = run_test_connection(tmp_path, capsys, server.url, transport)
    assert outcome.code == 5
    assert "answered with a page of text/plain" in outcome.err


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_truncated_body_exits_5(
    serve: Callable[..., HostileServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    transport: str,
) -> None:
    def truncated(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        whole = JSON2_VERSION if "GET" in request.line else XMLRPC_VERSION
        answer(conn, whole[:40], content_type=content_type_for(request), length=len(whole))
        conn.shutdown(socket.SHUT_RDWR)

    server = serve(truncated)
    outcome = run_test_connection(tmp_path, capsys, server.url, transport)
    assert outcome.code == 5
    assert "closed before Odoo answered (IncompleteRead)" in outcome.err


def test_an_entity_expansion_bomb_is_refused(
    serve: Callable[..., HostileServer], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entities = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
        f"{entities}]><methodResponse><params><param><value><string>&lol9;</string></value>"
        "</param></params></methodResponse>"
    ).encode()
    server = serve(lambda r, c, s: answer(c, bomb))
    outcome = run_test_connection(tmp_path, capsys, server.url, "xmlrpc")
    assert outcome.code == 5
    assert "DOCTYPE" in outcome.err
    assert outcome.peak_bytes < LIMIT  # 10⁹ "lol"s were never expanded


# -- answers too large ---------------------------------------------------------------------------


def oversized(announced: bool) -> Callable[[Request, socket.socket, threading.Event], None]:
    """20 MB of a valid-looking answer, in 64 KB pieces (the server holds one piece)."""

    def behave(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        json2 = "GET" in request.line or "/json/2/" in request.line
        start = b'"' if json2 else XMLRPC_STRING_START
        length = f"Content-Length: {20 * LIMIT}\r\n" if announced else ""
        head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type_for(request)}\r\n{length}"
        conn.sendall((head + "Connection: close\r\n\r\n").encode() + start)
        piece = b"a" * 65536
        for _ in range(20 * 16):
            if stop.is_set():
                return
            conn.sendall(piece)
        conn.shutdown(socket.SHUT_RDWR)

    return behave


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("announced", [True, False], ids=["content-length", "until-close"])
def test_an_oversized_answer_is_refused(
    serve: Callable[..., HostileServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    transport: str,
    announced: bool,
) -> None:
    server = serve(oversized(announced))
    outcome = run_test_connection(tmp_path, capsys, server.url, transport)
    assert outcome.code == 5
    assert "over the 1 MB limit" in outcome.err
    assert "max_response_mb" in outcome.err
    assert outcome.peak_bytes < 4 * LIMIT, outcome.peak_bytes  # the server sent 20 MB
    assert outcome.seconds < 5


def gzip_bomb(decoded_mb: int) -> bytes:
    """A gzip body of a few hundred KB that decodes to ``decoded_mb`` MB."""
    encoder = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"a" * LIMIT
    parts = [encoder.compress(b'"')]
    parts += [encoder.compress(zeros) for _ in range(decoded_mb)]
    parts.append(encoder.flush())
    return b"".join(parts)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb(200)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_gzip_bomb_is_refused_as_it_decodes(
    serve: Callable[..., HostileServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    transport: str,
    bomb: bytes,
) -> None:
    xml_bomb = gzip.compress(XMLRPC_STRING_START) + bomb  # two members

    def behave(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        json2 = "GET" in request.line or "/json/2/" in request.line
        body = bomb if json2 else xml_bomb
        answer(
            conn, body, content_type=content_type_for(request), extra="Content-Encoding: gzip\r\n"
        )

    assert len(bomb) < LIMIT  # the compressed body is under the limit: decoding must count
    server = serve(behave)
    outcome = run_test_connection(tmp_path, capsys, server.url, transport)
    assert outcome.code == 5
    assert "over the 1 MB limit (decoded from gzip)" in outcome.err
    assert outcome.peak_bytes < 4 * LIMIT, outcome.peak_bytes  # it decodes to 200 MB
    assert outcome.seconds < 5


# -- a trickling server ----------------------------------------------------------------------------


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_trickling_server_ends_at_the_calls_deadline(
    serve: Callable[..., HostileServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    transport: str,
) -> None:
    def trickle(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        whole = JSON2_VERSION if "GET" in request.line else XMLRPC_VERSION
        head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type_for(request)}\r\n"
        data = (head + f"Content-Length: {len(whole)}\r\n\r\n").encode() + whole
        for byte in data[:150]:  # 30 s at most, were the client never to give up
            if stop.wait(0.2):
                return
            conn.sendall(bytes([byte]))

    server = serve(trickle)
    outcome = run_test_connection(tmp_path, capsys, server.url, transport, timeout=1)
    assert outcome.code == 5
    assert "did not answer within 1 s" in outcome.err
    assert 0.9 <= outcome.seconds < 2.0, outcome.seconds


# -- HTML error pages ----------------------------------------------------------------------------

PAGE = b"<html><head><title>Maintenance</title></head><body>Back soon</body></html>"


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("status", ["200 OK", "500 Internal Server Error"])
def test_an_html_page_exits_5(
    serve: Callable[..., HostileServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    transport: str,
    status: str,
) -> None:
    server = serve(lambda r, c, s: answer(c, PAGE, status=status, content_type="text/html"))
    outcome = run_test_connection(tmp_path, capsys, server.url, transport)
    assert outcome.code == 5
    if status.startswith("200"):
        assert "page of text/html titled 'Maintenance'" in outcome.err
    else:
        assert "HTTP 500" in outcome.err


# -- redirects -------------------------------------------------------------------------------------


@pytest.mark.parametrize("transport", TRANSPORTS)
@pytest.mark.parametrize("status", ["301 Moved Permanently", "302 Found", "307 Temporary Redirect"])
def test_the_password_never_follows_a_redirect(
    serve: Callable[..., HostileServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    transport: str,
    status: str,
) -> None:
    elsewhere = serve(lambda r, c, s: answer(c, XMLRPC_VERSION))
    # another host: "localhost" is not the "127.0.0.1" of the profile's url
    target = f"http://localhost:{elsewhere.port}"

    def redirect(request: Request, conn: socket.socket, stop: threading.Event) -> None:
        path = request.line.split(" ")[1]
        answer(conn, b"", status=status, extra=f"Location: {target}{path}\r\n")

    first = serve(hostile_after_version(redirect))
    outcome = run_test_connection(tmp_path, capsys, first.url, transport)
    assert outcome.code == 5
    assert "a redirect to" in outcome.err and str(elsewhere.port) in outcome.err
    assert first.saw_password()  # the call that was redirected carried it
    assert elsewhere.requests == []
    assert PASSWORD not in outcome.out + outcome.err


def test_the_servers_stop_when_told(serve: Callable[..., HostileServer]) -> None:
    server = serve(lambda r, c, s: answer(c, JSON2_VERSION))
    server.close()
    assert not server.thread.is_alive()
