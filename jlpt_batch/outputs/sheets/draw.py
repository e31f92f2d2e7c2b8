"""Drawing a SheetModel on one page with reportlab canvas primitives, and a class's bundle
(the cover is drawn by ``cover_draw``).

Canvas calls rather than Platypus or reportlab.graphics charts: measured here they
are 1.5-2x and +15 ms a page slower. Everything is greyscale and every distinction
(below a floor, not passed, absent) is also made by shape or weight, so a sheet
reads the same on a black-and-white printer.
"""

from __future__ import annotations

from reportlab import rl_config

rl_config.invariant = 1  # byte-identical PDFs; must be set before other reportlab imports
rl_config.useA85 = 0  # binary streams: ASCII85 makes files larger and costs ~1 ms a file

from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import BinaryIO  # noqa: E402

from reportlab.lib.pagesizes import A4, letter  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from jlpt_batch.contract import Outcome  # noqa: E402
from jlpt_batch.outputs.sheets import fonts, header  # noqa: E402
from jlpt_batch.outputs.sheets.draw_progress import draw_progress, fitted  # noqa: E402
from jlpt_batch.outputs.sheets.model import Bar, Block, CoverModel, ScoreRow, SheetModel  # noqa: E402
from jlpt_batch.outputs.sheets.text import ELLIPSIS, Line, Pen  # noqa: E402

PAGE_SIZES = {"a4": A4, "letter": letter}
MARGIN_X = 42.0
MARGIN_TOP = 38.0
MARGIN_BOTTOM = 34.0
BODY_SIZES = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)  # tried in turn until the blocks fit the page
BLOCKS_GAP = 12.0  # above the paragraphs


# --- the sheet --------------------------------------------------------------------------


@dataclass
class Frame:
    """The printable area of a page, and how far down it has been filled."""

    left: float
    right: float
    top: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    def height_below(self, header: float) -> float:
        """The height left for content under a header of the given height."""
        return self.top - header - self.bottom


def page_frame(paper: str) -> Frame:
    width, height = PAGE_SIZES[paper]
    return Frame(MARGIN_X, width - MARGIN_X, height - MARGIN_TOP, MARGIN_BOTTOM)


# Characters of the PDF's title and author: a name of any length (up to the 131,068 a cell may
# hold) is shortened on the page already, and must not fill the file's metadata either.
MAX_METADATA_CHARS = 200


def new_canvas(target: str | BinaryIO, paper: str, lang: str, title: str, author: str) -> Canvas:
    """A canvas set up for deterministic output and the page size of the run.

    Its initial font is the language's own bundled font: reportlab's default, Helvetica,
    is never drawn but would be listed as a font the file uses and does not embed.
    """
    initial = fonts.primary_face(lang).name
    canvas = Canvas(
        target,
        pagesize=PAGE_SIZES[paper],
        invariant=1,
        pageCompression=1,
        lang=lang,
        initialFontName=initial,  # type: ignore[arg-type]  # reportlab's stubs type it as a number
    )
    canvas.setTitle(fonts.clean(title)[:MAX_METADATA_CHARS])
    canvas.setAuthor(fonts.clean(author)[:MAX_METADATA_CHARS])
    canvas.setCreator("jlpt-batch")
    return canvas


@dataclass(frozen=True)
class Drawn:
    """What drawing a sheet had to do to fit its page."""

    body_size: float  # the size the paragraphs were set in (BODY_SIZES[0] unless they were long)
    shortened: tuple[tuple[str, str], ...]  # (label, value) of header fields too long to print whole


def draw_sheet(canvas: Canvas, model: SheetModel, paper: str) -> Drawn:
    """Draw one student's sheet on the current page and finish the page."""
    pen = Pen(canvas, model.lang)
    frame = page_frame(paper)
    y = _draw_top_line(pen, model, frame, frame.top)
    cells = header.layout(pen, model, frame.width)
    y = header.draw(pen, cells, frame.left, y - 8)
    y = _draw_result(pen, model, frame, y - 12)
    y = _draw_score_table(pen, model, frame, y - 14)
    y = _draw_bars(pen, model.bars, frame, y - 10)
    footer_top = _draw_footer(pen, model.footer, frame)
    if model.progress is not None:
        y = _draw_progress(pen, model, frame, y - 6, footer_top + 10 + BLOCKS_GAP)
    body_size = _draw_blocks(pen, model.blocks, frame, y - BLOCKS_GAP, footer_top + 10)
    pen.finish_page()
    canvas.showPage()
    return Drawn(body_size, header.shortened(cells))


