"""OdooClient against what real Odoo deployments answer besides Odoo itself: nginx errors and
rate limits, redirects, HTML login pages, gzip, TLS with self-signed or misnamed certificates,
IPv6 loopback, oversized requests, credentials in the url. A small scripted HTTP(S) server on
loopback plays the proxy; the sandbox plays Odoo 17/18/19 where Odoo itself answers."""

from __future__ import annotations

import datetime as dt
import gzip
import http.server
import ipaddress
import logging
import socket
import ssl
import threading
import xmlrpc.client
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from odoosync.errors import OdooFault, ProtocolFailure, TLSError, TransientError
from odoosync.odoo import ConnectionParams, OdooClient
from odoosync.odoo.connect import check_connection
from odoosync.odoo.faults import RequestTooLarge
from odoosync.sandbox import serve
from odoosync.secrets import Secret
from tests.support.sleeps import Sleeps

VERSION_17 = {
    "server_version": "17.0",
    "server_version_info": [17, 0, 0, "final", 0, ""],
    "server_serie": "17.0",
    "protocol_version": 1,
}
XML_VERSION = xmlrpc.client.dumps((VERSION_17,), methodresponse=True).encode()
LOGIN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Login | My Company</title></head>"
    b"<body><form action='/web/login'>...</form></body></html>"
)

Reply = tuple[int, dict[str, str], bytes]


