"""A sandbox per test, as Odoo 17.0 and as 19.0, called with plain ``xmlrpc.client``.

The conformance tests of this folder replay /work/shared/odoo-variants-stock-observations.md
("obs #n" in their docstrings): the answers and faults the real servers gave.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from catalog_rpc import Odoo

from odoosync.sandbox import serve


@pytest.fixture(params=["17.0", "19.0"])
def odoo(request: pytest.FixtureRequest) -> Iterator[Odoo]:
    with serve(seed="empty", odoo_version=request.param) as sb:
        yield Odoo(sb.url, sb.database, request.param)
