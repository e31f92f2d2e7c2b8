"""The By level and By class tabs: pass rates, sections, floors, bands and CEFR, against the national figures."""

from __future__ import annotations

import polars as pl
from openpyxl import Workbook

from jlpt_batch.outputs.workbook.labels import NO_CLASS, SECTION_LABELS, region_words, with_region_words
from jlpt_batch.outputs.workbook.xlsx import (
    ONE_DECIMAL,
    PERCENT,
    SIGNED_DECIMAL,
    SIGNED_PERCENT,
    Column,
    Tab,
)
from jlpt_batch.stats import CohortStats


def by_level_tab(book: Workbook, figures: CohortStats, paper: str) -> None:
    sheet = Tab(book, "By level", [8, 22, 11, 11, 11, 11, 14, 11, 12, 12, 12, 16, 30], paper)
    sheet.title(
        "Results by level, against the national figures",
        f"National figures: {figures.national_label}, {region_words(figures.levels['region'])}.",
    )
    sheet.heading("Pass rates")
    sheet.note(
        "Scored = sat every section; absent = missed a section, so not scored (a fail). "
        "The national rate counts absent examinees too, so it is compared with passed ÷ candidates."
    )
    sheet.table(
        with_region_words(figures.levels), _PASS_RATE_COLUMNS, "No row could be judged: see the Rejected sheet."
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


def _section_table(sheet: Tab, sections: pl.DataFrame) -> None:
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


def _band_table(sheet: Tab, bands: pl.DataFrame) -> None:
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


def by_class_tab(book: Workbook, figures: CohortStats, paper: str) -> None:
    sheet = Tab(book, "By class", [16, 8, 12, 12, 10, 10, 10, 10, 13, 15, 15], paper)
    sheet.title(
        "Results by class and level",
        "Pass rate = passed ÷ scored. Compare a class with the whole cohort at the same level and with the nation.",
        f"National figures: {figures.national_label}, {region_words(figures.levels['region'])}.",
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
