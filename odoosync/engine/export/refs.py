"""What a variant export names in Odoo besides products, resolved once per run (and only when
some group has to be sent): attributes and their values (created when missing, attributes with
``create_variant = "always"``), the stock location, the vendors' partners."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from odoosync.engine.export.groups import VariantRow
from odoosync.engine.export.state import ExportRun
from odoosync.engine.export.stock import resolve_location
from odoosync.engine.export.vendors import resolve_partners
from odoosync.odoo.client import OdooClient

__all__ = ["CatalogRefs", "resolve_refs"]


@dataclass
class CatalogRefs:
    attributes: dict[str, int] = field(default_factory=dict)
    values: dict[tuple[str, str], int] = field(default_factory=dict)
    location: int | None = None
    partners: dict[str, int] = field(default_factory=dict)


def resolve_refs(run: ExportRun, client: OdooClient, spool: Iterable[VariantRow]) -> CatalogRefs:
    """At most six calls: attributes (``search_read``, ``create``), values (``search_read``,
    ``create``), the location, the partners. A dry run creates nothing."""
    pairs: dict[tuple[str, str], None] = {}
    partners: set[str] = set()
    for item in spool:
        for pair in item.combination:
            pairs.setdefault(pair)
        if item.vendor is not None:
            partners.add(item.vendor.partner)
    refs = CatalogRefs()
    create = not run.options.dry_run
    names = list(dict.fromkeys(a for a, _ in pairs))
    if names:
        for row in client.search_read("product.attribute", [("name", "in", names)], ["name"]):
            refs.attributes.setdefault(str(row["name"]), int(row["id"]))
        missing = [n for n in names if n not in refs.attributes]
        if missing and create:
            ids = client.create(
                "product.attribute",
                [{"name": n, "create_variant": "always", "display_type": "radio"} for n in missing],
            )
            refs.attributes.update(zip(missing, ids, strict=True))
        by_id = {aid: name for name, aid in refs.attributes.items()}
        if by_id:
            for row in client.search_read(
                "product.attribute.value",
                [("attribute_id", "in", sorted(by_id))],
                ["name", "attribute_id"],
            ):
                pair = (by_id[int(row["attribute_id"][0])], str(row["name"]))
                refs.values.setdefault(pair, int(row["id"]))
        new = [p for p in pairs if p not in refs.values and p[0] in refs.attributes]
        if new and create:
            ids = client.create(
                "product.attribute.value",
                [{"name": v, "attribute_id": refs.attributes[a]} for a, v in new],
            )
            refs.values.update(zip(new, ids, strict=True))
    if run.mapping.stock is not None:
        refs.location = resolve_location(client, run.mapping.stock)
    if partners:
        refs.partners = resolve_partners(client, partners)
    return refs
