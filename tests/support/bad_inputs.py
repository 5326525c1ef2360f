"""What the bad-input tests share: a project config that never retries (a refused input fails at
once), with ``{url}`` to fill in, and a checked text substitution to spoil one line of it."""

from __future__ import annotations

NO_RETRY_CONFIG = """\
default_profile = "production"

[profiles.production]
name = "Production"
url = "{url}"
database = "odoosync"
username = "admin"
timeout = 10

[catalog]
path = "products.csv"

[mapping]
path = "mapping.toml"

[history]
path = "odoosync.db"

[sync]
max_retries = 0
max_retry_wait = 0
"""


def sub(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced by ``new``; fails when ``old`` is not there (a case that
    spoils nothing would pass for the wrong reason)."""
    assert old in text, old
    return text.replace(old, new)
