"""Complex scripts and characters beyond U+FFFF in reportlab: shaping, widths, and text that copies out.

Devanagari, Myanmar, Sinhala and Thai need shaping: a conjunct (क्ष), a vowel sign drawn
before its consonant (कि) or marks stacked over a letter (น้ำ) are glyphs chosen and placed
by HarfBuzz, not one glyph per character. reportlab shapes a string only when handed the
``ShapedStr`` that ``shapeStr`` makes; such a string holds one character per *glyph*, so it
is never sliced or stored here: lines keep the logical text, and shaping happens when a run
is measured or drawn (cached, since the same names and labels recur).

``BundledFont`` changes two things of reportlab 5.1's ``TTFont`` (tests/test_fonts.py checks
both, so an upgrade that changes these internals fails loudly):

- the ToUnicode map of a subset holding a character beyond U+FFFF is written in UTF-16
  (``<D842DFB7>``, not reportlab's odd-length ``<20BB7>``), so 𠮷 copies and searches;
- a shaped glyph no character maps to gets a private-use code from its glyph id, not in
  order of first use in the process, so a sheet's bytes do not depend on the names drawn
  before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from reportlab.pdfbase.ttfonts import ShapedStr, TTFont, shapeStr

FIRST_PRIVATE, LAST_PRIVATE = 0xE000, 0xF8FF  # the BMP's private-use area
PLANE_15_PRIVATE = 0xF0000  # where codes go once a glyph id would leave the BMP's area


class BundledFont(TTFont):
    """A reportlab TrueType font whose text copies out of the PDF exactly, drawn the same in every process."""

    def addObjects(self, doc: Any) -> None:
        """Write the font's subsets, then put right the ToUnicode map of any subset beyond the BMP."""
        beyond_bmp = self._subsets_beyond_bmp(doc)
        super().addObjects(doc)
        pdf_fonts = doc.idToObject["BasicFonts"].dict
        for internal_name, subset in beyond_bmp:
            pdf_font = pdf_fonts[internal_name]
            doc.idToObject[pdf_font.ToUnicode.name].content = to_unicode_cmap(pdf_font.BaseFont, subset)

    def _subsets_beyond_bmp(self, doc: Any) -> list[tuple[str, list[int]]]:
        """(internal name, character codes) of each subset that holds a character beyond U+FFFF."""
        state = self.state.get(doc)
        if state is None:
            return []
        return [
            (self.getSubsetInternalName(number, doc)[1:], list(subset))
            for number, subset in enumerate(state.subsets)
            if any(code > 0xFFFF for code in subset)
        ]

    def hbFont(self, fontSize: float = 10) -> Any:
        """reportlab's HarfBuzz font, with glyph-id private-use codes (TTFont.hbFont resets them each call)."""
        font = super().hbFont(fontSize)
        self.hbAddPrivate = self._add_private
        return font

    def _add_private(self, name: str, gid: int, advance: float) -> int:
        """The private-use code of a glyph no character maps to: a function of its id alone."""
        face: Any = self.face  # glyphToChar and _pdfScale are reportlab internals its stubs do not declare
        code = next((code for code in _private_codes(gid) if face.charToGlyph.get(code) in (None, gid)), None)
        if code is None:
            raise ValueError(f"no private-use code is free for glyph {gid} of {self.fontName}")
        if face.charToGlyph.get(code) is None:
            face.charToGlyph[code] = gid
            face.glyphToChar.setdefault(gid, []).append(code)
            # the glyph's own advance (hmtx, 1/1000 em): the PDF's widths array must not depend on context
            face.charWidths[code] = face._pdfScale(face.hmetrics[gid][0]) if gid < len(face.hmetrics) else advance
        return code


def _private_codes(gid: int) -> Sequence[int]:
    """Where a glyph's private-use code may go: beside the BMP's area start, else in plane 15."""
    bmp = FIRST_PRIVATE + gid
    return [bmp, PLANE_15_PRIVATE + gid] if bmp <= LAST_PRIVATE else [PLANE_15_PRIVATE + gid]


def to_unicode_cmap(font_name: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap for a subset, each destination in UTF-16BE (surrogate pairs beyond U+FFFF).

    For characters of the BMP the text is byte for byte what reportlab writes.
    """
    entries = [f"<{index:02X}> <{chr(code).encode('utf-16-be').hex().upper()}>" for index, code in enumerate(subset)]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({font_name})",
            f"/Ordering ({font_name})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{font_name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


# -- shaping ----------------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def glyphs(font_name: str, text: str) -> ShapedStr | None:
    """The text shaped in that font, or None when shaping changes nothing (plain text draws it)."""
    shaped = shapeStr(text, font_name, 10)  # shape data are in 1/1000 em: the size does not matter
    return shaped if isinstance(shaped, ShapedStr) else None


def shape_data(shaped: ShapedStr) -> Sequence[Any]:
    """Each glyph's (cluster, x_advance, ...), as reportlab keeps them (its stubs do not declare them)."""
    data: Sequence[Any] = getattr(shaped, "__shapeData__")  # noqa: B009 (a dunder name reportlab sets)
    return data


def advance(shaped: ShapedStr) -> float:
    """The shaped run's advance width in 1/1000 of the font size."""
    return float(sum(glyph.x_advance for glyph in shape_data(shaped)))


def char_advances(shaped: ShapedStr, length: int) -> list[float]:
    """Each character's share of the advance: a glyph cluster's width goes to its first character."""
    widths = [0.0] * length
    for glyph in shape_data(shaped):
        widths[glyph.cluster] += glyph.x_advance
    return widths


def cluster_starts(shaped: ShapedStr) -> frozenset[int]:
    """The characters a glyph cluster starts at: a run may be cut before these only."""
    return frozenset(glyph.cluster for glyph in shape_data(shaped))
