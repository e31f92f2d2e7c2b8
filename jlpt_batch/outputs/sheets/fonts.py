"""The bundled fonts and a small fallback between them, so every name prints legibly.

reportlab has no font fallback and prints an empty box for a character its font
lacks. So text is split into runs, each drawn with the first bundled font (in an
order chosen by the sheet's language) that has a glyph for it. A character no
bundled font has is printed as U+FFFD and reported by :func:`undrawable`.
Runs in the complex-script fonts (Devanagari, Myanmar, Sinhala, Thai) are shaped
(see ``shaping``); their widths are HarfBuzz's, not the sum of the characters'.

Fonts are registered with reportlab lazily and once per process: a Japanese-only
run never pays for loading the Chinese font.
"""

from __future__ import annotations

from reportlab import rl_config

rl_config.invariant = 1  # byte-identical PDFs; must be set before other reportlab imports

import re  # noqa: E402
import unicodedata  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from functools import cache, lru_cache  # noqa: E402
from importlib import resources  # noqa: E402
from importlib.resources.abc import Traversable  # noqa: E402
from itertools import repeat  # noqa: E402
from typing import cast  # noqa: E402

from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import ShapedStr, TTFont  # noqa: E402

from jlpt_batch.outputs.sheets import shaping  # noqa: E402

REPLACEMENT = "\ufffd"  # printed instead of a character no bundled font can draw


@dataclass(frozen=True)
class Family:
    """One bundled typeface: its files inside ``jlpt_batch/fonts``."""

    key: str
    regular: str
    bold: str | None  # None: no bold file; bold is imitated by stroking the outline
    subfont_index: int = 0  # which face of a .ttc collection
    shaped: bool = False  # a complex script: its runs are shaped by HarfBuzz


def _noto(script: str) -> Family:
    return Family(f"NotoSans{script}", f"NotoSans{script}-Regular.ttf", f"NotoSans{script}-Bold.ttf", shaped=True)


FAMILIES = {
    "biz": Family("BIZUDPGothic", "BIZUDPGothic-Regular.ttf", "BIZUDPGothic-Bold.ttf"),
    "dejavu": Family("DejaVuSans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    "nanum": Family("NanumGothic", "NanumGothic.ttf", "NanumGothicBold.ttf"),
    "wqy": Family("WenQuanYiZenHei", "wqy-zenhei.ttc", None),
    "deva": _noto("Devanagari"),
    "mymr": _noto("Myanmar"),
    "sinh": _noto("Sinhala"),
    "thai": _noto("Thai"),
    "extb": Family("JBCJKExtB", "JBExtB-Regular.ttf", None),  # ideographs beyond U+FFFF, e.g. 𠮷
}

# Han characters are in the Japanese, Korean and Chinese fonts with different shapes
# and coverage, so the order matters most there: the sheet's own language first,
# then Japanese (this is a Japanese-learning school). Nanum before WenQuanYi so a
# Korean name is drawn by the Korean font; simplified Chinese only WenQuanYi has.
# The fonts of one script each come last: no other font draws their characters.
_ONE_SCRIPT = ("deva", "mymr", "sinh", "thai", "extb")
FALLBACK_ORDER = {
    "ja": ("biz", "nanum", "wqy", "dejavu", *_ONE_SCRIPT),
    "ko": ("nanum", "biz", "wqy", "dejavu", *_ONE_SCRIPT),
    "zh": ("wqy", "biz", "nanum", "dejavu", *_ONE_SCRIPT),
}
DEFAULT_ORDER = ("dejavu", "biz", "nanum", "wqy", *_ONE_SCRIPT)  # en, vi and anything else

# Zero-width joiners choose a conjunct's form (Sinhala ශ්‍රී, Devanagari क्‍ष): kept where
# the font draws them, dropped where it does not, never a reason to change font.
JOINERS = frozenset("\u200c\u200d")


@dataclass(frozen=True)
class Face:
    """A registered reportlab font, and whether bold must be imitated when drawing it."""

    name: str
    fake_bold: bool = False
    shaped: bool = False


Run = tuple[Face, str]

_DROPPED = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb]"
)
_BREAKS = re.compile("[\t\n\v\f\r\x85\u2028\u2029 ]+")


