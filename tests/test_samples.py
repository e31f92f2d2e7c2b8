"""The committed samples are exactly what samples/make_samples.py writes, and say what the README says."""

from __future__ import annotations

import importlib.util
import itertools
import re
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
XLSX, CSV = SAMPLES / "cohort.xlsx", SAMPLES / "cohort-cp932.csv"
XLSX_FIRST_ROW, CSV_FIRST_ROW, CANDIDATES = 4, 2, 240
CLASSES = ("1A", "1B", "2A", "2B", "3A", "3B")


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


make_samples = _load_generator()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    """The samples written afresh, the way the README says to run the script."""
    out = tmp_path_factory.mktemp("samples")
    subprocess.run([sys.executable, str(SAMPLES / "make_samples.py"), str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def sheet():
    return openpyxl.load_workbook(XLSX).active


@pytest.fixture(scope="module")
def csv_rows() -> list[list[str]]:
    text = CSV.read_bytes().decode("cp932")
    return [line.split(",") for line in text.split("\r\n") if line]


def _cell_values(path: Path) -> list[tuple]:
    return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))


def _merged(path: Path) -> set[str]:
    return {str(cell_range) for cell_range in openpyxl.load_workbook(path).active.merged_cells.ranges}


# --- the samples are generated, not edited ------------------------------------------------


def test_regenerated_csv_is_byte_identical(regenerated):
    assert (regenerated / CSV.name).read_bytes() == CSV.read_bytes()


def test_regenerated_xlsx_has_identical_cells_and_merges(regenerated):
    assert _cell_values(regenerated / XLSX.name) == _cell_values(XLSX)
    assert _merged(regenerated / XLSX.name) == _merged(XLSX)


def test_workbook_properties_are_fixed(regenerated):
    props = openpyxl.load_workbook(regenerated / XLSX.name).properties
    assert (props.created, props.modified) == (make_samples.DOC_TIME, make_samples.DOC_TIME)
    assert props.creator == make_samples.SCHOOL


# --- the workbook looks like a school's -------------------------------------------------------


def test_title_and_blank_row_above_the_header(sheet):
    assert sheet["A1"].value.startswith("Sakura Japanese Language School")
    assert all(cell.value is None for cell in sheet[2])
    assert [cell.value for cell in sheet[3]][:4] == ["Candidate No", "Name", "Class", "Level"]
    assert sheet.max_row == XLSX_FIRST_ROW + CANDIDATES - 1


def test_class_column_is_merged_once_per_class_block(sheet):
    blocks = sorted((r.min_row, r.max_row, r.min_col, r.max_col) for r in sheet.merged_cells.ranges)
    assert [(c0, c1) for _, _, c0, c1 in blocks] == [(3, 3)] * len(CLASSES)
    assert blocks[0][0] == XLSX_FIRST_ROW and blocks[-1][1] == sheet.max_row
    assert all(prev[1] + 1 == nxt[0] for prev, nxt in itertools.pairwise(blocks))  # no gaps
    assert [sheet.cell(start, 3).value for start, *_ in blocks] == list(CLASSES)


def test_candidate_numbers_are_text_with_leading_zeros(sheet):
    ids = [sheet.cell(row, 1).value for row in range(XLSX_FIRST_ROW, sheet.max_row + 1)]
    assert all(isinstance(value, str) and re.fullmatch(r"\d{5}", value) for value in ids)
    assert any(value.startswith("00") for value in ids)


def test_untidy_values_are_there(sheet):
    cells = [cell for row in sheet.iter_rows(min_row=XLSX_FIRST_ROW) for cell in row]
    values = [cell.value for cell in cells]
    assert any(isinstance(v, str) and re.fullmatch("[０-９]+", v) for v in values)  # full-width digits
    assert any(isinstance(v, str) and re.fullmatch(r"\d+\.0", v) for v in values)  # "19.0" as text
    assert any(cell.number_format == "0.0" for cell in cells if isinstance(cell.value, (int, float)))
    assert {"欠席", "*", "N6", "4O"} <= set(values)


def test_names_in_every_script(sheet):
    names = [sheet.cell(row, 2).value for row in range(XLSX_FIRST_ROW, sheet.max_row + 1)]
    text = "".join(names)
    assert "髙橋" in text and "山﨑" in text
    assert "Nguyễn Thị Ánh" in names
    for script in ("HANGUL", "HIRAGANA", "KATAKANA", "CJK UNIFIED", "LATIN"):
        assert any(unicodedata.name(ch, "").startswith(script) for ch in text), script
    assert any(_not_in_cp932(ch) for ch in text if unicodedata.name(ch, "").startswith("CJK"))  # simplified


def _not_in_cp932(text: str) -> bool:
    try:
        text.encode("cp932")
    except UnicodeEncodeError:
        return True
    return False


# --- the csv is what Japanese Excel saves -------------------------------------------------------


