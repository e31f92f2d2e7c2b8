"""Drawing the teacher's cover of a class bundle: the class list, then the rows not in the bundle.

As many pages as the list needs, numbered "X / Y" when more than one. A column of
numbers is right-aligned; the reason for a result may take two lines, and a student's
line is as tall as it needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jlpt_batch.outputs.sheets.draw import Frame, page_frame
from jlpt_batch.outputs.sheets.draw import _rule as rule  # the rules and shading a sheet's table has
from jlpt_batch.outputs.sheets.draw import _shade as shade
from jlpt_batch.outputs.sheets.model import PAGE, PAGES, CoverModel
from jlpt_batch.outputs.sheets.text import Line, Pen

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

COVER_ROW = 15.0  # one line of the list
COVER_SIZE = 9.5
HEADING_SIZE = 8.0
NOTE_SIZE = 9.0
REASON_LINES = 3
NAME_LINES = 3
_COLUMNS = ("number", "candidate", "name", "level", "result", "total", "reason")  # as cover.build_cover lists them
NAME, REASON = _COLUMNS.index("name"), _COLUMNS.index("reason")
_NUMERIC = re.compile(r"[\d*.,+\-/ ]*")


@dataclass(frozen=True)
class _Item:
    """One thing on a cover page under the headings: a student's line, or a line of the notes."""

    cells: tuple[list[Line], ...]  # a student: the lines of each cell; a note: one cell
    height: float
    note: bool = False


def draw_cover(canvas: Canvas, cover: CoverModel, paper: str) -> int:
    """Draw the teacher's cover (as many pages as it needs); returns the pages drawn."""
    pen = Pen(canvas, cover.lang)
    frame = page_frame(paper)
    widths = _column_widths(pen, cover, frame.width)
    numeric = list(cover.numeric) or [_is_numeric_column(cover, index) for index in range(len(cover.headings))]
    items = [_student_item(pen, row, widths) for row in cover.rows] + _note_items(pen, cover, frame.width)
    pages = _pages(items, frame)
    for number, page in enumerate(pages, start=1):
        y = _cover_title(pen, cover, frame, full=number == 1)
        fitted = (
            pen.fit(text, width - 12, HEADING_SIZE, bold=True)
            for text, width in zip(cover.headings, widths, strict=True)
        )
        heading = _Item(tuple([line] for line in fitted), COVER_ROW)
        y = _draw_row(pen, heading, widths, numeric, frame.left, y, size=HEADING_SIZE)
        rule(canvas, frame.left, frame.left + sum(widths), y, 0.8)
        for index, item in enumerate(page):
            y = _draw_item(pen, item, widths, numeric, frame, y, shaded=bool(index % 2) and not item.note)
        if len(pages) > 1:
            page_number = cover.page_numbers.replace(PAGE, str(number)).replace(PAGES, str(len(pages)))
            pen.text(frame.right, frame.bottom, page_number, 8, align="right")
        pen.finish_page()
        canvas.showPage()
    return len(pages)


def _column_widths(pen: Pen, cover: CoverModel, width: float) -> list[float]:
    """Each column as wide as its widest cell. If that is too wide, the reason (the last of seven
    columns) gives way down to a quarter of the page, then the name: both wrap rather than being cut."""
    natural = [pen.width(heading, HEADING_SIZE, bold=True) + 12 for heading in cover.headings]
    for row in cover.rows:
        for index, cell in enumerate(row[: len(natural)]):
            natural[index] = max(natural[index], pen.width(cell, COVER_SIZE) + 12)
    giving = [REASON, NAME] if len(natural) == len(_COLUMNS) else [natural.index(max(natural))]
    for index in giving:
        excess = sum(natural) - width
        if excess > 0:
            natural[index] = max(natural[index] - excess, width / 4 if index == REASON else 80.0)
    return natural


def _student_item(pen: Pen, row: Sequence[str], widths: list[float]) -> _Item:
    """A student's line: every cell fitted to its column; the name and the reason wrapped instead."""
    cells = []
    wrapping = {NAME: NAME_LINES, REASON: REASON_LINES} if len(widths) == len(_COLUMNS) else {}
    for index, (cell, width) in enumerate(zip(row, widths, strict=False)):
        if index in wrapping:
            cells.append(pen.wrap_at_most(cell, width - 12, COVER_SIZE, wrapping[index]) or [()])
        else:
            cells.append([pen.fit(cell, width - 12, COVER_SIZE)])
    lines = max(len(lines) for lines in cells)
    return _Item(tuple(cells), COVER_ROW + (lines - 1) * COVER_SIZE * 1.2)


def _note_items(pen: Pen, cover: CoverModel, width: float) -> list[_Item]:
    """The rows not in this bundle, below the list: a heading line, then one (wrapped) line each."""
    items = []
    for index, note in enumerate(cover.notes):
        lines = pen.wrap(note, width - 12, NOTE_SIZE, bold=index == 0)
        gap = 10.0 if index == 0 else 0.0  # the notes stand apart from the list
        items.append(_Item((lines,), gap + len(lines) * NOTE_SIZE * 1.3 + 3, note=True))
    return items


def _pages(items: list[_Item], frame: Frame) -> list[list[_Item]]:
    """The items of each page: the first page also carries the title and summary."""
    pages: list[list[_Item]] = [[]]
    room = frame.height_below(120) - 30
    for item in items:
        if item.height > room and pages[-1]:
            pages.append([])
            room = frame.height_below(50) - 30
        pages[-1].append(item)
        room -= item.height
    return pages


def _is_numeric_column(cover: CoverModel, index: int) -> bool:
    cells = [row[index] for row in cover.rows if index < len(row)]
    return bool(cells) and all(_NUMERIC.fullmatch(cell) for cell in cells)


def _cover_title(pen: Pen, cover: CoverModel, frame: Frame, full: bool) -> float:
    y = frame.top - 18
    pen.draw(frame.left, y, pen.fit(cover.title, frame.width, 18, bold=True), 18)
    if not full:
        return y - 20
    pen.draw(frame.left, y - 20, pen.fit(cover.subtitle, frame.width, 10), 10)
    pen.draw(frame.left, y - 40, pen.fit(cover.summary, frame.width, 11, bold=True), 11)
    return y - 60


def _draw_item(
    pen: Pen, item: _Item, widths: list[float], numeric: list[bool], frame: Frame, top: float, shaded: bool
) -> float:
    if item.note:
        (lines,) = item.cells
        y = top - (item.height - len(lines) * NOTE_SIZE * 1.3 - 3)
        for line in lines:
            y -= NOTE_SIZE * 1.3
            pen.draw(frame.left + 6, y + 2, line, NOTE_SIZE)
        return top - item.height
    if shaded:
        shade(pen.canvas, frame.left, top - item.height, sum(widths), item.height)
    return _draw_row(pen, item, widths, numeric, frame.left, top, size=COVER_SIZE)


def _draw_row(
    pen: Pen, item: _Item, widths: Sequence[float], numeric: Sequence[bool], left: float, top: float, size: float
) -> float:
    x = left
    for lines, width, right_aligned in zip(item.cells, widths, numeric, strict=False):
        for index, line in enumerate(lines):
            y = top - 11 - index * size * 1.2
            if right_aligned:
                pen.draw(x + width - 6, y, line, size, "right")
            else:
                pen.draw(x + 6, y, line, size)
        x += width
    return top - item.height
