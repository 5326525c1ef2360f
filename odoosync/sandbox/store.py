"""The sandbox's database: tables of records, id sequences, indexes, transactions, persistence.

Every RPC call runs in :meth:`Store.transaction` under one lock: mutations are journaled (the
first prior state of each touched record) and undone if the call fails, so a failing call
changes nothing, while id sequences are **not** rolled back (observations: "sequence numbers
consumed by failed creates are not reused"). The store is the ``DomainSource`` of
``sandbox/domain.py``: :meth:`record` returns a read-only view with computed fields
(``display_name``, ``complete_name``, the template's ``barcode``...) filled in.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from odoosync.sandbox import catalog_compute
from odoosync.sandbox.models import FieldDef, ModelSpec, type_default

Record = dict[str, Any]

#: fields a product.product keeps itself; everything else is read from its template
VARIANT_STORED = frozenset({"barcode", "default_code", "active"})
#: variant fields that read the template's value (one variant per template)
DELEGATED = frozenset({"lst_price", "standard_price", "weight", "volume"})

FORMAT_VERSION = 1

#: ``image.mixin``'s stored resized copies of ``image_1920`` (related, max_width/max_height)
IMAGE_SIBLINGS = frozenset({"image_1024", "image_512", "image_256", "image_128"})

#: computed template fields that are the same for every product of a fresh company
TEMPLATE_CONSTANTS: dict[str, Any] = {
    "currency_id": 2,
    "cost_currency_id": 2,
    "cost_method": "standard",
    "valuation": "manual_periodic",
    "weight_uom_name": "kg",
    "volume_uom_name": "m³",
}


class RecordView(Mapping[str, Any]):
    """A record as the ORM sees it: stored values, computed fields, type defaults."""

    __slots__ = ("_model", "_rec", "_store")

    def __init__(self, store: Store, model: str, rec: Record) -> None:
        self._store = store
        self._model = model
        self._rec = rec

    def __getitem__(self, key: str) -> Any:
        rec = self._rec
        if key in rec:
            return rec[key]
        value = self._store.computed(self._model, rec, key)
        if value is not _MISSING:
            return value
        fdef = self._store.field_def(self._model, key)
        if fdef is None:
            raise KeyError(key)
        return type_default(fdef)

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.fields(self._model))

    def __len__(self) -> int:
        return len(self._store.fields(self._model))


_MISSING: Any = object()


def _bucket(index: dict[Any, set[int]], key: Any, rec_id: int, add: bool) -> None:
    """Add ``rec_id`` under ``key`` (a falsy key is not indexed), or take it out."""
    if not key:
        return
    if add:
        index.setdefault(key, set()).add(rec_id)
        return
    ids = index.get(key)
    if ids is not None:
        ids.discard(rec_id)
        if not ids:
            del index[key]


class Store:
    """All data of one sandbox database."""

    def __init__(
        self,
        version: int,
        specs: dict[str, ModelSpec],
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.version = version
        self.specs = specs
        self.tables: dict[str, dict[int, Record]] = {name: {} for name in specs}
        self.sequences: dict[str, int] = dict.fromkeys(specs, 0)
        self.lock = threading.RLock()
        self.clock = clock or (lambda: datetime.now(UTC))
        #: the unique and plain indexes a real Odoo has (odoo-facts §6): variants by barcode and
        #: by default_code, external ids by (module, name) and by (model, res_id)
        self.barcodes: dict[str, set[int]] = {}
        self.default_codes: dict[str, set[int]] = {}
        self.xmlids: dict[tuple[str, str], int] = {}
        self.xmlids_by_res_id: dict[tuple[str, int], set[int]] = {}
        #: records the domain evaluator has looked at (``record``): how tests see a scan
        self.visits = 0
        #: each model's ids in ascending order (``sorted_ids``), kept up to date or dropped
        self._sorted: dict[str, list[int]] = {}
        self._journal: dict[tuple[str, int], Record | None] | None = None
        self._custom: dict[str, dict[str, FieldDef]] | None = None
        self._fields_cache: dict[str, dict[str, FieldDef]] = {}
        self.changed = False
        self.now = ""

    # -- schema -------------------------------------------------------------------------------

    def fields(self, model: str) -> dict[str, FieldDef]:
        """Every field of ``model``: its own, the template's (for variants), custom x_ fields."""
        cached = self._fields_cache.get(model)
        if cached is not None:
            return cached
        spec = self.specs[model]
        out: dict[str, FieldDef] = {}
        if model == "product.product":
            out.update(self.fields("product.template"))
            for name in ("product_variant_ids", "product_variant_id", "product_variant_count"):
                out.pop(name, None)
        out.update(spec.fields)
        out.update(self.custom_fields().get(model, {}))
        self._fields_cache[model] = out
        return out

    def field_def(self, model: str, name: str) -> FieldDef | None:
        return self.fields(model).get(name)

    def custom_fields(self) -> dict[str, dict[str, FieldDef]]:
        """Fields created over RPC in ``ir.model.fields`` (state manual; odoo-facts §6)."""
        if self._custom is None:
            custom: dict[str, dict[str, FieldDef]] = {}
            for rec in self.tables["ir.model.fields"].values():
                if rec.get("state") != "manual":
                    continue
                fdef: FieldDef = {
                    "type": rec["ttype"],
                    "string": rec.get("field_description") or rec["name"],
                    "required": bool(rec.get("required")),
                    "readonly": bool(rec.get("readonly")),
                    "manual": True,
                }
                if rec.get("relation"):
                    fdef["relation"] = rec["relation"]
                if rec["ttype"] == "selection":
                    fdef["selection"] = rec.get("_selection", [])
                custom.setdefault(rec["model"], {})[rec["name"]] = fdef
            self._custom = custom
        return self._custom

    def _schema_changed(self) -> None:
        self._custom = None
        self._fields_cache.clear()

    # -- records ------------------------------------------------------------------------------

    def next_id(self, model: str) -> int:
        """Take the next id of ``model``'s sequence (never given back, even on rollback)."""
        self.sequences[model] += 1
        return self.sequences[model]

    def get(self, model: str, rec_id: int) -> Record | None:
        return self.tables[model].get(rec_id)

    def view(self, model: str, rec: Record) -> RecordView:
        return RecordView(self, model, rec)

    def _remember(self, model: str, rec_id: int) -> None:
        journal = self._journal
        if journal is not None and (model, rec_id) not in journal:
            old = self.tables[model].get(rec_id)
            journal[(model, rec_id)] = None if old is None else dict(old)
        self.changed = True
        if model == "ir.model.fields":
            self._schema_changed()

    def insert(self, model: str, rec: Record) -> None:
        rec_id = int(rec["id"])
        self._remember(model, rec_id)
        self._add_id(model, rec_id)
        self.tables[model][rec_id] = rec
        self._index(model, rec, add=True)

    def update(self, model: str, rec_id: int, changes: Mapping[str, Any]) -> None:
        rec = self.tables[model][rec_id]
        self._remember(model, rec_id)
        self._index(model, rec, add=False)
        rec.update(changes)
        self._index(model, rec, add=True)

    def delete(self, model: str, rec_id: int) -> None:
        self._remember(model, rec_id)
        rec = self.tables[model].pop(rec_id)
        self._drop_id(model, rec_id)
        self._index(model, rec, add=False)

    def sorted_ids(self, model: str) -> list[int]:
        """``model``'s ids in ascending order (read-only: the store keeps it up to date)."""
        ids = self._sorted.get(model)
        if ids is None or len(ids) != len(self.tables[model]):
            ids = self._sorted[model] = sorted(self.tables[model])
        return ids

    def _add_id(self, model: str, rec_id: int) -> None:
        ids = self._sorted.get(model)
        if ids is None or rec_id in self.tables[model]:
            return
        if not ids or rec_id > ids[-1]:  # the usual case: a new id from the sequence
            ids.append(rec_id)
        else:
            self._sorted.pop(model)

    def _drop_id(self, model: str, rec_id: int) -> None:
        ids = self._sorted.get(model)
        if ids is None:
            return
        pos = bisect_left(ids, rec_id)
        if pos < len(ids) and ids[pos] == rec_id:
            del ids[pos]
        else:
            self._sorted.pop(model)

    def _index(self, model: str, rec: Record, *, add: bool) -> None:
        if model == "product.product":
            _bucket(self.barcodes, rec.get("barcode"), rec["id"], add)
            _bucket(self.default_codes, rec.get("default_code"), rec["id"], add)
        elif model == "ir.model.data":
            key = (rec["module"], rec["name"])
            if add:
                self.xmlids[key] = rec["id"]
            elif self.xmlids.get(key) == rec["id"]:
                del self.xmlids[key]
            res_id = rec.get("res_id")
            if res_id:
                _bucket(self.xmlids_by_res_id, (rec.get("model"), int(res_id)), rec["id"], add)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One call: all or nothing (odoo-facts §1.3 "Transaction")."""
        with self.lock:
            if self._journal is not None:  # nested (in-process helpers): join the outer one
                yield
                return
            self._journal = {}
            self.now = self.clock().strftime("%Y-%m-%d %H:%M:%S")
            try:
                yield
            except BaseException:
                self._rollback()
                raise
            finally:
                self._journal = None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested all-or-nothing block inside a transaction (``load`` uses it)."""
        outer = self._journal
        self._journal = {}
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        finally:
            inner, self._journal = self._journal, outer
            if outer is not None:
                for key, old in inner.items():
                    outer.setdefault(key, old)

    def _rollback(self) -> None:
        journal = self._journal or {}
        for (model, rec_id), old in reversed(list(journal.items())):
            current = self.tables[model].pop(rec_id, None)
            if current is not None:
                self._drop_id(model, rec_id)
                self._index(model, current, add=False)
            if old is not None:
                self._add_id(model, rec_id)
                self.tables[model][rec_id] = old
                self._index(model, old, add=True)
            if model == "ir.model.fields":
                self._schema_changed()

    # -- computed fields ----------------------------------------------------------------------

    def display_name(self, model: str, rec: Mapping[str, Any]) -> str:
        if model in {"product.template", "product.product"}:
            view = rec if isinstance(rec, RecordView) else self.view(model, dict(rec))
            code = view["default_code"]
            name = view["name"] or ""
            if model == "product.product" and view["product_template_attribute_value_ids"]:
                combination = catalog_compute.combination_name(self, view)
                name = f"{name} ({combination})" if combination else name
            return f"[{code}] {name}" if code else str(name)
        catalog = catalog_compute.display_name(self, model, rec)
        if catalog is not None:
            return catalog
        if model == "product.category":
            return self.complete_name(rec)
        if model == "ir.model.data":
            return f"{rec['module']}.{rec['name']}"
        if model == "ir.model.fields":
            return str(rec.get("field_description") or rec.get("name") or "")
        return str(rec.get("name") or "")

    def complete_name(self, rec: Mapping[str, Any]) -> str:
        """``'%s / %s' % (parent.complete_name, name)`` (odoo-facts §6)."""
        names = [str(rec.get("name") or "")]
        parent = rec.get("parent_id")
        seen = set()
        while parent and parent not in seen:
            seen.add(parent)
            prec = self.tables["product.category"].get(parent)
            if prec is None:
                break
            names.append(str(prec.get("name") or ""))
            parent = prec.get("parent_id")
        return " / ".join(reversed(names))

    def computed(self, model: str, rec: Record, key: str) -> Any:
        if key == "display_name":
            return self.display_name(model, self.view(model, rec))
        value = catalog_compute.compute(self, model, rec, key)
        if value is not catalog_compute.NOT_COMPUTED:
            return value
        if model == "product.product":
            if key in VARIANT_STORED or (key in self.specs[model].fields and key not in DELEGATED):
                return _MISSING
            tmpl = self.tables["product.template"].get(rec.get("product_tmpl_id") or 0)
            if tmpl is None:
                return _MISSING
            if key == "lst_price":  # list_price + price_extra (no attributes: no extra)
                return tmpl.get("list_price", 1.0)
            return self.view("product.template", tmpl)[key]
        if model == "product.template":
            if key in {"barcode", "default_code"}:  # the single variant's
                single = catalog_compute.single_variant(self, rec)
                var = None if single is None else self.tables["product.product"].get(single)
                return var.get(key, False) if var else False
            if key == "product_variant_id":
                variants = catalog_compute.active_variant_ids(self, rec)
                return variants[0] if variants else False
            if key == "product_variant_count":
                return len(catalog_compute.active_variant_ids(self, rec))
            if key in TEMPLATE_CONSTANTS:
                return TEMPLATE_CONSTANTS[key]
            if key in IMAGE_SIBLINGS:  # related to image_1920, resized: same bytes when small
                return rec.get("image_1920") or False
            if key == "uom_name":
                uom = self.tables["uom.uom"].get(rec.get("uom_id") or 0)
                return uom["name"] if uom else False
        if model == "product.category":
            if key == "complete_name":
                return self.complete_name(rec)
            if key == "child_id":
                table = self.tables["product.category"]
                return sorted(i for i, r in table.items() if r.get("parent_id") == rec["id"])
        if model == "ir.model.data":
            if key == "complete_name":
                return f"{rec['module']}.{rec['name']}"
            if key == "reference":
                return f"{rec['model']},{rec.get('res_id') or 0}"
        if model == "uom.uom" and key == "factor_inv":
            factor = float(rec.get("factor") or 1.0)
            return 1.0 / factor if factor else 0.0
        return _MISSING

    # -- DomainSource -------------------------------------------------------------------------

    def record(self, model: str, rec_id: int) -> Mapping[str, Any] | None:
        self.visits += 1
        table = self.tables.get(model)
        rec = None if table is None else table.get(rec_id)
        return None if rec is None else self.view(model, rec)

    def all_ids(self, model: str) -> Iterable[int]:
        return list(self.tables[model])

    def parent_field(self, model: str) -> str | None:
        spec = self.specs.get(model)
        return None if spec is None else spec.parent_field

    def name_search_ids(self, model: str, name: str, operator: str) -> set[int]:
        """Ids whose display name matches (the relational-leaf-with-a-string case)."""
        needle = str(name)
        low = needle.lower()
        tests: dict[str, Callable[[str], bool]] = {
            "=": lambda s: s == needle,
            "!=": lambda s: s != needle,
            "like": lambda s: needle in s,
            "ilike": lambda s: low in s.lower(),
            "not like": lambda s: needle not in s,
            "not ilike": lambda s: low not in s.lower(),
            "=like": lambda s: s == needle,
            "=ilike": lambda s: s.lower() == low,
        }
        test = tests.get(operator, tests["ilike"])
        table = self.tables[model]
        return {i for i, rec in table.items() if test(self._search_text(model, rec))}

    def _search_text(self, model: str, rec: Record) -> str:
        text = catalog_compute.search_text(self, model, rec)
        return self.display_name(model, self.view(model, rec)) if text is None else text

    # -- persistence --------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "version": self.version,
            "sequences": self.sequences,
            "tables": {m: list(t.values()) for m, t in self.tables.items()},
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        self.sequences.update({k: int(v) for k, v in data["sequences"].items()})
        for model, rows in data["tables"].items():
            if model not in self.tables:
                continue
            self.tables[model] = {int(r["id"]): r for r in rows}
            self._sorted.pop(model, None)
            for rec in rows:
                self._index(model, rec, add=True)
        self._schema_changed()

    def save(self, path: Path) -> None:
        """Write the whole store as JSON, atomically (temp file + ``os.replace``)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".sandbox-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.dump(), fh, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
