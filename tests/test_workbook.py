"""summary.xlsx read back with openpyxl, as the administrator's spreadsheet program would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import zipfile
from pathlib import Path

import openpyxl
import pytest
from helpers_summary import candidate, cohort_run, random_rows, rejected
from openpyxl.utils import get_column_letter

from jlpt_batch.admin_wording import english
from jlpt_batch.contract import COLUMN_KEYS
from jlpt_batch.exams import Exam, Sitting
from jlpt_batch.outputs.workbook.writer import TABS, write_workbook
from jlpt_batch.reference import load_national
from jlpt_batch.rules import load_rules
from jlpt_batch.settings import Settings

AS_OF = dt.date(2026, 9, 14)
HOSTILE_NAMES = ('=HYPERLINK("http://x","y")', "+SUM(1,2)", "-1+2", "@x", " O'Neil & <Kim>\r\n ")
HOSTILE_ID = "=1+1"
HOSTILE_CLASS = "=CMD|' /C calc'!A0"


def settings(**overrides) -> Settings:
    values = dict(input_path=Path("cohort.xlsx"), out_dir=Path("out"), as_of=AS_OF, exam=Exam(Sitting(2026, 7)))
    return Settings(**(values | overrides))


def hostile_rows() -> list[dict]:
    return [
        candidate("N3", 40, 40, 40, row=1002, name=HOSTILE_NAMES[0], region="domestic"),  # pass
        candidate("N3", 30, 30, 29, row=1003, name=HOSTILE_NAMES[1], region="domestic", **{"class": HOSTILE_CLASS}),
        candidate("N3", 47, 46, 17, row=1004, name=HOSTILE_NAMES[2], region="domestic"),  # listening floor by 2
        candidate("N5", 60, None, row=1005, name=HOSTILE_NAMES[3], region="domestic"),  # absent
        rejected(1006, candidate_id=HOSTILE_ID, name="#N/A"),
        candidate("N1", 20, 20, 20, row=1007, name="Tanaka\x07Hana"),  # a control character
        candidate("N4", 100, 50, row=1008, name=HOSTILE_NAMES[4]),  # markup, spaces and a line break
    ]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return random_rows(seed=714, count=150) + hostile_rows()


@pytest.fixture(scope="module")
def book(rows, tmp_path_factory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("workbook") / "summary.xlsx"
    write_workbook(cohort_run(rows), path, settings())
    return openpyxl.load_workbook(path)


def values(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def table_after(sheet, first_heading: str) -> tuple[tuple, list[tuple]]:
    """The heading row that starts with ``first_heading`` and the rows below it, up to a blank row."""
    lines = values(sheet)
    start = next(i for i, line in enumerate(lines) if line and line[0] == first_heading)
    body = []
    for line in lines[start + 1 :]:
        if all(value is None for value in line):
            break
        body.append(line)
    return lines[start], body


def as_dicts(heading: tuple, body: list[tuple]) -> list[dict]:
    return [dict(zip(heading, line, strict=True)) for line in body]


def label_values(sheet) -> dict:
    """The label: value facts of the Overview's "This run" block."""
    facts, inside = {}, False
    for line in values(sheet):
        if line and line[0] == "This run":
            inside = True
        elif inside and all(value is None for value in line):
            break
        elif inside:
            facts[line[0]] = line[1]
    return facts


def plain_counts(rows: list[dict], level: str | None = None) -> dict:
    mine = [row for row in rows if level is None or row["level"] == level]
    ok = [row for row in mine if row["result"] != "REJECTED"]
    scored = [row for row in ok if row["scored"]]
    passed = sum(row["result"] == "PASS" for row in ok)
    return {
        "read": len(mine),
        "judged": len(ok),
        "scored": len(scored),
        "passed": passed,
        "not_passed": len(ok) - passed,
        "not_scored": len(ok) - len(scored),
        "rejected": len(mine) - len(ok),
        "pass_rate": passed / len(scored) if scored else None,
    }


def test_sheets_are_named_and_ordered_as_the_issue_lists(book):
    assert book.sheetnames == [
        "Overview", "By level", "By class", "Results", "Near misses", "Distribution", "Progress", "Rejected"
    ]  # fmt: skip
    assert book.sheetnames == [english().text(f"tabs.{key}") for key in TABS]