def clean_text(text: str) -> str:
    """NFC, with control and invisible format characters removed and line breaks made spaces.

    Drawn text must stay on its line: a newline or a bidi override in a name
    would otherwise break the layout of the page. The zero-width joiners stay:
    they choose how a Sinhala or Devanagari conjunct looks.
    """
    text = unicodedata.normalize("NFC", text)
    text = _DROPPED.sub("", text)
    return _BREAKS.sub(" ", text).strip()


clean = lru_cache(maxsize=8192)(clean_text)  # labels and headings repeat on every sheet


def font_dir() -> Traversable:
    """The folder of bundled font files and their licences."""
    return resources.files("jlpt_batch").joinpath("fonts")


@cache
def face(family_key: str, bold: bool = False) -> Face:
    """Register one face of a family with reportlab (once per process) and return it."""
    family = FAMILIES[family_key]
    file_name = family.bold if bold and family.bold else family.regular
    name = f"JB-{family.key}" + ("-Bold" if bold and family.bold else "")
    if name not in pdfmetrics.getRegisteredFontNames():
        path = str(font_dir().joinpath(file_name))
        # Not asciiReadable: otherwise every embedded subset carries all of ASCII, even a
        # fallback font drawing one character; files are about a quarter smaller and faster.
        font = shaping.BundledFont(name, path, subfontIndex=family.subfont_index, asciiReadable=False)
        pdfmetrics.registerFont(font)
        _charset(name)  # read before any shaping adds the private-use codes of shaped glyphs
    return Face(name, fake_bold=bold and family.bold is None, shaped=family.shaped)


def _tt_font(name: str) -> TTFont:
    """A registered bundled font (all of ours are TrueType)."""
    return cast(TTFont, pdfmetrics.getFont(name))


@cache
def _charset(name: str) -> frozenset[str]:
    """Every character the registered font has a glyph for, read from its cmap once."""
    char_to_glyph = _tt_font(name).face.charToGlyph
    return frozenset(chr(code) for code, glyph in char_to_glyph.items() if glyph)


def primary_face(lang: str, bold: bool = False) -> Face:
    """The face most text of a sheet in this language is drawn with."""
    return face(FALLBACK_ORDER.get(lang, DEFAULT_ORDER)[0], bold)


@lru_cache(maxsize=4096)
def runs(text: str, lang: str, bold: bool = False, whole: bool = True) -> tuple[Run, ...]:
    """Split cleaned text into (face, text) runs that together draw every character.

    With ``whole`` (names, table cells) one face that has every character is
    preferred, so a name is never drawn in two styles. Prose passes ``whole=False``:
    it keeps the sheet's own face and borrows only the characters that face lacks.
    Either way a character takes the first face that has it; one that no face has
    becomes U+FFFD (see :func:`undrawable`).
    """
    if not text:
        return ()
    chars = set(text) - JOINERS
    if chars <= _charset(primary_face(lang, bold).name):
        return ((primary_face(lang, bold), _joiners_for(text, primary_face(lang, bold))),)
    if whole:
        for candidate in _faces_in_order(lang, bold):
            if chars <= _charset(candidate.name):
                return ((candidate, _joiners_for(text, candidate)),)
    return _mixed_runs(text, lang, bold)


def _joiners_for(text: str, chosen: Face) -> str:
    """The text without the joiners the face cannot draw."""
    if JOINERS.isdisjoint(text) or _charset(chosen.name) >= JOINERS:
        return text
    return "".join(char for char in text if char not in JOINERS)


