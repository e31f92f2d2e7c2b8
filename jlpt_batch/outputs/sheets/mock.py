"""What a sheet adds for a mock marked against its answer key: estimated scores, raw counts, questions to review.

Pure, like ``content``. A worded SheetModel, the student's judged row (with the ``review``
list the marking adds: see ``marking.analysis.MockAnalysis.review``) and their level's
questions give the sheet with its score column headed as an estimate and, first among the
blocks, one saying so and giving each sub-part's raw count (``Grammar: 8 / 25 correct``)
and the questions to review, consecutive ones as a range (``Q7–Q9``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import groupby
from typing import Any, NamedTuple

from jlpt_batch.outputs.sheets.model import Block, SheetModel
from jlpt_batch.outputs.sheets.wording import Catalog
from jlpt_batch.rules import BAND_PARTS, PARTS

SCORE_HEADING = 1  # the score column among the score table's headings (see content.SheetWriter.model)
SHOWN_AS = {"blank": "mock.blank", "two_marks": "mock.two_marks"}  # how a question was missed -> its note

Questions = Sequence[tuple[str, str]]  # a level's questions in key order: (item, part)


class Missed(NamedTuple):
    """A question to review."""

    position: int  # in the level's key
    item: str
    part: str
    how: str  # wrong, blank or two_marks


def with_mock_answers(model: SheetModel, row: Mapping[str, Any], catalog: Catalog, questions: Questions) -> SheetModel:
    """The sheet of a student whose mock answers were marked; any other sheet as it is."""
    review = row.get("review")
    if review is None:
        return model
    headings = list(model.score_headings)
    headings[SCORE_HEADING] = catalog.text("mock.heading_estimate")
    missed = [_missed(entry, questions) for entry in review]
    lines = [catalog.text("mock.estimates"), *_part_lines(row, missed, catalog)]
    block = Block(catalog.text("mock.heading"), tuple(lines))
    return replace(model, score_headings=tuple(headings), blocks=(block, *model.blocks))


def _missed(entry: Mapping[str, Any], questions: Questions) -> Missed:
    item, part = questions[entry["question"]]
    return Missed(entry["question"], item, part, entry["how"])


def part_name(part: str, catalog: Catalog) -> str:
    """A sub-part's name on a sheet: the band's name, or (for Listening) the mock's own entry."""
    return catalog.text(f"band_parts.{part}" if part in BAND_PARTS else f"mock_parts.{part}")


def _part_lines(row: Mapping[str, Any], review: Sequence[Missed], catalog: Catalog) -> list[str]:
    """One line per sub-part the student sat: the raw count, and the questions to review."""
    lines = []
    for part in PARTS:
        correct, questions = row.get(f"{part}_correct"), row.get(f"{part}_questions")
        if correct is None or questions is None:
            continue  # no questions of this part, or absent from its section
        fields = {"part": part_name(part, catalog), "correct": correct, "questions": questions}
        missed = [entry for entry in review if entry.part == part]
        if not missed:
            lines.append(catalog.text("mock.part_all", **fields))
        else:
            lines.append(catalog.text("mock.part_review", **fields, items=_items_text(missed, catalog)))
    return lines


def _items_text(missed: Sequence[Missed], catalog: Catalog) -> str:
    """'Q3, Q7–Q9, Q12 (two marks)': runs of consecutive questions missed the same way, as ranges."""
    runs = groupby(enumerate(missed), key=lambda pair: (pair[1].position - pair[0], pair[1].how))
    pieces = []
    for (_, how), members in runs:
        items = [entry.item for _, entry in members]
        shown = items[0] if len(items) == 1 else _range(items, catalog)
        pieces.append(catalog.text(SHOWN_AS[how], items=shown) if how in SHOWN_AS else shown)
    return catalog.text("list.separator").join(pieces)


def _range(items: list[str], catalog: Catalog) -> str:
    if len(items) == 2:
        return catalog.text("list.separator").join(items)
    return catalog.text("mock.range", first=items[0], last=items[-1])
