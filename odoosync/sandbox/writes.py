"""The write side of the ORM: value conversion, create, write, unlink, constraints.

Conversions follow Odoo 17's ``convert_to_cache`` (observations #19-#21, #24: ``float(value or
0.0)``); unknown fields fail as in #17/#18; a many2one to a missing record as #22; a missing
required value as #23; writing or unlinking a missing id as #27/#39; duplicate barcodes as #15
and odoo-facts §3.3 (the whole call fails, archived products are ignored). ``stock`` and
``variants`` extend create/write/unlink for their models and call them back through ``records``,
where this module installs them.
"""

from __future__ import annotations

import ast
import base64
import xmlrpc.client
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from odoosync.sandbox import catalog_compute, records, stock, variants
from odoosync.sandbox.faults import (
    NotNullViolation,
    ServerError,
    UserError,
    ValidationError,
    method_frames,
    python_error,
)
from odoosync.sandbox.floats import stored_float
from odoosync.sandbox.orm import Env, check_access, invalid_field, sort_ids
from odoosync.sandbox.records import check_existing, missing
from odoosync.sandbox.specs import X2MANY, FieldDef
from odoosync.sandbox.store import DELEGATED

#: types a NOT NULL check never fires on (numbers default to 0; x2many live in other tables)
NOT_NULL_EXEMPT = frozenset({"boolean", "integer", "float", "monetary", "one2many", "many2many"})
PRODUCT_MODELS = frozenset({"product.template", "product.product"})
DETAILED_TYPE_TO_TYPE = {"consu": "consu", "service": "service", "product": "product"}
#: fields that ``copy`` does not carry (``copy=False`` in Odoo)
NO_COPY = frozenset(
    {"id", "barcode", "create_date", "write_date", "create_uid", "write_uid", "product_variant_ids"}
)


#: template fields computed from its variant (``copy=False``, so not carried by ``copy``)
TEMPLATE_COMPUTED = frozenset({"default_code", "weight", "volume", "standard_price"})


def required_missing(env: Env, model: str, name: str) -> NotNullViolation:
    """Observation #23 (16/17/18) and odoo19-observations (19)."""
    spec = env.store.specs[model]
    label = env.store.fields(model)[name].get("string", name)
    if env.version >= 19:
        return NotNullViolation(
            f"The operation cannot be completed: Missing required value for the field "
            f"'{label}' ({name}).\nModel: '{spec.description}' ({model})\n"
            "- create/update: a mandatory field is not set\n"
            "- delete: another model requires the record being deleted, you can archive it "
            "instead",
            name,
            label,
        )
    return NotNullViolation(
        "The operation cannot be completed:\n"
        "- Create/update: a mandatory field is not set.\n"
        "- Delete: another model requires the record being deleted. If possible, archive it "
        f"instead.\n\nModel: {spec.description} ({model})\nField: {label} ({name})\n",
        name,
        label,
    )


#: ``fields.Image`` fields a client writes (their resized siblings are read-only related fields)
IMAGE_FIELDS = frozenset({"image_1920", "image_variant_1920"})
#: leading bytes of the formats Pillow opens for ``ImageProcess`` (PNG, JPEG, GIF, BMP, ICO, TIFF)
IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"\x00\x00\x01\x00",
)
IMAGE_MAGIC_TIFF = (b"II*\x00", b"MM\x00*")


def _image(value: str) -> str | bool:
    """``fields.Image._image_process`` (Odoo 17 fields.py, tools/image.py ``ImageProcess``).

    Not base64: ``UserError("Image is not encoded in base64.")``; empty after decoding: False;
    SVG (``<``) and WEBP pass as sent; bytes Pillow cannot open: ``UserError("This file could
    not be decoded as an image file.")``. Odoo then resizes images over 1920 px; the sandbox keeps
    them as sent (no Pillow), which is what Odoo does for smaller ones.
    """
    try:
        raw = base64.b64decode(value or "")
    except Exception as exc:  # binascii.Error: Incorrect padding
        raise UserError("Image is not encoded in base64.") from exc
    if not raw:
        return False
    if raw[:1] == b"<" or (raw[0:4] == b"RIFF" and raw[8:15] == b"WEBPVP8"):
        return value
    if raw.startswith(IMAGE_MAGIC) or raw.startswith(IMAGE_MAGIC_TIFF):
        return value
    raise UserError("This file could not be decoded as an image file.")


