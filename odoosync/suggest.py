""" "Did you mean ...?" hints for messages that name a bad key, field or column."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The choice closest to ``word``, or None when none is close enough (difflib ratio)."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str:
    """`` (did you mean 'x'?)`` for the choice closest to ``word``, or "" when none is close."""
    close = closest(word, choices, cutoff=cutoff)
    return "" if close is None else f" (did you mean '{close}'?)"