def test_without_a_history_store_the_progress_tab_says_so(book):
    lines = [row for row in book["Progress"].iter_rows(values_only=True) if any(row)]
    assert [cell for row in lines for cell in row if cell] == [
        "Progress since each student's previous exam",
        "No history store was used in this run, so there is nothing to compare with.",
    ]


def test_overview_states_the_run(book, rows):
    facts = label_values(book["Overview"])
    counts = plain_counts(rows)
    assert facts["Input file"] == "cohort.xlsx"
    assert facts["SHA-256 of the input file"] == "ab" * 32
    assert facts["Worksheet read"] == "Scores"
    assert facts["Rows read"] == len(rows)
    assert facts["Judged"] == counts["judged"]
    assert facts["Scored"] == counts["scored"]
    assert facts["Passed"] == counts["passed"]
    assert facts["Not passed"] == counts["not_passed"]
    assert facts["Not scored (absent)"] == counts["not_scored"]
    # The figures add up as the terminal summary's do.
    assert facts["Judged"] + facts["Rejected"] == facts["Rows read"]
    assert facts["Scored"] + facts["Not scored (absent)"] == facts["Judged"]
    assert facts["Passed"] + facts["Not passed"] == facts["Judged"]
    assert facts["Rejected"] == counts["rejected"]
    assert facts["Empty rows skipped"] == 2
    assert facts["As of"] == "14 September 2026"
    assert facts["Scores from"] == "the JLPT sitting of July 2026 (held 5 July 2026)"
    assert facts["Rules version"] == load_rules().version
    assert facts["Software"].startswith("jlpt-batch ") and "polars" in facts["Software"]
    assert "JLPT July 2018" in facts["National figures"]


def test_overview_headline_per_level_matches_a_plain_count(book, rows):
    heading, body = table_after(book["Overview"], "Level")
    assert heading[:6] == ("Level", "Judged", "Scored", "Passed", "Pass rate (%)", "National certified rate (%)")
    national = load_national()
    for line in as_dicts(heading, body):
        counts = plain_counts(rows, line["Level"])
        assert (line["Judged"], line["Scored"], line["Passed"]) == (
            counts["judged"],
            counts["scored"],
            counts["passed"],
        )
        assert line["Pass rate (%)"] == pytest.approx(counts["pass_rate"])
        region = "domestic" if line["National figures for"] == "examinees in Japan" else "all"
        assert line["National certified rate (%)"] == pytest.approx(national.certified_pct(line["Level"], region) / 100)
    assert [line[0] for line in body] == ["N1", "N2", "N3", "N4", "N5"]


def test_rates_are_formatted_as_percentages(book):
    sheet = book["Overview"]
    rate_cells = [row[4] for row in sheet.iter_rows() if isinstance(row[4].value, float)]
    assert rate_cells and all(cell.number_format == "0.0%" for cell in rate_cells)


def test_by_level_compares_totals_with_the_nation(book, rows):
    heading, body = table_after(book["By level"], "Level")  # the pass-rate table comes first
    pass_rates = {line["Level"]: line for line in as_dicts(heading, body)}
    assert pass_rates["N3"]["Not scored (absent)"] == plain_counts(rows, "N3")["not_scored"]
    sections = values(book["By level"])
    total_n2 = next(line for line in sections if line[:2] == ("N2", "Total"))
    n2_totals = [row["total"] for row in rows if row["level"] == "N2" and row["scored"] and row["result"] != "REJECTED"]
    assert total_n2[2] == len(n2_totals)
    assert total_n2[3] == pytest.approx(statistics.mean(n2_totals))
    assert total_n2[5:7] == (min(n2_totals), max(n2_totals))
    assert total_n2[7:9] == load_national().section_mean_sd("N2", "total", "all")
    assert total_n2[10:12] == (90, sum(total < 90 for total in n2_totals))


def test_by_class_gives_each_class_its_own_rate(book, rows):
    heading, body = table_after(book["By class"], "Class")
    lines = as_dicts(heading, body)
    for line in lines:
        class_name = None if line["Class"] == "(no class)" else line["Class"]
        mine = [row for row in rows if row["class"] == class_name]
        counts = plain_counts(mine, line["Level"])
        assert (line["Judged"], line["Passed"]) == (counts["judged"], counts["passed"])
    assert {line["Class"] for line in lines} == {"1A", "1B", "2A", HOSTILE_CLASS, "(no class)"}


