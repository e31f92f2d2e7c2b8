"""The By level and By class tabs: pass rates, sections, floors, bands and CEFR, against the national figures."""

from __future__ import annotations

import polars as pl

from jlpt_batch.admin_wording import AdminWords
from jlpt_batch.contract import Count
from jlpt_batch.exams import Exam, Sitting
from jlpt_batch.outputs.workbook.labels import band_part_words, region_words, section_words, with_region_words
from jlpt_batch.outputs.workbook.xlsx import (
    ONE_DECIMAL,
    PERCENT,
    SIGNED_DECIMAL,
    SIGNED_PERCENT,
    Book,
    Column,
    Tab,
    page_break,
)
from jlpt_batch.rules import load_rules
from jlpt_batch.stats import CohortStats


def by_level_tab(book: Book, figures: CohortStats, exam: Exam) -> None:
    words = book.words
    sheet = Tab(book, "by_level", [8, 24, 11, 11, 11, 11, 14, 11, 12, 12, 12, 16, 30])
    sheet.title(words.text("by_level.title"), _national_line(words, figures, "by_level.national"))
    sheet.heading(words.text("by_level.pass_rates"))
    sheet.note(words.text("by_level.pass_rates_note"))
    empty = words.text("table.nobody_judged", tab=book.tab_name("rejected"))
    sheet.table(with_region_words(figures.levels, words), _pass_rate_columns(book), empty)
    sheet.blank()
    _section_table(sheet, words, figures.sections, book.mock)
    page_break(sheet)  # the bands and CEFR tables start a page of their own, headings with their tables
    _band_table(sheet, words, figures.bands)
    sheet.blank()
    _cefr_table(sheet, words, figures, exam)


def _cefr_table(sheet: Tab, words: AdminWords, figures: CohortStats, exam: Exam) -> None:
    """The passers' CEFR levels, or why this exam gives none (before December 2025, or a mock)."""
    sheet.heading(words.text("by_level.cefr"))
    rules = load_rules()
    if exam.reports_cefr(rules.cefr_first_sitting):
        sheet.note(words.text("by_level.cefr_note"))
        sheet.table(figures.cefr, _cefr_columns(words), words.text("by_level.nobody_passed"))
    elif exam.is_mock:
        sheet.note(words.text("by_level.no_cefr_mock"))
    else:
        first = Exam(Sitting(*rules.cefr_first_sitting))
        sheet.note(words.text("by_level.no_cefr_sitting", since=words.exam(first)))


def _national_line(words: AdminWords, figures: CohortStats, entry: str) -> str:
    period = words.period(figures.national_period)
    return words.text(entry, period=period, regions=region_words(words, figures.levels["region"]))


def count_columns(book: Book, *counts: Count) -> tuple[Column, ...]:
    """Head-count columns, labelled with the words every output uses for them."""
    return tuple(Column(count.value, book.words.text(count.label_key)) for count in counts)


def level_column(words: AdminWords) -> Column:
    return Column("level", words.text("table.level"))


def national_columns(words: AdminWords) -> tuple[Column, ...]:
    """The national certified rate and whose figures it is."""
    return (
        Column("national_pass_rate", words.text("table.national_pass_rate"), PERCENT),
        Column("region_words", words.text("table.region")),
    )


# The head counts both the level and the class tables start with.
_HEAD_COUNTS = (Count.JUDGED, Count.SCORED, Count.NOT_SCORED, Count.PASSED, Count.NOT_PASSED)


def _pass_rate_columns(book: Book) -> tuple[Column, ...]:
    text = book.words.text
    national_rate, region = national_columns(book.words)
    return (
        level_column(book.words),
        *count_columns(book, *_HEAD_COUNTS),
        Column("failed_on_floor_only", text("by_level.failed_on_floor_only")),
        *count_columns(book, Count.REJECTED),
        Column("pass_rate", text("by_level.pass_rate"), PERCENT),
        Column("judged_pass_rate", text("by_level.judged_pass_rate"), PERCENT),
        national_rate,
        Column("vs_national", text("by_level.vs_national"), SIGNED_PERCENT),
        region,
    )


def _section_table(sheet: Tab, words: AdminWords, sections: pl.DataFrame, mock: bool) -> None:
    sheet.heading(words.text("by_level.sections_mock" if mock else "by_level.sections"))
    sheet.note(words.text("by_level.sections_note"))
    labelled = sections.with_columns(section_words(words))
    sheet.table(labelled, _section_columns(words), words.text("by_level.nobody_scored"))


def _section_columns(words: AdminWords) -> tuple[Column, ...]:
    text = words.text
    return (
        level_column(words),
        Column("section", text("by_level.section")),
        Column("scored", text("by_level.scored")),
        Column("mean", text("by_level.mean"), ONE_DECIMAL),
        Column("sd", text("by_level.sd"), ONE_DECIMAL),
        Column("min", text("by_level.lowest")),
        Column("max", text("by_level.highest")),
        Column("national_mean", text("by_level.national_mean"), ONE_DECIMAL),
        Column("national_sd", text("by_level.national_sd"), ONE_DECIMAL),
        Column("vs_national_mean", text("by_level.vs_national_mean"), SIGNED_DECIMAL),
        Column("threshold", text("by_level.threshold")),
        Column("below", text("by_level.below")),
    )


def _band_table(sheet: Tab, words: AdminWords, bands: pl.DataFrame) -> None:
    sheet.heading(words.text("by_level.bands"))
    rules = load_rules()
    sheet.note(words.text("by_level.bands_note", a_min=rules.band_a_percent, b_min=rules.band_b_percent))
    labelled = bands.with_columns(band_part_words(words))
    columns = (
        level_column(words),
        Column("part", words.text("by_level.part")),
        *(Column(band, words.text(f"by_level.band_{band.lower()}")) for band in ("A", "B", "C")),
    )
    sheet.table(labelled, columns, words.text("by_level.no_bands"))


def _cefr_columns(words: AdminWords) -> tuple[Column, ...]:
    return (
        level_column(words),
        Column("cefr", words.text("by_level.cefr_level")),
        Column("passed", words.text("by_level.passed")),
    )


def by_class_tab(book: Book, figures: CohortStats) -> None:
    words = book.words
    sheet = Tab(book, "by_class", [16, 8, 10, 10, 12, 10, 12, 10, 13, 15, 15])
    sheet.title(
        words.text("by_class.title"),
        words.text("by_class.note"),
        _national_line(words, figures, "by_class.national"),
    )
    classes = figures.classes.with_columns(pl.col("class").fill_null(words.text("classes.none")))
    empty = words.text("table.nobody_judged", tab=book.tab_name("rejected"))
    sheet.table(classes, _class_columns(book), empty)


def _class_columns(book: Book) -> tuple[Column, ...]:
    text = book.words.text
    return (
        Column("class", text("columns.class")),
        level_column(book.words),
        *count_columns(book, *_HEAD_COUNTS, Count.REJECTED),
        Column("pass_rate", text("table.pass_rate"), PERCENT),
        Column("level_pass_rate", text("by_class.level_pass_rate"), PERCENT),
        national_columns(book.words)[0],
    )
