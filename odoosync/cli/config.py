"""Commands: init, config show, config check, config set-password, config rotate-key."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import typer

from odoosync.cli.app import app, globals_
from odoosync.cli.common import settings_from_globals, warn_secrets_permissions
from odoosync.cli.output import console, emit_json, error_console, info

if TYPE_CHECKING:
    from odoosync.config.settings import Settings
from odoosync.errors import ConfigError, UsageError

config_app = typer.Typer(
    help=(
        "Show, check and secure the configuration (odoosync.toml, odoosync.secrets.toml)."
        "\n\nExample: odoosync config check --json"
    ),
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")


def _is_terminal() -> bool:
    return sys.stdin.isatty()


# ---------------------------------------------------------------------------- init


def _ask(label: str, given: str | None, key: str, missing: list[str]) -> str:
    """An option's value, else a prompt on a terminal, else the placeholder (noted as missing)."""
    from odoosync.config.schema import check_url
    from odoosync.config.template import PLACEHOLDERS

    value = given
    while not value and _is_terminal():
        value = str(typer.prompt(label, default=PLACEHOLDERS[key], err=True)).strip()
        if key == "url":
            try:
                value = check_url(value)
            except ValueError as exc:
                error_console().print(f"Error: {exc}", markup=False, highlight=False)
                value = ""
    if not value or value == PLACEHOLDERS[key]:
        missing.append(key)
        return PLACEHOLDERS[key]
    return value


@app.command()
def init(
    url: str | None = typer.Option(None, help="Odoo base URL, e.g. https://acme.odoo.com"),
    database: str | None = typer.Option(None, help="Odoo database name."),
    username: str | None = typer.Option(None, help="Login of the integration user."),
    profile: str | None = typer.Option(None, "--profile", help="Profile name [production]."),
    catalog: str = typer.Option("products.csv", help="Catalog file (.csv .json .jsonl .db ...)."),
    force: bool = typer.Option(False, "--force", help="Overwrite existing files."),
) -> None:
    """Write odoosync.toml and mapping.toml, prompting for what is missing on a terminal.

    Example: odoosync init --url https://acme.odoo.com --database acme --username bot@acme.com
    """
    from odoosync.config.schema import check_url
    from odoosync.config.settings import config_path_from, load_settings
    from odoosync.config.template import render_config, write_init_files
    from odoosync.mapping.model import DEFAULT_MAPPING_TOML

    config_path, _ = config_path_from(globals_().config, os.environ)
    profile_name = profile or globals_().profile or "production"
    missing: list[str] = []
    url = _ask("Odoo URL", url, "url", missing)
    try:
        url = check_url(url)
    except ValueError as exc:
        raise UsageError(f"--url: {exc}") from None
    database = _ask("Database", database, "database", missing)
    username = _ask("Username", username, "username", missing)
    text = render_config(
        url=url, database=database, username=username, profile=profile_name, catalog=catalog
    )
    written, mapping_path = write_init_files(config_path, text, DEFAULT_MAPPING_TOML, force=force)
    load_settings(written, profile=profile_name, env={})  # what init writes must load
    info(f"Wrote {written} and {mapping_path}.")
    if missing:
        info(
            f"Edit {written}: replace the placeholder {', '.join(missing)} "
            f"under [profiles.{profile_name}], then run `odoosync config check`."
        )
    if _is_terminal() and typer.confirm(
        "Store the password or API key now (encrypted)?", default=True, err=True
    ):
        _set_password(load_settings(written, profile=profile_name, env=os.environ), stdin=False)
    else:
        info(
            "Next: `odoosync config set-password` (or set password_env), "
            "`odoosync test-connection`, then `odoosync mappings validate --create-custom-fields` "
            "(the default mapping sends brand_name to the custom field x_brand)."
        )


# ---------------------------------------------------------------------------- config show


@config_app.command("show")
def show(json_: bool = typer.Option(False, "--json", help="One JSON document on stdout.")) -> None:
    """Show every resolved setting with its source (flag, env, file, default); secrets as ***.

    Example: odoosync config show --json
    """
    from odoosync.config.template import describe_settings
    from odoosync.secrets import key_origin, password_source

    settings = settings_from_globals()
    warn_secrets_permissions(settings)
    document = describe_settings(settings)
    source = password_source(settings, env=os.environ)
    document["password"] = {
        "value": "***" if source else None,
        "source": source or ("prompt (terminal)" if _is_terminal() else "none"),
    }
    document["secret_key"] = {"source": key_origin(os.environ)}
    if json_:
        emit_json(document)
        return
    out = console()
    out.print(f"config: {settings.config_path} ({settings.sources['config']})", markup=False)
    width = max(len(k) for k in document["values"])
    for key, item in document["values"].items():
        value = "(not set)" if item["value"] is None else _plain(item["value"])
        out.print(f"{key:<{width}}  {value}  ({item['source']})", markup=False)
    pw = document["password"]
    out.print(f"{'password':<{width}}  {pw['value'] or '(none)'}  ({pw['source']})", markup=False)
    out.print(f"{'secret key':<{width}}  {document['secret_key']['source']}", markup=False)


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------------------- config check


