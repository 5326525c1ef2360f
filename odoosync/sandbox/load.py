"""``load(fields, data)``: Odoo's import engine, as odoo-facts §4 describes it.

Rows are strings converted like ``ir.fields.converter``; ``id`` is an external id (module from
the prefix, else context ``module``, else ``__import__``), ``.id`` a database id, ``f/id`` and
``f/.id`` relational references, ``f`` a relation by name. An existing external id updates its
record, a new one creates the record and its ``ir.model.data``. Any error message rolls the whole
load back and returns ``ids: False``; nothing raises for data errors.
"""

from __future__ import annotations

from typing import Any

from odoosync.sandbox.faults import OdooException, ServerError, UserError, method_frames
from odoosync.sandbox.models import X2MANY, FieldDef
from odoosync.sandbox.orm import Env, check_access

MAX_ERRORS = 10


class _Abort(Exception):
    pass


class _RowError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _split_path(name: str) -> tuple[str, str]:
    """``categ_id/id`` → ``("categ_id", "id")``; ``x:id`` and ``x/.id`` too."""
    for sep in ("/", ":"):
        if sep in name:
            head, _, tail = name.partition(sep)
            return head, tail
    return name, ""


def _xmlid(env: Env, xid: str) -> tuple[str, str]:
    if "." in xid:
        module, _, name = xid.partition(".")
        return module, name
    return str(env.context.get("module") or "__import__"), xid


def _resolve_xmlid(env: Env, xid: str, model: str) -> int | None:
    store = env.store
    data_id = store.xmlids.get(_xmlid(env, xid))
    if data_id is None:
        return None
    rec = store.tables["ir.model.data"][data_id]
    res_id = int(rec.get("res_id") or 0)
    if rec["model"] != model or res_id not in store.tables.get(model, {}):
        return None
    return res_id


def _convert_cell(env: Env, fdef: FieldDef, fname: str, sub: str, raw: str) -> Any:
    label = fdef.get("string", fname)
    ftype = fdef["type"]
    value = raw.strip() if isinstance(raw, str) else raw
    comodel = fdef.get("relation", "")
    if sub in {"id", ".id"}:
        refs = [v.strip() for v in str(value).split(",") if v.strip()]
        ids = []
        for ref in refs:
            if sub == ".id":
                rec_id = int(ref) if ref.isdigit() else 0
                found = rec_id if env.store.get(comodel, rec_id) is not None else None
            else:
                found = _resolve_xmlid(env, ref, comodel)
            if found is None:
                kind = "database id" if sub == ".id" else "external id"
                raise _RowError(
                    f"No matching record found for {kind} '{ref}' in field '{label}'", fname
                )
            ids.append(found)
        return [[6, 0, ids]] if ftype in X2MANY else (ids[0] if ids else False)
    if not value:
        return [[6, 0, []]] if ftype in X2MANY else False
    if ftype in {"float", "monetary"}:
        try:
            return float(value)
        except ValueError:
            raise _RowError(
                f"'{value}' does not seem to be a number for field '{label}'", fname
            ) from None
    if ftype == "integer":
        try:
            return int(value)
        except ValueError:
            raise _RowError(
                f"'{value}' does not seem to be an integer for field '{label}'", fname
            ) from None
    if ftype == "boolean":
        low = str(value).lower()
        if low in {"1", "true", "yes"}:
            return True
        if low in {"0", "false", "no"}:
            return False
        raise _RowError(f"Unknown value '{value}' for boolean field '{label}'", fname)
    if ftype == "selection":
        for key, text in fdef.get("selection", []):
            if value in (key, text) or str(value).lower() == str(text).lower():
                return key
        if not fdef.get("selection"):
            return value
        raise _RowError(f"Value '{value}' not found in selection field '{label}'", fname)
    if ftype in {"many2one", *X2MANY}:
        names = [value] if ftype == "many2one" else [v.strip() for v in value.split(",")]
        ids = []
        for name in names:
            matched = sorted(env.store.name_search_ids(comodel, name, "="))
            if not matched:
                raise _RowError(
                    f"No matching record found for name '{name}' in field '{label}'", fname
                )
            ids.append(matched[0])
        return ids[0] if ftype == "many2one" else [[6, 0, ids]]
    return value


