"""Export's look-ups: the external ids of products, and what a chunk's plan needs of Odoo.

:func:`lookup` finds, for one
chunk of mapped rows, the links, the products matched by external id and by barcode (and the keys
those are linked to), and the current values of every one of them (archived included) — but
for products whose mapped values are what was last pushed (their plan is ``unchanged`` whatever
Odoo holds), only whether they still exist: one ``search`` by id, no values read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from odoosync.engine.export.plan import Matches
from odoosync.engine.identity import external_id_name, key_of_name, legacy_external_id_name
from odoosync.engine.odoo_side import PRODUCT_MODEL
from odoosync.history.records import Link
from odoosync.mapping.rows import MappedProduct
from odoosync.odoo.client import OdooClient

if TYPE_CHECKING:
    from odoosync.engine.export.state import ExportRun


def lookup(run: ExportRun, client: OdooClient, mapped: Sequence[MappedProduct]) -> Matches:
    """What export's plan needs of a chunk: its links, the products matched by external id and
    by barcode (and who those are linked to), and the current values of all of them."""
    profile = run.handle.profile
    by_key = {m.key: m for m in mapped if m.error is None}
    keys = list(by_key)
    links = run.history.links(profile, keys) if keys else {}
    unlinked = [k for k in keys if k not in links]
    external: dict[str, int] = {}
    collisions: dict[int, str] = {}
    renamed = {k for k, link in links.items() if _renamed(run, k, link.external_id)}
    if unlinked and "external_id" in run.settings.sync.match_on:
        external, legacy = _by_external_id(run, client, unlinked)
        owners = run.history.keys_by_odoo_id(profile, set(external.values()))
        for key in legacy:  # an older name of a product linked to another key: not this one's
            if owners.get(external[key], key) != key:
                del external[key]
        renamed |= legacy & set(external)
        # today's name of a product linked to another key: a collision, the plan's error
        matched = set(external.values())
        collisions = {i: k for i, k in owners.items() if i in matched}
    barcodes: dict[str, int] = {}
    linked_keys: dict[int, str] = {}
    if run.barcode_field and "barcode" in run.settings.sync.match_on:
        wanted = [
            str(m.values["barcode"])
            for m in mapped
            if m.error is None
            and m.key not in links
            and m.key not in external
            and m.values.get("barcode")
        ]
        if wanted:
            for row in client.search_read(
                PRODUCT_MODEL, [("barcode", "in", wanted)], ["id", "barcode"]
            ):
                barcodes.setdefault(str(row["barcode"]), int(row["id"]))
        if barcodes:
            linked_keys = _owners(run, client, sorted(set(barcodes.values())))
    force = run.options.force_update
    quiet = {link.odoo_id for k, link in links.items() if not force and _quiet(by_key[k], link)}
    ids = sorted(
        {link.odoo_id for link in links.values() if link.odoo_id not in quiet}
        | set(external.values())
        | set(barcodes.values())
    )
    values: dict[int, Mapping[str, Any]] = {}
    if quiet:  # unchanged since last pushed: only whether they still exist (deleted: re-created)
        for odoo_id in client.execute(
            PRODUCT_MODEL,
            "search",
            [("id", "in", sorted(quiet))],
            context={"active_test": False},
        ):
            values[int(odoo_id)] = {}
    if ids:
        for record in client.execute(
            PRODUCT_MODEL,
            "read",
            ids,
            ["id", *run.compare_fields()],
            context={"active_test": False},
        ):
            values[int(record["id"])] = record
    return Matches(
        links=links,
        external_ids=external,
        barcodes=barcodes,
        linked_keys={**collisions, **linked_keys},
        odoo_values=values,
        renamed=frozenset(renamed),
    )


def _quiet(product: MappedProduct, link: Link) -> bool:
    """The product's mapped values are what was last pushed (SPEC §3 "Unchanged is free"): its
    plan is ``unchanged`` whatever Odoo holds, so its Odoo values need not be read."""
    if product.digest != link.local_hash:
        return False
    hashes = link.field_hashes
    return not hashes or all(product.hashes[f] == hashes.get(f) for f in product.fields)


def _renamed(run: ExportRun, key: str, external_id: str | None) -> bool:
    """A link whose external id is not the product's name today (an older version's): the
    run adds today's, so look-ups by external id keep finding it."""
    return external_id is not None and external_id != run.xml_id(key)


def _by_external_id(
    run: ExportRun, client: OdooClient, keys: Sequence[str]
) -> tuple[dict[str, int], set[str]]:
    """``({key: template id}, keys found by an older version's name)``: one ``search_read``.

    An older version's name is lossy (``A 1`` and ``A/1`` were both ``product_A_1``): it counts
    for a key only when no other key of the chunk could own it (the plain key it spells, or
    another key with the same old name)."""
    names = {external_id_name(k): k for k in keys}
    olds: dict[str, list[str]] = {}
    for k in keys:
        old = legacy_external_id_name(k)
        if old is not None:
            olds.setdefault(old, []).append(k)
    found: dict[str, int] = {}
    legacy: dict[str, int] = {}
    for row in client.search_read(
        "ir.model.data",
        [
            ("module", "=", run.module),
            ("name", "in", sorted(set(names) | set(olds))),
            ("model", "=", PRODUCT_MODEL),
        ],
        ["name", "res_id"],
    ):
        name = str(row["name"])
        if name in names:
            found[names[name]] = int(row["res_id"])
        owners = olds.get(name, [])
        if len(owners) == 1 and name not in names:
            legacy[owners[0]] = int(row["res_id"])
    taken = set(found.values())
    for k, odoo_id in legacy.items():
        if k not in found and odoo_id not in taken:
            found[k] = odoo_id
    return found, {k for k in legacy if found.get(k) == legacy[k]}


def _owners(run: ExportRun, client: OdooClient, ids: list[int]) -> dict[int, str]:
    """product.template id -> the local key it is linked to (our external ids, the history)."""
    owners: dict[int, str] = {}
    for row in client.search_read(
        "ir.model.data",
        [("module", "=", run.module), ("model", "=", PRODUCT_MODEL), ("res_id", "in", ids)],
        ["name", "res_id"],
    ):
        key = key_of_name(str(row["name"]))
        if key is not None:
            owners[int(row["res_id"])] = key
    owners.update(run.history.keys_by_odoo_id(run.handle.profile, ids))
    return owners
