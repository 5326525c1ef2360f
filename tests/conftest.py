"""Shared fixtures. Tests run the CLI in-process (``odoosync.cli.run``) or as a subprocess."""

from __future__ import annotations