def _message(row: int, text: str, field: str | None) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "type": "error",
        "message": text,
        "record": row,
        "rows": {"from": row, "to": row},
    }
    if field:
        msg["field"] = field
    return msg


def _error_text(exc: OdooException) -> tuple[str, str | None]:
    if isinstance(exc, ServerError):
        return exc.message, None
    text = str(exc)
    if text.startswith("The operation cannot be completed:") and "\nField: " in text:
        label_part = text.split("\nField: ", 1)[1].strip()
        label, _, tech = label_part.rpartition(" (")
        tech = tech.rstrip(")")
        return f"Missing required value for the field '{label}' ({tech})", tech
    return text, None


def load_rows(env: Env, model: str, fields: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    """Import ``rows`` (lists of strings) into ``model``; see the module docstring."""
    from odoosync.sandbox.writes import create_records, write_records

    check_access(env, model, "create")
    store = env.store
    all_fields = store.fields(model)
    columns: list[tuple[int, str, str]] = []
    for index, name in enumerate(fields):
        head, sub = _split_path(name)
        if head in {"id", ".id", ""} and not sub:
            continue
        if head not in all_fields:
            raise ServerError(f"KeyError: {head!r}", method_frames("model", "load"))
        columns.append((index, head, sub))
    id_col = fields.index("id") if "id" in fields else None
    dbid_col = fields.index(".id") if ".id" in fields else None
    messages: list[dict[str, Any]] = []
    ids: list[int] = []
    try:
        with store.savepoint():
            for row_no, row in enumerate(rows):
                try:
                    ids.append(
                        _load_row(
                            env,
                            model,
                            row,
                            columns,
                            id_col,
                            dbid_col,
                            create_records,
                            write_records,
                        )
                    )
                except _RowError as exc:
                    messages.append(_message(row_no, exc.message, exc.field))
                except UserError as exc:
                    text, fname = _error_text(exc)
                    messages.append(_message(row_no, text, fname))
                except ServerError as exc:
                    messages.append(_message(row_no, exc.message, None))
                if len(messages) > MAX_ERRORS:
                    break
            if messages:
                raise _Abort
    except _Abort:
        return {"ids": False, "messages": messages, "nextrow": 0}
    return {"ids": ids, "messages": [], "nextrow": 0}


def _load_row(
    env: Env,
    model: str,
    row: list[Any],
    columns: list[tuple[int, str, str]],
    id_col: int | None,
    dbid_col: int | None,
    create_records: Any,
    write_records: Any,
) -> int:
    store = env.store
    all_fields = store.fields(model)
    values: dict[str, Any] = {}
    for index, head, sub in columns:
        raw = row[index] if index < len(row) else ""
        values[head] = _convert_cell(env, all_fields[head], head, sub, str(raw))
    xid = str(row[id_col]).strip() if id_col is not None and id_col < len(row) else ""
    dbid = str(row[dbid_col]).strip() if dbid_col is not None and dbid_col < len(row) else ""
    if dbid:
        rec_id = int(dbid) if dbid.isdigit() else 0
        if store.get(model, rec_id) is None:
            raise _RowError(
                f"Record does not exist or has been deleted.\n(Record: {model}"
                f"({rec_id},), User: {env.uid})"
            )
        write_records(env, model, [rec_id], values)
        return rec_id
    existing = _resolve_xmlid(env, xid, model) if xid else None
    if existing is not None:
        write_records(env, model, [existing], values)
        return existing
    new_id: int = create_records(env, model, [values], "create")[0]
    if xid:
        module, name = _xmlid(env, xid)
        stale = store.xmlids.get((module, name))
        data = {"module": module, "name": name, "model": model, "res_id": new_id}
        if stale is not None:
            store.update("ir.model.data", stale, data)
        else:
            create_records(
                env.with_context(),
                "ir.model.data",
                [{**data, "noupdate": bool(env.context.get("noupdate"))}],
            )
    return new_id
