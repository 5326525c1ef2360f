"""What travels from Odoo back to the catalog, shared by import and two-way sync.

:class:`Travel` holds the bidirectional mappings (and what to read for them), :func:`unmap` gives
an Odoo record's travelling fields in the catalog's form; the rest reads Odoo's side of a link:
external ids (:func:`external_keys`) and times (:func:`odoo_datetime`, :func:`iso_from_odoo`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from odoosync.engine.compare import local_digest
from odoosync.engine.odoo_side import PRODUCT_MODEL
from odoosync.errors import ConfigError
from odoosync.mapping.model import FieldMapping, MappingConfig
from odoosync.mapping.rows import odoo_values_digest, unmap_record
from odoosync.timestamps import parse_iso_or_none
from odoosync.transforms import TransformContext


@dataclass(frozen=True)
class Travel:
    """The mappings that bring Odoo values back to the catalog, and what to read for them."""

    mappings: tuple[FieldMapping, ...]  # bidirectional, product.template, not images
    image: FieldMapping | None  # the bidirectional image mapping, if any
    barcode_field: str | None  # the local field mapped to Odoo's barcode

    @classmethod
    def of(cls, mapping: MappingConfig) -> Travel:
        bidi = [m for m in mapping.active() if m.is_bidirectional and m.odoo_model == PRODUCT_MODEL]
        barcode = next((m.local_field for m in mapping.active() if m.odoo_field == "barcode"), None)
        return cls(
            mappings=tuple(m for m in bidi if m.transform != "image"),
            image=next((m for m in bidi if m.transform == "image"), None),
            barcode_field=barcode,
        )

    @property
    def local_fields(self) -> list[str]:
        return list(dict.fromkeys(m.local_field for m in self.mappings))

    @property
    def odoo_fields(self) -> list[str]:
        return list(dict.fromkeys(m.odoo_field for m in self.mappings))

    def read_fields(self, *, images: bool) -> list[str]:
        extra = ["id", "write_date", "barcode"]
        if images and self.image is not None:
            extra.append(self.image.odoo_field)
        return list(dict.fromkeys([*extra, *self.odoo_fields]))

    def odoo_hash(self, record: Mapping[str, Any]) -> str:
        """The digest of the travelling fields as Odoo holds them (kept in the link)."""
        return odoo_values_digest({name: record.get(name) for name in self.odoo_fields})

    def local_digest(self, values: Mapping[str, Any]) -> str:
        """The comparable digest of the travelling fields in the catalog's form."""
        return local_digest(values, self.local_fields)


def odoo_datetime(value: str) -> str:
    """An ISO-8601 time (``--since``) as Odoo's UTC ``YYYY-MM-DD HH:MM:SS``; ConfigError if bad."""
    moment = parse_iso_or_none(value)
    if moment is None:
        raise ConfigError(
            f"--since {value!r} is not an ISO-8601 date or time; use e.g. 2025-12-16T14:30:00Z."
        )
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def iso_from_odoo(write_date: Any) -> str | None:
    """Odoo's ``write_date`` as ISO-8601 UTC with ``Z`` (for the catalog's modified field)."""
    moment = parse_iso_or_none(write_date)
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def unmap(
    record: Mapping[str, Any], mapping: MappingConfig, ctx: TransformContext, travel: Travel
) -> dict[str, Any]:
    """The travelling fields of an Odoo record in the catalog's form (False → None)."""
    values: dict[str, Any] = dict.fromkeys(travel.local_fields)
    values.update(unmap_record(record, mapping, ctx))
    return values