class Script:
    """The answers the fake front-end gives, in order (the last one repeats)."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[tuple[str, dict[str, str], int]] = []

    def next(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


def _handler(script: Script) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            script.requests.append((self.path, dict(self.headers), length))
            status, headers, body = script.next()
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


class _V6Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _serve(
    script: Script, *, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None
) -> Iterator[str]:
    cls = _V6Server if ":" in host else http.server.ThreadingHTTPServer
    server = cls((host, 0), _handler(script))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    port = server.server_address[1]
    shown = f"[{host}]" if ":" in host else host
    try:
        yield f"{'https' if tls else 'http'}://{shown}:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def front() -> Iterator[Any]:
    """``front(script, **kw)`` starts a fake front-end and gives its url."""
    started: list[Iterator[str]] = []

    def start(script: Script, **kwargs: Any) -> str:
        gen = _serve(script, **kwargs)
        started.append(gen)
        return next(gen)

    yield start
    for gen in started:
        next(gen, None)


def client_for(url: str, *, sleep: Sleeps | None = None, **overrides: Any) -> OdooClient:
    values: dict[str, Any] = {
        "url": url,
        "database": "odoosync",
        "username": "admin",
        "password": Secret("Sup3r-S3cret"),
        "timeout": 5.0,
        "max_retries": 3,
        "max_retry_wait": 10.0,
    }
    values.update(overrides)
    return OdooClient(ConnectionParams(**values), sleep=sleep or Sleeps(), rng=lambda: 0.5)


# -- proxies' HTTP answers ----------------------------------------------------------------------

NGINX_502 = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@pytest.mark.parametrize("status", [502, 503, 504])
def test_nginx_html_errors_are_retried_then_succeed(front: Any, status: int) -> None:
    script = Script(
        (status, {"Content-Type": "text/html"}, NGINX_502),
        (200, {"Content-Type": "text/xml"}, XML_VERSION),
    )
    sleeps = Sleeps()
    with client_for(front(script), sleep=sleeps) as client:
        assert client.version().major == 17
    assert len(script.requests) == 2 and len(sleeps.waits) == 1


def test_429_retry_after_is_honoured(front: Any) -> None:
    script = Script(
        (429, {"Retry-After": "7", "Content-Type": "text/html"}, b"slow down"),
        (200, {"Content-Type": "text/xml"}, XML_VERSION),
    )
    sleeps = Sleeps()
    with client_for(front(script), sleep=sleeps) as client:
        client.version()
    assert sleeps.waits == [7.0]  # not the 0.25 s the backoff alone would wait


def test_a_retry_after_beyond_max_retry_wait_fails_at_once(front: Any) -> None:
    script = Script((503, {"Retry-After": "120"}, b"maintenance"))
    sleeps = Sleeps()
    with client_for(front(script), sleep=sleeps) as client, pytest.raises(TransientError) as raised:
        client.version()
    assert sleeps.waits == [] and len(script.requests) == 1
    assert "asked to wait 120 s" in str(raised.value)


@pytest.mark.parametrize(
    ("location", "says"),
    [
        ("https://{host}/xmlrpc/2/common", "Set the profile's url to https://{host}."),
        ("/web/login?redirect=%2Fxmlrpc%2F2%2Fcommon", "web login page"),
    ],
)
def test_redirects_say_which_url_to_use(front: Any, location: str, says: str) -> None:
    script = Script((301, {"Location": "PLACEHOLDER"}, b""))
    url = front(script)
    host = url.split("://", 1)[1]
    script.replies = [(301, {"Location": location.format(host=host)}, b"")]
    with client_for(url) as client, pytest.raises(ProtocolFailure) as raised:
        client.version()
    assert says.format(host=host) in str(raised.value)
    assert len(script.requests) == 1  # a redirect is not retried


def test_an_html_login_page_with_status_200_is_a_protocol_failure(front: Any) -> None:
    script = Script((200, {"Content-Type": "text/html; charset=utf-8"}, LOGIN_PAGE))
    with client_for(front(script) + "/odoo") as client:
        report = check_connection(client)
    assert report.error_code == "PROTOCOL" and report.exit_code == 5
    assert "'Login | My Company'" in report.message
    assert "login page" in report.message and "base address" in report.message


def test_gzip_encoded_answers_are_read(front: Any) -> None:
    script = Script(
        (200, {"Content-Type": "text/xml", "Content-Encoding": "gzip"}, gzip.compress(XML_VERSION))
    )
    with client_for(front(script)) as client:
        assert client.version().raw == "17.0"
    assert script.requests[0][1].get("Accept-Encoding") == "gzip"


def test_413_from_a_proxy_is_a_fault_the_engine_splits_on(front: Any) -> None:
    script = Script(
        (413, {"Content-Type": "text/html"}, b"<html>413 Request Entity Too Large</html>")
    )
    with client_for(front(script)) as client:
        client._uid = 2  # skip the login: the proxy refuses before Odoo
        with pytest.raises(RequestTooLarge) as raised:
            client.create("product.template", [{"name": "big", "image_1920": "A" * 1000}])
    assert isinstance(raised.value, OdooFault)
    assert "batch_size" in str(raised.value) and "client_max_body_size" in str(raised.value)
    assert len(script.requests) == 1


def test_a_request_over_the_limit_is_not_sent() -> None:
    with serve(seed="empty") as sandbox:
        with client_for(sandbox.url, password=Secret("admin"), max_request_bytes=50_000) as client:
            client.authenticate()
            sandbox.reset_calls()
            with pytest.raises(RequestTooLarge) as raised:
                client.create("product.template", [{"name": "x", "image_1920": "A" * 60_000}])
            assert "Not sent" in str(raised.value)
            assert client.create("product.template", [{"name": "small"}])
        assert sandbox.calls().get("product.template.create") == 1


def test_ipv6_loopback(front: Any) -> None:
    if not socket.has_ipv6:
        pytest.skip("this machine has no IPv6 stack")
    try:
        url = front(Script((200, {"Content-Type": "text/xml"}, XML_VERSION)), host="::1")
    except OSError as exc:  # IPv6 present but ::1 not configured (some containers)
        pytest.skip(f"cannot bind ::1: {exc}")
    with client_for(url) as client:
        assert client.version().major == 17
        assert client.insecure_warning is None


# -- TLS ----------------------------------------------------------------------------------------


def _certificate(tmp: Path, name: str, *, sans: list[x509.GeneralName]) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
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
    cert_path, key_path = tmp / f"{name}.pem", tmp / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _tls_server(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


@pytest.fixture
def loopback_cert(tmp_path: Path) -> tuple[Path, Path]:
    sans: list[x509.GeneralName] = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    return _certificate(tmp_path, "loopback", sans=sans)


def test_a_self_signed_certificate_is_a_tls_error_naming_the_fixes(
    front: Any, loopback_cert: tuple[Path, Path]
) -> None:
    script = Script((200, {"Content-Type": "text/xml"}, XML_VERSION))
    url = front(script, tls=_tls_server(*loopback_cert))
    with client_for(url) as client:
        report = check_connection(client)
    assert report.error_code == "TLS" and report.exit_code == 5
    assert "self-signed" in report.message or "self signed" in report.message
    assert "ca_bundle" in report.message and "verify_tls" in report.message
    assert script.requests == []  # nothing was sent, so no password left this machine
    with client_for(url, ca_bundle=loopback_cert[0]) as trusted:
        assert trusted.version().major == 17
    with client_for(url, verify_tls=False) as unchecked:
        assert unchecked.version().major == 17


def test_a_certificate_for_another_host_is_a_tls_error(front: Any, tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path, "other.example", sans=[x509.DNSName("other.example")])
    url = front(
        Script((200, {"Content-Type": "text/xml"}, XML_VERSION)), tls=_tls_server(cert, key)
    )
    with client_for(url, ca_bundle=cert) as client, pytest.raises(TLSError) as raised:
        client.version()
    message = str(raised.value)
    assert "mismatch" in message  # "IP address mismatch" here, "Hostname mismatch" for names
    assert "certificate names another host" in message and "profile's url" in message
    assert "verify_tls" in message


# -- credentials in the url ---------------------------------------------------------------------


def test_credentials_in_the_url_never_show(front: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="odoosync")
    script = Script((502, {"Content-Type": "text/html"}, NGINX_502))
    url = front(script).replace("://", "://proxyuser:Pr0xy-Pa55@")
    with client_for(url, max_retries=1) as client:
        assert "Pr0xy-Pa55" not in client.url and "***@" in client.url
        with pytest.raises(TransientError) as raised:
            client.version()
        report = check_connection(client)
    error = raised.value
    shown = [str(error), repr(error), str(error.__cause__), repr(error.__cause__), caplog.text]
    shown += [str(report.to_json()), report.message]
    for text in shown:
        assert "Pr0xy-Pa55" not in text and "Sup3r-S3cret" not in text, text
    # the user:password still reaches the proxy as Basic auth, as xmlrpc.client does
    assert script.requests[0][1].get("Authorization", "").startswith("Basic ")