def _to_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, xmlrpc.client.Binary):
        return base64.b64encode(value.data).decode()
    return str(value)


def convert(env: Env, model: str, name: str, fdef: FieldDef, value: Any, method: str) -> Any:
    """One value as Odoo 17 stores it; errors as the observed faults."""
    ftype = fdef["type"]
    kind = "create" if method == "create" else "multi"
    try:
        if ftype in {"float", "monetary"}:
            return stored_float(model, name, fdef, float(value or 0.0), env.version)
        if ftype == "integer" or ftype == "many2one_reference":
            return int(value or 0)
        if ftype == "boolean":
            return bool(value)
        if value is None or value is False:
            return [] if ftype in X2MANY else False
        if ftype in {"char", "text", "html"}:
            return _to_text(value)
        if ftype == "binary":
            return _image(_to_text(value)) if name in IMAGE_FIELDS else _to_text(value)
        if ftype == "date":
            if isinstance(value, datetime | date):
                return value.strftime("%Y-%m-%d")
            return datetime.strptime(str(value)[:10], "%Y-%m-%d").strftime("%Y-%m-%d")
        if ftype == "datetime":
            if isinstance(value, datetime):
                return value.strftime("%Y-%m-%d %H:%M:%S")
            if isinstance(value, xmlrpc.client.DateTime):
                return datetime.strptime(value.value, "%Y%m%dT%H:%M:%S").strftime(
                    "%Y-%m-%d %H:%M:%S"
                )
            text = str(value)
            fmt = "%Y-%m-%d" if len(text) == 10 else "%Y-%m-%d %H:%M:%S"
            return datetime.strptime(text[:19], fmt).strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError, OverflowError) as exc:
        raise python_error(exc, kind, method) from exc
    if ftype == "selection":
        keys = [k for k, _ in fdef.get("selection", [])]
        if keys and value not in keys:
            raise ServerError(
                f"ValueError: Wrong value for {model}.{name}: {value!r}",
                method_frames(kind, method),
            )
        return value
    if ftype == "many2one":
        if isinstance(value, list | tuple) and value:
            value = value[0]
        if not isinstance(value, int) or isinstance(value, bool):
            raise ServerError(
                f"ValueError: Wrong value for {model}.{name}: {value!r}",
                method_frames(kind, method),
            )
        comodel = fdef.get("relation", "")
        if comodel in env.store.tables and env.store.get(comodel, value) is None:
            raise missing(comodel, [value], env.uid)
        return value
    if ftype in X2MANY:
        return value  # commands are applied by apply_x2many
    return value


def apply_x2many(
    env: Env, fdef: FieldDef, current: list[int], commands: Any, method: str
) -> list[int]:
    """x2many commands (odoo-facts §3.4): ``(0,0,vals)`` … ``(6,0,ids)``; plain id lists too."""
    comodel = fdef.get("relation", "")
    known = comodel in env.store.tables
    ids = list(current)
    if commands is False or commands is None:  # _RelationalMulti.write_batch: clear
        return []
    if not isinstance(commands, list | tuple):
        raise python_error(
            TypeError(f"'{type(commands).__name__}' object is not iterable"), "multi", method
        )
    if commands and all(isinstance(c, int) and not isinstance(c, bool) for c in commands):
        commands = [[6, 0, list(commands)]]

    def check(rec_id: int) -> int:
        if known and env.store.get(comodel, rec_id) is None:
            raise missing(comodel, [rec_id], env.uid)
        return rec_id

    for cmd in commands:
        if not isinstance(cmd, list | tuple) or not cmd:
            raise python_error(ValueError(f"Invalid command {cmd!r}"), "multi", method)
        code = cmd[0]
        arg = cmd[1] if len(cmd) > 1 else 0
        if code == 0 and known:
            ids.append(create_records(env, comodel, [dict(cmd[2])], "create")[0])
        elif code == 1 and known:
            write_records(env, comodel, [check(int(arg))], dict(cmd[2]))
        elif code == 2:
            if known and env.store.get(comodel, int(arg)) is not None:
                unlink_records(env, comodel, [int(arg)])
            ids = [i for i in ids if i != arg]
        elif code == 3:
            ids = [i for i in ids if i != arg]
        elif code == 4:
            if check(int(arg)) not in ids:
                ids.append(int(arg))
        elif code == 5:
            ids = []
        elif code == 6:
            ids = [check(int(i)) for i in (cmd[2] if len(cmd) > 2 else [])]
        else:
            raise python_error(ValueError(f"Invalid command {cmd!r}"), "multi", method)
    return list(dict.fromkeys(ids))


