"""The public model methods callable over RPC, and ``call_kw`` (odoo-facts §1.3, §4).

``BaseModel`` is named like Odoo's so that Python's own argument errors read as Odoo's do
(``TypeError: BaseModel.write() missing 1 required positional argument: 'vals'``). A method's
``kind`` ("model", "create" or "multi") decides whether ``args[0]`` are ids, as ``api.call_kw``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from odoosync.sandbox import stock, variants
from odoosync.sandbox.faults import (
    AccessError,
    OdooException,
    ServerError,
    UserError,
    create_without_positional_vals,
    method_frames,
    python_error,
    unknown_method,
)
from odoosync.sandbox.load import load_rows
from odoosync.sandbox.orm import (
    Env,
    as_ids,
    check_access,
    fields_get,
    read_records,
    search_ids,
    sort_ids,
)
from odoosync.sandbox.records import missing
from odoosync.sandbox.writes import (
    copy_record,
    create_records,
    defaults,
    unlink_records,
    write_records,
)

#: fields the sandbox fills on create but that have no ``default=`` in Odoo (so ``default_get``
#: leaves them out)
NO_FIELD_DEFAULT = frozenset({("product.template", "company_id")})


class BaseModel:
    """A recordset: ``env``, ``model`` and ``ids`` (empty for ``@api.model`` methods)."""

    def __init__(self, env: Env, model: str, ids: list[int]) -> None:
        self.env = env
        self._name = model
        self.ids = ids

    # @api.model ---------------------------------------------------------------------------

    def search(
        self,
        domain: Any = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        **kwargs: Any,
    ) -> Any:
        count = kwargs.pop("count", False)
        if kwargs or (count and self.env.version >= 17):
            name = next(iter(kwargs or {"count": 1}))
            raise TypeError(f"BaseModel.search() got an unexpected keyword argument '{name}'")
        ids = search_ids(self.env, self._name, domain, offset=offset, limit=limit, order=order)
        return len(ids) if count else ids

    def search_count(self, domain: Any = None, limit: int | None = None) -> int:
        ids = search_ids(self.env, self._name, domain, method="search_count", order="id")
        return min(len(ids), int(limit)) if limit else len(ids)

    def search_read(
        self,
        domain: Any = None,
        fields: Sequence[str] | None = None,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        load: str | None = "_classic_read",
    ) -> list[dict[str, Any]]:
        ids = search_ids(
            self.env,
            self._name,
            domain,
            offset=offset,
            limit=limit,
            order=order,
            method="search_read",
        )
        return read_records(self.env, self._name, ids, fields, load)

    def name_search(
        self,
        name: str = "",
        args: Any = None,
        operator: str = "ilike",
        limit: int = 100,
        **kwargs: Any,
    ) -> list[list[Any]]:
        """``name_search``: kwarg ``args`` up to 17, ``domain`` from 18 (odoo-facts §4)."""
        if self.env.version >= 18:
            if "args" in kwargs or (args is not None and "domain" in kwargs):
                raise TypeError("BaseModel.name_search() got an unexpected keyword argument 'args'")
            args = kwargs.pop("domain", args)
        if kwargs:
            key = next(iter(kwargs))
            raise TypeError(f"BaseModel.name_search() got an unexpected keyword argument '{key}'")
        store = self.env.store
        ids = search_ids(self.env, self._name, args or [], method="name_search")
        if name:
            matched = store.name_search_ids(self._name, name, operator)
            ids = [i for i in ids if i in matched]
        ids = ids[: int(limit)] if limit else ids
        table = store.tables[self._name]
        return [[i, store.display_name(self._name, store.view(self._name, table[i]))] for i in ids]

    def name_create(self, name: str) -> list[Any]:
        rec_name = "name"
        new_id = create_records(self.env, self._name, [{rec_name: name}])[0]
        store = self.env.store
        rec = store.tables[self._name][new_id]
        return [new_id, store.display_name(self._name, store.view(self._name, rec))]

    def fields_get(
        self, allfields: Sequence[str] | None = None, attributes: Sequence[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        return fields_get(self.env, self._name, allfields, attributes)

    def default_get(self, fields_list: Sequence[str]) -> dict[str, Any]:
        values = defaults(self.env, self._name)
        all_fields = self.env.store.fields(self._name)
        out: dict[str, Any] = {}
        for name in fields_list:
            if (self._name, name) in NO_FIELD_DEFAULT and f"default_{name}" not in self.env.context:
                continue
            if name in values and name in all_fields:
                value = values[name]
                if all_fields[name]["type"] in {"one2many", "many2many"}:
                    value = [[6, 0, list(value)]]
                out[name] = value
        return out

    def check_access_rights(self, operation: str, raise_exception: bool = True) -> bool | None:
        """18+ keeps it, deprecated: ``return self.browse().check_access(operation)`` when
        raising, i.e. None (a marshalling fault over XML-RPC); ``has_access`` otherwise."""
        if operation not in {"read", "write", "create", "unlink"}:
            raise ValueError(f"Invalid access mode {operation!r}")
        allowed = check_access(self.env, self._name, operation, raise_exception=raise_exception)
        if self.env.version >= 18 and raise_exception:
            return None
        return allowed

    def has_access(self, operation: str) -> bool:
        """18+: whether the user may ``operation`` on the records (no records: the model)."""
        return check_access(self.env, self._name, operation, raise_exception=False)

    def check_access(self, operation: str) -> None:
        """18+: AccessError (fault 4) if not allowed, else None (fault 1 once marshalled)."""
        check_access(self.env, self._name, operation)

    def context_get(self) -> dict[str, Any]:
        """``res.users.context_get`` (``@api.model``): the caller's ``lang``, ``tz`` and ``uid``,
        as real Odoo 19 answers the admin: ``{"lang": "en_US", "tz": false, "uid": 2}``
        (odoo19-observations); the sandbox's users have no language or time zone of their own."""
        return {"lang": "en_US", "tz": False, "uid": self.env.uid}

    def load(self, fields: Sequence[str], data: Sequence[Sequence[Any]]) -> dict[str, Any]:
        return load_rows(self.env, self._name, list(fields), [list(r) for r in data])

    # @api.model_create_multi ---------------------------------------------------------------

    def create(self, vals_list: Any) -> Any:
        if isinstance(vals_list, dict):
            return create_records(self.env, self._name, [vals_list])[0]
        if not isinstance(vals_list, list):
            raise AttributeError(f"'{type(vals_list).__name__}' object has no attribute 'items'")
        return create_records(self.env, self._name, vals_list)

    # multi ---------------------------------------------------------------------------------

    def read(self, fields: Sequence[str] | None = None, load: str = "_classic_read") -> Any:
        return read_records(self.env, self._name, self.ids, fields, load)

    def write(self, vals: dict[str, Any]) -> bool:
        return write_records(self.env, self._name, self.ids, vals)

    def unlink(self) -> bool:
        return unlink_records(self.env, self._name, self.ids)

    def exists(self) -> list[int]:
        table = self.env.store.tables[self._name]
        return [i for i in self.ids if i in table]

    def copy(self, default: dict[str, Any] | None = None) -> Any:
        existing = self.exists()
        if len(self.ids) != 1:
            inner = ", ".join(map(str, self.ids)) + ("," if len(self.ids) == 1 else "")
            raise ValueError(f"Expected singleton: {self._name}({inner})")
        if not existing:
            raise missing(self._name, self.ids, self.env.uid)
        check_access(self.env, self._name, "create")
        new_id = copy_record(self.env, self._name, self.ids[0], default)
        return [new_id] if self.env.version >= 18 else new_id

    def get_external_id(self) -> dict[int, str]:
        """``{id: 'module.name' or ''}``: int keys, so over XML-RPC the marshaller fails with
        fault 1 ``TypeError: dictionary key must be string`` (odoo-facts §1.6, §4)."""
        store = self.env.store
        data = store.tables["ir.model.data"]
        xmlids: dict[int, str] = {}
        for res_id in self.ids:
            for xid in sorted(store.xmlids_by_res_id.get((self._name, res_id), ())):
                rec = data[xid]
                xmlids[res_id] = f"{rec['module']}.{rec['name']}"
        return {i: xmlids.get(i, "") for i in self.ids}

    def name_get(self) -> list[list[Any]]:
        store = self.env.store
        table = store.tables[self._name]
        return [
            [i, store.display_name(self._name, store.view(self._name, table[i]))]
            for i in self.ids
            if i in table
        ]

    def toggle_active(self) -> None:
        """Returns None: over XML-RPC the change commits, then marshalling fails (§1.6)."""
        store = self.env.store
        for rec_id in self.exists():
            active = bool(store.view(self._name, store.tables[self._name][rec_id])["active"])
            write_records(self.env, self._name, [rec_id], {"active": not active})
        self._sync_template_active()

    def action_archive(self) -> None:
        store = self.env.store
        table = store.tables[self._name]
        ids = [i for i in self.exists() if store.view(self._name, table[i])["active"]]
        if ids:
            write_records(self.env, self._name, ids, {"active": False})
        self._sync_template_active()

    def action_unarchive(self) -> None:
        store = self.env.store
        table = store.tables[self._name]
        ids = [i for i in self.exists() if not store.view(self._name, table[i])["active"]]
        if ids:
            write_records(self.env, self._name, ids, {"active": True})
        self._sync_template_active()

    def _sync_template_active(self) -> None:
        if self._name == "product.product":
            variants.sync_template_active(self.env, self.exists())

    def action_apply_inventory(self) -> None:
        """``stock.quant``: apply the counted quantities; None, so fault 1 after the commit."""
        check_access(self.env, self._name, "write")
        stock.apply_inventory(self.env, self.ids)


