"""Excel .xlsx workbooks: values read by calamine, merged cells and error cells from the sheet XML."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from jlpt_batch.errors import InputUnreadableError, SheetNotFoundError
from jlpt_batch.reading.table import (
    CANDIDATE_HEADER,
    HEADER_SEARCH_ROWS,
    HeaderMarker,
    RawTable,
    find_header,
    first_line,
    numbered_columns,
)

ZIP_MAGIC = b"PK\x03\x04"


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_xlsx(path: Path, sheet: str | None, marker: HeaderMarker = CANDIDATE_HEADER) -> RawTable:
    _check_xlsx_container(path)
    sheet_name, frame = _load_sheet(path, sheet)
    layout = _sheet_layout(path, sheet_name)
    frame = _with_error_texts(frame, layout)
    records = [list(row) for row in frame.head(HEADER_SEARCH_ROWS).iter_rows()]
    header_index, header = find_header(records, f"{path.name}, sheet {sheet_name!r}", marker)
    rows = numbered_columns(frame.slice(header_index + 1))
    header_row = layout.first_row + header_index
    fills = _class_merges(layout, header_row)
    return RawTable(tuple(header), rows, header_row, sheet=sheet_name, merges=fills)


def _check_xlsx_container(path: Path) -> None:
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.startswith(OLE_MAGIC[:4]):
        raise InputUnreadableError(
            f"{path.name} is password-protected (encrypted) or an old .xls saved under a new name; "
            "remove the password or save it again as .xlsx"
        )
    if not magic.startswith(ZIP_MAGIC):
        raise InputUnreadableError(f"{path.name} is not an Excel .xlsx workbook; save the cohort as .xlsx or CSV")
    try:
        with zipfile.ZipFile(path) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise InputUnreadableError(f"{path.name} is a zip file but not an Excel workbook")
            bad = archive.testzip()
    except (zipfile.BadZipFile, EOFError, OSError):
        bad = "the archive"
    if bad:
        raise InputUnreadableError(
            f"{path.name} is damaged or incomplete ({bad} cannot be read); open it in Excel and save it again"
        )


def _load_sheet(path: Path, sheet: str | None) -> tuple[str, pl.DataFrame]:
    import fastexcel  # imported here: only workbooks need it

    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
        if sheet is not None and sheet not in names:
            listing = ", ".join(repr(name) for name in names)
            raise SheetNotFoundError(f"sheet {sheet!r} not found in {path.name}; sheets are: {listing}")
        name = sheet if sheet is not None else names[0]
        loaded = reader.load_sheet_by_name(name, header_row=None, dtypes="string")
        return name, loaded.to_polars()
    except SheetNotFoundError:
        raise
    except Exception as error:  # calamine reports damage with many exception types
        raise InputUnreadableError(f"{path.name}: the workbook cannot be read ({first_line(error)})") from None


@dataclass(frozen=True)
class _SheetLayout:
    first_row: int  # 1-based row of the first cell with a value (where the reader's rows start)
    first_col: int  # 1-based column of the leftmost cell with a value
    merges: tuple[tuple[int, int, int, int], ...]  # (min_col, min_row, max_col, max_row), 1-based
    errors: tuple[tuple[int, int, str], ...] = ()  # (col, row, text) of cells holding #N/A, #VALUE! ...


_CELL_WITH_VALUE = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*<(?:v|is|f)\b')


_MERGE = re.compile(rb'<mergeCell\b[^>]*\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


_ERROR_CELL = re.compile(rb'<c\b(?=[^>]*\bt="e")[^>]*?\br="([A-Z]+)(\d+)"[^>]*>(?:(?!</c>).)*?<v>([^<]*)</v>', re.S)


def _sheet_layout(path: Path, sheet_name: str) -> _SheetLayout:
    """Where the sheet's values start and which cells are merged, read from the sheet XML.

    The value reader does not say where its rows start (title rows may sit on row 3),
    nor which cells were merged, so both come from one pass over the XML.
    """
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(_sheet_member(archive, sheet_name))
    rows, cols = [], []
    for match in _CELL_WITH_VALUE.finditer(xml):
        cols.append(_column_number(match.group(1)))
        rows.append(int(match.group(2)))
    merges = tuple(
        (_column_number(m.group(1)), int(m.group(2)), _column_number(m.group(3)), int(m.group(4)))
        for m in _MERGE.finditer(xml)
    )
    errors = tuple(
        (_column_number(m.group(1)), int(m.group(2)), m.group(3).decode("utf-8", "replace"))
        for m in _ERROR_CELL.finditer(xml)
    )
    return _SheetLayout(min(rows, default=1), min(cols, default=1), merges, errors)


def _with_error_texts(frame: pl.DataFrame, layout: _SheetLayout) -> pl.DataFrame:
    """Put the text of Excel error cells (#N/A, #VALUE!) back where the value reader left blanks.

    A blank score means an absent student, so an error must not turn into one: with
    its text in place, the row is rejected as not a number, naming the cell's value.
    """
    for col, row, text in layout.errors:
        r, c = row - layout.first_row, col - layout.first_col
        if 0 <= r < frame.height and 0 <= c < frame.width:
            frame[r, c] = text
    return frame


def _sheet_member(archive: zipfile.ZipFile, sheet_name: str) -> str:
    """The zip member holding a sheet, found through the workbook's relationships."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    }
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rel_id = next(
        s.get(f"{{{ns['r']}}}id") for s in workbook.iterfind("m:sheets/m:sheet", ns) if s.get("name") == sheet_name
    )
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target", "") for r in rels if r.get("Id") == rel_id)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _class_merges(layout: _SheetLayout, header_row: int) -> dict[int, list[tuple[int, int]]]:
    """Vertical merges below the header, by 0-based table column (spreadsheet row numbers).

    The caller knows which column is `class`; the merged rows take the value of the
    merge's top cell.
    """
    spans: dict[int, list[tuple[int, int]]] = {}
    for min_col, min_row, max_col, max_row in layout.merges:
        if max_row > min_row and min_row > header_row:
            for col in range(min_col, max_col + 1):
                spans.setdefault(col - layout.first_col, []).append((min_row, max_row))
    return spans
