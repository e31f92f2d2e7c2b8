"""The identity row at the top of a sheet: name, candidate number, class, level, each in a form cell.

Who a sheet belongs to must never be in doubt when sheets are handed out, so a candidate
number is never shortened (neighbouring numbers such as ``20A1010101-30001`` and
``20A1010101-30002`` must stay apart) and a name is shrunk or wrapped, always whole. Each
cell is as wide as its value needs, within limits; the name takes the rest of the row.
Only a value longer than the last step of its fitting plan (hundreds of characters) ends
in an ellipsis, and the caller is told which.
"""

from __future__ import annotations

from dataclasses import dataclass

from jlpt_batch.outputs.sheets import fonts
from jlpt_batch.outputs.sheets.model import SheetModel
from jlpt_batch.outputs.sheets.text import FitPlan, Fitted, Pen

LABEL_SIZE = 7.5
LABEL_ROOM = 14.0  # from the cell's top to the top of its value
PADDING = 5.0  # inside each side of a cell
BOTTOM_ROOM = 8.0
LEADING = 1.18  # line spacing, in font sizes (more for a script whose marks stack high and low)
TALL_SHARE = 0.7  # of a face's ascent-to-descent height that its glyphs use, line to line

NAME_PLAN: FitPlan = ((1, (14.0, 13.0, 12.0, 11.0, 10.0)), (2, (11.0, 10.0, 9.0, 8.0)), (3, (8.0, 7.0)), (5, (6.5,)))
VALUE_PLAN: FitPlan = ((1, (11.5, 11.0, 10.0, 9.0, 8.0)), (2, (8.0,)), (4, (7.0,)))
LATIN_PLAN: FitPlan = ((1, (8.5, 8.0, 7.5, 7.0)), (2, (7.0,)))  # the name in Latin letters, under the name
OTHER_SHARE = (0.12, 0.3)  # each other cell: at least, at most this share of the row
OTHERS_AT_MOST = 0.58  # of the row, together: the name keeps at least the rest


@dataclass(frozen=True)
class Cell:
    """One laid-out cell: its label, its value and, under the name, the name in Latin letters."""

    width: float
    label: str
    text: str  # the value as given
    value: Fitted
    latin: Fitted | None = None

    @property
    def value_height(self) -> float:
        """From the top of the value's first line to the baseline of its last line, or of the note under it."""
        height = self.value.size + (len(self.value.lines) - 1) * line_step(self.value)
        if self.latin is not None and self.latin.lines:
            height += latin_drop(self.value, self.latin) + (len(self.latin.lines) - 1) * line_step(self.latin)
        return height


def latin_drop(value: Fitted, latin: Fitted) -> float:
    """From the name's last baseline to the first baseline of the Latin line under it: clear of
    the name's descenders (deep in Myanmar), close enough to read as one."""
    return line_step(value) - value.size + latin.size + 1


def line_step(fitted: Fitted) -> float:
    """From one baseline to the next: wider apart for Myanmar, whose marks stack high and low."""
    tallest = max((fonts.height_em(face.name) for line in fitted.lines for face, _ in line), default=1.0)
    return fitted.size * max(LEADING, tallest * TALL_SHARE)


def name_index(model: SheetModel) -> int | None:
    """Which header field holds the student's name (drawn larger, given the most room)."""
    values = [value for _, value in model.header_fields]
    return values.index(model.name) if model.name in values else None


def layout(pen: Pen, model: SheetModel, width: float) -> list[Cell]:
    """Each header field as a cell: widths from the values, each value fitted whole where it can be."""
    name = name_index(model)
    widths = _widths(pen, model, width, name)
    cells = []
    for index, ((label, value), cell_width) in enumerate(zip(model.header_fields, widths, strict=True)):
        room = cell_width - 2 * PADDING
        if index == name:
            latin = pen.fit_whole(model.name_latin, room, LATIN_PLAN) if model.name_latin else None
            cells.append(Cell(cell_width, label, value, pen.fit_whole(value, room, NAME_PLAN, bold=True), latin))
        else:
            cells.append(Cell(cell_width, label, value, pen.fit_whole(value, room, VALUE_PLAN, bold=True)))
    return cells


def _widths(pen: Pen, model: SheetModel, width: float, name: int | None) -> list[float]:
    """The other cells as wide as their label and value need (within limits); the name the rest."""
    count = len(model.header_fields)
    if name is None or count <= 1:
        return [width / max(count, 1)] * count
    least, most = (share * width for share in OTHER_SHARE)
    natural = {
        index: min(most, max(least, _natural_width(pen, label, value)))
        for index, (label, value) in enumerate(model.header_fields)
        if index != name
    }
    scale = min(1.0, width * OTHERS_AT_MOST / sum(natural.values()))
    others = {index: cell * scale for index, cell in natural.items()}
    return [others.get(index, width - sum(others.values())) for index in range(count)]


def _natural_width(pen: Pen, label: str, value: str) -> float:
    largest = VALUE_PLAN[0][1][0]
    return max(pen.width(label, LABEL_SIZE), pen.width(value, largest, bold=True)) + 2 * PADDING + 2


def draw(pen: Pen, cells: list[Cell], left: float, top: float) -> float:
    """Draw the cells in a row of boxes; returns the row's bottom."""
    first_size = max(cell.value.size for cell in cells)  # single lines share one baseline
    height = LABEL_ROOM + max(first_size - cell.value.size + cell.value_height for cell in cells) + BOTTOM_ROOM
    x = left
    for cell in cells:
        label = pen.fit(cell.label, cell.width - 2 * PADDING, LABEL_SIZE)
        pen.draw(x + PADDING, top - 10, label, LABEL_SIZE, gray=0.35)
        y = top - LABEL_ROOM - first_size
        y = _draw_lines(pen, cell.value, x + PADDING, y, gray=0.0) + line_step(cell.value)  # the last baseline
        if cell.latin is not None:
            _draw_lines(pen, cell.latin, x + PADDING, y - latin_drop(cell.value, cell.latin), gray=0.3)
        x += cell.width
    _outline(pen, left, top, [cell.width for cell in cells], height)
    return top - height


def _draw_lines(pen: Pen, fitted: Fitted, x: float, baseline: float, gray: float) -> float:
    """Draw the lines from this first baseline; returns where the next line would go."""
    for line in fitted.lines:
        pen.draw(x, baseline, line, fitted.size, gray=gray)
        baseline -= line_step(fitted)
    return baseline


def _outline(pen: Pen, left: float, top: float, widths: list[float], height: float) -> None:
    canvas = pen.canvas
    canvas.setLineWidth(0.6)
    canvas.rect(left, top - height, sum(widths), height, stroke=1, fill=0)
    x = left
    for width in widths[:-1]:
        x += width
        canvas.line(x, top - height, x, top)


def shortened(cells: list[Cell]) -> tuple[tuple[str, str], ...]:
    """(label, value) of each cell whose value could not be printed whole."""
    return tuple((cell.label, cell.text) for cell in cells if not cell.value.whole)
