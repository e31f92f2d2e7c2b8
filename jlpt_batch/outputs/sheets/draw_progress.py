"""Drawing a sheet's progress block: the earlier exams as a table, a small chart per section, the sentence.

Greyscale like the rest of the sheet: a JLPT sitting is a solid square and a mock exam a
hollow circle, the floor a thick dashed line, this exam in bold; so it reads the same
printed in black and white.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING

from jlpt_batch.outputs.sheets.model import ChartPoint, ProgressBlock, ProgressChart, ProgressRow
from jlpt_batch.outputs.sheets.text import Line, Pen

if TYPE_CHECKING:  # reportlab is set up by draw.py, which imports this module
    from reportlab.pdfgen.canvas import Canvas

SIZE = 7.5  # the table's text
LEADING = 10.5
HEADING_SIZE = 6.8
NOTE_SIZE = 9.0
CHART_PLOT = 34.0  # height of a chart's plotting area
CHART_GAP = 22.0  # between two charts
MARK = 3.0  # half the size of a mark
LEFT_ALIGNED = 3  # exam, date and level read from the left; scores from the right
INDENT = 8.0  # the table, the charts and the notes sit this far in from the heading
HEADING_HEIGHT = 18.0
CHARTS_HEIGHT = 4 + 21 + CHART_PLOT + 2 + 2 + 11  # the gap above, titles, plots, the legend under them


def draw_progress(pen: Pen, block: ProgressBlock, left: float, right: float, top: float) -> float:
    """Draw the block below ``top``: the table, the charts in a row under it, the notes; returns where it ends."""
    y = _draw_heading(pen, block.heading, left, right, top)
    y = _draw_table(pen, block, left + INDENT, right, y)
    if block.charts:
        y = _draw_charts(pen, block, left + INDENT, right, y - 4)
    y -= 2
    for line in _note_lines(pen, block, right - left):
        pen.draw(left + INDENT, y - NOTE_SIZE, line, NOTE_SIZE)
        y -= NOTE_SIZE * 1.3
    return y


def progress_height(pen: Pen, block: ProgressBlock, width: float) -> float:
    """How far down ``draw_progress`` goes for the block across ``width``, without drawing it."""
    headings = _heading_cells(pen, block.headings, _column_widths(pen, block, width - INDENT))
    table = 3 + (HEADING_SIZE + 1.5) * max(len(cell) for cell in headings) + LEADING * len(block.rows)
    charts = CHARTS_HEIGHT if block.charts else 0.0
    return HEADING_HEIGHT + table + charts + 2 + NOTE_SIZE * 1.3 * len(_note_lines(pen, block, width))


def fitted(pen: Pen, block: ProgressBlock, width: float, room: float) -> ProgressBlock:
    """The fullest form of the block that is at most ``room`` high: whole; without the charts; then
    with only the previous exam and this one (the sentence still says what changed). The shortest
    form when none is."""
    for form in _shorter_forms(block):
        if progress_height(pen, form, width) <= room:
            return form
    return form


def _shorter_forms(block: ProgressBlock) -> Iterator[ProgressBlock]:
    yield block
    without_charts = replace(block, charts=())
    yield without_charts
    if len(block.rows) > 2:
        yield replace(without_charts, rows=block.rows[-2:])


def _note_lines(pen: Pen, block: ProgressBlock, width: float) -> list[Line]:
    return [line for note in block.notes for line in pen.wrap(note, width - INDENT, NOTE_SIZE)]


def _draw_heading(pen: Pen, heading: str, left: float, right: float, top: float) -> float:
    pen.draw(left, top - 12, pen.line(heading, bold=True), 11.5)
    _line(pen.canvas, left, top - 16, right, top - 16, 0.4)
    return top - HEADING_HEIGHT


# --- the table -------------------------------------------------------------------------------


def _draw_table(pen: Pen, block: ProgressBlock, left: float, right: float, top: float) -> float:
    widths = _column_widths(pen, block, right - left)
    y = _draw_table_headings(pen, block.headings, left, widths, top)
    for row in block.rows:
        if row.current:
            _line(pen.canvas, left, y, right, y, 0.8)
        y = _draw_table_row(pen, row, left, widths, y)
    return y


def _column_widths(pen: Pen, block: ProgressBlock, width: float) -> list[float]:
    """Each column as wide as its widest cell (a heading may take two lines), scaled to the table's width."""
    natural = [_heading_width(pen, heading) + 6 for heading in block.headings]
    for row in block.rows:
        for index, cell in enumerate(row.cells):
            natural[index] = max(natural[index], pen.width(cell, SIZE, bold=row.current) + 6)
    scale = width / sum(natural)
    return [column * scale for column in natural]


