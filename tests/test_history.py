"""A school year in the history store: two mock exams and the December sitting, run in order.

Each run is the real command; the tests read what a teacher reads (the sheets' text, the
Progress tab, results.csv, the history command) and what the store holds.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner
from helpers_sheets import page_texts
from history_cohorts import AUTUMN, DECEMBER, EXAMS, SPRING, ExamFile, exam_csv

from jlpt_batch.cli import main

AS_OF = {SPRING.name: "2026-05-20", AUTUMN.name: "2026-10-10", DECEMBER.name: "2027-02-10"}


@dataclass(frozen=True)
class Year:
    folder: Path
    store: Path
    outputs: dict[str, Path]  # exam name -> its output folder
    messages: dict[str, str]  # exam name -> what the run printed


def invoke(*args: object):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def run_exam(folder: Path, store: Path, exam: ExamFile, only_class: str | None = None, out: str = ""):
    source = exam_csv(folder, exam, only_class)
    out_dir = folder / (out or f"{exam.name}-out")
    return invoke("run", source, "--out", out_dir, "--history", store, "--school", "Sakura Academy",
                  "--as-of", AS_OF[exam.name], *exam.options), out_dir  # fmt: skip


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Year:
    folder = tmp_path_factory.mktemp("year")
    store = folder / "jlpt-batch.db"
    outputs, messages = {}, {}
    for exam in EXAMS:
        result, out_dir = run_exam(folder, store, exam)
        assert result.exit_code == 0, result.output
        outputs[exam.name], messages[exam.name] = out_dir, result.output
    return Year(folder, store, outputs, messages)


def sheet(year: Year, exam: ExamFile, student_id: str) -> str:
    candidate = exam.rows[student_id][0]
    return page_texts(year.outputs[exam.name] / "sheets" / f"{candidate}.pdf")[0]


def results(year: Year, exam: ExamFile) -> dict[str, dict[str, str]]:
    with (year.outputs[exam.name] / "results.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


HISTORY = ("previous_exam", "previous_exam_date", "previous_level", "previous_total", "change_total")


# ── results.csv ────────────────────────────────────────────────────────────────


def test_the_first_exam_has_no_previous_exam(year):
    for row in results(year, SPRING).values():
        assert [row[key] for key in HISTORY] == ["", "", "", "", ""]


def test_results_name_each_students_previous_exam_and_the_change(year):
    december = results(year, DECEMBER)
    shown = {student: [december[student][key] for key in HISTORY] for student in december}
    assert shown == {
        "S001": ["mock 2026-10-04 Autumn practice", "2026-10-04", "N3", "77", "18"],
        "S002": ["mock 2026-10-04 Autumn practice", "2026-10-04", "N3", "90", "13"],
        "S003": ["mock 2026-05-10", "2026-05-10", "N3", "120", "5"],  # missed the autumn mock
        "S004": ["mock 2026-10-04 Autumn practice", "2026-10-04", "N3", "101", "3"],
        "S005": ["mock 2026-10-04 Autumn practice", "2026-10-04", "N3", "90", "6"],
        "S006": ["mock 2026-10-04 Autumn practice", "2026-10-04", "N3", "91", ""],  # not scored now
        "S007": ["", "", "", "", ""],  # new
        "S008": ["mock 2026-10-04 Autumn practice", "2026-10-04", "N3", "93", "8"],
    }
    # From N4 to N3: the previous exam is named, its total is not compared.
    assert [results(year, AUTUMN)["S002"][key] for key in HISTORY] == ["mock 2026-05-10", "2026-05-10", "N4", "110", ""]


# ── the sheets ─────────────────────────────────────────────────────────────────


def test_a_first_exam_and_a_new_student_have_no_progress_block(year):
    assert "Your progress" not in sheet(year, SPRING, "S001")
    assert "Your progress" not in sheet(year, DECEMBER, "S007")


def test_the_progress_block_lists_earlier_exams_labelled_as_mock_or_sitting(year):
    text = sheet(year, DECEMBER, "S001")
    block = text[text.index("Your progress") :]
    assert block.startswith(
        "Your progress Exam Date Level Knowledge Reading Listening Total Result "
        "Mock exam 2026-05-10 N3 30 28 15 73 Below pass level "
        "Mock: Autumn practice 2026-10-04 N3 30 30 17 77 Below pass level "
        "JLPT 2026-12-06 N3 38 36 21 95 Passed "
        # a chart per section: its title, its scale, its floor, then each exam's score
        "Knowledge 0 60 19 30 30 38 Reading 0 60 19 28 30 36 Listening 0 60 19 15 17 21 "
        "JLPT mock exam floor (the least a pass needs) "
        "Listening: 15, then 17, now 21: above its floor of 19 for the first time. "
        "A mock exam is not scored on the JLPT's scale: compare the two only as a rough guide."
    )


def test_a_missed_exam_is_simply_not_there(year):
    text = sheet(year, DECEMBER, "S003")
    assert "Mock exam 2026-05-10 N3 40 40 40 120 At pass level JLPT 2026-12-06 N3 42 45 38 125 Passed" in text
    assert "Autumn practice" not in text
    assert "Biggest change since the mock exam of 10 May 2026: Reading up 5 points, from 40 to 45." in text


def test_falling_below_a_floor_is_the_change_that_matters_most(year):
    text = sheet(year, DECEMBER, "S005")
    assert "Reading fell below its floor of 19: 25 at the mock exam of 4 October 2026, 16 now. Put it first." in text


def test_an_absent_section_shows_as_an_asterisk(year):
    text = sheet(year, DECEMBER, "S006")
    assert "JLPT 2026-12-06 N3 32 * 30 * Not scored" in text
    assert "Biggest change since the mock exam of 4 October 2026: Language Knowledge up 1 point, from 31 to 32." in text


def test_a_change_of_level_is_said_and_not_compared(year):
    text = sheet(year, AUTUMN, "S002")  # a Vietnamese sheet
    assert (
        "Thi thử 10/5/2026 N4 80 30 110 Đạt mức đỗ "
        "Thi thử: Autumn practice 4/10/2026 N3 35 30 25 90 Chưa đạt mức đỗ" in text
    )
    assert (
        "Kỳ thi trước của bạn, bài thi thử ngày 10 tháng 5 năm 2026, là cấp N4; cấp N3 được chấm riêng, "
        "nên đây là kết quả N3 đầu tiên để so sánh với lần sau." in text
    )
    assert "Kiến thức NN 0 60" not in text  # no chart: nothing earlier at N3 to draw a line from
    december = sheet(year, DECEMBER, "S002")
    assert "Kiến thức NN 0 60 19 35 40" in december  # the N3 exams only


def test_a_japanese_sheet_says_it_in_japanese(year):
    text = sheet(year, DECEMBER, "S008")
    assert "これまでの成績 試験 実施日 レベル 言語知識 読解 聴解 総合得点 結果" in text
    assert (
        "模擬試験 2026/5/10 N3 30 30 30 90 合格ライン未到達 "
        "模試：Autumn practice 2026/10/4 N3 32 30 31 93 合格ライン未到達" in text
    )
    assert "2026年10月4日の模擬試験から最も大きく変わったのは言語知識で、32点から40点へ8点上がりました。" in text


def test_every_sheet_is_still_one_page(year):
    for out in year.outputs.values():
        for path in (out / "sheets").glob("*.pdf"):
            assert len(page_texts(path)) == 1, path.name


# ── the workbook ───────────────────────────────────────────────────────────────


def progress_tables(year: Year, exam: ExamFile) -> dict[str, list[tuple]]:
    """The Progress tab's tables, by the heading above each: its heading row and value rows."""
    rows = list(
        openpyxl.load_workbook(year.outputs[exam.name] / "summary.xlsx")["Progress"].iter_rows(values_only=True)
    )
    tables, current = {}, None
    for row in rows:
        cells = _trimmed(row)
        if len(cells) == 1 and isinstance(cells[0], str) and current is None:
            current = cells[0]
            tables[current] = []
        elif not cells:
            current = None
        elif current is not None:
            tables[current].append(cells)
    return tables


