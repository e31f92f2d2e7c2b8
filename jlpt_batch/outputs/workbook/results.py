"""The Results tab: every row of results.csv, for filtering on screen."""

from __future__ import annotations

import polars as pl
from openpyxl import Workbook

from jlpt_batch.contract import RESULT_COLUMNS
from jlpt_batch.outputs.workbook.xlsx import (
    NOTE_FONT,
    RESULT_FILLS,
    TITLE_FONT,
    BulkRows,
    Tab,
    new_cell,
)

RESULT_LABELS = {
    "candidate_id": "Candidate ID",
    "name": "Name",
    "class": "Class",
    "level": "Level",
    "source_row": "Input row",
    "language_knowledge": "Language Knowledge (Vocabulary/Grammar), 0-60",
    "reading": "Reading, 0-60",
    "language_knowledge_reading": "Language Knowledge and Reading, 0-120",
    "listening": "Listening, 0-60",
    "total": "Total, 0-180",
    "result": "Result",
    "failed_sections": "Below the floor in",
    "absent_sections": "Absent from",
    "points_short": "Points short of the pass mark",
    "cefr": "CEFR (if passed)",
    "vocabulary_band": "Vocabulary band",
    "grammar_band": "Grammar band",
    "reading_band": "Reading band",
    "error": "Why the row was rejected",
    "region": "Region",
    "language": "Sheet language",
    "scored": "Scored",
    "vocabulary_correct": "Vocabulary correct",
    "vocabulary_questions": "Vocabulary questions",
    "grammar_correct": "Grammar correct",
    "grammar_questions": "Grammar questions",
    "reading_correct": "Reading correct",
    "reading_questions": "Reading questions",
}


def results_tab(book: Workbook, judged: pl.DataFrame, paper: str) -> BulkRows | None:
    frame = _results_frame(judged)
    labels = [RESULT_LABELS.get(key, key) for key in frame.columns]
    # the heading row and the id and name columns stay in view while scrolling
    sheet = Tab(book, "Results", _results_widths(frame, labels), paper, fit_width=False, freeze="C4")
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
    """RESULT_COLUMNS first, then the rest; yes/no for true/false."""
    first = [key for key in RESULT_COLUMNS if key in judged.columns]
    rest = [key for key in judged.columns if key not in first]
    words = pl.col(pl.Boolean).replace_strict({True: "yes", False: "no"}, return_dtype=pl.String)
    return judged.select(first + rest).with_columns(words)


def _results_widths(frame: pl.DataFrame, labels: list[str]) -> list[float]:
    """Each column as wide as its longest value (or a word of its heading), within 6 to 50."""
    longest = frame.select(pl.col(c).cast(pl.String).str.len_chars().max() for c in frame.columns).row(0)
    widths = []
    for label, value_length in zip(labels, longest, strict=True):
        word = max(len(part) for part in label.split())
        widths.append(min(max(value_length or 0, word, 6) + 2, 50))
    return widths
