"""The Near misses tab: who came close, closest first, as a retake priority list."""

from __future__ import annotations

import polars as pl

from jlpt_batch.admin_wording import AdminWords, column_label
from jlpt_batch.outputs.workbook.xlsx import (
    Book,
    BulkRows,
    Column,
    Tab,
)
from jlpt_batch.rules import SECTION_KEYS
from jlpt_batch.stats import NEAR_MISS_FLOOR_POINTS, NEAR_MISS_TOTAL_POINTS, CohortStats

WIDTHS = [8, 13, 26, 10, 7, 8, 8, 12, 10, 11, 12, 60, 8]


def near_misses_tab(book: Book, figures: CohortStats) -> BulkRows | None:
    words = book.words
    notes = (
        words.text("near_misses.who", total_points=NEAR_MISS_TOTAL_POINTS, floor_points=NEAR_MISS_FLOOR_POINTS),
        words.text("near_misses.order"),
    )
    heading_row = len(notes) + 3  # below the title, the notes and a blank row
    sheet = Tab(book, "near_misses", WIDTHS, freeze=f"A{heading_row + 1}")
    sheet.title(words.text("near_misses.title"), *notes)
    ranked = figures.near_misses.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"),
        pl.col("class").fill_null(words.text("classes.none")),
        _missed_words(words).alias("missed"),
    )
    columns = _near_miss_columns(words)
    frame = ranked.select(column.key for column in columns)
    return sheet.bulk_table(frame, [column.label for column in columns], words.text("near_misses.none"))


def _missed_words(words: AdminWords) -> pl.Expr:
    """What a candidate missed by, in words: 'total 4 short of 95; Listening 2 below floor 19'."""
    short_total = words.catalog.expr(
        "near_misses.total_short", points=_points(words, "points_short"), pass_mark=pl.col("pass_mark")
    )
    parts = [pl.when(pl.col("points_short") > 0).then(short_total)]
    for key in SECTION_KEYS:
        short = pl.col(f"{key}_short")
        below = words.catalog.expr(
            "near_misses.below_floor",
            section=words.section_short(key),
            points=_points(words, f"{key}_short"),
            floor=pl.col(f"{key}_floor"),
        )
        parts.append(pl.when(short > 0).then(below))
    return pl.concat_str(parts, separator=words.text("near_misses.separator"), ignore_nulls=True)


def _points(words: AdminWords, column: str) -> pl.Expr:
    """A number of points with its unit, as the language words it: '1 point', '4 points', '4点'."""
    one = words.catalog.expr("units.point_one", count=pl.col(column))
    other = words.catalog.expr("units.point_other", count=pl.col(column))
    return pl.when(pl.col(column) == 1).then(one).otherwise(other)


def _near_miss_columns(words: AdminWords) -> tuple[Column, ...]:
    text = words.text
    return (
        Column("rank", text("near_misses.priority")),
        Column("candidate_id", text("columns.candidate_id")),
        Column("name", text("columns.name")),
        Column("class", text("columns.class")),
        Column("level", text("columns.level")),
        Column("total", text("near_misses.total")),
        Column("pass_mark", text("near_misses.pass_mark")),
        Column("points_short", column_label(words.catalog, "points_short")),
        Column("floors_missed", text("near_misses.floors_missed")),
        Column("floor_shortfall", text("near_misses.floor_shortfall")),
        Column("points_needed", text("near_misses.points_needed")),
        Column("missed", text("near_misses.missed")),
        Column("source_row", text("columns.source_row")),
    )
