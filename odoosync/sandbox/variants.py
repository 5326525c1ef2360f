"""Variant generation and the write side of the catalog models (variants-stock observations).

As Odoo 17's ``product`` module: an attribute line's values become ``product.template.attribute
.value`` records (``_update_product_template_attribute_values``), and the template gets one
variant per combination of the active values of its lines whose attribute creates variants
(``_create_variant_ids``): existing combinations are kept (and re-activated), missing ones
created, the others deleted, or archived when something references them (stock moves or quants:
``_unlink_or_archive``). A line with a single value is merged into the existing variants instead
of re-creating them (observation #22: removing "Blue" keeps the four "Red" variants).

One2many fields with an inverse many2one (``attribute_line_ids``, ``seller_ids``, ``value_ids``)
are applied here after their record exists, with the inverse set as Odoo's ``(0, 0, vals)`` does.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from odoosync.sandbox import catalog_compute as cc
from odoosync.sandbox import records, stock
from odoosync.sandbox.faults import UserError, ValidationError, python_error
from odoosync.sandbox.orm import Env, sort_ids

PTAL = "product.template.attribute.line"
PTAV = "product.template.attribute.value"
PAV = "product.attribute.value"
#: one2many fields a client writes (their inverse is a stored many2one)
WRITABLE_O2M = frozenset(
    {
        ("product.template", "attribute_line_ids"),
        ("product.template", "seller_ids"),
        ("product.template", "variant_seller_ids"),
        ("product.attribute", "value_ids"),
        ("product.attribute", "attribute_line_ids"),
        (PTAL, "product_template_value_ids"),
    }
)
VARIANT_LIMIT = 1000


def split_o2m(model: str, vals: Any) -> tuple[Any, dict[str, Any]]:
    """``vals`` without its inverse one2many commands, and those commands apart."""
    if not isinstance(vals, Mapping) or not any((model, k) in WRITABLE_O2M for k in vals):
        return vals, {}
    rest = {k: v for k, v in vals.items() if (model, k) not in WRITABLE_O2M}
    return rest, {k: v for k, v in vals.items() if (model, k) in WRITABLE_O2M}


def apply_o2m(env: Env, model: str, rec_id: int, commands_by_field: Mapping[str, Any]) -> None:
    """Apply one2many commands on ``model(rec_id)``: creates set the inverse, unlinks delete
    (every inverse here is ``ondelete='cascade'``); the creates go in one batch, as Odoo's."""
    for name, commands in commands_by_field.items():
        comodel, inverse = cc.ONE2MANY[(model, name)]
        current = cc.one2many_ids(env.store, model, rec_id, name)
        if commands is False or commands is None:
            commands = [[5, 0, 0]]
        if not isinstance(commands, list | tuple):
            raise python_error(
                TypeError(f"'{type(commands).__name__}' object is not iterable"), "multi", "write"
            )
        if commands and all(isinstance(c, int) and not isinstance(c, bool) for c in commands):
            commands = [[6, 0, list(commands)]]
        to_create: list[dict[str, Any]] = []
        for cmd in commands:
            if not isinstance(cmd, list | tuple) or not cmd:
                raise python_error(ValueError(f"Invalid command {cmd!r}"), "multi", "write")
            code, arg = cmd[0], (cmd[1] if len(cmd) > 1 else 0)
            if code == 0:
                to_create.append({**dict(cmd[2]), inverse: rec_id})
            elif code == 1:
                records.write_records(env, comodel, [int(arg)], dict(cmd[2]))
            elif code in {2, 3}:
                if int(arg) in env.store.tables[comodel]:
                    records.unlink_records(env, comodel, [int(arg)])
            elif code == 4:
                records.write_records(env, comodel, [int(arg)], {inverse: rec_id})
            elif code in {5, 6}:
                keep = {int(i) for i in cmd[2]} if code == 6 and len(cmd) > 2 else set()
                gone = [i for i in current if i not in keep]
                if gone:
                    records.unlink_records(env, comodel, gone)
                for new in sorted(keep - set(current)):
                    records.write_records(env, comodel, [new], {inverse: rec_id})
            else:
                raise python_error(ValueError(f"Invalid command {cmd!r}"), "multi", "write")
        if to_create:
            records.create_records(env, comodel, to_create)


# -- hooks called by writes.py ----------------------------------------------------------------


