"""Pure three-way decisions for ``odoosync sync``: local hash, Odoo hash, hash at the last sync.

For each linked product the engine gives a :class:`SyncInput`: the digest of the catalog row now,
the digest of the Odoo record now, the two digests recorded in the link at the last sync, whether
the two sides now hold the same values (compared field by field in a comparable form), and the
timestamps the ``newest`` policy compares. :func:`decide` says what to do:

========================  ===========================  =========================================
local changed             Odoo changed                 decision
========================  ===========================  =========================================
no                        no                           in sync
yes                       no                           push (catalog → Odoo)
no                        yes                          pull (Odoo → catalog), or re-link if equal
yes                       yes                          re-link if the values are now equal, else
                                                       a conflict resolved by the policy
========================  ===========================  =========================================

"Both changed but equal" is what a crash between the Odoo write and the catalog write (or the
link's save) leaves behind, and what two people making the same edit leave behind: it is in sync;
only the link needs the new hashes. Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from odoosync.engine.compare import comparable
from odoosync.terms import CONFLICT_POLICIES
from odoosync.timestamps import parse_iso_or_none


class Decision(StrEnum):
    IN_SYNC = "in_sync"
    RELINK = "relink"  # equal on both sides; save the link's new hashes, write nothing
    PUSH = "push"  # catalog → Odoo
    PULL = "pull"  # Odoo → catalog
    CONFLICT = "conflict"  # both changed, unresolved (policy skip, or newest could not tell)
    SKIP = "skip"  # cannot be synced (a side is gone)


@dataclass(frozen=True)
class SyncInput:
    """One linked product, as the plan sees it."""

    key: str
    odoo_id: int
    local_digest: str | None  # None: the row is gone from the catalog
    odoo_digest: str | None  # None: the record is gone from Odoo (deleted or archived)
    base_local: str | None  # link.local_hash
    base_odoo: str | None  # link.odoo_hash
    equal: bool = False  # both sides now hold the same (bidirectional) values
    local_modified: str | None = None  # the catalog's modified_at
    odoo_write_date: str | None = None  # Odoo's write_date (UTC)
    #: the values of the bidirectional fields on each side, in the catalog's form (for the log)
    local_values: Mapping[str, Any] = field(default_factory=dict)
    odoo_values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SyncStep:
    """The decision for one product; ``conflict`` is set when both sides had changed."""

    key: str
    odoo_id: int
    decision: Decision
    conflict: dict[str, dict[str, Any]] | None = None  # {field: {"local": .., "odoo": ..}}
    resolution: str | None = None  # "local" | "odoo" | "skip" | "unresolved: <why>"
    reason: str | None = None  # for skip

    @property
    def is_conflict(self) -> bool:
        return self.conflict is not None

    def conflict_details(self, policy: str) -> dict[str, Any]:
        """SPEC §2.2 ``error_details`` of the conflict's log entry."""
        return {
            "conflict": self.conflict or {},
            "policy": policy,
            "decision": self.resolution,
        }


def decide(item: SyncInput, policy: str) -> SyncStep:
    """The three-way decision for one linked product under ``policy``."""
    if policy not in CONFLICT_POLICIES:
        raise ValueError(f"unknown conflict policy {policy!r}")
    if item.local_digest is None or item.odoo_digest is None:
        where = "the catalog" if item.local_digest is None else "Odoo (deleted or archived)"
        return SyncStep(
            item.key,
            item.odoo_id,
            Decision.SKIP,
            reason=f"linked product is gone from {where}; nothing is deleted on the other side",
        )
    local_changed = item.local_digest != item.base_local
    odoo_changed = item.odoo_digest != item.base_odoo
    if not local_changed and not odoo_changed:
        return SyncStep(item.key, item.odoo_id, Decision.IN_SYNC)
    if local_changed and not odoo_changed:
        return SyncStep(item.key, item.odoo_id, Decision.PUSH)
    if item.equal:
        return SyncStep(item.key, item.odoo_id, Decision.RELINK)
    if odoo_changed and not local_changed:
        return SyncStep(item.key, item.odoo_id, Decision.PULL)
    conflict = conflicting_fields(item.local_values, item.odoo_values)
    winner, resolution = resolve(policy, item.local_modified, item.odoo_write_date)
    return SyncStep(
        item.key,
        item.odoo_id,
        winner if winner is not None else Decision.CONFLICT,
        conflict=conflict,
        resolution=resolution,
    )


def resolve(
    policy: str, local_modified: str | None, odoo_write_date: str | None
) -> tuple[Decision | None, str]:
    """Which side wins a conflict: (PUSH | PULL | None for unresolved, the decision's text)."""
    if policy == "local":
        return Decision.PUSH, "local"
    if policy == "odoo":
        return Decision.PULL, "odoo"
    if policy == "skip":
        return None, "skip"
    local = parse_iso_or_none(local_modified)
    odoo = parse_iso_or_none(odoo_write_date)
    if local is None:
        return None, "unresolved: the catalog row has no usable modified time"
    if odoo is None:
        return None, "unresolved: the Odoo record has no write_date"
    if local > odoo:
        return Decision.PUSH, "local"
    if odoo > local:
        return Decision.PULL, "odoo"
    return None, "unresolved: both sides changed at the same second"


def conflicting_fields(
    local: Mapping[str, Any], odoo: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """``{field: {"local": .., "odoo": ..}}`` for each field whose values differ."""
    names = list(local) + [name for name in odoo if name not in local]
    return {
        name: {"local": local.get(name), "odoo": odoo.get(name)}
        for name in names
        if comparable(local.get(name)) != comparable(odoo.get(name))
    }
