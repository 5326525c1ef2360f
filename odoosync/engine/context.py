"""What every run resolves once: the connection, Odoo's fields, categories and taxes, and the
run's bookkeeping (lock, history run, interruption).

Shared by export, import and two-way sync::

    with recorded_run(settings, options, history, direction="to_odoo") as run:
        client = connect(client_factory)                       # exit 4 before any product call
        odoo = resolve_odoo(client, mapping, base_dir=...)     # fields_get, categories, taxes
        ...                                                    # run.result is the RunResult
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from odoosync.config.settings import Settings
from odoosync.engine.result import RunOptions, RunResult
from odoosync.errors import (
    ConfigError,
    Interrupted,
    OdooFault,
    OdoosyncError,
    PermissionDenied,
)
from odoosync.history.records import Run
from odoosync.history.store import History
from odoosync.lock import ProfileLock
from odoosync.mapping.model import MappingConfig
from odoosync.odoo.client import OdooClient
from odoosync.terms import BATCH_PREFIX
from odoosync.transforms import (
    AmbiguousCategory,
    TransformContext,
    TransformError,
    default_fetch,
    normalise_rate,
    resolve_category,
)

ClientFactory = Callable[[], OdooClient]
Progress = Callable[[int, int | None], None]

PRODUCT_MODEL = "product.template"
FIELD_ATTRIBUTES = ("string", "type", "required", "readonly", "relation", "store")
TRANSIENT_TEMPLATE_NOTE = "run `odoosync mappings validate --create-custom-fields`"


# --------------------------------------------------------------------------------------------
# connection


def connect(
    client_factory: ClientFactory,
    *,
    model: str = PRODUCT_MODEL,
    rights: Sequence[str] = ("create", "write"),
) -> OdooClient:
    """Authenticate and check access rights, before any product is touched.

    Raises ``AuthenticationError``/``DatabaseNotFound``/``PermissionDenied`` (exit 4) or
    ``OdooUnreachable`` (exit 5).
    """
    client = client_factory()
    client.authenticate()
    for operation in ("read", *rights):
        try:
            allowed = client.check_access_rights(model, operation)
        except OdooFault as exc:
            allowed = False
            reason = exc.odoo_message or exc.message
        else:
            reason = ""
        if not allowed:
            raise PermissionDenied(
                f"The Odoo user may not {operation} {model} records"
                f"{': ' + reason if reason else ''}. "
                "Ask an Odoo administrator to give the integration user the rights it needs.",
                odoo_message=reason or None,
            )
    return client


# --------------------------------------------------------------------------------------------
# Odoo-side resolution


@dataclass
class OdooSide:
    """What the run knows about Odoo: fields (fields_get), and the transform context."""

    fields: dict[str, dict[str, Any]]
    transform: TransformContext
    #: complete_name -> id for every category (create_missing_categories adds to it)
    category_by_path: dict[str, int] = field(default_factory=dict)

    def field_type(self, name: str) -> str | None:
        spec = self.fields.get(name)
        return None if spec is None else str(spec.get("type"))


def check_mapped_fields(mapping: MappingConfig, fields: Mapping[str, Any]) -> None:
    """Every active product.template mapping names a field Odoo has; else ConfigError (exit 3)."""
    where = mapping.path.name if mapping.path is not None else "mapping.toml"
    for i, entry in enumerate(mapping.fields):
        if not entry.is_active or entry.odoo_model != PRODUCT_MODEL:
            continue
        if entry.odoo_field in fields:
            continue
        if entry.odoo_field.startswith("x_"):
            raise ConfigError(
                f"{where}: fields[{i}].odoo_field: the custom field {entry.odoo_field!r} does not "
                f"exist on {PRODUCT_MODEL} in Odoo; {TRANSIENT_TEMPLATE_NOTE} to create it, or "
                "set is_active = false."
            )
        raise ConfigError(
            f"{where}: fields[{i}].odoo_field: {entry.odoo_field!r} is not a field of "
            f"{PRODUCT_MODEL} in Odoo; see `odoosync fields` for the available fields."
        )


def resolve_odoo(
    client: OdooClient,
    mapping: MappingConfig,
    *,
    base_dir: Path,
    fetch: Callable[[str], bytes] = default_fetch,
) -> OdooSide:
    """fields_get, categories (one search_read) and sale taxes (one search_read)."""
    fields = client.fields_get(PRODUCT_MODEL, attributes=FIELD_ATTRIBUTES)
    check_mapped_fields(mapping, fields)
    transforms = {m.transform for m in mapping.active()}
    types = {m.odoo_field for m in mapping.active()}
    field_types = {name: str(fields[name].get("type")) for name in types if name in fields}

    categories: dict[str, int] = {}
    paths: dict[int, str] = {}
    if "category" in transforms or mapping.categories:
        rows = client.search_read("product.category", [], ["id", "complete_name", "name"])
        paths = {int(r["id"]): str(r["complete_name"] or r["name"]) for r in rows}
        categories = _map_categories(mapping, paths)

    taxes: dict[str, int] = {}
    rates: dict[int, str] = {}
    if "taxes" in transforms or mapping.taxes:
        rows = client.search_read(
            "account.tax",
            [("type_tax_use", "=", "sale")],
            ["id", "name", "amount", "amount_type", "price_include"],
        )
        taxes, rates = _map_taxes(mapping, rows)

    context = TransformContext(
        base_dir=base_dir,
        field_types=field_types,
        categories=categories,
        category_paths=paths,
        taxes=taxes,
        tax_rates=rates,
        fetch=fetch,
    )
    return OdooSide(
        fields=dict(fields),
        transform=context,
        category_by_path={path: cid for cid, path in paths.items()},
    )


def _map_categories(mapping: MappingConfig, paths: Mapping[int, str]) -> dict[str, int]:
    where = mapping.path.name if mapping.path is not None else "mapping.toml"
    by_path = {path: cid for cid, path in paths.items()}
    out: dict[str, int] = {}
    for local, target in mapping.categories.items():
        if isinstance(target, int):
            if target not in paths:
                raise ConfigError(
                    f"{where}: categories.{local!r}: Odoo has no product.category with id "
                    f"{target}; see the categories in Odoo or use a complete path."
                )
            out[local] = target
        elif target in by_path:
            out[local] = by_path[target]
        elif not mapping.create_missing_categories:
            raise ConfigError(
                f"{where}: categories.{local!r}: Odoo has no category {target!r} (complete path "
                "such as 'All / Saleable / Electronics'); fix the path or set "
                "create_missing_categories = true under [options]."
            )
    return out


def _map_taxes(
    mapping: MappingConfig, rows: Iterable[Mapping[str, Any]]
) -> tuple[dict[str, int], dict[int, str]]:
    where = mapping.path.name if mapping.path is not None else "mapping.toml"
    rows = sorted(rows, key=lambda r: int(r["id"]))
    by_id = {int(r["id"]): r for r in rows}
    by_name: dict[str, int] = {}
    for r in rows:
        by_name.setdefault(str(r["name"]), int(r["id"]))
    taxes: dict[str, int] = {}
    rates: dict[int, str] = {}
    # plain percent sale taxes, price excluded, by rate (lowest id wins: deterministic)
    for r in rows:
        if r.get("amount_type", "percent") == "percent" and not r.get("price_include"):
            try:
                rate = normalise_rate(r["amount"])
            except TransformError:
                continue
            taxes.setdefault(rate, int(r["id"]))
            rates.setdefault(int(r["id"]), rate)
    for key, target in mapping.taxes.items():
        rate = normalise_rate(key)
        if isinstance(target, int):
            if target not in by_id:
                raise ConfigError(
                    f"{where}: taxes.{key!r}: Odoo has no sale tax with id {target}; "
                    "use the id or the name of a sale tax (account.tax)."
                )
            tax_id = target
        elif target in by_name:
            tax_id = by_name[target]
        else:
            raise ConfigError(
                f"{where}: taxes.{key!r}: Odoo has no sale tax named {target!r}; "
                "use the id or the exact name of a sale tax (account.tax)."
            )
        taxes[rate] = tax_id
        rates[tax_id] = rate
    return taxes, rates


def ensure_categories(client: OdooClient, side: OdooSide, names: Iterable[str]) -> list[str]:
    """Create the categories ``names`` (complete paths, " / " separated) that Odoo lacks.

    Used when ``create_missing_categories`` is on; returns the paths created. A name the
    category transform already resolves (a ``[categories]`` entry, a complete path, the last
    segment of exactly one path: what an import writes) is left alone, and so is an ambiguous
    one (a new top-level category would only add to the ambiguity: the mapping error says
    what to do). The transform context's category tables are updated in place (they are the
    run's own dicts).
    """
    categories = side.transform.categories
    paths = side.transform.category_paths
    assert isinstance(categories, dict) and isinstance(paths, dict)
    created: list[str] = []
    for name in names:
        if name in categories or name in side.category_by_path or _resolves(name, side):
            continue
        parts = [p.strip() for p in name.split("/") if p.strip()]
        parent: int | None = None
        for depth in range(1, len(parts) + 1):
            path = " / ".join(parts[:depth])
            if path in side.category_by_path:
                parent = side.category_by_path[path]
                continue
            values: dict[str, Any] = {"name": parts[depth - 1]}
            if parent is not None:
                values["parent_id"] = parent
            [new_id] = client.create("product.category", [values])
            side.category_by_path[path] = new_id
            paths[new_id] = path
            created.append(path)
            parent = new_id
        if parent is not None:
            categories[name] = parent
    return created


def _resolves(name: str, side: OdooSide) -> bool:
    """The category transform finds ``name`` (or finds it ambiguous): nothing to create."""
    try:
        resolve_category(name, side.transform)
    except AmbiguousCategory:
        return True
    except TransformError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# run bookkeeping


@dataclass
class RunHandle:
    """The run being recorded: its batch id and result, and the history it writes to."""

    batch_id: str
    result: RunResult
    history: History | None  # None for dry runs: they write nothing
    profile: str
    started: float
    user: str

    def elapsed_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)


def _dry_batch_id(direction: str) -> str:
    prefix = BATCH_PREFIX[direction]
    return prefix + datetime.now(UTC).strftime("%Y%m%d_%H%M%S")


@contextmanager
def recorded_run(
    settings: Settings,
    options: RunOptions,
    history: History,
    *,
    direction: str,
    retry_of: str | None = None,
    lock_factory: Callable[[Settings], ProfileLock] | None = None,
) -> Iterator[RunHandle]:
    """Hold the profile lock, record the run (not for dry runs), and close it with a status.

    The lock is taken first (``LockHeld``, exit 7, unless ``options.wait``); runs left
    ``running`` by dead processes are marked interrupted; the run is begun in the history; on
    exit its status is ``success``, ``partial`` (some products failed), ``failed`` (an error
    stopped it) or ``interrupted`` (Ctrl-C: ``Interrupted``, exit 130, is raised).

    A run refused at its start (wrong password, unknown database, Odoo unreachable, a catalog
    that cannot be read) keeps its ``failed`` row, with the reason (:func:`run_error`): the
    history is also the audit trail of who tried to sync what and when — a cron job failing
    every night on an expired API key must show up there and in ``odoosync status``, not look
    like the last successful run was the last attempt.

    A dry run takes no lock and records nothing. It writes nothing (not even a lock file beside
    the history), so it cannot disturb a real run, and a real run cannot be disturbed by it; it
    reads the history as it is (SQLite gives it a consistent snapshot while a run writes). Open
    its history with :func:`run_history`, which creates no file for it either.
    """
    lock = None if options.dry_run else (lock_factory or _profile_lock)(settings)
    if lock is not None:
        lock.acquire(wait=options.wait)
    try:
        profile = settings.profile.name
        if options.dry_run:
            handle = RunHandle(
                batch_id=_dry_batch_id(direction),
                result=RunResult(batch_id="", direction=direction, dry_run=True),
                history=None,
                profile=profile,
                started=time.monotonic(),
                user=options.user or history.user,
            )
        else:
            history.mark_interrupted()
            run = history.begin_run(
                direction=direction,
                sync_type=options.sync_type,
                triggered_by=options.triggered_by,
                profile=profile,
                options=options.to_dict(),
                schedule_id=options.schedule_id,
                retry_of=retry_of,
            )
            handle = RunHandle(
                batch_id=run.batch_id,
                result=RunResult(batch_id="", direction=direction),
                history=history,
                profile=profile,
                started=time.monotonic(),
                user=options.user or run.user,
            )
        handle.result.batch_id = handle.batch_id
        handle.result.single_product = options.single_product
        # a big run keeps counts, not every product's outcome, unless they are to be listed
        handle.result.keep_all = options.details or options.single_product
        handle.result.keep_changes = options.dry_run
        try:
            yield handle
        except (KeyboardInterrupt, Interrupted):
            _finish(handle, "interrupted")
            raise Interrupted(
                f"Interrupted: run {handle.batch_id} is recorded as interrupted; "
                f"`odoosync retry {handle.batch_id}` re-runs its failed products."
            ) from None
        except BaseException as exc:
            _finish(handle, "failed", error=failure_reason(exc))
            raise
        result = handle.result
        if result.aborted is not None:
            status = "failed"
        elif result.failed or result.unresolved_conflicts:
            status = "partial"
        else:
            status = "success"
        _finish(handle, status, error=result.aborted)
    finally:
        if lock is not None:
            lock.release()


@contextmanager
def run_history(path: Path, *, dry_run: bool) -> Iterator[History]:
    """The history a run uses: ``History(path)``; for a dry run whose history file does not
    exist yet, an empty history in a temporary folder of the system's temp dir, removed after
    (a dry run creates no ``odoosync.db``; an existing one is read, never written)."""
    if dry_run and not Path(path).exists():
        with (
            tempfile.TemporaryDirectory(prefix="odoosync-dry-run-") as folder,
            History(Path(folder) / Path(path).name) as history,
        ):
            yield history
        return
    with History(path) as history:
        yield history


def _finish(handle: RunHandle, status: str, *, error: str | None = None) -> None:
    handle.result.status = status
    handle.result.duration_ms = handle.elapsed_ms()
    if handle.history is None:
        return
    counts = {**handle.result.counts(), "duration_ms": handle.result.duration_ms}
    handle.history.finish_run(
        handle.batch_id,
        status=status,
        counts=counts,
        duration_ms=handle.result.duration_ms,
        error=error,
    )


def failure_reason(exc: BaseException) -> str:
    """What stopped a run, in one line: our errors' message (never a secret: errors.py's rule),
    else the exception's type (a bug; its text could hold anything)."""
    if isinstance(exc, OdoosyncError):
        return exc.message
    return f"unexpected {type(exc).__name__} (a bug; run with -v for the traceback)"


def run_error(run: Run) -> str | None:
    """The reason a ``failed`` run stopped, or None."""
    return run.error


def products_to_retry(history: History, batch_id: str) -> list[str]:
    """The products ``odoosync retry`` re-runs: those whose entry in the batch is an error, and
    the resolved conflicts whose push Odoo refused (logged ``conflict``, one entry per product
    and direction, with ``push_error`` in their details), in the order they were logged."""
    failed = history.failed_products(batch_id)
    for entry in reversed(history.logs(batch_id=batch_id, status="conflict", limit=None)):
        if (entry.error_details or {}).get("push_error"):
            failed.append(entry.product_id)
    return list(dict.fromkeys(failed))


def _profile_lock(settings: Settings) -> ProfileLock:
    return ProfileLock(settings.history_path, settings.profile.name)


def options_with_settings(options: RunOptions, settings: Settings) -> RunOptions:
    """Fill the ``None`` options from the profile's ``[sync]`` settings."""
    sync = settings.sync
    return replace(
        options,
        batch_size=options.batch_size or sync.batch_size,
        workers=options.workers or sync.workers,
        images=sync.sync_images if options.images is None else options.images,
        conflict_policy=options.conflict_policy or sync.conflict_policy,
    )
