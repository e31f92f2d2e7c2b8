"""The sheet stage: which files appear, what they are called, what is in each bundle."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from cohort_files import ENGLISH_HEADER
from feedback_rows import settings
from helpers_sheets import cohort, page_texts, rejected, student, three, two

from jlpt_batch.cli import main
from jlpt_batch.outputs.sheets import plan, stage
from jlpt_batch.outputs.sheets.names import UniqueNames, safe_stem
from jlpt_batch.outputs.sheets.progress import ProgressBar
from jlpt_batch.outputs.sheets.stage import write_sheets


def small_cohort() -> list[dict]:
    return [
        student("00300", "Sato Yui", "2A", 2),
        student("00100", "Abe Ken", "2A", 3, scores=three(30, 30, 30)),
        rejected("00150", 4),
        student("00200", "Kim Min-jun", "2B", 5, scores=two(70, 15), language="ko"),
        student("00250", "Nguyễn Thị Ánh", None, 6, scores=three(40, None, 40), language="vi"),
        student("00090", "Mori Aoi", "2A", 7, scores=three(50, 17, 45)),
    ]


def run_stage(tmp_path, rows, **overrides):
    return write_sheets(cohort(rows), tmp_path, settings(out_dir=tmp_path, jobs=1, **overrides))


def sheet_names(folder) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_every_judged_student_gets_a_sheet_and_every_class_a_bundle(tmp_path):
    outcome = run_stage(tmp_path, small_cohort())
    assert sheet_names(tmp_path / "sheets") == ["00090.pdf", "00100.pdf", "00200.pdf", "00250.pdf", "00300.pdf"]
    assert "00150.pdf" not in sheet_names(tmp_path / "sheets")  # REJECTED: no sheet
    assert sheet_names(tmp_path / "print") == ["2A.pdf", "2B.pdf", "no-class.pdf"]
    assert (outcome.sheets_written, outcome.bundles_written) == (5, 3)
    for path in (tmp_path / "sheets").iterdir():
        assert len(page_texts(path)) == 1


def test_each_sheet_file_is_that_students_sheet_in_their_language(tmp_path):
    run_stage(tmp_path, small_cohort())
    korean = page_texts(tmp_path / "sheets" / "00200.pdf")[0]
    assert "Kim Min-jun" in korean and "불합격" in korean
    vietnamese = page_texts(tmp_path / "sheets" / "00250.pdf")[0]
    assert "Nguyễn Thị Ánh" in vietnamese and "00250" in vietnamese


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("input", ["Sato Yui", "Abe Ken", "Mori Aoi"]),
        ("id", ["Mori Aoi", "Abe Ken", "Sato Yui"]),
        ("name", ["Abe Ken", "Mori Aoi", "Sato Yui"]),
    ],
)
def test_a_bundle_has_the_cover_then_each_sheet_in_the_sort_order(tmp_path, sort, order):
    run_stage(tmp_path, small_cohort(), sort=sort)
    pages = page_texts(tmp_path / "print" / "2A.pdf")
    assert len(pages) == 4
    assert "Class 2A" in pages[0] and all(name in pages[0] for name in order)
    assert [next(name for name in order if name in page) for page in pages[1:]] == order


@pytest.mark.parametrize(("duplex", "pages"), [(False, 1 + 3), (True, 2 + 3 * 2)])
def test_duplex_starts_every_student_on_a_new_sheet_of_paper(tmp_path, duplex, pages):
    run_stage(tmp_path, small_cohort(), duplex=duplex)
    texts = page_texts(tmp_path / "print" / "2A.pdf")
    assert len(texts) == pages
    if duplex:
        assert [bool(text.strip()) for text in texts] == [True, False] * 4


def test_a_long_class_cover_runs_over_pages_and_duplex_pads_after_it(tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "FILES_PER_TASK", 20)  # also exercises a class split across tasks
    rows = [student(f"{i:05d}", f"Student {i}", "3C", i + 1) for i in range(45)]
    outcome = run_stage(tmp_path, rows, duplex=True)
    texts = page_texts(tmp_path / "print" / "3C.pdf")
    assert outcome.sheets_written == 45 and outcome.bundles_written == 1
    assert len(texts) == 2 + 45 * 2  # a two-page cover (no padding needed), then sheet + blank each
    assert "Student 44" in texts[1] and not texts[3].strip()


def test_a_class_larger_than_a_bundle_prints_as_numbered_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(plan, "STUDENTS_PER_BUNDLE", 20)
    monkeypatch.setattr(plan, "FILES_PER_TASK", 8)
    rows = [student(f"{i:05d}", f"Student {i}", "4D", i + 1) for i in range(45)]
    rows.append(student("09999", "Solo Student", "4E", 50))
    outcome = run_stage(tmp_path, rows)
    assert sheet_names(tmp_path / "print") == ["4D-part1.pdf", "4D-part2.pdf", "4D-part3.pdf", "4E.pdf"]
    assert (outcome.sheets_written, outcome.bundles_written) == (46, 4)
    parts = [page_texts(tmp_path / "print" / f"4D-part{k}.pdf") for k in (1, 2, 3)]
    assert [len(pages) for pages in parts] == [1 + 20, 1 + 20, 1 + 5]
    assert "Class 4D: feedback sheets (2/3)" in parts[1][0]
    # The cover numbers run on from part to part; every student is in exactly one part.
    assert "21 00020 Student 20" in parts[1][0]
    sheets_in_parts = [page for pages in parts for page in pages[1:]]
    assert [f"Student {i}" in page for i, page in enumerate(sheets_in_parts)] == [True] * 45
    assert "(1/1)" not in page_texts(tmp_path / "print" / "4E.pdf")[0]


def test_file_names_are_made_safe_and_unique(tmp_path):
    ids = ["A/1", "a/1", "../../etc/x", "..", "CON", "名前 01", "A_1"]
    rows = [student(cid, f"Student {i}", "../../escape", i + 2) for i, cid in enumerate(ids)]
    run_stage(tmp_path, rows)
    names = sheet_names(tmp_path / "sheets")
    expected = ["A_1.pdf", "a_1-2.pdf", "_.._etc_x.pdf", "row-5.pdf", "CON_.pdf", "名前_01.pdf", "A_1-3.pdf"]
    assert names == sorted(expected)
    assert sheet_names(tmp_path / "print") == ["_.._escape.pdf"]
    every_file = [path.resolve() for path in tmp_path.rglob("*") if path.is_file()]
    assert all(path.is_relative_to(tmp_path.resolve()) for path in every_file)
    assert len(every_file) == len(ids) + 1


@pytest.mark.parametrize(
    ("text", "stem"),
    [
        ("00123", "00123"),
        ("../x", "_x"),
        (".", "fb"),
        ("", "fb"),
        (None, "fb"),
        ("a b.c", "a_b.c"),
        ("nul.txt", "nul.txt_"),
    ],
)
def test_safe_stem(text, stem):
    assert safe_stem(text, "fb") == stem


def test_unique_names_ignore_case_and_never_reuse_a_suffix():
    names = UniqueNames()
    assert [names.claim(stem) for stem in ["x", "X", "x-2", "x"]] == ["x", "X-2", "x-2-2", "x-3"]


def test_a_name_no_font_can_draw_is_reported_with_its_row(tmp_path):
    rows = [student("00001", "Ana \U0010fffd Lima", "2A", 9), student("00002", "髙橋 一郎", "2A", 10)]
    outcome = run_stage(tmp_path, rows)
    [warning] = [str(w) for w in outcome.warnings if "font" in str(w)]
    assert "row 9" in warning and "00001" in warning and "U+10FFFD" in warning
    assert "Ana \ufffd Lima" in page_texts(tmp_path / "sheets" / "00001.pdf")[0]


def test_a_name_too_long_to_print_whole_is_reported_with_its_row(tmp_path):
    name = "Maximiliana " * 90 + "Endname"
    outcome = run_stage(tmp_path, [student("00001", name, "2A", 7), student("00002", "Tanaka Hana", "2A", 8)])
    assert [str(w) for w in outcome.warnings if "too long" in str(w)] == [
        f"row 7 (candidate 00001): 'Name' is {len(name):,} characters, too long to print whole on the sheet, "
        "which ends it with …; results.csv keeps it as written"
    ]


def test_languages_without_wording_are_reported(tmp_path):
    outcome = run_stage(tmp_path, [student("00001", "Ana Lima", "2A", 2, language="pt")])
    assert any("'pt'" in str(warning) for warning in outcome.warnings)


def test_worker_processes_write_the_same_bytes_as_one_process(tmp_path, monkeypatch):
    monkeypatch.setattr(stage, "IN_PROCESS_BELOW", 1)
    rows = small_cohort()
    alone, pooled = tmp_path / "alone", tmp_path / "pooled"
    write_sheets(cohort(rows), alone, settings(out_dir=alone, jobs=1))
    outcome = write_sheets(cohort(rows), pooled, settings(out_dir=pooled, jobs=2))
    assert outcome.sheets_written == 5
    files = sorted(path.relative_to(alone) for path in alone.rglob("*.pdf"))
    assert files == sorted(path.relative_to(pooled) for path in pooled.rglob("*.pdf"))
    assert all((alone / f).read_bytes() == (pooled / f).read_bytes() for f in files)


def test_progress_is_reported_until_every_student_is_done(tmp_path):
    calls = []
    run_settings = settings(out_dir=tmp_path, jobs=1)
    write_sheets(cohort(small_cohort()), tmp_path, run_settings, progress=lambda *call: calls.append(call))
    assert calls[-1] == (5, 5)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_the_progress_bar_draws_on_its_stream_and_ends_the_line():
    stream = io.StringIO()
    bar = ProgressBar(10, stream)
    bar(4, 10)
    bar(10, 10)
    assert stream.getvalue().endswith("] 10/10\n") and "[" in stream.getvalue()


def test_a_class_whose_every_row_was_rejected_gets_a_cover_saying_so(tmp_path):
    outcome = run_stage(tmp_path, [rejected("00001", 2)])
    assert (outcome.sheets_written, outcome.bundles_written) == (0, 1)
    assert sheet_names(tmp_path / "sheets") == [] and sheet_names(tmp_path / "print") == ["2A.pdf"]
    [cover] = page_texts((tmp_path / "print" / "2A.pdf").read_bytes())
    assert "0 students: 0 passed, 0 not passed, 0 not scored" in cover
    assert "00001 Rejected Row, level N9, input row 2: see the workbook's Rejected sheet" in cover


def test_a_rejected_row_is_listed_on_its_class_cover_not_lost(tmp_path):
    run_stage(tmp_path, small_cohort())
    cover = page_texts((tmp_path / "print" / "2A.pdf").read_bytes())[0]
    assert "Not in this bundle: 1 row of this class could not be judged" in cover
    assert "00150" in cover and "level N9, input row" in cover


def test_names_that_could_break_a_sheet_stay_whole_in_results_and_tidy_on_paper(tmp_path):
    """The real command on a CSV of hostile names: one page each, full names in results.csv."""
    names = {
        "00001": "Maximiliana " * 416 + "Endname",  # about 5,000 characters
        "00002": "Ana\nMaria\u202e\x07 Lima",  # a line break, a bidi override, a control character
        "00003": "𠮷野 家 \U0001f600",  # beyond U+FFFF: a rare kanji and an emoji
        "00004": "محمد علي",  # right to left
    }
    rows = [ENGLISH_HEADER] + [[cid, name, "1A", "N3", 40, 40, None, 40] for cid, name in names.items()]
    source = tmp_path / "names.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(source), "--out", str(out), "--jobs", "1", "--no-workbook"])
    assert result.exit_code == 0, result.output
    with (out / "results.csv").open(encoding="utf-8-sig", newline="") as handle:
        written = {line["candidate_id"]: line["name"] for line in csv.DictReader(handle)}
    assert written == names
    for candidate_id in names:
        assert len(page_texts(out / "sheets" / f"{candidate_id}.pdf")) == 1
    long_sheet = page_texts(out / "sheets" / "00001.pdf")[0]
    assert "Maximiliana Maximiliana" in long_sheet and "…" in long_sheet and "Endname" not in long_sheet
    from pypdf import PdfReader

    assert len(PdfReader(out / "sheets" / "00001.pdf").metadata.title) == 200  # the metadata shortened too
    assert "Ana Maria Lima" in page_texts(out / "sheets" / "00002.pdf")[0]
    assert "يلع دمحم" in page_texts(out / "sheets" / "00004.pdf")[0]
