"""The words of the product's contract (SPEC §2-§4), in one place: run directions, sync types,
what triggered a run, conflict policies, and the batch-id prefix of each direction."""

from __future__ import annotations

#: which way a run goes: export, import, two-way sync
DIRECTIONS = ("to_odoo", "from_odoo", "bidirectional")
#: what a run covers: what changed since the last covering run, or everything
SYNC_TYPES = ("incremental", "full")
#: who started a run
TRIGGERS = ("manual", "schedule", "retry")
#: who wins when both sides changed a product since the last sync
CONFLICT_POLICIES = ("newest", "local", "odoo", "skip")
#: a batch id is this prefix, then the run's start time (``sync_20251216_143022``)
BATCH_PREFIX = {"to_odoo": "sync_", "from_odoo": "import_", "bidirectional": "bisync_"}
