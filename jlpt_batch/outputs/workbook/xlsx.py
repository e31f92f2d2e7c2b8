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

And it prints as it is, from LibreOffice or Excel (see tests/test_print.py): each tab
chooses its orientation and fit, a long table repeats its heading row (and Results
its id and name columns) on every page, every page has a footer with the school, the
exam, the date and "page X / Y", and no text is cut off. LibreOffice does not grow a
row for wrapped text when it opens a workbook, so every wrapped row's height is
written, estimated from the text's width (East Asian characters count two). In
write-only mode, fit and freeze must be set before the first row, a row's height
before that row; print titles, page setup and footers any time before saving.
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

from jlpt_batch.admin_wording import AdminWords
from jlpt_batch.contract import Outcome

CREATOR = "jlpt-batch"

# Fonts are named: LibreOffice prints a font with no name in a serif face. Calibri is the
# spreadsheet default; where it is missing, Carlito (the same metrics) takes its place.
FONT_NAME = "Calibri"


TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)


HEADING_FONT = Font(name=FONT_NAME, bold=True, size=12)


NOTE_FONT = Font(name=FONT_NAME, italic=True, color="595959")


LABEL_FONT = Font(name=FONT_NAME, bold=True)


HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


HEADER_BORDER = Border(bottom=Side(style="thin", color="808080"))


LEFT = Alignment(horizontal="left", vertical="top")


NOTE_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


OUTCOME_FILLS = {
    Outcome.PASSED: PatternFill("solid", fgColor="C6EFCE"),
    Outcome.NOT_PASSED: PatternFill("solid", fgColor="FFC7CE"),
    Outcome.NOT_SCORED: PatternFill("solid", fgColor="F4B084"),
    Outcome.REJECTED: PatternFill("solid", fgColor="FFEB9C"),
}


LINE_POINTS = 15.0  # one line of 11-point text
WIDE_LINE_POINTS = 18.0  # one line holding East Asian text (its fonts stand taller)
MAX_ROW_POINTS = 409.0  # the tallest row a spreadsheet allows


PERCENT = "0.0%"


ONE_DECIMAL = "0.0"


SIGNED_DECIMAL = "+0.0;-0.0;0.0"


SIGNED_PERCENT = "+0.0%;-0.0%;0.0%"  # a difference of two rates


PAPER_SIZES = {"a4": 9, "letter": 1}  # the codes of the spreadsheet page setup


MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6, "header": 0.3, "footer": 0.3}  # inches


_WIDE_RANGES = "\u1100-\u115f\u2e80-\u303f\u3040-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6"


# East Asian wide characters: a character takes two digit widths of a column.
WIDE = f"[{_WIDE_RANGES}]"


_WIDE_CHARACTER = re.compile(WIDE)


_TOKEN = re.compile(f"(\\s*)([{_WIDE_RANGES}]|[^\\s{_WIDE_RANGES}]+)")  # a wide character, or a word


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
    styles: dict[str, int]  # column -> style id of its cells (alignment, wrapping)
    wrapped: dict[str, float]  # column -> width: a row grows to show all of its text there


@dataclass(frozen=True)
class Printing:
    """How every tab prints: the paper, and the footer's left and right parts (already escaped)."""

    paper: str
    footer_left: str
    footer_right: str


def footer_text(text: str) -> str:
    """Literal text for a page footer: '&' starts a code there, so it is doubled."""
    return text.replace("&", "&&")


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
    """The workbook being written, and what every tab needs: the administrator's words and how to print."""

    workbook: Workbook
    words: AdminWords
    printing: Printing
    mock: bool = False  # the scores are a mock's: estimates, not JLPT scaled scores

    def tab_name(self, key: str) -> str:
        """A tab's name in the administrator's language, made a valid worksheet name."""
        return _sheet_name(self.words.text(f"tabs.{key}"))


Fit = tuple[int, int]  # pages wide, pages tall (0: as many as needed)


