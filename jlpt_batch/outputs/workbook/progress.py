"""The Progress tab: each student against their previous exam in the history store, per class and level."""

from __future__ import annotations

import polars as pl

from jlpt_batch.admin_wording import AdminWords, column_label
from jlpt_batch.contract import CohortRun
from jlpt_batch.exams import MOCK
from jlpt_batch.history.progress import by_class, compared, fell_below
from jlpt_batch.outputs.workbook.labels import date_words, exam_words, section_words, stored_result_words
from jlpt_batch.outputs.workbook.xlsx import Book, BulkRows, Column, Tab
from jlpt_batch.rules import SECTION_KEYS

NOTES = ("note_previous", "note_levels", "note_counts")
# Who a row is about and which exam it is compared with (labels from the results.csv columns).
_IDENTITY = ("candidate_id", "student_id", "name", "previous_exam", "previous_exam_date", "previous_level", "class",
             "level")  # fmt: skip
_SCORES = tuple(f"{key}_{when}" for key in (*SECTION_KEYS, "total") for when in ("then", "now", "change"))
# The columns of the last table: who, the previous exam, then/now/change per section and total, results, input row.
# The tables above share them: their longer texts (names, an exam, a count's heading) fall in columns C to E.
WIDTHS = [13, 12, 22, 30, 17, 9, 8, 7, *[11] * len(_SCORES), 13, 13, 8]
# Printed at a fixed scale, like the Results tab: the last table runs over two pages' width, with the
# id and name columns repeated on each (fitting it to one page's width would make it too small to read).
PRINT_SCALE = 65


def progress_tab(book: Book, run: CohortRun) -> BulkRows | None:
    """The tab; its last table (one row per student with a previous exam) is written in bulk."""
    words = book.words
    earlier = run.earlier
    sheet = Tab(book, "progress", WIDTHS, fit=None, scale=PRINT_SCALE, title_columns="A:C")
    if earlier is None:
        sheet.title(words.text("progress_tab.title"), words.text("progress_tab.no_store"))
        return None
    # counted with the classes as they are (a student with no class is matched by the null), named for display
    both = compared(run.judged, earlier)
    below = fell_below(both)
    no_class = pl.col("class").fill_null(words.text("classes.none"))
    notes = (
        words.text("progress_tab.from_store", store=earlier.store),
        *(words.text(f"progress_tab.{n}") for n in NOTES),
    )
    sheet.title(words.text("progress_tab.title"), *notes)
    sheet.heading(words.text("progress_tab.by_class"))
    classes = by_class(run.judged, both, below).with_columns(no_class)
    sheet.table(classes, _class_columns(words), words.text("table.nobody_judged", tab=book.tab_name("rejected")))
    sheet.blank()
    sheet.heading(words.text("progress_tab.fell_below_heading"))
    sheet.table(below.with_columns(no_class, section_words(words, short=False)), _below_columns(words),
                words.text("progress_tab.nobody"))  # fmt: skip
    sheet.blank()
    sheet.heading(words.text("progress_tab.renamed_heading"))
    sheet.table(earlier.renamed.with_columns(exam_words(words, "stored_exam")), _renamed_columns(words),
                words.text("progress_tab.none"))  # fmt: skip
    sheet.blank()
    sheet.heading(words.text("progress_tab.students_heading"))
    return sheet.bulk_table(
        _student_table(both.with_columns(no_class), words, book.mock),
        _student_labels(words),
        words.text("progress_tab.no_earlier"),
    )


def _class_columns(words: AdminWords) -> tuple[Column, ...]:
    counts = ("judged", "with_previous", "other_level", "improved", "fell_back", "unchanged",
              "passed_after_not_passing", "fell_below_floor")  # fmt: skip
    return (
        Column("class", column_label(words.catalog, "class")),
        Column("level", column_label(words.catalog, "level")),
        *(Column(key, words.text(f"progress_tab.count_{key}")) for key in counts),
    )


def _below_columns(words: AdminWords) -> tuple[Column, ...]:
    who = ("candidate_id", "student_id", "name", "class", "level")
    return (
        *(Column(key, column_label(words.catalog, key)) for key in who),
        *(Column(key, words.text(f"progress_tab.below_{key}")) for key in ("section", "floor", "then", "now")),
    )


def _renamed_columns(words: AdminWords) -> tuple[Column, ...]:
    return (
        Column("source_row", words.text("progress_tab.input_row")),
        Column("student_id", column_label(words.catalog, "student_id")),
        Column("name", words.text("progress_tab.name_here")),
        Column("stored_name", words.text("progress_tab.name_stored")),
        Column("stored_exam", words.text("progress_tab.at_exam")),
    )


def _student_table(both: pl.DataFrame, words: AdminWords, mock: bool) -> pl.DataFrame:
    return both.select(
        *_IDENTITY,
        *_SCORES,
        stored_result_words(words, "result_then", "total_then", pl.col("previous_kind") == MOCK),
        stored_result_words(words, "result_now", "total_now", pl.lit(mock)),
        "source_row",
    ).with_columns(exam_words(words, "previous_exam"), date_words(words, "previous_exam_date"))


def _student_labels(words: AdminWords) -> list[str]:
    labels = [column_label(words.catalog, key) for key in _IDENTITY]
    for key in (*SECTION_KEYS, "total"):
        section = words.section_short(key)
        labels += [words.text(f"progress_tab.score_{when}", section=section) for when in ("then", "now", "change")]
    return [*labels, words.text("progress_tab.result_then"), words.text("progress_tab.result_now"),
            words.text("progress_tab.input_row")]  # fmt: skip
