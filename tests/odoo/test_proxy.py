"""HTTPS_PROXY / HTTP_PROXY / NO_PROXY for both transports, through a small loopback proxy.

The proxy (threads, bounded by timeouts) forwards absolute-URI requests (``POST http://...``)
and opens ``CONNECT`` tunnels, checks ``Proxy-Authorization`` when it has credentials, and
records what it saw. Odoo is a 19.0 sandbox; for https a TLS front (a certificate for
127.0.0.1, trusted through ``ca_bundle``) pipes to it.
"""

from __future__ import annotations

import base64
import datetime as dt
import http.client
import ipaddress
import logging
import select
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from odoosync.errors import OdooError
from odoosync.odoo import ConnectionParams, OdooClient
from odoosync.odoo.connect import check_connection
from odoosync.odoo.proxy import bypassed, parse_proxy, proxy_for
from odoosync.sandbox import SandboxHandle, serve
from odoosync.secrets import Secret

IDLE = 10.0  # a tunnel or connection idle this long is closed: no thread outlives the test


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until one side closes (TLS-aware: drains ``pending()``)."""
    try:
        while True:
            ready, _, _ = select.select([a, b], [], [], IDLE)
            if not ready:
                return
            for src in ready:
                dst = b if src is a else a
                data = src.recv(65536)
                if not data:
                    return
                dst.sendall(data)
                while isinstance(src, ssl.SSLSocket) and src.pending():
                    dst.sendall(src.recv(65536))
    except OSError:
        return


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class LoopbackProxy:
    """An HTTP proxy on 127.0.0.1: ``seen`` holds (method, target, Proxy-Authorization)."""

    def __init__(self, credentials: tuple[str, str] | None = None) -> None:
        self.seen: list[tuple[str, str, str | None]] = []
        self.expected = (
            "Basic " + base64.b64encode(":".join(credentials).encode()).decode()
            if credentials
            else None
        )
        proxy = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = IDLE

            def handle(self) -> None:
                try:
                    while proxy.serve_one(self):
                        pass
                except OSError:
                    return

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, user: str | None = None, password: str | None = None) -> str:
        auth = f"{user}:{password}@" if user else ""
        return f"http://{auth}127.0.0.1:{self.port}"

    def serve_one(self, h: socketserver.StreamRequestHandler) -> bool:
        line = h.rfile.readline(65537).decode("latin-1").strip()
        if not line:
            return False
        method, target, _ = line.split(" ", 2)
        headers: dict[str, str] = {}
        while (raw := h.rfile.readline(65537).decode("latin-1").strip()) != "":
            name, _, value = raw.partition(":")
            headers[name.strip().lower()] = value.strip()
        auth = headers.get("proxy-authorization")
        self.seen.append((method, target, auth))
        body = h.rfile.read(int(headers.get("content-length") or 0)) if method != "CONNECT" else b""
        if self.expected is not None and auth != self.expected:
            h.wfile.write(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                b'Proxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n'
            )
            return method != "CONNECT"
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            with socket.create_connection((host, int(port)), timeout=IDLE) as upstream:
                h.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                h.wfile.flush()
                _pipe(h.connection, upstream)
            return False
        parts = urlsplit(target)
        forward = {k: v for k, v in headers.items() if k not in ("proxy-authorization", "host")}
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=IDLE)
        try:
            conn.request(method, parts.path or "/", body or None, headers=forward)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            h.wfile.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            return False
        finally:
            conn.close()
        out = [f"HTTP/1.1 {response.status} {response.reason}"]
        for name, value in response.getheaders():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                out.append(f"{name}: {value}")
        out.append(f"Content-Length: {len(data)}")
        h.wfile.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + data)
        return True

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class TlsFront:
    """TLS on 127.0.0.1 in front of a plain-http sandbox."""

    def __init__(self, backend_port: int, context: ssl.SSLContext) -> None:
        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                try:
                    tls = context.wrap_socket(self.request, server_side=True)
                except (OSError, ssl.SSLError):
                    return
                with tls, socket.create_connection(("127.0.0.1", backend_port), IDLE) as back:
                    _pipe(tls, back)

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def _certificate(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    sans: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "front.pem", tmp / "front.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def odoo() -> Iterator[SandboxHandle]:
    with serve(odoo_version="19.0", seed="demo") as handle:
        yield handle


@pytest.fixture(scope="module")
def tls_front(odoo: SandboxHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    cert, key = _certificate(tmp_path_factory.mktemp("tls"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    front = TlsFront(odoo.port, context)
    yield f"https://127.0.0.1:{front.port}", cert
    front.stop()


@pytest.fixture
def proxy() -> Iterator[LoopbackProxy]:
    p = LoopbackProxy()
    yield p
    p.stop()


@pytest.fixture
def auth_proxy() -> Iterator[LoopbackProxy]:
    p = LoopbackProxy(credentials=("puser", "Pr0xy-S3cret"))
    yield p
    p.stop()


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


def client(
    odoo: SandboxHandle, transport: str, url: str | None = None, **params: Any
) -> OdooClient:
    secret = odoo.admin_api_key if transport == "json2" else "admin"
    return OdooClient(
        ConnectionParams(
            url=url or odoo.url,
            database=odoo.database,
            username="admin",
            password=Secret(secret),
            transport=transport,
            max_retries=1,
            max_retry_wait=0.5,
            timeout=5.0,
            **params,
        ),
        sleep=lambda _s: None,
    )


# -- the environment ------------------------------------------------------------------------------


def test_the_proxy_follows_the_scheme_and_lower_case_wins() -> None:
    env = {"HTTPS_PROXY": "http://secure:3128", "HTTP_PROXY": "plain:8080"}
    https = proxy_for("https://odoo.example.com", env)
    plain = proxy_for("http://odoo.example.com:8069", env)
    assert https is not None and (https.host, https.port) == ("secure", 3128)
    assert plain is not None and (plain.host, plain.port) == ("plain", 8080)
    lower = proxy_for("https://odoo.example.com", {**env, "https_proxy": "http://low:1"})
    assert lower is not None and lower.host == "low"
    assert proxy_for("https://odoo.example.com", {"HTTP_PROXY": "plain:8080"}) is None


@pytest.mark.parametrize(
    ("no_proxy", "host", "port", "straight"),
    [
        ("*", "odoo.example.com", 443, True),
        ("odoo.example.com", "odoo.example.com", 443, True),
        ("example.com", "odoo.example.com", 443, True),
        (".example.com", "odoo.example.com", 443, True),
        ("ample.com", "odoo.example.com", 443, False),
        ("localhost, 127.0.0.1", "127.0.0.1", 8069, True),
        ("10.0.0.0/8", "10.1.2.3", 80, True),
        ("10.0.0.0/8", "11.1.2.3", 80, False),
        ("odoo.example.com:8443", "odoo.example.com", 443, False),
        ("odoo.example.com:443", "odoo.example.com", 443, True),
        ("", "odoo.example.com", 443, False),
    ],
)
def test_no_proxy(no_proxy: str, host: str, port: int, straight: bool) -> None:
    assert bypassed(host, port, no_proxy) is straight


def test_proxy_credentials_become_basic_auth_and_are_masked() -> None:
    found = parse_proxy("http://us%40er:p%3Ass@proxy.corp:3128")
    assert found is not None
    assert found.authorization == "Basic " + base64.b64encode(b"us@er:p:ss").decode()
    assert "p%3Ass" not in found.shown and "***@proxy.corp:3128" in found.shown


# -- through the proxy ----------------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["xmlrpc", "json2"])
def test_http_goes_through_http_proxy_with_absolute_uris(
    odoo: SandboxHandle,
    proxy: LoopbackProxy,
    transport: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url())
    odoo.reset_calls()
    with client(odoo, transport) as c:
        report = check_connection(c)
        rows = c.search_read("product.template", [], ["name"], limit=2)
    assert report.success, report.message
    assert report.transport == transport and len(rows) == 2
    targets = [target for _m, target, _a in proxy.seen]
    assert targets and all(t.startswith(f"{odoo.url}/") for t in targets)
    path = "/json/2/product.template/search_read" if transport == "json2" else "/xmlrpc/2/object"
    assert f"{odoo.url}{path}" in targets
    assert odoo.calls(transport)


@pytest.mark.parametrize("transport", ["xmlrpc", "json2"])
def test_https_goes_through_a_connect_tunnel_with_proxy_credentials(
    odoo: SandboxHandle,
    auth_proxy: LoopbackProxy,
    tls_front: tuple[str, Path],
    transport: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url, cert = tls_front
    monkeypatch.setenv("HTTPS_PROXY", auth_proxy.url("puser", "Pr0xy-S3cret"))
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # not for https
    caplog.set_level(logging.DEBUG, logger="odoosync")
    with client(odoo, transport, url, ca_bundle=cert) as c:
        assert c.transport == transport
        ids = c.create("product.template", [{"name": f"Tunnelled {transport}"}])
        assert c.write("product.template", ids, {"list_price": 4.0})
    netloc = urlsplit(url).netloc
    assert {(m, t) for m, t, _a in auth_proxy.seen} == {("CONNECT", netloc)}
    assert all(a == auth_proxy.expected for _m, _t, a in auth_proxy.seen)
    assert "Pr0xy-S3cret" not in caplog.text
    assert "through the proxy http://***@127.0.0.1" in caplog.text


@pytest.mark.parametrize("transport", ["xmlrpc", "json2"])
def test_no_proxy_goes_straight(
    odoo: SandboxHandle, proxy: LoopbackProxy, transport: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url())
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    with client(odoo, transport) as c:
        assert c.search_read("product.template", [], ["id"], limit=1)
    assert proxy.seen == []


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("transport", ["xmlrpc", "json2"])
def test_wrong_proxy_credentials_are_refused_and_never_shown(
    odoo: SandboxHandle,
    auth_proxy: LoopbackProxy,
    tls_front: tuple[str, Path],
    scheme: str,
    transport: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(f"{scheme.upper()}_PROXY", auth_proxy.url("puser", "Wr0ng-S3cret"))
    caplog.set_level(logging.DEBUG, logger="odoosync")
    url = tls_front[0] if scheme == "https" else odoo.url
    extra = {"ca_bundle": tls_front[1]} if scheme == "https" else {}
    with client(odoo, transport, url, **extra) as c:
        report = check_connection(c)
        with pytest.raises(OdooError) as info:
            c.version()
    assert not report.success and report.exit_code == 5
    assert "proxy" in report.message and "407" in report.message
    assert len(auth_proxy.seen) <= 2, "a refused proxy login must not be retried"
    shown = [report.message, str(info.value), repr(info.value), caplog.text]
    assert not any("Wr0ng-S3cret" in text for text in shown)
