"""Writing an xlsx package that stays small, inert and identical run to run: cells, tabs, long tables, saving.

Three promises, and how they are kept:
- *Inert text.* Whatever came from the input is written as a string cell with its
  type set explicitly, never left to openpyxl's guess (which turns ``=...`` into a
  formula and ``#N/A`` into an error). No links, no macros.
- *Same input, same file.* Document dates come from the run's as-of date and every
  member of the zip package carries that date, so two runs give identical bytes.
- *Large cohorts.* The workbook is written in openpyxl's write-only mode. The long
  tables (one row per candidate or problem) end their tabs; their rows are rendered
  as sheet XML by polars, every text as an explicit inline string, and placed into
  the package after openpyxl has saved it. openpyxl needs about 7 us per cell here
  (25 s for the Results rows of 100,000 candidates); polars renders them in about a
  second. See benchmarks/bench_workbook.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast, overload
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import polars as pl
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import BarChart, LineChart
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from jlpt_batch.contract import FAIL, PASS, REJECTED
from jlpt_batch.wording import Catalog

CREATOR = "jlpt-batch"


TITLE_FONT = Font(bold=True, size=14)


HEADING_FONT = Font(bold=True, size=12)


NOTE_FONT = Font(italic=True, color="595959")


LABEL_FONT = Font(bold=True)


HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


HEADER_BORDER = Border(bottom=Side(style="thin", color="808080"))


LEFT = Alignment(horizontal="left")


RESULT_FILLS = {
    PASS: PatternFill("solid", fgColor="C6EFCE"),
    FAIL: PatternFill("solid", fgColor="FFC7CE"),
    REJECTED: PatternFill("solid", fgColor="FFEB9C"),
}


PERCENT = "0.0%"


ONE_DECIMAL = "0.0"


SIGNED_DECIMAL = "+0.0;-0.0;0.0"


SIGNED_PERCENT = "+0.0%;-0.0%;0.0%"  # a difference of two rates


PAPER_SIZES = {"a4": 9, "letter": 1}  # the codes of the spreadsheet page setup


MAX_CELL_TEXT = 32_767  # Excel's limit for one cell


# Characters XML 1.0 cannot carry at all: shown as U+FFFD instead of failing the run.
NOT_XML = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


UNFIT_TEXT = re.compile(NOT_XML)


@dataclass(frozen=True)
class Column:
    """One column of a table: where its values come from, its heading, its number format."""

    key: str
    label: str
    number_format: str | None = None


CellValue = str | int | float | bool | None


@dataclass(frozen=True)
class BulkRows:
    """The rows of a long table, rendered by polars into the sheet once openpyxl has saved it.

    They are the sheet's last rows: they go just before the end of its sheetData.
    """

    sheet: WriteOnlyWorksheet  # whose part name is known after saving
    frame: pl.DataFrame  # exactly the columns to write, in order
    first_row: int
    fills: dict[str, dict[str, int]]  # column -> value -> style id of the cell's fill


def printable(frame: pl.DataFrame) -> pl.DataFrame:
    """Text that a worksheet can hold: no XML-illegal control characters, no over-long cells.

    Only the columns that need it are rewritten, so a clean cohort is not copied.
    """
    text = pl.col(pl.String)
    unfit = frame.select((text.str.contains(NOT_XML) | (text.str.len_chars() > MAX_CELL_TEXT)).any())
    if unfit.width == 0:
        return frame
    columns = [name for name, bad in unfit.row(0, named=True).items() if bad]
    fixed = pl.col(columns).str.replace_all(NOT_XML, "\ufffd").str.slice(0, MAX_CELL_TEXT)
    return frame.with_columns(fixed) if columns else frame


@overload
def new_cell(
    sheet: WriteOnlyWorksheet,
    value: str | int | float,
    number_format: str | None = None,
    font: Font | None = None,
    fill: PatternFill | None = None,
) -> Cell: ...


@overload
def new_cell(
    sheet: WriteOnlyWorksheet,
    value: CellValue,
    number_format: str | None = None,
    font: Font | None = None,
    fill: PatternFill | None = None,
) -> Cell | None: ...


def new_cell(
    sheet: WriteOnlyWorksheet,
    value: CellValue,
    number_format: str | None = None,
    font: Font | None = None,
    fill: PatternFill | None = None,
) -> Cell | None:
    """A write-only cell. Text is typed as a string explicitly: it can never become a formula."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, str):
        value = UNFIT_TEXT.sub("\ufffd", value)[:MAX_CELL_TEXT]
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    return cell


