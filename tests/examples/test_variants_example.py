"""examples/variants: the mapping loads, every row maps and plans into one template of six
variants (additive prices) and one simple product, and it exports into a sandbox as written."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from odoosync.engine.export.groups import plan_group, variant_row
from odoosync.mapping.model import load_mapping
from odoosync.sandbox import serve
from odoosync.transforms import TransformContext

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "variants"


def rows() -> list[dict[str, str]]:
    with (EXAMPLE / "products.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_example_rows_plan_into_templates() -> None:
    mapping = load_mapping(EXAMPLE / "mapping.toml")
    assert mapping.variants is not None and mapping.stock is not None and mapping.vendors
    ctx = TransformContext(base_dir=EXAMPLE, field_types={"list_price": "float"})
    mapped = [variant_row(r, mapping, ctx, key_field="id") for r in rows()]
    assert all(m.error is None for m in mapped)
    tee = plan_group([m for m in mapped if m.parent == "tee"], [("name", "title")])
    assert tee.error is None
    assert tee.template_values == {"name": "Organic Tee", "list_price": 20.0}
    assert tee.lines == {"Size": ["S", "M", "L"], "Color": ["Red", "Blue"]}
    assert tee.extras == {("Color", "Blue"): 2.0, ("Size", "L"): 5.0}


def test_example_exports_as_written(tmp_path: Path) -> None:
    from tests.support.variants_env import VariantSetup

    with serve(seed="empty") as sandbox:
        sandbox.execute("res.partner", "create", [{"name": "Acme Supplies"}])
        mapping = (EXAMPLE / "mapping.toml").read_text(encoding="utf-8")
        setup = VariantSetup(tmp_path, sandbox, [], mapping=mapping)
        shutil.copy(EXAMPLE / "products.csv", tmp_path / "products.csv")
        result = setup.export()
        assert (result.created, result.failed) == (7, 0), result.errors()
        odoo = setup.variants()
        for row in rows():
            assert odoo[row["id"]]["lst_price"] == float(row["price"])
            assert odoo[row["id"]]["qty_available"] == float(row["qty"])