def test_results_has_every_row_as_a_filtered_table(book, rows):
    sheet = book["Results"]
    lines = values(sheet)
    heading = lines[2]
    assert heading[:5] == ("Candidate ID", "Name", "Class", "Level", "Input row")
    assert [line[4] for line in lines[3:]] == [row["source_row"] for row in rows]
    assert sheet.freeze_panes == "C4"
    assert sheet.print_title_cols == "$A:$B"
    # every column but the romanised name, which this cohort does not give
    assert sheet.auto_filter.ref == f"A3:{get_column_letter(len(COLUMN_KEYS) - 1)}{len(rows) + 3}"
    first = dict(zip(heading, lines[3], strict=True))
    assert isinstance(first["Input row"], int) and first["Scored"] in ("yes", "no")


def test_romanised_names_stay_beside_the_names_on_every_page(tmp_path):
    rows = [candidate("N5", 80, 40, row=2, name="सुमन श्रेष्ठ", name_latin="Suman Shrestha"),
            candidate("N5", 60, 30, row=3, name="Tanaka Hana")]  # fmt: skip
    path = tmp_path / "summary.xlsx"
    write_workbook(cohort_run(rows), path, settings())
    sheet = openpyxl.load_workbook(path)["Results"]
    assert [cell.value for cell in sheet[3]][:3] == ["Candidate ID", "Name", "Name in Latin letters"]
    assert [cell.value for cell in sheet[4]][:3] == ["00002", "सुमन श्रेष्ठ", "Suman Shrestha"]
    assert sheet.freeze_panes == "D4"
    assert sheet.print_title_cols == "$A:$C"


def test_results_tell_the_four_outcomes_apart_by_fill(book):
    sheet = book["Results"]
    column = [cell.value for cell in sheet[3]].index("Result") + 1
    fills = {}
    for row in sheet.iter_rows(min_row=4, min_col=column, max_col=column):
        fills.setdefault(row[0].value, set()).add(row[0].fill.fgColor.rgb)
    assert set(fills) == {"Passed", "Not passed", "Not scored (absent)", "Rejected"}
    assert all(len(colours) == 1 for colours in fills.values())
    assert len({colours.pop() for colours in fills.values()}) == 4


def test_text_from_the_input_stays_inert_text(book):
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                assert not isinstance(cell.value, bool), f"{sheet.title}!{cell.coordinate} is {cell.value}"
                if cell.value in (*HOSTILE_NAMES, HOSTILE_CLASS, HOSTILE_ID, "#N/A"):
                    found.setdefault(cell.value, set()).add(sheet.title)
                    assert cell.data_type == "s"
    assert found[HOSTILE_NAMES[1]] == {"Results", "Near misses"}
    assert found[HOSTILE_CLASS] == {"Results", "Near misses", "By class"}
    assert found[HOSTILE_ID] == {"Results", "Rejected"}
    assert set(found) == {*HOSTILE_NAMES, HOSTILE_CLASS, HOSTILE_ID, "#N/A"}


def test_a_hostile_file_or_sheet_name_stays_text(tmp_path):
    path = tmp_path / "summary.xlsx"
    run = cohort_run([candidate("N3", 40, 40, 40, row=2)], name="=HYPERLINK(1).xlsx")
    run = dataclasses.replace(run, source=dataclasses.replace(run.source, sheet="+SUM(1,2)"))
    write_workbook(run, path, settings())
    sheet = openpyxl.load_workbook(path)["Overview"]
    cells = {row[0].value: row[1] for row in sheet.iter_rows() if row[0].value in ("Input file", "Worksheet read")}
    assert (cells["Input file"].value, cells["Input file"].data_type) == ("=HYPERLINK(1).xlsx", "s")
    assert (cells["Worksheet read"].value, cells["Worksheet read"].data_type) == ("+SUM(1,2)", "s")


def test_control_characters_are_replaced_not_fatal(book):
    names = [line[1] for line in values(book["Results"])[3:]]
    assert "Tanaka\ufffdHana" in names


def test_near_misses_list_the_close_ones_with_what_they_missed(book):
    heading, body = table_after(book["Near misses"], "Priority")
    lines = as_dicts(heading, body)
    six_short = next(line for line in lines if line["Input row"] == 1003)
    assert six_short["Name"] == "+SUM(1,2)"
    assert (six_short["Total"], six_short["Pass mark"], six_short["Points short of the pass mark"]) == (89, 95, 6)
    assert six_short["What they missed by"] == "total 6 points short of 95"
    floor = next(line for line in lines if line["Input row"] == 1004)
    assert (floor["Points needed to pass (at least)"], floor["What they missed by"]) == (
        2,
        "Listening 2 points below floor 19",
    )
    needed = [line["Points needed to pass (at least)"] for line in lines]
    assert needed == sorted(needed) and [line["Priority"] for line in lines] == list(range(1, len(lines) + 1))


