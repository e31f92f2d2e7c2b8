"""The sample mock exam is exactly what samples/make_mock.py writes, and marks as samples/README.md says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from click.testing import CliRunner

from jlpt_batch.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
RESPONSES, KEY = SAMPLES / "mock-responses.csv", SAMPLES / "mock-key.xlsx"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mock-sample")
    subprocess.run([sys.executable, str(SAMPLES / "make_mock.py"), str(out)], check=True, capture_output=True)
    return out


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


def test_regenerated_responses_are_byte_identical(regenerated):
    assert (regenerated / RESPONSES.name).read_bytes() == RESPONSES.read_bytes()


def test_regenerated_key_has_identical_worksheets(regenerated):
    assert _cells(regenerated / KEY.name) == _cells(KEY)
    assert list(_cells(KEY)) == ["key", "conversion"]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> tuple[object, Path]:
    out = tmp_path_factory.mktemp("mock-run") / "out"
    args = ["run", str(RESPONSES), "--key", str(KEY), "--out", str(out), "--no-sheets", "--mock-date", "2026-11-15",
            "--as-of", "2026-11-20"]  # fmt: skip
    return CliRunner().invoke(main, args), out


def test_the_sample_marks_without_rejections(sample_run):
    result, _out = sample_run
    assert result.exit_code == 0, result.output
    assert "58 rows read, 58 judged" in result.output
    assert (
        "warning: 3 answer(s) had two or more marks and were counted wrong (row 5 Q40, row 41 Q20 and row 49 Q61)"
        in result.output
    )


def test_the_sample_flags_its_deliberate_questions(sample_run):
    _, out = sample_run
    items = pl.read_csv(out / "items.csv", infer_schema=False)
    flagged = items.filter(pl.col("flags").str.contains("check_key"))
    assert flagged.select("level", "item").rows() == [("N3", "Q12")]
    warm_up = items.filter((pl.col("level") == "N4") & (pl.col("item") == "Q1")).row(0, named=True)
    assert warm_up["facility"] == "1.0000" and "too_easy" in warm_up["flags"]


def test_the_sample_student_absent_from_listening_is_not_scored(sample_run):
    _, out = sample_run
    results = pl.read_csv(out / "results.csv", infer_schema=False)
    absent = results.filter(pl.col("absent_sections") == "listening")
    assert absent.select("candidate_id", "level", "result").rows() == [("M2026036", "N3", "FAIL")]
    assert set(results["exam_kind"].to_list()) == {"mock"}