def _faces_in_order(lang: str, bold: bool) -> Iterator[Face]:
    """Faces of the fallback order, loading each only when the previous ones fall short."""
    for key in FALLBACK_ORDER.get(lang, DEFAULT_ORDER):
        yield face(key, bold)


def _mixed_runs(text: str, lang: str, bold: bool) -> tuple[Run, ...]:
    out: list[tuple[Face, list[str]]] = []
    for char in text:
        if char in JOINERS:  # it belongs to the run it joins, if that font draws it
            if out and char in _charset(out[-1][0].name):
                out[-1][1].append(char)
            continue
        # faces are loaded only as far as needed: a Japanese sheet borrowing é never loads Thai
        chosen = next((f for f in _faces_in_order(lang, bold) if char in _charset(f.name)), None)
        if chosen is None:
            chosen, char = face("dejavu", bold), REPLACEMENT
        if out and out[-1][0] == chosen:
            out[-1][1].append(char)
        else:
            out.append((chosen, [char]))
    return tuple((f, "".join(chars)) for f, chars in out)


def undrawable(text: str, lang: str = "en") -> list[str]:
    """The characters of ``text`` (after cleaning) that no bundled font can draw, in order."""
    cleaned = clean_text(text)
    if not cleaned or set(cleaned) - JOINERS <= _charset(primary_face(lang).name):
        return []
    missing = set(cleaned) - JOINERS
    for fallback in _faces_in_order(lang, False):
        missing -= _charset(fallback.name)
        if not missing:
            return []
    return [char for char in dict.fromkeys(cleaned) if char in missing]


@cache
def advance_widths(face_name: str) -> tuple[Callable[[int, float], float], float]:
    """The face's ``dict.get`` of advance widths (thousandths of the size) and its default width."""
    font_face = _tt_font(face_name).face
    return font_face.charWidths.get, font_face.defaultWidth


def units(text: str, face_name: str) -> Iterator[float]:
    """The advance width of each character, in thousandths of the font size (unshaped)."""
    get, default = advance_widths(face_name)
    return map(get, map(ord, text), repeat(default))


def shaped_glyphs(run_face: Face, text: str) -> ShapedStr | None:
    """The run as HarfBuzz shapes it, for a complex-script face; None when drawn as plain text."""
    return shaping.glyphs(run_face.name, text) if run_face.shaped else None


def run_units(run_face: Face, text: str) -> float:
    """A run's advance width in thousandths of the font size: shaped, if its face is."""
    glyphs = shaped_glyphs(run_face, text)
    return shaping.advance(glyphs) if glyphs is not None else sum(units(text, run_face.name))


def char_units(run_face: Face, text: str) -> list[float]:
    """Each character's advance (a shaped cluster's whole width on its first character)."""
    glyphs = shaped_glyphs(run_face, text)
    return shaping.char_advances(glyphs, len(text)) if glyphs is not None else list(units(text, run_face.name))


def cluster_starts(run_face: Face, text: str) -> frozenset[int] | None:
    """Where a shaped run's glyph clusters start (it may be cut there only); None for a plain run."""
    glyphs = shaped_glyphs(run_face, text)
    return shaping.cluster_starts(glyphs) if glyphs is not None else None


def string_width(text_runs: tuple[Run, ...] | list[Run], size: float) -> float:
    """Width in points of runs drawn at ``size`` (plain runs are not kerned, so widths add up)."""
    return sum(run_units(f, text) for f, text in text_runs) * size / 1000


@cache
def height_em(face_name: str) -> float:
    """The face's ascent to descent in font sizes: about 1 for most, over 2 for Myanmar's stacks."""
    font_face = _tt_font(face_name).face
    return float(font_face.ascent - font_face.descent) / 1000


def describe(chars: list[str]) -> str:
    """``'U+10FFFD'``-style list of characters for a warning message."""
    return ", ".join(f"U+{ord(c):04X}" for c in chars)
