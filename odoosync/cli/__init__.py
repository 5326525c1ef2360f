"""The command line: the only package that imports typer or rich.

``run(argv)`` is the whole program without ``sys.exit`` (tests call it); ``main()`` exits with its
code. Exceptions become exit codes in :func:`odoosync.errors.exit_code_for`, nowhere else.
"""

from __future__ import annotations

# importing a command module registers its commands on the app
from odoosync.cli import config as _config  # noqa: F401
from odoosync.cli import connection as _connection  # noqa: F401
from odoosync.cli import demo as _demo  # noqa: F401
from odoosync.cli import export as _export  # noqa: F401
from odoosync.cli import history as _history  # noqa: F401
from odoosync.cli import imports as _imports  # noqa: F401
from odoosync.cli import mappings as _mappings  # noqa: F401
from odoosync.cli import sandbox as _sandbox  # noqa: F401
from odoosync.cli import schedule as _schedule  # noqa: F401
from odoosync.cli import sync as _sync  # noqa: F401
from odoosync.cli.app import app
from odoosync.cli.main import hoist_flags, main, run

__all__ = ["app", "hoist_flags", "main", "run"]
