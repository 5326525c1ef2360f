"""``execute_kw``-style arguments as JSON-2's named ones.

XML-RPC passes a method's arguments by position (``execute_kw(db, uid, pw, model, "write",
[ids, vals], {"context": ...})``); JSON-2 has no positional arguments: the body names each one
as the Python method does in Odoo 19 (odoo19-observations "The JSON-2 API", odoo-facts §2), and
records methods take their records as ``ids``. The client keeps one calling convention (the
engine's ``client.execute(model, "read", ids, fields)``) and this table names the arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: the positional parameters of the methods odoosync calls, in Odoo 19's order; ``ids`` first
#: for records methods
POSITIONAL: Mapping[str, tuple[str, ...]] = {
    "create": ("vals_list",),
    "write": ("ids", "vals"),
    "read": ("ids", "fields", "load"),
    "unlink": ("ids",),
    "copy": ("ids", "default"),
    "search": ("domain", "offset", "limit", "order"),
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "search_count": ("domain", "limit"),
    "read_group": ("domain", "fields", "groupby", "offset", "limit", "orderby", "lazy"),
    "fields_get": ("allfields", "attributes"),
    "name_search": ("name", "domain", "operator", "limit"),
    "name_create": ("name",),
    "load": ("fields", "data"),
    "default_get": ("fields_list",),
    "has_access": ("ids", "operation"),
    "check_access_rights": ("operation", "raise_exception"),
    "check_access_rule": ("ids", "operation"),
    "action_archive": ("ids",),
    "action_unarchive": ("ids",),
    "toggle_active": ("ids",),
    "get_external_id": ("ids",),
    "context_get": (),
}


def named_arguments(method: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON-2 body for ``method`` called with ``args`` and ``kwargs`` (``context``
    included). A method not in :data:`POSITIONAL` takes its first argument as ``ids`` when it is
    a list of ids, and nothing else by position.

    Raises ``TypeError`` for positional arguments it cannot name (a programming error).
    """
    names = POSITIONAL.get(method)
    if names is None:
        names = ("ids",) if args and _is_ids(args[0]) else ()
    if len(args) > len(names):
        raise TypeError(
            f"{method}: JSON-2 takes arguments by name; cannot name {len(args)} positional "
            f"arguments (known: {', '.join(names) or 'none'})"
        )
    body: dict[str, Any] = {}
    for name, value in zip(names, args, strict=False):
        if name == "vals_list" and isinstance(value, Mapping):
            value = [value]  # create(dict) over XML-RPC; JSON-2's create takes a list
        body[name] = list(value) if name == "ids" else value
    for name, value in kwargs.items():
        if name in body:
            raise TypeError(f"{method}: argument {name!r} given twice")
        body[name] = value
    return body


def _is_ids(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(
        isinstance(i, int) and not isinstance(i, bool) for i in value
    )
