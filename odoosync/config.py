"""``odoosync.toml`` → typed, validated :class:`Settings`.

Precedence: command-line options, then environment variables, then the file, then defaults.
``Settings.sources`` records where each resolved value came from (``"flag"``, ``"env"``,
``"file"`` or ``"default"``). Every problem is a :class:`~odoosync.errors.ConfigError` naming the
file and the key path (``odoosync.toml: sync.batch_size: expected a positive integer, got "ten"``),
raised before any I/O beyond reading the file.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from odoosync.errors import ConfigError

DEFAULT_CONFIG_NAME = "odoosync.toml"
SECRETS_FILE_NAME = "odoosync.secrets.toml"
CATALOG_SUFFIXES = (".csv", ".json", ".jsonl", ".db", ".sqlite", ".sqlite3")
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
CONFLICT_POLICIES = ("newest", "local", "odoo", "skip")
MATCH_ON = ("external_id", "barcode")
#: env var -> profile key it overrides (for the selected profile)
ENV_OVERRIDES = {
    "ODOOSYNC_URL": "url",
    "ODOOSYNC_DATABASE": "database",
    "ODOOSYNC_USERNAME": "username",
}
_MODULE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Profile:
    name: str  # the key under [profiles]
    label: str  # `name = "..."` in the file
    url: str  # normalised: no trailing slash
    database: str
    username: str
    password_env: str | None = None
    timeout: float = 60.0
    verify_tls: bool = True
    ca_bundle: Path | None = None
    company_id: int | None = None
    lang: str | None = None


@dataclass(frozen=True)
class CatalogSettings:
    path: Path
    table: str | None = None
    key: str = "id"
    modified_field: str = "modified_at"


@dataclass(frozen=True)
class SyncSettings:
    batch_size: int = 100
    workers: int = 2
    sync_images: bool = True
    match_on: tuple[str, ...] = ("external_id", "barcode")
    external_id_module: str = "odoosync"
    conflict_policy: str = "newest"
    max_retries: int = 5
    max_retry_wait: float = 30.0


@dataclass(frozen=True)
class Settings:
    config_path: Path
    profile: Profile
    profiles: Mapping[str, Profile]
    catalog: CatalogSettings
    mapping_path: Path
    history_path: Path
    sync: SyncSettings
    secrets_path: Path  # odoosync.secrets.toml beside the config
    timezone: str | None  # [schedule] timezone; None = machine local time
    sources: Mapping[str, str] = field(default_factory=dict)  # key path -> flag|env|file|default


# ---------------------------------------------------------------------------- the schema

_PROFILE_KEYS = (
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
)
_SECTIONS: dict[str, tuple[str, ...]] = {
    "catalog": ("path", "table", "key", "modified_field"),
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
    ),
    "schedule": ("timezone",),
}
_TOP_KEYS = ("default_profile", "profiles", *_SECTIONS)


def show_value(value: Any) -> str:
    """A value as it would be written in TOML-ish form, for messages."""
    return json.dumps(value, default=str, ensure_ascii=False)


def config_path_from(config_path: Path | None, env: Mapping[str, str]) -> tuple[Path, str]:
    """The config file to read and where its name came from (flag, env, default)."""
    if config_path is not None:
        return Path(config_path).expanduser(), "flag"
    if env.get("ODOOSYNC_CONFIG"):
        return Path(env["ODOOSYNC_CONFIG"]).expanduser(), "env"
    return Path(DEFAULT_CONFIG_NAME), "default"


class _Reader:
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
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
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
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or value < 0 or (positive and value == 0) or value != value:
            kind = "a number > 0" if positive else "a number >= 0"
            raise self.fail(path, f"expected {kind} (seconds), got {show_value(value)}.")
        return float(value)

    def path(self, value: Any, key: str) -> Path:
        text = self.string(value, key)
        p = Path(text).expanduser()
        return p if p.is_absolute() else self.base_dir / p


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
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8 text (byte {exc.start}); save it as UTF-8.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}. Fix the syntax there.") from None


def load_settings(
    config_path: Path | None = None,
    *,
    profile: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """Read, validate and resolve the settings. Raises ConfigError naming the file and key."""
    env = os.environ if env is None else env
    file, file_source = config_path_from(config_path, env)
    doc = read_document(file)
    base_dir = file.absolute().parent
    r = _Reader(file, base_dir)
    sources: dict[str, str] = {"config": file_source}

    r.check_keys(doc, _TOP_KEYS, "")
    for section, keys in _SECTIONS.items():
        r.check_keys(r.table(doc, section, section), keys, f"{section}.")

    # -- profiles
    raw_profiles = r.table(doc, "profiles", "profiles")
    for pname, ptable in raw_profiles.items():
        if not isinstance(ptable, dict):
            raise r.fail(
                f"profiles.{pname}",
                f"expected a table ([profiles.{pname}]), got {show_value(ptable)}.",
            )
        r.check_keys(ptable, _PROFILE_KEYS, f"profiles.{pname}.")

    selected, selected_source = _select_profile(r, doc, raw_profiles, profile, env)
    sources["profile"] = selected_source
    if "default_profile" in doc:
        sources["default_profile"] = "file"

    profiles: dict[str, Profile] = {}
    names = list(raw_profiles) or [selected]
    for pname in names:
        ptable = raw_profiles.get(pname, {})
        overrides = (
            {key: env[var] for var, key in ENV_OVERRIDES.items() if env.get(var)}
            if pname == selected
            else {}
        )
        profiles[pname] = _profile(r, pname, ptable, overrides, sources)
    chosen = profiles[selected]

    # -- catalog, mapping, history
    cat = r.table(doc, "catalog", "catalog")
    cat_path = r.path(cat.get("path", "products.csv"), "catalog.path")
    _source(sources, "catalog.path", cat, "path")
    suffix = cat_path.suffix.lower()
    if suffix not in CATALOG_SUFFIXES:
        raise r.fail(
            "catalog.path",
            f"unsupported catalog type {show_value(suffix or cat_path.name)}; "
            f"use one of {' '.join(CATALOG_SUFFIXES)}.",
        )
    table: str | None = None
    if "table" in cat:
        table = r.string(cat["table"], "catalog.table")
        if suffix not in SQLITE_SUFFIXES:
            raise r.fail(
                "catalog.table",
                f"only SQLite catalogs have tables, and {cat_path.name} is a {suffix} file; "
                "remove the key.",
            )
    elif suffix in SQLITE_SUFFIXES:
        raise r.fail(
            "catalog.table",
            f"missing: the SQLite catalog {cat_path.name} needs the table that holds the "
            'products (table = "products").',
        )
    _source(sources, "catalog.table", cat, "table")
    catalog = CatalogSettings(
        path=cat_path,
        table=table,
        key=r.string(cat.get("key", "id"), "catalog.key"),
        modified_field=r.string(cat.get("modified_field", "modified_at"), "catalog.modified_field"),
    )
    _source(sources, "catalog.key", cat, "key")
    _source(sources, "catalog.modified_field", cat, "modified_field")

    mapping = r.table(doc, "mapping", "mapping")
    mapping_path = r.path(mapping.get("path", "mapping.toml"), "mapping.path")
    _source(sources, "mapping.path", mapping, "path")
    history = r.table(doc, "history", "history")
    history_path = r.path(history.get("path", "odoosync.db"), "history.path")
    _source(sources, "history.path", history, "path")

    sync = _sync(r, r.table(doc, "sync", "sync"), sources)

    sched = r.table(doc, "schedule", "schedule")
    timezone: str | None = None
    if "timezone" in sched:
        timezone = r.string(sched["timezone"], "schedule.timezone")
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise r.fail(
                "schedule.timezone",
                f"unknown time zone {show_value(timezone)}; use an IANA name such as "
                '"Europe/Paris", or remove the key to use the machine\'s local time.',
            ) from None
    _source(sources, "schedule.timezone", sched, "timezone")

    return Settings(
        config_path=file,
        profile=chosen,
        profiles=profiles,
        catalog=catalog,
        mapping_path=mapping_path,
        history_path=history_path,
        sync=sync,
        secrets_path=base_dir / SECRETS_FILE_NAME,
        timezone=timezone,
        sources=sources,
    )


def _source(sources: dict[str, str], path: str, table: Mapping[str, Any], key: str) -> None:
    sources[path] = "file" if key in table else "default"


def _select_profile(
    r: _Reader,
    doc: Mapping[str, Any],
    raw_profiles: Mapping[str, Any],
    flag: str | None,
    env: Mapping[str, str],
) -> tuple[str, str]:
    available = ", ".join(raw_profiles) or "none"
    if flag:
        name, source, where = flag, "flag", "-p/--profile"
    elif env.get("ODOOSYNC_PROFILE"):
        name, source, where = env["ODOOSYNC_PROFILE"], "env", "ODOOSYNC_PROFILE"
    elif "default_profile" in doc:
        name = r.string(doc["default_profile"], "default_profile")
        source, where = "file", "default_profile"
    elif len(raw_profiles) == 1:
        return next(iter(raw_profiles)), "default"
    elif not raw_profiles:
        if all(env.get(var) for var in ENV_OVERRIDES):
            return "default", "default"  # a profile made of environment variables alone (CI)
        raise r.fail(
            "profiles",
            "no profile defined; add a [profiles.NAME] table with url, database and username "
            "(or run `odoosync init`).",
        )
    else:
        raise r.fail(
            "default_profile",
            f"missing, and there are several profiles ({available}); set "
            'default_profile = "NAME" or pass -p NAME.',
        )
    if name not in raw_profiles:
        close = difflib.get_close_matches(name, list(raw_profiles), n=1, cutoff=0.5)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        key = where if where == "default_profile" else f"profiles.{name}"
        raise r.fail(
            key,
            f"no profile named {show_value(name)} (from {where}); available: {available}.{hint}",
        )
    return name, source


def _profile(
    r: _Reader,
    name: str,
    table: Mapping[str, Any],
    overrides: Mapping[str, str],
    sources: dict[str, str],
) -> Profile:
    prefix = f"profiles.{name}."
    values: dict[str, str] = {}
    for key in ("url", "database", "username"):
        path = prefix + key
        if key in overrides:
            env_var = next(v for v, k in ENV_OVERRIDES.items() if k == key)
            values[key] = overrides[key]
            sources[path] = "env"
            where = env_var
        elif key in table:
            values[key] = r.string(table[key], path)
            sources[path] = "file"
            where = path
        else:
            raise r.fail(path, "missing; every profile needs url, database and username.")
        if key == "url":
            try:
                values[key] = check_url(values[key])
            except ValueError as exc:
                if where == path:
                    raise r.fail(path, str(exc)) from None
                raise ConfigError(f"{where}: {exc}") from None
        elif not values[key].strip():
            if where == path:
                raise r.fail(path, "must not be empty.")
            raise ConfigError(f"{where}: must not be empty.")

    label = r.string(table.get("name", name), prefix + "name")
    password_env: str | None = None
    if "password_env" in table:
        password_env = r.string(table["password_env"], prefix + "password_env")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", password_env):
            raise r.fail(
                prefix + "password_env",
                f"{show_value(password_env)} is not an environment variable name.",
            )
    timeout = r.number(table.get("timeout", 60.0), prefix + "timeout", positive=True)
    verify_tls = r.boolean(table.get("verify_tls", True), prefix + "verify_tls")
    ca_bundle: Path | None = None
    if "ca_bundle" in table:
        ca_bundle = r.path(table["ca_bundle"], prefix + "ca_bundle")
        if not ca_bundle.is_file():
            raise r.fail(
                prefix + "ca_bundle",
                f"{ca_bundle} does not exist or is not a file; give the path of a PEM bundle.",
            )
    company_id: int | None = None
    if "company_id" in table:
        company_id = r.integer(table["company_id"], prefix + "company_id", 1)
    lang: str | None = None
    if "lang" in table:
        lang = r.string(table["lang"], prefix + "lang")
    for key in _PROFILE_KEYS:
        if key not in ("url", "database", "username"):
            _source(sources, prefix + key, table, key)
    return Profile(
        name=name,
        label=label,
        url=values["url"],
        database=values["database"],
        username=values["username"],
        password_env=password_env,
        timeout=timeout,
        verify_tls=verify_tls,
        ca_bundle=ca_bundle,
        company_id=company_id,
        lang=lang,
    )


def _sync(r: _Reader, t: Mapping[str, Any], sources: dict[str, str]) -> SyncSettings:
    d = SyncSettings()
    match_on = t.get("match_on", list(d.match_on))
    if not isinstance(match_on, list) or not match_on:
        raise r.fail(
            "sync.match_on",
            f'expected a non-empty list such as ["external_id", "barcode"], '
            f"got {show_value(match_on)}.",
        )
    for i, item in enumerate(match_on):
        if item not in MATCH_ON:
            raise r.fail(
                f"sync.match_on[{i}]",
                f'{show_value(item)} is not a way to match; use "external_id" or "barcode".',
            )
    if len(set(match_on)) != len(match_on):
        raise r.fail("sync.match_on", "lists the same item twice.")
    module = r.string(t.get("external_id_module", d.external_id_module), "sync.external_id_module")
    if not _MODULE_RE.fullmatch(module):
        raise r.fail(
            "sync.external_id_module",
            f"{show_value(module)} cannot be an Odoo module name (no spaces, dots or dashes); "
            "use letters, digits and underscores.",
        )
    policy = t.get("conflict_policy", d.conflict_policy)
    if policy not in CONFLICT_POLICIES:
        raise r.fail(
            "sync.conflict_policy",
            f"expected one of {', '.join(CONFLICT_POLICIES)}, got {show_value(policy)}.",
        )
    for key in _SECTIONS["sync"]:
        _source(sources, f"sync.{key}", t, key)
    return SyncSettings(
        batch_size=r.integer(t.get("batch_size", d.batch_size), "sync.batch_size", 1, 10000),
        workers=r.integer(t.get("workers", d.workers), "sync.workers", 1, 16),
        sync_images=r.boolean(t.get("sync_images", d.sync_images), "sync.sync_images"),
        match_on=tuple(match_on),
        external_id_module=module,
        conflict_policy=policy,
        max_retries=r.integer(t.get("max_retries", d.max_retries), "sync.max_retries", 0),
        max_retry_wait=r.number(
            t.get("max_retry_wait", d.max_retry_wait), "sync.max_retry_wait", positive=False
        ),
    )


# ---------------------------------------------------------------------------- init

CONFIG_TEMPLATE = """\
# odoosync configuration. Reference: odoosync.toml.example; check it with `odoosync config check`.
# Relative paths are relative to this file's folder.
default_profile = {profile}

