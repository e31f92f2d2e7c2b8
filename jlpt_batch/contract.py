"""The judged cohort's declared contract: every column once, the outcome vocabulary, the words for counts.

Every stage and writer derives from here: validation produces the columns read from
the file, the judge the judgement columns, and results.csv, the workbook and the
tests take their column order, types and labels from ``COLUMNS``. A column added to
the cohort is added here, once.

Words, one per meaning (the terminal, the workbook, results.csv and the sheets use them alike):

- *read*: a non-empty row below the header;
- *rejected*: a row read with a problem; it is kept, with its reasons, and not judged;
- *judged*: a row read and not rejected: it either passed or did not;
- *scored*: a judged row that sat every section, so its total counts;
- *not scored*: a judged row absent from a section: a fail with no total;
- *passed* / *not passed*: the judgement of a judged row (not passed includes not scored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from jlpt_batch.messages import Message
from jlpt_batch.rules import BAND_PARTS, PARTS, SECTION_KEYS

if TYPE_CHECKING:
    from jlpt_batch.marking.analysis import MockAnalysis

# The result codes results.csv carries (stable English, for machines).
PASS, FAIL, REJECTED = "PASS", "FAIL", "REJECTED"

# The class key of rows whose class is empty: a bundle's file name, a row of a table.
NO_CLASS = "no-class"


class Role(StrEnum):
    """What a column is for."""

    INPUT = "input"  # read from the file, typed by validation
    JUDGEMENT = "judgement"  # decided by the judge
    AUDIT = "audit"  # where the row came from, and why it was rejected
    HISTORY = "history"  # from the student's earlier exams in the history store
    MARKING = "marking"  # worked out from the answers of a mock marked against its key; empty otherwise


class _Keep(Enum):
    """A rejected row keeps the value it was read with."""

    KEEP = "keep"


KEEP = _Keep.KEEP


@dataclass(frozen=True)
class Column:
    """One column of the judged cohort, of results.csv and of the workbook's Results tab."""

    key: str
    dtype: pl.DataType
    role: Role
    read: bool = False  # validation provides it from the file (the judge may then replace it)
    on_rejected: object = KEEP  # what a rejected row shows here: KEEP, or this value

    @property
    def label_key(self) -> str:
        """The entry of the administrator's wording that names this column."""
        return f"columns.{self.key}"


def _band_columns() -> tuple[Column, ...]:
    # A band letter may be given in the file; the judge shows it, or works it out from counts.
    return tuple(
        Column(f"{part}_band", pl.String(), Role.JUDGEMENT, read=True, on_rejected=None) for part in BAND_PARTS
    )


def _count_columns() -> tuple[Column, ...]:
    # Banded parts' counts may be given in the file; Listening's come only from marking a mock.
    return tuple(
        Column(f"{part}_{kind}", pl.Int64(), Role.INPUT, read=True)
        if part in BAND_PARTS
        else Column(f"{part}_{kind}", pl.Int64(), Role.MARKING, on_rejected=None)
        for part in PARTS
        for kind in ("correct", "questions")
    )


def _history_columns() -> tuple[Column, ...]:
    # The latest earlier exam of the student in the history store; empty when there is none.
    # change_total is set only when that exam was at the same level (other levels' totals
    # do not compare).
    return tuple(
        Column(key, dtype, Role.HISTORY, on_rejected=None)
        for key, dtype in (
            ("previous_exam", pl.String()),  # e.g. "sitting 2026-07", "mock 2026-05-10 Spring practice"
            ("previous_exam_date", pl.Date()),
            ("previous_level", pl.String()),
            ("previous_total", pl.Int64()),
            ("change_total", pl.Int64()),
        )
    )


HISTORY_COLUMNS: tuple[str, ...] = tuple(column.key for column in _history_columns())


