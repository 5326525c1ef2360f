"""Commands: history (to be filled in)."""

from __future__ import annotations