[profiles.{profile_key}]
name = {label}
url = {url}     # the base URL, no path; http(s) only
database = {database}
username = {username}
# The password or API key is never written here in clear. Either
#   odoosync config set-password        (stores it encrypted in odoosync.secrets.toml), or
# password_env = "ODOO_PASSWORD"        # read it from this environment variable (CI)
timeout = 60                            # seconds for one call
verify_tls = true
# ca_bundle = "/etc/ssl/company-ca.pem"
# company_id = 1                        # sent as allowed_company_ids in the context
# lang = "en_US"                        # context lang for translatable fields

[catalog]
path = {catalog}
{table_line}key = "id"                              # the column that identifies a product locally
modified_field = "modified_at"          # ISO-8601 timestamps; used by incremental runs

[mapping]
path = "mapping.toml"

[history]
path = "odoosync.db"

[sync]
batch_size = 100
workers = 2                             # parallel connections to Odoo
sync_images = true
match_on = ["external_id", "barcode"]   # how a product that was never linked finds its Odoo twin
external_id_module = "odoosync"         # external ids are <module>.product_<key>
conflict_policy = "newest"              # newest | local | odoo | skip   (bidirectional sync)
max_retries = 5                         # transient failures, with exponential backoff and jitter
max_retry_wait = 30                     # seconds spent retrying at most, in all