# Every column of the judged cohort, in results.csv's order.
COLUMNS: tuple[Column, ...] = (
    Column("candidate_id", pl.String(), Role.INPUT, read=True),
    Column("name", pl.String(), Role.INPUT, read=True),
    Column("name_latin", pl.String(), Role.INPUT, read=True),  # the name in Latin letters, printed beside it
    Column("class", pl.String(), Role.INPUT, read=True),
    Column("level", pl.String(), Role.INPUT, read=True),
    Column("source_row", pl.Int64(), Role.AUDIT, read=True),
    *(Column(key, pl.Int64(), Role.INPUT, read=True) for key in SECTION_KEYS),
    Column("total", pl.Int64(), Role.JUDGEMENT, on_rejected=None),
    Column("result", pl.String(), Role.JUDGEMENT, on_rejected=REJECTED),
    Column("failed_sections", pl.String(), Role.JUDGEMENT, on_rejected=""),
    Column("absent_sections", pl.String(), Role.JUDGEMENT, on_rejected=""),
    Column("points_short", pl.Int64(), Role.JUDGEMENT, on_rejected=None),
    Column("cefr", pl.String(), Role.JUDGEMENT, on_rejected=None),
    *_band_columns(),
    Column("error", pl.String(), Role.AUDIT),
    *_count_columns(),
    Column("double_marks", pl.Int64(), Role.MARKING, on_rejected=None),
    Column("region", pl.String(), Role.INPUT, read=True),
    Column("language", pl.String(), Role.INPUT, read=True),
    Column("scored", pl.Boolean(), Role.JUDGEMENT, on_rejected=False),
    Column("exam_kind", pl.String(), Role.AUDIT),
    # The school's own number for the student, which the history store matches on (the
    # JLPT's candidate number changes every sitting); the candidate id when the file has none.
    Column("student_id", pl.String(), Role.INPUT, read=True),
    *_history_columns(),
)

COLUMN_KEYS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
SCHEMA: dict[str, pl.DataType] = {column.key: column.dtype for column in COLUMNS}
READ_COLUMNS: tuple[str, ...] = tuple(column.key for column in COLUMNS if column.read)
MARKING_COLUMNS: tuple[str, ...] = tuple(column.key for column in COLUMNS if column.role is Role.MARKING)
JUDGEMENT_COLUMNS: tuple[str, ...] = tuple(column.key for column in COLUMNS if column.role is Role.JUDGEMENT)
# Columns whose text the judge writes from its own vocabulary (PASS, section keys, A/B/C,
# CEFR levels): none can start like a spreadsheet formula. The error text is not among
# them: it is worded from editable templates and quotes the file's values.
OWN_WORDS: frozenset[str] = frozenset({*JUDGEMENT_COLUMNS, "exam_kind"})


def column(key: str) -> Column:
    """The declared column of that key."""
    return next(c for c in COLUMNS if c.key == key)


class Outcome(StrEnum):
    """What happened to one row read, in the words every output uses."""

    PASSED = "passed"
    NOT_PASSED = "not_passed"  # scored, and below the pass mark or a floor
    NOT_SCORED = "not_scored"  # absent from a section: not passed, and no total
    REJECTED = "rejected"

    @property
    def label_key(self) -> str:
        return f"outcomes.{self.value}"


def outcome_of(row: Mapping[str, object]) -> Outcome:
    """The outcome of one judged-frame row (a dict of its columns)."""
    if row["result"] == PASS:
        return Outcome.PASSED
    if row["result"] == REJECTED:
        return Outcome.REJECTED
    return Outcome.NOT_PASSED if row.get("scored") else Outcome.NOT_SCORED


def outcome_expr() -> pl.Expr:
    """The outcome of every row of the judged frame, as text (the Outcome values)."""
    result, scored = pl.col("result"), pl.col("scored").fill_null(False)
    return (
        pl.when(result == PASS)
        .then(pl.lit(Outcome.PASSED.value))
        .when(result == REJECTED)
        .then(pl.lit(Outcome.REJECTED.value))
        .when(scored)
        .then(pl.lit(Outcome.NOT_PASSED.value))
        .otherwise(pl.lit(Outcome.NOT_SCORED.value))
    )


