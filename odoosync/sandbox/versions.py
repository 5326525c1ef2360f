"""Odoo version strings as the server reports them (``server_version_info``)."""

from __future__ import annotations

import re
from typing import Any


def version_info(version: str) -> list[Any]:
    """``server_version_info`` as a 6-element list (odoo-facts §1.2)."""
    match = re.match(r"^(saas~)?(\d+)\.(\d+)(\+e)?", version)
    if not match:
        return [version, 0, 0, "final", 0, ""]
    major: Any = f"saas~{match.group(2)}" if match.group(1) else int(match.group(2))
    return [major, int(match.group(3)), 0, "final", 0, match.group(4) or ""]


def major_of(version: str) -> int:
    match = re.search(r"(\d+)", version)
    return int(match.group(1)) if match else 17