def _draw_progress(pen: Pen, model: SheetModel, frame: Frame, top: float, bottom: float) -> float:
    """The progress block, as full as the page allows: it gives way (its charts, then its older
    exams) before a line of the paragraphs under it would have to be cut."""
    assert model.progress is not None
    paragraphs = sum(item.step for item in _layout_blocks(pen, model.blocks, frame.width, BODY_SIZES[-1]))
    block = fitted(pen, model.progress, frame.width, top - bottom - paragraphs)
    return draw_progress(pen, block, frame.left, frame.right, top)


def _draw_top_line(pen: Pen, model: SheetModel, frame: Frame, top: float) -> float:
    baseline = top - 10
    school_width = frame.width * 0.55
    pen.draw(frame.left, baseline, pen.fit(model.school, school_width, 10.5, bold=True), 10.5)
    exam_width = frame.width - school_width - 12
    pen.draw(frame.right, baseline, pen.fit(model.exam_title, exam_width, 10.5), 10.5, "right")
    _rule(pen.canvas, frame.left, frame.right, baseline - 6, 0.8)
    return baseline - 6


def _draw_result(pen: Pen, model: SheetModel, frame: Frame, top: float) -> float:
    """The result in large type in a box: solid for passed, shaded for not passed, dashed when absent."""
    detail = pen.wrap_at_most(model.result_detail, frame.width - 24, 10, 3)
    height = 44 + 13 * len(detail)
    _result_box(pen.canvas, model.outcome, frame.left, top - height, frame.width, height)
    pen.draw(frame.left + 12, top - 32, pen.fit(model.result_text, frame.width - 24, 24, bold=True), 24)
    for i, line in enumerate(detail):
        pen.draw(frame.left + 12, top - 50 - 13 * i, line, 10)
    return top - height


