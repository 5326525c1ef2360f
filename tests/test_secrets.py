"""Secret masking, Fernet storage, password resolution and key rotation."""

from __future__ import annotations

import json
import os
import stat
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from odoosync.config.settings import Settings, load_settings
from odoosync.errors import SecretError
from odoosync.secrets import (
    Secret,
    app_dir,
    password_source,
    permissions_warning,
    resolve_password,
    rotate_key,
    store_password,
)

PASSWORD = "s3cr3t-Pa55word!"

CONFIG = """\
default_profile = "production"

[profiles.production]
url = "https://acme.odoo.com"
database = "acme"
username = "bot@acme.com"
password_env = "ACME_PASSWORD"

[profiles.staging]
url = "https://staging.acme.com"
database = "staging"
username = "bot@acme.com"
"""


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "secret.key"


@pytest.fixture
def env(key_file: Path) -> dict[str, str]:
    return {"ODOOSYNC_KEY_FILE": str(key_file)}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    path = tmp_path / "odoosync.toml"
    path.write_text(CONFIG)
    return load_settings(path, env={})


def staging(settings: Settings) -> Settings:
    return load_settings(settings.config_path, profile="staging", env={})


# ---------------------------------------------------------------------------- Secret


@dataclass(frozen=True)
class Params:
    username: str
    password: Secret


def test_secret_never_shows_itself() -> None:
    s = Secret(PASSWORD)
    shown = [
        repr(s),
        str(s),
        f"{s}",
        f"{s!r}",
        f"{s:>20}",
        "%s %r" % (s, s),  # noqa: UP031  (old-style formatting is what logging uses)
        json.dumps({"password": s}, default=str),
        repr([s]),
        repr(Params("bot", s)),
    ]
    for text in shown:
        assert PASSWORD not in text
        assert "***" in text
    assert s.reveal() == PASSWORD
    assert s == Secret(PASSWORD) and s != Secret("other")


def test_secret_cannot_be_pickled() -> None:
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(Secret(PASSWORD))


def test_app_dir_matches_typer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import typer

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert app_dir(os.environ) == Path(typer.get_app_dir("odoosync"))


# ---------------------------------------------------------------------------- storage


