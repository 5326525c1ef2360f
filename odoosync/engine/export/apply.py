"""Apply one chunk's export plan: creates with ``load`` (external ids in the same transaction),
external ids for products linked by barcode, updates grouped into ``write`` or ``load`` calls.

Failures stay per product: a rejected batch is split to isolate the failing rows
(:mod:`odoosync.engine.batching`); a create whose response was lost is checked by external id
before anything is sent again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from odoosync.engine.batching import BatchOutcome, RowFailure, load_isolating, write_isolating
from odoosync.engine.export.plan import ProductPlan
from odoosync.engine.export.stored import UNKNOWN, as_stored
from odoosync.engine.identity import external_id_name
from odoosync.engine.result import ProductOutcome
from odoosync.errors import OdooError, OdooFault, OdooUnreachable
from odoosync.history.records import Link
from odoosync.mapping.rows import digest_of_hashes, odoo_values_digest
from odoosync.odoo.client import OdooClient
from odoosync.transforms import tax_ids

if TYPE_CHECKING:
    from odoosync.engine.export.state import ExportRun
    from odoosync.engine.odoo_side import OdooSide

PRODUCT_MODEL = "product.template"


# --------------------------------------------------------------------------------------------
# values in load's import form


def import_column(name: str, field_type: str | None) -> str:
    """The ``load`` column of a field: relational fields by database id (``categ_id/.id``)."""
    if field_type in ("many2one", "many2many", "one2many"):
        return f"{name}/.id"
    return name


def import_cell(value: Any, field_type: str | None) -> str:
    """A value as ``load`` reads it (ir.fields.converter): strings; empty means False."""
    if value is None or value is False:
        return ""
    if field_type == "many2one":
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        return str(int(value)) if value != "" else ""
    if field_type in ("many2many", "one2many"):
        ids = tax_ids(value) if isinstance(value, list | tuple) else [int(value)]
        return ",".join(str(i) for i in ids)
    if field_type == "boolean" or isinstance(value, bool):
        return "1" if value else "0"
    if field_type == "integer" and isinstance(value, float) and value.is_integer():
        return str(int(value))  # load refuses "3.0" for an integer field
    if isinstance(value, float):
        return repr(value)
    return str(value)


# --------------------------------------------------------------------------------------------
# the chunk


@dataclass
class Applied:
    """A chunk's outcomes (in plan order) and links; ``unreachable``: Odoo stopped answering
    part-way (what landed before is in ``outcomes`` and ``links``, the rest failed with
    ``TRANSPORT_ERROR``)."""

    outcomes: list[ProductOutcome]
    links: list[Link]
    unreachable: bool = False


def unreachable_outcome(
    key: str, exc: OdooUnreachable, odoo_id: int | None = None
) -> ProductOutcome:
    """A product not sent (or not known to have landed) because Odoo could not be reached;
    ``odoo_id``: the product it was to update."""
    return ProductOutcome(
        key,
        "error",
        odoo_product_id=odoo_id,
        error_message=f"Odoo unreachable: {exc.message}",
        error_details={"odoo_error_code": "TRANSPORT_ERROR", "odoo_message": exc.odoo_message},
    )


def apply_plans(
    run: ExportRun,
    client: OdooClient,
    plans: list[ProductPlan],
    known: Mapping[str, Link] | None = None,
    current: Mapping[int, Mapping[str, Any]] | None = None,
) -> Applied:
    """Send the chunk's creates and updates; returns outcomes (in plan order) and the links.

    An Odoo that stops answering part-way does not lose what landed before: those products
    keep their outcome and link, the others fail with ``TRANSPORT_ERROR``.

    ``known``: the chunk's history links as its look-up read them (key -> link); without it
    they are read again, in one query. ``current``: the Odoo values the look-up read (odoo id ->
    values), so the links' Odoo hashes need not read back what was just sent."""
    if known is None:
        known = run.history.links(run.handle.profile, [p.key for p in plans if p.mapped])
    outcomes: dict[int, ProductOutcome] = {}
    links: list[Link] = []
    creates = [i for i, p in enumerate(plans) if p.action == "create"]
    updates = [i for i, p in enumerate(plans) if p.action == "update"]
    for i, plan in enumerate(plans):
        if plan.action in ("error", "skip"):
            outcomes[i] = _outcome(plan, plan.action)
        elif plan.action == "unchanged":
            outcomes[i] = _outcome(plan, "unchanged")
            outcomes[i].fields_synced = []
            if plan.refresh_link:
                links.append(_link(run, plan, known.get(plan.key)))
    unreachable = False
    try:
        _external_ids(run, client, [plans[i] for i in updates if plans[i].needs_external_id])
        _external_ids(
            run, client, [p for p in plans if p.action == "unchanged" and p.needs_external_id]
        )

        groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i in creates:
            groups[tuple(plans[i].fields)].append(i)
        for fields, members in groups.items():
            _create_group(run, client, plans, list(fields), members, outcomes)

        outcomes.update(update_plans(run.side, client, plans, updates, batch_size=len(plans) or 1))
    except OdooUnreachable as exc:
        unreachable = True
        for i, plan in enumerate(plans):
            if i not in outcomes:
                outcomes[i] = unreachable_outcome(plan.key, exc, plan.odoo_id)

    with suppress(OdooError):  # else the failures keep their details without existing_product_id
        _resolve_existing(client, outcomes.values())
    for i, plan in enumerate(plans):
        outcome = outcomes[i]
        if outcome.action in ("create", "update"):
            plan.odoo_id = outcome.odoo_product_id
            links.append(_link(run, plan, known.get(plan.key)))
    stamp_links(
        client,
        run.odoo_fields,
        links,
        known=_known_values(plans, current or {}),
        field_types={name: run.side.field_type(name) for name in run.odoo_fields},
        field_scales={name: run.side.field_scale(name) for name in run.odoo_fields},
    )
    return Applied([outcomes[i] for i in range(len(plans))], links, unreachable)


