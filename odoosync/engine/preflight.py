"""``config check``: the config, the secrets, the password's source, the mapping, the catalog
and its columns, and the history folder, checked without contacting Odoo. Each check is ok, a
warning or an error; the CLI renders them."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from odoosync.config.settings import Settings
from odoosync.errors import OdoosyncError
from odoosync.mapping.check import missing_columns
from odoosync.mapping.model import load_mapping
from odoosync.secrets import (
    key_file_warnings,
    password_source,
    permissions_warning,
    verify_stored_password,
)


@dataclass
class Check:
    name: str
    status: str  # ok | warning | error
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "message": self.message}


def run_checks(settings: Settings, *, env: Mapping[str, str]) -> list[Check]:
    """The secrets, password, mapping, catalog and history checks (no Odoo contacted)."""
    checks: list[Check] = []
    secrets = _check_secrets(settings, env)
    checks.append(secrets)
    try:
        source = password_source(settings, env=env)
    except OdoosyncError:  # an unreadable secrets file: already the secrets check's error
        source = "secrets file"
    if source and source.startswith("secrets file") and secrets.status == "error":
        checks.append(
            Check(
                "password",
                "error",
                f"the password stored for profile '{settings.profile.name}' cannot be used "
                "(see the secrets check).",
            )
        )
    elif source:
        checks.append(Check("password", "ok", f"from {source}"))
    else:
        env_note = settings.profile.password_env or "ODOOSYNC_PASSWORD"
        checks.append(
            Check(
                "password",
                "warning",
                f"none stored for profile '{settings.profile.name}' ({env_note} is not set); "
                "odoosync will prompt on a terminal. Run `odoosync config set-password`.",
            )
        )
    checks.append(_check_mapping(settings.mapping_path))
    checks.append(_check_catalog(settings))
    if checks[-1].status == "ok" and checks[-2].status == "ok":
        checks.extend(_check_columns(settings))
    folder = settings.history_path.parent
    if folder.is_dir():
        checks.append(Check("history", "ok", f"{settings.history_path}"))
    else:
        checks.append(
            Check("history", "error", f"history.path: the folder {folder} does not exist.")
        )
    return checks


def _check_secrets(settings: Settings, env: Mapping[str, str]) -> Check:
    path = settings.secrets_path
    if not path.exists():
        return Check("secrets", "ok", f"no secrets file yet ({path})")
    try:
        stored = verify_stored_password(settings, env=env)
    except OdoosyncError as exc:
        return Check("secrets", "error", str(exc))
    warnings = [w for w in (permissions_warning(path), *key_file_warnings(env)) if w]
    if warnings:
        return Check("secrets", "warning", " ".join(warnings))
    what = "decrypts" if stored else f"has no entry for profile '{settings.profile.name}'"
    return Check("secrets", "ok", f"{path} {what}")


def _check_mapping(path: Path) -> Check:
    try:
        cfg = load_mapping(path)
        return Check("mapping", "ok", f"{path}: {len(cfg.fields)} mapping(s)")
    except OdoosyncError as exc:
        return Check("mapping", "error", str(exc))
    except FileNotFoundError:
        return Check(
            "mapping", "error", f"mapping.path: {path} does not exist; run `odoosync init`."
        )
    except (OSError, tomllib.TOMLDecodeError) as exc:
        return Check("mapping", "error", f"{path}: {exc}")


def _check_catalog(settings: Settings) -> Check:
    cat = settings.catalog
    if not cat.path.exists():
        return Check(
            "catalog",
            "error",
            f"catalog.path: {cat.path} does not exist; create it or fix the path.",
        )
    try:
        columns = list(cat.open().columns())
    except OdoosyncError as exc:
        return Check("catalog", "error", str(exc))
    except OSError as exc:
        return Check("catalog", "error", f"{cat.path}: cannot read it ({exc.strerror or exc}).")
    if columns and cat.key not in columns:
        return Check(
            "catalog",
            "error",
            f"catalog.key: {cat.key!r} is not a column of {cat.path.name} "
            f"(columns: {', '.join(columns[:12])}).",
        )
    return Check("catalog", "ok", f"{cat.path}: {len(columns)} column(s)")


def _check_columns(settings: Settings) -> list[Check]:
    """The mapping's local fields against the catalog's columns (as `mappings validate` does)."""
    cat = settings.catalog
    columns = list(cat.open().columns())
    problems = missing_columns(load_mapping(settings.mapping_path), columns)
    if not problems:
        return [Check("columns", "ok", "every active mapping has its catalog column")]
    return [
        Check("columns", level, f"{settings.mapping_path.name}: {message}")
        for level, message, _mapping in problems
    ]
