"""Formula neutralisation for CSV catalogs (CWE-1236, "CSV injection").

Text from Odoo such as ``=HYPERLINK("http://evil", "click")`` or ``=cmd|' /C calc'!A0`` would
run as a formula when the CSV catalog is opened in a spreadsheet. With
``[catalog] neutralise_formulas = true`` (the default for CSV) a written text value that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, the prefix
spreadsheets read as "this is text"; reading the catalog removes it again, so an import
followed by an export sends Odoo exactly what it had.

To keep that round trip exact for every value, a value that already starts with ``'``\\s
followed by such a character gets one more ``'`` (and reading removes one): writing and reading
are inverse on every string. Numbers are never touched (``-5`` written for a price stays
``-5``); only text values are.
"""

from __future__ import annotations

import re
from typing import Any

#: a value a spreadsheet would read as a formula (or that reads as a neutralised one)
_TRIGGER = re.compile(r"^'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"^'+[=+\-@\t\r]")


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and _TRIGGER.match(value):
        return "'" + value
    return value


def restore(text: str) -> str:
    """The inverse of :func:`neutralise` for a cell read back: one leading ``'`` removed."""
    if _NEUTRALISED.match(text):
        return text[1:]
    return text
