"""The Near misses tab: who came close, closest first, as a retake priority list."""

from __future__ import annotations

import polars as pl

from jlpt_batch.outputs.workbook.xlsx import (
    Book,
    BulkRows,
    Column,
    Tab,
)
from jlpt_batch.stats import NEAR_MISS_FLOOR_POINTS, NEAR_MISS_TOTAL_POINTS, CohortStats

NEAR_MISS_NOTES = (
    f"Candidates who sat every section but did not pass, with a total at most {NEAR_MISS_TOTAL_POINTS} points "
    f"under the pass mark, or exactly one section floor missed by {NEAR_MISS_FLOOR_POINTS} points or fewer.",
    "Closest first: 'points needed' is the fewest extra points that would have passed "
    "(the total's shortfall or the floors' shortfall, whichever is larger).",
)


def near_misses_tab(book: Book, figures: CohortStats) -> BulkRows | None:
    widths = [8, 13, 26, 10, 7, 8, 8, 12, 10, 11, 12, 60, 8]
    heading_row = len(NEAR_MISS_NOTES) + 3  # below the title, the notes and a blank row
    sheet = Tab(book, "Near misses", widths, freeze=f"A{heading_row + 1}")
    sheet.title("Near misses: who to prioritise for a retake", *NEAR_MISS_NOTES)
    ranked = figures.near_misses.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("rank"),
        pl.col("class").fill_null(book.words.text("classes.none")),
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
