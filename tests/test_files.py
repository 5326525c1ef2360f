"""The one atomic writer: content, and the permission bits the written file ends with."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from odoosync.files import write_text_atomic


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_a_new_file_gets_the_mode_open_would_give(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_text_atomic(tmp_path / "a.toml", "x = 1\n")
    finally:
        os.umask(old)
    assert (tmp_path / "a.toml").read_text(encoding="utf-8") == "x = 1\n"
    assert mode_of(tmp_path / "a.toml") == 0o640


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
def test_an_existing_file_keeps_its_mode_and_an_explicit_mode_wins(tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o604)
    write_text_atomic(path, "new\n")
    assert (path.read_text(encoding="utf-8"), mode_of(path)) == ("new\n", 0o604)
    write_text_atomic(path, "secret\n", mode=0o600)
    assert (path.read_text(encoding="utf-8"), mode_of(path)) == ("secret\n", 0o600)
    assert [p.name for p in tmp_path.iterdir()] == ["b.toml"]  # no temp file left behind
