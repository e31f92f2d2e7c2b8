"""Every rule boundary at every level, with expectations written from the rule book."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jlpt_batch.judging.judge import judge
from jlpt_batch.judging.plain_judge import judge_row
from jlpt_batch.rules import BAND_PARTS, SECTION_KEYS, load_rules

SCORE_COLUMNS = (*SECTION_KEYS, *(f"{p}_{k}" for p in BAND_PARTS for k in ("correct", "questions")))


def judged(rows: list[dict]) -> list[dict]:
    frame = pl.DataFrame(rows, schema={"level": pl.String, **{c: pl.Int64 for c in SCORE_COLUMNS}})
    return judge(frame).to_dicts()


def three(level: str, knowledge: int | None, reading: int | None, listening: int | None) -> dict:
    return judged([{"level": level, "language_knowledge": knowledge, "reading": reading, "listening": listening}])[0]


def two(level: str, knowledge_reading: int | None, listening: int | None) -> dict:
    return judged([{"level": level, "language_knowledge_reading": knowledge_reading, "listening": listening}])[0]


# (level, scores, result, total, points_short, failed_sections, cefr)
THREE_SECTION_CASES = [
    ("N1", (34, 33, 33), "PASS", 100, 0, "", "B2"),  # exactly the pass mark
    ("N1", (33, 33, 33), "FAIL", 99, 1, "", None),  # one point short
    ("N1", (60, 60, 18), "FAIL", 138, 0, "listening", None),  # floor missed, total far above
    ("N1", (60, 60, 19), "PASS", 139, 0, "", "B2"),  # exactly the floor
    ("N1", (60, 40, 41), "PASS", 141, 0, "", "B2"),  # one below the C1 cut
    ("N1", (60, 41, 41), "PASS", 142, 0, "", "C1"),  # the C1 cut
    ("N1", (18, 60, 60), "FAIL", 138, 0, "language_knowledge", None),
    ("N2", (30, 30, 30), "PASS", 90, 0, "", "B1"),
    ("N2", (30, 30, 29), "FAIL", 89, 1, "", None),
    ("N2", (60, 18, 60), "FAIL", 138, 0, "reading", None),
    ("N2", (40, 40, 31), "PASS", 111, 0, "", "B1"),
    ("N2", (40, 40, 32), "PASS", 112, 0, "", "B2"),
    ("N3", (32, 32, 31), "PASS", 95, 0, "", "A2"),
    ("N3", (32, 32, 30), "FAIL", 94, 1, "", None),
    ("N3", (47, 46, 17), "FAIL", 110, 0, "listening", None),  # the rule book's "I almost passed" trap
    ("N3", (35, 35, 33), "PASS", 103, 0, "", "A2"),
    ("N3", (35, 35, 34), "PASS", 104, 0, "", "B1"),
    ("N3", (18, 18, 18), "FAIL", 54, 41, "language_knowledge;reading;listening", None),
    ("N3", (0, 0, 0), "FAIL", 0, 95, "language_knowledge;reading;listening", None),
    ("N3", (60, 60, 60), "PASS", 180, 0, "", "B1"),
]


@pytest.mark.parametrize(("level", "scores", "result", "total", "short", "failed", "cefr"), THREE_SECTION_CASES)
def test_three_section_levels(level, scores, result, total, short, failed, cefr):
    row = three(level, *scores)
    assert (row["result"], row["total"], row["points_short"], row["failed_sections"], row["cefr"]) == (
        result,
        total,
        short,
        failed,
        cefr,
    )


TWO_SECTION_CASES = [
    ("N4", (60, 30), "PASS", 90, 0, "", "A2"),
    ("N4", (60, 29), "FAIL", 89, 1, "", None),
    ("N4", (37, 60), "FAIL", 97, 0, "language_knowledge_reading", None),
    ("N4", (38, 52), "PASS", 90, 0, "", "A2"),
    ("N4", (110, 18), "FAIL", 128, 0, "listening", None),
    ("N4", (110, 19), "PASS", 129, 0, "", "A2"),
    ("N5", (61, 19), "PASS", 80, 0, "", "A1"),
    ("N5", (60, 19), "FAIL", 79, 1, "", None),
    ("N5", (37, 60), "FAIL", 97, 0, "language_knowledge_reading", None),
    ("N5", (38, 42), "PASS", 80, 0, "", "A1"),
    ("N5", (120, 60), "PASS", 180, 0, "", "A1"),
]


@pytest.mark.parametrize(("level", "scores", "result", "total", "short", "failed", "cefr"), TWO_SECTION_CASES)
def test_two_section_levels(level, scores, result, total, short, failed, cefr):
    row = two(level, *scores)
    assert (row["result"], row["total"], row["points_short"], row["failed_sections"], row["cefr"]) == (
        result,
        total,
        short,
        failed,
        cefr,
    )


@pytest.mark.parametrize("level", ["N1", "N2", "N3"])
@pytest.mark.parametrize("missing", ["language_knowledge", "reading", "listening"])
def test_absent_from_any_section_is_not_scored(level, missing):
    scores = {"language_knowledge": 60, "reading": 60, "listening": 60, missing: None}
    row = three(level, scores["language_knowledge"], scores["reading"], scores["listening"])
    assert row["result"] == "FAIL"
    assert row["scored"] is False
    assert row["absent_sections"] == missing
    assert row["total"] is None and row["points_short"] is None and row["cefr"] is None


def test_absent_everywhere_lists_every_section():
    row = two("N5", None, None)
    assert row["absent_sections"] == "language_knowledge_reading;listening"
    assert row["result"] == "FAIL"


# (correct, questions, band): compared exactly, never rounded
BAND_EDGES = [
    (20, 30, "B"),  # 66.7% is below 67%
    (17, 50, "B"),  # 34% exactly
    (67, 100, "A"),
    (66, 100, "B"),
    (34, 100, "B"),
    (33, 100, "C"),
    (0, 10, "C"),
    (10, 10, "A"),
    (2, 3, "B"),  # 66.66...%
    (1, 3, "C"),  # 33.33...%
]


@pytest.mark.parametrize(("correct", "questions", "band"), BAND_EDGES)
@pytest.mark.parametrize("part", BAND_PARTS)
def test_band_edges_at_n4(part, correct, questions, band):
    row = judged(
        [
            {
                "level": "N4",
                "language_knowledge_reading": 80,
                "listening": 40,
                f"{part}_correct": correct,
                f"{part}_questions": questions,
            }
        ]
    )[0]
    assert row[f"{part}_band"] == band


def test_reading_band_is_not_reported_at_n1_to_n3():
    row = judged(
        [
            {
                "level": "N2",
                "language_knowledge": 40,
                "reading": 40,
                "listening": 40,
                "reading_correct": 10,
                "reading_questions": 10,
                "grammar_correct": 10,
                "grammar_questions": 10,
            }
        ]
    )[0]
    assert row["reading_band"] is None
    assert row["grammar_band"] == "A"


def test_band_letters_given_directly_are_used_when_no_counts():
    frame = pl.DataFrame(
        {"level": ["N3"], "language_knowledge": [40], "reading": [40], "listening": [40], "vocabulary_band": ["C"]},
        schema_overrides={"language_knowledge": pl.Int64, "reading": pl.Int64, "listening": pl.Int64},
    )
    assert judge(frame)["vocabulary_band"].to_list() == ["C"]


def test_bands_never_decide_the_result():
    row = judged(
        [
            {
                "level": "N3",
                "language_knowledge": 40,
                "reading": 40,
                "listening": 40,
                "vocabulary_correct": 0,
                "vocabulary_questions": 30,
            }
        ]
    )[0]
    assert (row["result"], row["vocabulary_band"]) == ("PASS", "C")


def test_row_order_is_kept():
    rows = [{"level": level, "language_knowledge_reading": 100, "listening": 50} for level in ("N5", "N4", "N5")]
    rows[1]["listening"] = 1
    assert [r["result"] for r in judged(rows)] == ["PASS", "FAIL", "PASS"]


# ---------------------------------------------------------------- property


@st.composite
def valid_rows(draw) -> dict:
    level = draw(st.sampled_from(["N1", "N2", "N3", "N4", "N5"]))
    rule = load_rules().level(level)
    row: dict = {"level": level}
    for section in rule.sections:
        row[section.key] = draw(
            st.one_of(st.none(), st.integers(0, section.maximum))
            if draw(st.booleans()) and draw(st.integers(0, 9)) == 0
            else st.integers(0, section.maximum)
        )
    for part in BAND_PARTS:
        questions = draw(st.one_of(st.none(), st.integers(1, 60)))
        if questions is not None:
            row[f"{part}_questions"] = questions
            row[f"{part}_correct"] = draw(st.integers(0, questions))
    return row


@settings(max_examples=300, deadline=None)
@given(st.lists(valid_rows(), min_size=1, max_size=40))
def test_vectorised_judgement_equals_the_plain_reference(rows):
    expected = [judge_row(row) for row in rows]
    actual = judged(rows)
    for got, want in zip(actual, expected, strict=True):
        assert {key: got[key] for key in want} == want
