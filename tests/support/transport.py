"""The integration tests' one transport switch: ``ODOOSYNC_TEST_TRANSPORT`` = ``xmlrpc`` (the
default) or ``json2`` (SPEC §8).

With ``json2`` the shared fixtures and helpers start 19.0 sandboxes (a test that asks for a
version keeps it), and for every 19+ sandbox started through :func:`test_sandbox` the configs say
``transport = "json2"`` and the admin's credential is the sandbox's admin API key: a test that
passes the password ``"admin"`` to a helper gets the key (:func:`admin_secret`). With ``xmlrpc``
nothing changes: 17.0 sandboxes, the password, the profile's default transport."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from odoosync.sandbox import SandboxHandle, serve

#: read once, at import: the CLI tests clear every ODOOSYNC_* variable before each test
TEST_TRANSPORT = os.environ.get("ODOOSYNC_TEST_TRANSPORT", "xmlrpc").strip() or "xmlrpc"
if TEST_TRANSPORT not in ("xmlrpc", "json2"):
    raise ValueError(f"ODOOSYNC_TEST_TRANSPORT must be xmlrpc or json2, not {TEST_TRANSPORT!r}")
JSON2 = TEST_TRANSPORT == "json2"

#: the Odoo version a test's sandbox is when the test does not ask for one
DEFAULT_VERSION = "19.0" if JSON2 else "17.0"

#: the API keys (by login) of each running JSON-2 sandbox, by its URL
_json2_keys: dict[str, dict[str, str]] = {}


@contextmanager
def test_sandbox(**options: Any) -> Iterator[SandboxHandle]:
    """``serve(**options)``, at :data:`DEFAULT_VERSION` unless ``odoo_version`` is given; in json2
    mode a 19+ sandbox is spoken to over JSON-2 by the helpers while it runs."""
    options.setdefault("odoo_version", DEFAULT_VERSION)
    with serve(**options) as handle:
        speaks_json2 = JSON2 and int(str(options["odoo_version"]).split(".")[0]) >= 19
        if speaks_json2:
            _json2_keys[handle.url] = dict(handle.api_keys)
        try:
            yield handle
        finally:
            _json2_keys.pop(handle.url, None)


test_sandbox.__test__ = False  # type: ignore[attr-defined]  # not a test, whatever its name


def uses_json2(url: str) -> bool:
    """Whether the helpers speak JSON-2 to the sandbox at ``url``."""
    return url.rstrip("/") in _json2_keys or url in _json2_keys


def admin_secret(url: str, password: str = "admin") -> str:
    """The secret for the sandbox at ``url``: over JSON-2, a sandbox user's password (its login:
    "admin", "viewer") becomes that user's API key; anything else (a wrong password) is
    ``password`` unchanged."""
    keys = _json2_keys.get(url) or _json2_keys.get(url.rstrip("/")) or {}
    return keys.get(password, password)


def transport_for(url: str) -> str:
    """The profile's ``transport`` for the sandbox at ``url``: ``json2``, or ``auto`` (the
    default, which is XML-RPC below 19)."""
    return "json2" if uses_json2(url) else "auto"


def transport_line(url: str) -> str:
    """The profile line that picks the transport for ``url`` (empty: the default)."""
    return 'transport = "json2"\n' if uses_json2(url) else ""


#: for tests that genuinely depend on XML-RPC (fault texts, version 17, login call counts)
xmlrpc_only = pytest.mark.skipif(JSON2, reason="depends on XML-RPC")


def skip_on_json2(reason: str) -> pytest.MarkDecorator:
    """Skip a test in json2 mode, saying why it depends on XML-RPC."""
    return pytest.mark.skipif(JSON2, reason=f"XML-RPC only: {reason}")


def admin_secret_for_config(config: Path, password: str = "admin") -> str:
    """:func:`admin_secret` for the profile URL written in the odoosync.toml at ``config``."""
    found = re.search(r'^url = "([^"]*)"', config.read_text(encoding="utf-8"), re.M)
    return admin_secret(found.group(1), password) if found else password


def category_root(url: str) -> str:
    """Where the demo seed's categories hang: "All / Saleable" on 17, "Goods" on 19 (whose
    default tree has no "All"); for mappings that name category paths."""
    return "Goods" if uses_json2(url) else "All / Saleable"
