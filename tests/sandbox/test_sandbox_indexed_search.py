"""The ORM's indexed search (``orm._candidates``, id-ordered early stop) answers exactly what the
full scan answers: same ids, same order, same faults, for domains that narrow and ones that don't.

One sandbox (seed "empty") holds 60 products (every 7th archived, every 10th deleted, so ids have
gaps) and their external ids in two modules; each case runs with the index on and off.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from odoosync.sandbox import SandboxError, SandboxHandle, orm, serve


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxHandle]:
    with serve(seed="empty") as handle:
        ids = handle.execute(
            "product.template",
            "create",
            [
                {"name": f"P{i:02d}", "barcode": f"B{i:04d}", "list_price": float(i % 5)}
                for i in range(60)
            ],
        )
        for module in ("odoosync", "other"):
            handle.execute(
                "ir.model.data",
                "create",
                [
                    {"module": module, "name": f"p_{n}", "model": "product.template", "res_id": i}
                    for n, i in enumerate(ids)
                ],
            )
        handle.execute("product.template", "write", ids[::7], {"active": False})
        handle.execute("product.template", "unlink", ids[::10])
        yield handle


def _both(
    sb: SandboxHandle,
    monkeypatch: pytest.MonkeyPatch,
    model: str,
    method: str,
    *args: Any,
    **kw: Any,
) -> tuple[Any, Any]:
    def run() -> Any:
        try:
            return sb.execute(model, method, *args, **kw)
        except SandboxError as exc:
            return ("fault", exc.fault_code, str(exc).strip().splitlines()[-1])

    indexed = run()
    monkeypatch.setattr(orm, "INDEXED_SEARCH", False)
    full = run()
    monkeypatch.setattr(orm, "INDEXED_SEARCH", True)
    return indexed, full


DOMAINS: list[list[Any]] = [
    [],
    [("id", ">", 0)],
    [("id", ">", 20)],
    [("id", ">=", 21), ("id", "<", 40)],
    [("id", "<=", 15), ("id", ">", 3), ("id", ">", 5)],
    [("id", ">", 20), ("id", "<", 10)],
    [("id", ">", 20), ("list_price", "=", 2.0)],
    [("id", ">", 20), ("active", "=", False)],
    [("id", ">", 20), ("active", "in", [True, False])],
    [("id", "in", [1, 2, 3, 8, 11, 14, 999])],
    [("id", "=", [5, 6, 7])],
    [("id", "=", 7)],
    [("id", "in", [1, 2, 3]), ("id", ">", 1)],
    [("id", "in", [1, "2", 3])],
    [("id", "IN", [4, 5])],
    [("id", ">", True)],
    [("id", ">", 2.5), ("id", "<", 9)],
    ["|", ("id", ">", 50), ("id", "<", 5)],
    ["!", ("id", ">", 10)],
    ["&", ("id", ">", 10), "|", ("id", "<", 20), ("barcode", "=", "B0055")],
    [("barcode", "in", ["B0001", "B0002", "B0007", "B0010", "nope"])],
    [("barcode", "=", "B0033"), ("id", ">", 40)],
    ["|", ("barcode", "=", "B0001"), ("barcode", "=", "B0002")],
    [("barcode", "in", ["B0001", False])],
    [("id", ">", 5), "|"],
    [("id", ">", "x")],
    [("nope", "=", 1), ("id", ">", 3)],
]


@pytest.mark.parametrize("domain", DOMAINS, ids=[repr(d) for d in DOMAINS])
@pytest.mark.parametrize(
    ("order", "offset", "limit"),
    [("id", 0, 5), ("id asc", 3, 4), ("id desc", 0, 5), (None, 0, None), ("id", 0, None)],
)
def test_search_matches_the_full_scan(
    sb: SandboxHandle,
    monkeypatch: pytest.MonkeyPatch,
    domain: list[Any],
    order: str | None,
    offset: int,
    limit: int | None,
) -> None:
    kw: dict[str, Any] = {"offset": offset, "limit": limit}
    if order is not None:
        kw["order"] = order
    indexed, full = _both(sb, monkeypatch, "product.template", "search", domain, **kw)
    assert indexed == full
    count = _both(sb, monkeypatch, "product.template", "search_count", domain)
    assert count[0] == count[1]


@pytest.mark.parametrize(
    "domain",
    [
        [("module", "=", "odoosync"), ("name", "in", ["p_1", "p_2", "p_9", "x"])],
        [("name", "in", ["p_1", "p_2"])],
        [("name", "=", "p_3"), ("module", "=", "other"), ("model", "=", "product.template")],
        ["|", ("name", "=", "p_3"), ("name", "=", "p_4")],
        [("module", "=", "odoosync"), ("name", "in", [])],
    ],
)
def test_external_id_lookups_match_the_full_scan(
    sb: SandboxHandle, monkeypatch: pytest.MonkeyPatch, domain: list[Any]
) -> None:
    indexed, full = _both(
        sb, monkeypatch, "ir.model.data", "search_read", domain, fields=["module", "name"]
    )
    assert indexed == full


def test_keyset_pages_walk_every_active_product_once(sb: SandboxHandle) -> None:
    expected = sb.execute("product.template", "search", [], order="id")
    seen: list[int] = []
    last = 0
    while page := sb.execute(
        "product.template", "search", [("id", ">", last)], order="id", limit=7
    ):
        seen += page
        last = page[-1]
    assert seen == expected
    assert len(seen) == 60 - 6 - 8  # 6 deleted, 9 archived of which one (the first) deleted


def test_a_keyset_page_evaluates_only_the_records_it_needs(
    sb: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_at: list[int] = []
    record = sb.store.record

    def counting(model: str, rec_id: int) -> Any:
        looked_at.append(rec_id)
        return record(model, rec_id)

    monkeypatch.setattr(sb.store, "record", counting)
    page = sb.execute("product.template", "search", [("id", ">", 30)], order="id", limit=3)
    assert page == [32, 33, 34]  # 31 is deleted, 36 archived
    assert looked_at == [32, 33, 34]


def test_sorted_ids_follow_creates_deletes_and_rollbacks() -> None:
    with serve(seed="empty") as sb:
        _sorted_ids_follow(sb)


def _sorted_ids_follow(sb: SandboxHandle) -> None:
    store = sb.store
    model = "product.template"
    sb.execute(model, "create", [{"name": f"R{i}"} for i in range(30)])
    with pytest.raises(SandboxError):  # the second row fails: the first is rolled back
        sb.execute(model, "create", [{"name": "kept?"}, {"list_price": 1.0}])
    assert store.sorted_ids(model) == sorted(store.tables[model])
    middle = sorted(store.tables[model])[10]
    with pytest.raises(RuntimeError), store.transaction():
        store.delete(model, middle)
        raise RuntimeError("undo the delete: the id comes back in the middle")
    assert middle in store.tables[model]
    assert store.sorted_ids(model) == sorted(store.tables[model])
    new = sb.execute(model, "create", [{"name": "late"}])
    assert store.sorted_ids(model)[-1] == new[0]
    sb.execute(model, "unlink", new)
    assert store.sorted_ids(model) == sorted(store.tables[model])
