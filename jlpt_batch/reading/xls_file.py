"""Excel 97-2003 .xls workbooks, read with xlrd: positions, kinds, number formats and merges.

The format itself bounds the cost: at most 65,536 rows of 256 columns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jlpt_batch.errors import InputUnreadableError
from jlpt_batch.reading.cells import (
    MAX_CELL_CHARS,
    CellSink,
    Kind,
    SheetCells,
    Where,
    check_merges,
    sheet_not_found,
    sheet_where,
)
from jlpt_batch.reading.numfmt import format_number, is_date_format
from jlpt_batch.reading.table import first_line


def read_xls(path: Path, sheet: str | None) -> SheetCells:
    """The worksheet's cells (the first worksheet, or the one named)."""
    import xlrd  # imported here: only .xls files need it

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, ragged_rows=True)
    except Exception as error:  # xlrd reports damage with many exception types
        raise InputUnreadableError("errors.xls_unreadable", file=path.name, detail=first_line(error)) from None
    try:
        names = book.sheet_names()
        if sheet is not None and sheet not in names:
            raise sheet_not_found(sheet, path.name, names)
        name = sheet if sheet is not None else names[0]
        return _cells(book, book.sheet_by_name(name), sheet_where(path.name, name))
    finally:
        book.release_resources()


def _cells(book: Any, worksheet: Any, where: Where) -> SheetCells:
    import xlrd

    codes = {key: fmt.format_str for key, fmt in book.format_map.items()}
    formats = [codes.get(xf.format_key, "General") for xf in book.xf_list]
    date1904 = book.datemode == 1
    sink = CellSink(where)
    for row in range(worksheet.nrows):
        types, values = worksheet.row_types(row), worksheet.row_values(row)
        for col, (cell_type, value) in enumerate(zip(types, values, strict=True)):
            if cell_type in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            if cell_type == xlrd.XL_CELL_TEXT:
                sink.add(row + 1, col + 1, Kind.TEXT, str(value)[: MAX_CELL_CHARS + 1], None)
            elif cell_type in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
                code = formats[worksheet.cell_xf_index(row, col)]
                kind = Kind.DATE if is_date_format(code) else Kind.NUMBER
                sink.add(row + 1, col + 1, kind, format_number(float(value), code, date1904), float(value))
            elif cell_type == xlrd.XL_CELL_ERROR:
                text = xlrd.error_text_from_code.get(value, f"#ERROR{value}")
                sink.add(row + 1, col + 1, Kind.ERROR, text, None)
            elif cell_type == xlrd.XL_CELL_BOOLEAN:
                sink.add(row + 1, col + 1, Kind.BOOLEAN, "TRUE" if value else "FALSE", None)
    merges = [(top + 1, left + 1, bottom, right) for top, bottom, left, right in worksheet.merged_cells]
    return SheetCells(sink.frame(), check_merges(merges, where), worksheet.name)
