"""A school's mock exam is not a JLPT result: the sheets say so in every language."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from feedback_rows import judged_row, settings, sheet_text, three, two
from helpers_sheets import extracted_text

from jlpt_batch.exams import Exam, Sitting
from jlpt_batch.outputs.sheets import draw
from jlpt_batch.outputs.sheets.content import build_sheet
from jlpt_batch.outputs.sheets.context import make_context
from jlpt_batch.outputs.sheets.cover import build_cover
from jlpt_batch.rules import LEVELS, load_rules

LANGUAGES = ["en", "ja", "ko", "zh", "vi"]
MOCK = Exam(Sitting(2026, 12), mock_date=dt.date(2027, 1, 30))
MOCK_QUALIFIER = {"en": "mock", "ja": "模擬試験", "ko": "모의시험", "zh": "模拟考试", "vi": "thi thử"}
NOT_JLPT = {
    "en": "(not a JLPT result)",
    "ja": "（日本語能力試験の結果ではありません）",
    "ko": "(JLPT 결과가 아닙니다)",
    "zh": "（这不是JLPT的成绩）",
    "vi": "(không phải kết quả JLPT)",
}


@pytest.fixture(scope="module")
def context():
    return make_context(settings(exam=MOCK, as_of=dt.date(2027, 2, 3), percentile=True))


@pytest.fixture(scope="module")
def sitting_context():
    return make_context(settings(percentile=True))


def passing_rows(lang: str) -> list[dict]:
    top = dict(language=lang, vocabulary_band="A", grammar_band="A")
    return [
        judged_row(level, three(50, 50, 50) if level in ("N1", "N2", "N3") else two(100, 50), **top) for level in LEVELS
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_mock_pass_is_at_the_pass_level_on_the_mock_never_plainly_passed(context, lang):
    catalog = context.wording.catalog(lang)
    for row in passing_rows(lang):
        model = build_sheet(row, context)
        assert model.result_text == catalog.text("result.mock_passed")
        assert model.result_text != catalog.text("result.passed")
        assert MOCK_QUALIFIER[lang] in model.result_text
        assert NOT_JLPT[lang] in model.result_detail


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_mock_pass_shows_no_cefr_no_percentile_and_no_immigration_facts(context, sitting_context, lang):
    catalog = context.wording.catalog(lang)
    cefr_meanings = [catalog.text(f"cefr.{name}") for name in load_rules().cefr_levels]
    for row in passing_rows(lang):
        mock_text = sheet_text(build_sheet(row, context))
        real_text = sheet_text(build_sheet(row, sitting_context))
        assert "CEFR" in real_text and "CEFR" not in mock_text
        assert not any(meaning in mock_text for meaning in cefr_meanings)
        everyone = catalog.text("regions.all")  # the percentile's population: all examinees, July 2018
        assert everyone in real_text and everyone not in mock_text
        facts = catalog.text(f"opens.{row['level']}")
        assert facts in real_text and facts not in mock_text
        certificate = catalog.text("pass.certificate", level=row["level"])
        assert certificate in real_text and certificate not in mock_text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_mock_sheet_points_at_the_first_sitting_still_open(context, lang):
    catalog = context.wording.catalog(lang)
    model = build_sheet(judged_row("N3", three(40, 40, 10), language=lang), context)
    text = sheet_text(model)
    july = catalog.text("dates.day", day=4, month=7, month_name=catalog.text("months.july"), year=2027)
    deadline = catalog.text("dates.day", day=17, month=4, month_name=catalog.text("months.april"), year=2027)
    assert july in text and deadline in text
    assert model.result_text == catalog.text("result.mock_not_passed")
    assert catalog.text("fail.mock_meaning") in text and catalog.text("fail.no_shame") not in text


def test_a_mock_sheet_in_print_says_mock_and_no_cefr(context):
    row = judged_row("N2", three(50, 50, 50), candidate_id="M1")
    buffer = io.BytesIO()
    draw.write_sheet(build_sheet(row, context), buffer, "a4")
    text = extracted_text(buffer.getvalue())
    assert "At the pass level on this mock" in text and "not a JLPT result" in text
    assert "Passed" not in text and "CEFR" not in text and "Highly Skilled" not in text


def test_the_cover_of_a_mock_bundle_uses_the_mock_words(context):
    rows = [judged_row("N3", three(40, 40, 40)), judged_row("N3", three(40, 40, 10), candidate_id="00124")]
    cover = build_cover("2A", rows, context)
    assert [row[4] for row in cover.rows] == ["At the pass level on this mock", "Below the pass level on this mock"]
    assert cover.headings[5] == "Total (estimate)"
    assert cover.summary == "2 students: 1 at the pass level of this mock, 1 below it, 0 not scored"


def test_the_cover_of_a_sitting_heads_its_totals_plainly(sitting_context):
    cover = build_cover("2A", [judged_row("N3", three(40, 40, 40))], sitting_context)
    assert cover.headings[5] == "Total" and cover.rows[0][4] == "Passed"