#: field types whose stored value can follow from what ``load``/``write`` sent
#: (:func:`~odoosync.engine.export.stored.as_stored`: carriage returns become line feeds, numbers
#: sent to text become text, a float with no more decimals than its digits stays as sent...), so
#: a read would tell nothing new. Not html (sanitised), dates (formatted), binaries (images are
#: re-encoded), monetary (rounded by currency): those are read back, as a float that Odoo rounds.
STORED_AS_SENT = frozenset(
    {"char", "text", "boolean", "integer", "selection", "many2one", "many2many", "float"}
)


def stamp_links(
    client: OdooClient,
    odoo_fields: Sequence[str],
    links: Sequence[Link],
    *,
    known: Mapping[int, Mapping[str, Any]] | None = None,
    field_types: Mapping[str, str | None] | None = None,
    field_scales: Mapping[str, int | None] | None = None,
) -> None:
    """Give each link the Odoo side as it is after the writes: the digest of the bidirectional
    fields (``odoo_values_digest``, as import and two-way sync compute it from a read) and
    ``write_date``.

    ``known``: odoo id -> the values Odoo holds as far as this run knows them (what it read
    before, with what it just sent over them); the fields of a type in :data:`STORED_AS_SENT`
    are hashed from those as Odoo stores them (:func:`as_stored`; ``field_scales``: the floats'
    digits), not read again. When a field's stored form is unknown (a float Odoo rounds, html...),
    one ``read`` for all the links, of ``write_date`` and those fields; an error leaves them
    without (two-way sync then re-links by comparing values). When every field is known, nothing
    is read and the links keep no ``write_date``: two-way sync decides by hash, never by
    ``write_date``, and import re-stamps a link it sees unchanged. Over XML-RPC that read was
    the call after a create, which re-hashes the password (~0.4 s on Odoo 17)."""
    ids = sorted({link.odoo_id for link in links})
    if not ids:
        return
    types = field_types or {}
    stored: dict[int, dict[str, Any]] = {odoo_id: {} for odoo_id in ids}
    read_back: list[str] = []
    for name in odoo_fields:
        field_type = types.get(name)
        if field_type not in STORED_AS_SENT:
            read_back.append(name)
            continue
        for odoo_id in ids:
            held = (known or {}).get(odoo_id, {})
            scale = (field_scales or {}).get(name)
            value = as_stored(held[name], field_type, scale) if name in held else UNKNOWN
            if value is UNKNOWN:
                read_back.append(name)
                break
            stored[odoo_id][name] = value
    if not read_back:
        for link in links:
            link.odoo_hash = odoo_values_digest(dict(stored[link.odoo_id]))
            link.odoo_write_date = None
        return
    try:
        records = client.execute(
            PRODUCT_MODEL,
            "read",
            ids,
            ["write_date", *read_back],
            context={"active_test": False},
        )
    except OdooError:
        return
    by_id = {int(r["id"]): r for r in records}
    for link in links:
        record = by_id.get(link.odoo_id)
        if record is None:
            continue
        sent = stored[link.odoo_id]
        link.odoo_hash = odoo_values_digest(
            {name: record[name] if name in read_back else sent[name] for name in odoo_fields}
        )
        link.odoo_write_date = str(record["write_date"]) if record.get("write_date") else None


