"""``load(fields, data)``: Odoo 17's import engine (``odoo/models.py`` ``load``,
``_extract_records``, ``_convert_records``, ``_load_records``; ``ir_fields.py`` converters).

* Column names go through ``fix_import_export_id_paths`` (``x.id`` → ``x/.id``, ``x:id`` →
  ``x/id``); an unknown field name is **not** a message: ``_extract_records`` raises
  ``ValueError: Invalid field name 'x'`` (fault 1).
* Every cell is a string. An empty cell (or an empty relational column) becomes ``False`` and is
  *sent*: it overrides the default (an empty ``taxes_id`` column creates a product without
  taxes). Non-empty cells are converted as ``ir.fields.converter`` does, without stripping;
  conversion errors are logged per field and the row still goes on to be created (so it may
  collect further messages).
* Messages: ``{rows: {from, to}, type, record, field, message[, moreinfo, field_name]}``;
  create/write errors: ``{rows, record, type, message}`` (``field`` for NOT NULL violations).
* Rows are created in one batch; if the batch fails they are retried one by one, each in its own
  savepoint, and a batch ``UserError`` is put first (with the first row's position) when the
  one-by-one pass fails too. After 10 errors (and one per 10 rows) a warning ends the pass.
* Any error rolls the whole load back: ``ids`` is ``False``. Nothing raises for data errors,
  access errors included (``AccessError`` is a ``UserError``).
* ``id``: an external id (module from the prefix, else context ``module``, else ``__import__``);
  an existing one updates its record, a stale one (record deleted) is replaced. ``.id``: a
  database id of an existing *active* record (``search``), else "Unknown database identifier".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from odoosync.sandbox.faults import (
    NotNullViolation,
    OdooException,
    ServerError,
    UserError,
    ValidationError,
    method_frames,
)
from odoosync.sandbox.models import X2MANY, FieldDef
from odoosync.sandbox.orm import Env, sort_ids

REFERENCING = {None, "id", ".id"}
TRUES = {"1", "true", "yes"}
FALSES = {"", "0", "false", "no"}
TOO_MANY = (
    "Found more than 10 errors and more than one error per 10 records, interrupted to avoid "
    "showing too many errors."
)


class _ConvError(Exception):
    """A converter's ``ValueError``: ``args[1]`` (if any) is merged into the message."""

    def __init__(self, message: str, info: dict[str, Any] | None = None, *, has_info: bool = True):
        super().__init__(message)
        self.message = message
        self.info = info
        self.has_info = has_info


def fix_paths(name: str) -> list[str]:
    """``fix_import_export_id_paths``."""
    fixed = re.sub(r"([^/])\.id", r"\1/.id", name)
    fixed = re.sub(r"([^/]):id", r"\1/id", fixed)
    return fixed.split("/")


def _active_ok(env: Env, model: str, rec_id: int) -> bool:
    """``search([('id', '=', rec_id)])``: exists, and active unless ``active_test`` is off."""
    store = env.store
    rec = store.tables.get(model, {}).get(rec_id)
    if rec is None:
        return False
    if not store.specs[model].has_active or not env.context.get("active_test", True):
        return True
    return bool(store.view(model, rec)["active"])


def _action(comodel: str, subfield: str | None) -> dict[str, Any]:
    action: dict[str, Any] = {
        "name": "Possible Values",
        "type": "ir.actions.act_window",
        "target": "new",
        "view_mode": "tree,form",
        "views": [[False, "list"], [False, "form"]],
        "context": {"create": False},
        "help": "See all possible values",
    }
    if subfield is None:
        action["res_model"] = comodel
    else:
        action["res_model"] = "ir.model.data"
        action["domain"] = [["model", "=", comodel]]
    return action


def _module(env: Env) -> str:
    return str(env.context.get("module") or "__import__")


def _lookup_xmlid(env: Env, xmlid: str) -> dict[str, Any] | None:
    module, _, name = xmlid.partition(".")
    data_id = env.store.xmlids.get((module, name))
    return None if data_id is None else env.store.tables["ir.model.data"][data_id]