def _trimmed(row: tuple) -> tuple:
    """A row without its empty cells at the end."""
    cells = list(row)
    while cells and cells[-1] is None:
        cells.pop()
    return tuple(cells)


def test_the_progress_tab_counts_per_class_and_lists_who_fell_below_a_floor(year):
    tables = progress_tables(year, DECEMBER)
    by_class = tables["By class and level"]
    assert by_class[1:] == [("1A", "N3", 3, 3, 0, 3, 0, 0, 2, 0), ("1B", "N3", 5, 4, 0, 3, 0, 0, 1, 1)]
    assert tables["Fell below a floor they had cleared at their previous exam"][1:] == [
        ("N3-1005", "S005", "Chen Wei", "1B", "N3", "Reading", 19, 25, 16)
    ]
    renamed = next(rows for heading, rows in tables.items() if heading.startswith("Names that differ"))
    assert renamed[1:] == [(5, "S004", "Park Ji-woo", "Lee Ji-woo", "mock exam 'Autumn practice' of 4 October 2026")]
    students = tables["Each student's change since their previous exam"]
    heading, first = students[0], dict(zip(students[0], students[1], strict=True))
    assert "Listening: change" in heading
    assert (first["Student ID"], first["Listening: previous"], first["Listening: now"], first["Listening: change"]) == (
        "S001",
        17,
        21,
        4,
    )
    assert (first["Result at the previous exam"], first["Result now"]) == (
        "Below the pass level on this mock",
        "Passed",
    )


