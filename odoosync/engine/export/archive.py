"""``export --archive-missing`` (SPEC §7.2 "Archiving"): the products linked to this profile
whose key is no longer in the catalog are archived — never unlinked — unless that would be more
than ``[sync] max_archive_ratio`` of the linked products (a truncated or empty catalog file):
then the run stops before sending anything (exit 3), unless ``--force``.

A link the history marks ``@archived`` is not archived again; its row coming back clears the
mark (the export re-sends the group: the template and the variant are made active again).
"""

from __future__ import annotations

from odoosync.engine.batching import BULK_CONTEXT
from odoosync.engine.export.groups import GroupSpool
from odoosync.engine.export.state import ExportRun
from odoosync.engine.result import ProductOutcome
from odoosync.errors import ConfigError
from odoosync.history.records import Link
from odoosync.odoo.client import OdooClient

__all__ = ["archive_missing", "check_archive_ratio", "missing_links"]

PAGE = 1000


def missing_links(run: ExportRun, spool: GroupSpool) -> tuple[list[Link], int]:
    """The active links whose key left the catalog, and how many active links there are."""
    missing: list[Link] = []
    linked = 0
    after: str | None = None
    while True:
        page = run.history.links_after(run.handle.profile, after, PAGE)
        for link in page:
            if link.field_hashes.get("@archived"):
                continue
            linked += 1
            if not spool.has_key(link.key):
                missing.append(link)
        if len(page) < PAGE:
            return missing, linked
        after = page[-1].key


def check_archive_ratio(run: ExportRun, spool: GroupSpool) -> None:
    """ConfigError (exit 3) before any product call when the archiving is too big to trust."""
    missing, linked = missing_links(run, spool)
    ratio = run.settings.sync.max_archive_ratio
    if not missing or run.options.force or len(missing) <= ratio * linked:
        return
    raise ConfigError(
        f"--archive-missing would archive {len(missing)} of the {linked} products linked to this "
        f"profile ({len(missing) / linked:.0%}), more than [sync] max_archive_ratio "
        f"({ratio:.0%}). Is the catalog file complete ({spool.key_count()} products read)? "
        "Nothing was sent or archived; add --force to archive them anyway."
    )


def archive_missing(run: ExportRun, client: OdooClient, spool: GroupSpool) -> list[ProductOutcome]:
    """Archive the missing products' variants, then the templates left with no active
    variant; mark their links ``@archived``. A dry run lists them only."""
    missing, _ = missing_links(run, spool)
    if not missing:
        return []
    outcomes = [
        ProductOutcome(
            product_id=link.key,
            action="update",
            odoo_product_id=link.odoo_id,
            fields_synced=["active"],
            changes={"active": [True, False]},
            note="archived: no longer in the catalog",
        )
        for link in missing
    ]
    if run.options.dry_run:
        return outcomes
    variant_ids = sorted({link.odoo_id for link in missing})
    client.write("product.product", variant_ids, {"active": False}, context=BULK_CONTEXT)
    templates = sorted(
        {
            int(link.field_hashes["@template"])
            for link in missing
            if "@template" in link.field_hashes
        }
    )
    if templates:
        still = client.search_read(
            "product.product", [("product_tmpl_id", "in", templates)], ["product_tmpl_id"]
        )
        alive = {int(r["product_tmpl_id"][0]) for r in still}
        empty = [t for t in templates if t not in alive]
        if empty:
            client.write("product.template", empty, {"active": False}, context=BULK_CONTEXT)
    for link in missing:
        link.field_hashes = {**link.field_hashes, "@archived": "1"}
        link.local_hash = None
    run.history.record(
        run.handle.batch_id,
        [],
        links=missing,
        profile=run.handle.profile,
    )
    return outcomes