def _db_id_for(
    env: Env, fdef: FieldDef, subfield: str | None, value: str, warnings: list[str]
) -> int | bool:
    """``ir.fields.converter.db_id_for``."""
    comodel = str(fdef.get("relation", ""))
    store = env.store
    found: int | None = None
    if subfield == ".id":
        field_type = "database id"
        if value.lower() in FALSES:
            return False
        try:
            tentative = int(value)
        except ValueError:
            tentative = None
        if tentative is not None and _active_ok(env, comodel, tentative):
            found = tentative
    elif subfield == "id":
        field_type = "external id"
        if value.lower() in FALSES:
            return False
        xmlid = value if "." in value else f"{_module(env)}.{value}"
        row = _lookup_xmlid(env, xmlid)
        if row is not None and int(row.get("res_id") or 0) in store.tables.get(row["model"], {}):
            if row["model"] != comodel:
                raise _ConvError(
                    f"Invalid external ID {xmlid}: expected model {comodel!r}, found "
                    f"{row['model']!r}",
                    has_info=False,
                )
            found = int(row["res_id"])
    else:
        field_type = "name"
        if value == "":
            return False
        matched = [
            i for i in store.name_search_ids(comodel, value, "=") if _active_ok(env, comodel, i)
        ]
        ordered = sort_ids(env, comodel, matched, None)[:100]
        if len(ordered) > 1:
            warnings.append(
                f"Found multiple matches for value '{value}' in field '%(field)s' "
                f"({len(ordered)} matches)"
            )
        if ordered:
            found = ordered[0]
    if found is None:
        raise _ConvError(
            f"No matching record found for {field_type} '{value}' in field '%(field)s'",
            {"moreinfo": _action(comodel, subfield)},
        )
    return found


def _subfield(record: dict[str | None, str]) -> str | None:
    """``_referencing_subfield``."""
    keys = set(record)
    if keys - REFERENCING:
        raise _ConvError(
            "Can not create Many-To-One records indirectly, import the field separately",
            has_info=False,
        )
    if len(keys) > 1:
        raise _ConvError(
            "Ambiguous specification for field '%(field)s', only provide one of name, "
            "external id or database id",
            has_info=False,
        )
    [sub] = keys
    return sub


def _convert(env: Env, fdef: FieldDef, value: Any, warnings: list[str]) -> Any:
    """One non-empty value, as the ``_str_to_<type>`` converter of its field type."""
    ftype = fdef["type"]
    if ftype == "boolean":
        low = value.lower()
        if low in TRUES:
            return True
        if low in FALSES:
            return False
        raise _ConvError(
            f"Unknown value '{value}' for boolean field '%(field)s'",
            {"moreinfo": "Use '1' for yes and '0' for no"},
        )
    if ftype in {"integer", "many2one_reference"}:
        try:
            return int(value)
        except ValueError:
            raise _ConvError(
                f"'{value}' does not seem to be an integer for field '%(field)s'"
            ) from None
    if ftype in {"float", "monetary"}:
        try:
            return float(value)
        except ValueError:
            raise _ConvError(
                f"'{value}' does not seem to be a number for field '%(field)s'"
            ) from None
    if ftype == "date":
        try:
            return datetime.strptime(value[:10], "%Y-%m-%d").strftime("%Y-%m-%d")
        except ValueError:
            raise _ConvError(
                f"'{value}' does not seem to be a valid date for field '%(field)s'",
                {"moreinfo": "Use the format '2012-12-31'"},
            ) from None
    if ftype == "datetime":
        try:
            fmt = "%Y-%m-%d" if len(value) == 10 else "%Y-%m-%d %H:%M:%S"
            return datetime.strptime(value[:19], fmt).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise _ConvError(
                f"'{value}' does not seem to be a valid datetime for field '%(field)s'",
                {"moreinfo": "Use the format '2012-12-31 23:59:59'"},
            ) from None
    if ftype == "selection":
        selection = fdef.get("selection", [])
        for key, label in selection:
            if value.lower() in (str(key).lower(), str(label).lower()):
                return key
        raise _ConvError(
            f"Value '{value}' not found in selection field '%(field)s'",
            {"moreinfo": [label or str(key) for key, label in selection if label or key]},
        )
    if ftype == "many2one":
        [record] = value
        sub = _subfield(record)
        return _db_id_for(env, fdef, sub, record[sub], warnings)
    if ftype == "many2many":
        [record] = value
        sub = _subfield(record)
        ids = [_db_id_for(env, fdef, sub, ref, warnings) for ref in record[sub].split(",")]
        return [[6, 0, [i for i in ids if i]]]
    if ftype == "one2many":
        [record] = value if len(value) == 1 else [value[0]]
        if set(record) - REFERENCING:  # the row's sub-record: its fields as columns
            return [[0, 0, _sub_record(env, str(fdef.get("relation", "")), record, warnings)]]
        sub = _subfield(record)
        ids = [_db_id_for(env, fdef, sub, ref, warnings) for ref in record[sub].split(",")]
        return [[4, i, 0] for i in ids if i]
    return value  # char, text, html, binary, reference: as given


