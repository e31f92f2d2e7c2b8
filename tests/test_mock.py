"""Mock exams marked from answer sheets: every student and every question against a plain reference.

The generated mock (tests/mock_exam.py) mixes N3 and N4, has a mis-keyed question, a
question everyone gets right, a student who left all of Listening blank, double marks,
circled and full-width digits, letters (with a lettered key), a question with two accepted
answers, questions worth several points and a conversion table for N3 Listening.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from helpers_sheets import page_texts
from mock_exam import (
    EVERYONE_RIGHT,
    MIS_KEYED,
    item_reference,
    mark_student,
    questions,
    reliability_reference,
    students,
    write_key,
    write_responses,
)

from jlpt_batch.cli import main
from jlpt_batch.marking.analysis import ITEM_COLUMNS
from jlpt_batch.marking.key import KEY_HEADERS, key_column
from jlpt_batch.pipeline import load_cohort
from jlpt_batch.rules import PARTS, SECTION_KEYS
from jlpt_batch.settings import Settings

CLOSE = 1e-9


@pytest.fixture(scope="module", params=[False, True], ids=["numbered key", "lettered key"])
def mock(request, tmp_path_factory):
    letters = request.param
    folder = tmp_path_factory.mktemp("mock")
    key = questions(letters)
    cohort = students(key, letters)
    responses = write_responses(folder / "responses.csv", cohort)
    key_path = write_key(folder / "key.xlsx", key, letters)
    run = load_cohort(Settings(responses, folder / "out", key_path=key_path))
    return key, cohort, letters, run


def _rows(run) -> dict[int, dict]:
    return {row["source_row"]: row for row in run.judged.iter_rows(named=True)}


def test_every_student_is_marked_and_judged_as_the_reference_says(mock):
    key, cohort, letters, run = mock
    judged = _rows(run)
    assert len(judged) == len(cohort)
    shown = [*SECTION_KEYS, "total", "result", "failed_sections", "absent_sections", "points_short", "scored",
             "double_marks", *(f"{part}_{kind}" for part in PARTS for kind in ("correct", "questions")),
             "vocabulary_band", "grammar_band", "reading_band"]  # fmt: skip
    for student in cohort:
        expected = mark_student(student, key, letters) | {"error": None, "exam_kind": "mock"}
        got = judged[student.row]
        assert {name: got[name] for name in shown} == {name: expected.get(name) for name in shown}, student
        assert (got["error"], got["exam_kind"]) == (None, "mock")


def test_every_question_is_analysed_as_the_reference_says(mock):
    key, cohort, letters, run = mock
    expected = item_reference(key, cohort, letters)
    items = {(row["level"], row["item"]): row for row in run.analysis.items.iter_rows(named=True)}
    assert set(items) == set(expected)
    for where, reference in expected.items():
        got = items[where]
        for name, value in reference.items():
            if isinstance(value, float) and got[name] is not None:
                assert math.isclose(got[name], value, abs_tol=CLOSE), (where, name, got[name], value)
            else:
                assert got[name] == value, (where, name, got[name], value)


def test_reliability_and_sem_are_the_reference_ones(mock):
    key, cohort, letters, run = mock
    expected = reliability_reference(key, cohort, letters)
    rows = {(row["level"], row["section"]): row for row in run.analysis.reliability.iter_rows(named=True)}
    assert set(rows) == set(expected)
    for where, reference in expected.items():
        assert rows[where]["students"] == reference["students"]
        assert math.isclose(rows[where]["kr20"], reference["kr20"], abs_tol=CLOSE), where
        assert math.isclose(rows[where]["sem"], reference["sem"], abs_tol=CLOSE), where
    assert {row["method"] for row in rows.values() if row["section"] == "listening" and row["level"] == "N3"} == {
        "conversion table"
    }


def test_the_deliberate_questions_and_students(mock):
    _key, cohort, _letters, run = mock
    items = {(row["level"], row["item"]): row for row in run.analysis.items.iter_rows(named=True)}
    assert "check_key" in items[MIS_KEYED]["flags"].split(";")
    assert items[EVERYONE_RIGHT]["facility"] == 1.0 and "too_easy" in items[EVERYONE_RIGHT]["flags"]
    absent = _rows(run)[cohort[5].row]
    assert (absent["result"], absent["scored"], absent["absent_sections"]) == ("FAIL", False, "listening")
    assert (absent["listening"], absent["listening_correct"], absent["listening_questions"]) == (None, None, None)
    assert _rows(run)[cohort[8].row]["double_marks"] >= 1  # ①③ is two marks
    warnings = [str(warning) for warning in run.analysis.warnings]
    assert any("check the answer key" in warning and "N3 Q5 (keyed" in warning for warning in warnings)


def test_a_mock_marked_against_a_csv_key_without_a_table_uses_the_share_of_points(tmp_path):
    key = questions()
    cohort = students(key, count=30)
    responses = write_responses(tmp_path / "responses.csv", cohort)
    key_path = write_key(tmp_path / "key.csv", key)
    judged = _rows(load_cohort(Settings(responses, tmp_path / "out", key_path=key_path)))
    for student in cohort:
        expected = mark_student(student, key, letters=False, table=False)
        assert judged[student.row]["listening"] == expected["listening"], student


# ── the command, its files and its errors ─────────────────────────────────────────


def invoke(*args: object):
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture
def files(tmp_path):
    key = questions()
    cohort = students(key, count=24)
    return key, cohort, write_responses(tmp_path / "responses.csv", cohort), write_key(tmp_path / "key.csv", key)


def test_run_writes_items_csv_and_an_item_analysis_tab(files, tmp_path):
    key, _cohort, responses, key_path = files
    out = tmp_path / "out"
    result = invoke("run", responses, "--key", key_path, "--out", out, "--no-sheets", "--as-of", "2026-11-20")
    assert result.exit_code == 0, result.output
    lines = (out / "items.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == ",".join(ITEM_COLUMNS)
    assert len(lines) == 1 + len(key)
    assert lines[1].startswith("N3,Q1,language_knowledge,vocabulary,")
    results = pl.read_csv(out / "results.csv", infer_schema=False)
    assert set(results["exam_kind"].to_list()) == {"mock"}
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames[-2:] == ["Item analysis", "Rejected"]
    cells = [cell.value for row in book["Item analysis"].iter_rows() for cell in row]
    assert "Reliability of each section" in cells and "Every question" in cells and "Q36" in cells
    labels = [cell.value for cell in next(book["Results"].iter_rows(min_row=3, max_row=3))]
    assert "Listening, 0-60 (estimated from the mock)" in labels
    legend = [cell.value for cell in next(book["Results"].iter_rows(min_row=2, max_row=2))]
    assert any(text and "estimated from the mock's answers, not JLPT scaled scores" in text for text in legend)


def test_without_a_key_there_is_no_items_csv_and_the_exam_is_a_sitting(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("ID,Level,Language Knowledge,Reading,Listening\n1,N3,40,40,40\n", encoding="utf-8")
    result = invoke("run", path, "--out", tmp_path / "out", "--no-sheets", "--no-workbook")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "out" / "items.csv").exists()
    assert pl.read_csv(tmp_path / "out" / "results.csv")["exam_kind"].to_list() == ["sitting"]


def _one_line_exit_2(result, message: str, out) -> None:
    assert result.exit_code == 2, result.output
    assert result.output == f"Error: {message}\n"
    assert not out.exists()


def _key_lines(key_path) -> list[str]:
    return key_path.read_text(encoding="utf-8").splitlines()


def _rewrite(key_path, lines: list[str]) -> None:
    key_path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_key_item_with_no_column_names_the_key_row(files, tmp_path):
    _key, cohort, responses, key_path = files
    columns = [f"Q{n}" for n in range(1, 36)]  # Q36 (N3's last question) is missing
    write_responses(responses, cohort, columns)
    out = tmp_path / "out"
    message = (
        "answer key key.csv, row 37: question 'Q36' has no column in the responses; add the column, or correct the item"
    )
    _one_line_exit_2(invoke("run", responses, "--key", key_path, "--out", out), message, out)


def test_a_question_column_in_no_key_names_the_column(files, tmp_path):
    _key, cohort, responses, key_path = files
    write_responses(responses, cohort, [f"Q{n}" for n in range(1, 38)])
    out = tmp_path / "out"
    message = (
        "responses column 'Q37' is a question in no level's answer key; add its rows to the key, or remove the column"
    )
    _one_line_exit_2(invoke("run", responses, "--key", key_path, "--out", out), message, out)


def test_a_section_the_level_lacks_names_the_key_row(files, tmp_path):
    _key, _cohort, responses, key_path = files
    lines = _key_lines(key_path)
    lines[40] = lines[40].replace("language_knowledge_reading", "reading")  # row 41: N4 Q4
    _rewrite(key_path, lines)
    out = tmp_path / "out"
    message = ("answer key key.csv, row 41: N4 has no Reading section (its sections are Vocabulary/Grammar·Reading "
               "and Listening); correct the level or the section")  # fmt: skip
    _one_line_exit_2(invoke("run", responses, "--key", key_path, "--out", out), message, out)


def test_an_answer_outside_the_options_names_the_key_row(files, tmp_path):
    _key, _cohort, responses, key_path = files
    lines = _key_lines(key_path)
    fields = lines[2].split(",")
    fields[2] = "5"
    lines[2] = ",".join(fields)
    _rewrite(key_path, lines)
    out = tmp_path / "out"
    message = "answer key key.csv, row 3: answer '5' is not an option; write 1-4 (or ①-④), several as 2|3"
    _one_line_exit_2(invoke("run", responses, "--key", key_path, "--out", out), message, out)


def test_check_reports_a_bad_key_before_reading_any_answer(files, tmp_path):
    _key, _cohort, responses, key_path = files
    _rewrite(key_path, ["level,item,answer,section,part", "N3,Q1,1,listening,grammar"])
    result = invoke("check", responses, "--key", key_path)
    assert result.exit_code == 2
    assert result.output == (
        "Error: answer key key.csv, row 2: the Grammar part belongs to Vocabulary/Grammar or "
        "Vocabulary/Grammar·Reading, not to Listening; correct the part or the section\n"
    )


def test_answers_a_row_cannot_have_reject_that_row_naming_the_column(files, tmp_path):
    _key, cohort, responses, key_path = files
    n4 = next(s for s in cohort if s.level == "N4")
    n3 = next(s for s in cohort if s.level == "N3")
    n4.cells["Q35"] = "2"  # N4's key has 31 questions
    n3.cells["Q2"] = "x"
    cohort[-1].level = "N2"  # no N2 questions in the key
    write_responses(responses, cohort, [f"Q{n}" for n in range(1, 37)])
    out = tmp_path / "out"
    result = invoke("run", responses, "--key", key_path, "--out", out, "--no-sheets", "--no-workbook")
    assert result.exit_code == 3, result.output
    rows = {
        row["source_row"]: row for row in pl.read_csv(out / "results.csv", infer_schema=False).iter_rows(named=True)
    }
    assert rows[str(n4.row)]["result"] == "REJECTED"
    assert rows[str(n4.row)]["error"] == (
        f"row {n4.row}: Q35 '2' answers a question the N4 answer key does not have; "
        "clear the cell, or correct the level"
    )
    assert rows[str(n3.row)]["error"] == (
        f"row {n3.row}: Q2 'x' is not an answer; write 1-4 (or ①-④), leave it blank if unanswered, "
        "or write two marks as 1,3"
    )
    last = rows[str(cohort[-1].row)]
    assert last["error"] == (
        f"row {cohort[-1].row}: the answer key key.csv has no N2 questions; add them to the key, or correct the level"
    )
    assert last["listening"] is None and last["total"] is None
    assert sum(row["result"] == "REJECTED" for row in rows.values()) == 3


def test_responses_with_score_columns_are_refused(files, tmp_path):
    _key, _cohort, responses, key_path = files
    text = responses.read_text(encoding="utf-8").splitlines()
    text[0] = text[0].replace("Class", "Listening")
    responses.write_text("\n".join(text) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    message = ("responses column 'Listening' holds Listening, which --key works out from the answers; "
               "remove the column, or run without --key")  # fmt: skip
    _one_line_exit_2(invoke("run", responses, "--key", key_path, "--out", out), message, out)


def test_a_mock_sheet_shows_raw_counts_estimates_and_the_questions_to_review(files, tmp_path):
    key, cohort, responses, key_path = files
    out = tmp_path / "out"
    result = invoke("run", responses, "--key", key_path, "--out", out, "--no-workbook", "--jobs", "1")
    assert result.exit_code == 0, result.output
    student = next(s for s in cohort if s.level == "N3" and s is not cohort[5])
    expected = mark_student(student, key, letters=False, table=False)
    text = page_texts(out / "sheets" / f"{student.candidate_id}.pdf")[0]
    assert "Estimate" in text and "not JLPT scaled scores" in text
    line = f"Grammar: {expected['grammar_correct']} / {expected['grammar_questions']} correct."
    assert line in text
    missed = [item for item, right in expected["_right"].items() if not right]
    shown = text[text.index("Your answers on this mock") :]
    ranges = [range(int(first), int(last) + 1) for first, last in re.findall(r"Q(\d+)–Q(\d+)", shown)]
    for item in missed:
        named = re.search(rf"{item}(?!\d)", shown) is not None
        assert named or any(int(item[1:]) in numbers for numbers in ranges), item


def test_the_readme_key_table_lists_the_headers_the_key_reader_knows():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| column | accepted headers (any of) | holds |") :].splitlines()[2:]
    listed = set()
    for line in table:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        (name,) = re.findall(r"`([a-z_]+)`", cells[0])
        listed.add(name)
        for alias in cells[1].split(", "):
            assert key_column(alias) == name, alias
    assert listed == set(KEY_HEADERS)


def test_a_level_of_the_key_that_nobody_sat_has_questions_with_no_figures(tmp_path):
    key = questions()
    cohort = [student for student in students(key, count=20) if student.level == "N4"]
    responses = write_responses(tmp_path / "responses.csv", cohort, [f"Q{n}" for n in range(1, 37)])
    out = tmp_path / "out"
    result = invoke("run", responses, "--key", write_key(tmp_path / "key.csv", key), "--out", out, "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert len(list((out / "sheets").glob("*.pdf"))) == len(cohort)  # the sheets' review lists, with N3 empty
    items = pl.read_csv(out / "items.csv", infer_schema=False)
    nobody = items.filter(pl.col("level") == "N3")
    assert nobody.height == 36
    assert set(nobody["students"].to_list()) == {"0"} and set(nobody["flags"].to_list()) == {""}
    assert set(nobody["facility"].to_list()) == {None}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([("N3", "listening", 1, 5)], "the N3 Listening table starts at raw 1; start it at raw 0"),
        ([("N3", "listening", 0, 0), ("N3", "listening", 4, 30), ("N3", "listening", 6, 20)],
         "scaled 20 is lower than the 30 given for fewer raw points; check the table"),
        ([("N3", "listening", 0, 0), ("N3", "listening", 11, 60)],
         "raw 11 is more than the 10 points N3 Listening can earn"),
        ([("N3", "listening", 0, 0), ("N3", "listening", 5, 61)], "scaled '61' is not a whole number from 0 to 60"),
        ([("N4", "reading", 0, 0)], "the answer key has no N4 Reading questions to convert"),
    ],
    ids=["not from 0", "decreasing", "too many points", "above the maximum", "a section the level lacks"],
)  # fmt: skip
def test_a_bad_conversion_table_names_its_row(files, tmp_path, table, message):
    _key, _cohort, responses, key_path = files
    beside = key_path.with_name("key-conversion.csv")
    rows = ["level,section,raw,scaled", *(",".join(str(cell) for cell in row) for row in table)]
    beside.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = invoke("run", responses, "--key", key_path, "--out", out)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: conversion table key-conversion.csv, row ") and message in result.output
    assert result.output.count("\n") == 1 and not out.exists()


def test_a_question_twice_and_a_key_mixing_letters_and_numbers_are_refused(files, tmp_path):
    _key, _cohort, responses, key_path = files
    lines = _key_lines(key_path)
    _rewrite(key_path, [*lines, lines[1]])
    out = tmp_path / "out"
    message = "answer key key.csv, row 69: N3 question 'Q1' is also on row 2; list each question once per level"
    _one_line_exit_2(invoke("run", responses, "--key", key_path, "--out", out), message, out)
    fields = lines[3].split(",")
    fields[2] = "B"
    lines[3] = ",".join(fields)
    _rewrite(key_path, lines)
    message = ("answer key key.csv, row 4: answer 'B' is a letter, but row 2 uses numbers; write every answer as 1-4, "
               "or every answer as A-D")  # fmt: skip
    _one_line_exit_2(invoke("run", responses, "--key", key_path, "--out", out), message, out)


def test_no_items_skips_items_csv_only(files, tmp_path):
    _key, _cohort, responses, key_path = files
    out = tmp_path / "out"
    result = invoke("run", responses, "--key", key_path, "--out", out, "--no-sheets", "--no-workbook", "--no-items")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir() if not path.name.startswith(".")) == ["results.csv"]


def test_two_marks_are_said_in_the_order_of_the_questions(files, tmp_path):
    _key, cohort, responses, key_path = files
    n3 = next(s for s in cohort if s.level == "N3")
    n3.cells["Q15"], n3.cells["Q4"] = "1,3", "2,4"
    write_responses(responses, cohort, [f"Q{n}" for n in range(1, 37)])
    result = invoke("run", responses, "--key", key_path, "--out", tmp_path / "out", "--no-sheets", "--no-workbook")
    assert result.exit_code == 0, result.output
    assert f"(row {n3.row} Q4, row {n3.row} Q15, " in result.output
