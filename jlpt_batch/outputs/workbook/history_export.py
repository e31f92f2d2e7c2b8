"""``jlpt-batch history --export``: students' whole history in a workbook, one row per student and exam,
and their totals side by side, one column per exam; in the administrator's language, set up to print."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from openpyxl import Workbook

from jlpt_batch.admin_wording import AdminWords, column_label
from jlpt_batch.contract import Outcome
from jlpt_batch.exams import MOCK
from jlpt_batch.history.store import ExamKey
from jlpt_batch.outputs.workbook.labels import date_words, stored_result_words
from jlpt_batch.outputs.workbook.xlsx import Book, BulkRows, Column, Printing, Tab, footer_text, printable, save
from jlpt_batch.rules import SECTION_KEYS

_IDENTITY = ("student_id", "candidate_id", "name", "class")
HEADING_ROW = 3


def write_history_workbook(records: pl.DataFrame, path: Path, what: str, words: AdminWords) -> None:
    """Write ``records`` (``HistoryStore.records``) to ``path``: a Totals tab and a Records tab.

    ``what``: whose history it is and from which store, for the titles and the page footer.
    """
    today = dt.date.today()
    right = words.text("workbook.footer_right", date=words.date(today), page="\0P", pages="\0N")
    printing = Printing("a4", footer_text(what), footer_text(right).replace("\0", "&"))
    book = Book(Workbook(write_only=True), words, printing)
    records = printable(records)
    _totals_tab(book, records, what)
    bulk = _records_tab(book, records, what)
    save(book.workbook, path, today, [bulk] if bulk is not None else [], what)


def _totals_tab(book: Book, records: pl.DataFrame, what: str) -> None:
    """One row per student, one column per exam (oldest first): the level and total, or not scored."""
    words = book.words
    exams = records.select("exam_date", "exam_kind", "exam_name").unique().sort("exam_date", "exam_kind", "exam_name")
    headings = {(day, kind, name): _exam_heading(words, day, kind, name) for day, kind, name in exams.iter_rows()}
    exam = pl.concat_str([pl.col("exam_date").cast(pl.String), "exam_kind", "exam_name"], separator="|")
    keys = {"|".join((day.isoformat(), kind, name)): heading for (day, kind, name), heading in headings.items()}
    shown = pl.col("total").cast(pl.String).fill_null(pl.lit(words.outcome(Outcome.NOT_SCORED)))
    cells = records.with_columns(
        exam.replace_strict(keys, return_dtype=pl.String).alias("exam"), (pl.col("level") + " " + shown).alias("cell")
    )
    order = list(headings.values())
    latest = records.group_by("student_id", maintain_order=True).last().select(*_IDENTITY)
    wide = cells.pivot("exam", index="student_id", values="cell", aggregate_function="first")
    table = latest.join(wide, on="student_id", how="left").select(*_IDENTITY, *order)
    notes = (words.text("history_export.totals_note"),)
    sheet = Tab(book, "history_totals", [12, 12, 24, 8, *[18] * len(order)], freeze=f"C{len(notes) + 4}",
                title_columns="A:C")  # fmt: skip
    sheet.title(words.text("history_export.totals_title", what=what), *notes)
    sheet.ws.print_title_rows = f"{len(notes) + 3}:{len(notes) + 3}"  # the heading row on every printed page
    columns = [Column(key, _label(words, key)) for key in _IDENTITY] + [Column(name, name) for name in order]
    sheet.table(table, columns, words.text("history_export.none"))


def _exam_heading(words: AdminWords, day: dt.date, kind: str, name: str) -> str:
    """An exam as a column heading: 'JLPT July 2026', 'mock exam of 10 May 2026'."""
    return words.exam(ExamKey(day, kind, name).exam())


def _records_tab(book: Book, records: pl.DataFrame, what: str) -> BulkRows | None:
    words = book.words
    keys = (*_IDENTITY, "exam_kind", "exam_date", "exam_name", "level", *SECTION_KEYS, "total", "result")
    sheet = Tab(book, "history_records", [12, 12, 24, 8, 12, 16, 16, 7, *[11] * len(SECTION_KEYS), 9, 12],
                freeze=f"C{HEADING_ROW + 1}", title_columns="A:C")  # fmt: skip
    sheet.title(words.text("history_export.records_title", what=what))
    frame = records.select(keys).with_columns(
        pl.col("exam_kind").replace_strict({k: words.text(f"exam_kinds.{k}") for k in ("sitting", "mock")},
                                           default=pl.col("exam_kind"), return_dtype=pl.String),
        date_words(words, "exam_date"),
        stored_result_words(words, "result", "total", pl.col("exam_kind") == MOCK),
    )  # fmt: skip
    return sheet.bulk_table(frame, [_label(words, key) for key in keys], words.text("history_export.none"))


def _label(words: AdminWords, key: str) -> str:
    if key in (*SECTION_KEYS, "total"):
        return words.section_short(key)
    if key.startswith("exam_"):
        return words.text(f"history_export.heading_{key}")
    return column_label(words.catalog, key)
