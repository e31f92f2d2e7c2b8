"""Reading cohort files as schools really save them, and rejecting bad rows with reasons."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from cohort_files import ENGLISH_HEADER, JAPANESE_HEADER, write_csv, write_xlsx

from jlpt_batch.errors import InputUnreadableError, SheetNotFoundError, UsageError
from jlpt_batch.pipeline import load_cohort
from jlpt_batch.reading.headers import canonical_column
from jlpt_batch.settings import Settings


def load(path: Path, **options):
    return load_cohort(Settings(path, path.parent / "out", **options))


def by_id(cohort) -> dict[str, dict]:
    return {row["candidate_id"]: row for row in cohort.judged.to_dicts()}


def reasons(cohort) -> list[str]:
    return cohort.rejections.get_column("reason").to_list()


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize(("written", "key"), [
    ("ID", "candidate_id"), ("Student ID", "student_id"), ("candidate no", "candidate_id"),
    ("Candidate_No", "candidate_id"), ("受験番号", "candidate_id"), ("学籍番号", "student_id"),
    ("ＩＤ", "candidate_id"), (" Candidate-No ", "candidate_id"),
    ("氏名", "name"), ("名前", "name"), ("NAME", "name"), ("クラス", "class"), ("組", "class"),
    ("レベル", "level"), ("級", "level"), ("言語知識", "language_knowledge"),
    ("言語知識（文字・語彙・文法）", "language_knowledge"), ("言語知識(文字・語彙・文法)", "language_knowledge"),
    ("読解", "reading"), ("言語知識・読解", "language_knowledge_reading"),
    ("言語知識（文字・語彙・文法）・読解", "language_knowledge_reading"), ("聴解", "listening"),
    ("合計", "total"), ("総合得点", "total"), ("Vocabulary_Correct", "vocabulary_correct"),
    ("grammar questions", "grammar_questions"), ("reading_band", "reading_band"), ("Region", "region"),
    ("Language", "language"), ("Remarks", None),
])  # fmt: skip
def test_header_aliases(written, key):
    assert canonical_column(written) == key


def test_missing_required_column_names_the_columns_found(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["ID", "Name", "Level", "Reading"], ["1", "A", "N3", "30"]])
    with pytest.raises(InputUnreadableError) as error:
        load(path)
    message = str(error.value)
    assert message.startswith(  # the columns in our words, not our keys
        "missing required column(s): 'Listening' and 'Language Knowledge (Vocabulary/Grammar)' or "
        "'Language Knowledge (Vocabulary/Grammar) and Reading'; "
    )
    assert "columns found: 'ID', 'Name', 'Level' and 'Reading'." in message


def test_no_header_row_says_what_to_add(tmp_path):
    path = write_csv(tmp_path / "c.csv", [["Name", "Score"], ["A", "1"]])
    with pytest.raises(InputUnreadableError, match="no header row with a candidate id column"):
        load(path)


# ---------------------------------------------------------------- CSV encodings and layout

ROWS = [
    JAPANESE_HEADER,
    ["00123", "髙橋 一郎", "1A", "Ｎ３", "４５", "40", "", "30"],
    ["00124", "山﨑 花子", "1A", "n3", "45.0", "40", "", "17"],
    ["00125", "① 佐藤", "1B", " N5 ", "", "", "80", "30"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    cohort = load(write_csv(tmp_path / "c.csv", ROWS, encoding=encoding))
    rows = by_id(cohort)
    assert rows["00123"]["name"] == "髙橋 一郎"
    assert rows["00124"]["name"] == "山﨑 花子"
    assert rows["00125"]["name"] == "① 佐藤"  # a name is kept as written
    assert cohort.source.encoding == encoding


def test_shift_jis_without_cp932_extensions_reads_as_cp932(tmp_path):
    rows = [JAPANESE_HEADER, ["1", "田中", "1A", "N3", "40", "40", "", "40"]]
    cohort = load(write_csv(tmp_path / "c.csv", rows, encoding="shift_jis"))
    assert by_id(cohort)["1"]["name"] == "田中"


def test_explicit_encoding_that_does_not_fit_names_the_line(tmp_path):
    path = write_csv(tmp_path / "c.csv", ROWS, encoding="cp932")
    with pytest.raises(InputUnreadableError, match=r"line \d+ is not valid utf-8"):
        load(path, encoding="utf-8")


def test_unknown_encoding_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="not an encoding"):
        load(write_csv(tmp_path / "c.csv", ROWS), encoding="klingon")


def test_values_are_normalised(tmp_path):
    rows = by_id(load(write_csv(tmp_path / "c.csv", ROWS)))
    assert rows["00123"]["level"] == "N3" and rows["00123"]["language_knowledge"] == 45
    assert rows["00124"]["language_knowledge"] == 45  # integral float
    assert rows["00125"]["level"] == "N5"
    assert rows["00124"]["result"] == "FAIL" and rows["00124"]["failed_sections"] == "listening"


def test_title_rows_and_blank_rows_keep_spreadsheet_row_numbers(tmp_path):
    rows = [JAPANESE_HEADER, ["1", "A", "1A", "N3", "40", "40", "", "40"], [None] * 8,
            ["2", "B", "1A", "N3", "40", "40", "", "61"]]  # fmt: skip
    cohort = load(write_csv(tmp_path / "c.csv", rows, title_rows=2))
    assert cohort.source.header_row == 3
    assert cohort.source.rows_skipped_empty == 1
    assert cohort.judged.get_column("source_row").to_list() == [4, 6]
    assert reasons(cohort) == ["row 6: 聴解 61 is outside 0-60 for N3; check the score"]


@pytest.mark.parametrize("marker", ["", "-", "*", "absent", "ABSENT", "欠席", "欠", "＊"])
def test_absent_markers(tmp_path, marker):
    rows = [JAPANESE_HEADER, ["1", "A", "1A", "N2", "40", marker, "", "40"]]
    row = load(write_csv(tmp_path / "c.csv", rows)).judged.row(0, named=True)
    assert (row["result"], row["scored"], row["absent_sections"], row["total"]) == ("FAIL", False, "reading", None)


def test_ids_stay_text(tmp_path):
    rows = [ENGLISH_HEADER, ["00123", "A", "1A", "N3", "40", "40", "", "40"]]
    assert load(write_csv(tmp_path / "c.csv", rows)).judged["candidate_id"].to_list() == ["00123"]


# ---------------------------------------------------------------- rejections

BAD_ROWS = [
    [*ENGLISH_HEADER, "Total", "Vocabulary correct", "Vocabulary questions"],
    ["", "No Id", "1A", "N3", "40", "40", "", "40", "", "", ""],  # row 2
    ["7", "Dup One", "1A", "N3", "40", "40", "", "40", "", "", ""],  # row 3
    ["7", "Dup Two", "1A", "N3", "40", "40", "", "40", "", "", ""],  # row 4
    ["8", "Bad level", "1A", "N6", "40", "40", "", "40", "", "", ""],  # row 5
    ["9", "Words", "1A", "N3", "forty", "40", "", "40", "", "", ""],  # row 6
    ["10", "Half", "1A", "N3", "40.5", "40", "", "40", "", "", ""],  # row 7
    ["11", "Too high", "1A", "N3", "40", "40", "", "61", "", "", ""],  # row 8
    ["12", "Reading on N4", "1A", "N4", "", "30", "80", "40", "", "", ""],  # row 9
    ["13", "Bad total", "1A", "N3", "40", "40", "", "40", "121", "", ""],  # row 10
    ["14", "Counts", "1A", "N3", "40", "40", "", "40", "", "31", "30"],  # row 11
    ["15", "No questions", "1A", "N3", "40", "40", "", "40", "", "5", "0"],  # row 12
    ["16", "Good", "1A", "N3", "40", "40", "", "40", "120", "20", "30"],  # row 13
    ["17", "Negative", "1A", "N3", "-1", "40", "", "40", "", "", ""],  # row 14
]


@pytest.fixture
def bad_cohort(tmp_path):
    return load(write_csv(tmp_path / "c.csv", BAD_ROWS))


@pytest.mark.parametrize("expected", [
    "row 2: Candidate No is empty; give every candidate an id, or delete the row",
    "row 3: Candidate No '7' is also on row(s) 4; each candidate needs a unique id",
    "row 4: Candidate No '7' is also on row(s) 3; each candidate needs a unique id",
    "row 5: Level 'N6' is not a JLPT level; write N1, N2, N3, N4 or N5",
    "row 6: Language Knowledge 'forty' is not a number",
    "row 7: Language Knowledge '40.5' is not a whole number",
    "row 8: Listening 61 is outside 0-60 for N3; check the score",
    "row 9: Reading '30' is given but N4 has no Reading section",
    "row 10: Total 121 does not equal the sum of the sections (120)",
    "row 11: Vocabulary correct 31 is more than Vocabulary questions 30",
    "row 12: Vocabulary questions 0 must be at least 1",
    "row 14: Language Knowledge -1 is outside 0-60 for N3",
])  # fmt: skip
def test_each_rejection_names_row_column_value_and_rule(bad_cohort, expected):
    assert any(reason.startswith(expected) for reason in reasons(bad_cohort)), reasons(bad_cohort)


def test_nothing_is_lost(bad_cohort):
    results = bad_cohort.judged
    assert results.height == len(BAD_ROWS) - 1
    assert results.get_column("source_row").to_list() == list(range(2, 15))
    assert results.filter(pl.col("result") != "REJECTED")["candidate_id"].to_list() == ["16"]
    rejected = results.filter(pl.col("result") == "REJECTED")
    assert rejected["error"].null_count() == 0
    assert set(bad_cohort.rejections["source_row"]) == set(rejected["source_row"])


def test_rejection_records_column_and_value(bad_cohort):
    record = bad_cohort.rejections.filter(pl.col("source_row") == 8).row(0, named=True)
    assert (record["candidate_id"], record["column"], record["value"]) == ("11", "Listening", "61")


def test_a_level_whose_section_column_is_missing_rejects_its_rows(tmp_path):
    rows = [["ID", "Level", "Language Knowledge", "Reading", "Listening"],
            ["1", "N3", "40", "40", "40"], ["2", "N4", "", "", "40"]]  # fmt: skip
    cohort = load(write_csv(tmp_path / "c.csv", rows))
    assert by_id(cohort)["1"]["result"] == "PASS"
    error = by_id(cohort)["2"]["error"]
    section = "Language Knowledge (Vocabulary/Grammar) and Reading"
    assert error == f"row 3: N4 needs a {section} score but the file has no column for it; add one"
    problem = cohort.rejections.row(0, named=True)
    assert problem["column"] == section  # in words: the file has no name for it


# ---------------------------------------------------------------- xlsx


def test_xlsx_title_rows_merged_class_and_typed_cells(tmp_path):
    rows = [
        ENGLISH_HEADER,
        ["00123", "Nguyễn Thị Ánh", "2A", "N3", 45, 40.0, None, 30],
        ["00124", "김민준", None, "N4", None, None, 80, 30],
        ["00125", "王芳", None, "n5", None, None, "８０", "欠席"],
        [None] * 8,
        ["00126", "Ana", "2B", "N2", 30, 30, None, 30],
    ]
    path = write_xlsx(tmp_path / "c.xlsx", rows, title="JLPT July 2026", merge_class=[(4, 6)])
    cohort = load(path)
    got = by_id(cohort)
    assert cohort.source.header_row == 3 and cohort.source.sheet == "Scores"
    assert [got[i]["class"] for i in ("00123", "00124", "00125", "00126")] == ["2A", "2A", "2A", "2B"]
    assert [got[i]["source_row"] for i in ("00123", "00124", "00125", "00126")] == [4, 5, 6, 8]
    assert got["00123"]["reading"] == 40 and got["00123"]["result"] == "PASS"
    assert got["00125"]["absent_sections"] == "listening"
    assert cohort.source.rows_skipped_empty == 1


def test_xlsx_table_not_starting_in_column_a(tmp_path):
    rows = [ENGLISH_HEADER, ["1", "A", "3C", "N3", 40, 40, None, 40], ["2", "B", None, "N3", 40, 40, None, 40]]
    path = write_xlsx(tmp_path / "c.xlsx", rows, merge_class=[(2, 3)], start_column=3)
    assert load(path).judged["class"].to_list() == ["3C", "3C"]


def test_xlsx_numeric_ids_are_plain_text(tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [ENGLISH_HEADER, [123, "A", "1A", "N3", 40, 40, None, 40]])
    assert load(path).judged["candidate_id"].to_list() == ["123"]


def test_wrong_sheet_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [ENGLISH_HEADER, ["1", "A", "1A", "N3", 40, 40, None, 40]])
    with pytest.raises(
        SheetNotFoundError, match=re.escape("sheet 'Results' not found in c.xlsx; sheets are: 'Scores' and 'Notes'")
    ):
        load(path, worksheet="Results")


def test_named_sheet_is_read(tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", [ENGLISH_HEADER, ["1", "A", "1A", "N3", 40, 40, None, 40]])
    with pytest.raises(InputUnreadableError, match="sheet 'Notes'"):
        load(path, worksheet="Notes")  # empty sheet: no header there


# ---------------------------------------------------------------- hostile files


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.csv", b"", "is empty (0 bytes)"),
    ("empty.xlsx", b"", "is empty (0 bytes)"),
    ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "picture.xlsx is a picture, not a cohort spreadsheet"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "damaged or password-protected"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "save it as .xlsx"),
    ("latin.csv", "ID,Level,Listening,言語知識\n".encode("utf-16-le")[:-1] + b"\xff\xfe\xff", "not UTF-8"),
])  # fmt: skip
def test_hostile_files_get_one_clear_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises((InputUnreadableError, UsageError), match=re.escape(message)):
        load(path)


def test_truncated_xlsx(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [ENGLISH_HEADER, ["1", "A", "1A", "N3", 40, 40, None, 40]])
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(InputUnreadableError, match="damaged or incomplete"):
        load(cut)


def test_header_with_no_rows(tmp_path):
    with pytest.raises(InputUnreadableError, match="no candidate rows below the header on row 1"):
        load(write_csv(tmp_path / "c.csv", [ENGLISH_HEADER]))


def test_more_rows_than_max_rows(tmp_path):
    rows = [ENGLISH_HEADER] + [[str(i), "A", "1A", "N3", "40", "40", "", "40"] for i in range(5)]
    with pytest.raises(InputUnreadableError, match="5 candidate rows is more than --max-rows 4"):
        load(write_csv(tmp_path / "c.csv", rows), max_rows=4)


def test_a_utf8_file_that_stops_being_utf8_after_its_first_megabyte_names_the_line(tmp_path):
    # UTF-8 is judged from the first megabyte; the reader checks the rest and the whole file decides.
    lines = ["ID,Level,Language Knowledge,Reading,Listening"] + [f"{i},N3,40,40,40" for i in range(80_000)]
    data = b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + "\r\n99999,N3,40,40,40,鈴木\r\n".encode("cp932")
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    assert len(data) > 1 << 20
    with pytest.raises(InputUnreadableError, match=r"c.csv: line 80002 is not valid utf-8"):
        load(path)


def test_a_quote_left_open_in_a_long_name_does_not_hide_the_header(tmp_path):
    # The header is found in the file's first 200,000 characters; a quote opened in a name that
    # runs past them must cost only its own row.
    path = tmp_path / "c.csv"
    name = "Nguyễn Văn An" * 20_000
    lines = [",".join(ENGLISH_HEADER), f'7,"{name},1A,N3,40,40,,40', "8,Bo,1A,N3,40,40,,40"]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    judged = load(path).judged
    assert judged["source_row"].to_list() == [2, 3]
    assert judged["result"].to_list() == ["REJECTED", "PASS"]


# ---------------------------------------------------------------- student numbers


def test_a_student_number_column_is_read_beside_the_candidate_number(tmp_path):
    rows = [["受験番号", "学籍番号", "氏名", "レベル", "言語知識", "読解", "聴解"],
            ["N3-0001", "S017", "Tanaka Hana", "N3", 40, 40, 40],
            ["N3-0002", "S018", "Sato Ken", "N3", 30, 30, 30]]  # fmt: skip
    cohort = load(write_csv(tmp_path / "c.csv", rows))
    assert [(r["candidate_id"], r["student_id"]) for r in cohort.judged.to_dicts()] == [
        ("N3-0001", "S017"),
        ("N3-0002", "S018"),
    ]


@pytest.mark.parametrize("header", ["学籍番号", "Student No.", "Student ID", "受験番号", "Candidate No"])
def test_a_file_with_one_id_column_uses_it_for_both(tmp_path, header):
    rows = [[header, "Level", "Language Knowledge", "Reading", "Listening"], ["0042", "N3", 40, 40, 40]]
    row = load(write_csv(tmp_path / "c.csv", rows)).judged.row(0, named=True)
    assert (row["candidate_id"], row["student_id"], row["result"]) == ("0042", "0042", "PASS")


def test_a_repeated_or_missing_student_number_rejects_the_rows(tmp_path):
    rows = [["Candidate No", "Student No.", "Level", "Language Knowledge", "Reading", "Listening"],
            ["C1", "S1", "N3", 40, 40, 40], ["C2", "S1", "N3", 40, 40, 40], ["C3", "", "N3", 40, 40, 40]]  # fmt: skip
    cohort = load(write_csv(tmp_path / "c.csv", rows))
    assert cohort.judged["result"].to_list() == ["REJECTED"] * 3
    assert reasons(cohort) == [
        "row 2: Student No. 'S1' is also on row(s) 3; each student appears once in a file: "
        "correct it or delete the repeated row",
        "row 3: Student No. 'S1' is also on row(s) 2; each student appears once in a file: "
        "correct it or delete the repeated row",
        "row 4: Student No. is empty; give every student their student number, or delete the row",
    ]
