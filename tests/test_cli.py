"""The command as a user meets it: exit codes, the one-line errors, the output folder."""

from __future__ import annotations

import errno
import hashlib
import subprocess
import sys
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner
from cohort_files import ENGLISH_HEADER, write_csv, write_xlsx
from test_messy_inputs import read_results

from jlpt_batch.cli import main
from jlpt_batch.contract import COLUMN_KEYS

GOOD = [ENGLISH_HEADER, ["001", "Ana", "1A", "N3", "40", "40", "", "40"], ["002", "Bo", "1A", "N5", "", "", "80", "18"]]
FAST = ["--no-sheets", "--no-workbook"]


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def good_csv(tmp_path) -> Path:
    return write_csv(tmp_path / "cohort.csv", GOOD)


def test_run_writes_results_and_exits_0(good_csv, tmp_path):
    out = tmp_path / "out"
    result = invoke("run", good_csv, "--out", out, *FAST)
    assert result.exit_code == 0, result.output
    assert "2 rows read, 2 judged: 1 passed, 1 not passed" in result.output
    data = (out / "results.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows Japanese names correctly
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[: len(COLUMN_KEYS)] == list(COLUMN_KEYS)
    assert lines[1].startswith("001,Ana,,1A,N3,2,40,40,,40,120,PASS,")
    assert lines[2].startswith("002,Bo,,1A,N5,3,,,80,18,98,FAIL,listening,")
    assert not (out / "summary.xlsx").exists() and not (out / "sheets").exists()


def test_default_output_folder_is_named_after_the_input(good_csv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("run", good_csv, *FAST).exit_code == 0
    assert (tmp_path / "cohort-results" / "results.csv").is_file()


def test_rejected_rows_exit_3_and_stay_in_results(tmp_path):
    path = write_csv(tmp_path / "c.csv", [*GOOD, ["003", "Cy", "1A", "N6", "1", "1", "", "1"]])
    result = invoke("run", path, "--out", tmp_path / "out", *FAST)
    assert result.exit_code == 3
    assert "row 4: Level 'N6' is not a JLPT level; write N1, N2, N3, N4 or N5" in result.output
    last = (tmp_path / "out" / "results.csv").read_text(encoding="utf-8-sig").splitlines()[-1]
    assert last.startswith("003,Cy,,1A,N6,4,") and ",REJECTED," in last


def test_unreadable_input_exits_1_with_one_line_and_writes_nothing(tmp_path):
    empty = tmp_path / "c.csv"
    empty.write_bytes(b"")
    result = invoke("run", empty, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.output == "Error: c.csv is empty (0 bytes); export the cohort again\n"
    assert not (tmp_path / "out").exists()


def test_missing_sheet_is_a_usage_error_listing_sheets(tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [ENGLISH_HEADER, ["1", "A", "1A", "N3", 40, 40, None, 40]])
    result = invoke("run", path, "--sheet", "Nope", "--out", tmp_path / "out", *FAST)
    assert result.exit_code == 2
    assert result.output == "Error: sheet 'Nope' not found in c.xlsx; sheets are: 'Scores' and 'Notes'\n"


@pytest.mark.parametrize(("args", "message"), [
    (["--paper", "a3"], "--paper 'a3' is not allowed; use one of: a4, letter"),
    (["--sitting", "2026-05"], "a JLPT sitting is in July or December, not month 5"),
    (["--sitting", "soon"], "sitting 'soon' is not YYYY-MM"),
])  # fmt: skip
def test_bad_options_exit_2(good_csv, tmp_path, args, message):
    result = invoke("run", good_csv, "--out", tmp_path / "out", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_a_folder_not_written_by_us_is_refused_without_force(good_csv, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    result = invoke("run", good_csv, "--out", out, *FAST)
    assert result.exit_code == 2 and "was not written by jlpt-batch" in result.output
    assert (out / "thesis.docx").read_text() == "precious"
    assert invoke("run", good_csv, "--out", out, "--force", *FAST).exit_code == 0
    assert not (out / "thesis.docx").exists() and (out / "results.csv").exists()


def test_rerun_replaces_its_own_folder_whole(good_csv, tmp_path):
    out = tmp_path / "out"
    assert invoke("run", good_csv, "--out", out).exit_code == 0
    assert (out / "summary.xlsx").exists()
    assert invoke("run", good_csv, "--out", out, *FAST).exit_code == 0
    assert not (out / "summary.xlsx").exists()  # the old folder went as a whole
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging left


def test_same_input_gives_byte_identical_results(good_csv, tmp_path):
    invoke("run", good_csv, "--out", tmp_path / "a", *FAST)
    invoke("run", good_csv, "--out", tmp_path / "b", *FAST)
    assert (tmp_path / "a" / "results.csv").read_bytes() == (tmp_path / "b" / "results.csv").read_bytes()


def test_input_is_never_modified(good_csv, tmp_path):
    before = hashlib.sha256(good_csv.read_bytes()).hexdigest()
    invoke("run", good_csv, "--out", tmp_path / "out")
    assert hashlib.sha256(good_csv.read_bytes()).hexdigest() == before


def test_formula_like_text_is_written_inert(tmp_path):
    rows = [ENGLISH_HEADER, ["=1+1", '=HYPERLINK("http://x","y")', "@cls", "N3", "40", "40", "", "40"]]
    invoke("run", write_csv(tmp_path / "c.csv", [*rows[:1], [c.replace(",", ";") for c in rows[1]]]),
           "--out", tmp_path / "out", *FAST)  # fmt: skip
    line = (tmp_path / "out" / "results.csv").read_text(encoding="utf-8-sig").splitlines()[1]
    assert line.startswith("'=1+1,")
    assert "'@cls" in line and "'=HYPERLINK(" in line


def test_check_lists_rejections_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_csv(tmp_path / "c.csv", [*GOOD, ["", "No id", "1A", "N3", "1", "1", "", "1"]])
    result = invoke("check", path)
    assert result.exit_code == 3
    assert "1 row would be rejected:" in result.output
    assert "row 4: Candidate No is empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]


def test_check_of_a_clean_file_exits_0(good_csv):
    result = invoke("check", good_csv)
    assert result.exit_code == 0 and "Every row can be judged." in result.output


def test_settings_file_beside_the_input_is_used(good_csv, tmp_path):
    (tmp_path / "jlpt-batch.toml").write_text('school = "Test School"\nsitting = "2026-12"\nbogus = 1\n')
    result = invoke("run", good_csv, "--out", tmp_path / "out", *FAST)
    assert result.exit_code == 2
    assert "unknown setting 'bogus'" in result.output


def all_commands_and_params():
    for name, command in main.commands.items():
        yield name, command, None
        for param in command.params:
            if isinstance(param, click.Option):
                yield name, command, param


@pytest.mark.parametrize(("name", "command", "option"), list(all_commands_and_params()))
def test_every_command_and_option_has_help(name, command, option):
    text = command.help if option is None else option.help
    assert text and len(text.strip()) > 10, f"{name} {option.name if option else ''} has no help"


def test_python_dash_m_runs_the_command():
    result = subprocess.run([sys.executable, "-m", "jlpt_batch", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "jlpt-batch" in result.stdout


def test_results_follow_the_documented_schema(good_csv, tmp_path):
    from jlpt_batch.contract import SCHEMA
    from jlpt_batch.pipeline import load_cohort
    from jlpt_batch.settings import Settings

    judged = load_cohort(Settings(good_csv, tmp_path / "out")).judged
    assert dict(judged.schema) == SCHEMA


@pytest.mark.parametrize(
    ("error", "advice"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "free some disk space"),
        (OSError(errno.EROFS, "Read-only file system"), "that disk is read-only: choose another --out"),
        (OSError(errno.ENAMETOOLONG, "File name too long", "x" * 300), "a file name is too long"),
    ],
)
def test_a_refused_write_is_one_line_and_the_earlier_output_stays(good_csv, tmp_path, monkeypatch, error, advice):
    out = tmp_path / "out"
    assert invoke("run", good_csv, "--out", out, *FAST).exit_code == 0
    before = (out / "results.csv").read_bytes()

    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr("jlpt_batch.outputs.results_csv.write_results", refuse)
    result = invoke("run", good_csv, "--out", out, *FAST)
    assert result.exit_code == 4
    assert result.output.count("\n") == 1 and result.output.startswith(f"Error: the output folder {out}")
    assert advice in result.output and "Any earlier output folder is as it was" in result.output
    assert (out / "results.csv").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_unexpected_failure_is_one_line_with_a_crash_report(good_csv, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))

    def broken(*args, **kwargs):
        return 1 / 0

    monkeypatch.setattr("jlpt_batch.pipeline.judge", broken)
    result = invoke("run", good_csv, "--out", tmp_path / "out", *FAST)
    assert result.exit_code == 5
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert "an unexpected problem stopped the run (ZeroDivisionError: division by zero)" in result.output
    (report,) = tmp_path.glob("jlpt-batch-crash-*.txt")
    assert str(report) in result.output
    assert "Traceback" in report.read_text() and "ZeroDivisionError" in report.read_text()
    assert not (tmp_path / "out").exists()


def test_an_output_folder_name_too_long_for_the_disk_is_one_line(good_csv, tmp_path):
    result = invoke("run", good_csv, "--out", tmp_path / ("あ" * 90), *FAST)
    assert result.exit_code == 4
    assert result.output.count("\n") == 1 and "a file name is too long for that disk" in result.output


@pytest.mark.parametrize(
    ("exam", "note"),
    [
        (["--sitting", "2025-07"], "The score reports of this sitting carry no CEFR level: they do from the JLPT "
                                   "December 2025 sitting on."),
        (["--mock-date", "2026-10-04"], "A mock exam is not on the JLPT's scale, so it gives no CEFR level."),
    ],
)  # fmt: skip
def test_no_cefr_level_where_the_exam_reports_none(tmp_path, exam, note):
    """Reports carry a CEFR level from the December 2025 sitting on, and a mock never: results.csv and
    the workbook say none, as the sheets do."""
    out = tmp_path / "out"
    result = invoke("run", write_csv(tmp_path / "c.csv", GOOD), "--out", out, "--no-sheets", *exam)
    assert result.exit_code == 0, result.output
    passed = next(row for row in read_results(out / "results.csv") if row["result"] == "PASS")
    assert passed["cefr"] == ""
    notes = [cell.value for row in openpyxl.load_workbook(out / "summary.xlsx")["By level"].iter_rows() for cell in row]
    assert note in notes


def test_a_pass_at_a_sitting_that_reports_cefr_has_its_level(tmp_path):
    out = tmp_path / "out"
    result = invoke("run", write_csv(tmp_path / "c.csv", GOOD), "--out", out, *FAST, "--sitting", "2025-12")
    assert result.exit_code == 0, result.output
    assert [row["cefr"] for row in read_results(out / "results.csv")] == ["B1", ""]


def test_check_reads_the_settings_file_beside_the_input(good_csv, tmp_path):
    (tmp_path / "jlpt-batch.toml").write_text('admin_lang = "ja"\n', encoding="utf-8")
    result = invoke("check", good_csv)
    assert result.exit_code == 0, result.output
    assert "2行を読み込み" in result.output
    (tmp_path / "jlpt-batch.toml").write_text('paper = "b5"\n', encoding="utf-8")
    result = invoke("check", good_csv)
    assert result.exit_code == 2 and "paper" in result.output
