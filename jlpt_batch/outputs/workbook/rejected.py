"""The Rejected tab: every problem found, with what to fix in the input file."""

from __future__ import annotations

import polars as pl

from jlpt_batch.outputs.workbook.xlsx import (
    Book,
    BulkRows,
    Tab,
)

WIDTHS = [10, 14, 26, 16, 80]


def rejected_tab(book: Book, rejections: pl.DataFrame) -> BulkRows | None:
    words = book.words
    sheet = Tab(book, "rejected", WIDTHS, freeze="A5")
    sheet.title(words.text("rejected.title"), words.text("rejected.note"))
    labels = [words.text(f"rejected.{key}") for key in ("row", "candidate", "column", "value", "reason")]
    frame = rejections.select("source_row", "candidate_id", "column", "value", "reason")
    return sheet.bulk_table(frame, labels, words.text("rejected.none"))
