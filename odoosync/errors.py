"""The exception tree and the exit codes of SPEC §2.1, mapped in one place.

::

    OdoosyncError                      exit 1 (a bug, unless a subclass says otherwise)
    ├── UsageError                     exit 2  bad option or argument
    ├── ConfigError                    exit 3  config, mapping, catalog, secret key, cron
    │   ├── SecretError                        wrong secret key, corrupted token, no password
    │   ├── MappingConfigError                 mapping.toml
    │   └── CatalogError                       the catalog file or table
    ├── OdooError                              anything Odoo (or the way to it) said
    │   ├── OdooRefused                exit 4  Odoo answered "no" to the whole run
    │   │   ├── AuthenticationError            ACCESS_DENIED
    │   │   ├── DatabaseNotFound               DATABASE_NOT_FOUND
    │   │   └── PermissionDenied               PERMISSION (access rights)
    │   ├── OdooUnreachable            exit 5  network, TLS, timeout, 5xx after retries
    │   │   ├── NetworkError                   NETWORK (refused, reset, DNS)
    │   │   ├── TLSError                       TLS
    │   │   ├── CallTimeout                    TIMEOUT
    │   │   └── TransientError                 502/503/504/429, serialization failure
    │   ├── ProtocolFailure            exit 5  not an Odoo XML-RPC endpoint (PROTOCOL)
    │   └── OdooFault                  exit 1  a fault about the data of one call (product-level)
    ├── LockHeld                       exit 7  another run holds the profile's lock
    └── Interrupted                    exit 130 Ctrl-C or SIGTERM; the run is recorded `interrupted`

Only :func:`exit_code_for` turns an exception into an exit code. Messages are one or two
sentences saying what went wrong and what to do; they never contain a password.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any


class ExitCode(IntEnum):
    """The process exit codes of SPEC §2.1."""

    OK = 0
    INTERNAL = 1
    USAGE = 2
    CONFIG = 3
    ODOO_REFUSED = 4
    ODOO_UNREACHABLE = 5
    PARTIAL_FAILURE = 6
    LOCKED = 7
    INTERRUPTED = 130


class OdoosyncError(Exception):
    """Base of every error odoosync raises on purpose."""

    exit_code: ExitCode = ExitCode.INTERNAL
    #: a stable machine-readable code (``test-connection --json`` ``error_code``), if any
    error_code: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} {self.hint}"
        return self.message


class UsageError(OdoosyncError):
    exit_code = ExitCode.USAGE


class ConfigError(OdoosyncError):
    """Bad configuration or input; the message names the file and the key or line."""

    exit_code = ExitCode.CONFIG


class SecretError(ConfigError):
    """Wrong secret key, corrupted token, missing password."""


class MappingConfigError(ConfigError):
    """mapping.toml is invalid."""


class CatalogError(ConfigError):
    """The catalog cannot be read or written."""


class OdooError(OdoosyncError):
    """Anything Odoo, or the way to it, answered."""

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        fault_code: int | str | None = None,
        odoo_message: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.fault_code = fault_code
        #: Odoo's own message, trimmed of its traceback
        self.odoo_message = odoo_message


class OdooRefused(OdooError):
    exit_code = ExitCode.ODOO_REFUSED


class AuthenticationError(OdooRefused):
    error_code = "ACCESS_DENIED"


class DatabaseNotFound(OdooRefused):
    error_code = "DATABASE_NOT_FOUND"


class PermissionDenied(OdooRefused):
    error_code = "PERMISSION"


class OdooUnreachable(OdooError):
    exit_code = ExitCode.ODOO_UNREACHABLE
    error_code = "NETWORK"


class NetworkError(OdooUnreachable):
    error_code = "NETWORK"


class TLSError(OdooUnreachable):
    error_code = "TLS"


class CallTimeout(OdooUnreachable):
    error_code = "TIMEOUT"


class TransientError(OdooUnreachable):
    """Worth retrying: HTTP 502/503/504/429, reset connections, serialization failures."""

    error_code = "NETWORK"


class ProtocolFailure(OdooError):
    exit_code = ExitCode.ODOO_UNREACHABLE
    error_code = "PROTOCOL"


class OdooFault(OdooError):
    """A fault about the data of one call: a constraint, a bad value, a missing record.

    ``details`` follows SPEC §2.2 ``error_details`` (``odoo_error_code``, ``field``, ``value``...).
    """

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        fault_code: int | str | None = None,
        odoo_message: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, hint=hint, fault_code=fault_code, odoo_message=odoo_message)
        self.details: dict[str, Any] = details or {}


class LockHeld(OdoosyncError):
    exit_code = ExitCode.LOCKED


class Interrupted(OdoosyncError):
    exit_code = ExitCode.INTERRUPTED


def exit_code_for(exc: BaseException) -> ExitCode:
    """The one place an exception becomes an exit code."""
    if isinstance(exc, OdoosyncError):
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    return ExitCode.INTERNAL