def _known_values(
    plans: Sequence[ProductPlan], current: Mapping[int, Mapping[str, Any]]
) -> dict[int, dict[str, Any]]:
    """odoo id -> its values as Odoo holds them now: as read before the chunk's writes, with
    the values this chunk sent (creates: all they sent) over them."""
    known: dict[int, dict[str, Any]] = {}
    for plan in plans:
        if plan.odoo_id is None or plan.mapped is None:
            continue
        values = dict(current.get(plan.odoo_id) or {}) if plan.action != "create" else {}
        if plan.action in ("create", "update"):
            values.update(plan.values())
        known[plan.odoo_id] = values
    return known


def _outcome(plan: ProductPlan, action: str) -> ProductOutcome:
    return ProductOutcome(
        product_id=plan.key,
        action=action,
        odoo_product_id=plan.odoo_id,
        fields_synced=list(plan.fields),
        error_message=plan.error_message,
        error_details=plan.error_details,
        note=plan.note,
    )


def _failed(plan: ProductPlan, failure: RowFailure) -> ProductOutcome:
    outcome = _outcome(plan, "error")
    details = {k: v for k, v in failure.details.items() if k != "products"}
    outcome.error_message = failure.message
    outcome.error_details = details
    outcome.fields_synced = []
    return outcome


def _link(run: ExportRun, plan: ProductPlan, old: Link | None) -> Link:
    """The product's new link; ``old`` is its link before this run's change, if any."""
    mapped = plan.mapped
    assert mapped is not None and plan.odoo_id is not None
    hashes = dict(old.field_hashes) if old is not None and old.odoo_id == plan.odoo_id else {}
    hashes.update(mapped.hashes)
    return Link(
        key=plan.key,
        odoo_id=plan.odoo_id,
        external_id=run.xml_id(plan.key),
        local_hash=digest_of_hashes(hashes) if hashes != mapped.hashes else mapped.digest,
        field_hashes=hashes,
    )


# --------------------------------------------------------------------------------------------
# external ids for products linked by barcode


def _external_ids(run: ExportRun, client: OdooClient, plans: Sequence[ProductPlan]) -> None:
    if not plans:
        return
    values = [
        {
            "module": run.module,
            "name": external_id_name(p.key),
            "model": PRODUCT_MODEL,
            "res_id": p.odoo_id,
        }
        for p in plans
    ]
    try:
        client.create("ir.model.data", values)
    except OdooFault:
        # one of them exists already (a stale id): create them one by one, skip the clashes
        for value in values:
            try:
                client.create("ir.model.data", [value])
            except OdooFault:
                continue


# --------------------------------------------------------------------------------------------
# creates


def _create_group(
    run: ExportRun,
    client: OdooClient,
    plans: list[ProductPlan],
    fields: list[str],
    members: list[int],
    outcomes: dict[int, ProductOutcome],
) -> None:
    types = {name: run.side.field_type(name) for name in fields}
    columns = ["id", *(import_column(name, types[name]) for name in fields)]

    def rows_for(indexes: Sequence[int]) -> list[list[str]]:
        rows = []
        for i in indexes:
            mapped = plans[i].mapped
            assert mapped is not None
            rows.append(
                [run.xml_id(plans[i].key)]
                + [import_cell(mapped.values[name], types[name]) for name in fields]
            )
        return rows

    pending = list(members)
    for attempt in range(2):
        try:
            batch = load_isolating(client, PRODUCT_MODEL, columns, rows_for(pending))
        except OdooUnreachable as exc:
            # the lost answer may have committed, and parts of a split batch may have landed
            # before: what exists by external id is created, whatever the error
            try:
                landed = _landed(run, client, [plans[i].key for i in pending])
            except OdooError:
                raise exc from None
            for i in pending:
                if plans[i].key in landed:
                    plans[i].odoo_id = landed[plans[i].key]
                    outcomes[i] = _outcome(plans[i], "create")
            pending = [i for i in pending if plans[i].key not in landed]
            if not pending:
                return
            if not getattr(exc, "maybe_committed", False) or attempt == 1:
                raise
            continue
        _take(plans, pending, batch, outcomes, "create")
        return


