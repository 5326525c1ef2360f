"""The ``category`` transform: a local category name ↔ an Odoo ``categ_id``.

:func:`resolve_category` finds the id a name stands for (``[categories]``, complete path, or the
last segment of exactly one path); :func:`category_index` keeps its lookup tables per context.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from odoosync.suggest import closest
from odoosync.transforms.base import (
    Transform,
    TransformContext,
    TransformError,
    as_text,
    is_empty,
    is_odoo_empty,
    mapping_error,
)


class AmbiguousCategory(TransformError):
    """A local category that is the last segment of several Odoo categories' complete paths."""


@dataclass(frozen=True)
class CategoryIndex:
    """Lookup tables over a context's categories, built once per context (see ``category_index``).

    ``by_leaf`` maps the last segment of each complete path ("Electronics" for "All / Saleable /
    Electronics") to every category id ending with it; ``by_leaf_folded`` the same, case-folded.
    """

    local_folded: Mapping[str, int]
    by_path: Mapping[str, int]
    by_leaf: Mapping[str, tuple[int, ...]]
    by_leaf_folded: Mapping[str, tuple[int, ...]]
    sizes: tuple[int, int]


def leaf_name(path: str) -> str:
    """The last segment of a complete path: "All / Saleable / Electronics" → "Electronics"."""
    return path.split(" / ")[-1].strip()


_INDEX_ATTRIBUTE = "_category_index"


def category_index(ctx: TransformContext) -> CategoryIndex:
    """The context's :class:`CategoryIndex`, memoised on the context object.

    The engine may add categories to the context's tables while a run goes on
    (``create_missing_categories``); the tables only grow, so the index is rebuilt when their
    sizes change.
    """
    sizes = (len(ctx.categories), len(ctx.category_paths))
    cached = ctx.__dict__.get(_INDEX_ATTRIBUTE)
    if isinstance(cached, CategoryIndex) and cached.sizes == sizes:
        return cached
    local_folded: dict[str, int] = {}
    for local, categ_id in list(ctx.categories.items()):
        local_folded.setdefault(local.casefold(), int(categ_id))
    by_path: dict[str, int] = {}
    by_leaf: dict[str, list[int]] = {}
    by_leaf_folded: dict[str, list[int]] = {}
    for categ_id, path in sorted(list(ctx.category_paths.items())):
        by_path.setdefault(path, int(categ_id))
        leaf = leaf_name(path)
        by_leaf.setdefault(leaf, []).append(int(categ_id))
        by_leaf_folded.setdefault(leaf.casefold(), []).append(int(categ_id))
    index = CategoryIndex(
        local_folded=local_folded,
        by_path=by_path,
        by_leaf={k: tuple(v) for k, v in by_leaf.items()},
        by_leaf_folded={k: tuple(v) for k, v in by_leaf_folded.items()},
        sizes=sizes,
    )
    object.__setattr__(ctx, _INDEX_ATTRIBUTE, index)  # a cache, not state: the context is frozen
    return index


def resolve_category(name: str, ctx: TransformContext) -> int:
    """The Odoo category id a local category names; TransformError (MAPPING_ERROR) if none.

    In order: a ``[categories]`` name (exact, then any case), a complete path ("All / Saleable /
    Electronics"), then the last segment of exactly one complete path (exact, then any case), so
    that what an import wrote ("Electronics") exports back to the same category.
    """
    if name in ctx.categories:
        return int(ctx.categories[name])
    index = category_index(ctx)
    folded = name.casefold()
    if folded in index.local_folded:
        return index.local_folded[folded]
    if name in index.by_path:
        return index.by_path[name]
    for candidates in (index.by_leaf.get(name), index.by_leaf_folded.get(folded)):
        if not candidates:
            continue
        if len(candidates) == 1:
            return candidates[0]
        paths = ", ".join(repr(ctx.category_paths[c]) for c in candidates)
        raise AmbiguousCategory(
            f"category {name!r} is ambiguous: it names the Odoo categories {paths}; use the "
            "complete path in the catalog, or map it under [categories] in mapping.toml",
            value=name,
        )
    close = closest(name, [*ctx.categories, *index.by_leaf], cutoff=0.8)
    hint = "" if close is None else f" (did you mean {close!r}?)"
    raise mapping_error(
        f"category {name!r} has no Odoo category{hint}: add it under [categories] in "
        "mapping.toml, or set create_missing_categories = true under [options] to create it",
        name,
    )


def _category_to(value: Any, ctx: TransformContext) -> Any:
    if is_empty(value):
        return None  # leave Odoo's default category
    name = as_text(value).strip()
    try:
        return resolve_category(name, ctx)
    except TransformError as exc:
        exc.value = value
        raise


def _resolves_to(name: str, categ_id: int, ctx: TransformContext) -> bool:
    try:
        return resolve_category(name, ctx) == categ_id
    except TransformError:
        return False


def _category_from(value: Any, ctx: TransformContext) -> Any:
    """The local name of an Odoo category: its ``[categories]`` name, else the last segment of
    its complete path, else (when that names another category or several) the complete path —
    always a name that ``to_odoo`` maps back to the same id."""
    if is_odoo_empty(value):
        return None
    label: str | None = None
    if isinstance(value, list | tuple):
        if not value:
            return None
        categ_id = int(value[0])
        label = str(value[1]) if len(value) > 1 and value[1] else None
    else:
        categ_id = int(value)
    for local, mapped in ctx.categories.items():
        if int(mapped) == categ_id:
            return local
    path = ctx.category_paths.get(categ_id)
    if path is None:  # not in the run's tables: the best we can do is the record's label
        return str(categ_id) if label is None else leaf_name(label)
    leaf = leaf_name(path)
    return leaf if _resolves_to(leaf, categ_id, ctx) else path


CATEGORY = Transform("category", _category_to, _category_from, "local category → categ_id")
