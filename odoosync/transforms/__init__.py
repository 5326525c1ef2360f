"""Named, pure transforms between catalog values and Odoo values, each with its inverse.

``REGISTRY[name].to_odoo(value, ctx)`` turns a catalog value into what Odoo's ``create``/``write``
expect; ``from_odoo(value, ctx)`` turns what ``read``/``search_read`` return back into a catalog
value (imports). Odoo's empty value ``False`` always comes back as ``None`` (never ``"False"``),
except for the ``bool`` transform, where ``False`` is a real value.

A transform that cannot convert a value raises :class:`TransformError` with code
``MAPPING_ERROR``: a product-level failure, logged with its details, never a fault from Odoo.

:func:`coerce_direct` and :func:`uncoerce_direct` do the same for ``direct`` and ``custom``
mappings, by the Odoo field's type (from ``fields_get``).

Layout: ``base`` (error, context, ``Transform``, ``REGISTRY``), ``scalar`` (numbers, bool, text,
dates), ``barcode``, ``category``, ``taxes``, ``image``, ``direct``. The transforms are
registered here, once every module is imported, in the order they are documented.
"""

from __future__ import annotations

from odoosync.transforms.barcode import BARCODE, gs1_check_digit, validate_barcode
from odoosync.transforms.base import (
    MAPPING_ERROR,
    REGISTRY,
    REQUIRED_FIELD_MISSING,
    Converter,
    Transform,
    TransformContext,
    TransformError,
    default_fetch,
    is_empty,
    register,
)
from odoosync.transforms.category import (
    CATEGORY,
    AmbiguousCategory,
    CategoryIndex,
    category_index,
    leaf_name,
    resolve_category,
)
from odoosync.transforms.direct import coerce_direct, uncoerce_direct
from odoosync.transforms.image import (
    IMAGE,
    ImageDigests,
    ImageFile,
    file_stat,
    image_digest_bytes,
    image_file,
    image_kind,
)
from odoosync.transforms.scalar import TRANSFORMS as SCALAR_TRANSFORMS
from odoosync.transforms.scalar import parse_bool
from odoosync.transforms.taxes import TAXES, normalise_rate, tax_ids

__all__ = [
    "MAPPING_ERROR",
    "REGISTRY",
    "REQUIRED_FIELD_MISSING",
    "AmbiguousCategory",
    "CategoryIndex",
    "Converter",
    "ImageDigests",
    "ImageFile",
    "Transform",
    "TransformContext",
    "TransformError",
    "category_index",
    "coerce_direct",
    "default_fetch",
    "file_stat",
    "gs1_check_digit",
    "image_digest_bytes",
    "image_file",
    "image_kind",
    "is_empty",
    "leaf_name",
    "normalise_rate",
    "parse_bool",
    "resolve_category",
    "tax_ids",
    "uncoerce_direct",
    "validate_barcode",
]

register(*SCALAR_TRANSFORMS, BARCODE, CATEGORY, TAXES, IMAGE)
