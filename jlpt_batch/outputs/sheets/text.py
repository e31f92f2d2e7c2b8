"""Text on a sheet: font-fallback runs, measuring, shortening with an ellipsis, line wrapping, and the Pen.

Nothing here decides what a page looks like (that is ``draw``); this is how a line of
text of any script becomes runs of bundled fonts that fit a given width.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING

from jlpt_batch.outputs.sheets import fonts

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.pdfgen.textobject import PDFTextObject

ELLIPSIS = "…"
FAKE_BOLD_STROKE = 0.05  # outline width, in font sizes, for a face that has no bold file

Line = tuple[fonts.Run, ...]


_CJK = (
    "\u2e80-\u2fff\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"
)


_NO_LINE_START = "、。，．・：；？！ー）」』】〕〉》ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々…‥,.!?;:)\\]}%"


_NO_LINE_END = "（「『【〔〈《([{"


# One token is a unit that is never split across lines: a run of spaces, one CJK
# character with the punctuation that must stay with it, or a word of other scripts.
_TOKEN = re.compile(rf"\s+|[{_NO_LINE_END}]*[{_CJK}][{_NO_LINE_START}]*|[^\s{_CJK}]+[{_NO_LINE_START}]*")


def _char_units(text_runs: Line) -> list[float]:
    """Advance width of every character in thousandths of the font size."""
    widths: list[float] = []
    for face, text in text_runs:
        widths.extend(fonts.units(text, face.name))
    return widths


def _slice(text_runs: Line, start: int, end: int) -> Line:
    """The runs covering characters ``start:end`` of their joined text."""
    out, offset = [], 0
    for face, text in text_runs:
        lo, hi = max(start - offset, 0), min(end - offset, len(text))
        if lo < hi:
            out.append((face, text[lo:hi]))
        offset += len(text)
    return tuple(out)


def _break_points(text: str, cumulative: list[float], limit: float) -> list[tuple[int, int]]:
    """(start, end) of each line: whole tokens while they fit, characters when one cannot."""
    lines: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for token_start, token_end in _pieces(text, cumulative, limit):
        if current is None:
            current = (token_start, token_end)
        elif cumulative[token_end] - cumulative[current[0]] <= limit:
            current = (current[0], token_end)
        else:
            lines.append(current)
            current = (token_start, token_end)
    if current is not None:
        lines.append(current)
    return lines


def _pieces(text: str, cumulative: list[float], limit: float) -> Iterator[tuple[int, int]]:
    """Spans of the tokens of ``text`` (spaces skipped), a token too wide cut into characters."""
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if text[start].isspace():
            continue
        if cumulative[end] - cumulative[start] <= limit:
            yield start, end
        else:
            yield from ((i, i + 1) for i in range(start, end))


def _line(lang: str, text: str, bold: bool, whole: bool) -> Line:
    return fonts.runs(fonts.clean(text), lang, bold, whole)


# Every sheet is drawn twice, into the student's file and into the class bundle: the
# second drawing finds its line breaks here instead of measuring the text again.
@lru_cache(maxsize=4096)
def _fit(lang: str, text: str, width: float, size: float, bold: bool, whole: bool) -> Line:
    styled = _line(lang, text, bold, whole)
    if fonts.string_width(styled, size) <= width:
        return styled
    joined = "".join(part for _, part in styled)
    room = width - fonts.string_width(_line(lang, ELLIPSIS, bold, True), size)
    cumulative = list(accumulate(_char_units(styled), initial=0.0))
    keep = max((i for i, used in enumerate(cumulative) if used * size / 1000 <= room), default=0)
    return _line(lang, joined[:keep].rstrip() + ELLIPSIS, bold, whole)


@lru_cache(maxsize=4096)
def _wrap(lang: str, text: str, width: float, size: float, bold: bool, max_lines: int) -> tuple[Line, ...]:
    """Wrapped lines; with ``max_lines`` (0: no limit) the last one takes the rest, shortened."""
    styled = _line(lang, text, bold, whole=False)  # prose keeps the sheet's font
    joined = "".join(part for _, part in styled)
    cumulative = list(accumulate(_char_units(styled), initial=0.0))
    spans = _break_points(joined, cumulative, width * 1000 / size)
    if not max_lines or len(spans) <= max_lines:
        return tuple(_slice(styled, start, end) for start, end in spans)
    kept = tuple(_slice(styled, start, end) for start, end in spans[: max_lines - 1])
    return (*kept, _fit(lang, joined[spans[max_lines - 1][0] :], width, size, bold, False))


class Pen:
    """Draws cleaned text on a canvas in one sheet language, with font fallback."""

    def __init__(self, canvas: Canvas, lang: str) -> None:
        self.canvas = canvas
        self.lang = lang
        self._text: PDFTextObject | None = None  # the page's text object, drawn by finish_page
        self._state: tuple[str, float, float] | None = None  # its current (font, size, gray)

    def line(self, text: str, bold: bool = False, whole: bool = True) -> Line:
        """Text as runs of fonts; ``whole`` keeps it in one font when one font can (see fonts.runs)."""
        return _line(self.lang, text, bold, whole)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return fonts.string_width(self.line(text, bold), size)

    def fit(self, text: str, width: float, size: float, bold: bool = False, whole: bool = True) -> Line:
        """The text as one line, shortened with an ellipsis when it is wider than ``width``."""
        return _fit(self.lang, text, width, size, bold, whole)

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[Line]:
        """Lines no wider than ``width``: words kept whole, CJK broken between characters."""
        return list(_wrap(self.lang, text, width, size, bold, 0))

    def wrap_at_most(self, text: str, width: float, size: float, max_lines: int, bold: bool = False) -> list[Line]:
        """Like :meth:`wrap`, but the last allowed line takes the rest, shortened with an ellipsis."""
        return list(_wrap(self.lang, text, width, size, bold, max_lines))

    def draw(self, x: float, y: float, line: Line, size: float, align: str = "left", gray: float = 0.0) -> float:
        """Draw one line at baseline ``y``; ``x`` is its left, centre or right edge. Returns width."""
        width = fonts.string_width(line, size)
        x -= {"left": 0.0, "center": width / 2, "right": width}[align]
        for face, text in line:
            self._run(x, y, face, text, size, gray)
            x += fonts.string_width(((face, text),), size)
        return width

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False, align: str = "left") -> float:
        return self.draw(x, y, self.line(text, bold), size, align)

    def finish_page(self) -> None:
        """Put the page's text on the page, above everything drawn on it."""
        if self._text is not None:
            self.canvas.drawText(self._text)
        self._text, self._state = None, None

    def _run(self, x: float, y: float, face: fonts.Face, text: str, size: float, gray: float) -> None:
        """Collect a run into the page's one text object: much cheaper than a drawString each."""
        if face.fake_bold:
            self._fake_bold_run(x, y, face, text, size, gray)
            return
        if self._text is None:
            self._text = self.canvas.beginText()
        page_text = self._text
        if self._state != (face.name, size, gray):
            page_text.setFont(face.name, size)
            page_text.setFillGray(gray)
            self._state = (face.name, size, gray)
        page_text.setTextOrigin(x, y)
        page_text.textOut(text)

    def _fake_bold_run(self, x: float, y: float, face: fonts.Face, text: str, size: float, gray: float) -> None:
        self.canvas.saveState()
        self.canvas.setLineWidth(size * FAKE_BOLD_STROKE)
        self.canvas.setFillGray(gray)
        self.canvas.setStrokeGray(gray)
        text_object = self.canvas.beginText(x, y)
        text_object.setTextRenderMode(2)  # fill and stroke: a heavier stroke stands in for bold
        text_object.setFont(face.name, size)
        text_object.textOut(text)
        self.canvas.drawText(text_object)
        self.canvas.restoreState()