def prepare_values(
    env: Env, model: str, vals: Mapping[str, Any], method: str, current: Mapping[str, Any]
) -> dict[str, Any]:
    """Check and convert ``vals``; computed fields without inverse are silently ignored."""
    if not isinstance(vals, Mapping):
        raise python_error(
            AttributeError(f"'{type(vals).__name__}' object has no attribute 'items'"),
            "create" if method == "create" else "multi",
            method,
        )
    fields = env.store.fields(model)
    out: dict[str, Any] = {}
    for name, value in vals.items():
        fdef = fields.get(name)
        if fdef is None:
            raise invalid_field(env, model, name, method)
        if fdef.get("readonly") and name not in {"active"}:
            continue
        if fdef["type"] in X2MANY:
            out[name] = apply_x2many(env, fdef, list(current.get(name) or []), value, method)
        else:
            out[name] = convert(env, model, name, fdef, value, method)
    if model == "product.template" and env.version <= 17:
        # _sanitize_vals (odoo-facts §3.2): type and detailed_type kept in step
        if "detailed_type" in out and "type" not in vals:
            out["type"] = DETAILED_TYPE_TO_TYPE.get(out["detailed_type"], "consu")
        elif "type" in out and "detailed_type" not in vals:
            out["detailed_type"] = out["type"]
    return out


# -- create ----------------------------------------------------------------------------------


def defaults(env: Env, model: str) -> dict[str, Any]:
    """Odoo's defaults for ``model`` plus ``default_<field>`` context keys (odoo-facts §5)."""
    store = env.store
    out: dict[str, Any] = dict(store.specs[model].defaults)
    if model == "product.template":
        company = store.get("res.company", 1) or {}
        sale = company.get("account_sale_tax_id")
        purchase = company.get("account_purchase_tax_id")
        out["taxes_id"] = [sale] if sale else []
        out["supplier_taxes_id"] = [purchase] if purchase else []
        out["responsible_id"] = env.uid
    for key, value in env.context.items():
        if key.startswith("default_") and key[8:] in store.fields(model):
            out[key[8:]] = value
    return out


def create_records(
    env: Env, model: str, vals_list: list[dict[str, Any]], method: str = "create"
) -> list[int]:
    """``create`` for any model; products get a variant, default taxes and barcode checks."""
    check_access(env, model, "create")
    if model == "product.product":
        return _create_variants(env, vals_list)
    if model == "stock.quant" and not env.context.get("_plain_quant_create"):
        return stock.create_quants(env, vals_list)
    store = env.store
    fields = store.fields(model)
    ids: list[int] = []
    base = defaults(env, model)
    for vals in vals_list:
        raw = {**_base_for(env, model, base, vals), **vals} if isinstance(vals, Mapping) else vals
        raw, o2m = variants.split_o2m(model, raw)
        tmpl_vals = dict(raw)
        variant_vals: dict[str, Any] = {}
        if model == "product.template":
            for key in ("barcode", "default_code"):
                if key in tmpl_vals:
                    variant_vals[key] = tmpl_vals.pop(key)
        values = prepare_values(env, model, tmpl_vals, method, {})
        if model == "ir.model.fields":
            values = _custom_field(env, values)
        for name, fdef in fields.items():
            if fdef.get("required") and name not in values and name in base:
                values[name] = base[name]
        for name, fdef in fields.items():
            if (
                fdef.get("required")
                and not fdef.get("readonly")
                and values.get(name)
                in (
                    None,
                    False,
                )
            ):
                if fdef["type"] in NOT_NULL_EXEMPT:
                    continue
                raise required_missing(env, model, name)
        if model == "ir.model.data":
            _check_xmlid(env, values)
        rec_id = store.next_id(model)
        rec = {"id": rec_id, **values}
        rec.update(
            create_date=store.now, write_date=store.now, create_uid=env.uid, write_uid=env.uid
        )
        store.insert(model, rec)
        if o2m:
            variants.apply_o2m(env, model, rec_id, o2m)
        if model == "product.template":
            var_vals = prepare_values(env, "product.product", variant_vals, method, {})
            variants.template_variants(env, rec_id, var_vals)
        ids.append(rec_id)
    variants.after_create(env, model, ids)
    if model == "product.template":
        new_variants = [v for i in ids for v in store.tables[model][i]["product_variant_ids"]]
        check_barcodes(env, new_variants)
    return ids


