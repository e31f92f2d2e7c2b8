"""The Overview tab: what this run read and decided, the headline by level, and a guide to the tabs."""

from __future__ import annotations

import openpyxl
import polars as pl

from jlpt_batch import __version__
from jlpt_batch.admin_wording import AdminWords
from jlpt_batch.contract import CohortRun, Count
from jlpt_batch.outputs.workbook.labels import region_words, with_region_words
from jlpt_batch.outputs.workbook.levels import count_columns, level_column, national_columns
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

# The tabs the guide describes, in order (the Overview is where the guide is).
_GUIDED = ("by_level", "by_class", "results", "near_misses", "distribution", "progress", "rejected")


def _guided(run: CohortRun) -> tuple[str, ...]:
    """The tabs this workbook has, in order: a marked mock's Item analysis comes before Rejected."""
    if run.analysis is None:
        return _GUIDED
    return (*_GUIDED[:-1], "items", _GUIDED[-1])


def overview_tab(book: Book, run: CohortRun, figures: CohortStats, settings: Settings) -> None:
    words = book.words
    sheet = Tab(book, "overview", [34, 16, 14, 14, 18, 22, 30], fit=(1, 1))
    prepared = words.text("overview.prepared", date=words.date(settings.as_of), file=run.source.path.name)
    sheet.title(words.text("overview.title"), prepared)
    sheet.heading(words.text("overview.this_run"))
    for label, value in _run_facts(words, run, settings, figures):
        label_cell = new_cell(sheet.ws, label, font=LABEL_FONT)
        if isinstance(value, _Note):
            sheet.long_fact(label_cell, value)
            continue
        fact = new_cell(sheet.ws, value)
        if fact is not None:
            fact.alignment = LEFT  # numbers and words line up in one column of facts
        sheet.append([label_cell, fact])
    sheet.blank()
    sheet.heading(words.text("overview.by_level"))
    sheet.note(words.text("overview.pass_rate_note"))
    sheet.note(words.text("overview.national_note", period=words.period(figures.national_period)))
    empty = words.text("table.nobody_judged", tab=book.tab_name("rejected"))
    sheet.table(with_region_words(figures.levels, words), _overview_columns(book), empty)
    sheet.blank()
    sheet.heading(words.text("overview.tabs"))
    for key in _guided(run):
        what = _guide(words, key)
        sheet.append([new_cell(sheet.ws, book.tab_name(key), font=LABEL_FONT), new_cell(sheet.ws, what)])


def _guide(words: AdminWords, key: str) -> str:
    if key == "distribution":
        return words.text("overview.guide_distribution", width=BIN_WIDTH)
    return words.text(f"overview.guide_{key}")


def _overview_columns(book: Book) -> tuple[Column, ...]:
    words = book.words
    return (
        level_column(words),
        *count_columns(book, Count.JUDGED, Count.SCORED, Count.PASSED),
        Column("pass_rate", words.text("table.pass_rate"), PERCENT),
        *national_columns(words),
    )


def _run_facts(
    words: AdminWords, run: CohortRun, settings: Settings, figures: CohortStats
) -> list[tuple[str, CellValue]]:
    source, counts = run.source, run.counts()
    where = source.sheet if source.sheet else words.text("overview.worksheet_csv", encoding=source.encoding)
    # Read = rejected + judged; judged = scored + not scored = passed + not passed.
    shown = (Count.READ, Count.REJECTED, Count.JUDGED, Count.SCORED, Count.NOT_SCORED, Count.PASSED, Count.NOT_PASSED)
    national = words.text(
        "overview.national_value",
        period=words.period(figures.national_period),
        regions=region_words(words, figures.levels["region"]),
    )
    text = words.text
    return [
        (text("overview.input_file"), source.path.name),
        (text("overview.sha256"), source.sha256),
        (text("overview.worksheet"), where),
        (text("overview.header_row"), source.header_row),
        *((text(count.label_key), counts[count]) for count in shown),
        (text("overview.empty_rows"), source.rows_skipped_empty),
        *((text("overview.reading_note"), _Note(note.text(words.catalog))) for note in source.notes),
        (text("overview.scores_from"), _exam_words(words, settings)),
        *(((text("overview.answer_key"), run.analysis.key_name),) if run.analysis else ()),
        (text("overview.as_of"), words.date(settings.as_of)),
        (text("overview.national"), national),
        (text("overview.rules_version"), load_rules().version),
        (
            text("overview.software"),
            f"jlpt-batch {__version__}, polars {pl.__version__}, openpyxl {openpyxl.__version__}",
        ),
    ]


class _Note(str):
    """A fact that is a sentence or more (what the reader noticed about the file): it runs over the
    tab's columns after the first, wrapped, so it prints within the page's width."""


def _exam_words(words: AdminWords, settings: Settings) -> str:
    """Where the scores come from: the sitting and the day it was held, or the mock exam."""
    exam = settings.effective_exam
    if exam.is_mock:
        date, next_sitting = words.date(exam.date), words.sitting(exam.next_sitting())
        if exam.name:
            return words.text("overview.exam_mock_named", date=date, name=exam.name, next=next_sitting)
        return words.text("overview.exam_mock", date=date, next=next_sitting)
    sitting = exam.sitting
    month_year = words.month_year(sitting.year, sitting.month)
    return words.text("overview.exam_sitting", month_year=month_year, date=words.date(exam.date))
