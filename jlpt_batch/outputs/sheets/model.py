"""What one feedback sheet says, already worded, ready to draw.

``content.py`` builds these from a judged row and the wording templates;
``pdf.py`` draws them. Neither side knows the other's internals.
"""

from __future__ import annotations

from dataclasses import dataclass

from jlpt_batch.contract import Outcome


@dataclass(frozen=True)
class ScoreRow:
    """One line of the score table: a section, or the total against the pass mark."""

    label: str  # section name in the sheet's language
    score: str  # "45", or "*" when absent
    maximum: int  # 60, 120 or 180
    threshold: str  # the floor, or the pass mark on the total line
    margin: str  # "+12 above the floor", "2 below the floor", "5 points short", or "*"
    below: bool  # this line let the student down: drawn so it stands out without colour


@dataclass(frozen=True)
class Bar:
    """One bar of the picture: a score on its own scale with its threshold drawn across."""

    label: str
    score: int | None  # None: absent
    maximum: int
    threshold: int  # the floor, or the pass mark for the total
    threshold_label: str  # e.g. "floor 19", "pass mark 95"
    below: bool


@dataclass(frozen=True)
class Block:
    """A headed group of paragraphs (reference bands, CEFR, what next, ...)."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class SheetModel:
    """Everything printed on one student's sheet, in that student's language."""

    lang: str
    candidate_id: str
    class_name: str
    name: str  # NFC-normalised, full length (the drawer shrinks or wraps it to print it whole)
    school: str
    exam_title: str  # "JLPT December 2026" or "Mock exam, 2026-11-20"
    header_fields: tuple[tuple[str, str], ...]  # (label, value): name, candidate no., class, level
    outcome: Outcome
    result_text: str  # large: "Passed" / "Not passed" / "Not scored (absent)"
    result_detail: str  # one line under the result
    score_headings: tuple[str, ...]  # headings of the score table's columns
    score_rows: tuple[ScoreRow, ...]  # the sections, then the total
    bars: tuple[Bar, ...]
    blocks: tuple[Block, ...]
    footer: tuple[str, ...]
    name_latin: str = ""  # the name in Latin letters, printed under the name when the file gives it


@dataclass(frozen=True)
class CoverModel:
    """The teacher's cover page at the front of a class bundle, in the administrator's language."""

    lang: str
    title: str  # e.g. "Class 2A: feedback sheets"
    subtitle: str  # school, exam, date of issue
    headings: tuple[str, ...]  # e.g. No., candidate no., name, level, result, total, why
    rows: tuple[tuple[str, ...], ...]
    summary: str  # e.g. "24 students: 15 passed, 7 not passed, 2 not scored"
    notes: tuple[str, ...] = ()  # below the list: the class's rejected rows, not in the bundle
    numeric: tuple[bool, ...] = ()  # which columns are numbers (right-aligned); () to tell from the cells
    page_numbers: str = "{page} / {pages}"  # a cover of several pages numbers them so
