"""Which reader a file needs (from what it holds, not its name), and the checks every input passes first."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from jlpt_batch.errors import InputUnreadableError, UsageError
from jlpt_batch.reading.cells import SheetCells
from jlpt_batch.reading.csv_file import read_csv
from jlpt_batch.reading.sniff import DESCRIPTIONS, extension_fits, sniff
from jlpt_batch.reading.table import CANDIDATE_HEADER, HeaderMarker, RawTable, table_from_cells

# What to do with a file that is not a spreadsheet this tool reads.
_ADVICE = {
    "encrypted": "remove the password (in Excel: File > Info > Protect Workbook > Encrypt with Password, "
    "clear it) and save it again",
    "xml-2003": "open it in Excel and save it as .xlsx (Excel Workbook)",
    "html": "open it in Excel and save it as .xlsx (Excel Workbook), or export the cohort again as CSV",
}
_DEFAULT_ADVICE = "give the cohort's spreadsheet: .xlsx, .xlsm, .xlsb, .ods, .xls or .csv"


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
            raise UsageError("--sheet applies to workbooks only; this input is a CSV file")
        table = read_csv(path, encoding, max_rows, header)
    elif kind in ("xlsx", "xlsb", "ods", "xls"):
        table = table_from_cells(_sheet_cells(kind, path, sheet), path.name, max_rows, header)
    else:
        advice = _ADVICE.get(kind, _DEFAULT_ADVICE)
        raise InputUnreadableError(f"{path.name} is {DESCRIPTIONS[kind]}, not a cohort spreadsheet; {advice}")
    if extension_fits(path, kind):
        return table
    note = f"{path.name} is really {DESCRIPTIONS[kind]}, whatever its name says; it was read as one"
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
        raise InputUnreadableError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputUnreadableError(f"{path} is a folder; give the cohort's spreadsheet file")
    if path.stat().st_size == 0:
        raise InputUnreadableError(f"{path.name} is empty (0 bytes); export the cohort again")
