"""The Progress tab: each student against their previous exam in the history store, per class and level."""

from __future__ import annotations

import polars as pl

from jlpt_batch.contract import PASS, CohortRun, Outcome
from jlpt_batch.history.progress import by_class, compared, fell_below
from jlpt_batch.outputs.workbook.labels import SECTION_LABELS
from jlpt_batch.outputs.workbook.xlsx import Book, BulkRows, Column, Tab
from jlpt_batch.rules import SECTION_KEYS

NOTES = (
    "Each student is compared with their previous exam: their latest exam before this one in the history store.",
    "Scores and totals are compared only when that exam was at the same level (each level has its own scale). "
    "A mock exam's scores are not on the JLPT's scale either, so the previous exam's kind is shown.",
    "Improved and fell back count students scored both times (a total went up or down).",
)


def progress_tab(book: Book, run: CohortRun) -> BulkRows | None:
    """The tab; its last table (one row per student with a previous exam) is written in bulk."""
    # the columns of the last table: who, the previous exam, then/now/change per section and total, results
    widths = [14, 12, 22, 9, 11, 28, 12, 10, *[9] * (3 * len(SECTION_KEYS) + 3), 13, 13, 8]
    sheet = Tab(book, "Progress", widths)
    earlier = run.earlier
    if earlier is None:
        sheet.title(
            "Progress since the previous exam",
            "No history store was used in this run, so there is nothing to compare with.",
        )
        return None
    both = compared(run.judged, earlier)
    below = fell_below(both)
    sheet.title("Progress since each student's previous exam", f"From the history store {earlier.store}.", *NOTES)
    sheet.heading("By class and level")
    no_class = book.words.text("classes.none")
    classes = by_class(run.judged, both, below).with_columns(pl.col("class").fill_null(no_class))
    sheet.table(classes, _CLASS_COLUMNS, "No row could be judged: see the Rejected sheet.")
    sheet.blank()
    sheet.heading("Fell below a floor they had cleared at their previous exam")
    sections = pl.col("section").replace_strict(SECTION_LABELS, return_dtype=pl.String)
    sheet.table(below.with_columns(sections, pl.col("class").fill_null(no_class)), _BELOW_COLUMNS, "Nobody.")
    sheet.blank()
    sheet.heading(
        "Names that differ from the history store (each row is recorded under its id: check it is the same student)"
    )
    sheet.table(earlier.renamed, _RENAMED_COLUMNS, "None.")
    sheet.blank()
    sheet.heading("Each student's change since their previous exam")
    table = _student_table(both.with_columns(pl.col("class").fill_null(no_class)), book)
    return sheet.bulk_table(table, _student_labels(), "Nobody in this file has an earlier exam in the history store.")


_CLASS_COLUMNS = (
    Column("class", "Class"),
    Column("level", "Level"),
    Column("judged", "Judged"),
    Column("with_previous", "With a previous exam"),
    Column("other_level", "Previous exam at another level"),
    Column("improved", "Improved (total up)"),
    Column("fell_back", "Fell back (total down)"),
    Column("unchanged", "Total unchanged"),
    Column("passed_after_not_passing", "Passed, after not passing the previous exam"),
    Column("fell_below_floor", "Fell below a floor they had cleared"),
)

_BELOW_COLUMNS = (
    Column("candidate_id", "Candidate ID"),
    Column("student_id", "Student ID"),
    Column("name", "Name"),
    Column("class", "Class"),
    Column("level", "Level"),
    Column("section", "Section"),
    Column("floor", "Floor"),
    Column("then", "Score at the previous exam"),
    Column("now", "Score now"),
)

_RENAMED_COLUMNS = (
    Column("source_row", "Input row"),
    Column("student_id", "Student ID"),
    Column("name", "Name in this file"),
    Column("stored_name", "Name in the history store"),
    Column("stored_exam", "At the exam"),
)

_IDENTITY = (("candidate_id", "Candidate ID"), ("student_id", "Student ID"), ("name", "Name"), ("class", "Class"),
             ("level", "Level"), ("previous_exam", "Previous exam"), ("previous_exam_date", "Previous exam date"),
             ("previous_level", "Previous level"))  # fmt: skip


def _student_table(both: pl.DataFrame, book: Book) -> pl.DataFrame:
    scores = [f"{key}_{when}" for key in (*SECTION_KEYS, "total") for when in ("then", "now", "change")]
    return both.select(
        *(key for key, _ in _IDENTITY),
        *scores,
        _outcome_words("then", book),
        _outcome_words("now", book),
        "source_row",
    ).with_columns(pl.col("previous_exam_date").dt.to_string("%Y-%m-%d"))


def _outcome_words(when: str, book: Book) -> pl.Expr:
    """Passed, not passed or not scored (no total), in the words every tab uses."""
    words = {outcome: book.words.text(outcome.label_key) for outcome in Outcome}
    return (
        pl.when(pl.col(f"result_{when}") == PASS)
        .then(pl.lit(words[Outcome.PASSED]))
        .when(pl.col(f"total_{when}").is_null())
        .then(pl.lit(words[Outcome.NOT_SCORED]))
        .otherwise(pl.lit(words[Outcome.NOT_PASSED]))
        .alias(f"result_{when}")
    )


def _student_labels() -> list[str]:
    labels = [label for _, label in _IDENTITY]
    for key in (*SECTION_KEYS, "total"):
        name = SECTION_LABELS[key]
        labels += [f"{name}: previous", f"{name}: now", f"{name}: change"]
    return [*labels, "Result at the previous exam", "Result now", "Input row"]