def after_create(env: Env, model: str, ids: list[int]) -> None:
    """What Odoo's ``create`` overrides do once the records exist."""
    if model == PTAL:
        _check_lines(env, ids)
        update_ptavs(env, ids)
    elif model == "product.supplierinfo":
        table = env.store.tables[model]
        for rec_id in ids:
            product = table[rec_id].get("product_id")
            if product and not table[rec_id].get("product_tmpl_id"):
                tmpl = env.store.tables["product.product"][product]["product_tmpl_id"]
                env.store.update(model, rec_id, {"product_tmpl_id": tmpl})


def after_write(env: Env, model: str, ids: list[int], vals: Mapping[str, Any]) -> None:
    if model == PTAL:
        _check_lines(env, ids)
        update_ptavs(env, ids)
    elif model == "product.template" and vals.get("active"):
        table = env.store.tables[model]
        empty = [i for i in ids if not cc.active_variant_ids(env.store, table[i])]
        if empty:  # unarchiving: ``_create_variant_ids`` re-activates the valid variants
            create_variant_ids(env, empty)


def before_write(env: Env, model: str, vals: Mapping[str, Any]) -> Mapping[str, Any]:
    """ptal ``write``: archiving a line clears its values (so it is clean if re-activated)."""
    if model == PTAL and "active" in vals and not vals["active"]:
        return {**vals, "value_ids": [[5, 0, 0]]}
    return vals


def unlink_override(env: Env, model: str, ids: list[int]) -> bool:
    """Unlinks Odoo overrides entirely (True: done here). Products: stock references refuse."""
    if model in {"product.product", "product.template"}:
        stock.check_product_unlink(env, model, ids)
        _cascade(env, model, set(ids))
        return False
    if model == PTAL:
        _unlink_lines(env, ids)
        return True
    if model == PTAV:
        unlink_ptavs(env, ids)
        return True
    if model == "product.attribute":
        _check_attribute_unlink(env, ids)
        for value_id in sorted(
            {v for i in ids for v in env.store.ids_where(PAV, "attribute_id", i)}
        ):
            env.store.delete(PAV, value_id)  # ``value_ids``: ondelete cascade
    return False


def _check_attribute_unlink(env: Env, ids: list[int]) -> None:
    """``_unlink_except_used_on_product`` for the active templates using the attribute, then the
    foreign key of ``product_template_attribute_line.attribute_id`` for any line left (an
    archived template's, or an archived line): both fault 2, texts as real 17/19 answer."""
    store = env.store
    for attribute_id in ids:
        templates = cc.related_templates(store, attribute_id)
        if templates:
            table = store.tables["product.template"]
            names = ", ".join(
                store.display_name("product.template", store.view("product.template", table[t]))
                for t in sort_ids(env, "product.template", templates, None)
            )
            name = store.tables["product.attribute"][attribute_id].get("name") or ""
            raise UserError(
                f"You cannot delete the attribute {name} because it is used on the following "
                f"products:\n{names}"
            )
    if any(store.ids_where(PTAL, "attribute_id", i) for i in ids):
        if env.version >= 19:
            raise UserError(
                "The operation cannot be completed: Another model is using the record you are "
                "trying to delete.\n\nThe troublemaker is: 'Product Template Attribute Line' "
                f"({PTAL})\nThanks to the following constraint: 'Attribute' (attribute_id)\n"
                "How about archiving the record instead?"
            )
        raise UserError(
            "The operation cannot be completed: another model requires the record being "
            "deleted. If possible, archive it instead.\n\nModel: Product Template Attribute "
            f"Line ({PTAL})\nConstraint: product_template_attribute_line_attribute_id_fkey\n"
        )


def _cascade(env: Env, model: str, ids: set[int]) -> None:
    """``ondelete='cascade'`` rows of a deleted product: vendor prices; for a template also its
    attribute lines and their values."""
    store = env.store
    key = "product_tmpl_id" if model == "product.template" else "product_id"
    dependants = ["product.supplierinfo"]
    if model == "product.template":
        dependants += [PTAV, PTAL]
    for dependant in dependants:
        for rec_id in sorted({d for i in ids for d in store.ids_where(dependant, key, i)}):
            store.delete(dependant, rec_id)


# -- attribute lines and their values ---------------------------------------------------------


