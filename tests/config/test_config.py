"""odoosync.toml loading: validation messages naming file and key, precedence, paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from odoosync.catalog.formats import open_catalog
from odoosync.cli import run
from odoosync.config.schema import check_url
from odoosync.config.settings import load_settings
from odoosync.config.template import PLACEHOLDERS, render_config
from odoosync.errors import ConfigError
from tests.support.paths import ROOT

PROFILE = """\
[profiles.production]
url = "https://acme.odoo.com"
database = "acme"
username = "bot@acme.com"
"""


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for var in list(os.environ):
        if var.startswith("ODOOSYNC_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("ODOOSYNC_KEY_FILE", str(tmp_path / "keys" / "secret.key"))


def write(folder: Path, text: str, name: str = "odoosync.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# (id, config text, key path the message must name ("<file>: <key>:"), another fragment)
BAD_CONFIGS: list[tuple[str, str, str, str]] = [
    ("unknown-section", PROFILE + "[sinc]\nbatch_size = 5\n", "sinc", "did you mean 'sync'"),
    (
        "unknown-sync-key",
        PROFILE + "[sync]\nbatchsize = 5\n",
        "sync.batchsize",
        "did you mean 'batch_size'",
    ),
    (
        "unknown-profile-key",
        PROFILE + 'usrname = "x"\n',
        "profiles.production.usrname",
        "did you mean 'username'",
    ),
    (
        "batch-size-type",
        PROFILE + '[sync]\nbatch_size = "ten"\n',
        "sync.batch_size",
        'expected a positive integer, got "ten"',
    ),
    ("batch-size-zero", PROFILE + "[sync]\nbatch_size = 0\n", "sync.batch_size", "1 to 10000"),
    ("batch-size-huge", PROFILE + "[sync]\nbatch_size = 10001\n", "sync.batch_size", "10001"),
    ("batch-size-bool", PROFILE + "[sync]\nbatch_size = true\n", "sync.batch_size", "true"),
    ("workers-range", PROFILE + "[sync]\nworkers = 17\n", "sync.workers", "1 to 16"),
    ("timeout-zero", PROFILE + "timeout = 0\n", "profiles.production.timeout", "> 0"),
    ("max-retries-negative", PROFILE + "[sync]\nmax_retries = -1\n", "sync.max_retries", "-1"),
    ("verify-tls-type", PROFILE + 'verify_tls = "yes"\n', "profiles.production.verify_tls", "yes"),
    (
        "url-no-scheme",
        PROFILE.replace("https://acme.odoo.com", "acme.odoo.com"),
        "profiles.production.url",
        "no scheme",
    ),
    (
        "url-ftp",
        PROFILE.replace("https://", "ftp://"),
        "profiles.production.url",
        "use http or https",
    ),
    (
        "url-odoo-online-path",
        PROFILE.replace("acme.odoo.com", "acme.odoo.com/odoo"),
        "profiles.production.url",
        "use the base URL (https://acme.odoo.com)",
    ),
    (
        "url-web-path",
        PROFILE.replace("acme.odoo.com", "acme.odoo.com/web#action=1"),
        "profiles.production.url",
        "base URL",
    ),
    (
        "url-space",
        PROFILE.replace("acme.odoo.com", "acme .odoo.com"),
        "profiles.production.url",
        "space",
    ),
    (
        "url-missing",
        PROFILE.replace('url = "https://acme.odoo.com"\n', ""),
        "profiles.production.url",
        "missing",
    ),
    (
        "clear-text-password",
        PROFILE + 'password = "hunter2"\n',
        "profiles.production.password",
        "odoosync config set-password",
    ),
    (
        "conflict-policy",
        PROFILE + '[sync]\nconflict_policy = "latest"\n',
        "sync.conflict_policy",
        "newest, local, odoo, skip",
    ),
    ("match-on-item", PROFILE + '[sync]\nmatch_on = ["sku"]\n', "sync.match_on[0]", '"sku"'),
    ("match-on-type", PROFILE + '[sync]\nmatch_on = "barcode"\n', "sync.match_on", "list"),
    (
        "external-id-module-dot",
        PROFILE + '[sync]\nexternal_id_module = "my.module"\n',
        "sync.external_id_module",
        "dots",
    ),
    (
        "external-id-module-space",
        PROFILE + '[sync]\nexternal_id_module = "my module"\n',
        "sync.external_id_module",
        "spaces",
    ),
    (
        "ca-bundle-missing",
        PROFILE + 'ca_bundle = "no-such-ca.pem"\n',
        "profiles.production.ca_bundle",
        "does not exist",
    ),
    (
        "catalog-extension",
        PROFILE + '[catalog]\npath = "products.xlsx"\n',
        "catalog.path",
        ".csv .json .jsonl .ndjson .db .sqlite .sqlite3",
    ),
    (
        "sqlite-without-table",
        PROFILE + '[catalog]\npath = "shop.sqlite3"\n',
        "catalog.table",
        "missing",
    ),
    (
        "default-profile-missing",
        PROFILE + PROFILE.replace("production", "staging"),
        "default_profile",
        "production, staging",
    ),
    (
        "default-profile-unknown",
        'default_profile = "prod"\n' + PROFILE,
        "default_profile",
        "available: production",
    ),
    ("section-not-table", "sync = 5\n" + PROFILE, "sync", "expected a table"),
    (
        "timezone-unknown",
        PROFILE + '[schedule]\ntimezone = "Mars/Olympus"\n',
        "schedule.timezone",
        "Europe/Paris",
    ),
    (
        "password-env-name",
        PROFILE + 'password_env = "MY VAR"\n',
        "profiles.production.password_env",
        "MY VAR",
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "fragment"), [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS]
)
def test_bad_config_is_refused_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, key: str, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert fragment in message
    assert "hunter2" not in message
    assert info.value.exit_code == 3

    code = run(["-c", str(path), "config", "check"])
    captured = capsys.readouterr()
    assert code == 3
    assert f"{key}: " in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err
    assert "hunter2" not in captured.out + captured.err


def test_toml_syntax_error_names_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, PROFILE + "[sync]\nbatch_size = = 3\n")
    with pytest.raises(ConfigError, match=r"invalid TOML: .*line 6, column 14"):
        load_settings(path, env={})
    assert run(["-c", str(path), "config", "show"]) == 3
    err = capsys.readouterr().err
    assert "line 6" in err and "Traceback" not in err


def test_missing_config_says_to_run_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"not found\. Run `odoosync init`"):
        load_settings(tmp_path / "odoosync.toml", env={})


def test_config_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        load_settings(tmp_path, env={})


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_config_says_so(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILE)
    path.chmod(0)
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(path, env={})


def test_missing_profile_lists_available(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILE + PROFILE.replace("production", "staging"))
    with pytest.raises(ConfigError) as info:
        load_settings(path, profile="prod", env={})
    assert "profiles.prod:" in str(info.value)
    assert "available: production, staging" in str(info.value)
    assert "Did you mean 'production'" in str(info.value)


def test_bad_url_from_the_environment_names_the_variable(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILE)
    with pytest.raises(ConfigError, match=r"^ODOOSYNC_URL: .*no scheme"):
        load_settings(path, env={"ODOOSYNC_URL": "localhost:8069"})


# ---------------------------------------------------------------------------- precedence

TWO_PROFILES = (
    'default_profile = "production"\n'
    + PROFILE
    + PROFILE.replace("production", "staging").replace("acme.odoo.com", "staging.acme.com")
    + "[sync]\nworkers = 4\n"
)


def test_defaults_fill_what_the_file_leaves_out(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, PROFILE), env={})
    assert s.profile.name == "production"
    assert s.sources["profile"] == "default"  # the only profile
    assert s.sync.batch_size == 750 and s.sources["sync.batch_size"] == "default"
    assert s.profile.timeout == 60.0 and s.sources["profiles.production.timeout"] == "default"
    assert s.timezone is None
    assert s.sync.match_on == ("external_id", "barcode")


@pytest.mark.parametrize("name", ["products.csv", "products.jsonl", "products.ndjson"])
def test_every_catalog_suffix_the_reader_opens_is_a_valid_catalog_path(
    tmp_path: Path, name: str
) -> None:
    # the config's check and the catalog's reader share one table of suffixes (.ndjson drifted)
    s = load_settings(write(tmp_path, PROFILE + f'[catalog]\npath = "{name}"\n'), env={})
    assert s.catalog.path.name == name
    assert open_catalog(s.catalog.path, key=s.catalog.key) is not None


def test_file_beats_default(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, TWO_PROFILES), env={})
    assert s.sync.workers == 4 and s.sources["sync.workers"] == "file"
    assert s.profile.name == "production" and s.sources["profile"] == "file"


def test_env_beats_file(tmp_path: Path) -> None:
    env = {
        "ODOOSYNC_PROFILE": "staging",
        "ODOOSYNC_URL": "http://127.0.0.1:8069/",
        "ODOOSYNC_DATABASE": "ci",
    }
    s = load_settings(write(tmp_path, TWO_PROFILES), env=env)
    assert s.profile.name == "staging" and s.sources["profile"] == "env"
    assert s.profile.url == "http://127.0.0.1:8069"
    assert s.sources["profiles.staging.url"] == "env"
    assert s.profile.database == "ci" and s.sources["profiles.staging.database"] == "env"
    assert s.profile.username == "bot@acme.com"
    assert s.sources["profiles.staging.username"] == "file"
    # the other profiles keep their file values
    assert s.profiles["production"].url == "https://acme.odoo.com"


def test_flag_beats_env(tmp_path: Path) -> None:
    path = write(tmp_path, TWO_PROFILES)
    s = load_settings(path, profile="production", env={"ODOOSYNC_PROFILE": "staging"})
    assert s.profile.name == "production" and s.sources["profile"] == "flag"


def test_config_path_flag_then_env_then_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    in_cwd = write(tmp_path, PROFILE.replace("acme", "cwd"))
    from_env = write(tmp_path / "a", PROFILE.replace("acme", "env"))
    from_flag = write(tmp_path / "b", PROFILE.replace("acme", "flag"))
    monkeypatch.chdir(tmp_path)
    env = {"ODOOSYNC_CONFIG": str(from_env)}
    assert load_settings(from_flag, env=env).profile.database == "flag"
    assert load_settings(env=env).profile.database == "env"
    s = load_settings(env={})
    assert s.profile.database == "cwd" and s.sources["config"] == "default"
    assert s.config_path.samefile(in_cwd)


def test_profile_from_environment_alone(tmp_path: Path) -> None:
    env = {
        "ODOOSYNC_URL": "https://ci.example.com",
        "ODOOSYNC_DATABASE": "ci",
        "ODOOSYNC_USERNAME": "ci-bot",
    }
    s = load_settings(write(tmp_path, "[sync]\nworkers = 1\n"), env=env)
    assert (s.profile.name, s.profile.url, s.profile.username) == (
        "default",
        "https://ci.example.com",
        "ci-bot",
    )


# ---------------------------------------------------------------------------- values


def test_relative_paths_are_relative_to_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "ca.pem").write_text("pem")
    text = PROFILE + 'ca_bundle = "ca.pem"\n[catalog]\npath = "data/shop.db"\ntable = "products"\n'
    path = write(folder, text)
    monkeypatch.chdir(tmp_path)
    s = load_settings(Path("project/odoosync.toml"), env={})
    base = folder.absolute()
    assert s.catalog.path == base / "data" / "shop.db"
    assert s.catalog.table == "products"
    assert s.mapping_path == base / "mapping.toml"
    assert s.history_path == base / "odoosync.db"
    assert s.secrets_path == base / "odoosync.secrets.toml"
    assert s.profile.ca_bundle == base / "ca.pem"
    assert path.exists()


def test_url_is_normalised_and_timezone_kept(tmp_path: Path) -> None:
    text = PROFILE.replace("acme.odoo.com", "ACME.odoo.com:8443/") + "[schedule]\n"
    text += 'timezone = "Europe/Paris"\n'
    s = load_settings(write(tmp_path, text.replace("https://", "HTTPS://")), env={})
    assert s.profile.url == "https://ACME.odoo.com:8443"
    assert s.timezone == "Europe/Paris"


@pytest.mark.parametrize(
    "url", ["https://acme.odoo.com/odoo", "acme.odoo.com", "file:///etc", "https://"]
)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(ValueError):
        check_url(url)


def test_annotated_example_loads() -> None:
    s = load_settings(ROOT / "odoosync.toml.example", env={})
    assert set(s.profiles) == {"production", "staging"}
    assert s.profile.password_env == "ODOO_PASSWORD"
    assert s.sync.conflict_policy == "newest"


def test_rendered_init_template_loads(tmp_path: Path) -> None:
    text = render_config(profile="shop_eu", catalog="shop.sqlite", **PLACEHOLDERS)
    s = load_settings(write(tmp_path, text), env={})
    assert s.profile.name == "shop_eu"
    assert s.profile.url == PLACEHOLDERS["url"]
    assert s.catalog.table == "products"
