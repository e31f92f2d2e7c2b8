"""Excel binary workbooks (.xlsb): one pass over the worksheet's BIFF12 records.

Every cell record is read, the short ones too (records 12-18, which some writers use for
most cells and which other readers drop without a word). Positions, kinds, number formats
(from styles.bin) and merged ranges come from this one pass, as for .xlsx.
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

from jlpt_batch.messages import message
from jlpt_batch.reading.cells import (
    MAX_CELL_CHARS,
    MAX_COLUMN,
    MAX_ROW,
    MAX_SMALL_PART_BYTES,
    CellSink,
    Kind,
    Merge,
    SheetCells,
    Where,
    check_merges,
    damaged,
    read_part,
    sheet_not_found,
    sheet_where,
)
from jlpt_batch.reading.numfmt import builtin_format, format_number, is_date_format

ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!",
          0x2A: "#N/A", 0x2B: "#GETTING_DATA"}  # fmt: skip
_U32 = struct.Struct("<I").unpack_from
_F64 = struct.Struct("<d").unpack_from
# record types ([MS-XLSB] 2.3)
ROW_HEADER, WB_PROP, BUNDLE_SHEET, FMT, XF, SST_ITEM, BEGIN_CELL_XFS, END_CELL_XFS, MERGE_CELL = (
    0, 153, 156, 44, 47, 19, 617, 618, 176)  # fmt: skip
# cell records: 1 blank, 2 RK number, 3 error, 4 boolean, 5 number, 6 text, 7 shared text,
# 8-11 a formula's text, number, boolean or error, 62 rich text
_NUMBER_RECORDS = {2, 5, 9}
_TEXT_RECORDS = {6, 8, 62}
_BOOL_RECORDS = {4, 10}
_ERROR_RECORDS = {3, 11}
_SHORT = {12: 1, 13: 2, 14: 3, 15: 4, 16: 5, 17: 6, 18: 7}  # short cell records (no column field) and their long type


class _Damaged(Exception):
    """A record that runs past the end of its part."""


def _records(data: bytes) -> Iterator[tuple[int, int, int]]:
    """(type, payload start, payload end) of each record."""
    position, size_of_data = 0, len(data)
    while position < size_of_data:
        record_type = data[position] & 0x7F
        if data[position] & 0x80:
            position += 1
            record_type |= (data[position] & 0x7F) << 7
        position += 1
        size = shift = 0
        for _ in range(4):
            byte = data[position]
            position += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        if position + size > size_of_data:
            raise _Damaged
        yield record_type, position, position + size
        position += size


def _wide_string(data: bytes, position: int) -> tuple[str, int]:
    """A length-prefixed UTF-16 string, and where the record goes on.

    A string longer than a cell may hold is cut (kept just long enough to reject its row):
    twice the limit in UTF-16 units is at least one character more than the limit, whatever
    characters they are, and a pair cut in half at the end is dropped.
    """
    count = _U32(data, position)[0]
    end = position + 4 + 2 * count
    if end > len(data):
        raise _Damaged
    units = min(count, 2 * (MAX_CELL_CHARS + 1))
    text = data[position + 4 : position + 4 + 2 * units].decode("utf-16-le", "replace" if units == count else "ignore")
    return text, end


def _rk(value: int) -> float:
    """An RK number: an integer or the high bits of a double, maybe divided by 100."""
    if value & 2:
        number = float((value >> 2) - (1 << 30) if value & 0x80000000 else value >> 2)
    else:
        number = _F64(struct.pack("<Q", (value & 0xFFFFFFFC) << 32))[0]
    return number / 100 if value & 1 else number


def read_xlsb(path: Path, sheet: str | None) -> SheetCells:
    """The worksheet's cells (the first worksheet, or the one named)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _read(archive, path.name, sheet)
    except (zipfile.BadZipFile, EOFError, KeyError, _Damaged, IndexError, struct.error) as error:
        raise damaged(path.name, type(error).__name__) from None


def _read(archive: zipfile.ZipFile, name: str, sheet: str | None) -> SheetCells:
    book = read_part(archive, "xl/workbook.bin", name, MAX_SMALL_PART_BYTES)
    sheets, date1904 = _sheets(book)
    targets = _targets(archive, name)
    chosen = sheets[0] if sheet is None and sheets else next((s for s in sheets if s[0] == sheet), None)
    if chosen is None:
        raise sheet_not_found(str(sheet), name, [title for title, _ in sheets])
    where = sheet_where(name, chosen[0])
    formats = _formats(archive, name)
    strings = _strings(archive, name)
    data = read_part(archive, targets.get(chosen[1], "xl/worksheets/sheet1.bin"), where)
    sink = CellSink(where)
    merges = _sheet(data, sink, formats, strings, date1904, where)
    return SheetCells(sink.frame(), check_merges(merges, where), chosen[0])


