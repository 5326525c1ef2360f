"""What the server says about itself: its version (``common.version()`` over XML-RPC,
``GET /web/version`` for JSON-2), and a warning for plain http to a remote host."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any
from urllib.parse import urlsplit

from odoosync.errors import ProtocolFailure

#: the first Odoo version that serves JSON-2 (``/json/2``)
JSON2_FIRST_MAJOR = 19


@dataclass(frozen=True)
class ServerVersion:
    """``common.version()``: ``raw`` as the server says it (``17.0``, ``saas~17.4+e``)."""

    raw: str
    major: int
    minor: int
    info: tuple[Any, ...]


def parse_version(data: Mapping[str, Any]) -> ServerVersion:
    """Read ``common.version()``'s answer without assuming ints (``('saas~17', 4, ...)``)."""
    raw = str(data.get("server_version") or "")
    info_value = data.get("server_version_info")
    info = tuple(info_value) if isinstance(info_value, list | tuple) else ()
    major = minor = None
    if len(info) >= 2:
        major = _leading_int(info[0])
        minor = _leading_int(info[1])
    if major is None or minor is None:
        m = re.search(r"(\d+)\.(\d+)", raw) or re.search(r"(\d+)", raw)
        if m is None:
            raise ProtocolFailure(
                f"The server's version {raw!r} is not an Odoo version: check the profile's url."
            )
        major = int(m.group(1))
        minor = int(m.group(2)) if m.lastindex and m.lastindex >= 2 else 0
    return ServerVersion(raw=raw or f"{major}.{minor}", major=major, minor=minor, info=info)


def _leading_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    m = re.search(r"\d+", str(value))
    return int(m.group()) if m else None


def insecure_url_warning(url: str) -> str | None:
    """A warning when ``url`` is plain http to a host that is not loopback, else None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "http":
        return None
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return None
    try:
        if ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"{url} uses plain http: the password travels unencrypted. "
        "Use https unless this network is trusted."
    )


def parse_web_version(data: Any) -> ServerVersion:
    """``GET /web/version``'s answer (``{"version_info": [19, 0, ...], "version": "19.0"}``)
    read as ``common.version()``'s."""
    if not isinstance(data, Mapping):
        raise ProtocolFailure(
            f"/web/version answered {type(data).__name__}, not Odoo's version record: check the "
            "profile's url."
        )
    return parse_version(
        {"server_version": data.get("version"), "server_version_info": data.get("version_info")}
    )
