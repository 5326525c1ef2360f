"""The variant export's :class:`GroupSpool`: every catalog row by its template, on disk, written
in batches of :data:`PENDING_ROWS`; groups come back whole, in the order of their first row."""

from __future__ import annotations

from odoosync.engine.export.groups import PENDING_ROWS, GroupSpool, VariantRow


def _row(key: str, parent: str | None) -> VariantRow:
    return VariantRow(
        key=key,
        parent=parent,
        combination=(("Size", key[-1]),),
        template_values={"name": parent or key},
        variant_values={"default_code": key.upper()},
    )


def test_groups_come_back_whole_in_first_row_order_across_batches() -> None:
    count = PENDING_ROWS * 2 + 7  # two full batches and a remainder still pending
    rows = [_row(f"k{i}", f"t{(i * 7) % 50}") for i in range(count)]  # groups interleaved
    with GroupSpool() as spool:
        for row in rows:
            spool.add(row)
        spool.add(_row("k3", "t0"))  # the same key twice: refused, kept aside
        assert spool.duplicates == ["k3"]
        assert spool.key_count() == count and spool.has_key(f"k{count - 1}")
        assert [r.key for r in spool] == [r.key for r in rows]  # file order, every row
        groups = [g for batch in spool.batches(8) for g in batch]
        first_seen = list(dict.fromkeys(r.group for r in rows))
        assert [g[0].group for g in groups] == first_seen
        for group in groups:
            expected = [r for r in rows if r.group == group[0].group]
            assert group == expected
        spool.add(_row("late", "t999"))  # added after a read: read back too
        assert [r.key for r in spool][-1] == "late"