def _check_lines(env: Env, ids: list[int]) -> None:
    """``_check_valid_values``: an active line needs values, all of its attribute."""
    store = env.store
    for rec_id in ids:
        line = store.tables[PTAL].get(rec_id)
        if line is None:
            continue
        attribute = store.display_name("product.attribute", _rec(env, "product.attribute", line))
        product = store.display_name(
            "product.template", store.view("product.template", _tmpl(env, line))
        )
        if line.get("active", True) and not line.get("value_ids"):
            raise ValidationError(
                f"The attribute {attribute} must have at least one value for the product {product}."
            )
        for value_id in line.get("value_ids") or []:
            value = store.tables["product.attribute.value"][value_id]
            if value.get("attribute_id") != line.get("attribute_id"):
                raise ValidationError(
                    f"On the product {product} you cannot associate the value "
                    f"{store.display_name('product.attribute.value', value)} with the attribute "
                    f"{attribute} because they do not match."
                )


def _rec(env: Env, model: str, line: Mapping[str, Any]) -> dict[str, Any]:
    return env.store.tables[model].get(line.get("attribute_id") or 0) or {}


def _tmpl(env: Env, line: Mapping[str, Any]) -> dict[str, Any]:
    return env.store.tables["product.template"].get(line.get("product_tmpl_id") or 0) or {}


def update_ptavs(env: Env, line_ids: list[int]) -> None:
    """``_update_product_template_attribute_values``, then the variants of the templates."""
    store = env.store
    ptavs = store.tables[PTAV]
    to_create: list[dict[str, Any]] = []
    to_unlink: list[int] = []
    templates: list[int] = []
    for line_id in line_ids:
        line = store.tables[PTAL].get(line_id)
        if line is None:
            continue
        templates.append(int(line["product_tmpl_id"]))
        remaining = list(line.get("value_ids") or [])
        for ptav_id in cc.one2many_ids(store, PTAL, line_id, "product_template_value_ids"):
            ptav = ptavs[ptav_id]
            if ptav["product_attribute_value_id"] not in remaining:
                if ptav.get("ptav_active", True):
                    to_unlink.append(ptav_id)
            else:
                remaining.remove(ptav["product_attribute_value_id"])
                if not ptav.get("ptav_active", True):
                    store.update(PTAV, ptav_id, {"ptav_active": True})
        for value_id in remaining:
            archived = [
                i
                for i in store.ids_where(PTAV, "product_tmpl_id", line["product_tmpl_id"])
                if not ptavs[i].get("ptav_active", True)
                and ptavs[i].get("attribute_id") == line["attribute_id"]
                and ptavs[i].get("product_attribute_value_id") == value_id
            ]
            if archived:
                store.update(PTAV, archived[0], {"ptav_active": True, "attribute_line_id": line_id})
                to_unlink = [i for i in to_unlink if i != archived[0]]
            else:
                value = store.tables["product.attribute.value"][value_id]
                to_create.append(
                    {
                        "product_attribute_value_id": value_id,
                        "attribute_line_id": line_id,
                        "price_extra": float(value.get("default_extra_price") or 0.0),
                        "product_tmpl_id": line["product_tmpl_id"],
                        "attribute_id": line["attribute_id"],
                    }
                )
    for ptav_id in to_unlink:
        store.update(PTAV, ptav_id, {"ptav_active": False})
    if to_unlink:
        unlink_ptavs(env, to_unlink)
    for vals in to_create:
        _insert(env, PTAV, {"ptav_active": True, **vals})
    create_variant_ids(env, list(dict.fromkeys(templates)))


def _insert(env: Env, model: str, values: dict[str, Any]) -> int:
    """A record the ORM creates itself (stored related fields filled in, no checks)."""
    store = env.store
    rec_id = store.next_id(model)
    stamp = {"create_date": store.now, "write_date": store.now}
    store.insert(
        model, {"id": rec_id, **values, **stamp, "create_uid": env.uid, "write_uid": env.uid}
    )
    return rec_id


def unlink_ptavs(env: Env, ptav_ids: list[int]) -> None:
    """ptav ``unlink``: single-value lines leave the variants, the variants using the values
    are unlinked or archived, then each value is deleted, or archived if still referenced."""
    store = env.store
    table = store.tables[PTAV]
    variants = store.tables["product.product"]
    for ptav_id in ptav_ids:
        ptav = table[ptav_id]
        siblings = store.ids_where(PTAV, "attribute_line_id", ptav["attribute_line_id"])
        if len(siblings) == 1:
            for var_id in _variants_with(env, ptav_id):
                combo = variants[var_id].get("product_template_attribute_value_ids") or []
                rest = [i for i in combo if i != ptav_id]
                store.update(
                    "product.product", var_id, {"product_template_attribute_value_ids": rest}
                )
    using = sorted({v for ptav_id in ptav_ids for v in _variants_with(env, ptav_id)})
    unlink_or_archive(env, using)
    for ptav_id in ptav_ids:
        if _variants_with(env, ptav_id):
            store.update(PTAV, ptav_id, {"ptav_active": False})
        else:
            store.delete(PTAV, ptav_id)