MODEL_METHODS = frozenset(
    {
        "search",
        "search_count",
        "search_read",
        "name_search",
        "name_create",
        "fields_get",
        "default_get",
        "check_access_rights",
        "load",
        "context_get",
    }
)
CREATE_METHODS = frozenset({"create"})
MULTI_METHODS = frozenset(
    {
        "read",
        "write",
        "unlink",
        "exists",
        "copy",
        "name_get",
        "get_external_id",
        "toggle_active",
        "action_archive",
        "action_unarchive",
        "action_apply_inventory",
    }
)
#: methods only some models have
MODEL_ONLY_METHODS = {
    "action_apply_inventory": frozenset({"stock.quant"}),
    "context_get": frozenset({"res.users"}),
}
#: record methods that exist from Odoo 18 (models.py: check_access/has_access replace
#: check_access_rights/check_access_rule, DOC-CHG 18.0)
METHODS_18 = frozenset({"has_access", "check_access"})


def method_kind(method: str) -> str:
    if method in MODEL_METHODS:
        return "model"
    if method in CREATE_METHODS:
        return "create"
    return "multi"


def available_methods(version: int, model: str | None = None) -> frozenset[str]:
    """The public methods ``model`` answers in ``version`` (18 drops ``name_get``; some methods
    exist on one model only, e.g. ``stock.quant.action_apply_inventory``)."""
    available = MODEL_METHODS | CREATE_METHODS | MULTI_METHODS
    if version >= 18:
        available = (available - {"name_get"}) | METHODS_18
    if model is not None:
        available = frozenset(
            m for m in available if model in MODEL_ONLY_METHODS.get(m, frozenset({model}))
        )
    return available


