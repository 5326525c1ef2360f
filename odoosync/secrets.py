"""Passwords: a masked :class:`Secret`, Fernet encryption, ``odoosync.secrets.toml``, resolution.

The Fernet key is derived (HKDF-SHA256) from a secret: ``ODOOSYNC_SECRET_KEY`` when set, else a
random key file created on first use (mode 0600) in the user's config folder — the folder
``typer.get_app_dir("odoosync")`` names, computed here without typer; ``ODOOSYNC_KEY_FILE``
overrides its path. Each entry of the secrets file carries the fingerprint of the key that
encrypted it, so a wrong key is told apart from a corrupted token.
"""

from __future__ import annotations

import base64
import hmac
import os
import secrets as _random
import stat
import sys
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import tomli_w
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from odoosync.config.settings import Settings
from odoosync.errors import SecretError
from odoosync.files import write_text_atomic
from odoosync.timestamps import now_iso

SECRET_KEY_ENV = "ODOOSYNC_SECRET_KEY"
KEY_FILE_ENV = "ODOOSYNC_KEY_FILE"
PASSWORD_ENV = "ODOOSYNC_PASSWORD"
KEY_FILE_NAME = "secret.key"
_SALT = b"odoosync secrets v1"
#: the ``version`` of the secrets file this odoosync reads and writes
SECRETS_VERSION = 1
_FILE_HEADER = (
    "# Written by odoosync: passwords encrypted with Fernet, one table per profile.\n"
    "# Do not edit; use `odoosync config set-password` and `odoosync config rotate-key`.\n"
)


class Secret:
    """A value that never shows itself: ``repr``, ``str`` and f-strings give ``***``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "***"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> Any:  # no pickling into caches or queues by accident
        raise TypeError("a Secret cannot be pickled")


# ---------------------------------------------------------------------------- the key


def app_dir(env: Mapping[str, str]) -> Path:
    """The folder ``typer.get_app_dir("odoosync")`` gives (click's rules, roaming, non-POSIX)."""
    if sys.platform.startswith("win"):
        base = env.get("APPDATA") or os.path.expanduser("~")
        return Path(base) / "odoosync"
    if sys.platform == "darwin":
        return Path(os.path.expanduser("~/Library/Application Support")) / "odoosync"
    base = env.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(base) / "odoosync"


def key_file_path(env: Mapping[str, str]) -> Path:
    override = env.get(KEY_FILE_ENV)
    return Path(override).expanduser() if override else app_dir(env) / KEY_FILE_NAME


def key_origin(env: Mapping[str, str]) -> str:
    """Where the secret comes from, for messages: the env var or the key file's path."""
    if env.get(SECRET_KEY_ENV):
        return SECRET_KEY_ENV
    return f"key file {key_file_path(env)}"


class _Key:
    """A Fernet key derived from a secret, with its fingerprint."""

    def __init__(self, secret: str) -> None:
        material = secret.encode("utf-8")
        self.fernet = Fernet(base64.urlsafe_b64encode(_hkdf(material, b"fernet key")))
        self.fingerprint = _hkdf(material, b"fingerprint")[:8].hex()


def _hkdf(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=info).derive(material)


def _read_key_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SecretError(
            f"{path}: cannot read the secret key file ({exc.strerror or exc}); "
            f"fix its permissions or set {SECRET_KEY_ENV}."
        ) from None
    except UnicodeDecodeError:
        raise SecretError(
            f"{path}: the secret key file is not text (odoosync writes one line of letters and "
            f"digits); restore it from a backup, or set {SECRET_KEY_ENV} to the key the "
            "passwords were stored with."
        ) from None
    if not text:
        raise SecretError(f"{path}: the secret key file is empty; delete it or restore it.")
    return text


def _create_key_file(path: Path, secret: str) -> None:
    """Write a key file with mode 0600; fail if it already exists (O_EXCL)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secret + "\n")


def _current_key(env: Mapping[str, str], *, create: bool) -> _Key | None:
    """The key in use; creates the key file when ``create`` and there is none yet."""
    if env.get(SECRET_KEY_ENV):
        return _Key(env[SECRET_KEY_ENV])
    path = key_file_path(env)
    if not path.exists():
        if not create:
            return None
        try:
            _create_key_file(path, _random.token_urlsafe(32))
        except FileExistsError:
            pass  # another process created it first: use theirs
        except OSError as exc:
            raise SecretError(
                f"{path}: cannot create the secret key file ({exc.strerror or exc}); "
                f"set {KEY_FILE_ENV} to a writable path, or set {SECRET_KEY_ENV}."
            ) from None
    return _Key(_read_key_file(path))


# ---------------------------------------------------------------------------- the secrets file


def _read_entries(path: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SecretError(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SecretError(
            f"{path}: the secrets file is corrupted ({exc}); delete it and run "
            "`odoosync config set-password` again."
        ) from None
    version = doc.get("version", SECRETS_VERSION)
    if version != SECRETS_VERSION:
        raise SecretError(
            f"{path}: version = {version!r}: this odoosync reads version {SECRETS_VERSION} "
            "secrets files only (a newer odoosync wrote it, or it was edited); upgrade odoosync, "
            "or delete the file and run `odoosync config set-password` again."
        )
    profiles = doc.get("profiles", {})
    if not isinstance(profiles, dict):
        raise SecretError(f"{path}: profiles: expected a table; delete the file and set again.")
    return {k: v for k, v in profiles.items() if isinstance(v, dict)}


def _write_entries(path: Path, entries: Mapping[str, Mapping[str, Any]]) -> None:
    """Atomic write with mode 0600 (temp file in the same folder, then rename)."""
    text = _FILE_HEADER + tomli_w.dumps({"version": SECRETS_VERSION, "profiles": dict(entries)})
    write_text_atomic(path, text, mode=0o600)


def permissions_warning(path: Path) -> str | None:
    """A warning when a secrets or key file is readable by group or others (the CLI prints it)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"Warning: {path} is readable by other users (mode {stat.S_IMODE(mode):04o}); "
            f"run `chmod 600 {path}`."
        )
    return None


