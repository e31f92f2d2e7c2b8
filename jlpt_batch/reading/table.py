"""Reading a spreadsheet file into a table of text cells, whatever shape it comes in.

Everything is read as text: numbers are judged later, so `00123` stays `00123` and a
bad value can be quoted back to the user exactly. The header row is found here (the
first row holding a candidate-id header), so title rows above it are skipped while
row numbers stay those the spreadsheet shows.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from jlpt_batch.errors import InputUnreadableError, SheetNotFoundError, UsageError
from jlpt_batch.reading.headers import is_candidate_id_header

HEADER_SEARCH_ROWS = 50
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class RawTable:
    """The rows from the header on, every cell as text (or null)."""

    header: tuple[str | None, ...]  # the header cells as written
    rows: pl.DataFrame  # columns c0, c1, ...: the data rows below the header, as text
    header_row: int  # 1-based spreadsheet row of the header
    sheet: str | None = None
    encoding: str | None = None
    # vertical merges below the header: {0-based table column: [(first row, last row), ...]}
    merges: dict[int, list[tuple[int, int]]] | None = None

    def source_row(self, index: int) -> int:
        """Spreadsheet row number of data row ``index`` (0-based)."""
        return self.header_row + 1 + index


def read_table(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> RawTable:
    """Read an .xlsx or .csv file into a RawTable; InputUnreadableError says why not."""
    suffix = path.suffix.lower()
    _check_readable(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        if sheet:
            raise UsageError("--sheet applies to .xlsx workbooks only; this input is a CSV file")
        return _read_csv(path, encoding)
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


# ---------------------------------------------------------------- CSV


def _read_csv(path: Path, encoding: str | None) -> RawTable:
    utf8, used = to_utf8(path.read_bytes(), encoding, path.name)
    head = utf8[:200_000].decode("utf-8", errors="ignore")  # enough to find the header
    delimiter = _sniff_delimiter(head)
    header_index, header = _find_header(_first_records(head, delimiter), path.name)
    try:
        frame = pl.read_csv(
            utf8,
            has_header=False,
            schema={f"c{i}": pl.String for i in range(len(header))},
            missing_columns="insert",  # the header's width
            skip_rows=header_index + 1,
            separator=delimiter,
            truncate_ragged_lines=True,
            quote_char='"',
        )
    except pl.exceptions.NoDataError:
        frame = pl.DataFrame()
    except pl.exceptions.PolarsError as error:
        raise InputUnreadableError(f"{path.name}: cannot be read as CSV ({_first_line(error)})") from None
    # One chunk per column: a step that adds a column to a many-chunk frame would
    # otherwise copy every column to line the chunks up, and some steps do that often.
    frame = frame.rechunk()
    return RawTable(tuple(header), _numbered_columns(frame), header_index + 1, encoding=used)


def to_utf8(data: bytes, encoding: str | None, name: str) -> tuple[bytes, str]:
    """CSV bytes as UTF-8 for the reader, and the encoding they came in.

    The given encoding, else UTF-8 (BOM aware), UTF-16 with a BOM, else cp932 (what
    Japanese Excel saves as CSV; a superset of Shift_JIS that also has 髙, 﨑, ①).
    UTF-8 input is passed through as it is: decoding a large file only to check it
    would double the memory a run needs.
    """
    if encoding:
        return _decode_as(data, encoding, name).encode("utf-8"), encoding
    if data.startswith(UTF8_BOM):
        body = data[len(UTF8_BOM) :]
        if not _is_utf8(body):
            _decode_as(body, "utf-8", name)  # raises, naming the line that is not UTF-8
        return body, "utf-8-sig"
    if data.startswith(UTF16_BOMS):
        return _decode_as(data, "utf-16", name).encode("utf-8"), "utf-16"
    if _is_utf8(data):
        return data, "utf-8"
    try:
        return data.decode("cp932").encode("utf-8"), "cp932"
    except UnicodeDecodeError:
        raise InputUnreadableError(
            f"{name}: not UTF-8 and not Shift_JIS/cp932 text; save it as 'CSV UTF-8' "
            "or give its encoding with --encoding"
        ) from None


def _is_utf8(data: bytes) -> bool:
    """Whether the bytes are valid UTF-8, checked a megabyte at a time to keep memory flat."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise UsageError(f"--encoding {encoding!r} is not an encoding Python knows; try utf-8 or cp932") from None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputUnreadableError(
            f"{name}: line {line} is not valid {encoding} (byte {error.start}); "
            "give the right --encoding or save the file as 'CSV UTF-8'"
        ) from None


def _sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever splits the likely header line into most cells."""
    sample = text[:20_000].splitlines()[:HEADER_SEARCH_ROWS]
    header_line = next((line for line in sample if _line_mentions_id(line)), sample[0] if sample else "")
    return max((",", "\t", ";"), key=header_line.count)


def _line_mentions_id(line: str) -> bool:
    return any(is_candidate_id_header(cell.strip().strip('"')) for cell in re.split(r"[,\t;]", line))


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text[:200_000]), delimiter=delimiter)
    try:
        return list(itertools.islice(reader, HEADER_SEARCH_ROWS))
    except csv.Error:
        return []


# ---------------------------------------------------------------- XLSX


def _read_xlsx(path: Path, sheet: str | None) -> RawTable:
    _check_xlsx_container(path)
    sheet_name, frame = _load_sheet(path, sheet)
    layout = _sheet_layout(path, sheet_name)
    frame = _with_error_texts(frame, layout)
    records = [list(row) for row in frame.head(HEADER_SEARCH_ROWS).iter_rows()]
    header_index, header = _find_header(records, f"{path.name}, sheet {sheet_name!r}")
    rows = _numbered_columns(frame.slice(header_index + 1))
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
        raise InputUnreadableError(f"{path.name}: the workbook cannot be read ({_first_line(error)})") from None


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
    target = next(r.get("Target") for r in rels if r.get("Id") == rel_id)
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


# ---------------------------------------------------------------- shared


def _find_header(records: list[list], where: str) -> tuple[int, list[str | None]]:
    for index, record in enumerate(records):
        if any(is_candidate_id_header(cell) for cell in record):
            return index, [None if cell is None else str(cell) for cell in record]
    raise InputUnreadableError(
        f"{where}: no header row with a candidate id column (e.g. 'Candidate No', 'ID', '受験番号') "
        f"in the first {HEADER_SEARCH_ROWS} rows; add one above the scores"
    )


def _numbered_columns(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({name: f"c{i}" for i, name in enumerate(frame.columns)})


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
