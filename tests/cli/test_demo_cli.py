"""``odoosync demo``: the whole tour runs in seconds, keeps its steps, and its variant part
exports a tee in 2 sizes x 2 colors and a mug with stock levels, then syncs a stock change."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from odoosync.cli.main import run
from odoosync.history.store import History


def test_the_demo_tours_variants_and_stock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    code = run(["demo", "--keep", str(tmp_path / "demo")])
    elapsed = time.monotonic() - started
    out = capsys.readouterr().out
    assert code == 0, out
    assert elapsed < 20, elapsed  # a few seconds on a quiet machine
    for step in range(1, 12):
        assert f"== {step}. " in out, step
    after_export, after_sync = out.split("== 10. ")[0], out.split("== 11. ")[1]
    assert "(S, Red)" in after_export and "on hand 12" in after_export
    assert "(M, Blue)" in after_export and "Enamel Mug" in after_export
    red = next(line for line in after_sync.splitlines() if "(S, Red)" in line)
    assert red.endswith("on hand 16")
    blue = next(line for line in after_sync.splitlines() if "(S, Blue)" in line)
    assert blue.endswith("on hand 4")
    variants = tmp_path / "demo" / "variants"
    assert "tee-l-red" not in (variants / "products.csv").read_text(encoding="utf-8")
    with History(variants / "odoosync.db") as history:
        assert history.link_count("sandbox") == 5
        last = history.runs(profile="sandbox", limit=1)[0]
        assert (last.direction, last.status) == ("bidirectional", "success")