class Tab:
    """A write-only worksheet filled from the top down; it remembers the next row number.

    Printing is set up front (write-only sheets write their settings first): landscape
    (unless told otherwise) on the run's paper, scaled to ``fit`` pages wide and tall, or
    to ``scale`` percent; the footer on every page.
    """

    def __init__(
        self,
        book: Book,
        key: str,
        widths: Sequence[float],
        *,
        fit: Fit | None = (1, 0),
        scale: int | None = None,
        freeze: str | None = None,
        title_columns: str | None = None,
    ):
        self.ws = book.workbook.create_sheet(book.tab_name(key))
        self.ws.freeze_panes = freeze  # must be known before the first row is written
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.widths = list(widths)
        self.next_row = 1
        _print_setup(cast(Worksheet, self.ws), book.printing, fit, scale)
        self.ws.print_title_cols = title_columns  # written with the book's defined names on saving

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
        """A note across the tab's columns, wrapped and as tall as it needs: never cut off on paper."""
        width = sum(self.widths)
        lines = wrapped_lines(text, width)
        cell = new_cell(self.ws, text, font=NOTE_FONT)
        if lines > 1 or display_width(text) > self.widths[0]:
            cell.alignment = NOTE_ALIGNMENT
            self.ws.row_dimensions[self.next_row].height = _height(text, lines)
            self.ws.merged_cells.add(f"A{self.next_row}:{get_column_letter(len(self.widths))}{self.next_row}")
        self.append([cell])

    def long_fact(self, label: Cell | None, text: str) -> None:
        """A label, and a text that runs over the tab's other columns, wrapped and as tall as it needs."""
        lines = wrapped_lines(text, sum(self.widths[1:]))
        cell = new_cell(self.ws, text)
        cell.alignment = NOTE_ALIGNMENT
        self.ws.row_dimensions[self.next_row].height = _height(text, lines)
        self.ws.merged_cells.add(f"B{self.next_row}:{get_column_letter(len(self.widths))}{self.next_row}")
        self.append([label, cell])

    def blank(self) -> None:
        self.append([])

    def header(self, labels: Sequence[str]) -> int:
        """A table heading row, tall enough for its longest wrapped label."""
        lines = [wrapped_lines(label, self._width(i), bold=True) for i, label in enumerate(labels)]
        tallest = max(range(len(labels)), key=lambda i: _height(labels[i], lines[i]))
        self.ws.row_dimensions[self.next_row].height = _height(labels[tallest], lines[tallest])
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
        gaps = _after_number(frame.select(column.key for column in columns))
        for values in frame.select(column.key for column in columns).iter_rows():
            self._table_row(values, formats, gaps)
        return first, self.next_row - 1

    def _table_row(self, values: Sequence[CellValue], formats: Sequence[str | None], gaps: Sequence[bool]) -> None:
        """One row of a short table: text after a number indented, text too long for its column wrapped."""
        cells = [new_cell(self.ws, v, f) for v, f in zip(values, formats, strict=True)]
        height = 0.0
        for index, (cell, value, gap) in enumerate(zip(cells, values, gaps, strict=True)):
            if cell is None:
                continue
            lines = wrapped_lines(value, self._width(index) - (1 if gap else 0)) if isinstance(value, str) else 1
            if gap or lines > 1:
                cell.alignment = Alignment(horizontal="left" if gap else None, vertical="top",
                                           indent=1 if gap else 0, wrap_text=lines > 1 or None)  # fmt: skip
            if lines > 1:
                height = max(height, _height(str(value), lines))
        if height:
            self.ws.row_dimensions[self.next_row].height = height
        self.append(cells)

    def bulk_table(
        self,
        frame: pl.DataFrame,
        labels: Sequence[str],
        empty: str,
        fills: dict[str, dict[str, int]] | None = None,
        styles: dict[str, int] | None = None,
    ) -> BulkRows | None:
        """Heading row (with a filter, repeated on every printed page), and the frame's rows to be
        placed when the package is written. A text column too narrow for its longest value wraps,
        its rows as tall as they need.

        Nothing may be appended after it. None, and ``empty`` written, when there are no rows.
        """
        heading = self.header(labels)
        self.ws.print_title_rows = f"{heading}:{heading}"
        if frame.height == 0:
            self.note(empty)
            return None
        last = heading + frame.height
        self.ws.auto_filter.ref = f"A{heading}:{get_column_letter(frame.width)}{last}"
        wrapped = self._too_narrow(frame)
        column_styles = self._column_styles(frame, wrapped) | (styles or {})
        return BulkRows(self.ws, frame, heading + 1, fills or {}, column_styles, wrapped)

    def _too_narrow(self, frame: pl.DataFrame) -> dict[str, float]:
        """Text columns whose longest value is wider than the column: they wrap."""
        text = [key for key, dtype in frame.schema.items() if dtype == pl.String]
        if not text:
            return {}
        longest = frame.select(display_width_expr(pl.col(key)).max() for key in text).row(0, named=True)
        widths = dict(zip(frame.columns, self.widths, strict=False))
        return {key: widths[key] for key in text if key in widths and (longest[key] or 0) > widths[key] - 1}

    def _column_styles(self, frame: pl.DataFrame, wrapped: dict[str, float]) -> dict[str, int]:
        """Every column top-aligned (a wrapped neighbour makes a row tall); text after a number
        indented; a too-narrow column wrapped."""
        styles = {}
        for key, gap in zip(frame.columns, _after_number(frame), strict=True):
            alignment = Alignment(
                horizontal="left" if gap else None,
                vertical="top",
                indent=1 if gap else 0,
                wrap_text=True if key in wrapped else None,
            )
            styles[key] = style_id(self.ws, alignment)
        return styles


