"""A mock's answer sheets and key as the cohort's reader reads them.

Answers are read as the worksheet shows them (a number cell ``2``, ``②``, ``２``), rows
keep the numbers the worksheet shows even with title rows above and empty rows between,
a cell the reader cannot read (an error, a formula never calculated) is named by its
cell, in the words a cohort's own cells get, and what the reader noticed is still said.
"""

from __future__ import annotations

import polars as pl
from click.testing import CliRunner
from corpus import error, formula, num, write_ods, write_xlsx
from mock_exam import mark_student, questions, students, write_key, write_responses

from jlpt_batch.cli import main

SHOWN = ("language_knowledge", "reading", "language_knowledge_reading", "listening", "total", "result",
         "vocabulary_correct", "grammar_correct", "reading_correct", "listening_correct", "double_marks")  # fmt: skip
TITLE_ROWS = 2  # a title and a blank line above the header, as schools export


def invoke(*args: object):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def _answer_cell(text: str) -> object:
    """Plain digits typed into Excel become number cells; anything else stays text."""
    return num(int(text)) if text in ("1", "2", "3", "4") else (text or None)


def _sheet_rows(cohort, columns: list[str]) -> tuple[list[list[object]], dict[str, int]]:
    """The worksheet's rows (title, blank, header, students with an empty row after the third)
    and the row each student ends up on."""
    rows: list[list[object]] = [["Mock exam, November"], []]
    rows.append(["ID", "Name", "Class", "Level", *columns])
    placed = {}
    for index, student in enumerate(cohort):
        if index == 3:
            rows.append([])  # an empty row between students
        placed[student.candidate_id] = len(rows) + 1
        cells = [_answer_cell(student.cells.get(column, "")) for column in columns]
        rows.append([student.candidate_id, f"Student {index}", student.class_name, student.level, *cells])
    return rows, placed


def _results(out) -> dict[str, dict]:
    frame = pl.read_csv(out / "results.csv", infer_schema=False)
    return {row["candidate_id"]: row for row in frame.iter_rows(named=True)}


def test_answer_sheets_in_a_workbook_are_marked_on_the_rows_the_worksheet_shows(tmp_path):
    key = questions()
    cohort = students(key, count=24)
    columns = [f"Q{n}" for n in range(1, 37)]
    rows, placed = _sheet_rows(cohort, columns)
    responses = write_xlsx(tmp_path / "responses.xlsx", rows)
    out = tmp_path / "out"
    result = invoke("run", responses, "--key", write_key(tmp_path / "key.xlsx", key), "--out", out, "--no-sheets")
    assert result.exit_code == 0, result.output
    got = _results(out)
    for student in cohort:
        expected = mark_student(student, key, letters=False)
        row = got[student.candidate_id]
        assert row["source_row"] == str(placed[student.candidate_id])
        shown = {name: row[name] for name in SHOWN}
        assert shown == {name: _as_csv(expected.get(name)) for name in SHOWN}, student
    items = pl.read_csv(out / "items.csv", infer_schema=False)
    assert items.height == len(key)


def _as_csv(value: object) -> str | None:
    return None if value is None else str(value)


def test_an_answer_cell_the_reader_cannot_read_rejects_its_row_naming_the_cell(tmp_path):
    key = questions()
    cohort = students(key, count=24)
    columns = [f"Q{n}" for n in range(1, 37)]
    rows, placed = _sheet_rows(cohort, columns)
    broken, uncalculated = cohort[0], cohort[1]
    q2, q3 = 4 + columns.index("Q2"), 4 + columns.index("Q3")  # 0-based: after ID, Name, Class, Level
    rows[placed[broken.candidate_id] - 1][q2] = error("#N/A")
    rows[placed[uncalculated.candidate_id] - 1][q3] = formula("VLOOKUP(A6,Answers!A:B,2)")
    responses = write_xlsx(tmp_path / "responses.xlsx", rows)
    out = tmp_path / "out"
    result = invoke("run", responses, "--key", write_key(tmp_path / "key.xlsx", key), "--out", out, "--no-sheets")
    assert result.exit_code == 3, result.output
    got = _results(out)
    row = placed[broken.candidate_id]
    assert got[broken.candidate_id]["result"] == "REJECTED"
    assert got[broken.candidate_id]["error"] == (
        f"row {row}: Q2: cell F{row} shows the error #N/A; correct the cell (or the formula behind it) and run again"
    )
    row = placed[uncalculated.candidate_id]
    assert got[uncalculated.candidate_id]["error"] == (
        f"row {row}: Q3: cell G{row} holds a formula (=VLOOKUP(A6,Answers!A:B,2)) whose result was never saved in "
        "the file; open the file in Excel or LibreOffice, let it calculate, save it and run again"
    )
    assert sum(r["result"] == "REJECTED" for r in got.values()) == 2


def _key_rows(key) -> list[list[object]]:
    """The key as a school types it: single answers and points as numbers."""
    rows: list[list[object]] = [["level", "item", "answer", "section", "part", "points"]]
    for q in key:
        answer = num(min(q.accepted)) if len(q.accepted) == 1 else "|".join(map(str, sorted(q.accepted)))
        rows.append([q.level, q.item, answer, q.section, q.part, num(q.points) if q.points > 1 else None])
    return rows


def test_a_workbook_key_names_the_row_the_worksheet_shows(tmp_path):
    key = questions()
    cohort = students(key, count=12)
    rows, _ = _sheet_rows(cohort, [f"Q{n}" for n in range(1, 37)])
    responses = write_xlsx(tmp_path / "responses.xlsx", rows)
    key_rows = _key_rows(key)
    key_rows.insert(6, [])  # an empty row: the questions below it sit one row lower
    key_rows[10][2] = "5"  # N3 Q9, on row 11 of the worksheet
    key_path = write_ods(tmp_path / "key.ods", key_rows)
    out = tmp_path / "out"
    result = invoke("run", responses, "--key", key_path, "--out", out)
    assert result.exit_code == 2, result.output
    assert result.output == (
        "Error: answer key key.ods, row 11: answer '5' is not an option; write 1-4 (or ①-④), several as 2|3\n"
    )
    key_rows[10][2] = error("#REF!")
    write_xlsx(tmp_path / "key.xlsx", key_rows)
    result = invoke("run", responses, "--key", tmp_path / "key.xlsx", "--out", out)
    assert result.exit_code == 2, result.output
    assert result.output == (
        "Error: answer key key.xlsx, row 11: answer: cell C11 shows the error #REF!; correct the cell "
        "(or the formula behind it) and run again\n"
    )
    assert not out.exists()


def test_what_the_reader_noticed_is_still_said_on_a_marked_mock(tmp_path):
    key = questions()
    cohort = students(key, count=24)
    for index, student in enumerate(cohort):
        student.class_name = "1組" if index == 0 else ""  # the class on the group's first row only
    responses = write_responses(tmp_path / "responses.csv", cohort, [f"Q{n}" for n in range(1, 37)])
    out = tmp_path / "out"
    result = invoke("run", responses, "--key", write_key(tmp_path / "key.csv", key), "--out", out, "--no-sheets")
    assert result.exit_code == 0, result.output
    assert (
        "note: the class column Class names each class only on the first row of its group (as merged "
        "cells saved to CSV leave it): 23 rows took the class above them (rows 3-25); give --no-fill-class if "
        "those rows have no class"
    ) in result.output.splitlines()
    assert {row["class"] for row in _results(out).values()} == {"1組"}
