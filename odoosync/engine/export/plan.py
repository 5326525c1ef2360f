"""The export plan: pure. Mapped products + what is known about Odoo → one ``ProductPlan`` each.

No I/O here: the caller looks up links (history), external ids and barcodes (Odoo) and the
current Odoo values of linked products, and passes them in as :class:`Matches`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from odoosync.history.records import Link
from odoosync.mapping.rows import MappedProduct, field_hash
from odoosync.transforms import ImageFile

#: how a product found its Odoo twin
VIA_HISTORY, VIA_EXTERNAL_ID, VIA_BARCODE = "history", "external_id", "barcode"


@dataclass
class ProductPlan:
    """What to do with one product: ``create``, ``update``, ``unchanged``, ``error`` or ``skip``."""

    key: str
    action: str
    mapped: MappedProduct | None = None
    odoo_id: int | None = None
    #: Odoo fields to send (create: all mapped; update: the changed ones), in priority order
    fields: list[str] = field(default_factory=list)
    #: {field: [odoo_value, new_value]} (odoo_value None when unknown or for creates)
    changes: dict[str, list[Any]] = field(default_factory=dict)
    via: str | None = None
    #: linked by barcode: the external id must be created in Odoo
    needs_external_id: bool = False
    #: the linked record was deleted in Odoo: re-created
    recreate: bool = False
    #: the history link must be (re)written even though nothing is sent
    refresh_link: bool = False
    error_message: str | None = None
    error_details: dict[str, Any] | None = None
    note: str | None = None

    def values(self) -> dict[str, Any]:
        """The values to send: the planned fields only."""
        assert self.mapped is not None
        return {name: self.mapped.values[name] for name in self.fields}


@dataclass(frozen=True)
class Matches:
    """What the caller found out about one chunk of products."""

    #: key -> history link (this profile)
    links: Mapping[str, Link] = field(default_factory=dict)
    #: key -> product.template id found by external id <module>.product_<key>
    external_ids: Mapping[str, int] = field(default_factory=dict)
    #: barcode -> active product.template id
    barcodes: Mapping[str, int] = field(default_factory=dict)
    #: product.template id -> the local key it is linked to (history or external id)
    linked_keys: Mapping[int, str] = field(default_factory=dict)
    #: product.template id -> current values (read); a linked id absent here was deleted.
    #: ``None``: existence unknown (not looked up): linked records are trusted.
    odoo_values: Mapping[int, Mapping[str, Any]] | None = None
    #: keys whose Odoo product has an older version's external id name only (found by it, or
    #: linked with it): the plan adds today's name
    renamed: frozenset[str] = frozenset()


def _is_image(name: str) -> bool:
    return name.startswith("image_")


def _empty_image(name: str, value: Any) -> bool:
    """An image field without an image (a new Odoo product has none: nothing to send)."""
    return _is_image(name) and value in (None, False, "")


def _shown(name: str, value: Any) -> Any:
    """A value as the plan shows it: many2one as its id, images abbreviated, False as None."""
    if value is False or value is None:
        return None
    if _is_image(name) and isinstance(value, str):
        return f"<image {len(value) * 3 // 4} bytes>"
    if isinstance(value, ImageFile):  # not read: the same size shown
        return f"<image {value.shown_size()} bytes>"
    if isinstance(value, list | tuple):
        if len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
            return value[0]
        if value and all(isinstance(v, list | tuple) for v in value):  # x2many commands
            ids: list[Any] = []
            for command in value:
                if command and command[0] == 6:
                    ids = list(command[2])
            return sorted(ids)
        return sorted(value) if all(isinstance(v, int) for v in value) else list(value)
    return value


def _error(mapped: MappedProduct) -> ProductPlan:
    error = mapped.error
    assert error is not None
    return ProductPlan(
        key=mapped.key or "",
        action="error",
        mapped=mapped,
        error_message=error.message,
        error_details=error.details(),
    )


def plan_products(
    products: Sequence[MappedProduct],
    matches: Matches,
    *,
    force_update: bool = False,
    barcode_field: str = "barcode",
    match_on: Sequence[str] = ("external_id", "barcode"),
    compare: Callable[[str], bool] = lambda name: not _is_image(name),
) -> list[ProductPlan]:
    """One plan per product, in order. ``compare(field)`` says whether a field's Odoo value can
    be compared with the local one (images cannot: Odoo stores them resized)."""
    plans: list[ProductPlan] = []
    claimed: dict[int, str] = {}  # odoo id -> key, within this chunk
    for mapped in products:
        if mapped.error is not None:
            plans.append(_error(mapped))
            continue
        plans.append(_plan_one(mapped, matches, claimed, force_update, barcode_field, match_on))
        plan = plans[-1]
        if plan.action != "error" and plan.odoo_id is not None:
            claimed[plan.odoo_id] = mapped.key
    for plan in plans:
        if plan.action in ("update", "unchanged") and plan.mapped is not None:
            _diff(plan, matches, force_update, compare)
    return plans


def _plan_one(
    mapped: MappedProduct,
    matches: Matches,
    claimed: dict[int, str],
    force_update: bool,
    barcode_field: str,
    match_on: Sequence[str],
) -> ProductPlan:
    key = mapped.key
    known = matches.odoo_values

    def exists(odoo_id: int) -> bool:
        return known is None or odoo_id in known

    link = matches.links.get(key)
    recreate = False
    renamed = key in matches.renamed
    if link is not None:
        if exists(link.odoo_id):
            plan = ProductPlan(key, "update", mapped, odoo_id=link.odoo_id, via=VIA_HISTORY)
            plan.needs_external_id = plan.refresh_link = renamed
            return plan
        recreate = True
    xml_id = matches.external_ids.get(key)
    if xml_id is not None and exists(xml_id) and "external_id" in match_on:
        owner = matches.linked_keys.get(xml_id) or claimed.get(xml_id)
        if owner is not None and owner != key:
            return _collision(key, mapped, xml_id, owner)
        plan = ProductPlan(key, "update", mapped, odoo_id=xml_id, via=VIA_EXTERNAL_ID)
        plan.needs_external_id = renamed
        plan.refresh_link = True
        return plan
    barcode = mapped.values.get(barcode_field)
    if barcode and not recreate and "barcode" in match_on and barcode in matches.barcodes:
        odoo_id = matches.barcodes[barcode]
        owner = matches.linked_keys.get(odoo_id) or claimed.get(odoo_id)
        if owner is not None and owner != key:
            return ProductPlan(
                key,
                "error",
                mapped,
                error_message=(
                    f"Field '{barcode_field}' must be unique: {barcode} is already assigned to "
                    f"Odoo product {odoo_id}, linked to local product {owner!r}."
                ),
                error_details={
                    "odoo_error_code": "UNIQUE_VIOLATION",
                    "field": barcode_field,
                    "value": barcode,
                    "existing_product_id": odoo_id,
                    "odoo_message": None,
                },
            )
        plan = ProductPlan(key, "update", mapped, odoo_id=odoo_id, via=VIA_BARCODE)
        plan.needs_external_id = True
        plan.refresh_link = True
        plan.note = "linked by barcode"
        return plan
    fields = [name for name in mapped.fields if not _empty_image(name, mapped.values[name])]
    plan = ProductPlan(key, "create", mapped, fields=fields, recreate=recreate)
    plan.changes = {name: [None, _shown(name, mapped.values[name])] for name in fields}
    if recreate:
        plan.note = "re-created: the linked Odoo product was deleted"
    return plan


def _collision(key: str, mapped: MappedProduct, odoo_id: int, owner: str) -> ProductPlan:
    """Two keys whose external id names are the same (or a name taken by hand): never merge
    them into one Odoo product."""
    return ProductPlan(
        key,
        "error",
        mapped,
        error_message=(
            f"The external id of local product {key!r} names Odoo product {odoo_id}, which "
            f"is linked to local product {owner!r}; the two keys would merge into one product."
        ),
        error_details={
            "odoo_error_code": "UNIQUE_VIOLATION",
            "field": "external_id",
            "value": key,
            "existing_product_id": odoo_id,
            "odoo_message": None,
        },
    )


def _diff(
    plan: ProductPlan, matches: Matches, force_update: bool, compare: Callable[[str], bool]
) -> None:
    """Decide update vs unchanged for a linked product and list its field changes."""
    mapped = plan.mapped
    assert mapped is not None and plan.odoo_id is not None
    link = matches.links.get(plan.key) if plan.via == VIA_HISTORY else None
    current = (matches.odoo_values or {}).get(plan.odoo_id)
    if force_update:
        candidates = list(mapped.fields)
    elif link is not None and link.field_hashes:
        candidates = [f for f in mapped.fields if mapped.hashes[f] != link.field_hashes.get(f)]
    elif link is not None:
        candidates = [] if mapped.digest == link.local_hash else list(mapped.fields)
    else:
        candidates = list(mapped.fields)
    if link is not None and not force_update and mapped.digest != link.local_hash:
        plan.refresh_link = True
    changed: list[str] = []
    for name in candidates:
        if (
            _empty_image(name, mapped.values[name])
            and current is not None
            and name in current
            and _empty_image(name, current[name])
        ):
            continue  # no image on either side: nothing to send
        if (
            not force_update
            and current is not None
            and compare(name)
            and name in current
            and field_hash(name, current[name]) == mapped.hashes[name]
        ):
            plan.refresh_link = True
            continue
        changed.append(name)
    plan.fields = changed
    plan.changes = {
        name: [
            _shown(name, current.get(name)) if current is not None else None,
            _shown(name, mapped.values[name]),
        ]
        for name in changed
    }
    plan.action = "update" if changed else "unchanged"
