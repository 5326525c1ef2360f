"""Image files an export does not read again: each one's content digest is kept in the history
by (path, size, mtime_ns). A chunk looks its files up in one query; the ``image`` transform then
gives an :class:`~odoosync.transforms.ImageFile` (a digest, not the bytes) for a file seen before
with the same size and mtime, and the file is read only if its product is to be sent with it.
Each distinct file of a chunk is looked at (``stat``) once, in one loop, before its rows are
mapped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from odoosync.engine.export.plan import ProductPlan
from odoosync.transforms import ImageFile, file_stat, image_file

if TYPE_CHECKING:
    from odoosync.engine.export.state import ExportRun


class ChunkImages:
    """One chunk's image digests (:class:`~odoosync.transforms.ImageDigests`): those the history
    knows, and those learned from the files read now (``learned``, to save)."""

    def __init__(
        self,
        seen: Mapping[str, tuple[int, int, str]],
        stats: Mapping[str, tuple[int, int] | None] | None = None,
    ) -> None:
        self.seen = dict(seen)
        self.stats = dict(stats or {})
        self.learned: list[tuple[str, int, int, str]] = []

    def stat(self, path: str) -> tuple[int, int] | None:
        if path in self.stats:
            return self.stats[path]
        found = self.stats[path] = file_stat(path)
        return found

    def known(self, path: str, size: int, mtime_ns: int) -> str | None:
        hit = self.seen.get(path)
        return hit[2] if hit is not None and hit[:2] == (size, mtime_ns) else None

    def learn(self, path: str, size: int, mtime_ns: int, digest: str) -> None:
        if self.known(path, size, mtime_ns) is None:
            self.seen[path] = (size, mtime_ns, digest)
            self.learned.append((path, size, mtime_ns, digest))


def chunk_images(run: ExportRun, rows: Iterable[Mapping[str, Any]]) -> ChunkImages | None:
    """The digests of the image files ``rows`` name (one history query); None without an image
    mapping."""
    columns = [m.local_field for m in run.mapping.active() if m.transform == "image"]
    if not columns:
        return None
    base = run.side.transform.base_dir
    paths = {
        path
        for row in rows
        for column in columns
        if (path := image_file(row.get(column), base)) is not None
    }
    stats = {path: file_stat(path) for path in paths}
    return ChunkImages(run.history.image_digests(paths), stats)


def read_images(plans: Iterable[ProductPlan]) -> None:
    """Read the image files of the products about to send them (creates, updates): the values
    become base64 text. A file that cannot be read any more fails its product."""
    for plan in plans:
        if plan.action not in ("create", "update") or plan.mapped is None:
            continue
        values = plan.mapped.values
        for name in plan.fields:
            value = values.get(name)
            if not isinstance(value, ImageFile):
                continue
            try:
                values[name] = value.base64()
            except OSError as exc:
                plan.action = "error"
                plan.error_message = (
                    f"image file {str(value.path)!r} cannot be read: {exc.strerror}"
                )
                plan.error_details = {
                    "odoo_error_code": "MAPPING_ERROR",
                    "field": name,
                    "value": str(value.path),
                }
                break


__all__ = ["ChunkImages", "chunk_images", "read_images"]
