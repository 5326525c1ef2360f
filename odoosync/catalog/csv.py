"""CSV catalogs: UTF-8 (a BOM is tolerated and kept), a header row, values read as strings.

An empty string is an empty value. Writes keep the column order, append new columns at the end,
keep the file's line endings and BOM, and leave rows and columns they do not manage as they were.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from odoosync.catalog.base import (
    KeyTracker,
    atomic_file,
    catalog_key,
    check_apply,
    new_columns,
    require_file,
)
from odoosync.catalog.formulas import neutralise, restore
from odoosync.catalog.spool import KeySpool, keyed_updates
from odoosync.errors import CatalogError

__all__ = ["MAX_CELL_BYTES", "CsvCatalog", "cell"]

#: the largest CSV value read (a JSON catalog has no such limit but its file size): a 10 MB
#: description is accepted, a runaway unclosed quote is stopped and reported
MAX_CELL_BYTES = 64 * 2**20
#: characters XML 1.0, and so XML-RPC, cannot carry (tab, newline and CR are fine)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cell(value: Any) -> str:
    """A value as CSV text: None → "", booleans → true/false, 12.0 → "12", lists → JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class CsvCatalog:
    """A CSV file with a header row; ``key`` names the column that identifies a product."""

    def __init__(self, path: Path, *, key: str = "id", neutralise_formulas: bool = True) -> None:
        self.path = Path(path)
        self.key = key
        #: write formula-like text with a leading ``'`` and remove it on reading
        #: (:mod:`odoosync.catalog.formulas`)
        self.neutralise_formulas = neutralise_formulas

    # reading

    def _bad_encoding(self) -> CatalogError:
        with open(self.path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if number == 1 and raw.startswith(codecs.BOM_UTF8):
                    raw = raw[len(codecs.BOM_UTF8) :]
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    break
            else:
                number = 0
        where = f"line {number}: " if number else ""
        return CatalogError(
            f"{self.path}: {where}not valid UTF-8; save the file as UTF-8 (CSV UTF-8 in Excel)"
        )

    def _header(self, header: list[str]) -> list[str]:
        names = [name.strip() for name in header]
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise CatalogError(f"{self.path}: line 1: column {name!r} appears twice")
            seen.add(name)
        if self.key not in seen:
            raise CatalogError(
                f"{self.path}: line 1: no key column {self.key!r} (columns: "
                f"{', '.join(names)}); set [catalog] key in the config"
            )
        return names

    def _records(
        self, tracker: KeyTracker | KeySpool | None = None
    ) -> Iterator[tuple[int, list[str], list[str]]]:
        """(line, header, values) for every data row; checks encoding, shape and keys."""
        require_file(self.path)
        tracker = tracker or KeyTracker(self.path, self.key)
        csv.field_size_limit(MAX_CELL_BYTES)  # module-wide; the default (128 KiB) is too small
        try:
            with open(self.path, encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                first = next(reader, None)
                if first is None:
                    return
                header = self._header(first)
                key_index = header.index(self.key)
                for values in reader:
                    line = reader.line_num
                    if not values:
                        continue
                    if len(values) != len(header):
                        raise CatalogError(
                            f"{self.path}: line {line} has {len(values)} values but the header "
                            f"has {len(header)} columns; check for a missing or extra separator"
                        )
                    if _CONTROL.search("".join(values)):
                        raise self._control_character(line, header, values)
                    tracker.add(values[key_index], f"line {line}")
                    yield line, header, values
        except UnicodeDecodeError:
            raise self._bad_encoding() from None
        except csv.Error as exc:
            if "field limit" in str(exc):
                raise CatalogError(
                    f"{self.path}: line {reader.line_num}: a value is over "
                    f"{MAX_CELL_BYTES // 2**20} MiB (the largest CSV cell odoosync reads); "
                    "check for an unclosed quote, or shorten the value"
                ) from None
            raise CatalogError(f"{self.path}: line {reader.line_num}: {exc}") from None

    def validate(self) -> None:
        """Read the whole file once, as ``iter_rows`` would, and raise its first problem (bad
        encoding, a ragged row, an empty or duplicate key) before a run sends anything: a bad
        row late in the file must not stop a run half-way. Keys are checked on disk
        (:class:`~odoosync.catalog.spool.KeySpool`): memory stays bounded."""
        with KeySpool(self.path, self.key) as keys:
            for _record in self._records(keys):
                pass

    def _control_character(self, line: int, header: list[str], values: list[str]) -> CatalogError:
        """The error for a value holding a control character XML-RPC cannot carry (a NUL byte
        from a binary export, a form feed...): the line, the column and the character."""
        for name, value in zip(header, values, strict=True):
            found = _CONTROL.search(value)
            if found:
                return CatalogError(
                    f"{self.path}: line {line}: column {name!r} holds the control character "
                    f"U+{ord(found.group()):04X}, which Odoo cannot store; remove it"
                )
        raise AssertionError("a control character in no column")

    def columns(self) -> list[str]:
        require_file(self.path)
        try:
            with open(self.path, encoding="utf-8-sig", newline="") as handle:
                first = next(csv.reader(handle), None)
        except UnicodeDecodeError:
            raise self._bad_encoding() from None
        return [] if first is None else self._header(first)

    def iter_rows(self) -> Iterator[dict[str, Any]]:
        for _line, header, values in self._records():
            if self.neutralise_formulas:
                values = [restore(v) if v[:1] == "'" else v for v in values]
            yield dict(zip(header, values, strict=True))

    def _cell(self, value: Any) -> str:
        return cell(neutralise(value) if self.neutralise_formulas else value)

    # writing

    def _style(self) -> tuple[bool, str]:
        """(has BOM, line terminator) of the existing file."""
        if not self.path.exists():
            return False, "\n"
        with open(self.path, "rb") as handle:
            head = handle.readline()
        return head.startswith(codecs.BOM_UTF8), "\r\n" if head.endswith(b"\r\n") else "\n"

    def apply(
        self, updates: Mapping[str, Mapping[str, Any]], inserts: Sequence[Mapping[str, Any]]
    ) -> None:
        """Update rows by key and append ``inserts``, atomically."""
        header: list[str] = []
        present = self.path.exists()
        if present:
            header = self.columns()
        elif not inserts and not updates:
            return
        if not header:
            header = [self.key]
        key_index = header.index(self.key)
        # the rows are read twice (keys, then the write), never held: a catalog can be large
        rows = (values for _line, _header, values in self._records()) if present else iter(())
        existing = {catalog_key(values[key_index]) for values in rows}
        rows = (values for _line, _header, values in self._records()) if present else iter(())
        check_apply(self.path, self.key, existing, updates, inserts)
        columns = new_columns(header, updates, inserts)
        index = {name: i for i, name in enumerate(columns)}
        by_key = keyed_updates(updates)
        bom, terminator = self._style()
        with atomic_file(self.path, newline="") as handle:
            if bom:
                handle.write("\ufeff")
            writer = csv.writer(handle, lineterminator=terminator)
            writer.writerow(columns)
            for values in rows:
                values = values + [""] * (len(columns) - len(values))
                change = by_key.get(catalog_key(values[key_index]))
                if change:
                    for name, value in change.items():
                        values[index[name]] = self._cell(value)
                writer.writerow(values)
            for row in inserts:
                values = [""] * len(columns)
                for name, value in row.items():
                    values[index[name]] = self._cell(value)
                writer.writerow(values)
