"""How ``transport = "auto"`` asks the version (issue 15): ``common.version()`` over XML-RPC first
(7 ms on a real Odoo 17, where ``GET /web/version`` is a 404 page taking ~80 ms), and ``GET
/web/version`` only when the server has no XML-RPC."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from odoosync.errors import ProtocolFailure
from odoosync.odoo import ConnectionParams, OdooClient
from odoosync.sandbox import SandboxHandle, serve
from odoosync.secrets import Secret

VERSION_19 = {"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}


def params(url: str, database: str = "odoosync") -> ConnectionParams:
    return ConnectionParams(
        url=url, database=database, username="admin", password=Secret("key"), max_retries=0
    )


class NoXmlrpc(BaseHTTPRequestHandler):
    """An Odoo after XML-RPC's removal: 404 on /xmlrpc, JSON-2 and /web/version answered."""

    seen: list[str] = []
    version: dict[str, object] | None = VERSION_19

    def log_message(self, *args: object) -> None:
        return

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.seen.append(f"GET {self.path}")
        if self.path == "/web/version" and self.version is not None:
            self._send(200, json.dumps(self.version).encode(), "application/json")
        else:
            self._send(404, b"<html>Not Found</html>", "text/html")

    def do_POST(self) -> None:
        self.seen.append(f"POST {self.path}")
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/json/2/res.users/context_get":
            self._send(200, json.dumps({"uid": 2, "lang": "en_US"}).encode(), "application/json")
        else:
            self._send(404, b"<html>Not Found</html>", "text/html")


@pytest.fixture
def no_xmlrpc() -> Iterator[str]:
    NoXmlrpc.seen = []
    NoXmlrpc.version = VERSION_19
    server = ThreadingHTTPServer(("127.0.0.1", 0), NoXmlrpc)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_auto_on_17_asks_xmlrpc_only(caplog: pytest.LogCaptureFixture) -> None:
    sandbox: SandboxHandle
    with serve(odoo_version="17.0") as sandbox:
        caplog.set_level(logging.DEBUG, logger="odoosync.rpc")
        with OdooClient(params(sandbox.url, sandbox.database)) as client:
            assert client.version().major == 17
            assert client.transport == "xmlrpc"
    traced = [r.getMessage() for r in caplog.records if r.name == "odoosync.rpc"]
    assert traced and traced[0].startswith("common.version()")
    assert not any("/web/version" in line for line in traced)
    assert sandbox.calls() == {"common.version": 1}


def test_auto_without_xmlrpc_asks_web_version_then_json2(no_xmlrpc: str) -> None:
    with OdooClient(params(no_xmlrpc)) as client:
        assert client.transport == "json2"
        assert client.version().raw == "19.0"
    assert NoXmlrpc.seen == [
        "POST /xmlrpc/2/common",
        "GET /web/version",
        "POST /json/2/res.users/context_get",
    ]


def test_neither_answering_reports_the_xmlrpc_failure(no_xmlrpc: str) -> None:
    NoXmlrpc.version = None  # not an Odoo: 404 everywhere
    with OdooClient(params(no_xmlrpc)) as client, pytest.raises(ProtocolFailure) as caught:
        client.version()
    assert NoXmlrpc.seen == ["POST /xmlrpc/2/common", "GET /web/version"]
    assert "HTTP 404" in str(caught.value) and "not an Odoo XML-RPC endpoint" in str(caught.value)
