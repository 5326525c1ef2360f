"""Odoo's side of a run, resolved once: the connection and its access checks, the fields of
product.template, the categories and the sale taxes the mapping names (:class:`OdooSide`), and the
categories a chunk creates when ``create_missing_categories`` is on."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from odoosync.config.settings import Settings
from odoosync.errors import (
    AuthenticationError,
    ConfigError,
    OdooFault,
    OdoosyncError,
    OdooUnreachable,
    PermissionDenied,
)
from odoosync.history.store import History
from odoosync.mapping.model import MappingConfig
from odoosync.odoo.client import OdooClient
from odoosync.odoo.connect import checked_uid
from odoosync.transforms import (
    AmbiguousCategory,
    TransformContext,
    TransformError,
    default_fetch,
    normalise_rate,
    resolve_category,
)
from odoosync.transforms.fetch import ImageFetcher

ClientFactory = Callable[[], OdooClient]

PRODUCT_MODEL = "product.template"
FIELD_ATTRIBUTES = ("string", "type", "required", "readonly", "relation", "store", "digits")
#: :meth:`OdooSide.field_scale` of a float whose ``digits`` is ``False`` (Odoo 19's prices):
#: stored as sent, unrounded
EXACT = -1
TRANSIENT_TEMPLATE_NOTE = "run `odoosync mappings validate --create-custom-fields`"


# --------------------------------------------------------------------------------------------
# connection


def connect(
    client_factory: ClientFactory,
    *,
    model: str = PRODUCT_MODEL,
    rights: Sequence[str] = ("create", "write"),
    history: History | None = None,
) -> OdooClient:
    """Authenticate and check access rights, before any product is touched.

    With ``history``, the user id the last login answered is tried first and the one this login
    answers is kept (:meth:`OdooClient.authenticate`: one password check instead of two).
    Raises ``AuthenticationError``/``DatabaseNotFound``/``PermissionDenied`` (exit 4) or
    ``OdooUnreachable`` (exit 5).
    """
    client = client_factory()
    login_uid(client, history)
    for operation in ("read", *rights):
        try:
            allowed = client.check_access_rights(model, operation)
        except OdooFault as exc:
            allowed = False
            reason = exc.odoo_message or exc.message
        else:
            reason = ""
        if not allowed:
            raise PermissionDenied(
                f"The Odoo user may not {operation} {model} records"
                f"{': ' + reason if reason else ''}. "
                "Ask an Odoo administrator to give the integration user the rights it needs.",
                odoo_message=reason or None,
            )
    return client


def login_uid(client: OdooClient, history: History | None) -> int:
    """``client``'s login, resumed from and remembered in ``history`` (XML-RPC only: JSON-2 has
    no login). A refused login forgets the remembered id, so a wrong password is not tried
    twice on every run (Odoo counts failed logins and locks them out for a while)."""
    key = (client.url, client.params.database, client.params.username)
    known = history.known_uid(*key) if history is not None else None
    try:
        uid = checked_uid(client.authenticate(known), client.url)
    except AuthenticationError:
        if history is not None and known is not None:
            history.remember_uid(*key, None)
        raise
    if history is not None and client.chosen_transport == "xmlrpc" and uid != known:
        history.remember_uid(*key, uid)
    return uid


def remember_login(settings: Settings, client: OdooClient, uid: int) -> None:
    """Keep the uid ``test-connection`` logged in as for the next run (XML-RPC), when the
    history can be opened; a history that cannot is left for the run to report."""
    if client.chosen_transport != "xmlrpc":
        return
    try:
        with History(settings.history_path) as history:
            history.remember_uid(client.url, client.params.database, client.params.username, uid)
    except (OdoosyncError, OSError, sqlite3.Error):
        return


# --------------------------------------------------------------------------------------------
# Odoo-side resolution


@dataclass
class OdooSide:
    """What the run knows about Odoo: fields (fields_get), and the transform context."""

    fields: dict[str, dict[str, Any]]
    transform: TransformContext
    #: complete_name -> id for every category (create_missing_categories adds to it)
    category_by_path: dict[str, int] = field(default_factory=dict)

    def field_type(self, name: str) -> str | None:
        spec = self.fields.get(name)
        return None if spec is None else str(spec.get("type"))

    def field_scale(self, name: str) -> int | None:
        """The decimals a float field keeps (``fields_get``'s ``digits``: precision, scale);
        :data:`EXACT` for ``"digits": False`` (declared without:
        stored as sent, as Odoo 19's prices); None when ``fields_get`` says nothing."""
        spec = self.fields.get(name) or {}
        found = spec.get("digits")
        if found is False:
            return EXACT
        if (
            isinstance(found, list | tuple)
            and len(found) == 2
            and isinstance(found[1], int)
            and not isinstance(found[1], bool)
            and 0 <= found[1] <= 20
        ):
            return found[1]
        return None


def check_mapped_fields(mapping: MappingConfig, fields: Mapping[str, Any]) -> None:
    """Every active product.template mapping names a field Odoo has; else ConfigError (exit 3)."""
    where = mapping.path.name if mapping.path is not None else "mapping.toml"
    for i, entry in enumerate(mapping.fields):
        if not entry.is_active or entry.odoo_model != PRODUCT_MODEL:
            continue
        if entry.odoo_field in fields:
            continue
        if entry.odoo_field.startswith("x_"):
            raise ConfigError(
                f"{where}: fields[{i}].odoo_field: the custom field {entry.odoo_field!r} does not "
                f"exist on {PRODUCT_MODEL} in Odoo; {TRANSIENT_TEMPLATE_NOTE} to create it, or "
                "set is_active = false."
            )
        raise ConfigError(
            f"{where}: fields[{i}].odoo_field: {entry.odoo_field!r} is not a field of "
            f"{PRODUCT_MODEL} in Odoo; see `odoosync fields` for the available fields."
        )


def image_fetch(settings: Settings) -> ImageFetcher:
    """The run's image downloader, bounded by ``[sync] image_max_mb`` and ``image_timeout``."""
    return ImageFetcher(
        max_bytes=int(settings.sync.image_max_mb * 2**20), timeout=settings.sync.image_timeout
    )


def resolve_odoo(
    client: OdooClient,
    mapping: MappingConfig,
    *,
    base_dir: Path,
    fetch: Callable[[str], bytes] = default_fetch,
) -> OdooSide:
    """fields_get, categories (one search_read) and sale taxes (one search_read)."""
    fields = client.fields_get(PRODUCT_MODEL, attributes=FIELD_ATTRIBUTES)
    check_mapped_fields(mapping, fields)
    transforms = {m.transform for m in mapping.active()}
    types = {m.odoo_field for m in mapping.active()}
    field_types = {name: str(fields[name].get("type")) for name in types if name in fields}

    categories: dict[str, int] = {}
    paths: dict[int, str] = {}
    if "category" in transforms or mapping.categories:
        rows = client.search_read("product.category", [], ["id", "complete_name", "name"])
        paths = {int(r["id"]): str(r["complete_name"] or r["name"]) for r in rows}
        categories = _map_categories(mapping, paths)

    taxes: dict[str, int] = {}
    rates: dict[int, str] = {}
    if "taxes" in transforms or mapping.taxes:
        rows = client.search_read(
            "account.tax",
            [("type_tax_use", "=", "sale")],
            ["id", "name", "amount", "amount_type", "price_include"],
        )
        taxes, rates = _map_taxes(mapping, rows)

    context = TransformContext(
        base_dir=base_dir,
        field_types=field_types,
        categories=categories,
        category_paths=paths,
        taxes=taxes,
        tax_rates=rates,
        fetch=fetch,
    )
    return OdooSide(
        fields=dict(fields),
        transform=context,
        category_by_path={path: cid for cid, path in paths.items()},
    )


def _map_categories(mapping: MappingConfig, paths: Mapping[int, str]) -> dict[str, int]:
    where = mapping.path.name if mapping.path is not None else "mapping.toml"
    by_path = {path: cid for cid, path in paths.items()}
    out: dict[str, int] = {}
    for local, target in mapping.categories.items():
        if isinstance(target, int):
            if target not in paths:
                raise ConfigError(
                    f"{where}: categories.{local!r}: Odoo has no product.category with id "
                    f"{target}; see the categories in Odoo or use a complete path."
                )
            out[local] = target
        elif target in by_path:
            out[local] = by_path[target]
        elif not mapping.create_missing_categories:
            raise ConfigError(
                f"{where}: categories.{local!r}: Odoo has no category {target!r} (complete path "
                "such as 'All / Saleable / Electronics'); fix the path or set "
                "create_missing_categories = true under [options]."
            )
    return out


def _map_taxes(
    mapping: MappingConfig, rows: Iterable[Mapping[str, Any]]
) -> tuple[dict[str, int], dict[int, str]]:
    where = mapping.path.name if mapping.path is not None else "mapping.toml"
    rows = sorted(rows, key=lambda r: int(r["id"]))
    by_id = {int(r["id"]): r for r in rows}
    by_name: dict[str, int] = {}
    for r in rows:
        by_name.setdefault(str(r["name"]), int(r["id"]))
    taxes: dict[str, int] = {}
    rates: dict[int, str] = {}
    # plain percent sale taxes, price excluded, by rate (lowest id wins: deterministic)
    for r in rows:
        if r.get("amount_type", "percent") == "percent" and not r.get("price_include"):
            try:
                rate = normalise_rate(r["amount"])
            except TransformError:
                continue
            taxes.setdefault(rate, int(r["id"]))
            rates.setdefault(int(r["id"]), rate)
    for key, target in mapping.taxes.items():
        rate = normalise_rate(key)
        if isinstance(target, int):
            if target not in by_id:
                raise ConfigError(
                    f"{where}: taxes.{key!r}: Odoo has no sale tax with id {target}; "
                    "use the id or the name of a sale tax (account.tax)."
                )
            tax_id = target
        elif target in by_name:
            tax_id = by_name[target]
        else:
            raise ConfigError(
                f"{where}: taxes.{key!r}: Odoo has no sale tax named {target!r}; "
                "use the id or the exact name of a sale tax (account.tax)."
            )
        taxes[rate] = tax_id
        rates[tax_id] = rate
    return taxes, rates


def ensure_categories(
    client: OdooClient, side: OdooSide, names: Iterable[str], *, dry_run: bool = False
) -> list[str]:
    """Create the categories ``names`` (complete paths, " / " separated) that Odoo lacks.

    Used when ``create_missing_categories`` is on; returns the paths created. A name the
    category transform already resolves (a ``[categories]`` entry, a complete path, the last
    segment of exactly one path: what an import writes) is left alone, and so is an ambiguous
    one (a new top-level category would only add to the ambiguity: the mapping error says
    what to do). The transform context's category tables are updated in place (they are the
    run's own dicts). A ``dry_run`` creates nothing: each missing path gets a placeholder id
    (negative, never an Odoo id), so the plan shows the products it would file there instead
    of failing them for a category the real run would create.
    """
    categories = side.transform.categories
    paths = side.transform.category_paths
    assert isinstance(categories, dict) and isinstance(paths, dict)
    created: list[str] = []
    for name in names:
        if name in categories or name in side.category_by_path or _resolves(name, side):
            continue
        parts = [p.strip() for p in name.split("/") if p.strip()]
        parent: int | None = None
        for depth in range(1, len(parts) + 1):
            path = " / ".join(parts[:depth])
            if path in side.category_by_path:
                parent = side.category_by_path[path]
                continue
            values: dict[str, Any] = {"name": parts[depth - 1]}
            if parent is not None:
                values["parent_id"] = parent
            if dry_run:
                new_id = -(len(paths) + 1)
                while new_id in paths:
                    new_id -= 1
            else:
                new_id = _create_category(client, values)
            side.category_by_path[path] = new_id
            paths[new_id] = path
            created.append(path)
            parent = new_id
        if parent is not None:
            categories[name] = parent
    return created


def _create_category(client: OdooClient, values: dict[str, Any]) -> int:
    """Create one product.category; an answer lost after Odoo may have committed it is checked
    by name and parent before the create is sent again (a category is never created twice)."""
    try:
        [new_id] = client.create("product.category", [values])
        return int(new_id)
    except OdooUnreachable as exc:
        if not getattr(exc, "maybe_committed", False):
            raise
        landed = client.search_read(
            "product.category",
            [("name", "=", values["name"]), ("parent_id", "=", values.get("parent_id", False))],
            ["id"],
            order="id",
            limit=1,
        )
        if landed:
            return int(landed[0]["id"])
    [new_id] = client.create("product.category", [values])
    return int(new_id)


def _resolves(name: str, side: OdooSide) -> bool:
    """The category transform finds ``name`` (or finds it ambiguous): nothing to create."""
    try:
        resolve_category(name, side.transform)
    except AmbiguousCategory:
        return True
    except TransformError:
        return False
    return True