def heading_cell(sheet: WriteOnlyWorksheet, label: str) -> Cell:
    heading = new_cell(sheet, label, font=LABEL_FONT, fill=HEADER_FILL)
    heading.alignment, heading.border = HEADER_ALIGNMENT, HEADER_BORDER
    return heading


@dataclass(frozen=True)
class Book:
    """The workbook being written, and what every tab needs: the paper and the administrator's words."""

    workbook: Workbook
    paper: str
    words: Catalog
    mock: bool = False  # the scores are a mock's: estimates, not JLPT scaled scores


class Tab:
    """A write-only worksheet filled from the top down; it remembers the next row number.

    Printing is set up front (write-only sheets write their settings first): landscape on
    the run's paper, and unless ``fit_width`` is false, scaled to one page wide.
    """

    def __init__(
        self,
        book: Book,
        title: str,
        widths: Sequence[float],
        fit_width: bool = True,
        freeze: str | None = None,
    ):
        self.ws = book.workbook.create_sheet(title)
        self.ws.freeze_panes = freeze  # must be known before the first row is written
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.widths = list(widths)
        self.next_row = 1
        _print_setup(self.ws, book.paper, fit_width)

    def append(self, cells: Iterable[Cell | None]) -> int:
        """Write one row; return its row number."""
        self.ws.append(list(cells))
        self.next_row += 1
        return self.next_row - 1

    def title(self, text: str, *notes: str) -> None:
        self.append([new_cell(self.ws, text, font=TITLE_FONT)])
        for note in notes:
            self.note(note)
        self.blank()

    def heading(self, text: str) -> None:
        self.append([new_cell(self.ws, text, font=HEADING_FONT)])

    def note(self, text: str) -> None:
        self.append([new_cell(self.ws, text, font=NOTE_FONT)])

    def blank(self) -> None:
        self.append([])

    def header(self, labels: Sequence[str]) -> int:
        """A table heading row, tall enough for its longest wrapped label."""
        lines = max(_wrapped_lines(label, self._width(i)) for i, label in enumerate(labels))
        self.ws.row_dimensions[self.next_row].height = 15 * lines
        return self.append(heading_cell(self.ws, label) for label in labels)

    def _width(self, index: int) -> float:
        return self.widths[index] if index < len(self.widths) else 9

    def table(self, frame: pl.DataFrame, columns: Sequence[Column], empty: str) -> tuple[int, int]:
        """Heading row plus one row per frame row; ``empty`` is written instead when there are none.

        Returns the first and last row numbers of the values (last < first when empty).
        """
        self.header([column.label for column in columns])
        first = self.next_row
        if frame.height == 0:
            self.note(empty)
            return first, first - 1
        formats = [column.number_format for column in columns]
        for values in frame.select(column.key for column in columns).iter_rows():
            self.append(new_cell(self.ws, v, f) for v, f in zip(values, formats, strict=True))
        return first, self.next_row - 1

    def bulk_table(
        self, frame: pl.DataFrame, labels: Sequence[str], empty: str, fills: dict[str, dict[str, int]] | None = None
    ) -> BulkRows | None:
        """Heading row with a filter, and the frame's rows to be placed when the package is written.

        Nothing may be appended after it. None, and ``empty`` written, when there are no rows.
        """
        heading = self.header(labels)
        if frame.height == 0:
            self.note(empty)
            return None
        last = heading + frame.height
        self.ws.auto_filter.ref = f"A{heading}:{get_column_letter(frame.width)}{last}"
        return BulkRows(self.ws, frame, heading + 1, fills or {})


def _print_setup(sheet: WriteOnlyWorksheet, paper: str, fit_width: bool) -> None:
    ws = cast(Worksheet, sheet)  # a write-only sheet has a worksheet's print settings
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_SIZES.get(paper, PAPER_SIZES["a4"])
    if fit_width:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _wrapped_lines(label: str, width: float) -> int:
    """Lines a label needs in a column of ``width`` characters (roughly, by words).

    Bold text is a little wider than the width unit (the digit 0), hence the margin.
    """
    width = max(width - 1, 1)
    lines, used = 1, 0
    for word in label.split():
        if used and used + 1 + len(word) > width:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


