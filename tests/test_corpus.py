"""The reading corpus (tests/corpus.py): every format a school saves, the cells where they are,
each row's exact outcome, and one line with no traceback for every file refused.

One cohort table is written as xlsx (plain, prefixed, inline strings, written by a library
that asks for recalculation), ods, xls and xlsb; the same rows must come out the same way.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from corpus import (
    date,
    empty_value,
    error,
    formula,
    num,
    write_inflating_xlsx,
    write_ods,
    write_xls,
    write_xlsb,
    write_xlsx,
)
from test_messy_inputs import read_results, run_command

from jlpt_batch.cli import main
from jlpt_batch.reading import cells as limits

HEADER = ["受験番号", "氏名", "クラス", "レベル", "言語知識", "読解", "言語知識・読解", "聴解"]
ID = "00000"
TITLE = [["2026年7月 日本語能力試験 結果"], []]


def cohort_rows(reading_5: object = None, listening_7: object = None) -> list[list[object]]:
    """The cohort below a title and a blank row: the header on row 3, students on rows 4-11."""
    return [
        *TITLE,
        HEADER,
        [num(150, ID), "山田 花子", "1A", "N3", 40, 40, None, 40],  # 4: passes
        [num(151, ID), "鈴木 ①", None, "N3", 30, reading_5, None, 40],  # 5: the format's own fault
        [num(152, ID), "ｻﾄｳ ﾊﾅｺ", None, "N3", 40, error("#N/A"), None, 40],  # 6: an error cell
        [num(153, ID), "髙橋 一郎", "1B", "N4", None, None, 80, listening_7],  # 7: a date as a score
        [num(154, ID), "Nguyễn Văn An", "1B", "N5", None, None, 80, 30],  # 8: passes
        [num(155, ID), "김민준", "1B", "N3", "18.99999999999999999", 40, None, 40],  # 9: text not whole
        [num(156, ID), "王小明", "1B", "N3", num(44.6, "0"), 40, None, 40],  # 10: shown 45, holds 44.6
        [num(157, ID), "Tanaka", "1B", "N3", 19, 19, None, 19],  # 11: scored, not passed
    ]


# (result, id, name, class, the start of the error) by spreadsheet row, whatever the format
EXPECTED = {
    4: ("PASS", "00150", "山田 花子", "1A", ""),
    6: ("REJECTED", "00152", "ｻﾄｳ ﾊﾅｺ", "1A", "row 6: 読解: cell F6 shows the error #N/A;"),
    7: ("REJECTED", "00153", "髙橋 一郎", "1B", "row 7: 聴解 '1/2' is a date, not a number;"),
    8: ("PASS", "00154", "Nguyễn Văn An", "1B", ""),
    9: ("REJECTED", "00155", "김민준", "1B",
        "row 9: 言語知識 '18.99999999999999999' is not a whole number;"),
    10: ("REJECTED", "00156", "王小明", "1B", "row 10: 言語知識 '45' is not a whole number;"),
    11: ("FAIL", "00157", "Tanaka", "1B", ""),
}  # fmt: skip
CLASS_MERGE = "C4:C6"


def outcome(tmp_path: Path, path: Path, *options: str) -> tuple[int, dict[int, dict[str, str]], str]:
    result = run_command(path, tmp_path / "out", *options)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    rows = read_results(tmp_path / "out" / "results.csv") if result.exit_code in (0, 3) else []
    return result.exit_code, {int(row["source_row"]): row for row in rows}, result.output


def check(rows: dict[int, dict[str, str]], expected: dict[int, tuple[str, ...]]) -> None:
    assert sorted(rows) == sorted(expected)
    for number, (result, candidate, name, klass, reason) in expected.items():
        row = rows[number]
        assert (row["result"], row["candidate_id"], row["name"], row["class"]) == (result, candidate, name, klass)
        assert row["error"].startswith(reason) if reason else row["error"] == "", (number, row["error"])


def refused(tmp_path: Path, path: Path, message: str) -> None:
    result = run_command(path, tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert message in result.output, result.output
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- one cohort, every format

UNCALCULATED_REASON = "row 5: 読解: cell F5 holds a formula (=SUM(1,2)) whose result was never saved"
UNCALCULATED = {5: ("REJECTED", "00151", "鈴木 ①", "1A", UNCALCULATED_REASON)}


@pytest.mark.parametrize(
    "style",
    [{}, {"prefix": "x"}, {"shared": False}, {"first_column": 1, "first_row": 1}],
    ids=["plain", "x-prefix", "inline-strings", "as-excel"],
)
def test_xlsx_every_cell_where_it_is(tmp_path, style):
    rows = cohort_rows(formula("SUM(1,2)"), num(46024, "m/d"))
    path = write_xlsx(tmp_path / "cohort.xlsx", rows, merges=(CLASS_MERGE, "A1:H1"), **style)
    exit_code, written, _ = outcome(tmp_path, path)
    assert exit_code == 3
    check(written, EXPECTED | UNCALCULATED)


def test_xlsx_empty_values_and_a_library_asking_for_recalculation(tmp_path):
    rows = cohort_rows(num(3), num(46024, "m/d"))
    rows[4][7] = empty_value()  # row 5's listening: <v></v>
    rows[9][4] = num(44)  # row 10: a whole number now
    path = write_xlsx(tmp_path / "cohort.xlsx", rows, merges=(CLASS_MERGE,))
    exit_code, written, _ = outcome(tmp_path, path)
    assert exit_code == 3
    assert written[5]["error"].startswith("row 5: 聴解: cell H5 holds an empty value")
    assert written[10]["result"] == "PASS"
    # openpyxl and xlsxwriter write placeholder values and ask for recalculation: a formula is not trusted
    rows[4][7] = 40
    rows[8][5] = formula("40")
    path = write_xlsx(tmp_path / "library.xlsx", rows, merges=(CLASS_MERGE,), recalculate=True)
    exit_code, written, _ = outcome(tmp_path, path)
    assert "row 9: 読解: cell F9 holds a formula (=40) whose result was never saved" in written[9]["error"]


def test_xlsx_furigana_is_not_part_of_a_name(tmp_path):
    rows = cohort_rows(num(30), num(30))
    path = write_xlsx(tmp_path / "cohort.xlsx", rows, furigana={"山田 花子": "ヤマダ ハナコ"})
    _, written, _ = outcome(tmp_path, path)
    assert written[4]["name"] == "山田 花子"


def test_ods_as_libreoffice_saves_it(tmp_path):
    rows = cohort_rows(formula("SUM(1;2)"), date("2026-01-02"))
    shown = {(r, 0): f"{150 + r - 3:05d}" for r in range(3, 11)} | {(6, 7): "1/2", (9, 4): "45"}
    prefixes = {"office": "ns1", "table": "ns2", "text": "ns3", "calcext": "ns4"}  # any prefix names a namespace
    hidden = {(4, 2): "1Z", (5, 2): "1Z"}  # values under a merged cell, as LibreOffice keeps them
    path = write_ods(tmp_path / "cohort.ods", rows, shown=shown, merges=((3, 2, 3),), prefixes=prefixes, hidden=hidden)
    exit_code, written, _ = outcome(tmp_path, path)
    assert exit_code == 3
    check(written, EXPECTED | {5: ("REJECTED", "00151", "鈴木 ①", "1A",
                                   "row 5: 読解: cell F5 holds a formula (of:=SUM(1;2))")})  # fmt: skip


def test_xls_excel_97_2003(tmp_path):
    rows = cohort_rows(num(10), num(46024, "m/d"))
    path = write_xls(tmp_path / "cohort.xls", rows, merges=((3, 5, 2, 2),))
    exit_code, written, _ = outcome(tmp_path, path)
    assert exit_code == 3
    check(written, EXPECTED | {5: ("FAIL", "00151", "鈴木 ①", "1A", "")})


@pytest.mark.parametrize("short", [True, False], ids=["short-records", "full-records"])
def test_xlsb_every_record_read(tmp_path, short):
    rows = cohort_rows(num(10), num(46024, "m/d"))
    path = write_xlsb(tmp_path / "cohort.xlsb", rows, short=short, merges=((4, 3, 6, 3),))
    exit_code, written, _ = outcome(tmp_path, path)
    assert exit_code == 3
    check(written, EXPECTED | {5: ("FAIL", "00151", "鈴木 ①", "1A", "")})


def test_a_workbook_under_another_name_is_read_as_what_it_is(tmp_path):
    rows = cohort_rows(num(30), num(46024, "m/d"))
    path = write_xlsb(tmp_path / "cohort.xlsb", rows, merges=((4, 3, 6, 3),))
    misnamed = path.rename(tmp_path / "cohort.xlsx")
    exit_code, written, output = outcome(tmp_path, misnamed)
    assert exit_code == 3 and written[8]["result"] == "PASS"
    assert "note: cohort.xlsx is really an Excel binary workbook (.xlsb), whatever its name says" in output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice: apt-get install libreoffice-calc-nogui")
def test_files_libreoffice_itself_saved(tmp_path):
    """The corpus xlsx saved again by LibreOffice as .ods, .xls and .xlsx: real files, same rows."""
    rows = cohort_rows(num(10), num(46024, "m/d"))
    (tmp_path / "source").mkdir()
    source = write_xlsx(tmp_path / "source" / "cohort.xlsx", rows, merges=(CLASS_MERGE,))
    for target in ("ods", "xls", "xlsx"):
        folder = tmp_path / target
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", target,
             "--outdir", str(folder), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        exit_code, written, _ = outcome(folder, folder / f"cohort.{target}")
        assert exit_code == 3, target
        check(written, EXPECTED | {5: ("FAIL", "00151", "鈴木 ①", "1A", "")})


# ---------------------------------------------------------------- hostile workbooks


def test_a_cell_at_the_last_column_of_the_last_row_costs_nothing(tmp_path):
    rows = cohort_rows(num(30), num(46024, "m/d"))
    path = write_xlsx(tmp_path / "far.xlsx", rows, merges=(CLASS_MERGE,), far_cell="XFD1048576")
    exit_code, written, _ = outcome(tmp_path, path)
    assert exit_code == 3 and sorted(written) == list(range(4, 12))  # outside the table's columns: not a row


def test_a_far_cell_inside_the_table_is_one_more_row(tmp_path):
    rows = cohort_rows(num(30), num(46024, "m/d"))
    path = write_xlsx(tmp_path / "far.xlsx", rows, merges=(CLASS_MERGE,), far_cell="A1048576")
    exit_code, written, _ = outcome(tmp_path, path)
    assert exit_code == 3 and sorted(written) == [*range(4, 12), 1048576]
    assert written[1048576]["error"].startswith("row 1048576: レベル is empty")


def test_an_inflating_sheet_is_refused_from_its_directory_or_while_inflating(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PART_BYTES", 8 << 20)
    honest = write_inflating_xlsx(tmp_path / "bomb.xlsx", 16 << 20)
    refused(tmp_path, honest, "bomb.xlsx, sheet 'Cohort': its part xl/worksheets/sheet1.xml unpacks to more than 8 MiB")
    lying = write_inflating_xlsx(tmp_path / "lying.xlsx", 16 << 20, lie=True)
    refused(tmp_path, lying, "lying.xlsx")


@pytest.mark.parametrize(("writer", "text"), [
    (lambda path, rows: write_xlsx(path.with_suffix(".xlsx"), rows, shared=False), "長" * 200_000),
    (lambda path, rows: write_xlsb(path.with_suffix(".xlsb"), rows), "👩\u200d👧 " * 60_000),  # pairs of UTF-16 units
    (lambda path, rows: write_ods(path.with_suffix(".ods"), rows), "長" * 200_000),
], ids=["xlsx", "xlsb", "ods"])  # fmt: skip
def test_a_cell_longer_than_any_cell_may_be_rejects_its_row(tmp_path, writer, text):
    rows = cohort_rows(num(30), num(30))
    rows[3][1] = text
    path = writer(tmp_path / "long", rows)
    exit_code, written, _ = outcome(tmp_path, path)
    assert exit_code == 3
    assert written[4]["error"] == (
        f"row 4: 氏名: cell B4 holds more than the {limits.MAX_CELL_CHARS:,} characters a cell may hold; shorten it"
    )
    assert len(written[4]["name"]) < 200


@pytest.mark.parametrize(("change", "message"), [
    ('<!DOCTYPE workbook [<!ENTITY a "aaaa">]>', "holds XML with a document type declaration"),
    ("&undefined;", "is damaged or incomplete (its XML is broken: undefined entity"),
])  # fmt: skip
def test_a_workbook_part_with_a_dtd_or_an_undefined_entity_is_one_line(tmp_path, change, message):
    import zipfile

    path = write_xlsx(tmp_path / "source.xlsx", cohort_rows(num(30), num(30)))
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/workbook.xml":
                text = data.decode()
                data = (text.replace("?>\n", "?>\n" + change, 1) if change.startswith("<!") else
                        text.replace('name="Cohort"', f'name="Cohort{change}"')).encode()  # fmt: skip
            target.writestr(item, data)
    refused(tmp_path, hostile, message)


def test_an_ods_repeating_a_value_a_billion_times_is_refused(tmp_path):
    path = tmp_path / "repeat.ods"
    write_ods(path, [HEADER, [1] * 8])
    import zipfile

    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml").decode()
    plain_row = '<table:table-row><table:table-cell office:value-type="float" office:value="1">'
    repeated_row = ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell '
                    'table:number-columns-repeated="1000" office:value-type="float" office:value="1">')  # fmt: skip
    bomb = content.replace(plain_row, repeated_row, 1)
    assert bomb != content
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", bomb, zipfile.ZIP_DEFLATED)
    refused(tmp_path, path, f"repeat.ods repeats a cell into more than {limits.MAX_CELLS:,} cells")


def test_the_same_cell_written_twice_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "twice.xlsx", [HEADER, ["1", "A", "1A", "N3", 40, 40, None, 40]])
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {item.filename: archive.read(item) for item in archive.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(r'(<c r="A2"[^>]*>.*?</c>)', r"\1\1", sheet, count=1).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    refused(tmp_path, path, "is damaged or incomplete (cell A2 is written twice, out of order or outside row 2)")


# ---------------------------------------------------------------- CSV as programs save it

CSV_HEADER = "受験番号,氏名,クラス,レベル,言語知識,読解,聴解"


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def test_a_class_written_once_per_group_is_filled_down_and_said(tmp_path):
    """240 students in 6 classes, the class on each group's first row only (merged cells saved as CSV)."""
    lines = [CSV_HEADER]
    for number in range(240):
        klass = f"{number // 40 + 1}組" if number % 40 == 0 else ""
        lines.append(f"{number + 1:05d},学生 {number},{klass},N3,40,40,40")
    path = write_lines(tmp_path / "grouped.csv", lines)
    exit_code, written, output = outcome(tmp_path, path)
    assert exit_code == 0
    assert [written[row]["class"] for row in (2, 41, 42, 241)] == ["1組", "1組", "2組", "6組"]
    note = ("note: the class column クラス names each class only on the first row of its group (as merged "
            "cells saved to CSV leave it): 234 rows took the class above them (rows 3-41, 43-81, 83-121, 123-161, "
            "163-201 and 203-241); give --no-fill-class if those rows have no class")  # fmt: skip
    assert note in output.splitlines()
    with_option = outcome(tmp_path, path, "--no-fill-class")[1]
    assert [with_option[row]["class"] for row in (2, 3, 42)] == ["1組", "", "2組"]


