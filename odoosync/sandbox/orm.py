"""The environment of a call, access rights, and the read side of the ORM.

``Env`` is Odoo's ``api.Environment`` in miniature: the store, the user, the context. Reading
follows odoo-facts §4: many2one as ``[id, display_name]``, empty values as ``False``, missing ids
dropped by ``read``; searching goes through ``sandbox/domain.py`` with implicit active filtering
(odoo-facts §5), then the model's ``_order``.
"""

from __future__ import annotations

import base64
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from odoosync.sandbox import catalog_compute
from odoosync.sandbox import domain as domain_mod
from odoosync.sandbox.faults import AccessError, ServerError, UserError, method_frames
from odoosync.sandbox.floats import digits
from odoosync.sandbox.models import COMPANY_DEPENDENT
from odoosync.sandbox.specs import FieldDef
from odoosync.sandbox.store import RecordView, Store


@dataclass
class Env:
    """One call's environment: the store, who calls, and the context."""

    store: Store
    uid: int
    context: dict[str, Any] = field(default_factory=dict)
    #: "admin" (every right), "user" (base.group_user ACLs) or "readonly" (an rpc-read API key)
    role: str = "admin"

    @property
    def version(self) -> int:
        return self.store.version

    def with_context(self, **extra: Any) -> Env:
        return Env(self.store, self.uid, {**self.context, **extra}, self.role)


OPERATION_WORDS = {"read": "access", "write": "modify", "create": "create", "unlink": "delete"}


def check_access(env: Env, model: str, operation: str, *, raise_exception: bool = True) -> bool:
    """``ir.model.access`` for the sandbox's users (observation #36 for the message)."""
    spec = env.store.specs[model]
    if env.role == "admin":
        allowed = True
    elif env.role == "readonly":
        allowed = operation == "read"
    else:
        allowed = operation in spec.user_rights
    if allowed:
        return True
    if not raise_exception:
        return False
    groups = "".join(f"\n\t- {g}" for g in spec.manager_groups)
    raise AccessError(
        f"You are not allowed to {OPERATION_WORDS[operation]} '{spec.description}' ({model}) "
        f"records.\n\nThis operation is allowed for the following groups:{groups}\n\n"
        "Contact your administrator to request access if necessary."
    )


def invalid_field(env: Env, model: str, name: str, where: str) -> ServerError:
    """Observation #17/#18 (17) and odoo19-observations (19: "in" for writes, "on" for reads)."""
    if env.version >= 19:
        text = (
            f"Invalid field {name!r} in {model!r}"
            if where != "read"
            else (f"Invalid field {name!r} on {model!r}")
        )
    else:
        text = f"Invalid field {name!r} on model {model!r}"
    kind = {"create": "create", "read": "multi"}.get(where, "multi")
    return ServerError(f"ValueError: {text}", method_frames(kind, where))


# -- ordering --------------------------------------------------------------------------------


#: Odoo 17's ``regex_order`` (odoo/models.py): ``field [asc|desc] [nulls first|last]``, comma-joined
REGEX_ORDER = re.compile(
    r"""
    ^
    (\s*
        (?P<term>((?P<field>[a-z0-9_]+|"[a-z0-9_]+")(\.(?P<property>[a-z0-9_]+))?(:(?P<func>[a-z_]+))?))
        (\s+(?P<direction>desc|asc))?
        (\s+(?P<nulls>nulls\ first|nulls\ last))?
        \s*
        (,|$)
    )+
    (?<!,)
    $
""",
    re.IGNORECASE | re.VERBOSE,
)


def parse_order(env: Env, model: str, order: str | None) -> list[tuple[str, bool]]:
    """``"name, write_date desc"`` → ``[("name", False), ("write_date", True)]``.

    A malformed ``order`` is ``_check_qorder``'s ``UserError`` (fault 2); an unknown field is
    ``_order_to_sql``'s ``ValueError`` (fault 1). ``nulls first/last`` is accepted (and ignored).
    """
    spec = env.store.specs[model]
    text = order or spec.order
    if order and not REGEX_ORDER.match(order):
        raise UserError(
            f'Invalid "order" specified ({order}). A valid "order" specification is a '
            "comma-separated list of valid field names (optionally followed by asc/desc for the "
            "direction)"
        )
    out: list[tuple[str, bool]] = []
    for part in text.split(","):
        words = part.strip().split()
        if not words:
            continue
        name = words[0].strip('"')
        if env.store.field_def(model, name) is None:
            raise ServerError(
                f"ValueError: Invalid field {name!r} on model {model!r}",
                method_frames("model", "search"),
            )
        out.append((name, len(words) >= 2 and words[1].lower() == "desc"))
    return out