def _result_box(canvas: Canvas, outcome: Outcome, x: float, y: float, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(2.4)
    if outcome is Outcome.NOT_SCORED:
        canvas.setDash(6, 3)
    canvas.setFillGray(0.9 if outcome is Outcome.NOT_PASSED else 1.0)
    canvas.rect(x, y, width, height, stroke=1, fill=1)
    canvas.restoreState()


# The score table: label, score, out of, threshold, margin (a 4-heading table puts the
# maximum after the score, "45 / 60"). The label and the margin may wrap to three lines.
_TABLE_SHARES = {5: (0.34, 0.10, 0.08, 0.15, 0.33), 4: (0.41, 0.13, 0.14, 0.32)}
TABLE_SIZE = 9.5
TABLE_LEADING = 12.0


def _table_cells(row: ScoreRow, columns: int) -> tuple[str, ...]:
    if columns == 5:
        return row.label, row.score, str(row.maximum), row.threshold, row.margin
    return row.label, f"{row.score} / {row.maximum}", row.threshold, row.margin


def _draw_score_table(pen: Pen, model: SheetModel, frame: Frame, top: float) -> float:
    columns = 5 if len(model.score_headings) >= 5 else 4
    widths = [share * frame.width for share in _TABLE_SHARES[columns]]
    y = _draw_table_headings(pen, model.score_headings[:columns], frame.left, widths, top)
    for index, row in enumerate(model.score_rows):
        is_total = index == len(model.score_rows) - 1
        if is_total:
            _rule(pen.canvas, frame.left, frame.right, y, 1.2)
        y = _draw_score_row(pen, row, frame.left, widths, y, bold=row.below or is_total)
    _rule(pen.canvas, frame.left, frame.right, y, 0.8)
    return y


def _draw_table_headings(pen: Pen, headings: Sequence[str], left: float, widths: list[float], top: float) -> float:
    """Small grey headings, wrapped to two lines if need be, their last lines on one baseline."""
    size, leading = 7.5, 9.0
    cells = [
        pen.wrap_at_most(heading, width - 8, size, 2, bold=True)
        for heading, width in zip(headings, widths, strict=True)
    ]
    rows = max((len(lines) for lines in cells), default=1)
    x, bottom = left, top - 4 - leading * rows
    for index, (lines, width) in enumerate(zip(cells, widths, strict=True)):
        align, anchor = ("left", x + 14) if index == 0 else ("right", x + width - 4)
        for i, line in enumerate(lines):
            pen.draw(anchor, bottom + 3 + leading * (len(lines) - 1 - i), line, size, align, gray=0.3)
        x += width
    _rule(pen.canvas, left, left + sum(widths), bottom, 0.8)
    return bottom


def _draw_score_row(pen: Pen, row: ScoreRow, left: float, widths: list[float], top: float, bold: bool) -> float:
    """One line of the table; a line below its threshold is shaded, bold and flagged with a triangle."""
    cells = _table_cells(row, len(widths))
    wrapping = (0, len(cells) - 1)  # the label and the margin are words; the rest are numbers
    cell_lines = [
        _cell_lines(pen, cell, width, bold, wraps=index in wrapping)
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
    ]
    height = 6 + TABLE_LEADING * max(len(lines) for lines in cell_lines)
    if row.below:
        _shade(pen.canvas, left, top - height, sum(widths), height)
        _warning_triangle(pen.canvas, left + 3, top - 13, 7)
    x = left
    for index, (lines, width) in enumerate(zip(cell_lines, widths, strict=True)):
        for i, line in enumerate(lines):
            if index == 0:
                pen.draw(x + 14, top - 13 - TABLE_LEADING * i, line, TABLE_SIZE)
            else:
                pen.draw(x + width - 4, top - 13 - TABLE_LEADING * i, line, TABLE_SIZE, "right")
        x += width
    return top - height


def _cell_lines(pen: Pen, text: str, width: float, bold: bool, wraps: bool) -> list[Line]:
    """A table cell: up to three lines where wrapping is allowed, the last shortened if need be."""
    room = width - 18 if wraps else width - 8
    if not wraps:
        return [pen.fit(text, room, TABLE_SIZE, bold)]
    return pen.wrap_at_most(text, room, TABLE_SIZE, 3, bold) or [()]


def _shade(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    canvas.saveState()
    canvas.setFillGray(0.88)
    canvas.rect(x, y, width, height, stroke=0, fill=1)
    canvas.restoreState()


def _warning_triangle(canvas: Canvas, x: float, y: float, size: float) -> None:
    """A solid triangle pointing right: the marker of a line that let the student down."""
    path = canvas.beginPath()
    path.moveTo(x, y)
    path.lineTo(x, y + size)
    path.lineTo(x + size * 0.9, y + size / 2)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _rule(canvas: Canvas, x1: float, x2: float, y: float, width: float) -> None:
    canvas.setLineWidth(width)
    canvas.line(x1, y, x2, y)


# --- the bars ------------------------------------------------------------------------------

BAR_HEIGHT = 11.0
HATCH_FORM = "BelowHatch"
BAR_ROW = 27.0


def _draw_bars(pen: Pen, bars: tuple[Bar, ...], frame: Frame, top: float) -> float:
    """Each score as a bar on its own scale, its threshold a thick dashed line across it."""
    label_width = frame.width * 0.30
    track_left = frame.left + label_width
    track_width = frame.width - label_width - 62
    y = top
    for index, bar in enumerate(bars):
        if index == len(bars) - 1 and len(bars) > 1:
            y -= 4  # the total stands a little apart from the sections
        _draw_bar(pen, bar, frame.left, track_left, track_width, y)
        y -= BAR_ROW
    return y


def _draw_bar(pen: Pen, bar: Bar, left: float, track_left: float, track_width: float, top: float) -> None:
    bottom = top - BAR_ROW + 4
    if bar.below:
        _warning_triangle(pen.canvas, left + 3, bottom + 2, 7)
    label = pen.wrap_at_most(bar.label, track_left - left - 22, 8.5, 2, bold=bar.below)
    for i, line in enumerate(label):
        pen.draw(left + 14, bottom + 2 + 9.5 * (len(label) - 1 - i), line, 8.5)
    _bar_track(pen.canvas, bar, track_left, bottom, track_width)
    _threshold_line(pen, bar, track_left + track_width * bar.threshold / bar.maximum, bottom)
    score_text = "*" if bar.score is None else f"{bar.score} / {bar.maximum}"
    pen.text(track_left + track_width + 8, bottom + 2, score_text, 9.5, bold=bar.below)


def _bar_track(canvas: Canvas, bar: Bar, x: float, y: float, width: float) -> None:
    """The scale outline and the filled part: solid grey, or black hatching when below."""
    canvas.saveState()
    canvas.setLineWidth(0.6)
    if bar.score is None:
        canvas.setDash(2, 2)
    canvas.rect(x, y, width, BAR_HEIGHT, stroke=1, fill=0)
    filled = 0 if bar.score is None else width * min(bar.score, bar.maximum) / bar.maximum
    if filled and bar.below:
        _hatch(canvas, x, y, filled, BAR_HEIGHT)
    elif filled:
        canvas.setFillGray(0.55)
        canvas.rect(x, y, filled, BAR_HEIGHT, stroke=1, fill=1)
    canvas.restoreState()


def _hatch(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    """Black diagonal hatching: drawn once per file as a form, then clipped to each bar."""
    if not canvas.hasForm(HATCH_FORM):
        _define_hatch(canvas)
    canvas.setLineWidth(0.8)
    canvas.rect(x, y, width, height, stroke=1, fill=0)
    canvas.saveState()
    path = canvas.beginPath()
    path.rect(x, y, width, height)
    canvas.clipPath(path, stroke=0, fill=0)
    canvas.translate(x, y)
    canvas.doForm(HATCH_FORM)
    canvas.restoreState()


def _define_hatch(canvas: Canvas) -> None:
    width, step = max(size[0] for size in PAGE_SIZES.values()), 4.0
    canvas.beginForm(HATCH_FORM, 0, 0, width, BAR_HEIGHT)
    canvas.setLineWidth(0.9)
    path = canvas.beginPath()
    offset = -BAR_HEIGHT
    while offset < width:
        path.moveTo(offset, 0)
        path.lineTo(offset + BAR_HEIGHT, BAR_HEIGHT)
        offset += step
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.endForm()


def _threshold_line(pen: Pen, bar: Bar, x: float, bottom: float) -> None:
    canvas = pen.canvas
    canvas.saveState()
    canvas.setLineWidth(2.0)
    canvas.setDash(3, 1.6)
    canvas.line(x, bottom - 3, x, bottom + BAR_HEIGHT + 3)
    canvas.restoreState()
    pen.text(x, bottom + BAR_HEIGHT + 5, bar.threshold_label, 7, align="center")


# --- blocks and footer ---------------------------------------------------------------------


def _draw_footer(pen: Pen, footer: tuple[str, ...], frame: Frame) -> float:
    """Footer lines from the bottom margin up; returns the top of the footer."""
    lines = [line for text in footer for line in pen.wrap(text, frame.width, 7.5)]
    y = frame.bottom
    for line in reversed(lines):
        pen.draw(frame.left, y, line, 7.5, gray=0.25)
        y += 9.5
    _rule(pen.canvas, frame.left, frame.right, y, 0.5)
    return y


@dataclass(frozen=True)
class _BlockItem:
    kind: str  # "heading", "text" or "gap"
    line: Line
    step: float  # how far down the next item starts


def _layout_blocks(pen: Pen, blocks: tuple[Block, ...], width: float, size: float) -> list[_BlockItem]:
    heading_step, leading = (size + 1.5) * 2.0, size * 1.32
    items: list[_BlockItem] = []
    for block in blocks:
        items.append(_BlockItem("heading", pen.line(block.heading, bold=True), heading_step))
        for paragraph in block.paragraphs:
            items += [_BlockItem("text", line, leading) for line in pen.wrap(paragraph, width - 8, size)]
            items.append(_BlockItem("gap", (), size * 0.3))
        items.append(_BlockItem("gap", (), size * 0.5))
    return items


def _draw_blocks(pen: Pen, blocks: tuple[Block, ...], frame: Frame, top: float, bottom: float) -> float:
    """The headed paragraphs, in the largest body size that fits above the footer; returns the size.

    If even the smallest size does not fit, the last line that fits ends in an
    ellipsis: a sheet is always exactly one page.
    """
    for size in BODY_SIZES:
        items = _layout_blocks(pen, blocks, frame.width, size)
        if sum(item.step for item in items) <= top - bottom:
            break
    y = top
    for item in items:
        if item.kind != "gap" and y - item.step < bottom:
            pen.text(frame.left + 8, y - size, ELLIPSIS, size)
            return size
        _draw_block_item(pen, item, size, frame, y)
        y -= item.step
    return size


def _draw_block_item(pen: Pen, item: _BlockItem, size: float, frame: Frame, y: float) -> None:
    if item.kind == "heading":
        pen.draw(frame.left, y - size - 5, item.line, size + 1.5)
        _rule(pen.canvas, frame.left, frame.right, y - size - 9, 0.4)
    elif item.kind == "text":
        pen.draw(frame.left + 8, y - size, item.line, size)


# --- files ------------------------------------------------------------------------------------


def write_sheet(model: SheetModel, target: str | BinaryIO, paper: str) -> Drawn:
    """One student's sheet as a one-page PDF file (a path or a binary file object)."""
    canvas = new_canvas(target, paper, model.lang, f"{model.exam_title}: {model.name}", model.school)
    drawn = draw_sheet(canvas, model, paper)
    canvas.save()
    return drawn


class Bundle:
    """A class's print file: the cover first, then each student's sheet.

    With ``duplex`` every part starts on the front of a new sheet of paper: a blank
    page follows any part that ends on a front.
    """

    def __init__(self, target: str | BinaryIO, cover: CoverModel, paper: str, duplex: bool) -> None:
        self.paper = paper
        self.duplex = duplex
        from jlpt_batch.outputs.sheets.cover_draw import draw_cover  # it draws with this module's helpers

        self.canvas = new_canvas(target, paper, cover.lang, cover.title, "")
        self._pad_after(draw_cover(self.canvas, cover, paper))

    def add(self, model: SheetModel) -> None:
        draw_sheet(self.canvas, model, self.paper)
        self._pad_after(1)

    def _pad_after(self, pages: int) -> None:
        if self.duplex and pages % 2:
            self.canvas.showPage()

    def save(self) -> int:
        """Write the file; returns its number of pages."""
        pages = self.canvas.getPageNumber() - 1
        self.canvas.save()
        return pages