def test_the_autumn_tab_counts_a_change_of_level(year):
    by_class = progress_tables(year, AUTUMN)["By class and level"]
    assert by_class[1:] == [("1A", "N3", 2, 2, 1, 1, 0, 0, 0, 0), ("1B", "N3", 4, 4, 0, 4, 0, 0, 0, 0)]


# ── warnings and the history command ─────────────────────────────────────────────


def test_a_changed_name_is_a_warning_listing_the_row(year):
    assert (
        f"warning: the history store {year.store} knows 1 student by another name; each is recorded under "
        "their id, so check it is the same student: row 5: S004 is 'Park Ji-woo' here but 'Lee Ji-woo' at "
        "mock exam 'Autumn practice' of 4 October 2026"
    ) in year.messages[DECEMBER.name]
    assert "History: 8 students recorded as JLPT December 2026 in" in year.messages[DECEMBER.name]


def test_the_history_command_lists_the_exams(year):
    result = invoke("history", "--history", year.store)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"History store {year.store}: 4 exams and levels, 8 students.",
        "",
        "kind          date             name             level  students  scored  passed  pass rate",
        "mock exam     10 May 2026                       N3            6       6       2        33%",
        "mock exam     10 May 2026                       N4            1       1       1       100%",
        "mock exam     4 October 2026   Autumn practice  N3            6       6       1        17%",
        "JLPT sitting  6 December 2026                   N3            8       7       5        71%",
    ]


def test_the_history_command_prints_one_student_as_csv(year):
    result = invoke("history", "--history", year.store, "--student", "S002", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "exam_kind,exam_date,exam_name,level,language_knowledge,reading,language_knowledge_reading,listening,total,result",
        'mock,2026-05-10,"",N4,,,80,30,110,PASS',
        "mock,2026-10-04,Autumn practice,N3,35,30,,25,90,FAIL",
        'sitting,2026-12-06,"",N3,40,35,,28,103,PASS',
    ]


def test_the_history_command_prints_one_student_as_a_table(year):
    result = invoke("history", "--history", year.store, "--student", "S004")
    assert result.output.splitlines()[0] == "Student S004: 3 exams; latest as Park Ji-woo, class 1B, candidate N3-1004."
    row = [
        "mock",
        "exam",
        "10",
        "May",
        "2026",
        "N3",
        "35",
        "35",
        "30",
        "100",
        *["At", "the", "pass", "level", "on", "this", "mock"],
    ]
    assert result.output.splitlines()[3].split() == row


def test_the_history_command_exports_a_class(year, tmp_path):
    path = tmp_path / "1A.xlsx"
    result = invoke("history", "--history", year.store, "--export", path, "--class", "1A")
    assert result.output == f"Wrote the history of class 1A (3 students, 8 records) to {path}.\n"
    book = openpyxl.load_workbook(path)
    totals = [row for row in book["Totals"].iter_rows(values_only=True)][3:]
    assert totals[0] == ("Student ID", "Candidate ID", "Name", "Class",
                         "mock exam of 10 May 2026", "mock exam 'Autumn practice' of 4 October 2026",
                         "JLPT December 2026")  # fmt: skip
    assert totals[1:] == [
        ("S001", "N3-1001", "Tanaka Hana", "1A", "N3 73", "N3 77", "N3 95"),
        ("S002", "N3-1002", "Nguyen Van An", "1A", "N4 110", "N3 90", "N3 103"),
        ("S003", "N3-1003", "Sharma Priya", "1A", "N3 120", None, "N3 125"),
    ]
    assert book["Records"].max_row == 3 + 8


