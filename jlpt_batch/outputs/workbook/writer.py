"""summary.xlsx: the cohort summary the administrator reads, compares and forwards.

Seven sheets: Overview, By level, By class, Results, Near misses, Distribution,
Rejected. Every figure comes from ``stats``; this module only lays them out.

Three promises, and how they are kept:
- *Inert text.* Whatever came from the input is written as a string cell with its
  type set explicitly, never left to openpyxl's guess (which turns ``=...`` into a
  formula and ``#N/A`` into an error). No links, no macros.
- *Same input, same file.* Document dates come from ``settings.as_of`` and every
  member of the zip package carries that date, so two runs give identical bytes.
- *Large cohorts.* The workbook is written in openpyxl's write-only mode. The long
  tables (Results, Near misses, Rejected: one row per candidate or problem) end their
  sheets; their rows are rendered as sheet XML by polars, every text as an explicit
  inline string, and placed into the package after openpyxl has saved it. openpyxl
  needs about 7 us per cell here (25 s for the Results rows of 100,000 candidates);
  polars renders them in about a second. See benchmarks/bench_workbook.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import openpyxl
import polars as pl
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.xml.functions import tostring

from jlpt_batch import __version__
from jlpt_batch.contract import FAIL, PASS, REJECTED, RESULT_COLUMNS, CohortRun
from jlpt_batch.rules import load_rules
from jlpt_batch.settings import Settings
from jlpt_batch.stats import TOTAL, CohortStats, summarise

SHEETS = ("Overview", "By level", "By class", "Results", "Near misses", "Distribution", "Rejected")
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

REGION_WORDS = {
    "all": "all examinees (in Japan and overseas)",
    "domestic": "examinees in Japan",
    "overseas": "examinees overseas",
}
NO_CLASS = "(no class)"
SECTION_LABELS = {
    "language_knowledge": "Vocabulary/Grammar",
    "reading": "Reading",
    "language_knowledge_reading": "Vocab/Grammar+Reading",
    "listening": "Listening",
    TOTAL: "Total",
}
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


@dataclass(frozen=True)
class _BulkRows:
    """The rows of a long table, rendered by polars into the sheet once openpyxl has saved it.

    They are the sheet's last rows: they go just before the end of its sheetData.
    """

    sheet: object  # the write-only worksheet, whose part name is known after saving
    frame: pl.DataFrame  # exactly the columns to write, in order
    first_row: int
    fills: dict[str, dict[str, int]]  # column -> value -> style id of the cell's fill


# ── the entry point ───────────────────────────────────────────────────────────


def write_workbook(run: CohortRun, path: Path, settings: Settings) -> None:
    """Write the cohort summary workbook to ``path`` (replaced if it exists)."""
    judged, rejections = _printable(run.judged), _printable(run.rejections)
    figures = summarise(judged, settings.region)
    book = Workbook(write_only=True)
    paper = settings.paper
    _overview(book, run, figures, settings)
    _by_level(book, figures, paper)
    _by_class(book, figures, paper)
    bulk = [_results(book, judged, paper), _near_misses(book, figures, paper)]
    _distribution(book, figures, paper)
    bulk.append(_rejected(book, rejections, paper))
    _save(book, path, settings.as_of, [rows for rows in bulk if rows is not None])


# ── cells and sheets ──────────────────────────────────────────────────────────


def _printable(frame: pl.DataFrame) -> pl.DataFrame:
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


def _cell(sheet, value, number_format: str | None = None, font: Font | None = None, fill=None):
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


def _heading_cell(sheet, label: str):
    cell = _cell(sheet, label, font=LABEL_FONT, fill=HEADER_FILL)
    cell.alignment, cell.border = HEADER_ALIGNMENT, HEADER_BORDER
    return cell


class _Sheet:
    """A write-only worksheet filled from the top down; it remembers the next row number.

    Printing is set up front (write-only sheets write their settings first): landscape on
    the run's paper, and unless ``fit_width`` is false, scaled to one page wide.
    """

    def __init__(
        self,
        book: Workbook,
        title: str,
        widths: Sequence[float],
        paper: str,
        fit_width: bool = True,
        freeze: str | None = None,
    ):
        self.ws = book.create_sheet(title)
        self.ws.freeze_panes = freeze  # must be known before the first row is written
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.widths = list(widths)
        self.next_row = 1
        _print_setup(self.ws, paper, fit_width)

    def append(self, cells: Iterable) -> int:
        """Write one row; return its row number."""
        self.ws.append(list(cells))
        self.next_row += 1
        return self.next_row - 1

    def title(self, text: str, *notes: str) -> None:
        self.append([_cell(self.ws, text, font=TITLE_FONT)])
        for note in notes:
            self.note(note)
        self.blank()

    def heading(self, text: str) -> None:
        self.append([_cell(self.ws, text, font=HEADING_FONT)])

    def note(self, text: str) -> None:
        self.append([_cell(self.ws, text, font=NOTE_FONT)])

    def blank(self) -> None:
        self.append([])

    def header(self, labels: Sequence[str]) -> int:
        """A table heading row, tall enough for its longest wrapped label."""
        lines = max(_wrapped_lines(label, self._width(i)) for i, label in enumerate(labels))
        self.ws.row_dimensions[self.next_row].height = 15 * lines
        return self.append(_heading_cell(self.ws, label) for label in labels)

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
            self.append(_cell(self.ws, v, f) for v, f in zip(values, formats, strict=True))
        return first, self.next_row - 1

    def bulk_table(
        self, frame: pl.DataFrame, labels: Sequence[str], empty: str, fills: dict | None = None
    ) -> _BulkRows | None:
        """Heading row with a filter, and the frame's rows to be placed when the package is written.

        Nothing may be appended after it. None, and ``empty`` written, when there are no rows.
        """
        heading = self.header(labels)
        if frame.height == 0:
            self.note(empty)
            return None
        last = heading + frame.height
        self.ws.auto_filter.ref = f"A{heading}:{get_column_letter(frame.width)}{last}"
        return _BulkRows(self.ws, frame, heading + 1, fills or {})


def _print_setup(ws, paper: str, fit_width: bool) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_SIZES.get(paper, PAPER_SIZES["a4"])
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
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


def _with_region_words(frame: pl.DataFrame) -> pl.DataFrame:
    words = pl.col("region").replace_strict(REGION_WORDS, default=pl.col("region"), return_dtype=pl.String)
    return frame.with_columns(words.alias("region_words"))


def _region_words(regions: pl.Series) -> str:
    """The national population compared, in words; several when levels differ."""
    names = sorted(set(regions.drop_nulls().to_list()))
    return "; ".join(REGION_WORDS.get(name, name) for name in names) or REGION_WORDS["all"]


# ── Overview ──────────────────────────────────────────────────────────────────


def _overview(book: Workbook, run: CohortRun, figures: CohortStats, settings: Settings) -> None:
    sheet = _Sheet(book, "Overview", [34, 16, 14, 14, 18, 22, 30], settings.paper)
    sheet.title(
        "JLPT cohort summary",
        f"Prepared on {settings.as_of.isoformat()} by jlpt-batch from {run.source.path.name}.",
    )
    sheet.heading("This run")
    for label, value in _run_facts(run, settings, figures):
        fact = _cell(sheet.ws, value)
        fact.alignment = LEFT  # numbers and words line up in one column of facts
        sheet.append([_cell(sheet.ws, label, font=LABEL_FONT), fact])
    sheet.blank()
    sheet.heading("Results by level")
    sheet.note("Pass rate = passed ÷ scored (candidates who sat every section).")
    sheet.note(f"National certified rate = certified ÷ examinees, {figures.national_label}.")
    sheet.table(
        _with_region_words(figures.levels), _OVERVIEW_COLUMNS, "No row could be judged: see the Rejected sheet."
    )
    sheet.blank()
    sheet.heading("Sheets in this workbook")
    for name, what in _SHEET_GUIDE:
        sheet.append([_cell(sheet.ws, name, font=LABEL_FONT), _cell(sheet.ws, what)])


_OVERVIEW_COLUMNS = (
    Column("level", "Level"),
    Column("candidates", "Candidates"),
    Column("passed", "Passed"),
    Column("pass_rate", "Pass rate (%)", PERCENT),
    Column("national_pass_rate", "National certified rate (%)", PERCENT),
    Column("region_words", "National figures for"),
)

_SHEET_GUIDE = (
    ("By level", "Pass rates, section scores, floors, A/B/C bands and CEFR levels, against the national figures."),
    ("By class", "The same headline figures for each class and level, to compare classes."),
    ("Results", "Every row of results.csv, one candidate per row; filter with the arrows in the heading row."),
    ("Near misses", "Candidates who did not pass but came close, closest first: a retake priority list."),
    ("Distribution", "Totals in 10-point bins with the pass mark, and percentile ranks against the national curve."),
    ("Rejected", "Rows that could not be judged and why; fix them in the input file and run again."),
)


def _run_facts(run: CohortRun, settings: Settings, figures: CohortStats) -> list[tuple[str, object]]:
    source, counts = run.source, figures.levels
    total = {column: int(counts[column].sum()) for column in ("judged", "passed", "failed", "absent")}
    # "Judged" as the terminal says it: every row not rejected, absentees included.
    not_rejected = total["judged"] + total["absent"]
    where = source.sheet if source.sheet else f"(a CSV file, read as {source.encoding})"
    return [
        ("Input file", source.path.name),
        ("SHA-256 of the input file", source.sha256),
        ("Sheet read", where),
        ("Heading row in the input", source.header_row),
        ("Rows read", source.rows_read),
        ("Judged (every row not rejected)", not_rejected),
        ("Passed", total["passed"]),
        ("Failed (sat every section)", total["failed"]),
        ("Not scored (absent: a fail)", total["absent"]),
        ("Rejected (could not be judged)", run.count(REJECTED)),
        ("Empty rows skipped", source.rows_skipped_empty),
        ("Scores from", _exam_words(settings)),
        ("As of", settings.as_of.isoformat()),
        ("National figures", f"{figures.national_label}; {_region_words(counts['region'])}"),
        ("Rules version", load_rules().version),
        ("Software", f"jlpt-batch {__version__}, polars {pl.__version__}, openpyxl {openpyxl.__version__}"),
    ]


def _exam_words(settings: Settings) -> str:
    exam = settings.effective_exam
    if exam.is_mock:
        return f"a mock exam on {exam.date.isoformat()} (next official sitting {exam.next_sitting()})"
    return f"the JLPT sitting of {exam.date:%B %Y} (held {exam.date.isoformat()})"


# ── By level ──────────────────────────────────────────────────────────────────


def _by_level(book: Workbook, figures: CohortStats, paper: str) -> None:
    sheet = _Sheet(book, "By level", [8, 22, 11, 11, 11, 11, 14, 11, 12, 12, 12, 16, 30], paper)
    sheet.title(
        "Results by level, against the national figures",
        f"National figures: {figures.national_label}, {_region_words(figures.levels['region'])}.",
    )
    sheet.heading("Pass rates")
    sheet.note(
        "Scored = sat every section; absent = missed a section, so not scored (a fail). "
        "The national rate counts absent examinees too, so it is compared with passed ÷ candidates."
    )
    sheet.table(
        _with_region_words(figures.levels), _PASS_RATE_COLUMNS, "No row could be judged: see the Rejected sheet."
    )
    sheet.blank()
    _section_table(sheet, figures.sections)
    sheet.blank()
    _band_table(sheet, figures.bands)
    sheet.blank()
    sheet.heading("CEFR reference level of those who passed")
    sheet.note("A CEFR reference level is given only to those who pass.")
    sheet.table(figures.cefr, _CEFR_COLUMNS, "none: nobody passed.")


# The head counts both the level and the class tables start with.
_COUNT_COLUMNS = (
    Column("candidates", "Candidates"),
    Column("absent", "Absent (not scored)"),
    Column("judged", "Scored"),
    Column("passed", "Passed"),
    Column("failed", "Failed (scored)"),
)

_PASS_RATE_COLUMNS = (
    Column("level", "Level"),
    *_COUNT_COLUMNS,
    Column("failed_on_floor_only", "Failed only on a section floor (total reached the pass mark)"),
    Column("rejected", "Rejected rows"),
    Column("pass_rate", "Pass rate: passed ÷ scored (%)", PERCENT),
    Column("candidate_pass_rate", "Passed ÷ candidates (%)", PERCENT),
    Column("national_pass_rate", "National certified rate (%)", PERCENT),
    Column("vs_national", "Difference from national (% points)", SIGNED_PERCENT),
    Column("region_words", "National figures for"),
)


def _section_table(sheet: _Sheet, sections: pl.DataFrame) -> None:
    sheet.heading("Section scores of scored candidates (scaled scores)")
    sheet.note(
        "Floor: the least a section needs for a pass, whatever the total; for the total, the pass mark. "
        "SD: standard deviation."
    )
    labelled = sections.with_columns(pl.col("section").replace_strict(SECTION_LABELS, return_dtype=pl.String))
    sheet.table(labelled, _SECTION_COLUMNS, "Nobody was scored.")


_SECTION_COLUMNS = (
    Column("level", "Level"),
    Column("section", "Section"),
    Column("candidates", "Scored"),
    Column("mean", "Mean", ONE_DECIMAL),
    Column("sd", "SD", ONE_DECIMAL),
    Column("min", "Lowest"),
    Column("max", "Highest"),
    Column("national_mean", "National mean", ONE_DECIMAL),
    Column("national_sd", "National SD", ONE_DECIMAL),
    Column("vs_national_mean", "Mean minus national mean", SIGNED_DECIMAL),
    Column("threshold", "Floor (pass mark for the total)"),
    Column("below", "Below the floor (below the pass mark)"),
)


def _band_table(sheet: _Sheet, bands: pl.DataFrame) -> None:
    sheet.heading("Reference bands A/B/C (share of correct answers)")
    sheet.note(
        "A: 67% or more correct; B: 34% to under 67%; C: under 34%. A study aid only: bands never decide a pass."
    )
    labelled = bands.with_columns(pl.col("part").str.to_titlecase())
    sheet.table(labelled, _BAND_COLUMNS, "none: no answer counts or bands were given.")


_BAND_COLUMNS = (
    Column("level", "Level"),
    Column("part", "Sub-part"),
    Column("A", "A (good)"),
    Column("B", "B (fair)"),
    Column("C", "C (poor)"),
)
_CEFR_COLUMNS = (Column("level", "Level"), Column("cefr", "CEFR level"), Column("passed", "Passed"))


# ── By class ──────────────────────────────────────────────────────────────────


def _by_class(book: Workbook, figures: CohortStats, paper: str) -> None:
    sheet = _Sheet(book, "By class", [16, 8, 12, 12, 10, 10, 10, 10, 13, 15, 15], paper)
    sheet.title(
        "Results by class and level",
        "Pass rate = passed ÷ scored. Compare a class with the whole cohort at the same level and with the nation.",
        f"National figures: {figures.national_label}, {_region_words(figures.levels['region'])}.",
    )
    classes = figures.classes.with_columns(pl.col("class").fill_null(NO_CLASS))
    sheet.table(classes, _CLASS_COLUMNS, "No row could be judged: see the Rejected sheet.")


_CLASS_COLUMNS = (
    Column("class", "Class"),
    Column("level", "Level"),
    *_COUNT_COLUMNS,
    Column("rejected", "Rejected rows"),
    Column("pass_rate", "Pass rate (%)", PERCENT),
    Column("level_pass_rate", "Whole cohort at this level (%)", PERCENT),
    Column("national_pass_rate", "National certified rate (%)", PERCENT),
)


# ── Results ───────────────────────────────────────────────────────────────────

RESULT_LABELS = {
    "candidate_id": "Candidate ID",
    "name": "Name",
    "class": "Class",
    "level": "Level",
    "source_row": "Input row",
    "language_knowledge": "Language Knowledge (Vocabulary/Grammar), 0-60",
    "reading": "Reading, 0-60",
    "language_knowledge_reading": "Language Knowledge and Reading, 0-120",
    "listening": "Listening, 0-60",
    "total": "Total, 0-180",
    "result": "Result",
    "failed_sections": "Below the floor in",
    "absent_sections": "Absent from",
    "points_short": "Points short of the pass mark",
    "cefr": "CEFR (if passed)",
    "vocabulary_band": "Vocabulary band",
    "grammar_band": "Grammar band",
    "reading_band": "Reading band",
    "error": "Why the row was rejected",
    "region": "Region",
    "language": "Sheet language",
    "scored": "Scored",
    "vocabulary_correct": "Vocabulary correct",
    "vocabulary_questions": "Vocabulary questions",
    "grammar_correct": "Grammar correct",
    "grammar_questions": "Grammar questions",
    "reading_correct": "Reading correct",
    "reading_questions": "Reading questions",
}
BULK_CHUNK = 5_000  # rows rendered at a time: memory stays flat whatever the cohort


def _results(book: Workbook, judged: pl.DataFrame, paper: str) -> _BulkRows | None:
    frame = _results_frame(judged)
    labels = [RESULT_LABELS.get(key, key) for key in frame.columns]
    # the heading row and the id and name columns stay in view while scrolling
    sheet = _Sheet(book, "Results", _results_widths(frame, labels), paper, fit_width=False, freeze="C4")
    sheet.ws.print_title_rows = "3:3"
    sheet.append([_cell(sheet.ws, "Results: every row of results.csv", font=TITLE_FONT)])
    legend = {result: _cell(sheet.ws, result, fill=fill) for result, fill in RESULT_FILLS.items()}
    note = (
        "<- the colours of the Result column. Scores are scaled scores; a blank score means "
        "absent, or not a section of that level."
    )
    sheet.append([*legend.values(), _cell(sheet.ws, note, font=NOTE_FONT)])
    fills = {"result": {result: cell.style_id for result, cell in legend.items()}}
    return sheet.bulk_table(frame, labels, "none: the input had no rows.", fills)


def _results_frame(judged: pl.DataFrame) -> pl.DataFrame:
    """RESULT_COLUMNS first, then the rest; yes/no for true/false."""
    first = [key for key in RESULT_COLUMNS if key in judged.columns]
    rest = [key for key in judged.columns if key not in first]
    words = pl.col(pl.Boolean).replace_strict({True: "yes", False: "no"}, return_dtype=pl.String)
    return judged.select(first + rest).with_columns(words)


def _results_widths(frame: pl.DataFrame, labels: list[str]) -> list[float]:
    """Each column as wide as its longest value (or a word of its heading), within 6 to 50."""
    longest = frame.select(pl.col(c).cast(pl.String).str.len_chars().max() for c in frame.columns).row(0)
    widths = []
    for label, value_length in zip(labels, longest, strict=True):
        word = max(len(part) for part in label.split())
        widths.append(min(max(value_length or 0, word, 6) + 2, 50))
    return widths


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


def _rows_xml(rows: _BulkRows) -> Iterator[bytes]:
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


# ── Near misses ───────────────────────────────────────────────────────────────


NEAR_MISS_NOTES = (
    "Candidates who sat every section but did not pass, with a total at most 10 points under the pass mark, "
    "or exactly one section floor missed by 3 points or fewer.",
    "Closest first: 'points needed' is the fewest extra points that would have passed "
    "(the total's shortfall or the floors' shortfall, whichever is larger).",
)


def _near_misses(book: Workbook, figures: CohortStats, paper: str) -> _BulkRows | None:
    widths = [8, 13, 26, 10, 7, 8, 8, 12, 10, 11, 12, 60, 8]
    heading_row = len(NEAR_MISS_NOTES) + 3  # below the title, the notes and a blank row
    sheet = _Sheet(book, "Near misses", widths, paper, freeze=f"A{heading_row + 1}")
    sheet.title("Near misses: who to prioritise for a retake", *NEAR_MISS_NOTES)
    ranked = figures.near_misses.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"), pl.col("class").fill_null(NO_CLASS)
    )
    frame = ranked.select(column.key for column in _NEAR_MISS_COLUMNS)
    labels = [column.label for column in _NEAR_MISS_COLUMNS]
    return sheet.bulk_table(frame, labels, "none: nobody who failed came that close.")


_NEAR_MISS_COLUMNS = (
    Column("rank", "Priority"),
    Column("candidate_id", "Candidate ID"),
    Column("name", "Name"),
    Column("class", "Class"),
    Column("level", "Level"),
    Column("total", "Total"),
    Column("pass_mark", "Pass mark"),
    Column("points_short", "Points short of the pass mark"),
    Column("floors_missed", "Floors missed"),
    Column("floor_shortfall", "Points below the floors"),
    Column("points_needed", "Points needed to pass (at least)"),
    Column("missed", "What they missed by"),
    Column("source_row", "Input row"),
)


# ── Distribution ──────────────────────────────────────────────────────────────


def _distribution(book: Workbook, figures: CohortStats, paper: str) -> None:
    sheet = _Sheet(book, "Distribution", [13, 16, 16, 16], paper)
    sheet.title(
        "Distribution of totals, by level",
        "Scored candidates only. Percentile rank: the share of candidates scoring below a total, "
        "as on the official score report.",
        f"National curve: {figures.national_label} (an estimate from the published 5-point table).",
    )
    for index, level in enumerate(figures.levels["level"]):
        bins = figures.bins.filter(pl.col("level") == level)
        if index:
            _page_break(sheet)
        if bins.height == 0:
            sheet.heading(f"{level}: nobody was scored, so there is nothing to chart.")
            sheet.blank()
            continue
        _bin_block(sheet, level, bins)
        _page_break(sheet)
        _percentile_block(sheet, level, figures.percentiles.filter(pl.col("level") == level))


def _page_break(sheet: _Sheet) -> None:
    """Start the next block on a new printed page, so no chart is cut in two."""
    sheet.ws.row_breaks.append(Break(id=sheet.next_row - 1))


def _bin_block(sheet: _Sheet, level: str, bins: pl.DataFrame) -> None:
    mark = bins["pass_mark"][0]
    sheet.heading(f"{level}: totals in 10-point bins (pass mark {mark})")
    sheet.note(f"Each bar is split at the pass mark: below {mark} in grey, {mark} or more in blue.")
    labelled = bins.with_columns(pl.format("{}-{}", "bin_start", "bin_end").alias("bin"))
    columns = (
        Column("bin", "Total"),
        Column("below_pass_mark", f"Total below {mark}"),
        Column("at_or_above_pass_mark", f"Total {mark} or more"),
        Column("candidates", "Candidates"),
    )
    first, last = sheet.table(labelled, columns, "")
    sheet.ws.add_chart(_bin_chart(sheet.ws, level, mark, first, last), f"F{first - 1}")
    sheet.blank()


def _bin_chart(ws, level: str, mark: int, first: int, last: int) -> BarChart:
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap, chart.gapWidth = "col", "stacked", 100, 40
    chart.title = f"{level} totals (pass mark {mark})"
    chart.y_axis.title, chart.x_axis.title = "Candidates", "Total score"
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    for series, colour in zip(chart.series, ("A6A6A6", "4472C4"), strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    _show_axes(chart)
    chart.width, chart.height = 24, 9
    return chart


def _percentile_block(sheet: _Sheet, level: str, curve: pl.DataFrame) -> None:
    region = REGION_WORDS.get(curve["region"][0], curve["region"][0])
    sheet.heading(f"{level}: percentile rank at each total, this cohort and the nation")
    sheet.note(f"National: {region}. A lower curve means more candidates scored high.")
    columns = (
        Column("score", "Total"),
        Column("cohort_below", "This cohort: % scoring below", PERCENT),
        Column("national_below", "National: % scoring below", PERCENT),
    )
    first, last = sheet.table(curve, columns, "")
    sheet.ws.add_chart(_percentile_chart(sheet.ws, level, first, last), f"F{first - 1}")
    sheet.blank()
    sheet.blank()


def _percentile_chart(ws, level: str, first: int, last: int) -> LineChart:
    chart = LineChart()
    chart.title = f"{level}: share scoring below each total"
    chart.y_axis.title, chart.x_axis.title = "Scoring below", "Total score"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    for series, colour in zip(chart.series, ("C00000", "4472C4"), strict=True):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        series.smooth = False
    chart.x_axis.tickLblSkip = 4  # a label every 20 points, the rest would overlap
    _show_axes(chart)
    chart.width, chart.height = 24, 11
    return chart


def _show_axes(chart) -> None:
    # openpyxl 3.1 marks axes as deleted unless told otherwise; Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False


# ── Rejected ──────────────────────────────────────────────────────────────────


def _rejected(book: Workbook, rejections: pl.DataFrame, paper: str) -> _BulkRows | None:
    sheet = _Sheet(book, "Rejected", [10, 14, 26, 16, 100], paper, freeze="A5")
    sheet.title(
        "Rejected rows: what to fix in the input file",
        "These rows could not be judged. Correct them in the input file and run again; results.csv lists them too.",
    )
    labels = ["Input row", "Candidate ID", "Column", "Value", "Reason"]
    frame = rejections.select("source_row", "candidate_id", "column", "value", "reason")
    return sheet.bulk_table(frame, labels, "none: every row was accepted.")


# ── saving: fixed dates, the long tables placed ──────────────────────────────


def _save(book: Workbook, path: Path, as_of: dt.date, bulk: list[_BulkRows]) -> None:
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


def _repackage(source: Path, target: Path, book: Workbook, bulk: list[_BulkRows]) -> None:
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


def _write_bulk_part(package: ZipFile, member: ZipInfo, saved: bytes, rows: _BulkRows) -> None:
    """A sheet as openpyxl saved it, with the long table's rows added before </sheetData>."""
    head, marker, tail = saved.rpartition(b"</sheetData>")
    if not marker:
        raise RuntimeError(f"the saved sheet {member.filename} has no sheetData element")
    with package.open(member, "w", force_zip64=True) as stream:
        stream.write(head)
        for chunk in _rows_xml(rows):
            stream.write(chunk)
        stream.write(marker + tail)