def _base_for(
    env: Env, model: str, base: dict[str, Any], vals: Mapping[str, Any]
) -> dict[str, Any]:
    """Defaults minus the type field the caller's other type field decides (``_sanitize_vals``)."""
    if model != "product.template" or env.version > 17:
        return base
    if "detailed_type" in vals and "type" not in vals:
        return {k: v for k, v in base.items() if k != "type"}
    if "type" in vals and "detailed_type" not in vals:
        return {k: v for k, v in base.items() if k != "detailed_type"}
    return base


def _insert_variant(env: Env, tmpl_id: int, values: dict[str, Any], active: bool) -> int:
    store = env.store
    var_id = store.next_id("product.product")
    rec = {
        "id": var_id,
        "product_tmpl_id": tmpl_id,
        "active": active,
        "barcode": False,
        "default_code": False,
        **values,
        "create_date": store.now,
        "write_date": store.now,
        "create_uid": env.uid,
        "write_uid": env.uid,
    }
    store.insert("product.product", rec)
    return var_id


def _create_variants(env: Env, vals_list: list[dict[str, Any]]) -> list[int]:
    store = env.store
    own = store.specs["product.product"].fields
    ids = []
    for vals in vals_list:
        var_part = {k: v for k, v in vals.items() if k in own and k not in DELEGATED}
        tmpl_part = {k: v for k, v in vals.items() if k not in own or k in DELEGATED}
        var_part.pop("id", None)
        tmpl_id = var_part.pop("product_tmpl_id", None)
        if tmpl_id:
            values = prepare_values(env, "product.product", var_part, "create", {})
            if store.get("product.template", int(tmpl_id)) is None:
                raise missing("product.template", [int(tmpl_id)], env.uid)
            var_id = _insert_variant(env, int(tmpl_id), values, True)
            tmpl = store.tables["product.template"][int(tmpl_id)]
            store.update(
                "product.template",
                int(tmpl_id),
                {"product_variant_ids": [*tmpl.get("product_variant_ids", []), var_id]},
            )
        else:
            for key in ("barcode", "default_code"):
                if key in var_part:
                    tmpl_part[key] = var_part.pop(key)
            if "lst_price" in var_part:
                tmpl_part.setdefault("list_price", var_part.pop("lst_price"))
            tmpl_id = create_records(env, "product.template", [tmpl_part])[0]
            var_id = store.tables["product.template"][tmpl_id]["product_variant_ids"][0]
            values = prepare_values(env, "product.product", var_part, "create", {})
            if values:
                store.update("product.product", var_id, values)
        ids.append(var_id)
    check_barcodes(env, ids)
    return ids


def check_barcodes(env: Env, variant_ids: list[int]) -> None:
    """``_check_barcode_uniqueness`` (odoo-facts §3.3, observation #15)."""
    store = env.store
    table = store.tables["product.product"]
    barcodes = sorted({b for v in variant_ids if (b := table.get(v, {}).get("barcode"))})
    lines = []
    for barcode in barcodes:
        ids = [i for i in store.barcodes.get(barcode, ()) if table[i].get("active", True)]
        if len(ids) < 2:
            continue
        ordered = sort_ids(env, "product.product", ids, None)
        names = [
            store.display_name("product.product", store.view("product.product", table[i]))
            for i in ordered
        ]
        if env.version >= 18 and len(names) > 1:
            joined = (
                f"{names[0]} and {names[1]}"
                if len(names) == 2
                else ", ".join(names[:-1]) + f", and {names[-1]}"
            )
        else:
            joined = ", ".join(names)
        lines.append(f'- Barcode "{barcode}" already assigned to product(s): {joined}')
    if lines:
        raise ValidationError(
            "Barcode(s) already assigned:\n\n"
            + "\n".join(lines)
            + "\n\nNote: products that you don't have access to will not be shown above."
        )


