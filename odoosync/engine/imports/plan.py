"""Pure planning for ``odoosync import``: Odoo records + catalog index + links → actions.

Nothing here does I/O. The importer (``engine/importer.py``) reads Odoo page by page, turns each
record into an :class:`OdooProduct` (values already in the catalog's form, through each transform's
inverse), and asks :func:`plan_page` what to do with it. The catalog is known only through a
:class:`CatalogIndex` (key → digest of its managed values, barcode → key), so memory stays
bounded by the number of keys, not by the size of the rows.

Matching order (SPEC §3 Identity): the link kept in the history, then the external id in our module
(``<module>.product_<key>``), then the barcode (only a catalog row not linked to another Odoo
product). A row an import adds gets the key of its external id in our module, else
``odoo-<template id>``.

Also here: :func:`parse_domain`, which validates a ``--domain`` JSON text before it is sent.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from odoosync.engine.compare import comparable
from odoosync.engine.identity import (
    external_id_name,
    is_plain_key,
    key_of_name,
    legacy_external_id_name,
)
from odoosync.errors import ConfigError


class ImportAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"


@dataclass(frozen=True)
class OdooProduct:
    """One product.template as the plan sees it (values in the catalog's form)."""

    odoo_id: int
    values: Mapping[str, Any]  # local field -> value (unmap_record's result)
    digest: str  # comparable digest of ``values``
    write_date: str | None = None
    barcode: str | None = None
    external_key: str | None = None  # the key its external id in our module names, if any
    #: the digest the history's link keeps for the Odoo side (defaults to ``digest``)
    odoo_hash: str | None = None

    @property
    def link_hash(self) -> str:
        return self.odoo_hash if self.odoo_hash is not None else self.digest


@dataclass(frozen=True)
class LinkView:
    """What the plan needs of a history link."""

    key: str
    odoo_id: int
    odoo_hash: str | None = None
    odoo_write_date: str | None = None


@dataclass
class CatalogIndex:
    """The catalog as the plan sees it: key -> digest of its managed values, barcode -> key."""

    digests: dict[str, str] = field(default_factory=dict)
    barcodes: dict[str, str] = field(default_factory=dict)
    #: external id name -> key, for the keys whose name has a digest (not readable back)
    names: dict[str, str] = field(default_factory=dict)
    #: the lossy name older versions gave those keys -> key ("" when two keys shared it)
    legacy: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, digest: str, barcode: str | None) -> None:
        self.digests[key] = digest
        if barcode:
            self.barcodes.setdefault(barcode, key)
        if not is_plain_key(key):
            self.names[external_id_name(key)] = key
            old = legacy_external_id_name(key)
            if old is not None:
                self.legacy[old] = "" if self.legacy.get(old, key) != key else key

    def key_for_name(self, name: str | None) -> str | None:
        """The key an external id name in our module stands for: a catalog key whose name it
        is (today's or, unambiguously, an older version's), else the plain key it spells."""
        if not name:
            return None
        if name in self.names:
            return self.names[name]
        plain = key_of_name(name)
        if plain is not None and plain in self.digests:
            return plain
        return self.legacy.get(name) or plain


@dataclass(frozen=True)
class ImportOptions:
    create_missing: bool = True
    update_existing: bool = True


@dataclass(frozen=True)
class PlannedImport:
    action: ImportAction
    key: str | None
    odoo_id: int
    values: Mapping[str, Any]  # the catalog values to write (create/update)
    digest: str
    write_date: str | None
    matched_by: str | None = None  # "link" | "external_id" | "barcode" | "key" | None (new)
    reason: str | None = None  # for skip
    odoo_hash: str | None = None  # OdooProduct.link_hash, for the history's link


@dataclass
class ImportState:
    """What the planning of earlier pages decided (so a key is never claimed twice)."""

    claimed: dict[str, int] = field(default_factory=dict)  # key -> odoo id that took it
    by_odoo_id: dict[int, str] = field(default_factory=dict)  # link odoo_id -> key

    @classmethod
    def from_links(cls, links: Mapping[str, LinkView]) -> ImportState:
        return cls(by_odoo_id={link.odoo_id: key for key, link in links.items()})


def new_key(product: OdooProduct) -> str:
    """The key a row added by an import gets."""
    return product.external_key or f"odoo-{product.odoo_id}"


def plan_product(
    product: OdooProduct,
    index: CatalogIndex,
    links: Mapping[str, LinkView],
    options: ImportOptions,
    state: ImportState,
) -> PlannedImport:
    """Decide what to do with one Odoo product; records the key it claims in ``state``."""
    key, matched_by = _match(product, index, links, state)

    def planned(action: ImportAction, reason: str | None = None) -> PlannedImport:
        return PlannedImport(
            action=action,
            key=key,
            odoo_id=product.odoo_id,
            values=product.values,
            digest=product.digest,
            write_date=product.write_date,
            matched_by=matched_by,
            reason=reason,
            odoo_hash=product.link_hash,
        )

    if key is None:  # matched by barcode to a key another product already claimed
        return planned(ImportAction.SKIP, "its barcode belongs to another product in this import")
    previous = state.claimed.get(key)
    if previous is not None and previous != product.odoo_id:
        return planned(
            ImportAction.SKIP,
            f"catalog key {key!r} is already taken by Odoo product {previous} in this import",
        )
    state.claimed[key] = product.odoo_id
    if matched_by is None:
        if not options.create_missing:
            return planned(ImportAction.SKIP, "not in the catalog (--no-create-missing)")
        return planned(ImportAction.CREATE)
    link = links.get(key)
    if (
        link is not None
        and link.odoo_id == product.odoo_id
        and link.odoo_hash == product.link_hash
        and product.write_date is not None
        and link.odoo_write_date == product.write_date
    ):
        # the overlap of an incremental import: already imported at this very write_date
        return planned(ImportAction.UNCHANGED)
    if index.digests.get(key) == product.digest:
        return planned(ImportAction.UNCHANGED)
    if not options.update_existing:
        return planned(ImportAction.SKIP, "already in the catalog (--no-update-existing)")
    return planned(ImportAction.UPDATE)