def check_context(env: Env) -> None:
    """``allowed_company_ids`` outside the user's companies: AccessError (odoo-facts §5)."""
    companies = env.context.get("allowed_company_ids")
    if companies and any(c not in env.store.tables["res.company"] for c in companies):
        raise AccessError("Access to unauthorized or invalid companies.")


def call_kw(env: Env, model: str, method: str, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
    """``odoo.api.call_kw``: pick ids from ``args[0]`` for multi methods, pop the context."""
    if method not in available_methods(env.version, model):
        raise unknown_method(model, method, env.version)
    kind = method_kind(method)
    kwargs = dict(kwargs)
    context = kwargs.pop("context", None) or {}
    if not isinstance(context, dict):
        raise python_error(
            ValueError("dictionary update sequence element #0 has length 1"), kind, method
        )
    env = env.with_context(**context)
    check_context(env)
    args = list(args)
    ids: list[int] = []
    if kind == "multi":
        if not args:
            raise python_error(IndexError("tuple index out of range"), kind, method)
        ids = as_ids(args.pop(0))
    recs = BaseModel(env, model, ids)
    func: Callable[..., Any] = getattr(recs, method)
    try:
        result = func(*args, **kwargs)
        if kind == "create" and not args:  # vals passed by keyword: args[0] fails after create
            raise create_without_positional_vals()
        return result
    except OdooException:
        raise
    except (TypeError, ValueError, AttributeError, IndexError, KeyError) as exc:
        raise python_error(exc, kind, method) from exc


__all__ = ["BaseModel", "ServerError", "UserError", "call_kw", "method_frames", "sort_ids"]
