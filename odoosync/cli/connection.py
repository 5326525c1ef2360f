"""Commands: test-connection, fields, status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from odoosync.config.settings import Settings
    from odoosync.odoo.connect import ConnectionReport

from odoosync.cli.app import app
from odoosync.cli.common import client_from_settings, settings_from_globals
from odoosync.cli.output import console, emit_json, error_console, info
from odoosync.errors import ConfigError, OdooFault

#: what to try next, per error_code (the message already says what went wrong)
HINTS = {
    "NETWORK": "Check the profile's url and port, and that this machine can reach Odoo.",
    "TLS": "Set ca_bundle for a private certificate authority (verify_tls = false only for "
    "trusted test servers).",
    "TIMEOUT": "Raise the profile's timeout, or try again when the server is less busy.",
    "ACCESS_DENIED": "Use an API key (Odoo: Preferences → Account Security) if the user has "
    "two-factor authentication; set it with `odoosync config set-password`.",
    "DATABASE_NOT_FOUND": "The database name is case-sensitive; on Odoo Online it is the "
    "instance name (yourcompany in yourcompany.odoo.com).",
    "PERMISSION": "The integration user needs read, create and write on products.",
    "PROTOCOL": "The url must be the server's base address, e.g. https://yourcompany.odoo.com.",
}


#: how the human output names each transport
_WIRES = {"json2": "JSON-2", "xmlrpc": "XML-RPC"}


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _render_report(report: ConnectionReport) -> None:
    from odoosync.odoo.connect import REQUIRED_RIGHTS

    out = console()
    checks = report.checks
    version = f"Odoo {report.odoo_version} at " if report.odoo_version else ""
    wire = f" ({_WIRES[report.transport]})" if report.transport in _WIRES else ""
    lines = [
        (checks.get("network", False), f"network: {version}{report.url}{wire}"),
        (checks.get("database", False), f"database: {report.database}"),
        (
            checks.get("authentication", False),
            f"authentication: uid {report.user_id}" if report.user_id else "authentication",
        ),
    ]
    for model, rights in checks.get("permissions", {}).items():
        granted = [op for op, ok in rights.items() if ok]
        denied = [op for op, ok in rights.items() if not ok]
        text = f"permissions on {model}: " + ", ".join(granted or ["none"])
        if denied:
            text += f" (not {', '.join(denied)})"
        needed = REQUIRED_RIGHTS.get(model, ())
        lines.append((all(rights.get(op, False) for op in needed), text))
    for ok, text in lines:
        out.print(f"{_mark(ok)} {text}", markup=False)
    if report.success:
        out.print(f"{report.message}.", markup=False)


@app.command("test-connection")
def test_connection(
    json_: bool = typer.Option(False, "--json", help="Print SPEC §2.2's JSON document."),
) -> None:
    """Check the network, authentication (JSON-2 or XML-RPC), the database and the user's rights.

    Exit 0 when everything works, 4 when Odoo refuses (login, database, rights), 5 when it
    cannot be reached (network, TLS, timeout, not an Odoo endpoint).

    Example: odoosync -p staging test-connection --json
    """
    from odoosync.engine.odoo_side import remember_login
    from odoosync.odoo.connect import check_connection

    settings = settings_from_globals()
    with client_from_settings(settings, diagnosis=True) as client:
        report = check_connection(client)
    if report.success and report.user_id:
        remember_login(settings, client, report.user_id)
    # report.warnings (plain http, a password on Odoo 19+) were logged on stderr by the client
    if json_:
        emit_json(report.to_json())
    else:
        _render_report(report)
    if not report.success:
        if not json_:
            error_console().print(f"Error: {report.message}", markup=False)
            hint = report.hint or HINTS.get(report.error_code or "")
            if hint:
                error_console().print(f"Hint: {hint}", markup=False)
        raise typer.Exit(report.exit_code)


@app.command("fields")
def fields(
    model: str = typer.Argument("product.template", help="The Odoo model."),
    custom_only: bool = typer.Option(False, "--custom-only", help="Only custom (x_) fields."),
    json_: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """List an Odoo model's fields (fields_get): name, label, type, required, relation.

    Example: odoosync fields product.template --custom-only
    """
    from rich.table import Table

    from odoosync.odoo.connect import describe_fields

    settings = settings_from_globals()
    with client_from_settings(settings, diagnosis=True) as client:
        try:
            found = describe_fields(client, model, custom_only=custom_only)
        except OdooFault as exc:
            if exc.details.get("unknown_model") != model:
                raise
            raise ConfigError(
                f"Odoo has no model {model!r}; odoosync fields lists product.template's "
                "fields by default."
            ) from None
    if json_:
        emit_json([f.to_json() for f in found])
        return
    table = Table("name", "label", "type", "required", "relation", title=f"{model}")
    for f in found:
        table.add_row(f.name, f.label, f.type, "yes" if f.required else "", f.relation or "")
    console().print(table)
    info(f"{len(found)} field(s).")


@app.command("status")
def status(
    json_: bool = typer.Option(False, "--json", help="Print a JSON document."),
) -> None:
    """Connection status, the last run per direction, products linked, failures to retry.

    Example: odoosync status --json
    """
    from odoosync.engine.books import history_summary
    from odoosync.odoo.connect import check_connection

    settings = settings_from_globals()
    with client_from_settings(settings, diagnosis=True) as client:
        report = check_connection(client, permissions=False)
    known = history_summary(settings.history_path, settings.profile.name)
    if json_:
        connection = {k: v for k, v in report.to_json().items() if k != "checks"}
        emit_json({"profile": settings.profile.name, "connection": connection, **known})
    else:
        _render_status(settings, report, known)
    if not report.success:
        raise typer.Exit(report.exit_code)


#: the command behind each run direction, as people know them
_COMMAND = {"to_odoo": "export", "from_odoo": "import", "bidirectional": "sync"}


def _render_status(settings: Settings, report: ConnectionReport, known: dict[str, Any]) -> None:
    out = console()
    profile = settings.profile
    if report.success:
        out.print(
            f"✓ {profile.name}: Odoo {report.odoo_version} at {report.url} "
            f"(database {report.database}, uid {report.user_id}, "
            f"{_WIRES.get(report.transport or '', report.transport)})",
            markup=False,
        )
    else:
        out.print(f"✗ {profile.name}: {report.message}", markup=False)
    runs: dict[str, Any] = known["last_runs"]
    if not runs:
        out.print("History: no runs yet.", markup=False)
    for direction, run in runs.items():
        what = _COMMAND.get(direction, direction)
        when = run["completed_at"] or run["started_at"]
        if run["status"] == "failed" and run.get("error"):
            out.print(
                f"Last {what} failed: {run['error']} ({run['batch_id']} at {when})", markup=False
            )
            continue
        out.print(
            f"Last {what}: {run['batch_id']} {run['status']} at {when} "
            f"(created {run.get('created', 0)}, updated {run.get('updated', 0)}, "
            f"failed {run.get('failed', 0)})",
            markup=False,
        )
    out.print(f"Products linked: {known['products_linked']}", markup=False)
    for pending in known["failures_pending_retry"]:
        out.print(
            f"Failures pending retry: {pending['count']} in {pending['batch_id']} "
            f"(odoosync retry {pending['batch_id']})",
            markup=False,
        )
    if not report.success:
        error_console().print(f"Error: {report.message}", markup=False)
