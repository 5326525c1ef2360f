"""Reading and validating ``odoosync.toml``: the schema (which keys each table may hold), the
file reader, :class:`KeyReader` (typed values, each failure a :class:`~odoosync.errors.ConfigError`
naming ``<file>: <key path>:``) and :func:`check_url`. :mod:`odoosync.config.settings` builds the
:class:`~odoosync.config.settings.Settings` with them.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from odoosync.errors import ConfigError
from odoosync.suggest import did_you_mean

MATCH_ON = ("external_id", "barcode")
#: an environment variable name, and an Odoo module name (external ids)
IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

PROFILE_KEYS = (
    "name",
    "url",
    "database",
    "username",
    "password_env",
    "timeout",
    "verify_tls",
    "ca_bundle",
    "company_id",
    "lang",
    "transport",
    "max_response_mb",
)
#: how a profile reaches Odoo (SPEC §8): auto = JSON-2 on Odoo 19+ with an API key, else XML-RPC
TRANSPORTS = ("auto", "xmlrpc", "json2")
SECTIONS: dict[str, tuple[str, ...]] = {
    "catalog": ("path", "table", "key", "modified_field", "neutralise_formulas"),
    "mapping": ("path",),
    "history": ("path",),
    "sync": (
        "batch_size",
        "workers",
        "sync_images",
        "match_on",
        "external_id_module",
        "conflict_policy",
        "max_retries",
        "max_retry_wait",
        "max_archive_ratio",
        "image_max_mb",
        "image_timeout",
    ),
    "schedule": ("timezone",),
}
TOP_KEYS = ("default_profile", "profiles", *SECTIONS)
#: the longest timeout or wait a config may give, in seconds (one day)
MAX_SECONDS = 86_400


def show_value(value: Any) -> str:
    """A value as it would be written in TOML-ish form, for messages."""
    return json.dumps(value, default=str, ensure_ascii=False)


class KeyReader:
    """Validates one parsed document; every message starts with ``<file>: <key path>:``."""

    def __init__(self, file: Path, base_dir: Path) -> None:
        self.file = file
        self.base_dir = base_dir

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.file}: {key}: {problem}")

    def check_keys(self, table: Mapping[str, Any], known: tuple[str, ...], prefix: str) -> None:
        for key in table:
            if key in known:
                continue
            path = f"{prefix}{key}"
            if key == "password" and prefix.startswith("profiles."):
                raise self.fail(
                    path,
                    "a password in clear text is refused. Remove it and run "
                    "`odoosync config set-password` (stored encrypted), or name an environment "
                    'variable with `password_env = "VAR"`.',
                )
            hint = did_you_mean(key, known)
            raise self.fail(path, f"unknown key{hint}; known keys here: {', '.join(known)}.")

    def table(self, doc: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(path, f"expected a table ([{path}]), got {show_value(value)}.")
        return value

    def string(self, value: Any, path: str, *, allow_empty: bool = False) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected a string, got {show_value(value)}.")
        if not allow_empty and not value.strip():
            raise self.fail(path, "must not be empty.")
        return value

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(path, f"expected true or false, got {show_value(value)}.")
        return value

    def integer(self, value: Any, path: str, low: int, high: int | None = None) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            kind = "a positive integer" if low >= 1 else "an integer"
            raise self.fail(path, f"expected {kind}, got {show_value(value)}.")
        if value < low or (high is not None and value > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise self.fail(path, f"must be {bounds}, got {value}.")
        return value

    def number(self, value: Any, path: str, *, positive: bool) -> float:
        """A finite number of seconds, at most :data:`MAX_SECONDS` (``inf`` and ``nan`` are
        refused: a timeout must end)."""
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or value < 0 or (positive and value == 0) or not math.isfinite(value):
            kind = "a number > 0" if positive else "a number >= 0"
            raise self.fail(path, f"expected {kind} (seconds), got {show_value(value)}.")
        if value > MAX_SECONDS:
            raise self.fail(path, f"must be at most {MAX_SECONDS} seconds (one day), got {value}.")
        return float(value)

    def path(self, value: Any, key: str) -> Path:
        text = self.string(value, key)
        p = Path(text).expanduser()
        return p if p.is_absolute() else self.base_dir / p


def masked_url(url: str) -> str:
    """``url`` with the password of a ``user:password@`` part shown as ``***`` (for
    ``config show``; everything else prints the client's own redacted URL)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    userinfo, host = parts.netloc.rsplit("@", 1)
    user = userinfo.split(":", 1)[0]
    shown = f"{user}:***@{host}" if ":" in userinfo else f"***@{host}"
    return urlunsplit((parts.scheme, shown, parts.path, parts.query, parts.fragment))


def check_url(value: str) -> str:
    """Validate an Odoo base URL; return it without a trailing slash. Raises ValueError."""
    if not value.strip():
        raise ValueError("must not be empty.")
    if any(ch.isspace() for ch in value):
        raise ValueError(f"{show_value(value)} contains a space; give the base URL.")
    parts = urlsplit(value)
    if not parts.scheme or "://" not in value:
        raise ValueError(
            f"{show_value(value)} has no scheme; write it as https://host (or http://host)."
        )
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(
            f"{show_value(value)}: scheme '{parts.scheme}' is not supported; use http or https."
        )
    if not parts.hostname:
        raise ValueError(f"{show_value(value)} has no host name.")
    try:
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise ValueError(f"{show_value(value)} has an invalid port.") from None
    if parts.path.strip("/") or parts.query or parts.fragment:
        base = f"{parts.scheme}://{parts.netloc}"
        raise ValueError(
            f"{show_value(value)} has a path; use the base URL ({base}), "
            "not a page such as /odoo or /web."
        )
    return f"{parts.scheme.lower()}://{parts.netloc}"


def read_document(file: Path) -> dict[str, Any]:
    """Read and parse the config file; ConfigError says how to fix a missing or broken one."""
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"{file}: config file not found. Run `odoosync init` to create it, "
            "or pass -c PATH (or set ODOOSYNC_CONFIG)."
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"{file}: is a folder, not a config file; pass -c PATH.") from None
    except OSError as exc:
        raise ConfigError(
            f"{file}: cannot read the config file ({exc.strerror or exc}). "
            "Check its permissions, or run `odoosync init` to create one."
        ) from None
    try:
        # "utf-8-sig": a byte order mark (Windows Notepad writes one) is accepted and dropped
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8 text (byte {exc.start}); save it as UTF-8.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}. Fix the syntax there.") from None
