"""An unchanged re-export with images reads no image file: the history keeps each file's content
digest by (path, size, mtime_ns). A file is read again when its size or mtime changes, and when
its product is to be sent with it."""

from __future__ import annotations

import base64
import csv
import os
import struct
import zlib
from pathlib import Path

from odoosync.engine.export.run import run_export
from odoosync.history.store import History
from odoosync.sandbox import SandboxHandle
from tests.support.export_env import config_toml, mapping_toml, run_job, settings_for

MAPPING = mapping_toml("title") + (
    '\n[[fields]]\nlocal_field = "image"\nodoo_field = "image_1920"\n'
    'mapping_type = "transform"\ntransform = "image"\nis_bidirectional = false\n'
)


def png(shade: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes([0, shade, 0, 0])))
        + chunk(b"IEND", b"")
    )


def write_products(folder: Path, rows: list[tuple[str, str]]) -> None:
    with (folder / "products.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "image"])
        writer.writerows([key, f"Product {key}", image] for key, image in rows)


def same_size_not_an_image(path: Path) -> None:
    """Change the file's bytes, keeping its size and mtime: only a read can tell."""
    stat = path.stat()
    path.write_bytes(b"x" * stat.st_size)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_unchanged_reexport_reads_no_image_file_and_a_new_product_reads_its_own(
    tmp_path: Path, sandbox: SandboxHandle
) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a.png").write_bytes(png(10))
    (tmp_path / "img" / "b.png").write_bytes(png(200))
    config = tmp_path / "odoosync.toml"
    sync = {"batch_size": 2, "workers": 1, "max_retries": 1, "max_retry_wait": 0.5}
    config.write_text(config_toml(sandbox.url, sandbox.database, sync=sync), encoding="utf-8")
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    rows = [("p-1", "img/a.png"), ("p-2", "img/a.png"), ("p-3", "img/b.png")]
    write_products(tmp_path, rows)
    settings = settings_for(config)

    first = run_job(run_export, settings)
    assert (first.created, first.failed) == (3, 0)
    with History(settings.history_path) as history:
        known = history.image_digests([str(tmp_path / "img" / n) for n in ("a.png", "b.png")])
    assert sorted(Path(p).name for p in known) == ["a.png", "b.png"]

    # the files' bytes change behind size and mtime: a re-export that read them would fail
    for name in ("a.png", "b.png"):
        same_size_not_an_image(tmp_path / "img" / name)
    again = run_job(run_export, settings)
    assert (again.unchanged, again.failed, again.updated) == (3, 0, 0)

    # a new product with a known image: its file is read to be sent (here: no longer a PNG)
    (tmp_path / "img" / "b.png").write_bytes(png(99))  # new mtime: read again
    write_products(tmp_path, [*rows, ("p-4", "img/b.png")])
    added = run_job(run_export, settings)
    assert (added.created, added.failed) == (1, 0)
    [record] = sandbox.execute(
        "product.template", "search_read", [("name", "=", "Product p-4")], ["image_1920"]
    )
    assert base64.b64decode(record["image_1920"]) == png(99)
    assert added.updated == 1  # p-3: its image changed (same path, new content)

    # a changed mtime is a changed file: read again (and found not to be an image)
    path = tmp_path / "img" / "a.png"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    touched = run_job(run_export, settings)
    assert touched.failed == 2
    assert all("not a PNG" in str(p.error_message) for p in touched.products)