def _check_xmlid(env: Env, values: Mapping[str, Any], rec_id: int | None = None) -> None:
    key = (values.get("module"), values.get("name"))
    if " " in str(values.get("name") or ""):
        raise UserError("The operation cannot be completed: External IDs cannot contain spaces")
    other = env.store.xmlids.get((str(key[0]), str(key[1])))
    if other is not None and other != rec_id:  # Odoo 17's _as_validation_error of the pgerror
        raise ValidationError(
            "The operation cannot be completed: duplicate key value violates unique constraint "
            '"ir_model_data_module_name_uniq_index"\n'
            f"DETAIL:  Key (module, name)=({key[0]}, {key[1]}) already exists.\n"
        )


def _custom_field(env: Env, values: dict[str, Any]) -> dict[str, Any]:
    """``ir.model.fields`` create over RPC (odoo-facts §6)."""
    store = env.store
    model_rec = store.get("ir.model", values.get("model_id") or 0)
    if model_rec is not None:
        values["model"] = model_rec["model"]
    values.setdefault("state", "manual")
    name = str(values.get("name") or "")
    if values["state"] == "manual" and not name.startswith("x_"):
        raise UserError(
            "The operation cannot be completed: Custom fields must have a name that starts "
            "with 'x_'!"
        )
    if not name.replace("_", "a").isalnum() or len(name) > 63:
        raise UserError(
            "Field names can only contain characters, digits and underscores (up to 63)."
        )
    if values.get("model") in store.specs and name in store.fields(str(values["model"])):
        raise UserError(f"Field names must be unique per model.\nField: {name}")
    if values.get("ttype") == "selection" and values.get("selection"):
        try:
            values["_selection"] = [list(p) for p in ast.literal_eval(str(values["selection"]))]
        except (ValueError, SyntaxError) as exc:
            raise UserError("The Selection Options expression is not a valid list") from exc
    return values


# -- write / unlink --------------------------------------------------------------------------


def write_records(env: Env, model: str, ids: list[int], vals: Mapping[str, Any]) -> bool:
    """``write``: the same values on every id (odoo-facts §4); missing ids fault (#27)."""
    check_access(env, model, "write")
    check_existing(env, model, ids)
    vals = stock.before_write(model, variants.before_write(env, model, vals))
    vals, o2m = variants.split_o2m(model, vals)
    store = env.store
    table = store.tables[model]
    stamp = {"write_date": store.now, "write_uid": env.uid}
    touched_variants: list[int] = []
    for rec_id in ids:
        view = store.view(model, table[rec_id])
        values = prepare_values(env, model, vals, "write", view)
        if model == "ir.model.data":
            _check_xmlid(env, {**table[rec_id], **values}, rec_id)
        fields = store.fields(model)
        for name, value in values.items():
            if (
                fields[name].get("required")
                and value in (None, False)
                and (fields[name]["type"] not in {"boolean", "integer", "float", "monetary"})
            ):
                raise required_missing(env, model, name)
        if model == "product.template":
            # the inverse of barcode/default_code writes the single (active) variant only;
            # archiving archives every variant, unarchiving is ``variants.after_write``'s
            var_part: dict[str, Any] = {
                k: values.pop(k) for k in ("barcode", "default_code") if k in values
            }
            single = catalog_compute.single_variant(store, table[rec_id])
            if single is not None:
                store.update("product.product", single, {**var_part, **stamp})
            active = [] if single is None else [single]
            if "active" in values and not values["active"]:
                for var_id in table[rec_id].get("product_variant_ids") or []:
                    store.update("product.product", var_id, {"active": False, **stamp})
            touched_variants += active
        elif model == "product.product":
            own = store.specs[model].fields
            tmpl_part = {k: values.pop(k) for k in list(values) if k not in own or k in DELEGATED}
            if "lst_price" in tmpl_part:  # _set_product_lst_price: less the variant's extra
                extra = catalog_compute.price_extra(store, table[rec_id])
                tmpl_part["list_price"] = tmpl_part.pop("lst_price") - extra
            tmpl_id = table[rec_id]["product_tmpl_id"]
            store.update("product.template", tmpl_id, {**tmpl_part, **stamp})
            touched_variants.append(rec_id)
        store.update(model, rec_id, {**values, **stamp})
        if o2m:
            variants.apply_o2m(env, model, rec_id, o2m)
    variants.after_write(env, model, ids, vals)
    if touched_variants and "barcode" in vals:  # @api.constrains('barcode') only
        check_barcodes(env, touched_variants)
    return True


