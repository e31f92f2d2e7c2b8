"""What a feedback sheet says for each outcome: the student's own numbers, sections and dates."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import unicodedata

import pytest
from feedback_rows import judged_row, settings, sheet_text, three, two

from jlpt_batch.contract import Outcome
from jlpt_batch.exams import Exam, Sitting, parse_window, usual_registration
from jlpt_batch.outputs.sheets import draw
from jlpt_batch.outputs.sheets.content import build_sheet
from jlpt_batch.outputs.sheets.context import language_warnings, make_context, sheet_language
from jlpt_batch.outputs.sheets.cover import build_cover


@pytest.fixture(scope="module")
def context():
    return make_context(settings())


def paragraphs(model, heading: str) -> tuple[str, ...]:
    return next(block.paragraphs for block in model.blocks if block.heading == heading)


def headings(model) -> list[str]:
    return [block.heading for block in model.blocks]


# --- passed -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "scores", "total", "pass_mark", "cefr", "next_level"),
    [
        ("N1", three(50, 47, 45), 142, 100, "C1", None),
        ("N1", three(50, 46, 45), 141, 100, "B2", None),
        ("N2", three(40, 40, 32), 112, 90, "B2", "N1"),
        ("N2", three(40, 40, 31), 111, 90, "B1", "N1"),
        ("N3", three(35, 35, 34), 104, 95, "B1", "N2"),
        ("N3", three(35, 35, 33), 103, 95, "A2", "N2"),
        ("N4", two(60, 30), 90, 90, "A2", "N3"),
        ("N5", two(50, 30), 80, 80, "A1", "N4"),
    ],
)
def test_passed_sheet_names_level_total_cefr_and_next_step(context, level, scores, total, pass_mark, cefr, next_level):
    model = build_sheet(judged_row(level, scores, name="Tanaka Hana"), context)
    assert model.outcome is Outcome.PASSED
    assert model.result_text == "Passed"
    assert model.name == "Tanaka Hana"
    assert f"{level} passed: a total of {total} / 180 against a pass mark of {pass_mark}" in model.result_detail
    total_row = model.score_rows[-1]
    assert (total_row.label, total_row.score, total_row.threshold) == ("Total", str(total), str(pass_mark))
    cefr_line = paragraphs(model, "CEFR reference level")[0]
    assert cefr_line.startswith(f"{cefr}: ")
    what_next = " ".join(paragraphs(model, "What next"))
    assert f"Your {level} certificate never expires" in what_next and "official proof of your Japanese" in what_next
    assert f"{level} opens (immigration policy, which can change): " in what_next
    assert "The JLPT tests vocabulary, grammar, reading and listening, but not speaking or writing" in what_next
    if next_level:
        assert (
            f"Next step: {next_level}, at the JLPT on 4 July 2027, 28 weeks from now "
            "(registration 24 March to 17 April 2027) if you feel ready; or rest a few months, "
            "keeping up some light reading and listening, and sit it on 5 December 2027."
        ) in what_next
    else:
        assert "N1 is the top level" in what_next and "2027" not in what_next and "rest" not in what_next


def test_passed_exactly_at_the_pass_mark_and_a_floor_says_so(context):
    model = build_sheet(judged_row("N5", two(61, 19)), context)
    assert [row.margin for row in model.score_rows] == [
        "+23 above the floor",
        "exactly at the floor",
        "exactly the pass mark",
    ]


def test_what_a_level_opens_is_specific_to_the_level(context):
    n2 = " ".join(paragraphs(build_sheet(judged_row("N2", three(40, 40, 40)), context), "What next"))
    n4 = " ".join(paragraphs(build_sheet(judged_row("N4", two(80, 40)), context), "What next"))
    assert "10 Highly Skilled Foreign Professional points" in n2 and "universities" in n2
    assert "Specified Skilled Worker (i)" in n4 and "Highly Skilled" not in n4


def test_pass_sheet_has_no_fail_or_absent_wording(context):
    text = sheet_text(build_sheet(judged_row("N3", three(40, 40, 40)), context))
    assert "retake" not in text.lower() and "Not passed" not in text and "absent" not in text


# --- not passed ---------------------------------------------------------------------------


def test_fail_on_total_names_the_shortfall_and_the_weakest_section(context):
    row = judged_row("N4", two(60, 25), vocabulary_band="B", grammar_band="C", reading_band="B")
    model = build_sheet(row, context)
    assert model.outcome is Outcome.NOT_PASSED and model.result_text == "Not passed"
    assert model.result_detail == (
        "Every section cleared its floor, but the total of 85 was 5 points short of the pass mark of 90."
    )
    assert model.score_rows[-1].margin == "5 points short" and model.score_rows[-1].below
    plan = " ".join(paragraphs(model, "Your retake plan"))
    assert "put the extra hours into Listening, your lowest at 25 / 60: 5 points more overall is enough" in plan
    assert "fell below" not in plan


@pytest.mark.parametrize(("level", "scores"), [("N3", three(30, 30, 30)), ("N4", two(56, 28))])
def test_even_sections_name_no_lowest(context, level, scores):
    plan = " ".join(paragraphs(build_sheet(judged_row(level, scores), context), "Your retake plan"))
    assert "Your sections are even, so share the extra hours among them all" in plan and "lowest" not in plan


def test_two_sections_tied_lowest_are_both_named(context):
    plan = " ".join(paragraphs(build_sheet(judged_row("N3", three(30, 30, 33)), context), "Your retake plan"))
    assert "put the extra hours into Language Knowledge and Reading, your lowest at 30 / 60" in plan


def test_korean_joins_sections_with_the_particle_their_last_sound_takes(context):
    def plan(scores):
        return " ".join(build_sheet(judged_row("N3", scores, language="ko"), context).blocks[-1].paragraphs)

    assert "언어지식과 독해 영역은" in plan(three(40, 40, 10))  # 식 ends in a consonant: 과
    assert "독해와 청해 영역은" in plan(three(10, 40, 40))  # 해 ends in a vowel: 와


@pytest.mark.parametrize("lang", ["ja", "zh", "en", "ko", "vi"])
def test_an_n1_pass_never_suggests_a_rest_before_a_next_level(context, lang):
    model = build_sheet(judged_row("N1", three(50, 50, 50), language=lang), context)
    catalog = context.wording.catalog(lang)
    what_next = model.blocks[-1].paragraphs
    assert catalog.text("pass.top_level") in what_next
    assert catalog.text("pass.certificate", level="N1") in what_next
    assert not any("N2" in line and "N1" not in line for line in what_next[:2])
    rest = {"ja": "休", "zh": "休息", "en": "rest", "ko": "쉬", "vi": "nghỉ"}[lang]
    assert not any(rest in line for line in what_next)


def test_one_point_short_is_singular(context):
    model = build_sheet(judged_row("N3", three(30, 30, 34)), context)
    assert model.score_rows[-1].margin == "1 point short"
    assert "was 1 point short of the pass mark of 95" in model.result_detail


def test_floor_missed_with_total_above_pass_mark_states_the_trap(context):
    row = judged_row("N3", three(50, 43, 17), name="Kim Minji")
    model = build_sheet(row, context)
    assert model.outcome is Outcome.NOT_PASSED
    assert model.result_detail == "Listening scored 17, 2 points below its floor of 19."
    listening = model.score_rows[2]
    assert (listening.label, listening.score, listening.margin, listening.below) == (
        "Listening",
        "17",
        "2 below the floor",
        True,
    )
    assert model.score_rows[-1].margin == "+15 above the pass mark"
    meaning = " ".join(paragraphs(model, "What this result means"))
    assert "Your total of 110 reached the pass mark of 95" in meaning
    assert '"I almost passed" trap' in meaning and "Listening missed it" in meaning
    assert "retakes are unlimited" in meaning
    plan = " ".join(paragraphs(model, "Your retake plan"))
    assert "Keep Language Knowledge and Reading going" in plan and "extra hours into Listening" in plan
    assert "The whole test is taken again" in plan and "4 July 2027, 28 weeks from now" in plan
    assert "Sit one full timed mock test to check your progress in Listening before you commit" in plan


def test_no_trap_sentence_when_the_total_was_also_short(context):
    model = build_sheet(judged_row("N2", three(15, 20, 30)), context)
    assert model.result_detail == (
        "Language Knowledge scored 15, 4 points below its floor of 19; "
        "the total of 65 was also 25 points short of the pass mark of 90."
    )
    assert "trap" not in sheet_text(model)


def test_bands_point_at_the_weak_sub_skill_of_the_failed_section(context):
    counts = dict(grammar_correct=9, grammar_questions=30)
    row = judged_row("N2", three(15, 40, 40), vocabulary_band="B", grammar_band="C", **counts)
    bands = paragraphs(build_sheet(row, context), "Reference information: A/B/C bands")
    assert "Vocabulary: B (fair, 34% to under 67% correct)" in bands
    assert "Grammar: C (weak, under 34% correct; you had 9 of 30)" in bands
    assert "Within Language Knowledge, start with Grammar (band C)." in bands
    assert bands[-1] == "The bands are a study guide only: they never decide pass or fail."


def test_several_sections_below_their_floors_are_all_named(context):
    model = build_sheet(judged_row("N1", three(15, 18, 10)), context)
    assert "Language Knowledge scored 15, 4 points below its floor of 19" in model.result_detail
    assert "Reading scored 18, 1 point below its floor of 19" in model.result_detail
    assert "Listening scored 10, 9 points below its floor of 19" in model.result_detail
    plan = " ".join(paragraphs(model, "Your retake plan"))
    assert "starting with Listening, the furthest below" in plan


# --- not scored ---------------------------------------------------------------------------


def test_absent_sheet_shows_stars_and_explains_what_to_do(context):
    model = build_sheet(judged_row("N5", two(70, None)), context)
    assert model.outcome is Outcome.NOT_SCORED
    assert model.result_text == "Not scored (absent)"
    assert model.result_detail == "You did not sit Listening, so the test could not be scored."
    margins = [(row.score, row.margin) for row in model.score_rows]
    assert margins == [("70", "+32 above the floor"), ("*", "*"), ("*", "*")]
    assert model.bars[1].score is None and model.bars[-1].score is None
    text = sheet_text(model)
    assert "no scores are counted and the result is a fail" in text
    assert (
        "Register for the JLPT on 4 July 2027, 28 weeks from now (registration 24 March to 17 April 2027) "
        "and sit every section."
    ) in text
    assert "Language Knowledge・Reading are shown above" in text
    assert "CEFR" not in text and "retake plan" not in text


def test_absent_from_every_section_has_no_scores_to_show(context):
    text = sheet_text(build_sheet(judged_row("N3", three(None, None, None)), context))
    assert "You did not sit Language Knowledge, Reading and Listening" in text
    assert "shown above for your own study" not in text


# --- bands --------------------------------------------------------------------------------


@pytest.mark.parametrize("level", ["N4", "N5"])
def test_reading_band_is_shown_at_n4_and_n5(context, level):
    scores = two(80, 40)
    row = judged_row(level, scores, vocabulary_band="A", grammar_band="B", reading_band="C")
    bands = paragraphs(build_sheet(row, context), "Reference information: A/B/C bands")
    assert "Reading: C (weak, under 34% correct)" in bands
    assert "Band C in Reading: worth extra work." in bands


def test_reading_band_is_not_shown_at_n3_even_if_present(context):
    row = judged_row("N3", three(40, 40, 40), vocabulary_band="A", grammar_band="A", reading_band="C")
    bands = paragraphs(build_sheet(row, context), "Reference information: A/B/C bands")
    assert not any(line.startswith("Reading") for line in bands)


def test_no_band_block_when_no_band_is_given(context):
    model = build_sheet(judged_row("N3", three(40, 40, 40)), context)
    assert "Reference information: A/B/C bands" not in headings(model)


def test_only_the_bands_given_are_shown(context):
    row = judged_row("N4", two(80, 40), grammar_band="A")
    bands = paragraphs(build_sheet(row, context), "Reference information: A/B/C bands")
    assert bands[0].startswith("Grammar: A") and not any(line.startswith("Vocabulary") for line in bands)


# --- percentile ---------------------------------------------------------------------------


def test_percentile_is_an_estimate_with_source_and_region_for_passers_only():
    context = make_context(settings(percentile=True, region="overseas"))
    passed = sheet_text(build_sheet(judged_row("N3", three(40, 40, 35)), context))
    assert "Estimate, not an official figure: about 78% of examinees outside Japan at N3 scored below 115" in passed
    assert "(JLPT July 2018 official summary of results)" in passed
    failed = sheet_text(build_sheet(judged_row("N3", three(40, 40, 10)), context))
    assert "Estimate" not in failed


def test_percentile_interpolates_between_published_steps():
    context = make_context(settings(percentile=True))
    text = sheet_text(build_sheet(judged_row("N2", three(32, 30, 30)), context))
    # 92 lies 2/5 of the way from 90 (59.3) to 95 (65.9): 61.94
    assert "about 62% of all examinees at N2 scored below 92 " in text


def test_no_percentile_unless_asked(context):
    assert "Estimate" not in sheet_text(build_sheet(judged_row("N3", three(40, 40, 35)), context))


@pytest.mark.parametrize(
    ("row_region", "run_region", "population", "note"),
    [
        ("domestic", "overseas", "examinees in Japan", "Score reports in Japan show no percentile rank"),
        ("overseas", "domestic", "examinees outside Japan", "Your Certificate of Results and Scores will show"),
        (None, "overseas", "examinees outside Japan", "Your Certificate of Results and Scores will show"),
        (None, "all", "all examinees", "Official percentile ranks go only to passers who sat outside Japan"),
    ],
)
def test_the_percentile_compares_with_the_students_own_region_and_says_what_it_is(
    row_region, run_region, population, note
):
    context = make_context(settings(percentile=True, region=run_region))
    model = build_sheet(judged_row("N3", three(40, 40, 35), region=row_region), context)
    standing = paragraphs(model, "CEFR reference level")
    assert f"of {population} at N3 scored below 115" in standing[1]
    assert standing[2].startswith(note)
    # the footer names the same place the comparison does
    if row_region == "domestic":
        assert model.footer[1].endswith("(tested in Japan).")


def test_no_cefr_for_a_sitting_before_december_2025_whose_reports_had_none():
    for sitting, shown in ((Sitting(2025, 7), False), (Sitting(2025, 12), True)):
        context = make_context(settings(exam=Exam(sitting), as_of=sitting.date + dt.timedelta(days=60)))
        text = sheet_text(build_sheet(judged_row("N3", three(40, 40, 35)), context))
        assert ("CEFR" in text) is shown and ("B1:" in text) is shown


def test_the_percentile_alone_is_headed_as_an_estimate_when_there_is_no_cefr():
    context = make_context(settings(exam=Exam(Sitting(2025, 7)), as_of=dt.date(2025, 9, 20), percentile=True))
    model = build_sheet(judged_row("N3", three(40, 40, 35)), context)
    assert "about 83% of all examinees at N3 scored below 115" in paragraphs(model, "Where you stand (estimate)")[0]


# --- dates, exams, footer ------------------------------------------------------------------


def test_footer_is_specific_to_sitting_and_region():
    context = make_context(settings(exam=Exam(Sitting(2026, 7)), as_of=dt.date(2026, 7, 20)))
    model = build_sheet(judged_row("N3", three(40, 40, 40), region="overseas"), context)
    assert model.exam_title == "JLPT July 2026"
    assert model.footer == (
        "This sheet is Sakura Academy's feedback, not the official JLPT score report.",
        "Official results by post: due in early October 2026 (tested outside Japan).",
        "Registration dates are Japan's usual ones and shift a little each year: check the official dates "
        "(outside Japan, the local host institution's).",
        "Issued on 20 July 2026.",
    )
    both = build_sheet(judged_row("N3", three(40, 40, 40)), context).footer[1]
    assert both == (
        "Official results by post: due in early September 2026 in Japan, due in early October 2026 outside Japan."
    )


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2026, 8, 31), "due in early September 2026 in Japan, due in early October 2026 outside Japan"),
        (dt.date(2026, 9, 10), "due in early September 2026 in Japan, due in early October 2026 outside Japan"),
        (dt.date(2026, 9, 11), "sent in early September 2026 in Japan, due in early October 2026 outside Japan"),
        (dt.date(2026, 10, 20), "sent in early September 2026 in Japan, sent in early October 2026 outside Japan"),
    ],
)
def test_the_footer_says_results_were_sent_once_early_that_month_is_past(as_of, expected):
    context = make_context(settings(exam=Exam(Sitting(2026, 7)), as_of=as_of))
    footer = build_sheet(judged_row("N3", three(40, 40, 10)), context).footer
    assert footer[1] == f"Official results by post: {expected}."


def test_a_school_that_sets_its_registration_dates_gets_no_usual_dates_note():
    registration = usual_registration().with_windows({7: parse_window("02-01..02-28")})
    context = make_context(settings(registration=registration))
    model = build_sheet(judged_row("N3", three(40, 40, 10)), context)
    assert not any("usual" in line for line in model.footer)
    plan = " ".join(paragraphs(model, "Your retake plan"))
    assert "the JLPT on 4 July 2027, 28 weeks from now (registration 1 February to 28 February 2027)" in plan


def test_footer_without_a_school_name():
    context = make_context(settings(school=""))
    footer = build_sheet(judged_row("N3", three(40, 40, 40)), context).footer
    assert footer[0] == "This sheet is your school's feedback, not the official JLPT score report."


@pytest.fixture(scope="module")
def mock_context():
    mock = Exam(Sitting(2026, 12), mock_date=dt.date(2026, 11, 20))
    return make_context(settings(exam=mock, as_of=dt.date(2026, 11, 22)))


def test_mock_exam_pass_promises_no_certificate_and_points_at_a_sitting_still_open(mock_context):
    model = build_sheet(judged_row("N3", three(40, 30, 30)), mock_context)
    assert model.exam_title == "Mock exam, 2026-11-20"
    assert model.result_text == "At the pass level on this mock"
    assert model.result_detail.startswith("At the N3 pass level on this mock exam (not a JLPT result): a total of 100")
    assert model.footer[1] == "This was a mock exam: there is no official score report for it."
    what_next = " ".join(paragraphs(model, "What next"))
    assert (
        "Registration for the JLPT on 6 December 2026 (2 weeks from now) has closed: "
        "it is only for those already registered."
    ) in what_next
    assert "sit N3 at the JLPT on 4 July 2027, 32 weeks from now (registration 24 March to 17 April 2027)" in (
        what_next
    )
    assert "never expires" not in what_next and "Next step" not in what_next


def test_mock_exam_fail_plans_for_the_real_sitting(mock_context):
    model = build_sheet(judged_row("N3", three(40, 30, 20)), mock_context)
    assert model.result_text == "Below the pass level on this mock"
    assert "A mock exam is practice, not a result" in " ".join(paragraphs(model, "What this result means"))
    plan = " ".join(paragraphs(model, "Your retake plan"))
    assert "On the real test every section counts on the day: aim for the JLPT on 4 July 2027" in plan
    assert "taken again" not in plan


def test_sheets_made_after_the_following_sitting_aim_at_the_one_after_that():
    context = make_context(settings(exam=Exam(Sitting(2026, 7)), as_of=dt.date(2027, 1, 10)))
    text = sheet_text(build_sheet(judged_row("N3", three(40, 40, 10)), context))
    assert (
        "Your next chance is the JLPT on 4 July 2027, 25 weeks from now (registration 24 March to 17 April 2027)."
    ) in text


def test_a_sitting_days_away_is_only_for_those_registered_and_the_plan_aims_past_it():
    context = make_context(settings(exam=Exam(Sitting(2026, 7)), as_of=dt.date(2026, 12, 1)))
    plan = " ".join(paragraphs(build_sheet(judged_row("N3", three(40, 40, 10)), context), "Your retake plan"))
    assert plan.startswith(
        "Registration for the JLPT on 6 December 2026 (less than a week from now) has closed: "
        "it is only for those already registered. "
        "Your next chance is the JLPT on 4 July 2027, 30 weeks from now (registration 24 March to 17 April 2027)."
    )


# --- header, names, language ------------------------------------------------------------------


def test_header_carries_the_students_details(context):
    row = judged_row("N2", three(40, 40, 40), candidate_id="00123", name="髙橋 﨑子", **{"class": "3B"})
    model = build_sheet(row, context)
    assert model.header_fields == (
        ("Name", "髙橋 﨑子"),
        ("Candidate no.", "00123"),
        ("Class", "3B"),
        ("Level", "N2"),
    )
    assert (model.candidate_id, model.class_name, model.school) == ("00123", "3B", "Sakura Academy")


def test_names_are_nfc_normalised(context):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    model = build_sheet(judged_row("N5", two(80, 40), name=decomposed), context)
    assert model.name == "Nguyễn Thị Ánh" and dict(model.header_fields)["Name"] == "Nguyễn Thị Ánh"


def test_missing_name_and_class_leave_empty_fields(context):
    model = build_sheet(judged_row("N5", two(80, 40), name=None, **{"class": None}), context)
    assert (model.name, model.class_name) == ("", "")


def test_language_column_gives_a_japanese_sheet(context):
    model = build_sheet(judged_row("N3", three(50, 43, 17), language="ja"), context)
    assert model.lang == "ja"
    assert model.result_text == "不合格"
    assert model.result_detail == "聴解は17点で、基準点19点に2点足りませんでした。"
    text = sheet_text(model)
    assert "「あと少しで合格」の落とし穴" in text
    assert "次に受験できるのは2027年7月4日の試験（あと28週間。申込期間は2027年3月24日～4月17日）です。" in text
    assert "発行日：2026年12月20日" in text
    assert model.exam_title == "2026年12月 日本語能力試験"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ja", "ja"), ("JA", "ja"), ("ja-JP", "ja"), (" ja_jp ", "ja"), ("fr", "en"), (None, "en"), ("", "en")],
)
def test_sheet_language_per_row(context, value, expected):
    assert sheet_language({"language": value}, context) == expected


def test_default_language_from_settings():
    context = make_context(settings(lang="ja"))
    assert sheet_language({"language": None}, context) == "ja"
    assert sheet_language({"language": "en"}, context) == "en"
    assert build_sheet(judged_row("N5", two(80, 40)), context).result_text == "合格"


def test_unknown_default_language_falls_back_to_english_with_a_warning():
    context = make_context(settings(lang="fr"))
    assert context.default_lang == "en"
    assert any("'fr'" in str(warning) for warning in context.warnings)


def test_language_warnings_count_students_without_wording(context):
    warnings = language_warnings(["ja", "fr", "fr", None, "en"], context)
    expected = "no wording for language 'fr' (2 students); their sheets use 'en'"
    assert [str(warning) for warning in warnings] == [expected]


# --- cover --------------------------------------------------------------------------------


def test_cover_lists_the_class_with_results_and_why(context):
    rows = [
        judged_row("N3", three(40, 40, 40), candidate_id="A1", name="Ana"),
        judged_row("N3", three(50, 43, 17), candidate_id="A2", name="Ben"),
        judged_row("N5", two(70, None), candidate_id="A3", name="Chie"),
        judged_row("N3", three(30, 30, 30), candidate_id="A4", name="Dai"),
        judged_row("N4", two(36, 15), candidate_id="A5", name="Emi"),
    ]
    rejected = [{"candidate_id": "00583", "name": "Fumi", "level": "N6", "source_row": 24}]
    cover = build_cover("2A", rows, context, rejected=rejected)
    assert cover.title == "Class 2A: feedback sheets"
    assert cover.subtitle == "Sakura Academy · JLPT December 2026 · issued 20 December 2026"
    assert cover.headings == ("No.", "Candidate no.", "Name", "Level", "Result", "Total", "Why")
    assert cover.rows == (
        ("1", "A1", "Ana", "N3", "Passed", "120", ""),
        ("2", "A2", "Ben", "N3", "Not passed", "110", "Listening 2 points below floor"),
        ("3", "A3", "Chie", "N5", "Not scored (absent)", "*", "absent from Listening"),
        ("4", "A4", "Dai", "N3", "Not passed", "90", "total 5 points short"),
        ("5", "A5", "Emi", "N4", "Not passed", "51",
         "Vocabulary/Grammar·Reading 2 points below floor; Listening 4 points below floor; "
         "total 39 points short"),
    )  # fmt: skip
    assert cover.summary == "5 students: 1 passed, 3 not passed, 1 not scored"
    assert cover.notes == (
        "Not in this bundle: 1 row of this class could not be judged (fix them in the input file and run again)",
        "00583 Fumi, level N6, input row 24: see the workbook's Rejected sheet",
    )


def test_cover_speaks_the_administrator_s_language_whatever_the_sheets_speak():
    context = make_context(settings(lang="en", admin_lang="ja"))
    rows = [judged_row("N3", three(50, 43, 17), candidate_id="A2", name="Ben")]
    cover = build_cover(None, rows, context, rejected=[{"candidate_id": None, "name": None, "level": None,
                                                         "source_row": 7}])  # fmt: skip
    assert cover.lang == "ja"
    assert cover.title == "フィードバックシート（クラスなし）"
    assert cover.headings == ("番号", "受験番号", "氏名", "レベル", "合否", "総合得点", "理由")
    assert cover.rows == (("1", "A2", "Ben", "N3", "不合格", "110", "聴解が基準点に2点不足"),)
    assert cover.summary == "1名：合格0名、不合格1名、欠席（採点なし）0名"
    assert cover.subtitle == "Sakura Academy・2026年12月 日本語能力試験・2026年12月20日発行"
    assert cover.notes[1].startswith("（受験番号なし）、レベル （空欄）、入力ファイルの7行目：")


# --- fits on a page, travels to workers ----------------------------------------------------


# The smallest body size the longest sheets may be set in: every band C with counts, the
# percentile on, the longest level facts. Sheets of ordinary length are set at 10.5 points.
SMALLEST_BODY = {"a4": 10.0, "letter": 9.0}


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("lang", ["en", "ja", "ko", "zh", "vi"])
def test_the_longest_sheets_stay_readable_on_one_page(lang, paper):
    context = make_context(settings(percentile=True))
    bands = dict(vocabulary_band="C", grammar_band="C", reading_band="C", language=lang)
    counts = {}
    for part in ("vocabulary", "grammar", "reading"):
        counts |= {f"{part}_correct": 10, f"{part}_questions": 40}
    rows = [
        judged_row("N1", three(60, 60, 60), **bands, **counts),
        judged_row("N4", two(120, 19), **bands, **counts),
        judged_row("N3", three(18, 50, 17), **bands, **counts),
        judged_row("N4", two(37, 60), **bands, **counts),
    ]
    for row in rows:
        drawn = draw.write_sheet(build_sheet(row, context), io.BytesIO(), paper)
        assert drawn.body_size >= SMALLEST_BODY[paper]


def test_context_and_sheets_can_go_to_worker_processes():
    context = make_context(settings(percentile=True))
    model = build_sheet(judged_row("N3", three(40, 40, 40)), pickle.loads(pickle.dumps(context)))
    assert pickle.loads(pickle.dumps(model)) == model
