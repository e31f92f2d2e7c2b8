"""A marked mock in the administrator's language: the key's errors, rejected answers, the warnings
and the Item analysis tab in Japanese, with no internal key where a person reads."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from mock_exam import questions, students, write_key, write_responses

from jlpt_batch.cli import main
from jlpt_batch.contract import COLUMN_KEYS
from jlpt_batch.marking.analysis import FLAGS
from jlpt_batch.rules import PARTS, SECTION_KEYS

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
INTERNAL = sorted({*(key for key in COLUMN_KEYS if "_" in key), *SECTION_KEYS, *PARTS, *FLAGS, "sitting", "mock"},
                  key=len, reverse=True)  # fmt: skip
INTERNAL_WORD = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, INTERNAL)) + r")(?![\w.-])")


def invoke(*args: object):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_the_sample_mock_s_workbook_and_terminal_speak_japanese_and_show_no_internal_key(tmp_path):
    out = tmp_path / "out"
    result = invoke("run", SAMPLES / "mock-responses.csv", "--key", SAMPLES / "mock-key.xlsx", "--mock-date",
                    "2026-11-15", "--out", out, "--no-sheets", "--admin-lang", "ja")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "注意：二重マークの解答が3件あり、不正解として採点しました（5行目のQ40、41行目のQ20、49行目のQ61）。"
        "受験者ごとの件数は results.csv にあります"
    ) in result.output.splitlines()
    assert "N3のQ12（正答2、上位群が最も多く選んだのは3）" in result.output
    assert not INTERNAL_WORD.search(result.output), INTERNAL_WORD.search(result.output)
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames[-2:] == ["問題分析", "入力不備"]
    items = [[cell for cell in row if cell is not None] for row in book["問題分析"].iter_rows(values_only=True)]
    assert items[0] == ["模擬試験の問題分析"]
    assert [str(cell) for cell in _row_starting(items, "レベル", 2)[:6]] == [
        "レベル",
        "得点区分",
        "分野",
        "問題",
        "正答",
        "配点",
    ]
    assert any(row[-1] == "難しすぎる、識別力が低い、正答を確認" for row in items if row)
    results = list(book["判定結果一覧"].iter_rows(min_row=3, values_only=True))
    assert "聴解 0〜60点（模擬試験からの推定）" in results[0]
    assert results[1][results[0].index("試験の種類（本試験・模擬試験）")] == "模擬試験"
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not INTERNAL_WORD.search(value), f"{sheet.title}: {value!r}"


def _row_starting(rows: list[list[object]], first: str, nth: int) -> list[object]:
    """The nth row (1-based) whose first cell is ``first``: the heading rows of the tab's tables."""
    return [row for row in rows if row and row[0] == first][nth - 1]


def test_a_key_error_is_one_japanese_line_naming_the_key_s_row_and_the_sections_in_words(tmp_path):
    key_path = tmp_path / "key.csv"
    key_path.write_text("level,item,answer,section,part\nN3,Q1,1,listening,grammar\n", encoding="utf-8")
    responses = write_responses(tmp_path / "responses.csv", students(questions(), count=24), ["Q1"])
    result = invoke("check", responses, "--key", key_path, "--admin-lang", "ja")
    assert result.exit_code == 2
    assert result.output == (
        "エラー：正答表 key.csv、2行目：文法の問題は言語知識または言語知識・読解に入り、聴解には入りません。"
        "分野か得点区分を直してください\n"
    )


def test_an_answer_that_is_not_one_rejects_its_row_in_japanese(tmp_path):
    key = questions()
    cohort = students(key, count=24)
    cohort[0].cells["Q2"] = "x"
    columns = [f"Q{n}" for n in range(1, 37)]
    out = tmp_path / "out"
    responses = write_responses(tmp_path / "responses.csv", cohort, columns)
    key_path = write_key(tmp_path / "key.csv", key)
    result = invoke("run", responses, "--key", key_path, "--out", out, "--no-sheets", "--admin-lang", "ja")
    assert result.exit_code == 3, result.output
    with (out / "results.csv").open(encoding="utf-8-sig") as handle:
        rejected = [row for row in csv.DictReader(handle) if row["result"] == "REJECTED"]
    assert [row["error"] for row in rejected] == [
        f"{cohort[0].row}行目：「Q2」の「x」は解答として読めません。1-4（または①-④）で書いてください。"
        "無解答なら空欄に、二重マークは 1,3 のように書いてください"
    ]