@config_app.command("check")
def check(json_: bool = typer.Option(False, "--json", help="One JSON document on stdout.")) -> None:
    """Validate the config, the mapping and the catalog without contacting Odoo.

    Example: odoosync config check --json
    """
    from odoosync.config.settings import config_path_from
    from odoosync.engine.preflight import Check, run_checks

    g = globals_()
    config_path, _ = config_path_from(g.config, os.environ)
    try:
        settings = settings_from_globals()
    except ConfigError as exc:
        checks = [Check("config", "error", str(exc))]
    else:
        config_path = settings.config_path
        name = settings.profile.name
        checks = [Check("config", "ok", f"{config_path} is valid (profile {name})")]
        checks += run_checks(settings, env=os.environ)
    failed = [c for c in checks if c.status == "error"]
    if json_:
        emit_json(
            {
                "success": not failed,
                "config_path": str(config_path),
                "checks": [c.as_dict() for c in checks],
            }
        )
    else:
        marks = {"ok": "ok", "warning": "warn", "error": "FAIL"}
        for c in checks:
            console().print(f"[{marks[c.status]:>4}] {c.name}: {c.message}", markup=False)
    if failed:
        error_console().print(
            f"Error: {len(failed)} check(s) failed: {', '.join(c.name for c in failed)}.",
            markup=False,
            highlight=False,
        )
        raise typer.Exit(code=int(ConfigError.exit_code))


# ---------------------------------------------------------------------------- passwords


def _set_password(settings: Settings, *, stdin: bool) -> None:
    from odoosync.secrets import Secret, key_origin, store_password

    if stdin:
        value = sys.stdin.readline().rstrip("\r\n")
    elif _is_terminal():
        value = str(
            typer.prompt(
                f"Password or API key for {settings.profile.username} on {settings.profile.url}",
                hide_input=True,
                confirmation_prompt=True,
                err=True,
            )
        )
    else:
        raise UsageError("stdin is not a terminal: pass --stdin to read the password from it.")
    store_password(settings, Secret(value), env=os.environ)
    warn_secrets_permissions(settings)
    info(
        f"Password for profile '{settings.profile.name}' stored encrypted in "
        f"{settings.secrets_path} (key: {key_origin(os.environ)})."
    )


@config_app.command("set-password")
def set_password(
    stdin: bool = typer.Option(False, "--stdin", help="Read the password from one line of stdin."),
) -> None:
    """Store the profile's password or API key, encrypted, in odoosync.secrets.toml.

    Example: odoosync -p production config set-password --stdin < api-key.txt
    """
    _set_password(settings_from_globals(), stdin=stdin)


@config_app.command("rotate-key")
def rotate_key_command(
    new_secret_env: str | None = typer.Option(
        None,
        "--new-secret-env",
        metavar="VAR",
        # odoosync.secrets.SECRET_KEY_ENV, spelled out: importing it (cryptography) costs every
        # command ~60 ms of startup
        help="Variable holding the new secret (required when ODOOSYNC_SECRET_KEY is set).",
    ),
) -> None:
    """Re-encrypt every stored password under a new secret key.

    Example: odoosync config rotate-key --new-secret-env NEW_ODOOSYNC_SECRET_KEY
    """
    from odoosync.secrets import SECRET_KEY_ENV, key_origin, rotate_key

    settings = settings_from_globals()
    new_secret: str | None = None
    if new_secret_env:
        new_secret = os.environ.get(new_secret_env)
        if not new_secret:
            raise ConfigError(f"--new-secret-env: the variable {new_secret_env} is not set.")
    old_origin = key_origin(os.environ)
    count = rotate_key(settings, env=os.environ, new_secret=new_secret)
    info(f"Re-encrypted {count} stored password(s) in {settings.secrets_path}.")
    if os.environ.get(SECRET_KEY_ENV):
        info(
            f"Now set {SECRET_KEY_ENV} to the new secret (the value of {new_secret_env}) "
            "wherever odoosync runs; the old one no longer decrypts these passwords."
        )
    else:
        info(
            f"New {old_origin} written; the old key is kept beside it with the suffix .old "
            "(other secrets files that used it must be set again)."
        )
