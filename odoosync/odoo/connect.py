"""From settings to a connection, and the checks behind ``odoosync test-connection``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from odoosync.config.settings import Settings
from odoosync.errors import (
    AuthenticationError,
    DatabaseNotFound,
    ExitCode,
    OdooError,
    OdooFault,
    OdooRefused,
    PermissionDenied,
    ProtocolFailure,
    exit_code_for,
)
from odoosync.odoo.client import ConnectionParams, OdooClient
from odoosync.secrets import Secret

#: the models and operations test-connection checks, and which of them a sync needs
CHECKED_MODELS: tuple[str, ...] = (
    "product.template",
    "product.category",
    "account.tax",
    "ir.model.data",
)
OPERATIONS: tuple[str, ...] = ("read", "create", "write")
REQUIRED_RIGHTS: Mapping[str, tuple[str, ...]] = {
    "product.template": ("read", "create", "write"),
    "product.category": ("read",),
    "ir.model.data": ("read",),
}


def params_from_settings(settings: Settings, password: Secret) -> ConnectionParams:
    """The connection the selected profile describes: context ``lang`` and
    ``allowed_company_ids`` (from ``company_id``), timeout, TLS, and retries from ``[sync]``.

    :func:`quick` makes it retry less (test-connection, status).
    """
    profile = settings.profile
    context: dict[str, Any] = {}
    if profile.lang:
        context["lang"] = profile.lang
    if profile.company_id is not None:
        context["allowed_company_ids"] = [profile.company_id]
    return ConnectionParams(
        url=profile.url,
        database=profile.database,
        username=profile.username,
        password=password,
        timeout=profile.timeout,
        verify_tls=profile.verify_tls,
        ca_bundle=profile.ca_bundle,
        context=context,
        max_retries=settings.sync.max_retries,
        max_retry_wait=settings.sync.max_retry_wait,
        transport=profile.transport,
        max_response_bytes=int(profile.max_response_mb * 1024 * 1024),
    )


def quick(
    params: ConnectionParams, *, max_retries: int = 1, max_wait: float = 3.0
) -> ConnectionParams:
    """``params`` for a diagnosis: at most ``max_retries`` retries within ``max_wait`` s, and
    a call that timed out is final (the answer comes within the profile's timeout)."""
    return replace(
        params,
        max_retries=min(params.max_retries, max_retries),
        max_retry_wait=min(params.max_retry_wait, max_wait),
        retry_timeouts=False,
    )


@dataclass
class ConnectionReport:
    """What ``test-connection`` found; :meth:`to_json` is SPEC §2.2's document."""

    success: bool
    message: str
    url: str
    database: str
    odoo_version: str | None = None
    user_id: int | None = None
    checks: dict[str, Any] = field(default_factory=dict)
    error_code: str | None = None
    #: 0, 4 (refused: auth, database, permissions) or 5 (unreachable)
    exit_code: int = ExitCode.OK
    #: plain http to a host that is not loopback, and the like
    warnings: list[str] = field(default_factory=list)
    error: OdooError | None = None
    #: what to try next, when the failure has a likely cause (Odoo Online, 2FA...)
    hint: str | None = None
    #: "json2" or "xmlrpc" once known (SPEC §8); None when the server was not reached
    transport: str | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "success": self.success,
            "message": self.message,
            "odoo_version": self.odoo_version,
            "user_id": self.user_id,
            "database": self.database,
            "url": self.url,
            "transport": self.transport,
            "checks": self.checks,
        }
        if not self.success:
            doc["error_code"] = self.error_code
            if self.hint:
                doc["hint"] = self.hint
        if self.warnings:
            doc["warnings"] = list(self.warnings)
        return doc


#: the largest id Odoo's ``integer`` columns (PostgreSQL int4) and XML-RPC's ``<int>`` hold
MAX_ODOO_ID = 2**31 - 1


def checked_uid(uid: int, url: str) -> int:
    """``uid`` if it can be a user id; a ProtocolFailure (exit 5) for what no Odoo answers (a
    negative id, or one over 2³¹ - 1 that no later call could even send back)."""
    if 0 < uid <= MAX_ODOO_ID:
        return uid
    raise ProtocolFailure(
        f"{url} answered the login with user id {uid}, which no Odoo user can have: the URL "
        "does not reach a genuine Odoo (check the address, and any proxy in front of it)."
    )