class Count(StrEnum):
    """The counts a run reports, named as the module docstring defines them."""

    READ = "read"
    REJECTED = "rejected"
    JUDGED = "judged"
    SCORED = "scored"
    NOT_SCORED = "not_scored"
    PASSED = "passed"
    NOT_PASSED = "not_passed"

    @property
    def label_key(self) -> str:
        return f"counts.{self.value}"


def count_exprs() -> dict[Count, pl.Expr]:
    """Each count as an aggregation over the judged frame (or over a group of it)."""
    result, scored = pl.col("result"), pl.col("scored").fill_null(False)
    judged = result != REJECTED
    tests = {
        Count.REJECTED: result == REJECTED,
        Count.JUDGED: judged,
        Count.SCORED: judged & scored,
        Count.NOT_SCORED: judged & ~scored,
        Count.PASSED: result == PASS,
        Count.NOT_PASSED: result == FAIL,
    }
    sums = {count: test.sum().cast(pl.Int64).alias(count.value) for count, test in tests.items()}
    return {Count.READ: pl.len().cast(pl.Int64).alias(Count.READ.value), **sums}


@dataclass(frozen=True)
class SourceInfo:
    """Where the rows came from, for the summary and the workbook's Overview."""

    path: Path
    sha256: str
    sheet: str | None  # the worksheet read, for a workbook
    encoding: str | None  # the encoding read, for a CSV
    header_row: int  # 1-based spreadsheet row of the header
    rows_read: int  # non-empty data rows below the header
    rows_skipped_empty: int  # entirely empty rows, skipped and counted
    notes: tuple[Message, ...] = ()  # what the reader noticed about the file and the user should know


# A judged row's earlier exams, as the history store gives them (``EarlierExams.exams``):
# one row per (row, earlier exam), the latest first (rank 1).
EARLIER_SCHEMA = pl.Schema(
    {
        "source_row": pl.Int64(),  # the judged row whose student sat it
        "rank": pl.Int64(),  # 1 for the latest exam before this one
        # these rows are every earlier exam of the student (null: not looked up, only the previous exam was)
        "all_earlier": pl.Boolean(),
        "exam": pl.String(),  # the exam as results.csv's previous_exam names it
        "exam_kind": pl.String(),  # sitting or mock
        "exam_date": pl.Date(),
        "exam_name": pl.String(),  # a mock's name, "" when it has none
        "level": pl.String(),
        **{key: pl.Int64() for key in SECTION_KEYS},
        "total": pl.Int64(),  # null when not scored
        "result": pl.String(),  # PASS or FAIL
    }
)

# Rows whose name differs from the one their student id had at the previous exam in the store.
RENAMED_SCHEMA = pl.Schema(
    {
        "source_row": pl.Int64(),
        "student_id": pl.String(),
        "name": pl.String(),
        "stored_name": pl.String(),
        "stored_exam": pl.String(),
    }
)


@dataclass(frozen=True)
class EarlierExams:
    """What the history store holds about a cohort's students, read before any output is written."""

    store: Path
    exams: pl.DataFrame  # EARLIER_SCHEMA: each judged row's latest earlier exams (a few, not all)
    renamed: pl.DataFrame  # RENAMED_SCHEMA


@dataclass(frozen=True)
class CohortRun:
    """A judged cohort: one row per row read, in input order, with exactly the ``COLUMNS``.

    ``rejections`` has one row per problem found: source_row, candidate_id, column,
    value, reason. ``analysis`` is the item analysis of a mock exam marked against its
    answer key (None for any other run). ``earlier`` is what a history store holds about the
    students (None when no store is used); the judged frame's history columns are filled from it.
    """

    judged: pl.DataFrame
    rejections: pl.DataFrame
    source: SourceInfo
    analysis: MockAnalysis | None = None
    earlier: EarlierExams | None = None

    def counts(self) -> dict[Count, int]:
        """Every count of the cohort (sums, not filters: a filter would copy every column)."""
        row = self.judged.select(count_exprs().values()).row(0, named=True)
        return {count: int(row[count.value]) for count in Count}

    def count(self, count: Count) -> int:
        return self.counts()[count]
