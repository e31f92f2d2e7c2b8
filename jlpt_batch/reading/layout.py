"""What the layout of a file says beyond its cells: merged and grouped class cells, and damage
the program that saved it left behind. Each finding is acted on or noted here, in one place."""

from __future__ import annotations

import polars as pl

from jlpt_batch.messages import Message, counted, message
from jlpt_batch.reading.table import RawTable

ROWS_LISTED = 10  # runs of rows a note lists before saying how many more


def fill_merged_class(frame: pl.DataFrame, spans: list[tuple[int, int]]) -> pl.DataFrame:
    """Every row a vertically merged class cell spans shows the value of its top cell, as the
    spreadsheet does (a value hidden under the merge is not shown, so not used)."""
    if not spans:
        return frame
    merges = pl.DataFrame(spans, schema={"_top": pl.Int64, "_bottom": pl.Int64}, orient="row").sort("_top")
    tops = frame.select(pl.col("source_row").alias("_top"), pl.col("class").alias("_top_class"))
    merges = merges.join(tops, on="_top", how="left")
    placed = frame.select("source_row").join_asof(merges, left_on="source_row", right_on="_top", strategy="backward")
    within = placed.get_column("source_row") <= placed.get_column("_bottom")
    fill = pl.when(pl.lit(within.fill_null(False))).then(pl.lit(placed.get_column("_top_class")))
    return frame.with_columns(fill.otherwise(pl.col("class")).alias("class"))


def is_grouped(classes: pl.Series) -> bool:
    """A class written only on the first row of each group: the first row has one, at least two
    rows have none and they outnumber the rows that do, and no class is written twice running
    (a class column filled on every row repeats each class on the rows of its group)."""
    written = classes.drop_nulls()
    blanks = classes.null_count()
    if classes.len() < 3 or classes[0] is None or blanks < 2 or blanks < written.len():
        return False
    return not bool((written == written.shift(1)).any())


def fill_grouped_class(frame: pl.DataFrame, label: str) -> tuple[pl.DataFrame, Message | None]:
    """The class filled down a grouped class column, and a note saying which rows took it."""
    classes = frame.get_column("class")
    if not is_grouped(classes):
        return frame, None
    filled = frame.filter(pl.col("class").is_null()).get_column("source_row").to_list()
    frame = frame.with_columns(pl.col("class").forward_fill())
    note = message("notes.grouped_class", column=label, rows=counted("row", len(filled)), which=row_ranges(filled))
    return frame, note


def reading_notes(frame: pl.DataFrame, raw: RawTable, labels: dict[str, str]) -> list[Message]:
    """What the user should know about how the file was saved: characters lost to '?' in a
    Shift_JIS file, ids that may have lost their leading zeros."""
    notes = []
    if raw.encoding == "cp932":
        notes += _question_marks(frame, labels)
    if raw.kinds is None:  # a CSV: numbers were saved as the program showed them
        notes += _mixed_width_ids(frame, labels)
    return notes


def _question_marks(frame: pl.DataFrame, labels: dict[str, str]) -> list[Message]:
    keys = [key for key in ("name", "class") if key in labels]
    if not keys:
        return []
    damaged = frame.filter(pl.any_horizontal(pl.col(key).str.contains("?", literal=True) for key in keys))
    if damaged.height == 0:
        return []
    rows = damaged.get_column("source_row").to_list()
    columns: str | Message = labels[keys[0]]
    if len(keys) > 1:
        columns = message("list.or", first=labels[keys[0]], second=labels[keys[1]])
    return [message("notes.question_marks", rows=counted("row", len(rows)), columns=columns, which=row_ranges(rows))]


def _mixed_width_ids(frame: pl.DataFrame, labels: dict[str, str]) -> list[Message]:
    ids = frame.get_column("candidate_id").drop_nulls()
    widths = ids.str.len_bytes()  # the cheap test first: most files' ids are all one width
    if ids.len() < 2 or widths.min() == widths.max() or not ids.str.contains(r"^[0-9]+$").all():
        return []
    shortest = ids.filter(widths == widths.min())[0]
    longest = ids.filter(widths == widths.max())[0]
    return [message("notes.mixed_width_ids", column=labels["candidate_id"], shortest=shortest, longest=longest)]


def row_ranges(rows: list[int]) -> Message:
    """'rows 3-7, 9 and 12-15' (the first runs, then how many more), in the administrator's language."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    shown = tuple(
        message("notes.row_range", first=str(first), last=str(last)) if last > first else str(first)
        for first, last in runs[:ROWS_LISTED]
    )
    if len(runs) > ROWS_LISTED:
        return message("notes.rows_and_more", rows=shown, more=len(runs) - ROWS_LISTED)
    return message("notes.rows", rows=shown)
