"""Dates on the sheets, in every language: the sitting a student can still enter, its deadline, the weeks."""

from __future__ import annotations

import datetime as dt

import pytest
from feedback_rows import judged_row, settings, sheet_text, three

from jlpt_batch.exams import Exam, Sitting, next_sittings, parse_window, usual_registration
from jlpt_batch.outputs.sheets.content import build_sheet
from jlpt_batch.outputs.sheets.context import make_context
from jlpt_batch.outputs.sheets.words import Words

LANGUAGES = ["en", "ja", "ko", "zh", "vi"]
JULY_2026, DECEMBER_2026 = Exam(Sitting(2026, 7)), Exam(Sitting(2026, 12))

# (when the sheet is issued, exam, the sitting to aim for, the nearer sitting if closed,
#  weeks to the target, the target's registration (opens, closes) as the usual dates in Japan)
ISSUES = {
    "just after results": (
        dt.date(2027, 2, 10), DECEMBER_2026, dt.date(2027, 7, 4), None, 20,
        (dt.date(2027, 3, 24), dt.date(2027, 4, 17)),
    ),
    "a week before a sitting": (
        dt.date(2026, 11, 29), JULY_2026, dt.date(2027, 7, 4), dt.date(2026, 12, 6), 31,
        (dt.date(2027, 3, 24), dt.date(2027, 4, 17)),
    ),
    "between sittings, registration open": (
        dt.date(2026, 9, 1), JULY_2026, dt.date(2026, 12, 6), None, 13,
        (dt.date(2026, 8, 26), dt.date(2026, 9, 16)),
    ),
    "between sittings, registration closed": (
        dt.date(2026, 10, 5), JULY_2026, dt.date(2027, 7, 4), dt.date(2026, 12, 6), 38,
        (dt.date(2027, 3, 24), dt.date(2027, 4, 17)),
    ),
}  # fmt: skip


def paragraphs(model, heading: str) -> tuple[str, ...]:
    return next(block.paragraphs for block in model.blocks if block.heading == heading)


def sheet_for(lang: str, issue: str, scores=None):
    as_of, exam, *_ = ISSUES[issue]
    context = make_context(settings(exam=exam, as_of=as_of))
    model = build_sheet(judged_row("N3", scores or three(40, 40, 10), language=lang), context)
    return model, Words(context.wording.catalog(lang))


@pytest.mark.parametrize("issue", list(ISSUES))
def test_the_sittings_seen_from_each_date_of_issue(issue):
    as_of, exam, target, closed, weeks, (opens, closes) = ISSUES[issue]
    sittings = next_sittings(exam, as_of, usual_registration())
    assert sittings.target.date == target and (sittings.opens, sittings.closes) == (opens, closes)
    assert sittings.nearest_closed == (closed is not None)
    assert (target - as_of).days // 7 == weeks


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("issue", list(ISSUES))
def test_a_retake_plan_names_the_sitting_still_open_its_deadline_and_the_weeks(lang, issue):
    as_of, _, target, closed, weeks, (opens, closes) = ISSUES[issue]
    model, words = sheet_for(lang, issue)
    plan = " ".join(paragraphs(model, words.text("fail.plan_heading")))
    assert words.date(target) in plan
    assert words.weeks(weeks) in plan
    assert words.date(closes) in plan or words.period(opens, closes) in plan  # the deadline
    if opens > as_of:  # registration yet to open: the whole period
        assert words.period(opens, closes) in plan
    if closed:
        nearer = words.text("sitting.closed", date=words.date(closed), weeks=words.weeks((closed - as_of).days // 7))
        assert plan.startswith(nearer)
    else:
        assert words.date(dt.date(2026, 12, 6)) not in plan or target == dt.date(2026, 12, 6)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_mock_test_comes_before_committing_unless_registration_closes_too_soon(lang):
    early, words = sheet_for(lang, "just after results")  # 9 weeks before registration closes
    late, _ = sheet_for(lang, "between sittings, registration open")  # 2 weeks before
    flagged = words.section("listening")
    closes_early, closes_late = words.date(dt.date(2027, 4, 17)), words.date(dt.date(2026, 9, 16))
    assert words.text("fail.plan_mock", flagged=flagged, closes=closes_early) in sheet_text(early)
    assert words.text("fail.plan_mock_late", flagged=flagged, closes=closes_late) in sheet_text(late)


def test_the_retake_plan_in_english_as_a_student_reads_it():
    model, _ = sheet_for("en", "a week before a sitting")
    plan = paragraphs(model, "Your retake plan")
    assert plan == (
        "Registration for the JLPT on 6 December 2026 (1 week from now) has closed: "
        "it is only for those already registered.",
        "Your next chance is the JLPT on 4 July 2027, 31 weeks from now (registration 24 March to 17 April 2027). "
        "The whole test is taken again: no section carries over.",
        "Keep Language Knowledge and Reading going with regular practice, and put the extra hours into Listening.",
        "Sit one full timed mock test to check your progress in Listening before you commit to that sitting: "
        "registration closes on 17 April 2027.",
    )


def test_the_retake_plan_in_japanese_as_a_student_reads_it():
    model, _ = sheet_for("ja", "between sittings, registration open")
    plan = paragraphs(model, "再受験の計画")
    assert plan[0] == (
        "次に受験できるのは2026年12月6日の試験（あと13週間。申込みは2026年9月16日まで受付中）です。"
        "試験はすべての区分を受け直します（区分ごとの持ち越しはありません）。"
    )
    assert plan[2] == (
        "申込締切は2026年9月16日なので、早めに決めましょう。そのうえで試験の数週間前に、"
        "本番と同じ時間で模擬試験を1回通して解き、聴解の伸びを確かめましょう。"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_pass_offers_the_sitting_still_open_if_ready_otherwise_the_one_after(lang):
    model, words = sheet_for(lang, "just after results", scores=three(40, 40, 40))
    what_next = " ".join(paragraphs(model, words.text("pass.heading")))
    assert words.date(dt.date(2027, 7, 4)) in what_next and words.weeks(20) in what_next
    assert words.date(dt.date(2027, 12, 5)) in what_next  # otherwise, after a rest
    assert words.period(dt.date(2027, 3, 24), dt.date(2027, 4, 17)) in what_next


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_absent_student_is_told_which_sitting_to_register_for(lang):
    model, words = sheet_for(lang, "a week before a sitting", scores=three(40, None, 40))
    todo = " ".join(model.blocks[-1].paragraphs)
    assert words.date(dt.date(2026, 12, 6)) in todo  # closed: only for those registered
    assert words.date(dt.date(2027, 7, 4)) in todo
    assert words.period(dt.date(2027, 3, 24), dt.date(2027, 4, 17)) in todo


def test_an_n1_pass_names_no_sitting_and_no_registration_dates():
    model = build_sheet(
        judged_row("N1", three(50, 50, 50)),
        make_context(settings(exam=DECEMBER_2026, as_of=dt.date(2027, 2, 10))),
    )
    text = sheet_text(model)
    assert "registration" not in text.lower() and "2027" in text  # the results footer still dates itself
    assert "N1 is the top level" in text


def test_registration_dates_of_a_school_abroad_replace_the_usual_ones():
    registration = usual_registration().with_windows({12: parse_window("07-01..08-15")})
    context = make_context(settings(exam=JULY_2026, as_of=dt.date(2026, 8, 20), registration=registration))
    text = sheet_text(build_sheet(judged_row("N3", three(40, 40, 10)), context))
    assert "Registration for the JLPT on 6 December 2026 (15 weeks from now) has closed" in text
    assert "Your next chance is the JLPT on 4 July 2027" in text
