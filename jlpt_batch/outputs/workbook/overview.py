"""The Overview tab: what this run read and decided, the headline by level, and a guide to the tabs."""

from __future__ import annotations

import textwrap

import openpyxl
import polars as pl

from jlpt_batch import __version__
from jlpt_batch.contract import CohortRun, Count
from jlpt_batch.outputs.workbook.items import ITEMS_TAB
from jlpt_batch.outputs.workbook.labels import region_words, with_region_words
from jlpt_batch.outputs.workbook.levels import count_columns
from jlpt_batch.outputs.workbook.xlsx import (
    LABEL_FONT,
    LEFT,
    PERCENT,
    Book,
    CellValue,
    Column,
    Tab,
    new_cell,
)
from jlpt_batch.rules import load_rules
from jlpt_batch.settings import Settings
from jlpt_batch.stats import BIN_WIDTH, CohortStats


def overview_tab(book: Book, run: CohortRun, figures: CohortStats, settings: Settings) -> None:
    sheet = Tab(book, "Overview", [34, 16, 14, 14, 18, 22, 30])
    sheet.title(
        "JLPT cohort summary",
        f"Prepared on {settings.as_of.isoformat()} by jlpt-batch from {run.source.path.name}.",
    )
    sheet.heading("This run")
    for label, value in _run_facts(book, run, settings, figures):
        fact = new_cell(sheet.ws, value)
        if fact is not None:
            fact.alignment = LEFT  # numbers and words line up in one column of facts
        sheet.append([new_cell(sheet.ws, label, font=LABEL_FONT), fact])
    sheet.blank()
    sheet.heading("Results by level")
    sheet.note("Pass rate = passed ÷ scored (candidates who sat every section).")
    sheet.note(f"National certified rate = certified ÷ examinees, {figures.national_label}.")
    columns = _overview_columns(book)
    sheet.table(with_region_words(figures.levels), columns, "No row could be judged: see the Rejected sheet.")
    sheet.blank()
    sheet.heading("Tabs in this workbook")
    for name, what in _sheet_guide(run):
        sheet.append([new_cell(sheet.ws, name, font=LABEL_FONT), new_cell(sheet.ws, what)])


def _overview_columns(book: Book) -> tuple[Column, ...]:
    return (
        Column("level", "Level"),
        *count_columns(book, Count.JUDGED, Count.SCORED, Count.PASSED),
        Column("pass_rate", "Pass rate (%)", PERCENT),
        Column("national_pass_rate", "National certified rate (%)", PERCENT),
        Column("region_words", "National figures for"),
    )


_SHEET_GUIDE = (
    ("By level", "Pass rates, section scores, floors, A/B/C bands and CEFR levels, against the national figures."),
    ("By class", "The same headline figures for each class and level, to compare classes."),
    ("Results", "Every row of results.csv, one candidate per row; filter with the arrows in the heading row."),
    ("Near misses", "Candidates who did not pass but came close, closest first: a retake priority list."),
    (
        "Distribution",
        f"Totals in {BIN_WIDTH}-point bins with the pass mark, and percentiles against the national curve.",
    ),
    ("Rejected", "Rows that could not be judged and why; fix them in the input file and run again."),
)

_ITEMS_GUIDE = (
    ITEMS_TAB,
    "How each question of the mock behaved (facility, discrimination, flags) and how reliable each section was.",
)


def _sheet_guide(run: CohortRun) -> tuple[tuple[str, str], ...]:
    """The tabs this workbook has, in order: a marked mock's Item analysis comes before Rejected."""
    if run.analysis is None:
        return _SHEET_GUIDE
    return (*_SHEET_GUIDE[:-1], _ITEMS_GUIDE, _SHEET_GUIDE[-1])


def _run_facts(book: Book, run: CohortRun, settings: Settings, figures: CohortStats) -> list[tuple[str, CellValue]]:
    source, counts = run.source, run.counts()
    where = source.sheet if source.sheet else f"(a CSV file, read as {source.encoding})"
    # Read = rejected + judged; judged = scored + not scored = passed + not passed.
    shown = (Count.READ, Count.REJECTED, Count.JUDGED, Count.SCORED, Count.NOT_SCORED, Count.PASSED, Count.NOT_PASSED)
    return [
        ("Input file", source.path.name),
        ("SHA-256 of the input file", source.sha256),
        ("Worksheet read", where),
        ("Heading row in the input", source.header_row),
        *((book.words.text(count.label_key), counts[count]) for count in shown),
        ("Empty rows skipped", source.rows_skipped_empty),
        *_note_lines(source.notes),
        ("Scores from", _exam_words(settings)),
        *((("Answer key", run.analysis.key_name),) if run.analysis else ()),
        ("As of", settings.as_of.isoformat()),
        ("National figures", f"{figures.national_label}; {region_words(figures.levels['region'])}"),
        ("Rules version", load_rules().version),
        ("Software", f"jlpt-batch {__version__}, polars {pl.__version__}, openpyxl {openpyxl.__version__}"),
    ]


# Characters of a note per row: the note runs on over the empty columns to its right, and a
# long one continues on the rows below, so it prints within the page's width.
NOTE_LINE_CHARS = 100


def _note_lines(notes: tuple[str, ...]) -> list[tuple[str, CellValue]]:
    """What the reader noticed about the file, each note over as many rows as it needs."""
    lines: list[tuple[str, CellValue]] = []
    for note in notes:
        wrapped = textwrap.wrap(note, NOTE_LINE_CHARS)
        lines += [("Note on reading the file" if i == 0 else "", line) for i, line in enumerate(wrapped)]
    return lines


def _exam_words(settings: Settings) -> str:
    exam = settings.effective_exam
    if exam.is_mock:
        return f"a mock exam on {exam.date.isoformat()} (next official sitting {exam.next_sitting()})"
    return f"the JLPT sitting of {exam.date:%B %Y} (held {exam.date.isoformat()})"
