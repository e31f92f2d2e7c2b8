"""Which reader a file needs (from what it holds, not its name), and the checks every input passes first."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from jlpt_batch.errors import InputUnreadableError, UsageError
from jlpt_batch.messages import Message, message
from jlpt_batch.reading.cells import SheetCells
from jlpt_batch.reading.csv_file import read_csv
from jlpt_batch.reading.sniff import extension_fits, sniff
from jlpt_batch.reading.table import CANDIDATE_HEADER, HeaderMarker, RawTable, table_from_cells

# What to do with a file that is not a spreadsheet this tool reads; anything else: give a spreadsheet.
_ADVICE = {"encrypted": "errors.advice_encrypted", "xml-2003": "errors.advice_xml_2003", "html": "errors.advice_html"}


def _described(kind: str) -> Message:
    """What a file is, in words: 'an Excel workbook (.xlsx)' (the entry formats.<kind>)."""
    return message(f"formats.{kind.replace('-', '_')}")


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    max_rows: int | None = None,
    header: HeaderMarker = CANDIDATE_HEADER,
) -> RawTable:
    """Read a cohort spreadsheet (xlsx, xlsm, xlsb, ods, xls or CSV text) into a RawTable.

    InputUnreadableError says why a file cannot be read; more candidate rows than
    ``max_rows`` are refused before the rows are laid out. ``header`` says how the header
    row is recognised (a cohort's: by its candidate-id column; an answer key's: by its own).
    """
    _check_readable(path)
    kind = sniff(path)
    if kind == "binary" and extension_fits(path, "csv"):
        kind = "csv"  # text in an encoding that needs naming: the CSV reader says which line
    if kind == "csv":
        if sheet:
            raise UsageError("errors.sheet_option_for_csv")
        table = read_csv(path, encoding, max_rows, header)
    elif kind in ("xlsx", "xlsb", "ods", "xls"):
        table = table_from_cells(_sheet_cells(kind, path, sheet), path.name, max_rows, header)
    else:
        advice = message(_ADVICE.get(kind, "errors.advice_spreadsheet"))
        raise InputUnreadableError("errors.not_a_spreadsheet", file=path.name, kind=_described(kind), advice=advice)
    if extension_fits(path, kind):
        return table
    note = message("notes.really", file=path.name, kind=_described(kind))
    return replace(table, notes=(note, *table.notes))


def _sheet_cells(kind: str, path: Path, sheet: str | None) -> SheetCells:
    """The worksheet's cells, by the reader for that format (each imported only when needed)."""
    if kind == "xlsx":
        from jlpt_batch.reading.xlsx_file import read_xlsx

        return read_xlsx(path, sheet)
    if kind == "xlsb":
        from jlpt_batch.reading.xlsb_file import read_xlsb

        return read_xlsb(path, sheet)
    if kind == "ods":
        from jlpt_batch.reading.ods_file import read_ods

        return read_ods(path, sheet)
    from jlpt_batch.reading.xls_file import read_xls

    return read_xls(path, sheet)


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InputUnreadableError("errors.no_such_file", path=str(path))
    if path.is_dir():
        raise InputUnreadableError("errors.is_a_folder", path=str(path))
    if path.stat().st_size == 0:
        raise InputUnreadableError("errors.empty_file", file=path.name)
