"""The By level and By class tabs: pass rates, sections, floors, bands and CEFR, against the national figures."""

from __future__ import annotations

import polars as pl

from jlpt_batch.contract import Count
from jlpt_batch.outputs.workbook.labels import SECTION_LABELS, region_words, with_region_words
from jlpt_batch.outputs.workbook.xlsx import (
    ONE_DECIMAL,
    PERCENT,
    SIGNED_DECIMAL,
    SIGNED_PERCENT,
    Book,
    Column,
    Tab,
)
from jlpt_batch.rules import load_rules
from jlpt_batch.stats import CohortStats


def by_level_tab(book: Book, figures: CohortStats) -> None:
    sheet = Tab(book, "By level", [8, 11, 11, 11, 11, 11, 14, 11, 12, 12, 12, 16, 30])
    sheet.title(
        "Results by level, against the national figures",
        f"National figures: {figures.national_label}, {region_words(figures.levels['region'])}.",
    )
    sheet.heading("Pass rates")
    sheet.note(
        "Judged = every row not rejected; scored = sat every section; not scored = absent from a section "
        "(a fail). The national rate counts absent examinees too, so it is compared with passed ÷ judged."
    )
    sheet.table(
        with_region_words(figures.levels), _pass_rate_columns(book), "No row could be judged: see the Rejected sheet."
    )
    sheet.blank()
    _section_table(sheet, figures.sections, book.mock)
    sheet.blank()
    _band_table(sheet, figures.bands)
    sheet.blank()
    sheet.heading("CEFR reference level of those who passed")
    sheet.note("A CEFR reference level is given only to those who pass.")
    sheet.table(figures.cefr, _CEFR_COLUMNS, "none: nobody passed.")


def count_columns(book: Book, *counts: Count) -> tuple[Column, ...]:
    """Head-count columns, labelled with the words every output uses for them."""
    return tuple(Column(count.value, book.words.text(count.label_key)) for count in counts)


# The head counts both the level and the class tables start with.
_HEAD_COUNTS = (Count.JUDGED, Count.SCORED, Count.NOT_SCORED, Count.PASSED, Count.NOT_PASSED)


def _pass_rate_columns(book: Book) -> tuple[Column, ...]:
    return (
        Column("level", "Level"),
        *count_columns(book, *_HEAD_COUNTS),
        Column("failed_on_floor_only", "Not passed only on a section floor (total reached the pass mark)"),
        *count_columns(book, Count.REJECTED),
        Column("pass_rate", "Pass rate: passed ÷ scored (%)", PERCENT),
        Column("judged_pass_rate", "Passed ÷ judged (%)", PERCENT),
        Column("national_pass_rate", "National certified rate (%)", PERCENT),
        Column("vs_national", "Difference from national (% points)", SIGNED_PERCENT),
        Column("region_words", "National figures for"),
    )


def _section_table(sheet: Tab, sections: pl.DataFrame, mock: bool) -> None:
    kind = "estimated from the mock, not JLPT scaled scores" if mock else "scaled scores"
    sheet.heading(f"Section scores of scored candidates ({kind})")
    sheet.note(
        "Floor: the least a section needs for a pass, whatever the total; for the total, the pass mark. "
        "SD: standard deviation."
    )
    labelled = sections.with_columns(pl.col("section").replace_strict(SECTION_LABELS, return_dtype=pl.String))
    sheet.table(labelled, _SECTION_COLUMNS, "Nobody was scored.")


_SECTION_COLUMNS = (
    Column("level", "Level"),
    Column("section", "Section"),
    Column("scored", "Scored"),
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


def _band_table(sheet: Tab, bands: pl.DataFrame) -> None:
    sheet.heading("Reference bands A/B/C (share of correct answers)")
    rules = load_rules()
    a_min, b_min = rules.band_a_percent, rules.band_b_percent
    sheet.note(
        f"A: {a_min}% or more correct; B: {b_min}% to under {a_min}%; C: under {b_min}%. "
        "A study aid only: bands never decide a pass."
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


def by_class_tab(book: Book, figures: CohortStats) -> None:
    sheet = Tab(book, "By class", [16, 8, 10, 10, 12, 10, 12, 10, 13, 15, 15])
    sheet.title(
        "Results by class and level",
        "Pass rate = passed ÷ scored. Compare a class with the whole cohort at the same level and with the nation.",
        f"National figures: {figures.national_label}, {region_words(figures.levels['region'])}.",
    )
    classes = figures.classes.with_columns(pl.col("class").fill_null(book.words.text("classes.none")))
    sheet.table(classes, _class_columns(book), "No row could be judged: see the Rejected sheet.")


def _class_columns(book: Book) -> tuple[Column, ...]:
    return (
        Column("class", "Class"),
        Column("level", "Level"),
        *count_columns(book, *_HEAD_COUNTS, Count.REJECTED),
        Column("pass_rate", "Pass rate (%)", PERCENT),
        Column("level_pass_rate", "Whole cohort at this level (%)", PERCENT),
        Column("national_pass_rate", "National certified rate (%)", PERCENT),
    )
