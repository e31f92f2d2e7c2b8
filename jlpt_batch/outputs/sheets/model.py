"""What one feedback sheet says, already worded, ready to draw.

``content.py`` builds these from a judged row and the wording templates;
``pdf.py`` draws them. Neither side knows the other's internals.
"""

from __future__ import annotations

from dataclasses import dataclass

from jlpt_batch.contract import Outcome

# Where a cover's page number and page count go in its worded "page X of Y", filled once the pages
# are counted: markers that no wording can contain (a literal brace in it stays a brace).
PAGE, PAGES = "\0page\0", "\0pages\0"

ABSENT_MARK = "*"  # a score not sat, on the sheet, its progress block and the cover, as on the official score report


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
class ProgressRow:
    """One exam in the progress table: its cells, worded, in the order of the table's headings."""

    cells: tuple[str, ...]
    current: bool  # this exam (drawn in bold, below a rule)


@dataclass(frozen=True)
class ChartPoint:
    """One exam on a section's progress chart."""

    score: int | None  # None: absent from the section
    mock: bool  # a mock exam (a hollow mark) or a JLPT sitting (a solid mark)
    current: bool


@dataclass(frozen=True)
class ProgressChart:
    """One section's scores across the exams at the student's level, oldest first, with its floor."""

    label: str
    maximum: int
    floor: int
    floor_label: str  # e.g. "floor 19"
    points: tuple[ChartPoint, ...]


@dataclass(frozen=True)
class ProgressBlock:
    """A student's earlier exams beside this one, and the change that matters most."""

    heading: str
    headings: tuple[str, ...]  # exam, date, level, the sections, total, result
    rows: tuple[ProgressRow, ...]  # oldest first; this exam last
    charts: tuple[ProgressChart, ...]  # one per section of this exam's level (none without an earlier one)
    legend: tuple[tuple[bool, str], ...]  # (is the mock mark, what it stands for) for the marks used
    floor_legend: str  # what the dashed line stands for
    notes: tuple[str, ...]  # the change that matters most; whether a mock's scale differs


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
    progress: ProgressBlock | None = None  # only when the history store has earlier exams


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
    page_numbers: str = f"{PAGE} / {PAGES}"  # a cover of several pages numbers them so