def key_file_warnings(env: Mapping[str, str]) -> list[str]:
    """Warnings when the secret key file in use (none with ``ODOOSYNC_SECRET_KEY``) is readable
    by group or others, or its folder lets other users replace it."""
    if env.get(SECRET_KEY_ENV):
        return []
    path = key_file_path(env)
    if not path.is_file():
        return []
    warnings = [w for w in (permissions_warning(path),) if w]
    folder = path.parent
    try:
        mode = folder.stat().st_mode
    except OSError:
        return warnings
    # a readable folder leaks nothing while the file is 0600, but a writable one lets other
    # users replace the key (and so read what is stored with it next)
    if os.name == "posix" and mode & (stat.S_IWGRP | stat.S_IWOTH) and not mode & stat.S_ISVTX:
        warnings.append(
            f"Warning: {folder} (the folder of the secret key file) is open to other users "
            f"(mode {stat.S_IMODE(mode):04o}); run `chmod 700 {folder}`."
        )
    return warnings


def _decrypt(entry: Mapping[str, Any], key: _Key, profile: str, path: Path, origin: str) -> str:
    token = entry.get("token")
    if not isinstance(token, str):
        raise SecretError(
            f"{path}: profiles.{profile}.token is missing; run "
            f"`odoosync -p {profile} config set-password` again."
        )
    if entry.get("key_fingerprint") != key.fingerprint:
        raise SecretError(
            f"The password stored for profile '{profile}' in {path} was encrypted with another "
            f"secret key than the one in use ({origin}); use the key it was stored with, or run "
            f"`odoosync -p {profile} config set-password` again."
        )
    try:
        return key.fernet.decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        raise SecretError(
            f"The password stored for profile '{profile}' in {path} is corrupted (the token does "
            f"not decrypt); run `odoosync -p {profile} config set-password` again."
        ) from None


def _encrypt(value: str, key: _Key) -> dict[str, Any]:
    return {
        "token": key.fernet.encrypt(value.encode("utf-8")).decode("ascii"),
        "key_fingerprint": key.fingerprint,
        "updated_at": now_iso(),
    }


# ---------------------------------------------------------------------------- public API


def password_source(settings: Settings, *, env: Mapping[str, str]) -> str | None:
    """Where :func:`resolve_password` would take the password from, without decrypting it.

    ``None`` when only a prompt could give it.
    """
    profile = settings.profile
    if env.get(PASSWORD_ENV):
        return f"env {PASSWORD_ENV}"
    if profile.password_env and env.get(profile.password_env):
        return f"env {profile.password_env} (password_env)"
    if profile.name in _read_entries(settings.secrets_path):
        return f"secrets file {settings.secrets_path}"
    return None


def verify_stored_password(settings: Settings, *, env: Mapping[str, str]) -> bool:
    """Whether the profile has a stored password; raises SecretError if it does not decrypt."""
    entry = _read_entries(settings.secrets_path).get(settings.profile.name)
    if entry is None:
        return False
    _decrypt_entry(settings, entry, env)
    return True


