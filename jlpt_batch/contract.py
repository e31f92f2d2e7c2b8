"""The judged cohort as it flows from the judge to every writer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

# results.csv starts with exactly these columns, in this order (more may follow).
RESULT_COLUMNS = (
    "candidate_id", "name", "class", "level", "source_row",
    "language_knowledge", "reading", "language_knowledge_reading", "listening", "total",
    "result", "failed_sections", "absent_sections", "points_short", "cefr",
    "vocabulary_band", "grammar_band", "reading_band", "error",
)  # fmt: skip

# Every column of the judged frame and its type (docs/architecture.md explains each).
JUDGED_SCHEMA = {
    "candidate_id": pl.String, "name": pl.String, "class": pl.String, "level": pl.String,
    "source_row": pl.Int64, "language_knowledge": pl.Int64, "reading": pl.Int64,
    "language_knowledge_reading": pl.Int64, "listening": pl.Int64, "total": pl.Int64,
    "result": pl.String, "failed_sections": pl.String, "absent_sections": pl.String,
    "points_short": pl.Int64, "cefr": pl.String, "vocabulary_band": pl.String,
    "grammar_band": pl.String, "reading_band": pl.String, "error": pl.String,
    "region": pl.String, "language": pl.String, "scored": pl.Boolean,
    "vocabulary_correct": pl.Int64, "vocabulary_questions": pl.Int64,
    "grammar_correct": pl.Int64, "grammar_questions": pl.Int64,
    "reading_correct": pl.Int64, "reading_questions": pl.Int64,
}  # fmt: skip

PASS, FAIL, REJECTED = "PASS", "FAIL", "REJECTED"


@dataclass(frozen=True)
class SourceInfo:
    """Where the rows came from, for the summary and the workbook's Overview."""

    path: Path
    sha256: str
    sheet: str | None  # the sheet read, for a workbook
    encoding: str | None  # the encoding read, for a CSV
    header_row: int  # 1-based spreadsheet row of the header
    rows_read: int  # non-empty data rows below the header
    rows_skipped_empty: int  # entirely empty rows, skipped and counted


@dataclass(frozen=True)
class CohortRun:
    """A judged cohort: one row per non-empty input row, in input order.

    ``judged`` has the RESULT_COLUMNS first (see docs/architecture.md for types),
    then ``region``, ``language``, ``scored`` and the raw band counts.
    ``rejections`` has one row per problem found: source_row, candidate_id,
    column, value, reason.
    """

    judged: pl.DataFrame
    rejections: pl.DataFrame
    source: SourceInfo

    # Counted with a sum rather than a filter, which would copy every column.
    def count(self, result: str) -> int:
        return int(self.judged.select((pl.col("result") == result).sum()).item())

    @property
    def not_scored(self) -> int:
        """Judged rows with an absent section: a fail that was never scored."""
        return int(self.judged.select(((pl.col("result") == FAIL) & ~pl.col("scored")).sum()).item())
