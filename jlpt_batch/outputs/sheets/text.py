"""Text on a sheet: font-fallback runs, measuring, shortening with an ellipsis, line wrapping, and the Pen.

Nothing here decides what a page looks like (that is ``draw``); this is how a line of
text of any script becomes runs of bundled fonts that fit a given width. A line is cut
(wrapped, or shortened with an ellipsis) only between whole characters as a reader sees
them: never inside a shaped cluster (क्|ष), before a combining mark or after a virama.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING

from reportlab.pdfgen.textobject import PDFTextObject

from jlpt_batch.outputs.sheets import fonts

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

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
    """Advance width of every character in thousandths of the font size (shaped runs as shaped)."""
    widths: list[float] = []
    for face, text in text_runs:
        widths.extend(fonts.char_units(face, text))
    return widths


# Thai and Lao vowels written before the consonant they follow in speech: never end a line.
_LEADING_VOWELS = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4")
_VIRAMA = 9  # the canonical combining class of a virama (्, ්, ္, ်): it joins the next letter


def _may_cut_between(before: str, after: str) -> bool:
    """Whether a line may end between these two characters without breaking a written unit."""
    if after in fonts.JOINERS or before in fonts.JOINERS or before in _LEADING_VOWELS:
        return False
    if unicodedata.category(after) in ("Mn", "Mc", "Me"):  # a vowel sign, tone mark or accent
        return False
    return unicodedata.combining(before) != _VIRAMA


def _cut_points(text_runs: Line) -> frozenset[int]:
    """Every index where the line's joined text may be cut (0 and its length included)."""
    joined = "".join(part for _, part in text_runs)
    allowed = set(range(len(joined) + 1))
    offset = 0
    for face, part in text_runs:
        starts = fonts.cluster_starts(face, part)
        if starts is not None:
            allowed -= {offset + i for i in range(1, len(part)) if i not in starts}
        offset += len(part)
    if not joined.isascii():
        allowed -= {i for i in range(1, len(joined)) if not _may_cut_between(joined[i - 1], joined[i])}
    return frozenset(allowed)


def _slice(text_runs: Line, start: int, end: int) -> Line:
    """The runs covering characters ``start:end`` of their joined text."""
    out, offset = [], 0
    for face, text in text_runs:
        lo, hi = max(start - offset, 0), min(end - offset, len(text))
        if lo < hi:
            out.append((face, text[lo:hi]))
        offset += len(text)
    return tuple(out)


def _break_points(text: str, cumulative: list[float], limit: float, cuts: frozenset[int]) -> list[tuple[int, int]]:
    """(start, end) of each line: whole tokens while they fit, characters when one cannot."""
    lines: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for token_start, token_end in _pieces(text, cumulative, limit, cuts):
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


def _pieces(text: str, cumulative: list[float], limit: float, cuts: frozenset[int]) -> Iterator[tuple[int, int]]:
    """Spans of the tokens of ``text`` (spaces skipped), a token too wide cut into characters.

    A token that starts where no cut is allowed (a mark after a CJK character) joins the one before.
    """
    pending: tuple[int, int] | None = None
    for start, end in _spans(text, cumulative, limit, cuts):
        if pending is not None and (start not in cuts or pending[1] not in cuts):
            pending = (pending[0], end)
            continue
        if pending is not None:
            yield pending
        pending = (start, end)
    if pending is not None:
        yield pending


def _spans(text: str, cumulative: list[float], limit: float, cuts: frozenset[int]) -> Iterator[tuple[int, int]]:
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if text[start].isspace():
            continue
        if cumulative[end] - cumulative[start] <= limit:
            yield start, end
        else:
            points = sorted(i for i in cuts if start < i < end)
            yield from zip([start, *points], [*points, end], strict=True)


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
    cuts = sorted(_cut_points(styled))
    keep = max((i for i in cuts if cumulative[i] * size / 1000 <= room), default=0)
    shortened = _line(lang, joined[:keep].rstrip() + ELLIPSIS, bold, whole)
    while keep and fonts.string_width(shortened, size) > width:  # shaping across the cut may widen it
        keep = max(i for i in cuts if i < keep)
        shortened = _line(lang, joined[:keep].rstrip() + ELLIPSIS, bold, whole)
    return shortened