def _sub_record(
    env: Env, comodel: str, record: dict[str | None, Any], warnings: list[str]
) -> dict[str, Any]:
    """``_str_to_one2many`` for a row holding one line's fields (``lines/field[/id]``): the
    line's values converted with the comodel's converters, for a ``(0, 0, values)`` command."""
    fields = env.store.fields(comodel)
    out: dict[str, Any] = {}
    for path, cell in record.items():
        fname, _, subfield = str(path).partition("/")
        fdef = fields.get(fname)
        if fdef is None:
            raise ServerError(
                f"ValueError: Invalid field name {fname!r}", method_frames("model", "load")
            )
        if not cell:
            out[fname] = False
        elif fdef["type"] in {"many2one", *X2MANY}:
            out[fname] = _convert(env, fdef, [{subfield or None: cell}], warnings)
        else:
            out[fname] = _convert(env, fdef, cell, warnings)
    return out


def _extract(
    env: Env, model: str, paths: list[list[str]], rows: list[list[Any]], limit: float
) -> list[tuple[dict[str | None, Any], dict[str, Any]]]:
    """``_extract_records`` (no one2many continuation rows: every row is one record)."""
    fields = env.store.fields(model)
    for path in paths:
        fname = path[0]
        if fname and "." not in fname and fname not in fields:
            raise ServerError(
                f"ValueError: Invalid field name {fname!r}", method_frames("model", "load")
            )

    def relational(fname: str) -> bool:
        return fname in fields and fields[fname]["type"] in {"many2one", *X2MANY}

    out = []
    for index, row in enumerate(rows):
        if index >= limit:
            break
        record: dict[str | None, Any] = {}
        cells = list(zip(paths, row, strict=False))
        for path, value in cells:
            if not relational(path[0]):
                record[path[0]] = value
        for path, _ in cells:
            rel = path[0]
            if not relational(rel) or rel in record:
                continue
            sub = {("/".join(p[1:]) if len(p) > 1 else None): v for p, v in cells if p[0] == rel}
            record[rel] = [sub] if any(sub.values()) else []
        out.append((record, {"rows": {"from": index, "to": index}}))
    return out


def _convert_records(
    env: Env,
    model: str,
    extracted: list[tuple[dict[str | None, Any], dict[str, Any]]],
    log: Callable[[dict[str, Any]], None],
) -> list[tuple[int | bool, str, dict[str, Any], dict[str, Any]]]:
    fields = env.store.fields(model)
    out = []
    for index, (record, extras) in enumerate(extracted):
        xid = str(record.get("id") or "")
        dbid: int | bool = False
        raw_dbid = record.get(".id")
        if raw_dbid:
            try:
                dbid = int(raw_dbid)
            except ValueError:
                dbid = False
            if not dbid or not _active_ok(env, model, int(dbid)):
                log(
                    {
                        **extras,
                        "type": "error",
                        "record": index,
                        "field": ".id",
                        "message": f"Unknown database identifier '{raw_dbid}'",
                    }
                )
                dbid = False
        converted: dict[str, Any] = {}
        for fname, value in record.items():
            if fname in REFERENCING or fname is None:
                continue
            if not value:
                converted[fname] = False
                continue
            fdef = fields[fname]
            label = str(fdef.get("string", fname))
            warnings: list[str] = []
            try:
                converted[fname] = _convert(env, fdef, value, warnings)
            except _ConvError as exc:
                msg: dict[str, Any] = {
                    **extras,
                    "type": "error",
                    "record": index,
                    "field": fname,
                    "message": exc.message.replace("%(field)s", label),
                }
                if exc.has_info:
                    msg.update(exc.info or {})
                    msg["field_name"] = label
                log(msg)
            for text in warnings:
                log(
                    {
                        **extras,
                        "type": "warning",
                        "record": index,
                        "field": fname,
                        "message": text.replace("%(field)s", label),
                    }
                )
        out.append((dbid, xid, converted, {**extras, "record": index}))
    return out