def test_round_trip_with_key_file(settings: Settings, env: dict[str, str], key_file: Path) -> None:
    store_password(settings, Secret(PASSWORD), env=env)
    assert resolve_password(settings, env=env, prompt=None).reveal() == PASSWORD
    text = settings.secrets_path.read_text()
    assert PASSWORD not in text
    entry = tomllib.loads(text)["profiles"]["production"]
    assert entry["token"].startswith("gAAAA") and len(entry["key_fingerprint"]) == 16
    assert stat.S_IMODE(settings.secrets_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert permissions_warning(settings.secrets_path) is None


def test_round_trip_with_secret_key_env(settings: Settings, key_file: Path) -> None:
    env = {
        "ODOOSYNC_SECRET_KEY": "correct horse battery staple",
        "ODOOSYNC_KEY_FILE": str(key_file),
    }
    store_password(settings, Secret(PASSWORD), env=env)
    assert resolve_password(settings, env=env, prompt=None) == Secret(PASSWORD)
    assert not key_file.exists()  # the env secret needs no key file


def test_profiles_are_stored_separately(settings: Settings, env: dict[str, str]) -> None:
    store_password(settings, Secret(PASSWORD), env=env)
    store_password(staging(settings), Secret("staging-pw"), env=env)
    assert resolve_password(settings, env=env, prompt=None).reveal() == PASSWORD
    assert resolve_password(staging(settings), env=env, prompt=None).reveal() == "staging-pw"


def test_wrong_key_names_the_profile(settings: Settings, key_file: Path) -> None:
    store_password(settings, Secret(PASSWORD), env={"ODOOSYNC_SECRET_KEY": "one"})
    with pytest.raises(SecretError) as info:
        resolve_password(settings, env={"ODOOSYNC_SECRET_KEY": "two"}, prompt=None)
    message = str(info.value)
    assert "profile 'production'" in message
    assert "another secret key" in message and "ODOOSYNC_SECRET_KEY" in message
    assert "set-password" in message
    assert info.value.exit_code == 3


def test_missing_key_file_is_explained(
    settings: Settings, env: dict[str, str], key_file: Path
) -> None:
    store_password(settings, Secret(PASSWORD), env=env)
    key_file.unlink()
    with pytest.raises(SecretError, match=r"profile 'production'.*key file .* is missing"):
        resolve_password(settings, env=env, prompt=None)


def test_corrupted_token(settings: Settings, env: dict[str, str]) -> None:
    store_password(settings, Secret(PASSWORD), env=env)
    text = settings.secrets_path.read_text()
    token = tomllib.loads(text)["profiles"]["production"]["token"]
    settings.secrets_path.write_text(text.replace(token, token[:-12] + "AAAAAAAAAAAA"))
    with pytest.raises(SecretError, match=r"profile 'production'.*corrupted"):
        resolve_password(settings, env=env, prompt=None)


def test_corrupted_file(settings: Settings, env: dict[str, str]) -> None:
    settings.secrets_path.write_text("profiles = [")
    with pytest.raises(SecretError, match="secrets file is corrupted"):
        resolve_password(settings, env=env, prompt=None)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_warning_for_group_or_world_readable_file(settings: Settings, env: dict[str, str]) -> None:
    store_password(settings, Secret(PASSWORD), env=env)
    settings.secrets_path.chmod(0o644)
    warning = permissions_warning(settings.secrets_path)
    assert warning is not None
    assert "0644" in warning and f"chmod 600 {settings.secrets_path}" in warning
    store_password(settings, Secret(PASSWORD), env=env)  # rewriting restores 0600
    assert stat.S_IMODE(settings.secrets_path.stat().st_mode) == 0o600


# ---------------------------------------------------------------------------- resolution


def test_resolution_order(settings: Settings, env: dict[str, str]) -> None:
    store_password(settings, Secret("from-file"), env=env)

    def prompt(_text: str) -> str:
        raise AssertionError("the prompt comes last")

    both = {**env, "ODOOSYNC_PASSWORD": "from-odoosync", "ACME_PASSWORD": "from-profile"}
    assert resolve_password(settings, env=both, prompt=prompt).reveal() == "from-odoosync"
    assert password_source(settings, env=both) == "env ODOOSYNC_PASSWORD"
    profile_env = {**env, "ACME_PASSWORD": "from-profile"}
    assert resolve_password(settings, env=profile_env, prompt=prompt).reveal() == "from-profile"
    assert password_source(settings, env=profile_env) == "env ACME_PASSWORD (password_env)"
    assert resolve_password(settings, env=env, prompt=prompt).reveal() == "from-file"
    assert password_source(settings, env=env) == f"secrets file {settings.secrets_path}"


def test_prompt_is_last_and_optional(settings: Settings, env: dict[str, str]) -> None:
    asked: list[str] = []

    def prompt(text: str) -> str:
        asked.append(text)
        return "typed"

    assert password_source(settings, env=env) is None
    assert resolve_password(settings, env=env, prompt=prompt).reveal() == "typed"
    assert "bot@acme.com" in asked[0] and "https://acme.odoo.com" in asked[0]
    with pytest.raises(SecretError) as info:
        resolve_password(settings, env=env, prompt=None)
    message = str(info.value)
    assert "profile 'production'" in message
    assert "odoosync -p production config set-password" in message
    assert "ACME_PASSWORD, which is not set" in message


def test_no_password_without_password_env(settings: Settings, env: dict[str, str]) -> None:
    with pytest.raises(SecretError, match="config set-password`, or set ODOOSYNC_PASSWORD"):
        resolve_password(staging(settings), env=env, prompt=None)


# ---------------------------------------------------------------------------- rotate-key


def test_rotate_key_file(settings: Settings, env: dict[str, str], key_file: Path) -> None:
    store_password(settings, Secret(PASSWORD), env=env)
    store_password(staging(settings), Secret("staging-pw"), env=env)
    old_key = key_file.read_text()
    before = settings.secrets_path.read_text()

    assert rotate_key(settings, env=env, new_secret=None) == 2

    assert key_file.read_text() != old_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.with_name("secret.key.old").read_text() == old_key
    assert settings.secrets_path.read_text() != before
    assert resolve_password(settings, env=env, prompt=None).reveal() == PASSWORD
    assert resolve_password(staging(settings), env=env, prompt=None).reveal() == "staging-pw"
    old_env = {"ODOOSYNC_KEY_FILE": str(key_file.with_name("secret.key.old"))}
    with pytest.raises(SecretError, match="another secret key"):
        resolve_password(settings, env=old_env, prompt=None)


def test_rotate_env_secret_needs_the_new_one(settings: Settings, key_file: Path) -> None:
    old = {"ODOOSYNC_SECRET_KEY": "old-secret", "ODOOSYNC_KEY_FILE": str(key_file)}
    store_password(settings, Secret(PASSWORD), env=old)
    with pytest.raises(SecretError, match="--new-secret-env"):
        rotate_key(settings, env=old, new_secret=None)
    with pytest.raises(SecretError, match="same"):
        rotate_key(settings, env=old, new_secret="old-secret")

    assert rotate_key(settings, env=old, new_secret="new-secret") == 1

    new = {**old, "ODOOSYNC_SECRET_KEY": "new-secret"}
    assert resolve_password(settings, env=new, prompt=None).reveal() == PASSWORD
    with pytest.raises(SecretError, match="profile 'production'"):
        resolve_password(settings, env=old, prompt=None)
    assert not key_file.exists()


def test_rotate_changes_nothing_when_a_token_is_bad(
    settings: Settings, env: dict[str, str], key_file: Path
) -> None:
    store_password(settings, Secret(PASSWORD), env=env)
    store_password(staging(settings), Secret("staging-pw"), env=env)
    text = settings.secrets_path.read_text()
    token = tomllib.loads(text)["profiles"]["staging"]["token"]
    broken = text.replace(token, token[:-8] + "AAAAAAAA")
    settings.secrets_path.write_text(broken)
    old_key = key_file.read_text()
    with pytest.raises(SecretError, match=r"profile 'staging'.*corrupted"):
        rotate_key(settings, env=env, new_secret=None)
    assert settings.secrets_path.read_text() == broken
    assert key_file.read_text() == old_key
