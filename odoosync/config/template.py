"""The config as text for people: the annotated ``odoosync.toml`` that ``init`` writes
(:func:`render_config`, :func:`write_init_files`) and every resolved value with its source
(:func:`describe_settings`, for ``config show``).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from odoosync.catalog.formats import SQLITE_SUFFIXES
from odoosync.config.schema import masked_url
from odoosync.errors import ConfigError
from odoosync.files import write_text_atomic

if TYPE_CHECKING:
    from odoosync.config.settings import Settings

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
timeout = 60                            # seconds for one whole call (connect, send, answer)
verify_tls = true
# ca_bundle = "/etc/ssl/company-ca.pem"
# company_id = 1                        # sent as allowed_company_ids in the context
# lang = "en_US"                        # context lang for translatable fields
# transport = "auto"                    # auto | xmlrpc | json2 (auto: JSON-2 on Odoo 19+, API key)
# max_response_mb = 256                 # an answer from Odoo over this is refused (exit 5)

[catalog]
path = {catalog}
{table_line}key = "id"                              # the column that identifies a product locally
modified_field = "modified_at"          # ISO-8601 timestamps; used by incremental runs
neutralise_formulas = true              # CSV: text like =... is written '=... (safe)

[mapping]
path = "mapping.toml"

[history]
path = "odoosync.db"

[sync]
batch_size = 750                         # products per call (images: also capped by bytes)
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
            write_text_atomic(path, text)
        except OSError as exc:
            raise ConfigError(f"{path}: cannot write it ({exc.strerror or exc}).") from None
    return config_path, mapping_path


def describe_settings(settings: Settings) -> dict[str, Any]:
    """Every resolved value of the selected profile and sections, with its source (JSON-ready)."""
    p = settings.profile
    prefix = f"profiles.{p.name}."
    resolved: dict[str, Any] = {
        "profile": p.name,
        prefix + "name": p.label,
        prefix + "url": masked_url(p.url),  # a user:password@ in it is not shown
        prefix + "database": p.database,
        prefix + "username": p.username,
        prefix + "password_env": p.password_env,
        prefix + "timeout": p.timeout,
        prefix + "verify_tls": p.verify_tls,
        prefix + "ca_bundle": str(p.ca_bundle) if p.ca_bundle else None,
        prefix + "company_id": p.company_id,
        prefix + "lang": p.lang,
        prefix + "transport": p.transport,
        prefix + "max_response_mb": p.max_response_mb,
        "catalog.path": str(settings.catalog.path),
        "catalog.table": settings.catalog.table,
        "catalog.key": settings.catalog.key,
        "catalog.modified_field": settings.catalog.modified_field,
        "catalog.neutralise_formulas": settings.catalog.neutralise_formulas,
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
        "sync.image_max_mb": settings.sync.image_max_mb,
        "sync.image_timeout": settings.sync.image_timeout,
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