def _sort_value(env: Env, model: str, view: RecordView, name: str) -> Any:
    value = view[name]
    fdef = env.store.field_def(model, name) or {}
    if (value is False and fdef.get("type") != "boolean") or value is None:
        return None
    if fdef.get("type") == "many2one":
        comodel = fdef.get("relation", "")
        rec = env.store.get(comodel, value) if comodel in env.store.tables else None
        if rec is None:
            return None
        by_order = catalog_compute.order_key(env.store, comodel, rec)
        if by_order is not None:  # the comodel's ``_order``, as Odoo sorts a many2one
            return by_order
        return _text_key(env.store.display_name(comodel, env.store.view(comodel, rec)))
    if isinstance(value, str):
        return _text_key(value)
    if isinstance(value, list):
        return tuple(value)
    return value


def _text_key(value: str) -> tuple[str, str]:
    return (value.casefold(), value)


def sort_ids(env: Env, model: str, ids: list[int], order: str | None) -> list[int]:
    """Sort like PostgreSQL: NULLs last ascending, first descending; ties by id."""
    keys = parse_order(env, model, order)
    store = env.store
    table = store.tables[model]
    result = sorted(ids)
    for name, desc in reversed(keys):
        if name == "id":
            result.sort(reverse=desc)
            continue
        values = {i: _sort_value(env, model, store.view(model, table[i]), name) for i in result}
        present = [i for i in result if values[i] is not None]
        missing = [i for i in result if values[i] is None]
        present.sort(key=lambda i: values[i], reverse=desc)
        result = missing + present if desc else present + missing
    return result


# -- searching -------------------------------------------------------------------------------


#: narrow a search's candidates with the store's indexes before the domain runs over them
#: (the benchmark turns it off to measure the full scan; the results are the same either way)
INDEXED_SEARCH = True
#: variant fields with an index in the store (the attribute that holds it)
VARIANT_INDEXES = {"barcode": "barcodes", "default_code": "default_codes"}


def _conjuncts(domain: Sequence[Any]) -> list[Sequence[Any]]:
    """The leaves ANDed at the top level of ``domain`` (none if it is not well formed).

    Every record a search returns satisfies each of them, whatever the rest of the domain says,
    so each may narrow the candidates; the evaluator still checks the whole domain on them.
    """
    leaves: list[Sequence[Any]] = []
    slots: list[bool] = []  # the pending operands of '&', '|', '!': at the top level or not
    for token in domain:
        top = slots.pop() if slots else True  # the top level is an implicit '&'
        if isinstance(token, str):
            if token == "&":
                slots += (top, top)
            elif token == "|":
                slots += (False, False)
            elif token == "!":
                slots.append(False)
            else:
                return []
        elif isinstance(token, list | tuple) and len(token) == 3:
            if top:
                leaves.append(token)
        else:
            return []
    return [] if slots else leaves


