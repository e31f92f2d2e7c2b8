"""``jlpt-batch history --export``: students' whole history in a workbook, one row per student and exam,
and their totals side by side, one column per exam."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from openpyxl import Workbook

from jlpt_batch.admin_wording import admin_wording, column_label
from jlpt_batch.outputs.workbook.labels import SECTION_LABELS
from jlpt_batch.outputs.workbook.xlsx import Book, BulkRows, Column, Tab, printable, save
from jlpt_batch.rules import SECTION_KEYS

_IDENTITY = ("student_id", "candidate_id", "name", "class")


def write_history_workbook(records: pl.DataFrame, path: Path, what: str) -> None:
    """Write ``records`` (``HistoryStore.records``) to ``path``: a Totals tab and a Records tab."""
    records = printable(records.with_columns(pl.col("exam_date").dt.to_string("%Y-%m-%d")))
    book = Book(Workbook(write_only=True), "a4", admin_wording().catalog("en"))
    _totals_tab(book, records, what)
    bulk = _records_tab(book, records, what)
    save(book.workbook, path, dt.date.today(), [bulk] if bulk is not None else [])


def _totals_tab(book: Book, records: pl.DataFrame, what: str) -> None:
    """One row per student, one column per exam (oldest first): the total, or the result when not scored."""
    exam = pl.concat_str([pl.col("exam_date"), pl.col("exam_kind"), pl.col("exam_name")], separator=" ")
    shown = pl.col("total").cast(pl.String).fill_null(pl.lit("not scored"))
    cells = records.with_columns(exam.str.strip_chars().alias("exam"), (pl.col("level") + " " + shown).alias("cell"))
    order = cells.select("exam").unique(maintain_order=True).sort("exam")["exam"].to_list()
    latest = records.group_by("student_id", maintain_order=True).last().select(*_IDENTITY)
    wide = cells.pivot("exam", index="student_id", values="cell", aggregate_function="first")
    table = latest.join(wide, on="student_id", how="left").select(*_IDENTITY, *order)
    sheet = Tab(book, "Totals", [12, 12, 24, 8, *[22] * len(order)], freeze="C5")
    sheet.title(
        f"Totals at each exam: {what}", "Each cell is the level sat and the total; the name and class are the latest."
    )
    columns = [Column(key, _label(book, key)) for key in _IDENTITY] + [Column(name, name) for name in order]
    sheet.table(table, columns, "no records")


def _records_tab(book: Book, records: pl.DataFrame, what: str) -> BulkRows | None:
    keys = (*_IDENTITY, "exam_kind", "exam_date", "exam_name", "level", *SECTION_KEYS, "total", "result")
    sheet = Tab(book, "Records", [12, 12, 24, 8, 10, 11, 16, 7, *[13] * len(SECTION_KEYS), 8, 8], freeze="C4")
    sheet.ws.print_title_rows = "3:3"  # the heading row on every printed page
    sheet.title(f"Every record: {what}")
    return sheet.bulk_table(records.select(keys), [_label(book, key) for key in keys], "no records")


_LABELS = {"exam_kind": "Sitting or mock", "exam_date": "Exam date", "exam_name": "Exam name", **SECTION_LABELS}


def _label(book: Book, key: str) -> str:
    return _LABELS.get(key) or column_label(book.words, key)
