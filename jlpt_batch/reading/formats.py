"""Which reader a file needs, and the checks every input passes first."""

from __future__ import annotations

from pathlib import Path

from jlpt_batch.errors import InputUnreadableError, UsageError
from jlpt_batch.reading.csv_file import read_csv
from jlpt_batch.reading.table import CANDIDATE_HEADER, HeaderMarker, RawTable
from jlpt_batch.reading.xlsx_file import read_xlsx


def read_table(
    path: Path, *, sheet: str | None = None, encoding: str | None = None, header: HeaderMarker = CANDIDATE_HEADER
) -> RawTable:
    """Read an .xlsx or .csv file into a RawTable; InputUnreadableError says why not.

    ``header`` says how its header row is recognised (a cohort's: by its candidate-id column).
    """
    suffix = path.suffix.lower()
    _check_readable(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet, header)
    if suffix in (".csv", ".txt", ".tsv"):
        if sheet:
            raise UsageError("--sheet applies to .xlsx workbooks only; this input is a CSV file")
        return read_csv(path, encoding, header)
    if suffix == ".xls":
        raise InputUnreadableError(
            f"{path.name} is an old Excel 97-2003 .xls file; open it in Excel and save it as .xlsx (or CSV)"
        )
    raise UsageError(f"{path.name}: unsupported file type {suffix or '(none)'}; give an .xlsx or .csv file")


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InputUnreadableError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputUnreadableError(f"{path} is a folder; give the cohort's .xlsx or .csv file")
    if path.stat().st_size == 0:
        raise InputUnreadableError(f"{path.name} is empty (0 bytes); export the cohort again")