BULK_CHUNK = 5_000  # rows rendered at a time: memory stays flat whatever the cohort


def _escaped(text: pl.Expr) -> pl.Expr:
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        text = text.str.replace_all(raw, entity, literal=True)
    return text


def _cell_xml(key: str, dtype: pl.DataType, letter: str, row: pl.Expr, fills: dict[str, int] | None) -> pl.Expr:
    """One column's cells as sheet XML: text as an explicit inline string, numbers as numbers."""
    reference = [pl.lit(f'<c r="{letter}'), row, pl.lit('"')]
    if fills:
        style = pl.col(key).replace_strict(fills, default=None, return_dtype=pl.String)
        reference.append(pl.concat_str([pl.lit(' s="'), style, pl.lit('"')]).fill_null(""))
    value = pl.col(key)
    if dtype == pl.String:
        value = pl.when(value != "").then(value)  # empty text is an empty cell, as in the CSV
        body = [pl.lit(' t="inlineStr"><is><t xml:space="preserve">'), _escaped(value), pl.lit("</t></is></c>")]
    else:
        body = [pl.lit("><v>"), value.cast(pl.String), pl.lit("</v></c>")]
    return pl.concat_str([*reference, *body]).fill_null("")


def _rows_xml(rows: BulkRows) -> Iterator[bytes]:
    """The sheet XML of every row of a long table, a chunk at a time."""
    row = (pl.col("_index") + rows.first_row).cast(pl.String)
    cells = [
        _cell_xml(key, dtype, get_column_letter(index), row, rows.fills.get(key))
        for index, (key, dtype) in enumerate(rows.frame.schema.items(), 1)
    ]
    xml = pl.concat_str([pl.lit('<row r="'), row, pl.lit('">'), *cells, pl.lit("</row>")])
    for offset in range(0, rows.frame.height, BULK_CHUNK):
        chunk = rows.frame.slice(offset, BULK_CHUNK).with_row_index("_index", offset)
        yield chunk.select(xml.str.join("")).item().encode("utf-8")


def page_break(sheet: Tab) -> None:
    """Start the next block on a new printed page, so no chart is cut in two."""
    sheet.ws.row_breaks.append(Break(id=sheet.next_row - 1))


def show_axes(chart: BarChart | LineChart) -> None:
    # openpyxl 3.1 marks axes as deleted unless told otherwise; Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def save(book: Workbook, path: Path, as_of: dt.date, bulk: list[BulkRows]) -> None:
    """Save through a temporary file beside ``path``, then write the final package."""
    stamp = dt.datetime.combine(as_of, dt.time())
    book.properties.creator = book.properties.lastModifiedBy = CREATOR
    book.properties.title = "JLPT cohort summary"
    book.properties.created = stamp
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        book.save(temporary)
        book.properties.modified = stamp  # openpyxl stamped the clock time while saving
        _repackage(Path(temporary), path, book, bulk)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _repackage(source: Path, target: Path, book: Workbook, bulk: list[BulkRows]) -> None:
    """Copy the package with one date on every member, fixed properties and the long tables' rows."""
    by_part = {rows.sheet.path.lstrip("/"): rows for rows in bulk}
    date_time = book.properties.created.timetuple()[:6]
    with ZipFile(source) as old, ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True) as new:
        missing = set(by_part) - set(old.namelist())
        if missing:
            raise RuntimeError(f"sheets {sorted(missing)} are not in the workbook openpyxl saved")
        for info in old.infolist():
            member = ZipInfo(info.filename, date_time=date_time)
            member.compress_type = ZIP_DEFLATED
            if info.filename == "docProps/core.xml":
                new.writestr(member, tostring(book.properties.to_tree()))
            elif info.filename in by_part:
                _write_bulk_part(new, member, old.read(info), by_part[info.filename])
            else:
                new.writestr(member, old.read(info))


def _write_bulk_part(package: ZipFile, member: ZipInfo, saved: bytes, rows: BulkRows) -> None:
    """A sheet as openpyxl saved it, with the long table's rows added before </sheetData>."""
    head, marker, tail = saved.rpartition(b"</sheetData>")
    if not marker:
        raise RuntimeError(f"the saved sheet {member.filename} has no sheetData element")
    with package.open(member, "w", force_zip64=True) as stream:
        stream.write(head)
        for chunk in _rows_xml(rows):
            stream.write(chunk)
        stream.write(marker + tail)