def test_csv_is_cp932_and_not_utf8():
    data = CSV.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp932")
    assert text.startswith("受験番号,氏名,クラス,レベル,")
    assert "髙橋" in text and "山﨑" in text and "\r\n" in text


def test_csv_has_no_total_and_every_row_has_its_class(csv_rows):
    header = csv_rows[0]
    assert "言語知識（文字・語彙・文法）・読解" in header and "聴解" in header
    assert not {"Total", "total", "合計", "総合得点"} & set(header)
    assert len(csv_rows) == 1 + CANDIDATES
    assert {row[2] for row in csv_rows[1:]} == set(CLASSES)


def test_csv_holds_the_same_candidates_as_the_workbook(sheet, csv_rows):
    xlsx_ids = [sheet.cell(row, 1).value for row in range(XLSX_FIRST_ROW, sheet.max_row + 1)]
    assert [row[0] for row in csv_rows[1:]] == xlsx_ids


def test_csv_names_are_kept_or_romanised(sheet, csv_rows):
    for offset, row in enumerate(csv_rows[1:]):
        written = sheet.cell(XLSX_FIRST_ROW + offset, 2).value
        if _not_in_cp932(written):
            assert row[1].strip().isascii() and row[1].strip(), written
        else:
            assert row[1] == written


def test_csv_levels_are_written_variously(csv_rows):
    levels = {row[3] for row in csv_rows[1:]}
    assert {"N3", "ｎ４", "n2", "Ｎ３"} <= levels


# --- the cohort resembles the national figures ------------------------------------------------


def _passed(candidate, rules) -> bool:
    level = rules["levels"][candidate.level]
    scores = candidate.scores
    return sum(scores.values()) >= level["pass_mark"] and all(
        scores[key] >= limits["floor"] for key, limits in level["sections"].items()
    )


def test_pass_rates_are_near_the_national_certified_rates():
    rules = tomllib.loads((ROOT / "jlpt_batch" / "rules.toml").read_text(encoding="utf-8"))
    national = {"N1": 33.3, "N2": 38.4, "N3": 38.0, "N4": 33.0, "N5": 49.8}  # certification.csv, all
    cohort = [c for c in make_samples.build_cohort() if not c.note]
    for level, rate in national.items():
        group = [c for c in cohort if c.level == level]
        share = 100 * sum(_passed(c, rules) for c in group) / len(group)
        assert abs(share - rate) < 5, (level, share, rate)


def test_levels_and_classes_match_the_plan():
    cohort = make_samples.build_cohort()
    assert len(cohort) == CANDIDATES
    for class_name, levels in make_samples.CLASS_PLAN:
        in_class = [c.level for c in cohort if c.class_name == class_name]
        assert {level: in_class.count(level) for level in levels} == levels


# --- the README tells the truth about the deliberate rows ----------------------------------------


def _readme_rows() -> dict[tuple[int, int, str], tuple[str, str]]:
    """(xlsx row, csv row, id) -> (expected result in the xlsx, in the csv), from the README tables."""
    rows = {}
    for line in (SAMPLES / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].isdigit() and cells[1].isdigit():
            expected = cells[5]
            csv_result = re.search(r"\(csv: (\w+)\)", expected)
            xlsx_result = expected.split(",")[0].split(" ")[0]
            rows[(int(cells[0]), int(cells[1]), cells[2])] = (xlsx_result, csv_result[1] if csv_result else xlsx_result)
    return rows


def test_readme_lists_every_deliberate_row_where_it_is():
    cohort = make_samples.build_cohort()
    listed = {
        (xlsx_row, csv_row, candidate_id) for xlsx_row, csv_row, candidate_id, _ in make_samples.special_rows(cohort)
    }
    assert set(_readme_rows()) == listed


def test_readme_rows_hold_those_candidates(sheet, csv_rows):
    for xlsx_row, csv_row, candidate_id in _readme_rows():
        assert sheet.cell(xlsx_row, 1).value == candidate_id
        assert csv_rows[csv_row - 1][0] == candidate_id


@pytest.mark.parametrize(("path", "which"), [(XLSX, 0), (CSV, 1)], ids=["xlsx", "csv"])
def test_reader_gives_the_results_the_readme_promises(path, which, tmp_path):
    pipeline = pytest.importorskip("jlpt_batch.pipeline")
    from jlpt_batch.settings import Settings

    judged = pipeline.load_cohort(Settings(input_path=path, out_dir=tmp_path / "out")).judged
    results = dict(zip(judged["source_row"].to_list(), judged["result"].to_list(), strict=True))
    expected = {rows[which]: outcome[which] for rows, outcome in _readme_rows().items()}
    assert {row: results[row] for row in expected} == expected
    rejected_elsewhere = [row for row, result in results.items() if result == "REJECTED" and row not in expected]
    assert rejected_elsewhere == []
    assert len(results) == CANDIDATES