def _heading_width(pen: Pen, heading: str) -> float:
    """The least width in which a heading takes at most two lines."""
    whole = pen.width(heading, HEADING_SIZE, bold=True)
    width = max((pen.width(word, HEADING_SIZE, bold=True) for word in heading.split()), default=0.0)
    while width < whole and len(pen.wrap(heading, width, HEADING_SIZE, bold=True)) > 2:
        width += 2
    return min(width, whole)


def _heading_cells(pen: Pen, headings: tuple[str, ...], widths: list[float]) -> list[list[Line]]:
    """Each column's heading in its lines (at most two)."""
    return [
        pen.wrap_at_most(heading, width - 4, HEADING_SIZE, 2, bold=True)
        for heading, width in zip(headings, widths, strict=True)
    ]


def _draw_table_headings(pen: Pen, headings: tuple[str, ...], left: float, widths: list[float], top: float) -> float:
    cells = _heading_cells(pen, headings, widths)
    lines = max(len(cell) for cell in cells)
    bottom = top - 3 - (HEADING_SIZE + 1.5) * lines
    x = left
    for index, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        for i, line in enumerate(cell):
            baseline = bottom + 2.5 + (HEADING_SIZE + 1.5) * (len(cell) - 1 - i)
            _draw_cell(pen, line, x, width, baseline, HEADING_SIZE, index, gray=0.3)
        x += width
    _line(pen.canvas, left, bottom, left + sum(widths), bottom, 0.6)
    return bottom


def _draw_table_row(pen: Pen, row: ProgressRow, left: float, widths: list[float], top: float) -> float:
    x, baseline = left, top - LEADING + 2.5
    for index, (cell, width) in enumerate(zip(row.cells, widths, strict=True)):
        _draw_cell(pen, pen.fit(cell, width - 3, SIZE, bold=row.current), x, width, baseline, SIZE, index)
        x += width
    return top - LEADING


def _draw_cell(pen: Pen, line: Line, x: float, width: float, baseline: float, size: float, index: int,
               gray: float = 0.0) -> None:  # fmt: skip
    if index < LEFT_ALIGNED:
        pen.draw(x + 1.5, baseline, line, size, gray=gray)
    else:
        pen.draw(x + width - 3, baseline, line, size, "right", gray=gray)


# --- the charts ------------------------------------------------------------------------------


def _draw_charts(pen: Pen, block: ProgressBlock, left: float, right: float, top: float) -> float:
    """The charts side by side, then the legend of their marks."""
    width = (right - left - CHART_GAP * (len(block.charts) - 1)) / len(block.charts)
    bottom = top
    for index, chart in enumerate(block.charts):
        bottom = _draw_chart(pen, chart, left + index * (width + CHART_GAP), width, top)
    return _draw_legend(pen, block, left, bottom - 2)