def plan_page(
    products: Sequence[OdooProduct],
    index: CatalogIndex,
    links: Mapping[str, LinkView],
    options: ImportOptions,
    state: ImportState,
) -> list[PlannedImport]:
    """Plan one page of Odoo products, in order."""
    return [plan_product(p, index, links, options, state) for p in products]


def _match(
    product: OdooProduct,
    index: CatalogIndex,
    links: Mapping[str, LinkView],
    state: ImportState,
) -> tuple[str | None, str | None]:
    linked = state.by_odoo_id.get(product.odoo_id)
    if linked is not None:
        return linked, ("link" if linked in index.digests else None)
    ext = product.external_key
    if ext is not None:
        other = links.get(ext)
        if other is None or other.odoo_id == product.odoo_id:
            return ext, ("external_id" if ext in index.digests else None)
    if product.barcode:
        owner = index.barcodes.get(product.barcode)
        if owner is not None:
            owner_link = links.get(owner)
            if owner_link is None or owner_link.odoo_id == product.odoo_id:
                taken = state.claimed.get(owner)
                if taken is not None and taken != product.odoo_id:
                    return None, "barcode"
                return owner, "barcode"
    key = f"odoo-{product.odoo_id}" if ext is not None else new_key(product)
    if key in index.digests:
        other = links.get(key)
        if other is None or other.odoo_id == product.odoo_id:
            return key, "key"
    return key, None


# ---------------------------------------------------------------- value comparison


def changed_fields(
    current: Mapping[str, Any], new: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """``{field: (current, new)}`` for the fields of ``new`` whose value differs."""
    return {
        name: (current.get(name), value)
        for name, value in new.items()
        if comparable(current.get(name)) != comparable(value)
    }


# ---------------------------------------------------------------- --domain

#: leaf operators Odoo 17 accepts (odoo-facts §5)
LEAF_OPERATORS = frozenset(
    {
        "=",
        "!=",
        "<>",
        "<",
        "<=",
        ">",
        ">=",
        "=?",
        "=like",
        "=ilike",
        "like",
        "ilike",
        "not like",
        "not ilike",
        "in",
        "not in",
        "child_of",
        "parent_of",
        "any",
        "not any",
    }
)
_ARITY = {"&": 2, "|": 2, "!": 1}


def parse_domain(
    text: str, fields: Collection[str] | None = None, *, model: str = "product.template"
) -> list[Any]:
    """Parse and validate ``--domain`` JSON; raise :class:`ConfigError` naming the problem.

    Checks: JSON syntax, a list of leaves and prefix operators, operator arity, known leaf
    operators, ``in``/``not in`` values that are lists, and (when ``fields`` is given) that the
    first segment of each leaf's field path exists on ``model``.
    """
    try:
        domain = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"--domain is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.",
            hint='Write it as a JSON list, e.g. [["list_price", ">", 10]].',
        ) from None
    except RecursionError:
        raise ConfigError(
            "--domain nests lists too deeply to be a domain.",
            hint='Write it as a flat list of leaves, e.g. [["list_price", ">", 10]].',
        ) from None
    if not isinstance(domain, list):
        raise ConfigError(
            f"--domain must be a JSON list of leaves and operators, not {_json_kind(domain)}.",
            hint='For example [["list_price", ">", 10]].',
        )
    needed = 1  # terms still expected by the prefix operators seen so far
    for position, term in enumerate(domain):
        where = f"--domain term {position + 1}"
        if needed == 0:
            needed = 1  # a complete expression is followed by more: an implicit '&'
        if isinstance(term, str):
            if term not in _ARITY:
                raise ConfigError(
                    f"{where}: unknown operator {term!r}; use '&', '|' or '!', or a leaf "
                    "[field, operator, value]."
                )
            needed += _ARITY[term] - 1
            continue
        _check_leaf(term, where, fields, model)
        needed -= 1
    if domain and needed > 0:
        raise ConfigError(
            f"--domain is incomplete: its operators expect {needed} more term(s).",
            hint="'&' and '|' take two terms, '!' one (prefix notation).",
        )
    return domain


def _check_leaf(term: Any, where: str, fields: Collection[str] | None, model: str) -> None:
    if not isinstance(term, list) or len(term) != 3:
        raise ConfigError(
            f"{where}: {json.dumps(term)} is not a leaf; a leaf is [field, operator, value]."
        )
    name, operator, value = term
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{where}: the field name must be a non-empty string, got {name!r}.")
    if not isinstance(operator, str) or operator.lower() not in LEAF_OPERATORS:
        known = ", ".join(sorted(LEAF_OPERATORS))
        raise ConfigError(f"{where}: unknown operator {operator!r}; known operators: {known}.")
    if operator.lower() in {"in", "not in"} and not isinstance(value, list):
        raise ConfigError(f"{where}: operator {operator!r} needs a list value, got {value!r}.")
    if operator.lower() in {"any", "not any"} and not isinstance(value, list):
        raise ConfigError(f"{where}: operator {operator!r} needs a sub-domain (a list).")
    head = name.split(".", 1)[0]
    if fields is not None and head != "id" and head not in fields:
        raise ConfigError(
            f"{where}: field {head!r} does not exist on {model}.",
            hint="List the fields with `odoosync fields`.",
        )


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else type(value).__name__