def check_connection(client: OdooClient, *, permissions: bool = True) -> ConnectionReport:
    """Network (``version()``), authentication and database (``authenticate()``), then (unless
    ``permissions`` is False) the user's rights (``check_access_rights``) on the models a sync
    uses. Never raises an ``OdooError``: a failure is reported with its ``error_code`` and exit
    code."""
    params = client.params
    checks: dict[str, Any] = {
        "network": False,
        "authentication": False,
        "database": False,
        "permissions": {},
    }
    report = ConnectionReport(
        success=False,
        message="",
        url=client.url,
        database=params.database,
        checks=checks,
        warnings=[client.insecure_warning] if client.insecure_warning else [],
    )
    try:
        report.odoo_version = client.version().raw
        checks["network"] = True
        try:
            report.user_id = checked_uid(client.authenticate(), client.url)
        except DatabaseNotFound:
            raise
        except OdooRefused:
            checks["database"] = True  # authenticate answers False only for an existing database
            raise
        checks["authentication"] = checks["database"] = True
        missing = _check_permissions(client, checks["permissions"]) if permissions else []
        if missing:
            raise PermissionDenied(
                f"User {params.username!r} can log in but lacks rights: {'; '.join(missing)}. "
                "Ask an Odoo administrator to add the user to a group that may create and write "
                "products (e.g. Inventory / Administrator)."
            )
    except OdooError as exc:
        report.transport = client.chosen_transport
        report.error = exc
        report.message = str(exc)
        report.hint = failure_hint(exc, client.url)
        report.error_code = exc.error_code or "PROTOCOL"
        report.exit_code = exit_code_for(exc)
        if report.exit_code not in (ExitCode.ODOO_REFUSED, ExitCode.ODOO_UNREACHABLE):
            report.exit_code = ExitCode.ODOO_UNREACHABLE
        return report
    report.transport = client.chosen_transport
    if client.transport_hint:
        report.warnings.append(client.transport_hint)
    report.success = True
    report.message = "Connection successful"
    return report


ONLINE_ACCESS_DENIED_HINT = (
    "On Odoo Online, a user with two-factor authentication must use an API key instead of the "
    "password (Odoo: Preferences → Account Security → New API Key; then odoosync config "
    "set-password); a user created by invitation has no password until one is set; and "
    "external API access needs a Custom pricing plan."
)
ACCESS_DENIED_HINT = (
    "If the user has two-factor authentication, use an API key instead of the password (Odoo: "
    "Preferences → Account Security → New API Key; then odoosync config set-password)."
)


def is_odoo_online(url: str) -> bool:
    """Whether ``url`` is an Odoo Online (SaaS) address: ``*.odoo.com``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.endswith(".odoo.com")


def failure_hint(error: OdooError, url: str) -> str | None:
    """What to try next for ``error``, when there is more to say than its message.

    The checks never use the db service (``db.list`` is disabled on Odoo Online and hardened
    servers): the database is known to exist when ``authenticate`` answers.
    """
    online = is_odoo_online(url)
    if isinstance(error, AuthenticationError):
        return ONLINE_ACCESS_DENIED_HINT if online else ACCESS_DENIED_HINT
    if isinstance(error, DatabaseNotFound) and online:
        host = (urlsplit(url).hostname or "").split(".")[0]
        return f"On Odoo Online the database is the instance name: probably {host!r}."
    return None


def _check_permissions(client: OdooClient, permissions: dict[str, Any]) -> list[str]:
    """Fill ``permissions`` ``{model: {read, create, write}}``; return what a sync lacks."""
    missing: list[str] = []
    for model in CHECKED_MODELS:
        rights: dict[str, bool] = {}
        try:
            for operation in OPERATIONS:
                rights[operation] = client.check_access_rights(model, operation)
        except OdooFault:
            # the model does not exist here (e.g. account not installed): report it as no rights
            rights = dict.fromkeys(OPERATIONS, False)
            permissions[model] = rights
            if model in REQUIRED_RIGHTS:
                missing.append(f"{model} is not available")
            continue
        permissions[model] = rights
        lacking = [op for op in REQUIRED_RIGHTS.get(model, ()) if not rights[op]]
        if lacking:
            missing.append(f"{' and '.join(lacking)} on {model}")
    return missing


@dataclass(frozen=True)
class FieldInfo:
    """One field of ``fields_get``, as ``odoosync fields`` shows it."""

    name: str
    label: str
    type: str
    required: bool
    relation: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "required": self.required,
            "relation": self.relation,
        }


def describe_fields(
    client: OdooClient, model: str = "product.template", *, custom_only: bool = False
) -> list[FieldInfo]:
    """The fields of ``model`` sorted by name; ``custom_only`` keeps ``x_`` fields."""
    raw = client.fields_get(model, attributes=("string", "type", "required", "relation"))
    fields = [
        FieldInfo(
            name=name,
            label=str(attrs.get("string") or name),
            type=str(attrs.get("type") or ""),
            required=bool(attrs.get("required")),
            relation=str(attrs["relation"]) if attrs.get("relation") else None,
        )
        for name, attrs in raw.items()
        if not custom_only or name.startswith("x_")
    ]
    return sorted(fields, key=lambda f: f.name)


def client_factory(settings: Settings, password: Secret) -> Callable[[], OdooClient]:
    """What a run calls for each connection it opens (once it holds the lock); the one place a
    profile's settings and password become clients, for commands and schedules alike."""
    params = params_from_settings(settings, password)
    return lambda: OdooClient(params)