def _sheets(book: bytes) -> tuple[list[tuple[str, str]], bool]:
    sheets, date1904 = [], False
    for record_type, start, _ in _records(book):
        if record_type == WB_PROP:
            date1904 = bool(_U32(book, start)[0] & 1)
        elif record_type == BUNDLE_SHEET:
            relation_length = _U32(book, start + 8)[0]
            if relation_length == 0xFFFFFFFF:
                relation, after = "", start + 12
            else:
                relation, after = _wide_string(book, start + 8)
            sheets.append((_wide_string(book, after)[0], relation))
    return sheets, date1904


def _targets(archive: zipfile.ZipFile, where: str) -> dict[str, str]:
    """Relationship id -> worksheet part, from the workbook's relationships."""
    rels = read_part(archive, "xl/_rels/workbook.bin.rels", where, MAX_SMALL_PART_BYTES).decode("utf-8", "replace")
    targets = {}
    for element in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        found = dict(re.findall(r'(\w+)="([^"]*)"', element))
        target = found.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[found.get("Id", "")] = member
    return targets


def _formats(archive: zipfile.ZipFile, where: str) -> list[str]:
    if "xl/styles.bin" not in archive.namelist():
        return []
    data = read_part(archive, "xl/styles.bin", where, MAX_SMALL_PART_BYTES)
    custom: dict[int, str] = {}
    codes: list[str] = []
    inside = False
    for record_type, start, _ in _records(data):
        if record_type == FMT:
            custom[struct.unpack_from("<H", data, start)[0]] = _wide_string(data, start + 2)[0]
        elif record_type in (BEGIN_CELL_XFS, END_CELL_XFS):
            inside = record_type == BEGIN_CELL_XFS
        elif record_type == XF and inside:
            number = struct.unpack_from("<H", data, start + 2)[0]
            codes.append(custom.get(number) or builtin_format(number))
    return codes


def _strings(archive: zipfile.ZipFile, where: str) -> list[str]:
    if "xl/sharedStrings.bin" not in archive.namelist():
        return []
    data = read_part(archive, "xl/sharedStrings.bin", where)
    return [_wide_string(data, start + 1)[0] for record_type, start, _ in _records(data) if record_type == SST_ITEM]


def _sheet(
    data: bytes, sink: CellSink, formats: list[str], strings: list[str], date1904: bool, where: Where
) -> list[Merge]:
    merges: list[Merge] = []
    row, col = -1, -1
    for record_type, start, _ in _records(data):
        if record_type == ROW_HEADER:
            row, col = _U32(data, start)[0], -1
            if row >= MAX_ROW:
                raise damaged(where, message("damage.row_beyond", last=MAX_ROW))
        elif record_type == MERGE_CELL:
            top, bottom, left, right = struct.unpack_from("<4I", data, start)
            merges.append((top + 1, left + 1, bottom + 1, right + 1))
        elif 1 <= record_type <= 18 or record_type == 62:
            short = _SHORT.get(record_type)
            if short is not None:
                col, style, value_at = col + 1, _U32(data, start)[0] & 0xFFFFFF, start + 4
            else:
                col, style, value_at = _U32(data, start)[0], _U32(data, start + 4)[0] & 0xFFFFFF, start + 8
            if row < 0 or col >= MAX_COLUMN:
                raise damaged(where, message("damage.cell_outside"))
            code = formats[style] if style < len(formats) else "General"
            found = _cell(short or record_type, data, value_at, code, strings, date1904)
            if found is not None:
                sink.add(row + 1, col + 1, *found)
    return merges


def _cell(
    record_type: int, data: bytes, at: int, code: str, strings: list[str], date1904: bool
) -> tuple[Kind, str, float | None] | None:
    if record_type in _NUMBER_RECORDS:
        number = _rk(_U32(data, at)[0]) if record_type == 2 else _F64(data, at)[0]
        kind = Kind.DATE if is_date_format(code) else Kind.NUMBER
        return kind, format_number(number, code, date1904), number
    if record_type == 7:  # an index into the shared strings
        index = _U32(data, at)[0]
        if index >= len(strings):
            raise _Damaged
        return Kind.TEXT, strings[index], None
    if record_type in _TEXT_RECORDS:
        return Kind.TEXT, _wide_string(data, at + (1 if record_type == 62 else 0))[0], None
    if record_type in _ERROR_RECORDS:
        return Kind.ERROR, ERRORS.get(data[at], f"#ERROR{data[at]}"), None
    if record_type in _BOOL_RECORDS:
        return Kind.BOOLEAN, "TRUE" if data[at] else "FALSE", None
    return None  # a blank cell