def _strings(op: str, right: Any) -> list[str] | None:
    values = [right] if op == "=" else right if op == "in" and isinstance(right, list) else None
    if not values or not all(isinstance(v, str) and v for v in values):
        return None
    return values


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _candidates(env: Env, model: str, domain: Sequence[Any]) -> Iterable[int] | None:
    """Ascending candidate ids from the top-level ``id`` leaves (a range of the store's sorted
    ids, or a set) and the indexes (barcode, default_code, external id by (module, name) and by
    (model, res_id)); None if nothing narrows."""
    store = env.store
    low: tuple[int, bool] | None = None  # (bound, inclusive)
    high: tuple[int, bool] | None = None
    wanted: set[int] | None = None
    leaves = _conjuncts(domain)
    module = next(
        (r for lf, o, r in leaves if lf == "module" and o == "=" and isinstance(r, str)), None
    )
    res_model = next(
        (r for lf, o, r in leaves if lf == "model" and o == "=" and isinstance(r, str)), None
    )
    for left, raw_op, right in leaves:
        if not isinstance(left, str) or not isinstance(raw_op, str):
            continue
        op = raw_op.lower()
        found: set[int] | None = None
        if left == "id":
            if op in {">", ">="} and _is_int(right):
                if low is None or right > low[0] or (right == low[0] and op == ">"):
                    low = (right, op == ">=")
            elif op in {"<", "<="} and _is_int(right):
                if high is None or right < high[0] or (right == high[0] and op == "<"):
                    high = (right, op == "<=")
            elif op == "=" and _is_int(right):
                found = {right}
            elif op in {"in", "="} and isinstance(right, list | tuple) and right:
                found = set(right) if all(_is_int(v) for v in right) else None
        elif left in VARIANT_INDEXES and model in {"product.product", "product.template"}:
            codes = _strings(op, right)
            if codes is not None:
                index = getattr(store, VARIANT_INDEXES[left])
                variant_ids = {v for code in codes for v in index.get(code, ())}
                if model == "product.product":
                    found = variant_ids
                else:
                    variants = store.tables["product.product"]
                    found = {variants[v]["product_tmpl_id"] for v in variant_ids if v in variants}
        elif left == "name" and model == "ir.model.data":
            names = _strings(op, right)
            if names is not None and module is not None:
                found = {i for n in names if (i := store.xmlids.get((module, n))) is not None}
            elif names is not None:
                wanted_names = set(names)
                found = {i for (_m, n), i in store.xmlids.items() if n in wanted_names}
        elif left == "res_id" and model == "ir.model.data" and res_model is not None:
            found = _xmlids_of(env, res_model, op, right)
        if found is not None:
            wanted = found if wanted is None else wanted & found
    if wanted is not None:
        return sorted(i for i in wanted if _in_range(i, low, high))
    if low is None and high is None:
        return None
    ids = store.sorted_ids(model)
    start = 0 if low is None else (bisect_left if low[1] else bisect_right)(ids, low[0])
    stop = len(ids) if high is None else (bisect_right if high[1] else bisect_left)(ids, high[0])
    return map(ids.__getitem__, range(start, stop))


def _xmlids_of(env: Env, res_model: str, op: str, right: Any) -> set[int] | None:
    """External ids of ``res_model`` records ``= id`` or ``in ids`` (the (model, res_id) index;
    None when the leaf is not of that form, or names 0, which the index does not hold)."""
    res_ids = [right] if op == "=" else right if op == "in" else None
    if not isinstance(res_ids, list | tuple) or not res_ids:
        return None
    if not all(_is_int(r) and r > 0 for r in res_ids):
        return None
    index = env.store.xmlids_by_res_id
    return {i for r in res_ids for i in index.get((res_model, r), ())}


def _in_range(value: int, low: tuple[int, bool] | None, high: tuple[int, bool] | None) -> bool:
    if low is not None and (value < low[0] or (value == low[0] and not low[1])):
        return False
    return high is None or value < high[0] or (value == high[0] and high[1])


def _id_order(order: str | None) -> bool:
    """Whether ``order`` is ascending ``id`` alone (the keyset pager's order)."""
    words = (order or "").split()
    return bool(words) and words[0] == "id" and words[1:] in ([], ["asc"], ["ASC"])


def _first_n(offset: Any, limit: Any) -> int | None:
    """How many matches ``offset``/``limit`` can use, or None (all, or not plain numbers)."""
    try:
        start, count = int(offset or 0), int(limit or 0)
    except (TypeError, ValueError):  # search_ids raises it later, where it always did
        return None
    return start + count if start >= 0 and count > 0 else None


