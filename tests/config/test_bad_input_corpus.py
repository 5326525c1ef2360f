"""A corpus of hostile and broken inputs, run through the CLI in-process against one sandbox.

Table-driven over odoosync.toml, mapping.toml, catalogs (CSV, JSON, JSONL, SQLite), cron
expressions, ``--domain``, the secrets file and secret key, and the history file. Each case must
give exactly the expected exit code (SPEC §2.1: 2 usage, 3 config/input, 4 Odoo refused, 5
unreachable), a message holding a given fragment, no traceback and no "Internal error", and
change nothing: no create/write/load/unlink reached Odoo, every catalog file keeps its bytes and
the history keeps its log entries and links (a run refused once started is recorded as failed,
nothing more).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from odoosync.cli import run
from odoosync.config.settings import load_settings
from odoosync.sandbox import SandboxHandle, serve
from odoosync.secrets import Secret, store_password
from tests.support.bad_inputs import NO_RETRY_CONFIG, sub

CONFIG = NO_RETRY_CONFIG

MAPPING = """\
[[fields]]
local_field = "title"
odoo_field = "name"
is_required = true

[[fields]]
local_field = "price"
odoo_field = "list_price"
mapping_type = "transform"
transform = "decimal"
"""

CATALOG = "id,title,price\np1,Widget,12.50\np2,Gadget,3.00\n"
#: calls that change Odoo
WRITES = ("create", "write", "load", "unlink", "copy")

Prepare = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    code: int
    fragment: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    prepare: Prepare | None = None
    #: the password comes from the secrets file (encrypted under the key file), not the env
    stored_password: bool = False


def _config(old: str, new: str) -> dict[str, str | bytes]:
    return {"odoosync.toml": sub(CONFIG, old, new)}


def _sync_key(line: str) -> dict[str, str | bytes]:
    return _config("max_retry_wait = 0\n", f"max_retry_wait = 0\n{line}\n")


def _catalog_config(name: str, extra: str = "") -> str:
    return CONFIG.replace('path = "products.csv"', f'path = "{name}"{extra}')


# ------------------------------------------------------------------------------ odoosync.toml
CONFIG_CASES = [
    Case("config missing", ("-c", "nope.toml", "export"), 3, "config file not found"),
    Case("config syntax", ("export",), 3, "invalid TOML", files={"odoosync.toml": "[a\nb = 1"}),
    Case(
        "config not utf-8",
        ("export",),
        3,
        "not UTF-8",
        files={"odoosync.toml": b"\xff\xfe" + CONFIG.encode("utf-16-le")},
    ),
    Case(
        "config BOM then a syntax error",
        ("export",),
        3,
        "line 1",
        files={"odoosync.toml": b"\xef\xbb\xbf[profiles\n"},
    ),
    Case("config is a folder", ("-c", "folder", "export"), 3, "is a folder"),
    Case("unknown profile", ("-p", "staging", "export"), 3, "staging"),
    Case(
        "default profile missing",
        ("export",),
        3,
        "default_profile",
        files=_config('default_profile = "production"', 'default_profile = "nope"'),
    ),
    Case(
        "password in clear",
        ("export",),
        3,
        "clear text",
        files=_config("timeout = 10", 'timeout = 10\npassword = "x"'),
    ),
    Case(
        "unknown top key",
        ("export",),
        3,
        "unknown",
        files=_config("[mapping]", "colour = 1\n[mapping]"),
    ),
    Case(
        "unknown profile key",
        ("export",),
        3,
        "timeoutt",
        files=_config("timeout = 10", "timeoutt = 10"),
    ),
    Case("unknown sync key", ("export",), 3, "sync.bacth_size", files=_sync_key("bacth_size = 5")),
    Case(
        "unknown catalog key",
        ("export",),
        3,
        "catalog.neutralize_formulas",
        files=_config('path = "products.csv"', 'path = "products.csv"\nneutralize_formulas = true'),
    ),
    Case(
        "sync not a table",
        ("export",),
        3,
        "sync",
        files={"odoosync.toml": CONFIG.replace("[sync]\n", "sync = 1\n[other]\n")},
    ),
    *[
        Case(
            f"timeout {text}",
            ("export",),
            3,
            "timeout",
            files=_config("timeout = 10", f"timeout = {text}"),
        )
        for text in ("inf", "-inf", "nan", "0", "-1", '"10"', "true", "1e300", "86401", "[10]")
    ],
    *[
        Case(
            f"batch_size {text}",
            ("export",),
            3,
            "batch_size",
            files=_sync_key(f"batch_size = {text}"),
        )
        for text in ("0", "-1", "10001", '"5"', "1.5", "true", "inf")
    ],
    *[
        Case(f"workers {text}", ("export",), 3, "workers", files=_sync_key(f"workers = {text}"))
        for text in ("0", "17", '"2"', "nan")
    ],
    *[
        Case(
            f"max_retries {text}",
            ("export",),
            3,
            "max_retries",
            files=_config("max_retries = 0", f"max_retries = {text}"),
        )
        for text in ("-1", '"3"', "2.5")
    ],
    *[
        Case(
            f"max_retry_wait {text}",
            ("export",),
            3,
            "max_retry_wait",
            files=_config("max_retry_wait = 0", f"max_retry_wait = {text}"),
        )
        for text in ("inf", "-1", "nan", "1e9", '"x"')
    ],
    *[
        Case(
            f"image_max_mb {text}",
            ("export",),
            3,
            "image_max_mb",
            files=_sync_key(f"image_max_mb = {text}"),
        )
        for text in ("0", "-5", "4096", "inf", '"20"', "true")
    ],
    *[
        Case(
            f"image_timeout {text}",
            ("export",),
            3,
            "image_timeout",
            files=_sync_key(f"image_timeout = {text}"),
        )
        for text in ("0", "inf", "nan", '"30"')
    ],
    Case(
        "neutralise_formulas not a boolean",
        ("export",),
        3,
        "neutralise_formulas",
        files=_config(
            'path = "products.csv"', 'path = "products.csv"\nneutralise_formulas = "yes"'
        ),
    ),
    Case(
        "sync_images not a boolean",
        ("export",),
        3,
        "sync_images",
        files=_sync_key('sync_images = "no"'),
    ),
    Case("match_on unknown", ("export",), 3, "match_on", files=_sync_key('match_on = ["sku"]')),
    Case(
        "conflict_policy unknown",
        ("export",),
        3,
        "conflict_policy",
        files=_sync_key('conflict_policy = "mine"'),
    ),
    Case(
        "external_id_module dotted",
        ("export",),
        3,
        "external_id_module",
        files=_sync_key('external_id_module = "a.b"'),
    ),
    *[
        Case(
            f"url {label}",
            ("export",),
            3,
            fragment,
            files=_config('url = "{url}"', f'url = "{url}"'),
        )
        for label, url, fragment in (
            ("without scheme", "127.0.0.1:8069", "no scheme"),
            ("ftp", "ftp://127.0.0.1", "not supported"),
            ("with a path", "http://127.0.0.1/odoo", "has a path"),
            ("with a space", "http://127.0.0.1 x", "space"),
            ("empty", "", "must not be empty"),
            ("bad port", "http://127.0.0.1:99999", "invalid port"),
            ("no host", "http://", "no host"),
            ("with a query", "http://127.0.0.1/?db=x", "has a path"),
        )
    ],
    Case(
        "catalog unsupported suffix",
        ("export",),
        3,
        ".xlsx",
        files={"odoosync.toml": _catalog_config("products.xlsx")},
    ),
    Case(
        "catalog table on a csv",
        ("export",),
        3,
        "catalog.table",
        files={"odoosync.toml": _catalog_config("products.csv", '\ntable = "t"')},
    ),
    Case(
        "sqlite catalog without a table",
        ("export",),
        3,
        "catalog.table",
        files={"odoosync.toml": _catalog_config("products.db")},
    ),
    Case(
        "timezone unknown",
        ("export",),
        3,
        "timezone",
        files={"odoosync.toml": CONFIG + '\n[schedule]\ntimezone = "Mars/Olympus"\n'},
    ),
    Case(
        "password_env not a name",
        ("export",),
        3,
        "password_env",
        files=_config("timeout = 10", 'timeout = 10\npassword_env = "A B"'),
    ),
]

# ------------------------------------------------------------------------------ mapping.toml
MAPPING_CASES = [
    Case(
        "mapping missing",
        ("export",),
        3,
        "mapping file not found",
        prepare=lambda d: (d / "mapping.toml").unlink(),
    ),
    Case("mapping empty", ("export",), 3, "no active [[fields]]", files={"mapping.toml": ""}),
    Case(
        "mapping only comments",
        ("export",),
        3,
        "no active [[fields]]",
        files={"mapping.toml": "# nothing\n"},
    ),
    Case(
        "mapping all inactive",
        ("export",),
        3,
        "no active [[fields]]",
        files={
            "mapping.toml": MAPPING.replace(
                "is_required = true", "is_required = true\nis_active = false"
            ).replace('transform = "decimal"', 'transform = "decimal"\nis_active = false')
        },
    ),
    Case(
        "mapping empty on import",
        ("import", "--dry-run"),
        3,
        "no active [[fields]]",
        files={"mapping.toml": ""},
    ),
    Case(
        "mapping not utf-8",
        ("export",),
        3,
        "not UTF-8",
        files={"mapping.toml": b"\xff\xfe[[fields]]"},
    ),
    Case(
        "mapping latin-1",
        ("export",),
        3,
        "not UTF-8",
        files={
            "mapping.toml": MAPPING.replace("Widget", "")
            .replace('"title"', '"titr\xe9"')
            .encode("latin-1")
        },
    ),
    Case("mapping syntax", ("export",), 3, "not valid TOML", files={"mapping.toml": "[[fields]\n"}),
    Case(
        "mapping BOM then syntax error",
        ("export",),
        3,
        "not valid TOML",
        files={"mapping.toml": b"\xef\xbb\xbf[[fields]\n"},
    ),
    Case(
        "mapping unknown section",
        ("export",),
        3,
        "unknown section",
        files={"mapping.toml": MAPPING + "\n[colours]\nred = 1\n"},
    ),
    Case(
        "mapping fields not a list",
        ("export",),
        3,
        "fields",
        files={"mapping.toml": "fields = 3\n"},
    ),
    Case(
        "mapping unknown transform",
        ("export",),
        3,
        "decmal",
        files={"mapping.toml": MAPPING.replace('transform = "decimal"', 'transform = "decmal"')},
    ),
    Case(
        "mapping no local_field",
        ("export",),
        3,
        "local_field",
        files={"mapping.toml": '[[fields]]\nodoo_field = "name"\n'},
    ),
    Case(
        "mapping no odoo_field",
        ("export",),
        3,
        "odoo_field",
        files={"mapping.toml": '[[fields]]\nlocal_field = "title"\n'},
    ),
    Case(
        "mapping duplicate odoo_field",
        ("export",),
        3,
        "name",
        files={
            "mapping.toml": MAPPING + '\n[[fields]]\nlocal_field = "other"\nodoo_field = "name"\n'
        },
    ),
    Case(
        "mapping priority a string",
        ("export",),
        3,
        "priority",
        files={
            "mapping.toml": MAPPING.replace(
                "is_required = true", 'is_required = true\npriority = "high"'
            )
        },
    ),
    Case(
        "mapping is_active a string",
        ("export",),
        3,
        "is_active",
        files={
            "mapping.toml": MAPPING.replace(
                "is_required = true", 'is_required = true\nis_active = "yes"'
            )
        },
    ),
    Case(
        "mapping category id zero",
        ("export",),
        3,
        "categories",
        files={"mapping.toml": MAPPING + '\n[categories]\n"Phones" = 0\n'},
    ),
    Case(
        "mapping category empty path",
        ("export",),
        3,
        "categories",
        files={"mapping.toml": MAPPING + '\n[categories]\n"Phones" = " "\n'},
    ),
    Case(
        "mapping taxes not a table",
        ("export",),
        3,
        "taxes",
        files={"mapping.toml": MAPPING + "\ntaxes = 3\n"},
    ),
    Case(
        "mapping option not a boolean",
        ("export",),
        3,
        "create_missing_categories",
        files={"mapping.toml": MAPPING + '\n[options]\ncreate_missing_categories = "yes"\n'},
    ),
    Case(
        "mapping is a folder",
        ("export",),
        3,
        "mapping",
        prepare=lambda d: ((d / "mapping.toml").unlink(), (d / "mapping.toml").mkdir()),
    ),
    Case(
        "mapping field not in Odoo",
        ("export",),
        3,
        "not a field",
        files={"mapping.toml": MAPPING.replace('"list_price"', '"list_prise"')},
    ),
    Case(
        "mapping custom field missing in Odoo",
        ("export",),
        3,
        "x_colour",
        files={
            "mapping.toml": MAPPING
            + '\n[[fields]]\nlocal_field = "colour"\nodoo_field = "x_colour"\n'
        },
    ),
]

# ------------------------------------------------------------------------------ catalogs
NESTED = "[" * 100_000 + "]" * 100_000
CATALOG_CASES = [
    Case(
        "csv missing",
        ("export",),
        3,
        "catalog not found",
        prepare=lambda d: (d / "products.csv").unlink(),
    ),
    Case(
        "csv is a folder",
        ("export",),
        3,
        "is a folder",
        prepare=lambda d: ((d / "products.csv").unlink(), (d / "products.csv").mkdir()),
    ),
    Case(
        "csv not utf-8",
        ("export",),
        3,
        "not valid UTF-8",
        files={"products.csv": "id,title,price\np1,Caf\xe9,1\n".encode("latin-1")},
    ),
    Case(
        "csv NUL byte",
        ("export",),
        3,
        "column 'title' holds the control character U+0000",
        files={"products.csv": "id,title,price\np1,Wid\x00get,1\n"},
    ),
    Case(
        "csv NUL byte in price",
        ("export",),
        3,
        "column 'price'",
        files={"products.csv": "id,title,price\np1,Widget,1\x00\n"},
    ),
    Case(
        "csv control character",
        ("export",),
        3,
        "U+0001",
        files={"products.csv": "id,title,price\np1,Wid\x01get,1\n"},
    ),
    Case(
        "csv form feed",
        ("export",),
        3,
        "U+000C",
        files={"products.csv": "id,title,price\np1,Wid\x0cget,1\n"},
    ),
    Case(
        "csv control character on import",
        ("import", "--dry-run"),
        3,
        "U+0002",
        files={"products.csv": "id,title,price\np1,Wid\x02get,1\n"},
    ),
    Case(
        "csv duplicate column",
        ("export",),
        3,
        "appears twice",
        files={"products.csv": "id,title,title,price\np1,a,b,1\n"},
    ),
    Case(
        "csv no key column",
        ("export",),
        3,
        "no key column",
        files={"products.csv": "sku,title,price\np1,a,1\n"},
    ),
    Case(
        "csv extra value",
        ("export",),
        3,
        "line 2",
        files={"products.csv": "id,title,price\np1,a,1,extra\n"},
    ),
    Case(
        "csv missing value",
        ("export",),
        3,
        "line 3",
        files={"products.csv": "id,title,price\np1,a,1\np2,b\n"},
    ),
    Case(
        "csv duplicate key",
        ("export",),
        3,
        "p1",
        files={"products.csv": "id,title,price\np1,a,1\np1,b,2\n"},
    ),
    Case("csv unknown product", ("export", "nope"), 3, "nope"),
    *[
        Case(
            f"json {label}",
            ("export",),
            3,
            fragment,
            files={"odoosync.toml": _catalog_config("products.json"), "products.json": content},
        )
        for label, content, fragment in (
            ("nested 100,000 deep", NESTED, "nested too deeply"),
            ("nested objects", '{"a":' * 50_000 + "1" + "}" * 50_000, "nested too deeply"),
            ("not an array", '{"id": "p1"}', "must be an array"),
            ("item not an object", '[["p1"]]', "item 0"),
            ("no key", '[{"title": "a"}]', "id"),
            ("invalid", '[{"id": "p1",}]', "invalid JSON"),
            ("truncated", '[{"id": "p1"', "invalid JSON"),
            ("empty file", "", "invalid JSON"),
            ("not utf-8", '[{"id": "caf\xe9"}]'.encode("latin-1"), "not valid UTF-8"),
            ("duplicate key", '[{"id": "p1", "title": "a"}, {"id": "p1", "title": "b"}]', "p1"),
        )
    ],
    Case(
        "json missing",
        ("export",),
        3,
        "catalog not found",
        files={"odoosync.toml": _catalog_config("products.json")},
    ),
    *[
        Case(
            f"jsonl {label}",
            ("export",),
            3,
            fragment,
            files={"odoosync.toml": _catalog_config("products.jsonl"), "products.jsonl": content},
        )
        for label, content, fragment in (
            ("nested", '{"id": "p1"}\n' + NESTED + "\n", "line 2"),
            ("invalid line", '{"id": "p1"}\n{"id": \n', "line 2"),
            ("not an object", '{"id": "p1"}\n[1, 2]\n', "line 2"),
            ("no key", '{"title": "a"}\n', "line 1"),
            ("not utf-8", '{"id": "caf\xe9"}\n'.encode("latin-1"), "UTF-8"),
            ("duplicate key", '{"id": "p1"}\n{"id": "p1"}\n', "p1"),
        )
    ],
    Case(
        "sqlite not a database",
        ("export",),
        3,
        "products.db",
        files={
            "odoosync.toml": _catalog_config("products.db", '\ntable = "products"'),
            "products.db": "id,title\np1,a\n",
        },
    ),
    Case(
        "sqlite no such table",
        ("export",),
        3,
        "products",
        files={"odoosync.toml": _catalog_config("products.db", '\ntable = "products"')},
        prepare=lambda d: (
            sqlite3.connect(d / "products.db")
            .execute("create table other (id text)")
            .connection.commit()
        ),
    ),
    Case(
        "sqlite no key column",
        ("export",),
        3,
        "id",
        files={"odoosync.toml": _catalog_config("products.db", '\ntable = "products"')},
        prepare=lambda d: (
            sqlite3.connect(d / "products.db")
            .execute("create table products (sku text, title text)")
            .connection.commit()
        ),
    ),
    Case(
        "sqlite missing",
        ("export",),
        3,
        "products.db",
        files={"odoosync.toml": _catalog_config("products.db", '\ntable = "products"')},
    ),
    Case(
        "import into a read-only catalog",
        ("import",),
        3,
        "read-only",
        prepare=lambda d: (d / "products.csv").chmod(0o444),
    ),
    Case(
        "sync with a read-only catalog",
        ("sync",),
        3,
        "read-only",
        prepare=lambda d: (d / "products.csv").chmod(0o444),
    ),
    Case(
        "import into a read-only json catalog",
        ("import",),
        3,
        "read-only",
        files={
            "odoosync.toml": _catalog_config("products.json"),
            "products.json": '[{"id": "p1", "title": "a", "price": 1}]',
        },
        prepare=lambda d: (d / "products.json").chmod(0o400),
    ),
]

# ------------------------------------------------------------------------------ cron
CRON_CASES = [
    Case(f"cron {text!r}", ("schedule", "add", "--name", "n", "--cron", text), 3, "cron")
    for text in (
        "* * *",
        "61 * * * *",
        "a b c d e",
        "",
        "* * * * * * *",
        "*/0 * * * *",
        "0 25 * * *",
        "0 0 32 * *",
        "0 0 * 13 *",
        "@sometimes",
        "\x00 * * * *",
    )
]

# ------------------------------------------------------------------------------ --domain
DOMAIN_CASES = [
    Case(f"domain {label}", ("import", "--dry-run", "--domain", text), 3, fragment)
    for label, text, fragment in (
        ("not json", "list_price > 3", "not valid JSON"),
        ("empty", "", "not valid JSON"),
        ("an object", '{"list_price": 3}', "must be a JSON list"),
        ("a number", "3", "must be a JSON list"),
        ("nested 100,000 deep", NESTED, "nests lists too deeply"),
        ("nested objects", "[" + '{"a":' * 50_000 + "1" + "}" * 50_000 + "]", "--domain"),
        ("unknown operator", '[["list_price", "~", 3]]', "--domain"),
        ("unknown prefix operator", '["^", ["list_price", ">", 3]]', "--domain"),
        ("short leaf", '[["list_price", ">"]]', "--domain"),
        ("in without a list", '[["id", "in", 3]]', "--domain"),
        ("unknown field", '[["list_prise", ">", 3]]', "list_prise"),
        ("leaf of numbers", "[[1, 2, 3]]", "--domain"),
        ("operator missing a term", '["|", ["list_price", ">", 3]]', "--domain"),
        (
            "number where a number is expected",
            '[["list_price", ">", "abc"]]',
            "Odoo refused the --domain",
        ),
        ("lone negation", '["!"]', "--domain"),
    )
]

# ------------------------------------------------------------------------------ secrets and key


def _key_dir(d: Path) -> Path:
    folder = d / "xdg" / "odoosync"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


SECRET_CASES = [
    Case(
        "secrets version 99",
        ("export",),
        3,
        "version = 99",
        stored_password=True,
        prepare=lambda d: (d / "odoosync.secrets.toml").write_text(
            (d / "odoosync.secrets.toml").read_text().replace("version = 1", "version = 99")
        ),
    ),
    Case(
        "secrets version a string",
        ("export",),
        3,
        "version",
        stored_password=True,
        prepare=lambda d: (d / "odoosync.secrets.toml").write_text(
            (d / "odoosync.secrets.toml").read_text().replace("version = 1", 'version = "one"')
        ),
    ),
    Case(
        "secrets corrupted",
        ("export",),
        3,
        "corrupted",
        stored_password=True,
        files={"odoosync.secrets.toml": "garbage [[["},
    ),
    Case(
        "secrets not utf-8",
        ("export",),
        3,
        "corrupted",
        stored_password=True,
        files={"odoosync.secrets.toml": b"\xff\xfe\x00"},
    ),
    Case(
        "secrets token missing",
        ("export",),
        3,
        "token",
        stored_password=True,
        prepare=lambda d: (d / "odoosync.secrets.toml").write_text(
            'version = 1\n[profiles.production]\nkey_fingerprint = "x"\n'
        ),
    ),
    Case(
        "secrets token garbage",
        ("export",),
        3,
        "production",
        stored_password=True,
        prepare=lambda d: (d / "odoosync.secrets.toml").write_text(
            __import__("re").sub(
                r'token = "[^"]*"', 'token = "garbage"', (d / "odoosync.secrets.toml").read_text()
            )
        ),
    ),
    Case(
        "binary secret key",
        ("export",),
        3,
        "not text",
        stored_password=True,
        prepare=lambda d: (_key_dir(d) / "secret.key").write_bytes(b"\xff\x00\xfe" * 20),
    ),
    Case(
        "empty secret key",
        ("export",),
        3,
        "empty",
        stored_password=True,
        prepare=lambda d: (_key_dir(d) / "secret.key").write_text("\n"),
    ),
    Case(
        "another secret key",
        ("export",),
        3,
        "another",
        stored_password=True,
        prepare=lambda d: (_key_dir(d) / "secret.key").write_text("another-key\n"),
    ),
    Case(
        "secret key is a folder",
        ("export",),
        3,
        "secret key file",
        stored_password=True,
        prepare=lambda d: (
            (_key_dir(d) / "secret.key").unlink(),
            (_key_dir(d) / "secret.key").mkdir(),
        ),
    ),
    Case("no password at all", ("export",), 3, "No password", env={"ODOOSYNC_PASSWORD": ""}),
]

# ------------------------------------------------------------------------------ history


def _other_program(d: Path) -> None:
    with sqlite3.connect(d / "odoosync.db") as conn:
        conn.execute("create table moz_places (id integer primary key, url text)")
        conn.execute("insert into moz_places (url) values ('https://example.com')")


def _newer_schema(d: Path) -> None:
    assert run(["logs", "--json"]) == 0
    with sqlite3.connect(d / "odoosync.db") as conn:
        conn.execute("insert into schema_version (version) values (999)")


def _history_config(path: str) -> dict[str, str | bytes]:
    return _config('path = "odoosync.db"', f'path = "{path}"')


HISTORY_CASES = [
    Case(
        "history is /dev/null",
        ("export",),
        3,
        "not a regular file",
        files=_history_config("/dev/null"),
    ),
    Case(
        "history /dev/null for logs",
        ("logs",),
        3,
        "not a regular file",
        files=_history_config("/dev/null"),
    ),
    Case(
        "history is a folder",
        ("export",),
        3,
        "a folder",
        prepare=lambda d: (d / "odoosync.db").mkdir(),
    ),
    Case(
        "history of another program",
        ("export",),
        3,
        "not an odoosync history",
        prepare=_other_program,
    ),
    Case(
        "history of another program for stats",
        ("stats",),
        3,
        "not an odoosync history",
        prepare=_other_program,
    ),
    Case(
        "history a text file",
        ("export",),
        3,
        "odoosync.db",
        files={"odoosync.db": "hello, world\n" * 100},
    ),
    Case("history newer schema", ("export",), 3, "newer than this", prepare=_newer_schema),
    Case(
        "history timeout variable",
        ("export",),
        3,
        "ODOOSYNC_HISTORY_TIMEOUT",
        env={"ODOOSYNC_HISTORY_TIMEOUT": "soon"},
    ),
    Case(
        "history path in a file",
        ("export",),
        3,
        "history",
        files={**_history_config("products.csv/odoosync.db")},
    ),
]


CASES = [
    *CONFIG_CASES,
    *MAPPING_CASES,
    *CATALOG_CASES,
    *CRON_CASES,
    *DOMAIN_CASES,
    *SECRET_CASES,
    *HISTORY_CASES,
]


# ------------------------------------------------------------------------------ the harness


@pytest.fixture(autouse=True)
def no_odoosync_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ODOOSYNC_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    with serve(seed="demo") as handle:
        yield handle


@dataclass
class Folder:
    path: Path
    sandbox: SandboxHandle

    def snapshot(self) -> tuple[dict[str, bytes], tuple[int, ...]]:
        """Every file's bytes but the history's (whose pages SQLite may rewrite), and the
        history's runs (a refused run may be recorded as failed, nothing else), log entries and
        links."""
        files = {
            str(p.relative_to(self.path)): p.read_bytes()
            for p in sorted(self.path.rglob("*"))
            if p.is_file() and not p.name.startswith("odoosync.db") and "xdg" not in p.parts
        }
        counts: tuple[int, ...] = (0, 0, 0)  # no history yet, or an empty one
        db = self.path / "odoosync.db"
        if db.is_file():
            try:
                with sqlite3.connect(db) as conn:
                    counts = tuple(
                        conn.execute(f"select count(*) from {table}").fetchone()[0]
                        for table in (
                            "runs where status != 'failed'",
                            "sync_log",
                            "links",
                        )
                    )
            except sqlite3.DatabaseError:
                counts = (-1,)
        return files, counts

    def writes(self) -> dict[str, int]:
        return {
            key: count
            for key, count in self.sandbox.calls().items()
            if key.rsplit(".", 1)[-1] in WRITES
        }


@pytest.fixture
def folder(sandbox: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Folder:
    (tmp_path / "odoosync.toml").write_text(CONFIG.replace("{url}", sandbox.url))
    (tmp_path / "mapping.toml").write_text(MAPPING)
    (tmp_path / "products.csv").write_text(CATALOG)
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ODOOSYNC_PASSWORD", sandbox.admin_api_key)
    return Folder(tmp_path, sandbox)


def _prepare(case: Case, folder: Folder, monkeypatch: pytest.MonkeyPatch) -> None:
    if case.stored_password:
        monkeypatch.delenv("ODOOSYNC_PASSWORD")
        settings = load_settings(folder.path / "odoosync.toml", env={})
        store_password(settings, Secret(folder.sandbox.admin_api_key), env=dict(os.environ))
    for name, content in case.files.items():
        target = folder.path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content.replace("{url}", folder.sandbox.url), encoding="utf-8")
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    if case.prepare is not None:
        case.prepare(folder.path)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_bad_input_is_a_clear_error_that_changes_nothing(
    case: Case,
    folder: Folder,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _prepare(case, folder, monkeypatch)
    capsys.readouterr()
    before, writes = folder.snapshot(), folder.writes()
    code = run(list(case.argv))
    out, err = capsys.readouterr()
    assert code == case.code, (out, err)
    assert case.fragment in err, err
    assert "Traceback" not in out + err
    assert "Internal error" not in out + err
    assert folder.sandbox.admin_api_key not in out + err
    assert folder.writes() == writes, "a refused command changed Odoo"
    assert folder.snapshot() == before, "a refused command changed a file or the history"


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)
