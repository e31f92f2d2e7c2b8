"""What a cell of an answer sheet may hold, and how it is read.

A question offers four options, numbered 1-4, or lettered A-D when the answer key
uses letters. A cell holds the option chosen (``2``, ``②``, ``２``, and ``B`` with a
lettered key); a blank cell (or ``-``) is unanswered; two or more options (``1,3``,
``①③``, ``A/C``) are counted wrong and reported. Each cell is read into a *code*: the
set of options marked, one bit per option (0 for unanswered), or ``INVALID``.

A file holds a handful of distinct cell texts however many students it has, so each
distinct text is read once here and mapped back to every cell by polars.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import polars as pl

from jlpt_batch.messages import Message, message

DIGITS = ("1", "2", "3", "4")
LETTERS = ("A", "B", "C", "D")
OPTIONS = len(DIGITS)

BLANK = 0
INVALID = 0x80  # not an answer: no option bit is this high

# Between two marks in one cell. NFKC has already turned full-width ones (，／｜；) into these.
_SEPARATORS = re.compile(r"[\s,、;/|・]+")
_UNANSWERED = ("-", "ー", "—", "–", "―")


def read_answer(text: str, letters: bool) -> int:
    """The code of one cell's text: its options as bits, BLANK, or INVALID."""
    plain = unicodedata.normalize("NFKC", text).strip().upper()
    if plain in _UNANSWERED:
        return BLANK
    code = BLANK
    for mark in _SEPARATORS.sub("", plain):
        position = option_position(mark, letters)
        if position is None:
            return INVALID
        code |= 1 << position
    return code


def option_position(mark: str, letters: bool) -> int | None:
    """0 for the first option (``1``, or ``A`` with a lettered key), ...; None for anything else."""
    if mark in DIGITS:
        return DIGITS.index(mark)
    if letters and mark in LETTERS:
        return LETTERS.index(mark)
    return None


def answer_codes(texts: Iterable[str], letters: bool) -> dict[str, int]:
    """The code of each distinct cell text."""
    return {text: read_answer(text, letters) for text in texts}


def option_names(letters: bool) -> tuple[str, ...]:
    """How the options are written: 1-4, or A-D."""
    return LETTERS if letters else DIGITS


def options_message(letters: bool) -> Message:
    """The options as a message names them: '1-4 (or ①-④)' or 'A-D (or 1-4, ①-④)'."""
    first, last = DIGITS[0], DIGITS[-1]
    circled = f"{chr(0x245F + int(first))}-{chr(0x245F + int(last))}"
    if letters:
        letters_range = f"{LETTERS[0]}-{LETTERS[-1]}"
        return message("options.letters", letters=letters_range, digits=f"{first}-{last}", circled=circled)
    return message("options.digits", digits=f"{first}-{last}", circled=circled)


def accepted_text(code: int, letters: bool) -> str:
    """The options of a key's accepted answers as the key file shows them: '2', or '2|3'."""
    names = option_names(letters)
    return "|".join(names[position] for position in range(OPTIONS) if code >> position & 1)


def is_single(code: pl.Expr) -> pl.Expr:
    """Exactly one option marked."""
    return (code != BLANK) & ((code & (code - 1)) == 0)


def is_multiple(code: pl.Expr) -> pl.Expr:
    """Two or more options marked (an INVALID cell never reaches the marking)."""
    return (code & (code - 1)) != 0
