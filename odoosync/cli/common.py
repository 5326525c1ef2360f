"""Helpers every command shares: the settings the global options select, the password, and
the client for the selected profile."""

from __future__ import annotations

import os
import sys

import typer

from odoosync.cli.app import globals_
from odoosync.cli.output import error_console
from odoosync.config.settings import Settings, load_settings
from odoosync.errors import UsageError
from odoosync.odoo.client import OdooClient
from odoosync.odoo.connect import params_from_settings, quick
from odoosync.secrets import Secret, key_file_warnings, permissions_warning, resolve_password
from odoosync.timestamps import iso, parse_iso


def settings_from_globals(profile_override: str | None = None) -> Settings:
    """Load the settings named by -c/--config and -p/--profile (or the environment)."""
    g = globals_()
    return load_settings(g.config, profile=profile_override or g.profile, env=os.environ)


def warn_secrets_permissions(settings: Settings) -> None:
    """Print a warning on stderr when the secrets file or the secret key file (or its folder) is
    open to other users."""
    warnings = [permissions_warning(settings.secrets_path), *key_file_warnings(os.environ)]
    for warning in warnings:
        if warning:
            error_console().print(warning, markup=False, highlight=False)


def _hidden_prompt(text: str) -> str:
    return str(typer.prompt(text, hide_input=True, err=True))


def password_for(settings: Settings) -> Secret:
    """The profile's password; prompts (hidden) only when stdin is a terminal."""
    warn_secrets_permissions(settings)
    prompt = _hidden_prompt if sys.stdin.isatty() else None
    return resolve_password(settings, env=os.environ, prompt=prompt)


def client_from_settings(settings: Settings, *, diagnosis: bool = False) -> OdooClient:
    """A client for the selected profile (the password resolved now); ``diagnosis``: retry
    little, for test-connection and status (:func:`odoosync.odoo.connect.quick`)."""
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
