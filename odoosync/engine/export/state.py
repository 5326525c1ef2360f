"""What one export run shares between its chunks (:class:`ExportRun`): settings, options,
mapping, Odoo's side, the history and the run's handle, and the fields it compares, worked out
once per run."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

from odoosync.config.settings import Settings
from odoosync.engine.books import RunHandle
from odoosync.engine.identity import external_id_name
from odoosync.engine.odoo_side import PRODUCT_MODEL, OdooSide
from odoosync.engine.result import RunOptions
from odoosync.engine.travel import Travel
from odoosync.history.store import History
from odoosync.mapping.model import MappingConfig


@dataclass
class ExportRun:
    """Everything one export run shares between its chunks."""

    settings: Settings
    options: RunOptions
    mapping: MappingConfig
    side: OdooSide
    history: History
    handle: RunHandle
    module: str
    barcode_field: str | None
    category_field: str | None
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: the threads that send a chunk's slices of ``batch_size`` (set by the chunk loop)
    senders: ThreadPoolExecutor | None = None

    def xml_id(self, key: str) -> str:
        return f"{self.module}.{external_id_name(key)}"

    @cached_property
    def odoo_fields(self) -> list[str]:
        """The fields whose Odoo values two-way sync and import compare (the link's Odoo hash):
        bidirectional product.template mappings, images excepted. Worked out once per run."""
        return Travel.of(self.mapping).odoo_fields

    @cached_property
    def _compare_fields(self) -> list[str]:
        return [
            m.odoo_field
            for m in self.mapping.active()
            if m.odoo_model == PRODUCT_MODEL and not m.odoo_field.startswith("image_")
        ]

    def compare_fields(self) -> list[str]:
        """The product.template fields a chunk reads to compare (images excepted), once a run."""
        return self._compare_fields