def _variants_with(env: Env, ptav_id: int) -> list[int]:
    """The variants (archived too) whose combination holds ``ptav_id``."""
    return env.store.ids_where("product.product", "product_template_attribute_value_ids", ptav_id)


def _unlink_lines(env: Env, line_ids: list[int]) -> None:
    """ptal ``unlink``: the values go first; a line still referenced is archived instead."""
    store = env.store
    records.check_existing(env, PTAL, line_ids)
    ptavs = store.tables[PTAV]
    active = sorted(
        i
        for line_id in line_ids
        for i in store.ids_where(PTAV, "attribute_line_id", line_id)
        if ptavs[i].get("ptav_active", True)
    )
    templates = {int(store.tables[PTAL][i]["product_tmpl_id"]) for i in line_ids}
    if active:
        unlink_ptavs(env, active)
    archived_for: set[int] = set()
    for line_id in line_ids:
        if store.ids_where(PTAV, "attribute_line_id", line_id):
            store.update(PTAL, line_id, {"active": False, "value_ids": []})
            archived_for.add(int(store.tables[PTAL][line_id]["product_tmpl_id"]))
        else:
            store.delete(PTAL, line_id)
    live = [t for t in sorted(templates - archived_for) if t in store.tables["product.template"]]
    create_variant_ids(env, live)


# -- variants ---------------------------------------------------------------------------------


def create_variant_ids(env: Env, tmpl_ids: list[int]) -> None:
    """``_create_variant_ids``: one variant per combination of active values of the lines whose
    attribute creates variants (``always``); with a ``dynamic`` attribute none are created."""
    store = env.store
    variants = store.tables["product.product"]
    to_activate: list[int] = []
    to_create: list[tuple[int, list[int]]] = []
    to_unlink: list[int] = []
    for tmpl_id in tmpl_ids:
        tmpl = store.tables["product.template"].get(tmpl_id)
        if tmpl is None:
            continue
        lines = _variant_lines(env, tmpl_id)
        values = {line: _active_values(env, line) for line in lines}
        all_variants = sorted(
            (v for v in tmpl.get("product_variant_ids") or [] if v in variants),
            key=lambda v: (bool(variants[v].get("active", True)), -v),
        )
        singles = [v for line in lines if len(values[line]) == 1 for v in values[line]]
        if singles:
            for var_id in all_variants:
                combo = list(variants[var_id].get("product_template_attribute_value_ids") or [])
                merged = combo + [s for s in singles if s not in combo]
                if sorted(_line_of(env, p) for p in merged) == sorted(lines):
                    store.update(
                        "product.product", var_id, {"product_template_attribute_value_ids": merged}
                    )
        existing = {
            frozenset(variants[v].get("product_template_attribute_value_ids") or []): v
            for v in all_variants
        }
        kept: list[int] = []
        if not _has_dynamic(env, tmpl_id):
            new_here = 0  # ``current_variants_to_create``: the limit is per template
            for combination in itertools.product(*(values[line] for line in lines)):
                key = frozenset(combination)
                if key in existing:
                    kept.append(existing[key])
                else:
                    to_create.append((tmpl_id, list(combination)))
                    new_here += 1
                    if new_here > VARIANT_LIMIT:
                        raise UserError(
                            "The number of variants to generate is above allowed limit. You "
                            "should either not generate variants for each combination or "
                            "generate them on demand from the sales order. To do so, open the "
                            "form view of attributes and change the mode of *Create Variants*."
                        )
        else:
            kept = [v for v in all_variants if _valid(env, lines, values, v)]
        to_activate += kept
        to_unlink += [v for v in all_variants if v not in kept]
    for var_id in to_activate:
        if not variants[var_id].get("active", True):
            store.update("product.product", var_id, {"active": True, **_stamp(env)})
    for tmpl_id, ptav_ids in to_create:
        _new_variant(env, tmpl_id, ptav_ids)
    if to_unlink:
        unlink_or_archive(env, sorted(to_unlink))
        if any(t not in store.tables["product.template"] for t in tmpl_ids):
            raise UserError(
                "This configuration of product attributes, values, and exclusions would lead to "
                "no possible variant. Please archive or delete your product directly if "
                "intended."
            )


