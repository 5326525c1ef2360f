"""What the README promises a new user, checked where a QA pass found the CLI saying otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from odoosync.cli import run
from tests.support.export_env import products, write_catalog


@pytest.mark.parametrize("quiet", [False, True])
def test_a_dry_run_with_failures_does_not_point_at_a_batch_it_never_recorded(
    config: Path, capsys: pytest.CaptureFixture[str], quiet: bool
) -> None:
    # README: "--dry-run prints that plan and writes nothing to ... history"; the failure line
    # used to say "odoosync logs --batch sync_..." for that unrecorded batch (it lists 0 entries).
    rows = products(3)
    rows[1]["title"] = ""  # a required field: the plan fails this product
    write_catalog(config.parent / "products.csv", rows)
    argv = ["-c", str(config), "export", "--dry-run"]
    assert run(["-q", *argv] if quiet else argv) == 6
    out, err = capsys.readouterr()
    assert "logs --batch" not in out + err
    assert "1 product(s) would fail (listed above; a dry run records nothing" in out + err
    assert run(["-c", str(config), "logs", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "[]"


def test_a_real_run_with_failures_still_points_at_its_batch(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = products(3)
    rows[1]["title"] = ""
    write_catalog(config.parent / "products.csv", rows)
    assert run(["-c", str(config), "export"]) == 6
    assert "1 product(s) failed: odoosync logs --batch sync_" in capsys.readouterr().out