def style_id(sheet: WriteOnlyWorksheet, alignment: Alignment) -> int:
    """The workbook's style id of a cell with this alignment (registered on first use)."""
    cell = WriteOnlyCell(sheet, "")
    cell.alignment = alignment
    return cell.style_id


def _after_number(frame: pl.DataFrame) -> list[bool]:
    """Which columns hold text right after a column of numbers: they are indented, so a
    right-aligned "1" and a left-aligned "00473" never read as "100473"."""
    numeric = [dtype.is_numeric() for dtype in frame.schema.values()]
    return [index > 0 and numeric[index - 1] and not numeric[index] for index in range(len(numeric))]


def _sheet_name(text: str) -> str:
    """A worksheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", text).strip("'")[:31] or "-"


def _print_setup(ws: Worksheet, printing: Printing, fit: Fit | None, scale: int | None) -> None:
    """Paper, orientation, scale, margins and the footer of one tab."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_SIZES.get(printing.paper, PAPER_SIZES["a4"])
    ws.page_setup.pageOrder = "overThenDown"  # the pages of one band of rows follow each other
    if fit is not None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)  # goes out with the first row
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = fit
    elif scale is not None:
        ws.page_setup.scale = scale
    for side, inches in MARGINS.items():
        setattr(ws.page_margins, side, inches)
    footer = ws.oddFooter
    if footer is None:  # openpyxl always makes one; its type stubs allow None
        raise RuntimeError("the worksheet has no footer to set")
    footer.left.text, footer.center.text, footer.right.text = printing.footer_left, "&A", printing.footer_right
    footer.left.size = footer.center.size = footer.right.size = 8


def display_width(text: str) -> int:
    """How many digit widths a text takes in a column: an East Asian character takes two."""
    return len(text) + len(_WIDE_CHARACTER.findall(text))


def display_width_expr(text: pl.Expr) -> pl.Expr:
    """display_width() of every row, in polars."""
    return text.str.len_chars() + text.str.count_matches(WIDE)


# A letter of running text is narrower than the column's unit, the digit 0 (in Calibri a
# tenth or so, on average); a wide character takes two units.
PROSE_LETTER = 0.9


def _prose_width(text: str) -> float:
    wide = len(_WIDE_CHARACTER.findall(text))
    return (len(text) - wide) * PROSE_LETTER + 2 * wide


def _prose_width_expr(text: pl.Expr) -> pl.Expr:
    wide = text.str.count_matches(WIDE)
    return (text.str.len_chars() - wide) * PROSE_LETTER + 2 * wide


def unbreakable_width(text: str) -> int:
    """The display width of a text's longest piece that cannot be broken across lines."""
    return max((display_width(token) for token, _ in _tokens(text)), default=0)


def wrapped_lines(text: str, width: float, bold: bool = False) -> int:
    """Lines a text needs in a column of ``width`` digit widths (roughly).

    Latin words break at spaces; East Asian text between any two characters. Bold
    text, and prose, is a little wider than the width unit (the digit 0): hence the margins.
    """
    room = max(width - (0.5 if bold else 1), 1)
    lines, used = 1, 0.0
    for token, space in _tokens(text):
        size = _prose_width(token) * (1.15 if bold else 1.0)
        gap = 1 if used and space else 0
        if used and used + gap + size > room:
            lines, used = lines + 1, size
        else:
            used += gap + size
        while used > room:  # a word longer than the column breaks inside it
            lines, used = lines + 1, used - room
    return lines


def _tokens(text: str) -> Iterator[tuple[str, bool]]:
    """The unbreakable pieces of a text, each with whether a space comes before it."""
    for match in _TOKEN.finditer(text):
        yield match.group(2), bool(match.group(1))