def test_the_history_command_speaks_japanese(year):
    result = invoke("history", "--history", year.store, "--admin-lang", "ja")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"履歴ファイル {year.store}：試験・レベル 4件、学生 8名。",
        "",
        "種類      実施日         試験名           レベル  学生数  採点  合格  合格率",
        "模擬試験  2026年5月10日                   N3           6     6     2     33%",
        "模擬試験  2026年5月10日                   N4           1     1     1    100%",
        "模擬試験  2026年10月4日  Autumn practice  N3           6     6     1     17%",
        "本試験    2026年12月6日                   N3           8     7     5     71%",
    ]
    result = invoke("history", "--history", year.store, "--student", "S999", "--admin-lang", "ja")
    assert result.exit_code == 2
    assert result.output == (
        f"エラー：履歴ファイル {year.store} に「S999」の記録はありません。番号を確認してください"
        "（学籍番号。ファイルに学籍番号がなかった場合は受験番号）\n"
    )


def test_the_progress_tab_speaks_japanese(year, tmp_path):
    store = tmp_path / "copy.db"
    shutil.copy(year.store, store)
    source = exam_csv(tmp_path, DECEMBER)
    result = invoke("run", source, "--out", tmp_path / "ja", "--history", store, "--as-of", AS_OF[DECEMBER.name],
                    "--admin-lang", "ja", "--no-sheets", *DECEMBER.options)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"履歴：{store} に2026年12月 日本語能力試験の成績を8名分記録しました。" in result.output
    assert "注意：1名の氏名が履歴ファイル" in result.output
    sheet = openpyxl.load_workbook(tmp_path / "ja" / "summary.xlsx")["成績の推移"]
    texts = {cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)}
    assert {"前回の試験からの成績の推移", "クラス・レベル別", "前回は基準点を超えていたのに、今回下回った学生",
            "学生ごとの前回からの変化", "学籍番号", "前回の試験", "聴解：前回", "聴解：今回", "聴解：変化",
            "前回の結果", "今回の結果", "模擬試験「Autumn practice」（2026年10月4日実施）"} <= texts  # fmt: skip


def test_an_unknown_student_is_one_line(year):
    result = invoke("history", "--history", year.store, "--student", "S999")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: no records of student 'S999' in the history store {year.store}; check the id "
        "(the student number, or the candidate id when the file had none)\n"
    )


# ── running an exam again, forgetting, removing ─────────────────────────────────


def records_of(store: Path) -> list[dict]:
    with sqlite3.connect(store) as connection:
        connection.row_factory = sqlite3.Row
        query = "SELECT e.kind, e.exam_name, r.* FROM record r JOIN exam e USING (exam_id)"
        rows = connection.execute(f"{query} ORDER BY r.exam_date, r.student_id").fetchall()
    connection.close()
    return [dict(row) for row in rows]


def test_running_the_second_exam_again_changes_only_its_own_records(year, tmp_path):
    store = tmp_path / "copy.db"
    shutil.copy(year.store, store)
    before = records_of(store)
    result, _ = run_exam(tmp_path, store, AUTUMN, only_class="1B", out="again")  # one class's file, re-run
    assert result.exit_code == 0, result.output
    after = records_of(store)
    assert len(after) == len(before)  # replaced, never duplicated
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert {new["student_id"] for _, new in changed} == {"S004", "S005", "S006", "S008"}  # the autumn mock's 1B
    assert {(new["kind"], new["exam_date"], new["exam_name"]) for _, new in changed} == {
        ("mock", "2026-10-04", "Autumn practice")
    }
    # The same results, written by the new run.
    assert all(old | {"run_id": 0} == new | {"run_id": 0} and old["run_id"] != new["run_id"] for old, new in changed)


def test_forgetting_a_student_and_removing_an_exam(year, tmp_path):
    store = tmp_path / "copy.db"
    shutil.copy(year.store, store)
    result = invoke("history", "--history", store, "--forget", "S003")
    assert result.output == f"Forgot student S003: 2 records removed from {store}.\n"
    assert b"Sharma" not in store.read_bytes()
    result = invoke("history", "--history", store, "--remove-exam", "2026-10-04")
    assert result.output == f"Removed mock exam 'Autumn practice' of 4 October 2026: 6 records from {store}.\n"
    result = invoke("history", "--history", store, "--remove-exam", "2026-05-10", "--level", "N4")
    assert result.output == f"Removed mock exam of 10 May 2026 (N4): 1 record from {store}.\n"
    assert [line.split()[:4] for line in invoke("history", "--history", store).output.splitlines()[3:]] == [
        ["mock", "exam", "10", "May"],
        ["JLPT", "sitting", "6", "December"],
    ]


