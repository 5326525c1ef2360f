"""What a run is asked to do (`RunOptions`) and what it did (`RunResult`, SPEC §2.2).

Shared by export, import and two-way sync. ``RunResult.to_json`` gives exactly the SPEC §2.2
document; the CLI prints it, the engine never does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from odoosync.engine.outcomes import OutcomeList
from odoosync.errors import ExitCode

#: without ``keep_all``, a result keeps the first this many changed products (the CLI lists the
#: changes when there are at most 10), besides every error and conflict
KEPT_CHANGES = 10
_COUNTERS = {
    "create": "created",
    "update": "updated",
    "unchanged": "unchanged",
    "skip": "skipped",
    "error": "failed",
    "conflict": "conflicts",
}


@dataclass(frozen=True)
class RunOptions:
    """What a run is asked to do; ``None`` means "the profile's setting" (``[sync]``).

    ``filters`` holds the catalog filters as text pairs, as schedules store them and as
    ``odoosync.catalog.filters.parse_filters`` reads them: ``supplier_id``, ``has_ean``,
    ``modified_since``, ``modified_today``; ``where`` holds ``FIELD=VALUE`` pairs. Everything here
    is JSON-serialisable (``to_dict``/``from_dict``) so that a run's options can be stored in the
    history and replayed by ``odoosync retry``.
    """

    direction: str = "to_odoo"
    sync_type: str = "full"  # "full" | "incremental" (schedules)
    product_ids: tuple[str, ...] = ()
    filters: Mapping[str, str] = field(default_factory=dict)
    where: tuple[tuple[str, str], ...] = ()
    batch_size: int | None = None
    workers: int | None = None
    images: bool | None = None
    force_update: bool = False
    #: export: archive linked products whose key left the catalog (SPEC §7.2); ``force``
    #: passes the ``max_archive_ratio`` guard
    archive_missing: bool = False
    force: bool = False
    dry_run: bool = False
    details: bool = False
    triggered_by: str = "manual"  # "manual" | "schedule" | "retry"
    schedule_id: int | None = None
    wait: float | None = None  # seconds to wait for the profile lock; None: fail at once (exit 7)
    user: str | None = None  # who ran it (audit); None: the OS user
    # two-way sync
    conflict_policy: str | None = None
    # import
    categ_ids: tuple[int, ...] = ()
    include_archived: bool = False
    domain: tuple[Any, ...] | None = None
    since: str | None = None
    full: bool = False
    create_missing: bool = True
    update_existing: bool = True

    @property
    def single_product(self) -> bool:
        """One product asked for by id: the result always lists it (SPEC §2.2)."""
        return len(self.product_ids) == 1

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict (for ``History.begin_run(options=...)``)."""
        data = asdict(self)
        data["filters"] = dict(self.filters)
        data["product_ids"] = list(self.product_ids)
        data["where"] = [list(pair) for pair in self.where]
        data["categ_ids"] = list(self.categ_ids)
        data["domain"] = list(self.domain) if self.domain is not None else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunOptions:
        """The inverse of ``to_dict``; unknown keys are ignored (older or newer histories)."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        if "product_ids" in values:
            values["product_ids"] = tuple(str(p) for p in values["product_ids"] or ())
        if "where" in values:
            values["where"] = tuple((str(k), str(v)) for k, v in values["where"] or ())
        if "categ_ids" in values:
            values["categ_ids"] = tuple(int(c) for c in values["categ_ids"] or ())
        if values.get("domain") is not None:
            values["domain"] = tuple(values["domain"])
        if "filters" in values:
            values["filters"] = {str(k): str(v) for k, v in (values["filters"] or {}).items()}
        return cls(**values)

    def but(self, **changes: Any) -> RunOptions:
        """A copy with ``changes`` (``dataclasses.replace``)."""
        return replace(self, **changes)


@dataclass
class ProductOutcome:
    """What happened (or, in a dry run, would happen) to one product."""

    product_id: str
    action: str  # create, update, unchanged, skip, error or conflict (SPEC §2.2)
    odoo_product_id: int | None = None
    fields_synced: list[str] = field(default_factory=list)
    #: dry runs: {field: [odoo_value, new_value]}
    changes: dict[str, list[Any]] | None = None
    error_message: str | None = None
    error_details: dict[str, Any] | None = None
    duration_ms: int = 0
    #: a short note for people ("re-created: deleted in Odoo", "linked by barcode")
    note: str | None = None

    def to_json(self, *, dry_run: bool = False) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "product_id": self.product_id,
            "action": self.action,
            "odoo_product_id": self.odoo_product_id,
            "fields_synced": list(self.fields_synced),
        }
        if dry_run:
            doc["changes"] = self.changes or {}
        if self.action in ("error", "conflict") and self.error_message is not None:
            doc["error_message"] = self.error_message
            doc["error_details"] = self.error_details
        if self.note:
            doc["note"] = self.note
        return doc


@dataclass
class RunResult:
    """The outcome of one run: SPEC §2.2 keys plus the per-product outcomes."""

    batch_id: str
    direction: str = "to_odoo"
    dry_run: bool = False
    products_found: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    conflicts: int = 0
    #: conflicts left to a person (policy ``skip``): they make ``success`` false
    unresolved_conflicts: int = 0
    duration_ms: int = 0
    #: the products' outcomes: all of them with ``keep_all``; else every error and conflict and
    #: the first ``KEPT_CHANGES`` other changes (a big run keeps counts, not a list of products);
    #: past a few thousand they are kept on disk (:class:`OutcomeList`)
    products: OutcomeList = field(default_factory=OutcomeList)
    single_product: bool = False
    #: keep every outcome (``--details``, a single product)
    keep_all: bool = True
    #: keep every outcome but ``unchanged`` ones (dry runs: the plan is listed)
    keep_changes: bool = True
    #: changed products (not ``unchanged``) counted but not kept in ``products``
    omitted: int = 0
    #: changes other than errors and conflicts kept in ``products``
    kept_changes: int = field(default=0, repr=False)
    #: "success" | "partial" | "failed" | "interrupted" (the run's status in the history)
    status: str = "success"
    #: a run stopped before the end (Odoo unreachable): the reason, and the exit code it means
    aborted: str | None = None
    aborted_exit_code: int | None = None
    #: a human note, e.g. "batch sync_... has no failed products"
    message: str | None = None
    #: what a person should know that is not a product's error (rows without a timestamp...)
    warnings: list[str] = field(default_factory=list)
    #: "json2" or "xmlrpc": how the run spoke to Odoo (SPEC §8); None when it did not connect
    transport: str | None = None

    @property
    def success(self) -> bool:
        return self.failed == 0 and self.unresolved_conflicts == 0 and self.aborted is None

    @property
    def exit_code(self) -> ExitCode:
        """0, 6 (some products failed or conflicts wait), or the abort's code (5)."""
        if self.aborted is not None:
            return ExitCode(self.aborted_exit_code or ExitCode.ODOO_UNREACHABLE)
        if not self.success:
            return ExitCode.PARTIAL_FAILURE
        return ExitCode.OK

    def add(self, outcome: ProductOutcome, order: tuple[int, int] = (0, 0)) -> bool:
        """Count one product's outcome; keep it in ``products`` when wanted (see ``products``),
        listed by ``order`` (then as added). Returns whether it was kept."""
        counter = _COUNTERS[outcome.action]
        setattr(self, counter, getattr(self, counter) + 1)
        if self.keeps(outcome.action):
            self.products.append(outcome, order)
            if outcome.action not in ("error", "conflict", "unchanged"):
                self.kept_changes += 1
            return True
        if outcome.action != "unchanged":
            self.omitted += 1
        return False

    def keeps(self, action: str) -> bool:
        """Whether an outcome with this action would be kept in ``products`` now."""
        return (
            self.keep_all
            or action in ("error", "conflict")
            or (action != "unchanged" and (self.keep_changes or self.kept_changes < KEPT_CHANGES))
        )

    @property
    def changed(self) -> int:
        """Products with an outcome other than ``unchanged``, kept in ``products`` or not."""
        return sum(1 for p in self.products if p.action != "unchanged") + self.omitted

    def counts(self) -> dict[str, int]:
        """The counters, as ``History.finish_run(counts=...)`` takes them."""
        return {
            "products_found": self.products_found,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "skipped": self.skipped,
            "conflicts": self.conflicts,
        }

    def product_docs(self) -> Iterator[dict[str, Any]]:
        """The ``products`` of :meth:`to_json`, one by one."""
        for p in self.products:
            yield p.to_json(dry_run=self.dry_run)

    def errors(self) -> list[dict[str, Any]]:
        return [
            {
                "product_id": p.product_id,
                "error_message": p.error_message,
                "error_details": p.error_details,
            }
            for p in self.products
            if p.action == "error" or (p.action == "conflict" and p.error_message)
        ]

    def to_json(self, details: bool = False, *, products: bool = True) -> dict[str, Any]:
        """The SPEC §2.2 document; ``products`` with ``details`` or for a single product
        (without ``products``, an empty list marks its place: the caller streams it, from
        :meth:`product_docs`)."""
        doc: dict[str, Any] = {
            "success": self.success,
            "batch_id": self.batch_id,
            "direction": self.direction,
            "dry_run": self.dry_run,
            **self.counts(),
            "duration_ms": self.duration_ms,
            "transport": self.transport,
            "errors": self.errors(),
        }
        if self.aborted is not None:
            doc["error"] = self.aborted
        if self.message is not None:
            doc["message"] = self.message
        if self.warnings:
            doc["warnings"] = list(self.warnings)
        if details or self.single_product:
            doc["products"] = list(self.product_docs()) if products else []
        if self.single_product:
            only = self.products[0] if self.products else None
            doc["odoo_product_id"] = only.odoo_product_id if only else None
            doc["fields_synced"] = list(only.fields_synced) if only else []
        return doc