def _draw_chart(pen: Pen, chart: ProgressChart, left: float, width: float, top: float) -> float:
    """Title, then the plot: a frame on the section's scale, the floor dashed across it, a mark per exam."""
    pen.draw(left, top - 8, pen.fit(chart.label, width, 7.5, bold=True), 7.5)
    gutter = pen.width(str(chart.maximum), 6) + 3
    plot_left = left + gutter
    plot_width, plot_bottom = width - gutter, top - 21 - CHART_PLOT
    canvas = pen.canvas
    canvas.saveState()
    canvas.setStrokeGray(0.55)
    canvas.setLineWidth(0.4)
    canvas.rect(plot_left, plot_bottom, plot_width, CHART_PLOT, stroke=1, fill=0)
    canvas.restoreState()

    def height_of(score: int) -> float:
        return plot_bottom + CHART_PLOT * min(score, chart.maximum) / chart.maximum

    for value in (0, chart.maximum):
        pen.text(plot_left - 2, height_of(value) - 2, str(value), 6, align="right")
    _floor_line(pen, chart, plot_left, plot_width, height_of(chart.floor))
    xs = [plot_left + plot_width * (i + 0.5) / len(chart.points) for i in range(len(chart.points))]
    _connect(
        canvas, [(x, None if p.score is None else height_of(p.score)) for x, p in zip(xs, chart.points, strict=True)]
    )
    for x, point in zip(xs, chart.points, strict=True):
        _draw_point(pen, point, x, plot_bottom, height_of)
    return plot_bottom - 2


def _floor_line(pen: Pen, chart: ProgressChart, left: float, width: float, y: float) -> None:
    canvas = pen.canvas
    canvas.saveState()
    canvas.setLineWidth(1.4)
    canvas.setDash(2.5, 1.5)
    canvas.line(left, y, left + width, y)
    canvas.restoreState()
    pen.text(left - 2, y - 2, str(chart.floor), 6, bold=True, align="right")


def _connect(canvas: Canvas, points: list[tuple[float, float | None]]) -> None:
    """Thin lines between consecutive exams with a score (an absence breaks the line)."""
    canvas.saveState()
    canvas.setLineWidth(0.7)
    for (x1, y1), (x2, y2) in pairwise(points):
        if y1 is not None and y2 is not None:
            canvas.line(x1, y1, x2, y2)
    canvas.restoreState()


def _draw_point(pen: Pen, point: ChartPoint, x: float, bottom: float, height_of: Callable[[int], float]) -> None:
    if point.score is None:  # absent: an asterisk on the baseline, as the score table shows it
        pen.text(x, bottom + 2, "*", 7, align="center")
        return
    y = height_of(point.score)
    _mark(pen.canvas, x, y, point.mock, MARK * (1.25 if point.current else 1.0))
    pen.text(x, y + MARK + 2, str(point.score), 6.5, bold=point.current, align="center")


def _mark(canvas: Canvas, x: float, y: float, mock: bool, size: float) -> None:
    """A solid square for a JLPT sitting, a hollow circle (white inside) for a mock exam."""
    canvas.saveState()
    canvas.setLineWidth(0.9)
    if mock:
        canvas.setFillGray(1.0)
        canvas.circle(x, y, size, stroke=1, fill=1)
    else:
        canvas.rect(x - size, y - size, 2 * size, 2 * size, stroke=0, fill=1)
    canvas.restoreState()


def _draw_legend(pen: Pen, block: ProgressBlock, left: float, top: float) -> float:
    """What the marks and the dashed line stand for, in one line under the charts."""
    x, baseline = left, top - 8
    for mock, label in block.legend:
        _mark(pen.canvas, x + MARK, baseline + 2.2, mock, MARK)
        x += 2 * MARK + 3
        x += pen.text(x, baseline, label, 6.5) + 10
    canvas = pen.canvas
    canvas.saveState()
    canvas.setLineWidth(1.4)
    canvas.setDash(2.5, 1.5)
    canvas.line(x, baseline + 2.2, x + 14, baseline + 2.2)
    canvas.restoreState()
    pen.text(x + 17, baseline, block.floor_legend, 6.5)
    return baseline - 3


def _line(canvas: Canvas, x1: float, y1: float, x2: float, y2: float, width: float) -> None:
    canvas.setLineWidth(width)
    canvas.line(x1, y1, x2, y2)
