"""History.links_to: the links of a page of Odoo ids, as the import looks them up page by page."""

from __future__ import annotations

from pathlib import Path

from odoosync.history.records import Link
from odoosync.history.store import History


def _link(key: str, odoo_id: int) -> Link:
    return Link(key, odoo_id, f"m.product_{key}", None, None, {}, None, "2025-01-01T00:00:00Z")


def test_links_to_finds_every_link_of_the_ids_in_key_order(tmp_path: Path) -> None:
    with History(tmp_path / "h.db") as history:
        history.save_links("p", [_link("b", 2), _link("a", 2), _link("c", 3)])
        history.save_links("other", [_link("z", 2)])
        ids = [2, *range(1000, 1600)]  # more than one query's worth
        found = history.links_to("p", ids)
        assert list(found) == ["a", "b"]
        assert found == {k: v for k, v in history.links("p").items() if v.odoo_id == 2}
        assert history.links_to("p", []) == {}
