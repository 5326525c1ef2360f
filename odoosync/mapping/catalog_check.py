"""``mappings validate`` for ``[variants]``, ``[stock]`` and ``[vendors]`` (SPEC §7.1): their
columns against the catalog, and the attribute, location and vendor names against Odoo.

A missing attribute is only a warning (the export creates it, with ``create_variant =
"always"``); an attribute that exists but does not create variants, a location that is not
found or not internal, and a vendor name no partner has are errors: every product naming them
would fail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from odoosync.mapping.model import MappingConfig
from odoosync.transforms import is_empty

if TYPE_CHECKING:
    from odoosync.mapping.check import MappingCheck, OdooReader

__all__ = ["catalog_table_columns", "check_catalog_tables"]


def catalog_table_columns(cfg: MappingConfig) -> list[str]:
    """The catalog columns the three tables read (for the catalog check and its values)."""
    columns: list[str] = []
    if cfg.variants is not None:
        columns += cfg.variants.columns()
    if cfg.stock is not None:
        columns.append(cfg.stock.quantity)
    if cfg.vendors is not None:
        columns += cfg.vendors.columns()
    return columns


def check_catalog_tables(
    check: MappingCheck,
    cfg: MappingConfig,
    odoo: OdooReader,
    *,
    columns: Sequence[str] | None,
    values: Mapping[str, Sequence[Any]],
) -> None:
    """Add the three tables' findings to ``check``."""
    if columns is not None:
        for column in catalog_table_columns(cfg):
            if column not in columns:
                check.error(
                    f"catalog has no column {column!r} (columns: {', '.join(columns) or 'none'})"
                )
    if cfg.variants is not None:
        _check_attributes(check, cfg, odoo, values)
    if cfg.stock is not None:
        _check_location(check, cfg.stock.location, odoo)
    if cfg.vendors is not None:
        names = _present(values.get(cfg.vendors.partner, ()))
        if names:
            found = odoo.search_read("res.partner", [("name", "in", names)], ["name"])
            known = {str(r["name"]) for r in found}
            for name in names:
                if name not in known and not name.isdigit():
                    check.error(
                        f"[vendors] partner {name!r} (column {cfg.vendors.partner!r}) is not a "
                        "res.partner in Odoo: create it, or its products fail with MAPPING_ERROR"
                    )


def _present(values: Sequence[Any]) -> list[str]:
    return sorted({str(v).strip() for v in values if not is_empty(v)})


def _check_attributes(
    check: MappingCheck, cfg: MappingConfig, odoo: OdooReader, values: Mapping[str, Sequence[Any]]
) -> None:
    assert cfg.variants is not None
    names = list(cfg.variants.attributes.values())
    for name_column, _ in cfg.variants.options:
        names += _present(values.get(name_column, ()))
    names = sorted(set(names))
    if not names:
        return
    rows = odoo.search_read(
        "product.attribute", [("name", "in", names)], ["name", "create_variant"]
    )
    by_name = {str(r["name"]): r for r in rows}
    for name in names:
        row = by_name.get(name)
        if row is None:
            check.warn(
                f"[variants] attribute {name!r} is not in Odoo: the export creates it "
                '(create_variant = "always")'
            )
        elif row.get("create_variant") != "always":
            check.error(
                f"[variants] attribute {name!r} has create_variant = "
                f"{row.get('create_variant')!r} in Odoo: it makes no variants up front; "
                'set it to "always" ("Instantly")'
            )


def _check_location(check: MappingCheck, location: str | int, odoo: OdooReader) -> None:
    domain: list[Any] = (
        [("id", "=", location)] if isinstance(location, int) else [("complete_name", "=", location)]
    )
    rows = odoo.search_read("stock.location", domain, ["complete_name", "usage"])
    if not rows:
        check.error(
            f"[stock] location {location!r} is not a stock.location in Odoo "
            '(give its complete name, e.g. "WH/Stock", or its id)'
        )
    elif rows[0].get("usage") != "internal":
        check.error(
            f"[stock] location {location!r} is a {rows[0].get('usage')} location: "
            "on-hand quantities live in internal locations"
        )
