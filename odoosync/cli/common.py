"""Helpers every command shares: the settings the global options select, the password, and
the client for the selected profile."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import typer

from odoosync.cli.app import globals_
from odoosync.cli.output import error_console

if TYPE_CHECKING:
    from odoosync.config.settings import Settings
    from odoosync.odoo.client import OdooClient
    from odoosync.secrets import Secret
from odoosync.errors import UsageError
from odoosync.timestamps import iso, parse_iso


def settings_from_globals(profile_override: str | None = None) -> Settings:
    """Load the settings named by -c/--config and -p/--profile (or the environment)."""
    from odoosync.config.settings import load_settings

    g = globals_()
    return load_settings(g.config, profile=profile_override or g.profile, env=os.environ)


def warn_secrets_permissions(settings: Settings) -> None:
    """Print a warning on stderr when the secrets file or the secret key file (or its folder) is
    open to other users."""
    from odoosync.secrets import key_file_warnings, permissions_warning

    warnings = [permissions_warning(settings.secrets_path), *key_file_warnings(os.environ)]
    for warning in warnings:
        if warning:
            error_console().print(warning, markup=False, highlight=False)


def _hidden_prompt(text: str) -> str:
    return str(typer.prompt(text, hide_input=True, err=True))


def password_for(settings: Settings) -> Secret:
    """The profile's password; prompts (hidden) only when stdin is a terminal."""
    from odoosync.secrets import resolve_password

    warn_secrets_permissions(settings)
    prompt = _hidden_prompt if sys.stdin.isatty() else None
    return resolve_password(settings, env=os.environ, prompt=prompt)


def client_from_settings(settings: Settings, *, diagnosis: bool = False) -> OdooClient:
    """A client for the selected profile (the password resolved now); ``diagnosis``: retry
    little, for test-connection and status (:func:`odoosync.odoo.connect.quick`)."""
    from odoosync.odoo.client import OdooClient
    from odoosync.odoo.connect import params_from_settings, quick

    params = params_from_settings(settings, password_for(settings))
    return OdooClient(quick(params) if diagnosis else params)


def parse_since(text: str, *, option: str = "--since") -> str:
    """A user's ``--since`` as a stored timestamp; UsageError (exit 2) if it is not ISO-8601."""
    try:
        return iso(parse_iso(text))
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not an ISO-8601 date or time; "
            "use e.g. 2025-12-16 or 2025-12-16T14:30:00Z (UTC unless an offset is given)."
        ) from None