def test_the_workbook_says_which_rows_took_a_class(tmp_path):
    import openpyxl

    lines = [CSV_HEADER, "1,A,1組,N3,40,40,40", "2,B,,N3,40,40,40", "3,C,,N3,40,40,40", "4,D,2組,N3,40,40,40",
             "5,E,,N3,40,40,40", "6,F,,N3,40,40,40"]  # fmt: skip
    path = write_lines(tmp_path / "grouped.csv", lines)
    args = ["run", str(path), "--out", str(tmp_path / "out"), "--no-sheets", "--as-of", "2026-11-23"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx", read_only=True)
    rows = [row for row in book["Overview"].iter_rows(values_only=True) if len(row) > 1]
    start = next(i for i, row in enumerate(rows) if row[0] == "Note on reading the file")
    note = " ".join(row[1] for row in rows[start:] if row[0] in ("Note on reading the file", "", None) and row[1])
    assert "4 rows took the class above them (rows 3-4 and 6-7); give --no-fill-class" in note


def test_cp932_names_replaced_by_question_marks_are_said_with_the_rows(tmp_path):
    lines = [
        CSV_HEADER,
        "00001,山田 花子,1A,N3,40,40,40",
        "00002,?田 ?子,1A,N3,40,40,40",
        "00003,佐藤 ?,1A,N3,40,40,40",
    ]
    path = write_lines(tmp_path / "sjis.csv", lines, encoding="cp932")
    exit_code, written, output = outcome(tmp_path, path)
    assert exit_code == 0 and written[3]["name"] == "?田 ?子"
    assert ("note: 2 rows with '?' in 氏名 or クラス (rows 3-4): in a Shift_JIS (cp932) file that is "
            "usually a character the saving program could not write") in output  # fmt: skip
    assert "Save the file again as 'CSV UTF-8 (Comma delimited)'" in output


def test_a_stray_quote_rejects_its_line_and_keeps_the_others(tmp_path):
    lines = [CSV_HEADER, "00001,山田,1A,N3,40,40,40", '00002,"鈴木,1A,N3,40,40,40', "00003,佐藤,1A,N3,40,40,40",
             '00004,"Lee, Ann",1B,N3,40,40,40', '00005,"O""Brien",1B,N3,10,40,40']  # fmt: skip
    path = write_lines(tmp_path / "quote.csv", lines)
    exit_code, written, _ = outcome(tmp_path, path)
    assert exit_code == 3
    assert [written[row]["result"] for row in range(2, 7)] == ["PASS", "REJECTED", "PASS", "PASS", "FAIL"]
    assert written[3]["error"] == (
        "row 3: line 3 of the file has a quote (\") that does not pair up: '00002,\"鈴木,1A,N3,40,40,40'; its "
        "cells were read as written and the lines after it as usual. Correct the quote in the file and run again"
    )
    assert (written[5]["name"], written[6]["name"]) == ("Lee, Ann", 'O"Brien')


def test_ids_that_lost_their_zeros_in_a_csv_are_said_once(tmp_path):
    lines = [CSV_HEADER, "150,山田,1A,N3,40,40,40", "1023,鈴木,1A,N3,40,40,40", "77,佐藤,1A,N3,40,40,40"]
    _, written, output = outcome(tmp_path, write_lines(tmp_path / "ids.csv", lines))
    assert [written[row]["candidate_id"] for row in (2, 3, 4)] == ["150", "1023", "77"]
    notes = [line for line in output.splitlines() if line.startswith("note: ")]
    assert notes == [
        "note: the ids in 受験番号 are numbers of different lengths (e.g. '77' and '1023'): if the "
        "file was saved from a spreadsheet, leading zeros (00150) may have been lost. Check the ids against the "
        "original, or read the workbook itself instead of a CSV"
    ]


@pytest.mark.parametrize(("written", "result", "reason"), [
    ("45", "PASS", ""), ("45.0", "PASS", ""), ("４５", "PASS", ""), ("+45", "PASS", ""),
    ("1e1", "REJECTED", "row 2: 言語知識 '1e1' is not a whole number"),
    ("18.99999999999999999", "REJECTED", "row 2: 言語知識 '18.99999999999999999' is not a whole"),
    ("45.5", "REJECTED", "row 2: 言語知識 '45.5' is not a whole number"),
])  # fmt: skip
def test_a_score_is_a_whole_number_written_as_one(tmp_path, written, result, reason):
    path = write_lines(tmp_path / "scores.csv", [CSV_HEADER, f"00001,山田,1A,N3,{written},40,40"])
    row = outcome(tmp_path, path)[1][2]
    assert row["result"] == result and row["error"].startswith(reason)
