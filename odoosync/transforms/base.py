"""What every transform shares: the error, the run's context, the ``Transform`` record and
the ``REGISTRY`` it is registered in (by :mod:`odoosync.transforms`, once the concrete modules are
imported), plus the small value tests and constructors they all use. Imports no other transform
module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from odoosync.transforms.fetch import ImageFetcher

MAPPING_ERROR = "MAPPING_ERROR"
REQUIRED_FIELD_MISSING = "REQUIRED_FIELD_MISSING"


class TransformError(Exception):
    """A value that cannot be mapped; a product-level failure (SPEC §2.2 ``MAPPING_ERROR``)."""

    def __init__(
        self,
        message: str,
        *,
        code: str = MAPPING_ERROR,
        field: str | None = None,
        local_field: str | None = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        #: the Odoo field
        self.field = field
        self.local_field = local_field
        self.value = value

    def __str__(self) -> str:
        return self.message

    def details(self) -> dict[str, Any]:
        """SPEC §2.2 ``error_details`` for this failure."""
        value = self.value if isinstance(self.value, str | int | float | bool | None) else None
        if value is None and self.value is not None:
            value = str(self.value)
        return {
            "odoo_error_code": self.code,
            "field": self.field,
            "local_field": self.local_field,
            "value": value,
        }

    def located(self, *, field: str, local_field: str) -> TransformError:
        """The same error, naming the mapping it happened in."""
        self.field = field
        self.local_field = local_field
        return self


def default_fetch(url: str) -> bytes:
    """GET ``url``: at most 20 MB within 30 s (:class:`~odoosync.transforms.fetch.ImageFetcher`
    with its defaults; a run passes one built from ``[sync] image_max_mb``/``image_timeout``);
    errors propagate (the image transform reports them)."""
    return ImageFetcher()(url)


@dataclass(frozen=True)
class TransformContext:
    """What transforms need to know about the run; resolved once per run by the engine."""

    base_dir: Path = field(default_factory=Path.cwd)
    field_types: Mapping[str, str] = field(default_factory=dict)
    categories: Mapping[str, int] = field(default_factory=dict)
    category_paths: Mapping[int, str] = field(default_factory=dict)
    taxes: Mapping[str, int] = field(default_factory=dict)
    tax_rates: Mapping[int, str] = field(default_factory=dict)
    fetch: Callable[[str], bytes] = default_fetch
    #: the content digests of image files already seen (``transforms.image.ImageDigests``): a
    #: file whose size and mtime match gives an ``ImageFile`` (digest only, read when sent)
    image_digests: Any = None


Converter = Callable[[Any, TransformContext], Any]


@dataclass(frozen=True)
class Transform:
    name: str
    to_odoo: Converter
    from_odoo: Converter
    doc: str = ""


# --------------------------------------------------------------------------------------------
# helpers


def is_empty(value: Any) -> bool:
    """A catalog value that means "no value": ``None`` or a blank string."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_odoo_empty(value: Any) -> bool:
    """A value Odoo returns for "no value": ``False``, ``None`` or an empty string."""
    return value is None or value is False or (isinstance(value, str) and not value)


def mapping_error(message: str, value: Any) -> TransformError:
    """A ``MAPPING_ERROR`` for ``value`` (the mapping it happened in is added by the caller)."""
    return TransformError(message, value=value)


def as_text(value: Any) -> str:
    """A catalog value as text: 12.0 → "12", True → "true"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


#: every transform by name, in the order they are documented; filled by ``register``
REGISTRY: dict[str, Transform] = {}


def register(*transforms: Transform) -> None:
    """Add transforms to :data:`REGISTRY`, by name, in the order given."""
    for transform in transforms:
        REGISTRY[transform.name] = transform
