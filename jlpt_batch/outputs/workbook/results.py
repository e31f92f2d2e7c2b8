"""The Results tab: every row of results.csv, for filtering on screen."""

from __future__ import annotations

import polars as pl

from jlpt_batch.admin_wording import column_label
from jlpt_batch.contract import COLUMN_KEYS
from jlpt_batch.exams import MOCK
from jlpt_batch.outputs.workbook.xlsx import (
    NOTE_FONT,
    RESULT_FILLS,
    TITLE_FONT,
    Book,
    BulkRows,
    Tab,
    new_cell,
)


def results_tab(book: Book, judged: pl.DataFrame) -> BulkRows | None:
    frame = _results_frame(judged)
    mock = judged.height > 0 and judged["exam_kind"][0] == MOCK
    labels = [column_label(book.words, key, mock=mock) for key in frame.columns]
    # the heading row and the id and name columns stay in view while scrolling
    sheet = Tab(book, "Results", _results_widths(frame, labels), fit_width=False, freeze="C4")
    sheet.ws.print_title_rows = "3:3"
    sheet.append([new_cell(sheet.ws, "Results: every row of results.csv", font=TITLE_FONT)])
    legend = {result: new_cell(sheet.ws, result, fill=fill) for result, fill in RESULT_FILLS.items()}
    note = (
        "<- the colours of the Result column. Scores are scaled scores; a blank score means "
        "absent, or not a section of that level."
    )
    sheet.append([*legend.values(), new_cell(sheet.ws, note, font=NOTE_FONT)])
    fills = {"result": {result: cell.style_id for result, cell in legend.items()}}
    return sheet.bulk_table(frame, labels, "none: the input had no rows.", fills)


def _results_frame(judged: pl.DataFrame) -> pl.DataFrame:
    """The contract's columns in results.csv's order; yes/no for true/false."""
    words = pl.col(pl.Boolean).replace_strict({True: "yes", False: "no"}, return_dtype=pl.String)
    return judged.select(COLUMN_KEYS).with_columns(words)


def _results_widths(frame: pl.DataFrame, labels: list[str]) -> list[float]:
    """Each column as wide as its longest value (or a word of its heading), within 6 to 50."""
    longest = frame.select(pl.col(c).cast(pl.String).str.len_chars().max() for c in frame.columns).row(0)
    widths = []
    for label, value_length in zip(labels, longest, strict=True):
        word = max(len(part) for part in label.split())
        widths.append(min(max(value_length or 0, word, 6) + 2, 50))
    return widths