# ── two runs at once ───────────────────────────────────────────────────────────


def big_exam_csv(folder: Path, name: str, students: int, first: int) -> Path:
    """Many students, so that two runs' recording overlaps."""
    index = pl.int_range(first, first + students, eager=True).cast(pl.String)
    frame = pl.DataFrame(
        {"Student No.": "S" + index, "Candidate No": "C" + index, "Name": "Student " + index, "Class": "1A",
         "Level": "N3", "Language Knowledge": 30, "Reading": 30, "Listening": 30}
    )  # fmt: skip
    path = folder / f"{name}.csv"
    frame.write_csv(path)
    return path


@pytest.mark.slow
def test_two_runs_at_once_both_finish_with_both_exams_recorded(tmp_path):
    store = tmp_path / "jlpt-batch.db"  # not there yet: both runs may try to create it
    runs = []
    for name, exam, first in (("a", ("--mock-date", "2026-05-10"), 0), ("b", ("--mock-date", "2026-06-14"), 20_000)):
        source = big_exam_csv(tmp_path, name, 60_000, first)
        command = [sys.executable, "-m", "jlpt_batch", "run", str(source), "--out", str(tmp_path / f"out-{name}"),
                   "--history", str(store), "--no-sheets", "--no-workbook", *exam]  # fmt: skip
        runs.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for process in runs:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    with sqlite3.connect(store) as connection:
        counts = connection.execute(
            "SELECT e.exam_date, COUNT(*) FROM record r JOIN exam e USING (exam_id) GROUP BY e.exam_id ORDER BY 1"
        ).fetchall()
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    connection.close()
    assert counts == [("2026-05-10", 60_000), ("2026-06-14", 60_000)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # nothing half-built left


def test_students_with_no_class_are_counted_on_the_progress_tab(tmp_path):
    """A file with no class column: the by-class row counts its students' previous exams too."""
    header = "Student No.,Candidate No,Name,Level,Language Knowledge,Reading,Listening\n"
    (tmp_path / "july.csv").write_text(header + "S1,C1,Aa,N3,30,30,30\nS2,C2,Bb,N3,20,20,20\n", encoding="utf-8")
    (tmp_path / "dec.csv").write_text(header + "S1,D1,Aa,N3,40,40,40\nS2,D2,Bb,N3,10,10,10\n", encoding="utf-8")
    store = tmp_path / "h.db"
    for name, sitting in (("july", "2026-07"), ("dec", "2026-12")):
        result = invoke("run", tmp_path / f"{name}.csv", "--out", tmp_path / name, "--history", store,
                        "--sitting", sitting, "--no-sheets", "--as-of", "2027-01-10")  # fmt: skip
        assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(tmp_path / "dec" / "summary.xlsx")["Progress"].iter_rows(values_only=True))
    counts = next(row for row in rows if row[0] == "(no class)")
    assert counts[:7] == ("(no class)", "N3", 2, 2, 0, 1, 1)  # judged, with a previous exam, other level, up, down


def test_a_student_id_typed_in_full_width_finds_the_student(year):
    """Ids are stored NFKC-normalised, as they are read: Ｓ００４ typed with a Japanese keyboard is S004."""
    result = invoke("history", "--history", year.store, "--student", "Ｓ００４", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 4  # the heading and S004's three exams


def test_the_same_file_run_again_as_another_exam_is_refused_naming_the_exam(tmp_path):
    """A mock marked again the next day without --mock-date would be a second exam, compared with itself."""
    path = tmp_path / "mock.csv"
    path.write_text("Student No.,Name,Level,Language Knowledge,Reading,Listening\nS1,Aa,N3,30,30,30\n", "utf-8")
    store = tmp_path / "h.db"
    first = invoke("run", path, "--out", tmp_path / "a", "--history", store, "--no-sheets", "--mock-date", "2026-05-10")
    assert first.exit_code == 0, first.output
    again = invoke("run", path, "--out", tmp_path / "b", "--history", store, "--no-sheets", "--mock-date", "2026-05-11")
    assert again.exit_code == 2 and again.output.startswith(
        f"Error: mock.csv is already recorded in the history store {store} as the mock exam of 10 May 2026; "
    ), again.output
    assert not (tmp_path / "b").exists()
    same = invoke("run", path, "--out", tmp_path / "b", "--history", store, "--no-sheets", "--mock-date", "2026-05-10")
    assert same.exit_code == 0, same.output