def _landed(run: ExportRun, client: OdooClient, keys: Sequence[str]) -> dict[str, int]:
    """The keys whose external id exists in Odoo (their create landed), with their ids."""
    names = {external_id_name(k): k for k in keys}
    found: dict[str, int] = {}
    for row in client.search_read(
        "ir.model.data",
        [("module", "=", run.module), ("name", "in", list(names)), ("model", "=", PRODUCT_MODEL)],
        ["name", "res_id"],
    ):
        if row["name"] in names:
            found[names[row["name"]]] = int(row["res_id"])
    if found:  # a stale external id (deleted product) does not count as landed
        alive = {
            int(r["id"])
            for r in client.execute(
                PRODUCT_MODEL,
                "read",
                sorted(found.values()),
                ["id"],
                context={"active_test": False},
            )
        }
        found = {k: v for k, v in found.items() if v in alive}
    return found


def _take(
    plans: list[ProductPlan],
    indexes: list[int],
    batch: BatchOutcome,
    outcomes: dict[int, ProductOutcome],
    action: str,
) -> None:
    for position, i in enumerate(indexes):
        if position in batch.ids:
            plans[i].odoo_id = batch.ids[position]
            outcomes[i] = _outcome(plans[i], action)
        else:
            failure = batch.failures.get(position) or RowFailure(
                "Odoo did not apply this product.", {"odoo_error_code": "VALIDATION_ERROR"}
            )
            outcomes[i] = _failed(plans[i], failure)


# --------------------------------------------------------------------------------------------
# updates


def update_plans(
    side: OdooSide,
    client: OdooClient,
    plans: list[ProductPlan],
    indexes: Sequence[int],
    *,
    batch_size: int,
) -> dict[int, ProductOutcome]:
    """Send the updates ``plans[i]`` (``i`` in ``indexes``; each its ``fields``, its ``odoo_id``)
    grouped by the fields they send, at most ``batch_size`` products per call; returns each
    one's outcome (``update`` or ``error``), by index. Export and two-way sync's pushes share it.
    """
    outcomes: dict[int, ProductOutcome] = {}
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i in indexes:
        groups[tuple(plans[i].fields)].append(i)
    size = max(1, batch_size)
    for fields, members in groups.items():
        for start in range(0, len(members), size):
            part = members[start : start + size]
            _update_group(side, client, plans, list(fields), part, outcomes)
    return outcomes


def _update_group(
    side: OdooSide,
    client: OdooClient,
    plans: list[ProductPlan],
    fields: list[str],
    members: list[int],
    outcomes: dict[int, ProductOutcome],
) -> None:
    """One ``write`` when every member gets the same values, else one ``load`` by ``.id``."""
    distinct = {_canonical(plans[i].values()) for i in members}
    if len(distinct) == 1:
        ids = [int(plans[i].odoo_id or 0) for i in members]
        batch = write_isolating(client, PRODUCT_MODEL, ids, plans[members[0]].values())
        _take(plans, members, batch, outcomes, "update")
        return
    types = {name: side.field_type(name) for name in fields}
    columns = [".id", *(import_column(name, types[name]) for name in fields)]
    rows = []
    for i in members:
        values = plans[i].values()
        rows.append(
            [str(plans[i].odoo_id)] + [import_cell(values[name], types[name]) for name in fields]
        )
    batch = load_isolating(client, PRODUCT_MODEL, columns, rows)
    _take(plans, members, batch, outcomes, "update")


def _canonical(values: Mapping[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, default=str)


# --------------------------------------------------------------------------------------------
# error details


def _resolve_existing(client: OdooClient, outcomes: Any) -> None:
    """UNIQUE_VIOLATION: ``existing_product_id`` by one search on the barcodes involved."""
    wanted = [
        o
        for o in outcomes
        if o.action == "error"
        and o.error_details
        and o.error_details.get("odoo_error_code") == "UNIQUE_VIOLATION"
        and o.error_details.get("value")
        and not o.error_details.get("existing_product_id")
    ]
    if not wanted:
        return
    barcodes = sorted({str(o.error_details["value"]) for o in wanted})
    found: dict[str, int] = {}
    for row in client.search_read(
        PRODUCT_MODEL, [("barcode", "in", barcodes)], ["id", "barcode"], order="id"
    ):
        found.setdefault(str(row["barcode"]), int(row["id"]))
    for o in wanted:
        o.error_details["existing_product_id"] = found.get(str(o.error_details["value"]))


__all__ = [
    "Applied",
    "apply_plans",
    "import_cell",
    "import_column",
    "stamp_links",
    "unreachable_outcome",
    "update_plans",
]