def _decrypt_entry(settings: Settings, entry: Mapping[str, Any], env: Mapping[str, str]) -> str:
    name = settings.profile.name
    key = _current_key(env, create=False)
    if key is None:
        raise SecretError(
            f"The password stored for profile '{name}' in {settings.secrets_path} "
            f"cannot be decrypted: the key file {key_file_path(env)} is missing and "
            f"{SECRET_KEY_ENV} is not set; restore either, or run "
            f"`odoosync -p {name} config set-password` again."
        )
    return _decrypt(entry, key, name, settings.secrets_path, key_origin(env))


def resolve_password(
    settings: Settings,
    *,
    env: Mapping[str, str],
    prompt: Callable[[str], str] | None,
) -> Secret:
    """The profile's password: ODOOSYNC_PASSWORD, password_env, the secrets file, then ``prompt``.

    Raises SecretError saying how to provide it when none of them gives one.
    """
    profile = settings.profile
    if env.get(PASSWORD_ENV):
        return Secret(env[PASSWORD_ENV])
    unset_note = ""
    if profile.password_env:
        if env.get(profile.password_env):
            return Secret(env[profile.password_env])
        unset_note = f" The profile's password_env names {profile.password_env}, which is not set."
    entry = _read_entries(settings.secrets_path).get(profile.name)
    if entry is not None:
        return Secret(_decrypt_entry(settings, entry, env))
    if prompt is not None:
        value = prompt(f"Password or API key for {profile.username} on {profile.url}")
        if not value:
            raise SecretError(f"No password given for profile '{profile.name}'.")
        return Secret(value)
    via = profile.password_env or PASSWORD_ENV
    raise SecretError(
        f"No password for profile '{profile.name}': run "
        f"`odoosync -p {profile.name} config set-password`, or set {via}.{unset_note}"
    )


def store_password(settings: Settings, secret: Secret, *, env: Mapping[str, str]) -> None:
    """Encrypt ``secret`` for the selected profile into the secrets file (atomic, 0600)."""
    if not secret:
        raise SecretError("The password is empty; nothing was stored.")
    key = _current_key(env, create=True)
    assert key is not None  # created on demand
    path = settings.secrets_path
    entries = _read_entries(path)
    entries[settings.profile.name] = _encrypt(secret.reveal(), key)
    try:
        _write_entries(path, entries)
    except OSError as exc:
        raise SecretError(
            f"{path}: cannot write the secrets file ({exc.strerror or exc})."
        ) from None


def rotate_key(settings: Settings, *, env: Mapping[str, str], new_secret: str | None) -> int:
    """Re-encrypt every stored password under a new secret; return how many were re-encrypted.

    With ``ODOOSYNC_SECRET_KEY`` in use, ``new_secret`` is required (the caller then tells the
    user to update the variable). With the key file, a new random key file replaces it (or
    ``new_secret`` if given); the old file is kept beside it as ``secret.key.old``.
    Nothing changes if any stored password fails to decrypt.
    """
    path = settings.secrets_path
    entries = _read_entries(path)
    using_env = bool(env.get(SECRET_KEY_ENV))
    if using_env and not new_secret:
        raise SecretError(
            f"{SECRET_KEY_ENV} is set, so the new secret must come from you: put it in another "
            "variable and pass --new-secret-env VAR."
        )
    if using_env and new_secret == env[SECRET_KEY_ENV]:
        raise SecretError(f"The new secret is the same as {SECRET_KEY_ENV}; choose another one.")
    old = _current_key(env, create=False)
    if entries and old is None:
        raise SecretError(
            f"The key file {key_file_path(env)} is missing, so the passwords in {path} cannot be "
            "decrypted; restore it, or set them again with `odoosync config set-password`."
        )
    origin = key_origin(env)
    plain: dict[str, str] = {}
    if old is not None:
        plain = {name: _decrypt(e, old, name, path, origin) for name, e in entries.items()}
    secret = new_secret or _random.token_urlsafe(32)
    new = _Key(secret)
    kf = key_file_path(env)
    fresh = kf.with_name(kf.name + ".new")
    if not using_env:
        fresh.unlink(missing_ok=True)
        _create_key_file(fresh, secret)
    if plain:
        _write_entries(path, {name: _encrypt(value, new) for name, value in plain.items()})
    if not using_env:
        if kf.exists():
            os.replace(kf, kf.with_name(kf.name + ".old"))
        os.replace(fresh, kf)
    return len(plain)