@lru_cache(maxsize=4096)
def _wrap(
    lang: str, text: str, width: float, size: float, bold: bool, max_lines: int, whole: bool = False
) -> tuple[Line, ...]:
    """Wrapped lines; with ``max_lines`` (0: no limit) the last one takes the rest, shortened.

    Prose keeps the sheet's font (``whole=False``); a name is kept in one font where one has it all.
    """
    styled = _line(lang, text, bold, whole)
    joined = "".join(part for _, part in styled)
    cumulative = list(accumulate(_char_units(styled), initial=0.0))
    spans = _break_points(joined, cumulative, width * 1000 / size, _cut_points(styled))
    if not max_lines or len(spans) <= max_lines:
        return tuple(_slice(styled, start, end) for start, end in spans)
    kept = tuple(_slice(styled, start, end) for start, end in spans[: max_lines - 1])
    return (*kept, _fit(lang, joined[spans[max_lines - 1][0] :], width, size, bold, whole))


# How a value is fitted into its room: (at most this many lines, at these sizes in turn).
FitPlan = tuple[tuple[int, tuple[float, ...]], ...]


@dataclass(frozen=True)
class Fitted:
    """A value laid out in its room: its size, its lines, and whether it is all there."""

    size: float
    lines: tuple[Line, ...]
    whole: bool  # False: even the last step of the plan could not hold it, so it ends in an ellipsis


class TextObject(PDFTextObject):
    """A page's text, where each shaped run also carries its characters as written.

    A shaped run's glyphs are in visual order and some stand for several characters, so
    the PDF's own text would be wrong; a marked-content span with /ActualText gives
    readers (copying, searching, pdftotext) the characters instead.
    """

    def shaped_out(self, glyphs: str, text: str) -> None:
        """Draw shaped glyphs at the cursor, marked as standing for ``text``."""
        actual = text.encode("utf-16-be").hex().upper()
        code: list[str] = self._code  # type: ignore[attr-defined]  # reportlab's operator list, not in its stubs
        code.append(f"/Span << /ActualText <FEFF{actual}> >> BDC")
        self.textOut(glyphs)
        code.append("EMC")

    outline: tuple[float, float] = (0.0, 0.0)  # the current fake-bold stroke width and grey

    def fake_bold(self, stroke: float, gray: float) -> None:
        """Fill and stroke the glyphs' outlines (a heavier stroke stands in for a missing bold), or, at 0, fill only."""
        if (stroke, gray) == self.outline or (not stroke and not self.outline[0]):
            return
        code: list[str] = self._code  # type: ignore[attr-defined]  # reportlab's operator list, not in its stubs
        if stroke:
            self.setStrokeGray(gray)
            code.append(f"{stroke:.3f} w")
        self.setTextRenderMode(2 if stroke else 0)
        self.outline = (stroke, gray)

    def run_out(self, face: fonts.Face, text: str) -> None:
        """Draw one run at the cursor, shaped if its face is."""
        glyphs = fonts.shaped_glyphs(face, text)
        if glyphs is None:
            self.textOut(text)
        else:
            self.shaped_out(glyphs, text)


class Pen:
    """Draws cleaned text on a canvas in one sheet language, with font fallback."""

    def __init__(self, canvas: Canvas, lang: str) -> None:
        self.canvas = canvas
        self.lang = lang
        self._text: TextObject | None = None  # the page's text object, drawn by finish_page
        self._state: tuple[fonts.Face, float, float] | None = None  # its current (face, size, gray)

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

    def fit_whole(self, text: str, width: float, plan: FitPlan, bold: bool = False) -> Fitted:
        """The largest size, and fewest lines, of the plan at which the whole text fits ``width``.

        Identity (a name, a candidate number) is shrunk or wrapped, never shortened, as long as
        the plan's last step holds it; only text longer than that ends in an ellipsis.
        """
        for max_lines, sizes in plan:
            for size in sizes:
                lines = _wrap(self.lang, text, width, size, bold, 0, True)
                if len(lines) <= max_lines:
                    return Fitted(size, lines, True)
        max_lines, size = plan[-1][0], plan[-1][1][-1]
        return Fitted(size, _wrap(self.lang, text, width, size, bold, max_lines, True), False)

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
            self.canvas.saveState()  # a fake bold's stroke width must not outlast the text
            self.canvas.drawText(self._text)
            self.canvas.restoreState()
        self._text, self._state = None, None

    def _run(self, x: float, y: float, face: fonts.Face, text: str, size: float, gray: float) -> None:
        """Collect a run into the page's one text object: much cheaper than a drawString each,
        and the text reads in drawing order (a separate object would put a bold 𠮷 apart from 田)."""
        if self._text is None:
            self._text = TextObject(self.canvas)
        page_text = self._text
        if self._state != (face, size, gray):
            page_text.setFont(face.name, size)
            page_text.setFillGray(gray)
            page_text.fake_bold(size * FAKE_BOLD_STROKE if face.fake_bold else 0.0, gray)
            self._state = (face, size, gray)
        page_text.setTextOrigin(x, y)  # every run placed anew: reportlab's cursor ignores shaping
        page_text.run_out(face, text)
