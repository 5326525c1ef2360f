"""Checking a mapping against the catalog and Odoo: the logic behind ``mappings validate``.

``check_mapping`` reads Odoo's fields, categories and taxes (and, when asked, creates missing
``x_`` fields); it returns a :class:`MappingCheck` of errors and warnings instead of raising.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from odoosync.mapping.model import FieldMapping, MappingConfig, is_numeric
from odoosync.suggest import did_you_mean
from odoosync.transforms import (
    AmbiguousCategory,
    TransformContext,
    TransformError,
    is_empty,
    normalise_rate,
    resolve_category,
)

__all__ = ["MappingCheck", "MappingIssue", "OdooReader", "check_mapping", "infer_ttype"]


class OdooReader(Protocol):
    """What :func:`check_mapping` needs from :class:`odoosync.odoo.client.OdooClient`."""

    def fields_get(
        self, model: str, attributes: Sequence[str] = ...
    ) -> dict[str, dict[str, Any]]: ...

    def search_read(
        self, model: str, domain: Sequence[Any], fields: Sequence[str]
    ) -> list[dict[str, Any]]: ...

    def create(self, model: str, values: list[dict[str, Any]]) -> list[int]: ...

    def check_access_rights(self, model: str, operation: str) -> bool: ...


@dataclass(frozen=True)
class MappingIssue:
    """One finding: ``error`` makes the mapping unusable as it is; ``warning`` deserves a look."""

    level: str
    message: str
    local_field: str | None = None
    odoo_field: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "local_field": self.local_field,
            "odoo_field": self.odoo_field,
            "message": self.message,
        }


@dataclass
class MappingCheck:
    """What ``mappings validate`` found."""

    mappings: int = 0
    issues: list[MappingIssue] = field(default_factory=list)
    created_fields: list[str] = field(default_factory=list)
    categories: dict[str, int | None] = field(default_factory=dict)
    taxes: dict[str, int | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(issue.level == "error" for issue in self.issues)

    def error(self, message: str, mapping: FieldMapping | None = None) -> None:
        self._add("error", message, mapping)

    def warn(self, message: str, mapping: FieldMapping | None = None) -> None:
        self._add("warning", message, mapping)

    def _add(self, level: str, message: str, mapping: FieldMapping | None) -> None:
        self.issues.append(
            MappingIssue(
                level,
                message,
                mapping.local_field if mapping else None,
                mapping.odoo_field if mapping else None,
            )
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "success": self.ok,
            "mappings": self.mappings,
            "errors": sum(1 for i in self.issues if i.level == "error"),
            "warnings": sum(1 for i in self.issues if i.level == "warning"),
            "issues": [issue.to_json() for issue in self.issues],
            "created_fields": list(self.created_fields),
            "categories": dict(self.categories),
            "taxes": dict(self.taxes),
        }


#: Odoo field types each transform can write
TRANSFORM_TYPES: dict[str, set[str]] = {
    "decimal": {"float", "monetary"},
    "float": {"float", "monetary"},
    "int": {"integer"},
    "bool": {"boolean"},
    "string": {"char", "text", "html", "selection"},
    "strip": {"char", "text", "html", "selection"},
    "upper": {"char", "text", "html", "selection"},
    "lower": {"char", "text", "html", "selection"},
    "date": {"date"},
    "datetime": {"datetime"},
    "barcode": {"char"},
    "category": {"many2one"},
    "taxes": {"many2many"},
    "image": {"binary"},
}


def infer_ttype(values: Sequence[Any]) -> str:
    """The ``ir.model.fields`` ttype that holds ``values``: boolean, integer, float, else char."""
    present = [v for v in values if not is_empty(v)]
    if not present:
        return "char"
    if all(isinstance(v, bool) or str(v).strip().lower() in ("true", "false") for v in present):
        return "boolean"
    if all(not isinstance(v, bool) and re.fullmatch(r"[+-]?\d+", str(v).strip()) for v in present):
        return "integer"
    if all(not isinstance(v, bool) and is_numeric(str(v)) for v in present):
        return "float"
    if any(len(str(v)) > 255 or "\n" in str(v) for v in present):
        return "text"
    return "char"


def _label(name: str) -> str:
    return name.removeprefix("x_").replace("_", " ").strip().title() or name


def missing_columns(
    cfg: MappingConfig, columns: Sequence[str]
) -> list[tuple[str, str, FieldMapping]]:
    """Active mappings whose local field is not a catalog column: ``(level, message, mapping)``,
    an error when the mapping is required (every product would fail), else a warning."""
    problems: list[tuple[str, str, FieldMapping]] = []
    for mapping in cfg.active():
        if mapping.local_field in columns:
            continue
        message = (
            f"catalog has no column {mapping.local_field!r} "
            f"(columns: {', '.join(columns) or 'none'})"
        )
        if mapping.is_required:
            problems.append(("error", message + "; every product would fail", mapping))
        else:
            problems.append(("warning", message + "; the field will stay empty", mapping))
    return problems


def check_mapping(
    cfg: MappingConfig,
    odoo: OdooReader,
    *,
    columns: Sequence[str] | None,
    column_values: Mapping[str, Sequence[Any]] | None = None,
    create_custom_fields: bool = False,
) -> MappingCheck:
    """Check ``cfg`` against the catalog's ``columns`` and Odoo's fields, categories and taxes.

    ``column_values`` holds the catalog's distinct values per column (for the category and tax
    columns, and to choose the type of a custom field to create). With ``create_custom_fields``
    missing ``x_`` fields are created through ``ir.model.fields`` when the user may.
    """
    check = MappingCheck(mappings=len(cfg.fields))
    values = column_values or {}
    active = cfg.active()
    if columns is not None:
        for level, message, mapping in missing_columns(cfg, columns):
            (check.error if level == "error" else check.warn)(message, mapping)

    models = sorted({m.odoo_model for m in active})
    fields_by_model = {
        model: odoo.fields_get(model, ["type", "string", "readonly", "relation"])
        for model in models
    }
    for mapping in active:
        odoo_fields = fields_by_model[mapping.odoo_model]
        definition = odoo_fields.get(mapping.odoo_field)
        if definition is None:
            if mapping.odoo_field.startswith("x_"):
                _missing_custom(check, odoo, mapping, values, create_custom_fields, odoo_fields)
            else:
                close = did_you_mean(mapping.odoo_field, odoo_fields)
                check.error(
                    f"{mapping.odoo_model} has no field {mapping.odoo_field!r}{close}; "
                    f"`odoosync fields {mapping.odoo_model}` lists them",
                    mapping,
                )
            continue
        ftype = str(definition.get("type", ""))
        if mapping.transform is not None:
            allowed = TRANSFORM_TYPES.get(mapping.transform, set())
            if ftype not in allowed:
                check.error(
                    f"transform {mapping.transform!r} cannot write {mapping.odoo_field!r}, "
                    f"a {ftype} field",
                    mapping,
                )
        elif ftype in ("one2many", "many2many", "binary", "reference"):
            check.error(
                f"{mapping.odoo_field!r} is a {ftype} field: use a transform "
                "(taxes for account.tax, image for pictures)",
                mapping,
            )
        if definition.get("readonly") and ftype not in ("many2many",):
            check.warn(
                f"{mapping.odoo_field!r} is read-only in Odoo; writes may be ignored", mapping
            )

    category_mapping = next((m for m in active if m.transform == "category"), None)
    if category_mapping is not None or cfg.categories:
        _check_categories(
            check,
            cfg,
            odoo,
            values.get(category_mapping.local_field, ()) if category_mapping else (),
        )
    tax_mapping = next((m for m in active if m.transform == "taxes"), None)
    if tax_mapping is not None or cfg.taxes:
        _check_taxes(
            check, cfg, odoo, values.get(tax_mapping.local_field, ()) if tax_mapping else ()
        )
    if cfg.catalog_tables:
        from odoosync.mapping.catalog_check import check_catalog_tables

        check_catalog_tables(check, cfg, odoo, columns=columns, values=values)
    return check


def _missing_custom(
    check: MappingCheck,
    odoo: OdooReader,
    mapping: FieldMapping,
    values: Mapping[str, Sequence[Any]],
    create: bool,
    odoo_fields: dict[str, dict[str, Any]],
) -> None:
    ttype = "char"
    if mapping.transform is not None:
        ttype = sorted(TRANSFORM_TYPES.get(mapping.transform, {"char"}))[0]
        if mapping.transform in ("string", "strip", "upper", "lower"):
            ttype = "char"
    else:
        ttype = infer_ttype(values.get(mapping.local_field, ()))
    how = (
        f"create it with `odoosync mappings validate --create-custom-fields`, or in Odoo "
        f"(Settings → Technical → Fields: model {mapping.odoo_model}, name {mapping.odoo_field}, "
        f"type {ttype})"
    )
    if not create:
        check.error(f"custom field {mapping.odoo_field!r} does not exist in Odoo: {how}", mapping)
        return
    if ttype in ("many2one", "many2many"):
        check.error(
            f"cannot create {mapping.odoo_field!r}: relational fields need Odoo's UI", mapping
        )
        return
    if not odoo.check_access_rights("ir.model.fields", "create"):
        check.error(
            f"custom field {mapping.odoo_field!r} does not exist and this user may not create "
            "fields (needs Administration / Access Rights): ask an administrator to create it "
            f"in Odoo (Settings → Technical → Fields: model {mapping.odoo_model}, "
            f"name {mapping.odoo_field}, type {ttype})",
            mapping,
        )
        return
    models = odoo.search_read("ir.model", [("model", "=", mapping.odoo_model)], ["id"])
    if not models:
        check.error(f"ir.model has no {mapping.odoo_model!r}", mapping)
        return
    odoo.create(
        "ir.model.fields",
        [
            {
                "model_id": int(models[0]["id"]),
                "name": mapping.odoo_field,
                "ttype": ttype,
                "field_description": _label(mapping.odoo_field),
                "state": "manual",
                "required": False,
            }
        ],
    )
    odoo_fields[mapping.odoo_field] = {"type": ttype}
    check.created_fields.append(f"{mapping.odoo_model}.{mapping.odoo_field}")


def _check_categories(
    check: MappingCheck, cfg: MappingConfig, odoo: OdooReader, used: Sequence[Any]
) -> None:
    rows = odoo.search_read("product.category", [], ["id", "complete_name"])
    by_path: dict[str, int] = {}
    for row in rows:
        by_path.setdefault(str(row.get("complete_name") or ""), int(row["id"]))
    ids = {int(row["id"]) for row in rows}
    for local, target in cfg.categories.items():
        found: int | None
        if isinstance(target, int):
            found = target if target in ids else None
        else:
            found = by_path.get(target.strip())
        check.categories[local] = found
        if found is None:
            message = f"[categories] {local!r} = {target!r}: no such Odoo category"
            if cfg.create_missing_categories and isinstance(target, str):
                check.warn(message + "; it will be created on export")
            else:
                check.error(message + " (complete_name such as 'All / Saleable')")
    ctx = TransformContext(
        categories={local: cid for local, cid in check.categories.items() if cid is not None},
        category_paths={int(row["id"]): str(row.get("complete_name") or "") for row in rows},
    )
    unmapped: set[str] = set()
    ambiguous: dict[str, str] = {}
    for value in used:
        if is_empty(value):
            continue
        name = str(value).strip()
        try:
            resolve_category(name, ctx)
        except AmbiguousCategory as exc:
            ambiguous[name] = exc.message
        except TransformError:
            unmapped.add(name)
    for name in sorted(ambiguous):
        check.warn(f"catalog {ambiguous[name]}")
    if unmapped:
        tail = (
            "they will be created"
            if cfg.create_missing_categories
            else "those products will fail; add them under [categories]"
        )
        check.warn(f"catalog categories without a mapping: {', '.join(sorted(unmapped))}; {tail}")


def _check_taxes(
    check: MappingCheck, cfg: MappingConfig, odoo: OdooReader, used: Sequence[Any]
) -> None:
    rows = odoo.search_read(
        "account.tax", [("type_tax_use", "=", "sale")], ["id", "name", "amount", "amount_type"]
    )
    by_id = {int(row["id"]): row for row in rows}
    for rate, target in cfg.taxes.items():
        if isinstance(target, int):
            matches = [by_id[target]] if target in by_id else []
        else:
            matches = [row for row in rows if str(row.get("name")) == target.strip()]
        if not matches:
            check.taxes[rate] = None
            check.error(f"[taxes] {rate!r} = {target!r}: no such sale tax in Odoo")
            continue
        chosen = min(matches, key=lambda row: int(row["id"]))
        check.taxes[rate] = int(chosen["id"])
        if len(matches) > 1:
            check.warn(
                f"[taxes] {rate!r} = {target!r}: {len(matches)} sale taxes have that name; "
                f"using id {chosen['id']} (give the id to choose another)"
            )
        amount = chosen.get("amount")
        if (
            chosen.get("amount_type", "percent") == "percent"
            and isinstance(amount, int | float)
            and Decimal(repr(float(amount))) != Decimal(rate.strip())
        ):
            check.warn(f"[taxes] {rate!r} maps to {chosen.get('name')!r}, a {amount}% tax")
    mapped: set[str] = set()
    for rate in cfg.taxes:
        try:
            mapped.add(normalise_rate(rate))
        except TransformError:
            continue
    unmapped: set[str] = set()
    for value in used:
        for part in str(value).split(";") if not is_empty(value) else []:
            try:
                rate = normalise_rate(part)
            except TransformError:
                unmapped.add(part.strip())
                continue
            if rate not in mapped:
                unmapped.add(rate)
    if unmapped:
        check.warn(
            f"catalog tax rates without a mapping: {', '.join(sorted(unmapped))}; "
            "those products will fail; add them under [taxes]"
        )
