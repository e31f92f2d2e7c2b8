"""What the administrator reads, as data: ``templates/admin/<lang>.toml``.

Everything the administrator reads comes from here, written once per language: the
terminal, every error, warning and rejection message, the workbook's tabs, headings,
notes, column labels and chart titles, and the teacher's cover of each class bundle.
Entries that state a rule fact (a section's range, a floor, a pass mark) take it as a
placeholder filled from the rules, never written into the wording.

``AdminWords`` wraps a catalog with what every part needs: numbers, dates and lists
as the language writes them, and the words for sections, outcomes and regions.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from jlpt_batch.contract import COLUMNS, Count, Outcome
from jlpt_batch.errors import TemplateError
from jlpt_batch.exams import Exam, Sitting
from jlpt_batch.reading.sniff import KINDS
from jlpt_batch.rules import BAND_PARTS, PARTS, SECTION_KEYS, load_rules
from jlpt_batch.wording import FALLBACK_LANG, Catalog, EntrySpec, Fields, Wording, fields, load_wording

_NONE = fields()
_SCALED = frozenset({*SECTION_KEYS, "total"})  # columns whose label states their range
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
SHEET_LANGUAGES = ("en", "ja", "ko", "zh", "vi")


def _column_fields(key: str) -> Fields:
    return fields("maximum") if key in _SCALED else _NONE


def _group(group: str, **entries: Fields) -> dict[str, Fields]:
    return {f"{group}.{name}": spec for name, spec in entries.items()}


def _plain(group: str, *names: str) -> dict[str, Fields]:
    return {f"{group}.{name}": _NONE for name in names}


_COUNT = fields("count")
_ROW_PROBLEM = fields("column", "value")

_GENERAL: dict[str, Fields] = {
    **_group("numbers", group_separator=_NONE, decimal_separator=_NONE, percent=fields("number")),
    **_group("dates", day=fields("day", "month", "month_name", "year"),
             month_year=fields("month", "month_name", "year")),
    **_plain("months", *MONTHS),
    **_group("list", separator=_NONE, pair=fields("first", "second"), **{"or": fields("first", "second")}),
    **{f"units.{unit}_{form}": _COUNT for unit in ("point", "row", "empty_row", "student", "problem",
                                                                 "exam", "exam_level", "record")
       for form in ("one", "other")},
    **_group("exam", sitting=fields("month_year", "month", "year"), mock=fields("date"),
             mock_named=fields("date", "name")),
    **_group("national", period=fields("month_year", "month", "year")),
    **{column.label_key: _column_fields(column.key) for column in COLUMNS},
    **{outcome.label_key: _NONE for outcome in Outcome},
    **_plain("outcomes", "mock_passed", "mock_not_passed"),
    **{count.label_key: _NONE for count in Count},
    "classes.none": _NONE,
    "estimates.column": fields("label"),
    **_plain("sections", *SECTION_KEYS, "total"),
    **_plain("sections_short", *SECTION_KEYS, "total"),
    **_plain("band_parts", *BAND_PARTS),
    **_plain("regions", "all", "domestic", "overseas"),
    **_plain("region_values", "domestic", "overseas"),
    **_plain("languages", *SHEET_LANGUAGES),
    **_plain("answers", "yes", "no"),
}  # fmt: skip

_TERMINAL: dict[str, Fields] = _group(
    "terminal",
    counts=fields("file", "source", "header_row", "read", "judged", "passed", "not_passed", "not_scored",
                  "rejected", "skipped"),
    source_sheet=fields("sheet"),
    source_csv=fields("encoding"),
    **{f"heading_{name}": _NONE for name in ("level", "judged", "scored", "passed", "pass_rate", "not_scored",
                                             "rejected")},
    no_rate=_NONE,
    rejected=fields("rows"),
    more=fields("problems"),
    outputs=fields("folder"),
    would_reject=fields("rows"),
    all_judged=_NONE,
    warning=fields("text"),
    error=fields("text"),
    progress=_NONE,
    note=fields("text"),
    history=fields("students", "exam", "store", "earlier"),
)  # fmt: skip

_SETTINGS: dict[str, Fields] = _group(
    "settings",
    is_a_folder=fields("example"),
    no_such_folder=_NONE,
    too_long=fields("characters"),
    not_xlsx=_NONE,
    not_a_level=fields("levels"),
    option=fields("option", "value"),
    in_file=fields("file", "key", "value"),
    bad_value=fields("where", "problem"),
    not_text=_NONE,
    not_allowed=fields("allowed"),
    not_whole_number=_NONE,
    not_a_date=_NONE,
    not_true_or_false=_NONE,
    not_a_folder=_NONE,
    not_a_file=_NONE,
    not_an_encoding=_NONE,
    sitting_month=fields("month"),
    sitting_format=fields("text"),
    no_wording=fields("where", "languages"),
    no_admin_wording=fields("where", "languages"),
    not_a_sitting=fields("name"),
    window_not_text=fields("name", "value"),
    bad_window=fields("name", "text", "problem"),
    not_registration=_NONE,
    window_format=_NONE,
    window_day=fields("day"),
)

_ERRORS: dict[str, Fields] = _group(
    "errors",
    exam_name_without_mock=fields("where"),
    history_and_no_history=_NONE,
    history_store_folder=fields("store", "example"),
    history_store_unreadable=fields("store", "reason"),
    history_not_ours=fields("store", "problem"),
    history_newer=fields("store", "version", "ours"),
    history_interrupted=fields("folder", "store"),
    history_not_recorded=fields("folder", "store", "problem"),
    history_not_recorded_reason=fields("folder", "store", "reason"),
    history_unreadable=fields("store", "reason"),
    history_not_written=fields("store", "reason"),
    history_actions_together=fields("options"),
    history_option_alone=fields("option", "takers"),
    history_no_store=fields("store"),
    history_no_student=fields("student", "store"),
    history_nothing_to_forget=fields("student", "store"),
    history_no_exam=fields("exam", "store"),
    history_same_file=fields("file", "exam", "store", "this"),
    history_several_mocks=fields("count", "date", "names"),
    history_nothing_to_export=fields("which", "store"),
    history_export_unwritten=fields("file", "reason"),
    as_written=fields("text"),
    unexpected=fields("what", "details"),
    interrupted=_NONE,
    no_such_file=fields("path"),
    is_a_folder=fields("path"),
    empty_file=fields("file"),
    sheet_option_for_csv=_NONE,
    unknown_encoding_text=fields("file"),
    unknown_encoding=fields("encoding"),
    bad_encoding_line=fields("file", "line", "encoding", "byte"),
    damaged=fields("where", "detail", "program"),
    **{f"in_{program}": _NONE for program in ("excel", "libreoffice", "any")},
    no_worksheet=fields("where", "program"),
    sheet_not_found=fields("sheet", "file", "sheets"),
    sheet_name=fields("sheet"),
    too_many_cells=fields("where", "limit"),
    too_many_merges=fields("where", "limit"),
    part_too_big=fields("where", "part", "mebibytes"),
    xml_doctype=fields("where"),
    repeats_too_many=fields("where", "limit"),
    xls_unreadable=fields("file", "detail"),
    no_header=fields("where", "rows"),
    where_sheet=fields("file", "sheet"),
    same_column_twice=fields("first", "second", "meaning"),
    missing_columns=fields("missing", "found"),
    no_columns_found=_NONE,
    column_name=fields("name"),
    no_rows=fields("header_row"),
    too_many_rows=fields("rows", "max_rows"),
    settings_file_missing=fields("file"),
    settings_file_folder=fields("file"),
    settings_file_not_utf8=fields("file"),
    settings_file_unreadable=fields("file"),
    settings_file_not_toml=fields("file", "detail"),
    settings_file_unknown=fields("file", "key", "known"),
    output_not_ours=fields("folder"),
    input_inside_output=fields("folder"),
    not_a_spreadsheet=fields("file", "kind", "advice"),
    **{f"advice_{kind}": _NONE for kind in ("encrypted", "xml_2003", "html", "spreadsheet")},
    out_dangling_link=fields("folder", "target"),
    out_is_a_file=fields("folder"),
    out_is_current=fields("folder"),
    no_room=fields("folder", "free", "rows", "needed"),
    not_written=fields("folder", "reason", "where", "advice"),
    **{f"advice_{name}": _NONE for name in ("no_space", "quota", "read_only", "no_permission", "name_too_long",
                                            "not_a_folder", "other")},
)  # fmt: skip

# What is wrong inside a damaged workbook: the {detail} of errors.damaged.
_DAMAGE: dict[str, Fields] = _group(
    "damage",
    bad_archive=fields("detail"),
    missing_part=fields("part"),
    bad_reference=fields("reference"),
    reference_outside=fields("reference"),
    cell_twice=fields("cell", "row"),
    row_too_wide=fields("row", "columns"),
    row_order=fields("row", "previous", "last"),
    no_shared_string=fields("row"),
    bad_number=fields("row", "value"),
    row_beyond=fields("last"),
    cell_outside=_NONE,
    repeat_count=fields("value"),
    broken_xml=fields("detail"),
)

# What a file turned out to be (reading.sniff.KINDS), in words.
_FORMATS: dict[str, Fields] = _plain("formats", *(kind.replace("-", "_") for kind in KINDS))

# What the reader noticed about the file, shown on the terminal and the Overview tab.
_NOTES: dict[str, Fields] = _group(
    "notes",
    really=fields("file", "kind"),
    grouped_class=fields("column", "rows", "which"),
    question_marks=fields("rows", "columns", "which"),
    mixed_width_ids=fields("column", "shortest", "longest"),
    mixed_width_student_ids=fields("column", "shortest", "longest"),
    rows=fields("rows"),
    rows_and_more=fields("rows", "more"),
    row_range=fields("first", "last"),
)

_WORDING: dict[str, Fields] = _group(
    "wording",
    unknown_entry=fields("file", "entry"),
    missing_entry=fields("file", "entry"),
    no_english=fields("folder"),
    builtin_missing=_NONE,
    builtin_incomplete=fields("file", "problem"),
    no_folder=fields("folder"),
    not_toml=fields("file", "near", "detail"),
    near_entry=fields("entry", "line"),
    near_line=fields("line"),
    not_text=fields("file", "entry", "value"),
    broken_placeholder=fields("file", "entry", "detail", "allowed"),
    unknown_placeholder=fields("file", "entry", "unknown", "allowed"),
    no_placeholders=_NONE,
)

_SHEETS: dict[str, Fields] = _group(
    "sheets",
    no_language=fields("lang"),
    language_of_students=fields("lang", "students", "default"),
    undrawable_name=fields("row", "candidate", "name", "characters", "replacement"),
    undrawable_wording=fields("characters", "replacement"),
    shortened=fields("row", "candidate", "field", "characters", "ellipsis"),
)

_REJECTIONS: dict[str, Fields] = _group(
    "rejections",
    row=fields("row", "problem"),
    id_empty=fields("column"),
    id_repeated=fields("column", "value", "rows"),
    student_id_empty=fields("column"),
    student_id_repeated=fields("column", "value", "rows"),
    level_empty=fields("column", "levels"),
    level_unknown=fields("column", "value", "levels"),
    not_a_number=_ROW_PROBLEM,
    is_a_date=_ROW_PROBLEM,
    not_whole=_ROW_PROBLEM,
    not_a_section=fields("column", "value", "level", "section"),
    out_of_range=fields("column", "value", "maximum", "level"),
    no_column=fields("level", "section"),
    total_differs=fields("column", "value", "sum"),
    count_alone=fields("column", "other"),
    no_questions=_ROW_PROBLEM,
    negative_count=_ROW_PROBLEM,
    too_many_correct=fields("column", "value", "other", "other_value"),
    band_unknown=_ROW_PROBLEM,
    region_unknown=_ROW_PROBLEM,
    where_cell=fields("column", "cell"),
    where_column=fields("column"),
    cell_error=fields("where", "value"),
    cell_formula=fields("where", "value"),
    cell_empty_value=fields("where"),
    cell_too_long=fields("where", "limit"),
    stray_quote=fields("line", "text"),
    whole_row=_NONE,
    long_value=fields("start", "characters"),
)

_WORKBOOK: dict[str, Fields] = {
    **_group("workbook", title=_NONE, footer_left=fields("school", "exam"),
             footer_right=fields("date", "page", "pages")),
    **_plain("tabs", "overview", "by_level", "by_class", "results", "near_misses", "distribution", "progress",
              "rejected"),
    **_group("table", level=_NONE, pass_rate=_NONE, national_pass_rate=_NONE, region=_NONE,
             nobody_judged=fields("tab")),
    **_group(
        "overview",
        **{name: _NONE for name in ("title", "this_run", "input_file", "sha256", "worksheet", "header_row",
                                    "empty_rows", "reading_note", "scores_from", "as_of", "national",
                                    "rules_version", "software", "by_level", "pass_rate_note", "tabs",
                                    "guide_by_level", "guide_by_class", "guide_results", "guide_near_misses",
                                    "guide_progress", "guide_rejected")},
        prepared=fields("date", "file"),
        worksheet_csv=fields("encoding"),
        national_value=fields("period", "regions"),
        exam_sitting=fields("month_year", "date"),
        exam_mock=fields("date", "next"),
        exam_mock_named=fields("date", "name", "next"),
        national_note=fields("period"),
        guide_distribution=fields("width"),
    ),
    **_group(
        "by_level",
        **{name: _NONE for name in ("title", "pass_rates", "pass_rates_note", "failed_on_floor_only", "pass_rate",
                                    "judged_pass_rate", "vs_national", "sections", "sections_note", "section",
                                    "scored", "mean", "sd", "lowest", "highest", "national_mean", "national_sd",
                                    "vs_national_mean", "threshold", "below", "nobody_scored", "bands", "part",
                                    "band_a", "band_b", "band_c", "no_bands", "cefr", "cefr_note", "cefr_level",
                                    "passed", "nobody_passed")},
        national=fields("period", "regions"),
        bands_note=fields("a_min", "b_min"),
        no_cefr_sitting=fields("since"),
        no_cefr_mock=_NONE,
    ),
    **_group("by_class", title=_NONE, note=_NONE, national=fields("period", "regions"), level_pass_rate=_NONE),
    **_plain("results", "title", "legend", "legend_mock", "none"),
    **_group(
        "near_misses",
        **{name: _NONE for name in ("title", "order", "priority", "total", "pass_mark", "floors_missed",
                                    "floor_shortfall", "points_needed", "missed", "separator", "none")},
        who=fields("total_points", "floor_points"),
        total_short=fields("points", "pass_mark"),
        below_floor=fields("section", "points", "floor"),
    ),
    **_group(
        "distribution",
        **{name: _NONE for name in ("title", "note", "bin", "scored", "candidates_axis", "total_axis", "score",
                                    "cohort_below", "national_below", "below_axis")},
        national=fields("period"),
        nobody_scored=fields("level"),
        bins=fields("level", "width", "pass_mark"),
        bins_note=fields("pass_mark"),
        below=fields("pass_mark"),
        at_or_above=fields("pass_mark"),
        bins_chart=fields("level", "pass_mark"),
        percentiles=fields("level"),
        percentiles_note=fields("region"),
        percentiles_chart=fields("level"),
    ),
    **_plain("rejected", "title", "note", "row", "candidate", "column", "value", "reason", "none"),
}  # fmt: skip

_COVER: dict[str, Fields] = _group(
    "cover",
    title=fields("class_name"),
    title_no_class=_NONE,
    part=fields("title", "part", "parts"),
    subtitle=fields("school", "exam", "date"),
    subtitle_no_school=fields("exam", "date"),
    **{f"heading_{name}": _NONE for name in ("number", "candidate", "name", "level", "result", "total",
                                                   "total_mock", "reason")},
    summary=fields("students", "passed", "not_passed", "not_scored"),
    summary_mock=fields("students", "passed", "not_passed", "not_scored"),
    reason_total=fields("points", "pass_mark"),
    reason_floor=fields("section", "score", "points", "floor"),
    reason_absent=fields("sections"),
    reason_separator=_NONE,
    not_in_bundle=fields("rows"),
    rejected_row=fields("candidate", "name", "level", "row", "tab"),
    rejected_row_csv=fields("candidate", "name", "level", "row"),
    rejected_name=fields("name"),
    no_id=_NONE,
    no_level=_NONE,
    page=fields("page", "pages"),
)  # fmt: skip

# The history store and the `jlpt-batch history` command; its export; the workbook's Progress tab.
_HISTORY: dict[str, Fields] = {
    **_group(
        "history",
        empty_file=_NONE,
        not_sqlite=_NONE,
        other_sqlite=_NONE,
        unknown_version=fields("version"),
        busy=_NONE,
        renamed=fields("students", "store", "rows", "more"),
        renamed_row=fields("row", "student", "name", "stored_name", "exam"),
        renamed_more=fields("rows", "tab"),
        exam_list=_NONE,
        exams=fields("store", "exams", "students"),
        no_exams=_NONE,
        heading_exam_kind=_NONE,
        heading_exam_date=_NONE,
        heading_exam_name=_NONE,
        heading_level=_NONE,
        heading_students=_NONE,
        heading_scored=_NONE,
        heading_passed=_NONE,
        heading_pass_rate=_NONE,
        heading_result=_NONE,
        student=fields("student", "exams", "name", "class_name", "candidate"),
        no_name=_NONE,
        forgot=fields("student", "records", "store"),
        exam_at_level=fields("exam", "level"),
        removed=fields("exam", "records", "store"),
        of_class=fields("class_name"),
        class_at_level=fields("class_name", "level"),
        everyone=_NONE,
        export_what=fields("which", "store"),
        exported=fields("which", "students", "records", "file"),
    ),
    **_group(
        "history_export",
        totals_title=fields("what"),
        totals_note=_NONE,
        records_title=fields("what"),
        none=_NONE,
        heading_exam_kind=_NONE,
        heading_exam_date=_NONE,
        heading_exam_name=_NONE,
    ),
    **_group(
        "progress_tab",
        title=_NONE,
        no_store=_NONE,
        from_store=fields("store"),
        note_previous=_NONE,
        note_levels=_NONE,
        note_counts=_NONE,
        by_class=_NONE,
        count_judged=_NONE,
        count_with_previous=_NONE,
        count_other_level=_NONE,
        count_improved=_NONE,
        count_fell_back=_NONE,
        count_unchanged=_NONE,
        count_passed_after_not_passing=_NONE,
        count_fell_below_floor=_NONE,
        fell_below_heading=_NONE,
        below_section=_NONE,
        below_floor=_NONE,
        below_then=_NONE,
        below_now=_NONE,
        nobody=_NONE,
        renamed_heading=_NONE,
        input_row=_NONE,
        name_here=_NONE,
        name_stored=_NONE,
        at_exam=_NONE,
        none=_NONE,
        students_heading=_NONE,
        no_earlier=_NONE,
        score_then=fields("section"),
        score_now=fields("section"),
        score_change=fields("section"),
        result_then=_NONE,
        result_now=_NONE,
    ),
    **_plain("tabs", "history_totals", "history_records"),
}
_WHERE_ROW = ("where", "row")  # a problem of an answer key or a conversion table: the file, the row

# A mock marked against its answer key (--key): the key's errors, the answers' rejections,
# the run's warnings and the Item analysis tab.
_MOCK: dict[str, Fields] = {
    **_plain("exam_kinds", "sitting", "mock"),
    **_plain("mock_parts", *(part for part in PARTS if part not in BAND_PARTS)),
    **_plain("key_columns", "level", "item", "answer", "section", "part", "points", "raw", "scaled"),
    **_group("options", digits=fields("digits", "circled"), letters=fields("letters", "digits", "circled")),
    **_group(
        "errors",
        key_unreadable=fields("problem"),
        where_key=fields("file"),
        where_conversion=fields("file"),
        where_conversion_sheet=fields("file", "sheet"),
        no_key_header=fields("where", "rows"),
        no_conversion_header=fields("where", "rows"),
        key_same_column_twice=fields("where", "first", "second", "meaning"),
        key_cell=fields("where", "problem"),
        key_missing_columns=fields("where", "missing", "found"),
        key_no_questions=fields("where", "header_row"),
        key_letters_or_numbers=fields(*_WHERE_ROW, "answer", "what", "numbers", "letters"),
        key_mixes_letters_and_numbers=_NONE,
        key_letter_after_numbers=fields("row"),
        key_number_after_letters=fields("row"),
        key_problem=fields("problem"),
        key_more_problems=fields("problem", "more"),
        key_level_empty=fields(*_WHERE_ROW, "levels"),
        key_level_unknown=fields(*_WHERE_ROW, "value", "levels"),
        key_item_empty=fields(*_WHERE_ROW),
        key_answer_empty=fields(*_WHERE_ROW),
        key_answer_unknown=fields(*_WHERE_ROW, "value", "options"),
        key_section_unknown=fields(*_WHERE_ROW, "value", "all_sections"),
        key_part_unknown=fields(*_WHERE_ROW, "value", "parts"),
        key_points_bad=fields(*_WHERE_ROW, "value"),
        key_no_section=fields(*_WHERE_ROW, "level", "section", "all_sections"),
        key_part_elsewhere=fields(*_WHERE_ROW, "part", "sections", "section"),
        key_item_twice=fields(*_WHERE_ROW, "level", "item", "first_row"),
        key_item_no_column=fields(*_WHERE_ROW, "item"),
        key_section_without_questions=fields("where", "level", "section"),
        responses_same_question=fields("first", "second"),
        responses_score_column=fields("column", "meaning"),
        responses_question_not_in_key=fields("column"),
        conversion_two_tables=fields("first", "second"),
        conversion_missing_columns=fields("where", "missing"),
        conversion_level_unknown=fields(*_WHERE_ROW, "value", "levels"),
        conversion_section_unknown=fields(*_WHERE_ROW, "value", "all_sections"),
        conversion_no_questions=fields(*_WHERE_ROW, "level", "section"),
        conversion_raw_bad=fields(*_WHERE_ROW, "value"),
        conversion_raw_too_high=fields(*_WHERE_ROW, "raw", "possible", "level", "section"),
        conversion_scaled_bad=fields(*_WHERE_ROW, "value", "maximum"),
        conversion_not_from_zero=fields(*_WHERE_ROW, "level", "section", "raw"),
        conversion_raw_twice=fields(*_WHERE_ROW, "raw", "level", "section"),
        conversion_scaled_lower=fields(*_WHERE_ROW, "scaled", "previous"),
    ),
    **_group(
        "rejections",
        level_not_in_key=fields("file", "level"),
        not_an_answer=fields("column", "value", "options"),
        answer_not_in_key=fields("column", "value", "level"),
    ),
    **_group(
        "mock",
        answer_at=fields("row", "column"),
        and_more=fields("examples"),
        double_marks=fields("answers", "examples"),
        check_key_question=fields("level", "item", "keyed", "chosen"),
        and_more_questions=fields("questions", "more"),
        check_key=fields("count", "questions"),
    ),
    "tabs.items": _NONE,
    **_group("overview", guide_items=_NONE, answer_key=_NONE),
    "by_level.sections_mock": _NONE,
    **_group(
        "items",
        **{name: _NONE for name in ("title", "who", "estimates", "reliability", "kr20_note", "sem_note",
                                    "questions_count", "possible", "students_sat", "mean_points", "kr20", "sd", "sem",
                                    "method", "method_share", "method_table", "none_marked", "by_class",
                                    "by_class_note", "students", "none_judged", "part", "item", "answer", "points",
                                    "answered", "facility", "discrimination", "point_biserial", "two_marks", "blank",
                                    "flags", "every_question", "facility_note", "bars_note", "check_key_note")},
        key=fields("file"),
        part_share=fields("part"),
        chose=fields("option"),
        discrimination_note=fields("percent"),
        flags_note=fields("too_hard", "too_easy", "low"),
    ),
    **_plain("flags", "too_hard", "too_easy", "low_discrimination", "check_key"),
}  # fmt: skip

# Every entry of an administrator's wording file and the placeholders it may use.
ENTRIES: dict[str, Fields] = {
    **_GENERAL, **_TERMINAL, **_SETTINGS, **_ERRORS, **_DAMAGE, **_FORMATS, **_NOTES, **_WORDING, **_SHEETS,
    **_REJECTIONS, **_WORKBOOK, **_COVER, **_MOCK, **_HISTORY,
}  # fmt: skip

SPEC = EntrySpec("admin", "admin", ENTRIES)


@cache  # one entry per folder: callers pass the folder, None for the shipped wording, never leave it out
def admin_wording(templates_dir: Path | Traversable | None) -> Wording:
    """The administrator's wording of every language (from ``templates_dir/admin`` when it has one)."""
    return load_wording(SPEC, templates_dir)


