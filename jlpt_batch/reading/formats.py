"""Which reader a file needs, and the checks every input passes first."""

from __future__ import annotations

from pathlib import Path

from jlpt_batch.errors import InputUnreadableError, UsageError
from jlpt_batch.messages import message
from jlpt_batch.reading.csv_file import read_csv
from jlpt_batch.reading.table import RawTable
from jlpt_batch.reading.xlsx_file import read_xlsx


def read_table(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> RawTable:
    """Read an .xlsx or .csv file into a RawTable; InputUnreadableError says why not."""
    suffix = path.suffix.lower()
    _check_readable(path)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        if sheet:
            raise UsageError("errors.sheet_option_for_csv")
        return read_csv(path, encoding)
    if suffix == ".xls":
        raise InputUnreadableError("errors.old_xls", file=path.name)
    raise UsageError("errors.unsupported_type", file=path.name, suffix=suffix or message("errors.no_suffix"))


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InputUnreadableError("errors.no_such_file", path=str(path))
    if path.is_dir():
        raise InputUnreadableError("errors.is_a_folder", path=str(path))
    if path.stat().st_size == 0:
        raise InputUnreadableError("errors.empty_file", file=path.name)
