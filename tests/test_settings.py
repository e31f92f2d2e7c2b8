"""Settings: every bad value, from the command line or the settings file, is one line and exit 2."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from cohort_files import ENGLISH_HEADER, write_csv

from jlpt_batch.cli import main
from jlpt_batch.exams import Sitting, parse_window, usual_registration
from jlpt_batch.settings import FILE_KEYS, SETTINGS, Given, Settings, resolve

GOOD = [ENGLISH_HEADER, ["001", "Ana", "1A", "N3", "40", "40", "", "40"]]
FAST = ["--no-sheets", "--no-workbook"]

# (option, bad value on the command line, what the message must say is allowed)
BAD_OPTIONS = [
    ("--paper", "a3", "use one of: a4, letter"),
    ("--sort", "random", "use one of: input, id, name"),
    ("--region", "mars", "use one of: all, domestic, overseas"),
    ("--lang", "xx", "use one of: en, ja, ko, vi, zh"),
    ("--admin-lang", "xx", "has no administrator's wording; use one of: en, ja"),
    ("--jobs", "0", "is not a whole number of 1 or more"),
    ("--jobs", "two", "is not a whole number of 1 or more"),
    ("--max-rows", "-5", "is not a whole number of 1 or more"),
    ("--as-of", "yesterday", "is not a date like 2026-11-20"),
    ("--mock-date", "20/11/2026", "is not a date like 2026-11-20"),
    ("--sitting", "2026-05", "a JLPT sitting is in July or December, not month 5"),
    ("--sitting", "soon", "sitting 'soon' is not YYYY-MM"),
    ("--encoding", "klingon", "is not an encoding Python knows"),
    ("--templates", "no/such/folder", "is not a folder that exists"),
    ("--history", "no/such/folder/jlpt-batch.db", "is in a folder that does not exist"),
    ("--history", ".", "is a folder; give the path of a file, e.g. jlpt-batch.db"),
    ("--exam-name", "x" * 61, "is longer than 60 characters"),
    ("--key", "no/such/key.xlsx", "is not a file that exists"),
    ("--registration", "march=01-01..01-31", "names 'march', which is not a sitting; use july and december"),
    ("--registration", "july=03-40..04-17", "gives july '03-40..04-17', whose 03-40 is not a day of the year"),
    ("--registration", "soon", "is not a list of sittings and dates like july=03-24..04-17,december=08-26..09-16"),
]

# The same for the options of the history command.
BAD_HISTORY_OPTIONS = [
    ("--format", "json", "is not allowed; use one of: table, csv"),
    ("--export", "history.pdf", "is not an .xlsx file name, e.g. history.xlsx"),
    ("--export", "no/such/folder/history.xlsx", "is in a folder that does not exist"),
    ("--level", "N6", "is not a JLPT level; use one of: N1, N2, N3, N4, N5"),
    ("--remove-exam", "2026-05", "a JLPT sitting is in July or December, not month 5"),
    ("--remove-exam", "2026-13-01", "is not a date like 2026-11-20"),
    ("--exam-name", "x" * 61, "is longer than 60 characters"),
]

# (settings file line, what the message must say)
BAD_FILE_LINES = [
    ('paper = "a3"', "paper = 'a3' is not allowed; use one of: a4, letter"),
    ('sort = "random"', "sort = 'random' is not allowed; use one of: input, id, name"),
    ('region = "mars"', "region = 'mars' is not allowed; use one of: all, domestic, overseas"),
    ('lang = "xx"', "lang = 'xx' has no wording; use one of: en, ja, ko, vi, zh"),
    ("lang = 3", "lang = 3 must be text in quotes"),
    ('admin_lang = "xx"', "admin_lang = 'xx' has no administrator's wording; use one of: en, ja"),
    ("school = 5", "school = 5 must be text in quotes"),
    ('sitting = "2026-05"', "sitting = '2026-05' a JLPT sitting is in July or December, not month 5"),
    ("sitting = 202607", "sitting = 202607 must be text in quotes"),
    ('mock_date = "tomorrow"', "mock_date = 'tomorrow' is not a date like 2026-11-20"),
    ('duplex = "yes"', "duplex = 'yes' must be true or false (without quotes)"),
    ("percentile = 1", "percentile = 1 must be true or false (without quotes)"),
    ('fill_class = "no"', "fill_class = 'no' must be true or false (without quotes)"),
    ('templates = "no/such/folder"', "is not a folder that exists"),
    ('history = "no/such/folder/jlpt-batch.db"', "is in a folder that does not exist"),
    ("history = true", "history = True must be text in quotes"),
    ('registration = { july = "03-24/04-17" }', "gives july '03-24/04-17', which is not an opening..closing range"),
    ("registration = { july = 3 }", "gives july 3: write it as text in quotes, like '03-24..04-17'"),
    ('registration = "spring"', "is not a list of sittings and dates like july=03-24..04-17"),
    ("bogus = 1", "unknown setting 'bogus'; known settings are"),
    ("paper = ", "is not valid TOML"),
]


@pytest.fixture
def cohort(tmp_path) -> Path:
    return write_csv(tmp_path / "cohort.csv", GOOD)


def invoke(*args: object):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def assert_one_line_usage_error(result, *expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: "), result.output
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output


@pytest.mark.parametrize(("option", "value", "allowed"), BAD_OPTIONS)
def test_a_bad_option_value_is_one_line_naming_it(cohort, tmp_path, option, value, allowed):
    result = invoke("run", cohort, "--out", tmp_path / "out", *FAST, option, value)
    assert_one_line_usage_error(result, f"{option} '{value}'", allowed)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("line", "message"), BAD_FILE_LINES)
def test_a_bad_settings_file_value_is_one_line_naming_it(cohort, tmp_path, line, message):
    settings_file = tmp_path / "jlpt-batch.toml"
    settings_file.write_text(line + "\n", encoding="utf-8")
    result = invoke("run", cohort, "--out", tmp_path / "out", *FAST)
    assert_one_line_usage_error(result, f"settings file {settings_file}", message)


def test_every_file_setting_is_checked_by_a_test_here():
    tested = {line.split("=")[0].strip() for line, _ in BAD_FILE_LINES}
    assert set(FILE_KEYS) <= tested


@pytest.mark.parametrize(("option", "value", "allowed"), BAD_HISTORY_OPTIONS)
def test_a_bad_history_option_value_is_one_line_naming_it(tmp_path, option, value, allowed):
    result = invoke("history", "--history", tmp_path / "h.db", option, value)
    assert_one_line_usage_error(result, f"{option} '{value}'", allowed)


def test_every_option_with_a_value_is_checked_by_a_test_here():
    # any text is a worksheet's, a school's or a class's name, or a student's id
    free_text = {"worksheet", "school", "student", "forget", "class_name"}
    valued = {item.option for item in SETTINGS if not item.flag and item.key not in free_text}
    assert valued <= {option for option, _, _ in (*BAD_OPTIONS, *BAD_HISTORY_OPTIONS)}


def test_the_command_line_wins_over_the_file_and_can_undo_a_flag(cohort, tmp_path):
    file_values = {"paper": "letter", "duplex": True, "school": "File School", "sitting": "2026-07"}
    given = Given({"paper": "a4", "duplex": False, "school": None}, file_values, tmp_path / "jlpt-batch.toml")
    settings = resolve(cohort, None, given)
    assert (settings.paper, settings.duplex, settings.school) == ("a4", False, "File School")
    assert settings.exam is not None and settings.exam.sitting == Sitting(2026, 7)


def test_defaults_are_the_settings_fields(cohort):
    settings = resolve(cohort, None, Given({}, {}))
    computed = {"as_of": settings.as_of, "jobs": settings.jobs, "exam": settings.exam, "history": settings.history}
    assert settings == Settings(cohort, settings.out_dir, **computed)


def test_the_history_store_is_beside_the_settings_file_else_in_the_current_folder(cohort, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert resolve(cohort, None, Given({}, {})).history == tmp_path / "jlpt-batch.db"
    beside = Given({}, {}, tmp_path / "school" / "jlpt-batch.toml")
    assert resolve(cohort, None, beside).history == tmp_path / "school" / "jlpt-batch.db"
    assert resolve(cohort, None, Given({"no_history": True}, {"history": "x.db"})).history is None


def test_an_exam_name_needs_a_mock_date_and_history_options_cannot_contradict(cohort, tmp_path):
    result = invoke("run", cohort, "--out", tmp_path / "out", *FAST, "--exam-name", "Spring practice")
    assert_one_line_usage_error(
        result, "--exam-name 'Spring practice' names a mock exam; give its --mock-date (or its --key) too"
    )
    result = invoke("run", cohort, "--out", tmp_path / "out", *FAST, "--history", tmp_path / "h.db", "--no-history")
    assert_one_line_usage_error(result, "--history and --no-history contradict each other; give one of them")
    assert not (tmp_path / "out").exists() and not (tmp_path / "h.db").exists()


def test_registration_dates_from_the_file_or_the_command_line_replace_the_usual_ones_of_their_sitting(cohort):
    usual = usual_registration()
    from_file = resolve(cohort, None, Given({}, {"registration": {"july": "02-01..02-28"}})).registration
    assert from_file.school_set and from_file.windows[7] == parse_window("02-01..02-28")
    assert from_file.windows[12] == usual.windows[12]
    typed = resolve(cohort, None, Given({"registration": "december=07-01..07-31"}, {})).registration
    assert typed.windows == {7: usual.windows[7], 12: parse_window("07-01..07-31")}
    assert not resolve(cohort, None, Given({}, {})).registration.school_set


def test_a_toml_date_and_a_language_tag_are_accepted(cohort):
    given = Given({"lang": "ja-JP"}, {"mock_date": dt.date(2026, 11, 20)})
    settings = resolve(cohort, None, given)
    assert settings.lang == "ja"
    assert settings.exam is not None and settings.exam.mock_date == dt.date(2026, 11, 20)


def test_the_help_states_each_default_from_the_settings_field():
    result = invoke("run", "--help")
    text = " ".join(result.output.split())
    assert "Paper size of the sheets and the workbook's print setup: a4 or letter. Default: a4." in text
    assert "Refuse inputs with more candidate rows than this. Default: 1,000,000." in text
    assert "Default: input." in text and "Default: all." in text


def test_a_history_store_in_the_settings_file_is_found_relative_to_it(cohort, tmp_path):
    school = tmp_path / "school"
    (school / "records").mkdir(parents=True)
    (school / "jlpt-batch.toml").write_text('history = "records/year.db"\n', encoding="utf-8")
    result = invoke("run", cohort, "--out", tmp_path / "out", *FAST, "--config", school / "jlpt-batch.toml")
    assert result.exit_code == 0, result.output
    assert (school / "records" / "year.db").exists()


def test_a_settings_file_saved_in_shift_jis_is_one_line_saying_how_to_save_it(cohort, tmp_path):
    settings_file = tmp_path / "jlpt-batch.toml"
    settings_file.write_bytes('school = "さくら日本語学院"\n'.encode("cp932"))
    result = invoke("run", cohort, "--out", tmp_path / "out", *FAST)
    assert_one_line_usage_error(result, f"settings file {settings_file} is not UTF-8 text; save it again as UTF-8")


def test_a_settings_file_path_through_a_file_is_one_line(cohort, tmp_path):
    through = cohort / "jlpt-batch.toml"  # the cohort is a file, so nothing lies below it
    result = invoke("run", cohort, "--out", tmp_path / "out", *FAST, "--config", through)
    assert_one_line_usage_error(result, f"settings file {through} cannot be read")


def test_a_settings_file_s_own_problems_are_said_in_the_language_it_asks_for(cohort, tmp_path):
    (tmp_path / "jlpt-batch.toml").write_text('admin_lang = "ja"\nfoo = 1\n', encoding="utf-8")
    result = invoke("run", cohort, "--out", tmp_path / "out", *FAST)
    assert result.exit_code == 2 and result.output.startswith("エラー："), result.output
    assert "foo" in result.output
