"""The ``image`` transform: a URL or file path → base64 PNG/JPEG/GIF/WebP (export only)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import urllib.error
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from odoosync.transforms.base import Transform, TransformContext, is_empty, mapping_error

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)


def image_kind(data: bytes) -> str | None:
    """PNG, JPEG, GIF or WebP by magic number; None for anything else."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return None


class ImageDigests(Protocol):
    """Content digests of image files by (path, size, mtime_ns): what a run knows already."""

    def known(self, path: str, size: int, mtime_ns: int) -> str | None:
        """The sha256 (hex) of the file's bytes, if it was seen with this size and mtime."""

    def learn(self, path: str, size: int, mtime_ns: int, digest: str) -> None:
        """Remember the digest of a file just read."""

    def stat(self, path: str) -> tuple[int, int] | None:
        """The file's (size, mtime_ns) now; None if it cannot be looked at (reading says why)."""


@dataclass(frozen=True)
class ImageFile:
    """An image file known by its content digest, not read: it hashes as its bytes do
    (``mapping.rows.field_hash``); :meth:`base64` reads it when it is to be sent."""

    path: Path
    digest: str
    size: int

    def base64(self) -> str:
        """The file as the base64 text Odoo takes (read now)."""
        return base64.b64encode(self.path.read_bytes()).decode("ascii")

    def shown_size(self) -> int:
        """The size a dry run shows, as it shows a base64 value's (``len * 3 // 4``)."""
        return -(-self.size // 3) * 3


def image_file(value: Any, base_dir: Path | str) -> str | None:
    """The file an image value names, relative to ``base_dir``, spelled as ``str(Path(...))``
    spells it (the history's key); None for URLs and empties. String operations, not pathlib's:
    an export calls this for every product of the catalog."""
    if is_empty(value):
        return None
    text = str(value).strip()
    scheme = text[:7].lower()
    if "://" in text and scheme != "file://":
        return None
    if scheme == "file://":
        text = text[7:]
    if text.startswith("~"):
        text = os.path.expanduser(text)
    joined = text if os.path.isabs(text) else os.path.join(base_dir, text)
    if os.sep != "/" or "/." in joined or "//" in joined or joined.endswith("/"):
        return str(Path(joined))  # pathlib drops "." parts, doubled and trailing slashes
    return joined


def file_stat(path: str) -> tuple[int, int] | None:
    """``(size, mtime_ns)`` of a file; None if it cannot be looked at."""
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_size, found.st_mtime_ns


def _image_bytes(value: str, ctx: TransformContext) -> bytes:
    if re.match(r"^https?://", value, re.IGNORECASE):
        try:
            return ctx.fetch(value)
        except urllib.error.HTTPError as exc:
            raise mapping_error(
                f"image {value!r} could not be fetched: HTTP {exc.code}", value
            ) from None
        except Exception as exc:  # any failure to fetch is this product's failure
            raise mapping_error(f"image {value!r} could not be fetched: {exc}", value) from None
    path = image_file(value, ctx.base_dir)
    if path is None:
        raise mapping_error(
            f"image {value!r}: only http(s) URLs and file paths are supported", value
        )
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise mapping_error(f"image file {path!r} cannot be read: {exc.strerror}", value) from None


def _image_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    text = str(value).strip()
    digests: ImageDigests | None = ctx.image_digests
    path = image_file(text, ctx.base_dir) if digests is not None else None
    stat = None
    if path is not None and digests is not None:
        stat = digests.stat(path)  # None: reading it says why
        if stat is not None:
            digest = digests.known(path, *stat)
            if digest is not None:
                return ImageFile(Path(path), digest, stat[0])
    data = _image_bytes(text, ctx)
    if image_kind(data) is None:
        raise mapping_error(f"image {text!r} is not a PNG, JPEG, GIF or WebP image", value)
    if path is not None and digests is not None and stat is not None and len(data) == stat[0]:
        digests.learn(path, *stat, hashlib.sha256(data).hexdigest())
    return base64.b64encode(data).decode("ascii")


def _image_from(value: Any, ctx: TransformContext) -> Any:
    return None


def image_digest_bytes(value: str) -> bytes | None:
    """The decoded bytes of a base64 image value, or None if it is not base64."""
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


IMAGE = Transform("image", _image_to, _image_from, "URL or file → base64 (PNG/JPEG/GIF/WebP)")