def english() -> Catalog:
    """The built-in English wording: what ``str()`` of an error or a warning shows."""
    return admin_wording(None).catalog(FALLBACK_LANG)


def admin_catalog(lang: str, templates_dir: Path | None = None) -> Catalog:
    """The administrator's wording in ``lang`` (English where there is none)."""
    return admin_wording(templates_dir).catalog(lang)


def safe_catalog(lang: str, templates_dir: Path | None = None) -> Catalog:
    """The best catalog to report a problem in, even when the given templates are the problem."""
    for folder in (templates_dir, None):
        try:
            return admin_catalog(lang, folder)
        except TemplateError:
            continue
    return english()


def locale_language(environ: dict[str, str] | None = None) -> str:
    """The language of the locale (``LANG=ja_JP.UTF-8`` gives ``ja``) when there is wording for it, else English.

    As POSIX decides it: ``LC_ALL`` wins over ``LC_MESSAGES``, which wins over ``LANG``.
    """
    environ = dict(os.environ) if environ is None else environ
    setting = next((environ[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(name)), "")
    code = setting.split(".")[0].split("@")[0].split("_")[0].lower()
    try:
        languages = admin_wording(None).languages
    except TemplateError:
        return FALLBACK_LANG
    return code if code in languages else FALLBACK_LANG


def column_label(catalog: Catalog, key: str, *, mock: bool = False) -> str:
    """A column's label, with its range filled in from the rules where the label states one.

    On a mock, whose scores are estimates and not JLPT scaled scores, a score column says so.
    """
    if key not in _SCALED:
        return catalog.text(f"columns.{key}")
    rules = load_rules()
    maximum = rules.total_max if key == "total" else rules.section_maximum(key)
    label = catalog.text(f"columns.{key}", maximum=maximum)
    return catalog.text("estimates.column", label=label) if mock else label


class AdminWords:
    """A catalog with the language's ways: numbers, dates, lists, and the words for the judged data."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.text = catalog.text

    @property
    def lang(self) -> str:
        return self.catalog.lang

    def number(self, value: int | float, decimals: int = 0) -> str:
        """``1,234`` or ``1.234,5``, as the language groups digits and marks decimals."""
        shown = f"{value:,.{decimals}f}"
        group, point = self.text("numbers.group_separator"), self.text("numbers.decimal_separator")
        return shown.replace(",", "\0").replace(".", point).replace("\0", group)

    def percent(self, share: float, decimals: int = 0) -> str:
        """A share (0.38) as a percentage: ``38%``."""
        return self.text("numbers.percent", number=self.number(share * 100, decimals))

    def count(self, unit: str, count: int) -> str:
        """``1 row``, ``3 rows``: the unit's singular or plural form with the number."""
        form = "one" if count == 1 else "other"
        return self.text(f"units.{unit}_{form}", count=self.number(count))

    def month(self, month: int) -> str:
        return self.text(f"months.{MONTHS[month - 1]}")

    def date(self, day: dt.date) -> str:
        return self.text("dates.day", day=day.day, month=day.month, month_name=self.month(day.month), year=day.year)

    def month_year(self, year: int, month: int) -> str:
        return self.text("dates.month_year", month=month, month_name=self.month(month), year=year)

    def sitting(self, sitting: Sitting) -> str:
        """A sitting's title: 'JLPT July 2026', '2026年7月 日本語能力試験'."""
        month_year = self.month_year(sitting.year, sitting.month)
        return self.text("exam.sitting", month_year=month_year, month=sitting.month, year=sitting.year)

    def exam(self, exam: Exam) -> str:
        """The exam's title: a sitting's, or 'mock exam of 20 November 2026'."""
        if exam.mock_date is not None:
            return self.mock(exam.mock_date, exam.name)
        return self.sitting(exam.sitting)

    def mock(self, day: dt.date, name: str = "") -> str:
        """A mock exam: 'mock exam of 10 May 2026', with its name when it has one."""
        if name:
            return self.text("exam.mock_named", date=self.date(day), name=name)
        return self.text("exam.mock", date=self.date(day))

    def join(self, items: Iterable[str], last: str = "pair") -> str:
        """'A', 'A and B', 'A, B and C' (``last="or"``: 'A, B or C') as the language lists things."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        head = self.text("list.separator").join(items[:-1])
        return self.text(f"list.{last}", first=head, second=items[-1])

    def section(self, key: str) -> str:
        """A section (or ``total``) in words: Listening, 聴解."""
        return self.text(f"sections.{key}")

    def section_short(self, key: str) -> str:
        return self.text(f"sections_short.{key}")

    def outcome(self, outcome: Outcome, mock: bool = False) -> str:
        """An outcome in words; on a school's mock, a pass or not is at (or below) the pass level of
        that mock, never "Passed", which would read as a JLPT result."""
        if mock and outcome in (Outcome.PASSED, Outcome.NOT_PASSED):
            return self.text(f"outcomes.mock_{outcome.value}")
        return self.text(outcome.label_key)

    def region(self, region: str) -> str:
        """The national population compared with: 'examinees in Japan'."""
        return self.text(f"regions.{region}") if f"regions.{region}" in self.catalog.entries else region

    def period(self, period: str) -> str:
        """A national reference period ('jlpt-2018-07') in words."""
        try:
            year, month = (int(part) for part in period.removeprefix("jlpt-").split("-"))
        except ValueError:
            return period
        return self.text("national.period", month_year=self.month_year(year, month), month=month, year=year)

    def levels(self) -> str:
        """Every JLPT level, as a choice: 'N1, N2, N3, N4 or N5'."""
        return self.join(load_rules().levels, last="or")
