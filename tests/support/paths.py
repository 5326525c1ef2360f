"""Where the project's own files are, for tests that read them (README, docs, examples)."""

from __future__ import annotations

from pathlib import Path

#: the project's root: the folder holding pyproject.toml, README.md and tests/
ROOT = Path(__file__).resolve().parents[2]
#: the example catalog, mappings and configs the README points to
EXAMPLES = ROOT / "examples"