def search_ids(
    env: Env,
    model: str,
    domain: Sequence[Any] | None,
    *,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    method: str = "search",
) -> list[int]:
    """Filter with ``domain.filter_ids``, sort by ``order`` (default ``_order``), slice.

    The domain runs only over candidates its top-level ``id``/barcode/external-id leaves allow
    (``_candidates``); ordered by ``id`` with a limit, the walk stops at the last record needed,
    so a keyset page costs its size, not the store's.
    """
    check_access(env, model, "read")
    dom: Any = domain or []  # not a list: domain.py answers what Odoo answers
    active_test = bool(env.context.get("active_test", True))
    candidates: Iterable[int] | None = None
    first_n: int | None = None
    if INDEXED_SEARCH and isinstance(dom, list | tuple):
        candidates = _candidates(env, model, dom)
        if _id_order(order):
            first_n = _first_n(offset, limit)
            if first_n is not None and candidates is None:
                candidates = env.store.sorted_ids(model)
    try:
        ids = domain_mod.filter_ids(
            env.store,
            model,
            dom,
            candidates,
            active_test=active_test,
            version=env.version,
            limit=first_n,
        )
    except domain_mod.DomainError as exc:
        raise ServerError(exc.odoo_message, method_frames("model", method)) from exc
    ids = sort_ids(env, model, ids, order)
    start = int(offset or 0)
    if limit:
        return ids[start : start + int(limit)]
    return ids[start:]


# -- reading ---------------------------------------------------------------------------------


def as_ids(value: Any) -> list[int]:
    """``browse(ids)``: an int or a list of ints."""
    if isinstance(value, bool):
        return [] if value is False else [1]
    if isinstance(value, int):
        return [value]
    if isinstance(value, list | tuple):
        return [int(v) for v in value]
    raise ServerError(
        f"TypeError: unhashable type: {type(value).__name__!r}", method_frames("multi", "browse")
    )


def read_value(
    env: Env, model: str, fdef: FieldDef, value: Any, load: str | None, name: str = ""
) -> Any:
    ftype = fdef["type"]
    if ftype == "many2one":
        if not value:
            return False
        if load != "_classic_read":
            return value
        comodel = fdef.get("relation", "")
        rec = env.store.get(comodel, value) if comodel in env.store.tables else None
        name = env.store.display_name(comodel, env.store.view(comodel, rec)) if rec else ""
        return [value, name]
    if ftype == "one2many" and value and env.context.get("active_test", True):
        return _active_only(env, fdef.get("relation", ""), list(value))
    if ftype == "many2many" and value:
        return _many2many_read(env, fdef, name, list(value))
    if ftype in {"one2many", "many2many"}:
        return list(value or [])
    if value is None:
        return False
    if ftype == "binary" and value and _bin_size(env, name):
        return human_size(len(base64.b64decode(value)))
    return value


#: many2many fields with a ``domain`` that ``Many2many.read`` applies: (field, comodel field,
#: value); a purchase tax written in ``taxes_id`` is stored but not read back
MANY2MANY_DOMAINS: dict[str, tuple[str, str]] = {
    "taxes_id": ("type_tax_use", "sale"),
    "supplier_taxes_id": ("type_tax_use", "purchase"),
}


def _many2many_read(env: Env, fdef: FieldDef, name: str, ids: list[int]) -> list[int]:
    """``Many2many.read`` is a search on the comodel: its ``active_test``, the field's domain,
    the comodel's ``_order`` (real 19: ``[1, 3]`` for a ``[(6, 0, [3, 1])]``)."""
    comodel = fdef.get("relation", "")
    table = env.store.tables.get(comodel)
    if table is None:
        return ids
    ids = [i for i in dict.fromkeys(ids) if i in table]
    if env.context.get("active_test", True):
        ids = _active_only(env, comodel, ids)
    if name in MANY2MANY_DOMAINS and comodel == "account.tax":
        field, wanted = MANY2MANY_DOMAINS[name]
        ids = [i for i in ids if table[i].get(field) == wanted]
    if len(ids) < 2:
        return ids
    return sort_ids(env, comodel, ids, None)


def _active_only(env: Env, comodel: str, ids: list[int]) -> list[int]:
    """A one2many reads as a search on its comodel: archived records are left out."""
    spec = env.store.specs.get(comodel)
    if spec is None or not spec.has_active:
        return ids
    table = env.store.tables[comodel]
    return [i for i in ids if i in table and table[i].get("active", True)]


def _bin_size(env: Env, name: str) -> bool:
    """Context ``bin_size`` / ``bin_size_<field>``: binaries read as their size (fields.Binary)."""
    ctx = env.context
    return bool(ctx.get("bin_size") or ctx.get(f"bin_size_{name}"))