def _load_records(env: Env, model: str, data_list: list[dict[str, Any]]) -> list[int]:
    """``_load_records``: update existing xml ids / ``.id`` rows, create the others together."""
    from odoosync.sandbox.writes import create_records, write_records

    store = env.store
    to_create: list[dict[str, Any]] = []
    for data in data_list:
        xml_id = data["xml_id"]
        values = data["values"]
        if not xml_id:
            if values.get("id"):
                data["record"] = int(values["id"])
                write_records(
                    env, model, [data["record"]], {k: v for k, v in values.items() if k != "id"}
                )
            else:
                to_create.append(data)
            continue
        row = _lookup_xmlid(env, xml_id)
        if row is None:
            to_create.append(data)
            continue
        if row["model"] != model:
            raise ValidationError(
                f"For external id {xml_id} when trying to create/update a record of model "
                f"{model} found record of different model {row['model']} ({row['id']})"
            )
        res_id = int(row.get("res_id") or 0)
        if res_id in store.tables[model]:
            data["record"] = res_id
            write_records(env, model, [res_id], values)
        else:  # stale: the record was deleted; its external id is replaced
            store.delete("ir.model.data", int(row["id"]))
            to_create.append(data)
    if to_create:
        new_ids = create_records(env, model, [d["values"] for d in to_create])
        admin = Env(store, env.uid, {}, "admin")
        imd = []
        for data, new_id in zip(to_create, new_ids, strict=True):
            data["record"] = new_id
            if data["xml_id"]:
                module, _, name = str(data["xml_id"]).partition(".")
                imd.append(
                    {
                        "module": module,
                        "name": name,
                        "model": model,
                        "res_id": new_id,
                        "noupdate": bool(data["noupdate"]),
                    }
                )
        if imd:
            create_records(admin, "ir.model.data", imd)
    return [int(d["record"]) for d in data_list]


def _failure(exc: OdooException, model: str) -> dict[str, Any]:
    """What the one-by-one pass logs for an exception (``PGERROR_TO_OE``, ``UserError``...)."""
    if isinstance(exc, NotNullViolation):
        return {
            "message": f"Missing required value for the field '{exc.label}' ({exc.field})",
            "field": exc.field,
        }
    if isinstance(exc, UserError):
        return {"message": exc.message}
    assert isinstance(exc, ServerError)
    cls, _, text = exc.exception_line.partition(": ")
    return {
        "message": f"Unknown error during import: <class '{cls}'>: {text}",
        "moreinfo": "Resolve other errors first",
    }


def load_rows(env: Env, model: str, fields: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    """Import ``rows`` (lists of strings) into ``model``; see the module docstring."""
    store = env.store
    noupdate = bool(env.context.get("noupdate", False))
    module = _module(env)
    raw_limit = env.context.get("_import_limit")
    limit = float("inf") if raw_limit is None else float(raw_limit)
    paths = [fix_paths(str(f)) for f in fields]
    messages: list[dict[str, Any]] = []
    ids: list[int] = []
    info: dict[str, Any] = {"rows": {"to": -1}}
    try:
        with store.savepoint():
            extracted = _extract(env, model, paths, [list(r) for r in rows], limit)
            converted = _convert_records(env, model, extracted, messages.append)
            batch: list[dict[str, Any]] = []
            for dbid, xid, record, info in converted:
                if xid:
                    xid = xid if "." in xid else f"{module}.{xid}"
                elif dbid:
                    record["id"] = dbid
                batch.append({"xml_id": xid, "values": record, "info": info, "noupdate": noupdate})
            if batch:
                _flush(env, model, batch, ids, messages)
            if any(m["type"] == "error" for m in messages):
                raise _Rollback
    except _Rollback:
        return {"ids": False, "messages": messages, "nextrow": _nextrow(info, limit)}
    return {"ids": ids, "messages": messages, "nextrow": _nextrow(info, limit)}


class _Rollback(Exception):
    pass


def _nextrow(info: dict[str, Any], limit: float) -> int:
    nextrow = int(info["rows"]["to"]) + 1
    return 0 if nextrow < limit else nextrow


def _flush(
    env: Env,
    model: str,
    data_list: list[dict[str, Any]],
    ids: list[int],
    messages: list[dict[str, Any]],
) -> None:
    store = env.store
    global_message: dict[str, Any] | None = None
    try:
        with store.savepoint():
            ids.extend(_load_records(env, model, data_list))
        return
    except UserError as exc:
        if not isinstance(exc, NotNullViolation):  # a psycopg2 error in Odoo, not a UserError
            global_message = {**data_list[0]["info"], "type": "error", "message": exc.message}
    except OdooException:
        pass
    errors = 0
    for position, data in enumerate(data_list, 1):
        try:
            with store.savepoint():
                ids.extend(_load_records(env, model, [data]))
        except OdooException as exc:
            messages.append({**data["info"], "type": "error", **_failure(exc, model)})
            errors += 1
        if errors >= 10 and errors >= position / 10:
            messages.append({"type": "warning", "message": TOO_MANY})
            break
    if errors and global_message is not None and global_message not in messages:
        messages.insert(0, global_message)
