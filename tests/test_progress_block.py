"""The progress block's sentence: the change that matters most, said truthfully about what the store knows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from feedback_rows import judged_row, settings, three, two
from helpers_sheets import page_texts

from jlpt_batch.outputs.sheets.content import build_sheet
from jlpt_batch.outputs.sheets.context import make_context
from jlpt_batch.outputs.sheets.draw import new_canvas, page_frame, write_sheet
from jlpt_batch.outputs.sheets.draw_progress import draw_progress, progress_height
from jlpt_batch.outputs.sheets.model import Block
from jlpt_batch.outputs.sheets.progress_block import EARLIER_COLUMN
from jlpt_batch.outputs.sheets.text import Pen


@pytest.fixture(scope="module")
def context():
    return make_context(settings())  # the December 2026 sitting


def earlier(kind: str, day: tuple[int, int, int], level: str, scores: dict, *, name: str = "", everything=True) -> dict:
    """One earlier exam as the stage hands it to the sheet (EARLIER_SCHEMA's fields)."""
    row = judged_row(level, scores)
    return {"exam_kind": kind, "exam_date": dt.date(*day), "exam_name": name, "level": level,
            **{key: row[key] for key in ("language_knowledge", "reading", "language_knowledge_reading", "listening")},
            "total": row["total"], "result": row["result"], "all_earlier": everything}  # fmt: skip


def block(context, now: dict, *exams: dict):
    """The progress block of a sheet whose earlier exams are ``exams``, latest first."""
    return build_sheet(now | {EARLIER_COLUMN: list(exams)}, context).progress


def test_no_earlier_exam_no_block(context):
    assert build_sheet(judged_row("N3", three(40, 40, 40)), context).progress is None


def test_above_a_floor_for_the_first_time_only_when_the_store_holds_every_earlier_exam(context):
    now = judged_row("N3", three(40, 40, 21))
    exams = (
        earlier("mock", (2026, 10, 4), "N3", three(40, 40, 17)),
        earlier("mock", (2026, 5, 10), "N3", three(40, 40, 15)),
    )
    assert block(context, now, *exams).notes[0] == (
        "Listening: 15, then 17, now 21: above its floor of 19 for the first time."
    )
    partial = [exam | {"all_earlier": False} for exam in exams]  # the student has older exams than these
    assert block(context, now, *partial).notes[0] == (
        "Listening rose above its floor of 19: 17 at the mock exam of 4 October 2026, 21 now."
    )
    back = (exams[0], earlier("sitting", (2026, 7, 5), "N3", three(40, 40, 25)))
    assert block(context, now, *back).notes[0] == (
        "Listening is back above its floor of 19: 17 at the mock exam of 4 October 2026, 21 now."
    )


def test_falling_below_comes_before_rising_above(context):
    now = judged_row("N3", three(17, 40, 21))
    before = earlier("sitting", (2026, 7, 5), "N3", three(25, 40, 15))
    assert block(context, now, before).notes == (
        "Language Knowledge fell below its floor of 19: 25 at the JLPT of July 2026, 17 now. Put it first.",
    )


def test_otherwise_the_biggest_change_or_none(context):
    now = judged_row("N4", two(70, 30))
    assert block(context, now, earlier("sitting", (2026, 7, 5), "N4", two(80, 31))).notes == (
        "Biggest change since the JLPT of July 2026: Language Knowledge・Reading down 10 points, from 80 to 70.",
    )
    assert block(context, now, earlier("sitting", (2026, 7, 5), "N4", two(70, 30))).notes == (
        "Every section scored the same as at the JLPT of July 2026.",
    )


def test_a_mock_is_labelled_and_mixing_it_with_a_sitting_is_noted(context):
    now = judged_row("N3", three(40, 40, 40))
    progress = block(context, now, earlier("mock", (2026, 10, 4), "N3", three(38, 40, 40), name="Autumn practice"))
    assert [row.cells[0] for row in progress.rows] == ["Mock: Autumn practice", "JLPT"]
    assert [row.cells[-1] for row in progress.rows] == ["At pass level", "Passed"]
    assert progress.notes[1] == "A mock exam is not scored on the JLPT's scale: compare the two only as a rough guide."
    assert [(mock, label) for mock, label in progress.legend] == [(False, "JLPT"), (True, "mock exam")]


def test_a_mock_below_the_pass_level_is_not_called_a_fail(context):
    # A mock is not a JLPT result: its row says where it stood against the pass level, as its own sheet does.
    now = judged_row("N3", three(40, 40, 40))
    below = earlier("mock", (2026, 10, 4), "N3", three(20, 20, 20))
    assert [row.cells[-1] for row in block(context, now, below).rows] == ["Below pass level", "Passed"]
    failed = earlier("sitting", (2026, 7, 5), "N3", three(20, 20, 20))
    assert [row.cells[-1] for row in block(context, now, failed).rows] == ["Not passed", "Passed"]


def test_another_level_is_named_not_compared_and_not_charted(context):
    now = judged_row("N3", three(40, 40, 40))
    progress = block(context, now, earlier("sitting", (2026, 7, 5), "N4", two(80, 30)))
    assert progress.notes[0] == (
        "Your previous exam, the JLPT of July 2026, was at N4; N3 is scored on its own, "
        "so this is your first N3 result to compare with next time."
    )
    assert progress.charts == ()
    assert progress.headings == ("Exam", "Date", "Level", "Knowledge", "Reading", "Knowledge・Reading", "Listening",
                                 "Total", "Result")  # fmt: skip
    assert [row.cells for row in progress.rows] == [
        ("JLPT", "2026-07-05", "N4", "", "", "80", "30", "110", "Passed"),
        ("JLPT", "2026-12-06", "N3", "40", "40", "", "40", "120", "Passed"),
    ]


def test_the_charts_follow_the_exams_at_this_level_with_the_floor(context):
    now = judged_row("N3", three(40, None, 40))  # absent from reading now
    progress = block(context, now, earlier("mock", (2026, 10, 4), "N3", three(38, 30, 40)))
    reading = progress.charts[1]
    assert (reading.label, reading.maximum, reading.floor, reading.floor_label) == ("Reading", 60, 19, "floor 19")
    assert [(point.score, point.mock, point.current) for point in reading.points] == [
        (30, True, False),
        (None, False, True),
    ]
    assert progress.rows[-1].cells[-4:] == ("*", "40", "*", "Not scored")


# ── on the page ───────────────────────────────────────────────────────────────

FOUR_EARLIER = (
    earlier("sitting", (2026, 7, 5), "N3", three(30, 17, 16)),
    earlier("mock", (2026, 5, 10), "N3", three(25, 18, 17), name="Spring practice"),
    earlier("sitting", (2025, 12, 7), "N3", three(20, 15, 18)),
    earlier("mock", (2025, 10, 5), "N3", three(18, 15, 16)),
)


def sheet_pdf(model) -> str:
    buffer = io.BytesIO()
    write_sheet(model, buffer, "a4")
    texts = page_texts(buffer.getvalue())
    assert len(texts) == 1
    return texts[0]


def test_the_measured_height_is_where_the_drawing_ends(context):
    now = judged_row("N3", three(18, 25, 20))
    full = block(context, now, *FOUR_EARLIER)
    for form in (full, dataclasses.replace(full, charts=()), dataclasses.replace(full, rows=full.rows[-2:])):
        pen = Pen(new_canvas(io.BytesIO(), "a4", "vi", "t", ""), "vi")
        width = page_frame("a4").width
        assert draw_progress(pen, form, 0, width, 700) == pytest.approx(700 - progress_height(pen, form, width))


def test_the_block_gives_way_before_the_advice_under_it_is_cut(context):
    now = judged_row("N3", three(18, 25, 20))
    model = build_sheet(now | {EARLIER_COLUMN: list(FOUR_EARLIER)}, context)

    def with_advice(paragraphs: int) -> str:
        advice = tuple(f"Paragraph {i}: keep every section going, one timed practice test a week." for i in range(9))
        text = sheet_pdf(dataclasses.replace(model, blocks=(*model.blocks, Block("More advice", advice[:paragraphs]))))
        assert f"Paragraph {paragraphs - 1}: keep every section going" in text and "…" not in text  # none cut
        return text

    assert "floor (the least a pass needs)" in sheet_pdf(model)  # the charts' legend: the whole block fits
    text = with_advice(4)
    assert "floor (the least a pass needs)" not in text and "Spring practice" in text  # the charts gave way
    text = with_advice(9)  # then the older exams: the previous one and this one stay, and the sentence
    assert "Spring practice" not in text and "JLPT 2026-07-05 N3 30 17 16 63 Not passed" in text
    assert "Language Knowledge fell below its floor of 19: 30 at the JLPT of July 2026, 18 now." in text