def human_size(size: int) -> str | bool:
    """``odoo.tools.misc.human_size``: ``"%0.2f %s"`` in bytes/Kb/Mb/Gb/Tb."""
    if not size:
        return False
    units = ("bytes", "Kb", "Mb", "Gb", "Tb")
    value, i = float(size), 0
    while value >= 1024 and i < len(units) - 1:
        value /= 1024
        i += 1
    return f"{value:0.2f} {units[i]}"


def read_records(
    env: Env, model: str, ids: Iterable[int], fields: Sequence[str] | None, load: str | None
) -> list[dict[str, Any]]:
    """``read``: values per odoo-facts §4, missing ids silently dropped (observation #26)."""
    check_access(env, model, "read")
    store = env.store
    all_fields = store.fields(model)
    names = list(fields) if fields else [n for n in all_fields if n != "id"]
    for name in names:
        if name not in all_fields:
            raise invalid_field(env, model, name, "read")
    table = store.tables[model]
    out = []
    for rec_id in ids:
        rec = table.get(rec_id)
        if rec is None:
            continue
        view = store.view(model, rec)
        row: dict[str, Any] = {"id": rec_id}
        for name in names:
            if name != "id":
                row[name] = read_value(env, model, all_fields[name], view[name], load, name)
        out.append(row)
    return out


_PRODUCT_TRANSLATED = frozenset(
    {
        "name",
        "description",
        "description_picking",
        "description_pickingin",
        "description_pickingout",
        "description_purchase",
        "description_sale",
        "uom_name",
    }
)
#: the ``translate=True`` fields of the served models, as real 17/19 ``fields_get`` lists them
#: (every other char/text/html field answers ``translate: False``)
TRANSLATED: dict[str, frozenset[str]] = {
    "product.template": _PRODUCT_TRANSLATED,
    "product.product": _PRODUCT_TRANSLATED,
    "product.attribute": frozenset({"name"}),
    "product.attribute.value": frozenset({"name"}),
}


def fields_get(
    env: Env, model: str, allfields: Sequence[str] | None, attributes: Sequence[str] | None
) -> dict[str, dict[str, Any]]:
    """``fields_get`` (odoo-facts §4): the field definitions, restricted to ``attributes``.

    As ``BaseModel.fields_get`` and ``Field.get_description``: ``attributes=[]`` gives empty
    descriptions (only ``None`` means all), attributes whose value is None (``help``) are left
    out; unknown names in ``allfields`` are ignored. A variant's template fields are
    ``_inherits`` related fields (not stored); company-dependent fields have no column up to 17.
    """
    out: dict[str, dict[str, Any]] = {}
    dependent = COMPANY_DEPENDENT.get(model, frozenset())
    own = env.store.specs[model].fields
    for name, fdef in env.store.fields(model).items():
        if allfields and name not in allfields:
            continue
        company_dependent = name in dependent
        stored = bool(fdef.get("store", True)) and not (company_dependent and env.version <= 17)
        # sortable: a column, or an inherited field whose template field has one
        sortable = stored and fdef["type"] not in {"one2many", "many2many"}
        if model == "product.product" and name not in own:
            stored = False
        desc: dict[str, Any] = {
            "name": name,
            "type": fdef["type"],
            "string": fdef.get("string", name),
            "required": bool(fdef.get("required")),
            "readonly": bool(fdef.get("readonly")),
            "store": stored,
            "searchable": True,
            "sortable": sortable,
            "manual": bool(fdef.get("manual")),
            "company_dependent": company_dependent,
            "help": fdef.get("help", False) or False,
        }
        if desc["help"] is False:
            del desc["help"]
        if "relation" in fdef:
            desc["relation"] = fdef["relation"]
        if fdef["type"] == "selection":
            desc["selection"] = [list(p) for p in fdef.get("selection", [])]
        float_digits = digits(model, name, fdef, env.version)
        if float_digits is not None:
            desc["digits"] = list(float_digits) if isinstance(float_digits, tuple) else False
        if fdef["type"] in {"char", "text", "html"}:
            desc["translate"] = name in TRANSLATED.get(model, ())
            if fdef["type"] == "char":  # ``fields.Char.trim`` (a web client hint), True here
                desc["trim"] = True
        if attributes is not None:
            desc = {k: v for k, v in desc.items() if k in attributes}
        out[name] = desc
    return out
