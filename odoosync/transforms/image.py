"""The ``image`` transform: a URL or file path → base64 PNG/JPEG/GIF/WebP (export only)."""

from __future__ import annotations

import base64
import binascii
import re
import urllib.error
from pathlib import Path
from typing import Any

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
    if "://" in value and not value.lower().startswith("file://"):
        raise mapping_error(
            f"image {value!r}: only http(s) URLs and file paths are supported", value
        )
    path = Path(value[7:] if value.lower().startswith("file://") else value).expanduser()
    if not path.is_absolute():
        path = ctx.base_dir / path
    try:
        return path.read_bytes()
    except OSError as exc:
        raise mapping_error(
            f"image file {str(path)!r} cannot be read: {exc.strerror}", value
        ) from None


def _image_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return False
    text = str(value).strip()
    data = _image_bytes(text, ctx)
    if image_kind(data) is None:
        raise mapping_error(f"image {text!r} is not a PNG, JPEG, GIF or WebP image", value)
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