def _variant_lines(env: Env, tmpl_id: int) -> list[int]:
    """Active lines with values whose attribute is not ``no_variant``, in ``_order``."""
    store = env.store
    attributes = store.tables["product.attribute"]
    return [
        i
        for i in cc.one2many_ids(store, "product.template", tmpl_id, "attribute_line_ids")
        if store.tables[PTAL][i].get("value_ids")
        and attributes[store.tables[PTAL][i]["attribute_id"]].get("create_variant") != "no_variant"
    ]


def _active_values(env: Env, line_id: int) -> list[int]:
    ptavs = env.store.tables[PTAV]
    ids = cc.one2many_ids(env.store, PTAL, line_id, "product_template_value_ids")
    return [i for i in ids if ptavs[i].get("ptav_active", True)]


def _line_of(env: Env, ptav_id: int) -> int:
    return int(env.store.tables[PTAV][ptav_id]["attribute_line_id"])


def _has_dynamic(env: Env, tmpl_id: int) -> bool:
    store = env.store
    attributes = store.tables["product.attribute"]
    lines = cc.one2many_ids(store, "product.template", tmpl_id, "attribute_line_ids")
    return any(
        attributes[store.tables[PTAL][i]["attribute_id"]].get("create_variant") == "dynamic"
        for i in lines
    )


def _valid(env: Env, lines: list[int], values: dict[int, list[int]], var_id: int) -> bool:
    combo = env.store.tables["product.product"][var_id].get("product_template_attribute_value_ids")
    combo = combo or []
    return sorted(_line_of(env, p) for p in combo) == sorted(lines) and all(
        p in values[_line_of(env, p)] for p in combo
    )


def _stamp(env: Env) -> dict[str, Any]:
    return {"write_date": env.store.now, "write_uid": env.uid}


def _new_variant(env: Env, tmpl_id: int, combination: list[int]) -> int:
    """``_prepare_variant_values``: the template, the combination, the template's ``active``."""
    store = env.store
    tmpl = store.tables["product.template"][tmpl_id]
    var_id = _insert(
        env,
        "product.product",
        {
            "product_tmpl_id": tmpl_id,
            "active": bool(tmpl.get("active", True)),
            "barcode": False,
            "default_code": False,
            "product_template_attribute_value_ids": combination,
        },
    )
    store.update(
        "product.template",
        tmpl_id,
        {"product_variant_ids": [*(tmpl.get("product_variant_ids") or []), var_id]},
    )
    return var_id


def unlink_or_archive(env: Env, variant_ids: list[int]) -> None:
    """``_unlink_or_archive``: delete each variant, or archive it when stock refers to it."""
    store = env.store
    for var_id in variant_ids:
        if var_id not in store.tables["product.product"]:
            continue
        if stock.product_referenced(env, var_id):
            if store.tables["product.product"][var_id].get("active", True):
                store.update("product.product", var_id, {"active": False, **_stamp(env)})
            continue
        records.unlink_records(env, "product.product", [var_id])


def sync_template_active(env: Env, variant_ids: list[int]) -> None:
    """The variant's ``toggle_active`` (17) / ``action_archive`` (18+): a template left without
    active variants is archived, an archived one with an active variant unarchived."""
    store = env.store
    templates = {
        int(store.tables["product.product"][v]["product_tmpl_id"])
        for v in variant_ids
        if v in store.tables["product.product"]
    }
    for tmpl_id in sorted(templates):
        tmpl = store.tables["product.template"][tmpl_id]
        has_active = bool(cc.active_variant_ids(store, tmpl))
        if bool(tmpl.get("active", True)) != has_active:
            store.update("product.template", tmpl_id, {"active": has_active, **_stamp(env)})


def template_variants(env: Env, tmpl_id: int, variant_values: dict[str, Any]) -> list[int]:
    """After a template's ``create``: its variants exist (one if it has no attribute), and the
    template's ``barcode``/``default_code`` go to the variant when there is exactly one."""
    store = env.store
    if not store.tables["product.template"][tmpl_id].get("product_variant_ids"):
        create_variant_ids(env, [tmpl_id])
    variants = cc.active_variant_ids(store, store.tables["product.template"][tmpl_id])
    if len(variants) == 1 and variant_values:
        store.update("product.product", variants[0], variant_values)
    return list(store.tables["product.template"][tmpl_id].get("product_variant_ids") or [])