def test_rejected_rows_say_what_to_fix(book):
    heading, body = table_after(book["Rejected"], "Input row")
    assert heading == ("Input row", "Candidate ID", "Column", "Value", "Reason")
    line = next(line for line in body if line[0] == 1006)
    assert line == (1006, HOSTILE_ID, "Listening", "61",
                    "row 1006: Listening 61 is outside 0-60 for N3; check the score")  # fmt: skip


def test_distribution_charts_each_level_with_its_pass_mark(book):
    sheet = book["Distribution"]
    charts = sheet._charts  # openpyxl keeps the charts it read here
    kinds = [type(chart).__name__ for chart in charts]
    assert kinds == ["BarChart", "LineChart"] * 5
    bar = charts[4]  # N3's
    assert len(bar.series) == 2 and bar.grouping == "stacked"
    heading, body = table_after(sheet, "Total")
    assert heading == ("Total", "Total below 100", "Total 100 or more", "Scored")  # N1 first
    assert [line[0] for line in body][:2] == ["0-9", "10-19"] and body[-1][0] == "170-180"
    percentiles = [line for line in values(sheet) if line[0] == 95 and isinstance(line[2], float)]
    assert len(percentiles) == 5  # one table per level, at every 5 points


def test_an_empty_rejected_sheet_says_none(tmp_path):
    path = tmp_path / "summary.xlsx"
    write_workbook(cohort_run([candidate("N3", 40, 40, 40, row=2)]), path, settings())
    book = openpyxl.load_workbook(path)
    assert ("none: every row was accepted.",) in [line[:1] for line in values(book["Rejected"])]
    assert ("none: nobody who failed came that close.",) in [line[:1] for line in values(book["Near misses"])]


def test_a_cohort_with_only_rejected_rows_still_writes(tmp_path):
    path = tmp_path / "summary.xlsx"
    write_workbook(cohort_run([rejected(2), rejected(3, level=None)]), path, settings())
    book = openpyxl.load_workbook(path)
    assert label_values(book["Overview"])["Rejected"] == 2
    assert label_values(book["Overview"])["Judged"] == 0
    assert len(values(book["Results"])) == 5
    for sheet in ("Overview", "By level", "By class"):
        assert ("No row could be judged: see the Rejected sheet.",) in [line[:1] for line in values(book[sheet])]


def test_a_cohort_of_absentees_is_judged_but_not_scored(tmp_path):
    path = tmp_path / "summary.xlsx"
    write_workbook(cohort_run([candidate("N3", None, 40, 40, row=2)]), path, settings())
    book = openpyxl.load_workbook(path)
    facts = label_values(book["Overview"])
    assert facts["Judged"] == 1
    assert facts["Not scored (absent)"] == 1
    assert facts["Scored"] == 0
    assert ("Nobody was scored.",) in [line[:1] for line in values(book["By level"])]


def test_the_chosen_region_is_the_one_compared(tmp_path):
    path = tmp_path / "summary.xlsx"
    write_workbook(cohort_run([candidate("N3", 40, 40, 40, row=2)]), path, settings(region="overseas"))
    heading, body = table_after(openpyxl.load_workbook(path)["Overview"], "Level")
    line = as_dicts(heading, body)[0]
    assert line["National certified rate (%)"] == pytest.approx(0.457)
    assert line["National figures for"] == "examinees overseas"


def test_same_input_gives_the_same_file(rows, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_workbook(cohort_run(rows), first, settings())
    write_workbook(cohort_run(rows), second, settings())
    assert first.read_bytes() == second.read_bytes()
    properties = openpyxl.load_workbook(first).properties
    midnight = dt.datetime(2026, 9, 14)
    assert (properties.creator, properties.created, properties.modified) == ("jlpt-batch", midnight, midnight)
    with zipfile.ZipFile(first) as package:
        names = package.namelist()
        assert all(info.date_time == (2026, 9, 14, 0, 0, 0) for info in package.infolist())
    assert not [name for name in names if "externalLink" in name or "vba" in name.lower()]