[schedule]
# timezone = "Europe/Paris"             # for cron expressions; default: the machine's local time
"""

#: what `init` writes when a value is neither given nor typed at a prompt
PLACEHOLDERS = {
    "url": "https://yourcompany.odoo.com",
    "database": "your_database_name",
    "username": "integration@company.com",
}


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _toml_key(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z0-9_-]+", value) else _toml_string(value)


def render_config(
    *, url: str, database: str, username: str, profile: str = "production", catalog: str
) -> str:
    """The text of a new ``odoosync.toml`` (the annotated template, filled in)."""
    suffix = Path(catalog).suffix.lower()
    table_line = (
        'table = "products"                      # the table that holds the products\n'
        if suffix in SQLITE_SUFFIXES
        else ""
    )
    return CONFIG_TEMPLATE.format(
        profile=_toml_string(profile),
        profile_key=_toml_key(profile),
        label=_toml_string(profile.replace("_", " ").capitalize()),
        url=_toml_string(url),
        database=_toml_string(database),
        username=_toml_string(username),
        catalog=_toml_string(catalog),
        table_line=table_line,
    )


def write_init_files(
    config_path: Path, config_text: str, mapping_text: str, *, force: bool
) -> tuple[Path, Path]:
    """Write ``odoosync.toml`` and ``mapping.toml`` beside it; refuse to overwrite unless forced.

    The config text is validated (parsed as TOML) before anything is written.
    """
    mapping_path = config_path.parent / "mapping.toml"
    if not force:
        existing = [p for p in (config_path, mapping_path) if p.exists()]
        if existing:
            names = " and ".join(str(p) for p in existing)
            raise ConfigError(
                f"{names} already exist{'s' if len(existing) == 1 else ''}; "
                "pass --force to overwrite, or edit the file instead."
            )
    try:
        tomllib.loads(config_text)
    except tomllib.TOMLDecodeError as exc:  # a value that broke the template
        raise ConfigError(f"{config_path}: the generated config is invalid ({exc}).") from None
    config_path.absolute().parent.mkdir(parents=True, exist_ok=True)
    for path, text in ((config_path, config_text), (mapping_path, mapping_text)):
        try:
            _write_text_atomic(path, text)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot write it ({exc.strerror or exc}).") from None
    return config_path, mapping_path


def _write_text_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# ---------------------------------------------------------------------------- describing


def describe_settings(settings: Settings) -> dict[str, Any]:
    """Every resolved value of the selected profile and sections, with its source (JSON-ready)."""
    p = settings.profile
    prefix = f"profiles.{p.name}."
    resolved: dict[str, Any] = {
        "profile": p.name,
        prefix + "name": p.label,
        prefix + "url": p.url,
        prefix + "database": p.database,
        prefix + "username": p.username,
        prefix + "password_env": p.password_env,
        prefix + "timeout": p.timeout,
        prefix + "verify_tls": p.verify_tls,
        prefix + "ca_bundle": str(p.ca_bundle) if p.ca_bundle else None,
        prefix + "company_id": p.company_id,
        prefix + "lang": p.lang,
        "catalog.path": str(settings.catalog.path),
        "catalog.table": settings.catalog.table,
        "catalog.key": settings.catalog.key,
        "catalog.modified_field": settings.catalog.modified_field,
        "mapping.path": str(settings.mapping_path),
        "history.path": str(settings.history_path),
        "sync.batch_size": settings.sync.batch_size,
        "sync.workers": settings.sync.workers,
        "sync.sync_images": settings.sync.sync_images,
        "sync.match_on": list(settings.sync.match_on),
        "sync.external_id_module": settings.sync.external_id_module,
        "sync.conflict_policy": settings.sync.conflict_policy,
        "sync.max_retries": settings.sync.max_retries,
        "sync.max_retry_wait": settings.sync.max_retry_wait,
        "schedule.timezone": settings.timezone,
    }
    values = {
        key: {"value": value, "source": settings.sources.get(key, "default")}
        for key, value in resolved.items()
    }
    return {
        "config_path": str(settings.config_path),
        "profile": p.name,
        "profiles": list(settings.profiles),
        "secrets_path": str(settings.secrets_path),
        "values": values,
    }
