"""Commands: mappings list, add, remove, validate."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from odoosync.mapping.model import MAPPING_TYPES, MODELS

if TYPE_CHECKING:
    from odoosync.mapping.model import MappingConfig

from odoosync.cli.app import app
from odoosync.cli.common import client_from_settings, settings_from_globals
from odoosync.cli.output import console, emit_json, error_console, info
from odoosync.errors import CatalogError, ExitCode, UsageError

mappings_app = typer.Typer(
    help=(
        "Field mappings between catalog columns and Odoo fields (mapping.toml)."
        "\n\nExample: odoosync mappings list --json"
    ),
    no_args_is_help=True,
)
app.add_typer(mappings_app, name="mappings")


def _mapping_path() -> Path:
    return settings_from_globals().mapping_path


def _load_or_empty(path: Path) -> MappingConfig:
    from odoosync.mapping.model import MappingConfig, load_mapping

    if path.exists():
        return load_mapping(path)
    return MappingConfig(path=path, fields=())


@mappings_app.command("list")
def list_(json_: bool = typer.Option(False, "--json", help="Print a JSON array.")) -> None:
    """List active and inactive mappings, highest priority first.

    Example: odoosync mappings list --json
    """
    from rich.table import Table

    from odoosync.mapping.model import load_mapping

    path = _mapping_path()
    cfg = load_mapping(path)
    ordered = cfg.ordered()
    if json_:
        emit_json([asdict(m) for m in ordered])
        return
    table = Table("prio", "local field", "", "odoo field", "type", "flags", title=str(path))
    for m in ordered:
        target = (
            m.odoo_field if m.odoo_model == "product.template" else f"{m.odoo_model}:{m.odoo_field}"
        )
        flags = [
            name for name, on in (("required", m.is_required), ("inactive", not m.is_active)) if on
        ]
        table.add_row(
            str(m.priority),
            m.local_field,
            "⇄" if m.is_bidirectional else "→",
            target,
            m.transform or m.mapping_type,
            " ".join(flags),
        )
    console().print(table)
    info(f"{len(cfg.active())} active, {len(ordered) - len(cfg.active())} inactive mapping(s).")


@mappings_app.command("add")
def add(
    local: str = typer.Argument(..., help="The catalog column."),
    odoo: str = typer.Argument(..., help="The Odoo field."),
    model: str = typer.Option("product.template", "--model", help=" | ".join(MODELS)),
    type_: str | None = typer.Option(
        None, "--type", help=f"{' | '.join(MAPPING_TYPES)} (default: from --transform or x_)"
    ),
    transform: str | None = typer.Option(None, "--transform", help="A named transform."),
    required: bool = typer.Option(False, "--required", help="Products without it fail."),
    one_way: bool = typer.Option(False, "--one-way", help="Export only; imports skip it."),
    inactive: bool = typer.Option(False, "--inactive", help="Keep it in the file, unused."),
    priority: int = typer.Option(0, "--priority", help="Higher first (and in fields_synced)."),
) -> None:
    """Add a mapping, or replace the one for the same catalog column and model.

    Example: odoosync mappings add supplier_reference default_code --priority 10
    """
    from odoosync.mapping.model import FieldMapping, save_mapping

    path = _mapping_path()
    if type_ is None:
        type_ = "transform" if transform else "custom" if odoo.startswith("x_") else "direct"
    mapping = FieldMapping(
        local_field=local,
        odoo_field=odoo,
        odoo_model=model,
        mapping_type=type_,
        transform=transform,
        is_required=required,
        is_bidirectional=not one_way,
        is_active=not inactive,
        priority=priority,
    )
    cfg = _load_or_empty(path)
    replaced = any(m.local_field == local and m.odoo_model == model for m in cfg.fields)
    save_mapping(cfg.with_mapping(mapping), path)  # validates before writing
    info(f"{'Replaced' if replaced else 'Added'} {local} → {model}.{odoo} in {path}.")


@mappings_app.command("remove")
def remove(local: str = typer.Argument(..., help="The catalog column.")) -> None:
    """Remove the mappings of a catalog column.

    Example: odoosync mappings remove brand_name
    """
    from odoosync.mapping.model import load_mapping, save_mapping

    path = _mapping_path()
    cfg = load_mapping(path)
    if not any(m.local_field == local for m in cfg.fields):
        known = ", ".join(sorted({m.local_field for m in cfg.fields})) or "none"
        raise UsageError(f"no mapping for {local!r} in {path} (mapped columns: {known}).")
    save_mapping(cfg.without(local), path)
    info(f"Removed the mapping of {local} from {path}.")


@mappings_app.command("validate")
def validate(
    create_custom_fields: bool = typer.Option(
        False, "--create-custom-fields", help="Create missing x_ fields in Odoo (admin rights)."
    ),
    json_: bool = typer.Option(False, "--json", help="Print a JSON document."),
) -> None:
    """Check mappings against the catalog's columns and Odoo's fields, categories and taxes.

    Exit 3 when something must be fixed. Example: odoosync mappings validate --create-custom-fields
    """
    from odoosync.catalog.base import distinct_values
    from odoosync.mapping.catalog_check import catalog_table_columns
    from odoosync.mapping.check import check_mapping
    from odoosync.mapping.model import load_mapping

    settings = settings_from_globals()
    cfg = load_mapping(settings.mapping_path)
    columns: list[str] | None = None
    values: dict[str, list[object]] = {}
    catalog_problem: str | None = None
    try:
        catalog = settings.catalog.open()
        columns = catalog.columns()
        wanted = [m.local_field for m in cfg.active() if m.local_field in columns]
        wanted += [c for c in catalog_table_columns(cfg) if c in columns and c not in wanted]
        values = distinct_values(catalog, wanted)
    except CatalogError as exc:
        catalog_problem = str(exc)
    with client_from_settings(settings) as client:
        check = check_mapping(
            cfg,
            client,
            columns=columns,
            column_values=values,
            create_custom_fields=create_custom_fields,
        )
    if catalog_problem:
        check.error(f"catalog not checked: {catalog_problem}")
    if json_:
        emit_json(check.to_json())
    else:
        out = console()
        for created in check.created_fields:
            out.print(f"+ created custom field {created}", markup=False)
        for issue in check.issues:
            mark = "✗" if issue.level == "error" else "!"
            where = f"{issue.local_field} → {issue.odoo_field}: " if issue.local_field else ""
            out.print(f"{mark} {where}{issue.message}", markup=False)
        errors = sum(1 for i in check.issues if i.level == "error")
        summary = f"{check.mappings} mapping(s) checked: {errors} error(s), "
        summary += f"{len(check.issues) - errors} warning(s)."
        (out if check.ok else error_console()).print(summary, markup=False)
    if not check.ok:
        raise typer.Exit(ExitCode.CONFIG)
