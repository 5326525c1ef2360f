"""``odoosync.toml`` → typed, validated :class:`Settings`.

Precedence: command-line options, then environment variables, then the file, then defaults.
``Settings.sources`` records where each resolved value came from (``"flag"``, ``"env"``,
``"file"`` or ``"default"``). Every problem is a :class:`~odoosync.errors.ConfigError` naming the
file and the key path (``odoosync.toml: sync.batch_size: expected a positive integer, got "ten"``),
raised before any I/O beyond reading the file.

The schema and the key validators are in :mod:`odoosync.config.schema`; the ``init`` template
and ``describe_settings`` in :mod:`odoosync.config.template`.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from odoosync.catalog.base import Catalog
from odoosync.catalog.formats import SQLITE_SUFFIXES, SUFFIXES, open_catalog
from odoosync.config.schema import (
    IDENTIFIER_RE,
    MATCH_ON,
    PROFILE_KEYS,
    SECTIONS,
    TOP_KEYS,
    TRANSPORTS,
    KeyReader,
    check_url,
    read_document,
    show_value,
)
from odoosync.errors import ConfigError
from odoosync.suggest import closest
from odoosync.terms import CONFLICT_POLICIES

__all__ = [
    "DEFAULT_CONFIG_NAME",
    "ENV_OVERRIDES",
    "SECRETS_FILE_NAME",
    "TRANSPORT_ENV",
    "CatalogSettings",
    "Profile",
    "Settings",
    "SyncSettings",
    "config_path_from",
    "load_settings",
]

DEFAULT_CONFIG_NAME = "odoosync.toml"
SECRETS_FILE_NAME = "odoosync.secrets.toml"
#: env var -> profile key it overrides (for the selected profile)
ENV_OVERRIDES = {
    "ODOOSYNC_URL": "url",
    "ODOOSYNC_DATABASE": "database",
    "ODOOSYNC_USERNAME": "username",
}
#: overrides the selected profile's ``transport`` (not needed for a profile made of env vars)
TRANSPORT_ENV = "ODOOSYNC_TRANSPORT"


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
    #: "auto", "xmlrpc" or "json2" (SPEC §8)
    transport: str = "auto"
    #: an answer from Odoo over this (received, or decoded from gzip) is refused, exit 5
    max_response_mb: float = 256.0


@dataclass(frozen=True)
class CatalogSettings:
    path: Path
    table: str | None = None
    key: str = "id"
    modified_field: str = "modified_at"
    #: CSV: text written with a leading ' when a spreadsheet would run it as a formula
    neutralise_formulas: bool = True

    def open(self) -> Catalog:
        """The catalog these settings name (opening reads nothing; see ``open_catalog``)."""
        return open_catalog(
            self.path, key=self.key, table=self.table, neutralise_formulas=self.neutralise_formulas
        )


@dataclass(frozen=True)
class SyncSettings:
    #: 750, not 500: the export looks up 1,000 products at a time, and two sends of 500 on the two
    #: connections end together on a real Odoo, so both next calls re-check the password at once
    #: (a create clears Odoo's credential cache) while the server idles; 750 + 250 keeps them out of
    #: step (benchmarks/real_bench.py: +5-9% on a real Odoo 17)
    batch_size: int = 750
    workers: int = 2
    sync_images: bool = True
    match_on: tuple[str, ...] = ("external_id", "barcode")
    external_id_module: str = "odoosync"
    conflict_policy: str = "newest"
    max_retries: int = 5
    max_retry_wait: float = 30.0
    #: ``export --archive-missing`` refuses to archive more than this share of the linked
    #: products (a truncated catalog) unless ``--force`` (SPEC §7.2)
    max_archive_ratio: float = 0.2
    #: an image URL's download: at most this many megabytes, within this many seconds in all
    image_max_mb: float = 20.0
    image_timeout: float = 30.0


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


def config_path_from(config_path: Path | None, env: Mapping[str, str]) -> tuple[Path, str]:
    """The config file to read and where its name came from (flag, env, default)."""
    if config_path is not None:
        return Path(config_path).expanduser(), "flag"
    if env.get("ODOOSYNC_CONFIG"):
        return Path(env["ODOOSYNC_CONFIG"]).expanduser(), "env"
    return Path(DEFAULT_CONFIG_NAME), "default"


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
    r = KeyReader(file, base_dir)
    sources: dict[str, str] = {"config": file_source}

    r.check_keys(doc, TOP_KEYS, "")
    for section, keys in SECTIONS.items():
        r.check_keys(r.table(doc, section, section), keys, f"{section}.")

    # -- profiles
    raw_profiles = r.table(doc, "profiles", "profiles")
    for pname, ptable in raw_profiles.items():
        if not isinstance(ptable, dict):
            raise r.fail(
                f"profiles.{pname}",
                f"expected a table ([profiles.{pname}]), got {show_value(ptable)}.",
            )
        r.check_keys(ptable, PROFILE_KEYS, f"profiles.{pname}.")

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
        if pname == selected and env.get(TRANSPORT_ENV):
            overrides["transport"] = env[TRANSPORT_ENV]
        profiles[pname] = _profile(r, pname, ptable, overrides, sources)
    chosen = profiles[selected]

    # -- catalog, mapping, history
    cat = r.table(doc, "catalog", "catalog")
    cat_path = r.path(cat.get("path", "products.csv"), "catalog.path")
    _source(sources, "catalog.path", cat, "path")
    suffix = cat_path.suffix.lower()
    if suffix not in SUFFIXES:
        raise r.fail(
            "catalog.path",
            f"unsupported catalog type {show_value(suffix or cat_path.name)}; "
            f"use one of {' '.join(SUFFIXES)}.",
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
        neutralise_formulas=r.boolean(
            cat.get("neutralise_formulas", True), "catalog.neutralise_formulas"
        ),
    )
    _source(sources, "catalog.key", cat, "key")
    _source(sources, "catalog.neutralise_formulas", cat, "neutralise_formulas")
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
    r: KeyReader,
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
        close = closest(name, raw_profiles, cutoff=0.5)
        hint = "" if close is None else f" Did you mean '{close}'?"
        key = where if where == "default_profile" else f"profiles.{name}"
        raise r.fail(
            key,
            f"no profile named {show_value(name)} (from {where}); available: {available}.{hint}",
        )
    return name, source


def _profile(
    r: KeyReader,
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
        if not IDENTIFIER_RE.fullmatch(password_env):
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
    transport = _transport(r, prefix, table, overrides)
    max_response_mb = _megabytes(
        r, table.get("max_response_mb", 256.0), prefix + "max_response_mb", most=4096
    )
    for key in PROFILE_KEYS:
        if key not in ("url", "database", "username"):
            _source(sources, prefix + key, table, key)
    if "transport" in overrides:
        sources[prefix + "transport"] = "env"
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
        transport=transport,
        max_response_mb=max_response_mb,
    )


def _transport(
    r: KeyReader, prefix: str, table: Mapping[str, Any], overrides: Mapping[str, str]
) -> str:
    """``transport`` from ODOOSYNC_TRANSPORT, else the file, else ``auto``."""
    if "transport" in overrides:
        value = overrides["transport"].strip().lower()
        if value not in TRANSPORTS:
            raise ConfigError(
                f"{TRANSPORT_ENV}: expected one of {', '.join(TRANSPORTS)}, "
                f"got {show_value(overrides['transport'])}."
            )
        return value
    value = r.string(table.get("transport", "auto"), prefix + "transport")
    if value not in TRANSPORTS:
        raise r.fail(
            prefix + "transport",
            f"expected one of {', '.join(TRANSPORTS)} (auto: JSON-2 on Odoo 19+ with an API key, "
            f"else XML-RPC), got {show_value(value)}.",
        )
    return value


def _sync(r: KeyReader, t: Mapping[str, Any], sources: dict[str, str]) -> SyncSettings:
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
    if not IDENTIFIER_RE.fullmatch(module):
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
    for key in SECTIONS["sync"]:
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
        max_archive_ratio=_ratio(r, t.get("max_archive_ratio", d.max_archive_ratio)),
        image_max_mb=_megabytes(r, t.get("image_max_mb", d.image_max_mb), "sync.image_max_mb"),
        image_timeout=r.number(
            t.get("image_timeout", d.image_timeout), "sync.image_timeout", positive=True
        ),
    )


def _ratio(r: KeyReader, value: Any) -> float:
    """``sync.max_archive_ratio``: a share from 0 to 1."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise r.fail(
            "sync.max_archive_ratio", f"expected a share from 0 to 1, got {show_value(value)}."
        )
    return float(value)


def _megabytes(r: KeyReader, value: Any, path: str, *, most: int = 1024) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not 0 < value <= most:
        raise r.fail(
            path, f"expected a number of megabytes from 0 to {most}, got {show_value(value)}."
        )
    return float(value)
