"""What a model is made of: field definitions and the model spec, shared by every model module.

``models`` (the product, accounting and technical models) and ``catalog_models`` (attributes,
vendors, stock) both build their specs from these; the store and the ORM read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FieldDef = dict[str, Any]

#: value types whose empty value reads as False (odoo-facts §4 ``read``)
RELATIONAL = frozenset({"many2one", "one2many", "many2many"})
X2MANY = frozenset({"one2many", "many2many"})


@dataclass
class ModelSpec:
    """One model: name, description (the ACL messages' document kind), fields, order."""

    name: str
    description: str
    order: str
    fields: dict[str, FieldDef]
    #: groups named in access-denied messages for create/write/unlink (observation #36)
    manager_groups: tuple[str, ...] = ("Administration/Settings",)
    #: what an internal user (base.group_user) may do: subset of read/write/create/unlink
    user_rights: frozenset[str] = frozenset({"read"})
    parent_field: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)

    @property
    def has_active(self) -> bool:
        return "active" in self.fields


def field_def(ftype: str, string: str, **extra: Any) -> FieldDef:
    """A field as ``fields_get`` describes it: not required, not read-only unless ``extra`` says."""
    out: FieldDef = {"type": ftype, "string": string, "required": False, "readonly": False}
    out.update(extra)
    return out


def magic_fields() -> dict[str, FieldDef]:
    """The fields every model has (``id``, ``display_name``, create/write date and user)."""
    return {
        "id": field_def("integer", "ID", readonly=True),
        "display_name": field_def("char", "Display Name", readonly=True, store=False),
        "create_date": field_def("datetime", "Created on", readonly=True),
        "create_uid": field_def("many2one", "Created by", relation="res.users", readonly=True),
        "write_date": field_def("datetime", "Last Updated on", readonly=True),
        "write_uid": field_def("many2one", "Last Updated by", relation="res.users", readonly=True),
    }


def type_default(fdef: FieldDef) -> Any:
    """What ``read`` returns for a field that has no stored value."""
    ftype = fdef["type"]
    if ftype in X2MANY:
        return []
    if ftype == "boolean":
        return False
    if ftype == "integer" or ftype == "many2one_reference":
        return 0
    if ftype in {"float", "monetary"}:
        return 0.0
    return False