def unlink_records(env: Env, model: str, ids: list[int]) -> bool:
    """``unlink``; missing ids fault (#39); external ids of the records go with them."""
    check_access(env, model, "unlink")
    check_existing(env, model, ids)
    if variants.unlink_override(env, model, ids):
        return True
    store = env.store
    if model == "product.category":
        _check_category_unlink(env, ids)
    for rec_id in ids:
        rec = store.tables[model].get(rec_id)
        if rec is None:
            continue
        if model == "product.template":
            for var_id in rec.get("product_variant_ids") or []:
                if var_id in store.tables["product.product"]:
                    store.delete("product.product", var_id)
        elif model == "product.product":
            tmpl = store.tables["product.template"].get(rec["product_tmpl_id"])
            if tmpl is not None:
                rest = [v for v in tmpl.get("product_variant_ids") or [] if v != rec_id]
                store.update("product.template", tmpl["id"], {"product_variant_ids": rest})
                if not rest:
                    store.delete("product.template", tmpl["id"])
        store.delete(model, rec_id)
    by_res_id = store.xmlids_by_res_id  # Odoo's ir_model_data_model_res_id_index
    for xid in sorted({x for i in set(ids) for x in by_res_id.get((model, i), ())}):
        store.delete("ir.model.data", xid)
    return True


def _check_category_unlink(env: Env, ids: list[int]) -> None:
    store = env.store
    if 1 in ids and store.version < 19:
        raise UserError(
            "You cannot delete this product category, it is the default generic category."
        )
    if any(store.ids_where("product.template", "categ_id", i) for i in ids):
        raise UserError(
            "The operation cannot be completed: another model requires the record being "
            "deleted. If possible, archive it instead.\n\nModel: Product (product.template)\n"
            "Constraint: product_template_categ_id_fkey\n"
        )


def copy_record(env: Env, model: str, rec_id: int, default: Mapping[str, Any] | None) -> int:
    """``copy``: stored values minus ``copy=False`` ones; products get " (copy)".

    As Odoo 17: computed fields are ``copy=False``, so a template's copy has no
    ``default_code``, ``weight``, ``volume`` or ``standard_price`` (computed from the variant)
    and no barcode; ``product.product.copy`` copies the template and returns its new variant.
    """
    store = env.store
    if model == "product.product":
        tmpl_id = store.tables[model][rec_id]["product_tmpl_id"]
        new_tmpl = copy_record(env, "product.template", tmpl_id, default)
        return int(store.tables["product.template"][new_tmpl]["product_variant_ids"][0])
    rec = store.tables[model][rec_id]
    fields = store.fields(model)
    skip = NO_COPY | (TEMPLATE_COMPUTED if model == "product.template" else frozenset())
    vals = {
        k: v
        for k, v in rec.items()
        if k not in skip and k in fields and not fields[k].get("readonly")
    }
    if model in PRODUCT_MODELS and "name" not in (default or {}):
        vals["name"] = f"{vals.get('name') or ''} (copy)"
    for key, value in vals.items():
        if fields[key]["type"] in X2MANY:
            vals[key] = [[6, 0, list(value)]]
    vals.update(default or {})
    return create_records(env, model, [vals], "copy")[0]


records.install(records.Operations(create_records, write_records, unlink_records))