def _height(text: str, lines: int) -> float:
    """Points for ``lines`` lines of the text (East Asian lines stand taller)."""
    line = WIDE_LINE_POINTS if _WIDE_CHARACTER.search(text) else LINE_POINTS
    return min(lines * line, MAX_ROW_POINTS)


BULK_CHUNK = 5_000  # rows rendered at a time: memory stays flat whatever the cohort


def _escaped(text: pl.Expr) -> pl.Expr:
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):
        text = text.str.replace_all(raw, entity, literal=True)
    return text


def _cell_xml(
    key: str, dtype: pl.DataType, letter: str, row: pl.Expr, fills: dict[str, int] | None, style: int | None
) -> pl.Expr:
    """One column's cells as sheet XML: text as an explicit inline string, numbers as numbers."""
    reference = [pl.lit(f'<c r="{letter}'), row, pl.lit('"')]
    if fills:  # a fill by value carries the column's alignment too
        by_value = pl.col(key).replace_strict(fills, default=None, return_dtype=pl.String)
        fallback = pl.lit("" if style is None else f' s="{style}"')
        reference.append(pl.concat_str([pl.lit(' s="'), by_value, pl.lit('"')]).fill_null(fallback))
    elif style is not None:
        reference.append(pl.lit(f' s="{style}"'))
    value = pl.col(key)
    if dtype == pl.String:
        value = pl.when(value != "").then(value)  # empty text is an empty cell, as in the CSV
        body = [pl.lit(' t="inlineStr"><is><t xml:space="preserve">'), _escaped(value), pl.lit("</t></is></c>")]
    else:
        body = [pl.lit("><v>"), value.cast(pl.String), pl.lit("</v></c>")]
    return pl.concat_str([*reference, *body]).fill_null("")


def _row_height(rows: BulkRows) -> pl.Expr:
    """' ht=".." customHeight="1"' for a row whose wrapped text needs more than one line, else "".

    Lines are estimated from the text's width in digit widths, with a tenth to spare for
    the ends of lines where a word did not fit; East Asian lines stand taller.
    """
    if not rows.wrapped:
        return pl.lit("")
    lines = [
        (_prose_width_expr(pl.col(key).fill_null("")) / max(width - 1, 1)).ceil().cast(pl.Int64)
        for key, width in rows.wrapped.items()
    ]
    most = pl.max_horizontal(*lines).clip(1)
    wide = pl.any_horizontal(pl.col(key).fill_null("").str.contains(WIDE) for key in rows.wrapped)
    line = pl.when(wide).then(pl.lit(WIDE_LINE_POINTS)).otherwise(pl.lit(LINE_POINTS))
    height = (most * line).clip(upper_bound=MAX_ROW_POINTS)
    attribute = pl.format(' ht="{}" customHeight="1"', height)
    return pl.when(most > 1).then(attribute).otherwise(pl.lit(""))


def _rows_xml(rows: BulkRows) -> Iterator[bytes]:
    """The sheet XML of every row of a long table, a chunk at a time."""
    row = (pl.col("_index") + rows.first_row).cast(pl.String)
    cells = [
        _cell_xml(key, dtype, get_column_letter(index), row, rows.fills.get(key), rows.styles.get(key))
        for index, (key, dtype) in enumerate(rows.frame.schema.items(), 1)
    ]
    xml = pl.concat_str(
        [pl.lit('<row r="'), row, pl.lit('"'), _row_height(rows), pl.lit(">"), *cells, pl.lit("</row>")]
    )
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


def whole_number_axis(chart: BarChart, tallest: int) -> None:
    """A count axis from 0 with ticks at whole numbers only, 1, 2, 5, 10, 20, ... apart (at most 8)."""
    step = next(m * 10**e for e in range(10) for m in (1, 2, 5) if max(tallest, 1) / (m * 10**e) <= 8)
    chart.y_axis.majorUnit = step
    chart.y_axis.scaling.min = 0
    chart.y_axis.number_format = "0"


def save(book: Workbook, path: Path, as_of: dt.date, bulk: list[BulkRows], title: str) -> None:
    """Save through a temporary file beside ``path``, then write the final package."""
    stamp = dt.datetime.combine(as_of, dt.time())
    book.properties.creator = book.properties.lastModifiedBy = CREATOR
    book.properties.title = title
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
