"""Create, write and unlink as the catalog's extensions (``stock``, ``variants``) call them.

As Odoo's stock and product modules override ``create``, ``write`` and ``unlink`` and call them
again from inside (an attribute line creates variants, a counted quant is written, a removed
value unlinks variants), ``writes`` calls those extensions and they call the operations back.
So that they need not import ``writes``, they call the operations through this module, where
``writes`` installs its own functions when it is imported (``odoosync.sandbox`` imports it on
start, so they are in place before any call). Also the check every write and unlink starts
with: the ids exist, else ``missing`` (observation #27).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from odoosync.sandbox.faults import MissingError
from odoosync.sandbox.orm import Env


@dataclass(frozen=True)
class Operations:
    """The ORM's ``create``, ``write`` and ``unlink`` of any model (``writes``' functions)."""

    create: Callable[[Env, str, list[dict[str, Any]], str], list[int]]
    write: Callable[[Env, str, list[int], Mapping[str, Any]], bool]
    unlink: Callable[[Env, str, list[int]], bool]


_INSTALLED: dict[str, Operations] = {}


def install(operations: Operations) -> None:
    """Called once by ``writes`` at import."""
    _INSTALLED["orm"] = operations


def _operations() -> Operations:
    try:
        return _INSTALLED["orm"]
    except KeyError:
        raise RuntimeError("odoosync.sandbox.writes is not imported yet") from None


def create_records(
    env: Env, model: str, vals_list: list[dict[str, Any]], method: str = "create"
) -> list[int]:
    """``writes.create_records``."""
    return _operations().create(env, model, vals_list, method)


def write_records(env: Env, model: str, ids: list[int], vals: Mapping[str, Any]) -> bool:
    """``writes.write_records``."""
    return _operations().write(env, model, ids, vals)


def unlink_records(env: Env, model: str, ids: list[int]) -> bool:
    """``writes.unlink_records``."""
    return _operations().unlink(env, model, ids)


def missing(model: str, ids: list[int], uid: int) -> MissingError:
    """``Record does not exist or has been deleted.`` + the recordset repr (observation #27)."""
    inner = f"{ids[0]}," if len(ids) == 1 else ", ".join(str(i) for i in ids)
    return MissingError(
        f"Record does not exist or has been deleted.\n(Record: {model}({inner}), User: {uid})"
    )


def check_existing(env: Env, model: str, ids: list[int]) -> None:
    """Fault with :func:`missing` for the ids ``model`` does not have."""
    table = env.store.tables[model]
    gone = [i for i in ids if i not in table]
    if gone:
        raise missing(model, gone, env.uid)
