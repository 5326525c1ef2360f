"""Two-way sync's pass over the catalog: each linked row, mapped, into a store by key.

:func:`index_linked` reads the catalog once and puts every row that has a link, with its mapped
values, into a temporary key → row store (:class:`odoosync.catalog.spool.PickleSpool`); it returns
the keys without a link (export's, later in the run) and the linked rows that do not map.
:func:`sort_unmappable` sorts those out: a row that holds what Odoo holds, or was not edited since
the last sync, is kept as *unmappable* (only pulls apply to it); the others are product errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from odoosync.catalog.base import Catalog, catalog_key
from odoosync.catalog.spool import PickleSpool
from odoosync.engine.imports.catalog import iter_catalog
from odoosync.engine.odoo_side import OdooSide
from odoosync.engine.travel import Travel, unmap
from odoosync.history.records import Link
from odoosync.history.store import History
from odoosync.mapping.model import MappingConfig
from odoosync.mapping.rows import MappedProduct, map_row
from odoosync.transforms import TransformError

#: the local digest of a row that does not map but equals Odoo: "unchanged" to the plan
UNMAPPABLE = "unmappable, as in Odoo"


@dataclass
class Local:
    """What the run keeps of one linked catalog row."""

    row: dict[str, Any]
    mapped: MappedProduct
    #: the row does not map to Odoo values (a value Odoo accepts and a transform refuses, such
    #: as a barcode with a wrong check digit) but holds what Odoo holds: only pulls apply to it
    unmappable: bool = False


def row_digest(travel: Travel, row: Mapping[str, Any]) -> str:
    """The link's local hash for a row that does not map: its travelling fields."""
    return "row:" + travel.local_digest(row)


def index_linked(
    catalog: Catalog,
    history: History,
    profile: str,
    mapping: MappingConfig,
    side: OdooSide,
    *,
    wanted: set[str],
    rows: PickleSpool[Local],
    chunk: int,
) -> tuple[list[str], list[tuple[Link, Local]]]:
    """One pass over the catalog: each linked row that maps, mapped, into ``rows`` (by key),
    the links looked up ``chunk`` keys at a time. Returns the unlinked keys and the linked rows
    that do not map (in catalog order), for :func:`sort_unmappable`."""
    unlinked: list[str] = []
    pending: list[tuple[str, dict[str, Any]]] = []
    errors: list[tuple[Link, Local]] = []

    def index(pending: list[tuple[str, dict[str, Any]]]) -> None:
        links = history.links(profile, [key for key, _row in pending])
        for key, row in pending:
            link = links.get(key)
            if link is None:
                unlinked.append(key)
                continue
            mapped = map_row(row, mapping, side.transform, key_field=catalog.key)
            if mapped.error is None:
                rows.put(key, Local(row, mapped))
            else:
                errors.append((link, Local(row, mapped)))

    for row in iter_catalog(catalog):
        key = catalog_key(row.get(catalog.key))
        if wanted and key not in wanted:
            continue
        pending.append((key, row))
        if len(pending) >= chunk:
            index(pending)
            pending = []
    index(pending)
    return unlinked, errors


def sort_unmappable(
    errors: list[tuple[Link, Local]],
    rows: PickleSpool[Local],
    mapping: MappingConfig,
    side: OdooSide,
    travel: Travel,
    read_linked: Callable[[list[int]], dict[int, dict[str, Any]]],
) -> list[tuple[Link, Local]]:
    """Rows that do not map: unmappable (as Odoo holds them, or not edited since the last
    sync: only pulls apply) go into ``rows``; returns the others, product errors, in order."""
    edited = [link.odoo_id for link, local in errors
              if link.local_hash != row_digest(travel, local.row)]  # fmt: skip
    records = read_linked(edited) if edited else {}
    failed: list[tuple[Link, Local]] = []
    for link, local in errors:
        assert local.mapped.error is not None
        if link.local_hash == row_digest(travel, local.row) or _as_in_odoo(
            local.row, records.get(link.odoo_id), mapping, side, travel
        ):
            local.unmappable = True  # pulled as Odoo holds it, not edited since: not pushed
            rows.put(link.key, local)
            continue
        failed.append((link, local))
    return failed


def _as_in_odoo(
    row: Mapping[str, Any],
    record: Mapping[str, Any] | None,
    mapping: MappingConfig,
    side: OdooSide,
    travel: Travel,
) -> bool:
    """The row's travelling fields equal the Odoo record's, in the catalog's form."""
    if record is None:
        return False
    try:
        odoo = unmap(record, mapping, side.transform, travel)
    except TransformError:
        return False
    return travel.local_digest(row) == travel.local_digest(odoo)
