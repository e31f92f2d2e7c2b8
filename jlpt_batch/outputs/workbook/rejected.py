"""The Rejected tab: every problem found, with what to fix in the input file."""

from __future__ import annotations

import polars as pl

from jlpt_batch.outputs.workbook.xlsx import (
    Book,
    BulkRows,
    Tab,
)


def rejected_tab(book: Book, rejections: pl.DataFrame) -> BulkRows | None:
    sheet = Tab(book, "Rejected", [10, 14, 26, 16, 100], freeze="A5")
    sheet.title(
        "Rejected rows: what to fix in the input file",
        "These rows could not be judged. Correct them in the input file and run again; results.csv lists them too.",
    )
    labels = ["Input row", "Candidate ID", "Column", "Value", "Reason"]
    frame = rejections.select("source_row", "candidate_id", "column", "value", "reason")
    return sheet.bulk_table(frame, labels, "none: every row was accepted.")
