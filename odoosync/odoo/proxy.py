"""HTTP(S) proxies from the environment, and the connections both transports open through them.

``xmlrpc.client`` and ``http.client`` ignore ``HTTPS_PROXY``/``HTTP_PROXY`` on their own; this
module honours them (SPEC §8) for XML-RPC and JSON-2 alike:

* an ``https://`` Odoo is reached through a ``CONNECT host:port`` tunnel to the proxy, then TLS
  with the Odoo host's name (the proxy never sees the traffic);
* an ``http://`` Odoo is asked through the proxy with the absolute URI as request target
  (``POST http://odoo:8069/xmlrpc/2/object``);
* ``NO_PROXY`` (comma-separated host names, domain suffixes, ``*``, IP addresses with an optional
  port) sends a host straight;
* credentials in the proxy URL (``http://user:secret@proxy:3128``) are sent as
  ``Proxy-Authorization: Basic ...`` and never shown: :attr:`Proxy.shown` masks them.

The lower-case variable wins over the upper-case one, as in ``urllib``.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from odoosync.odoo.faults import redact_url


@dataclass(frozen=True)
class Proxy:
    """One proxy: where it listens and the ``Proxy-Authorization`` its URL asks for."""

    host: str
    port: int
    #: ``Basic <base64>`` when the proxy URL has ``user:password@``, else None
    authorization: str | None
    #: the proxy URL as shown in messages and traces (credentials masked)
    shown: str

    def headers(self) -> dict[str, str]:
        return {"Proxy-Authorization": self.authorization} if self.authorization else {}


def proxy_for(url: str, env: Mapping[str, str] | None = None) -> Proxy | None:
    """The proxy the environment names for ``url`` (an Odoo base url), or None to go straight.

    A proxy URL that cannot be read (no host) counts as none, as ``urllib`` does.
    """
    env = os.environ if env is None else env
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if scheme == "https" else 80)
    if bypassed(host, port, _env(env, "no_proxy")):
        return None
    raw = _env(env, f"{scheme}_proxy")
    return parse_proxy(raw) if raw else None


def parse_proxy(raw: str) -> Proxy | None:
    """A proxy URL (``http://[user:password@]host[:port]``; no scheme means http)."""
    text = raw.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if not parts.hostname:
        return None
    authorization = None
    if parts.username is not None:
        user = unquote(parts.username)
        password = unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        authorization = f"Basic {token}"
    default_port = 443 if parts.scheme.lower() == "https" else 80
    return Proxy(
        host=parts.hostname,
        port=parts.port or default_port,
        authorization=authorization,
        shown=redact_url(text),
    )


def bypassed(host: str, port: int, no_proxy: str | None) -> bool:
    """Whether ``NO_PROXY`` sends ``host`` straight: ``*``, an exact host, a domain suffix
    (``example.com`` and ``.example.com`` both match ``odoo.example.com``), an IP address or
    network (``10.0.0.0/8``), each with an optional ``:port``."""
    if not no_proxy:
        return False
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, want_port = entry.rpartition(":") if _has_port(entry) else (entry, "", "")
        if want_port and want_port != str(port):
            continue
        name = name.strip("[]")
        if _ip_match(host, name):
            return True
        suffix = name.lstrip(".")
        if suffix and (host == suffix or host.endswith("." + suffix)):
            return True
    return False


def _has_port(entry: str) -> bool:
    head, sep, tail = entry.rpartition(":")
    return bool(sep) and tail.isdigit() and (head.count(":") == 0 or head.endswith("]"))


def _ip_match(host: str, entry: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
        network = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False
    return address in network


def _env(env: Mapping[str, str], name: str) -> str | None:
    return env.get(name.lower()) or env.get(name.upper()) or None


def open_connection(
    url: str,
    *,
    timeout: float,
    ssl_context: ssl.SSLContext | None,
    proxy: Proxy | None,
) -> http.client.HTTPConnection:
    """A connection (not yet connected) to the Odoo at ``url``, through ``proxy`` if any."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme.lower() == "https"
    port = parts.port or (443 if https else 80)
    if proxy is None:
        if https:
            return http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl_context)
        return http.client.HTTPConnection(host, port, timeout=timeout)
    if https:
        conn = http.client.HTTPSConnection(
            proxy.host, proxy.port, timeout=timeout, context=ssl_context
        )
        conn.set_tunnel(host, port, headers=proxy.headers())
        return conn
    return http.client.HTTPConnection(proxy.host, proxy.port, timeout=timeout)


def request_target(url: str, path: str, proxy: Proxy | None) -> str:
    """What goes on the request line: the path, or the absolute URI through a plain-http proxy
    (``http.client`` then takes the ``Host`` header from it)."""
    parts = urlsplit(url)
    if proxy is None or parts.scheme.lower() == "https":
        return path
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme.lower()}://{netloc}{path}"


def proxy_headers(url: str, proxy: Proxy | None) -> list[tuple[str, str]]:
    """Headers each request carries: ``Proxy-Authorization`` through a plain-http proxy (an
    https tunnel sends it once, with ``CONNECT``)."""
    if proxy is None or urlsplit(url).scheme.lower() == "https":
        return []
    return list(proxy.headers().items())
