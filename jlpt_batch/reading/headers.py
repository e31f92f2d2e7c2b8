"""Recognising column headers as schools write them: any case, width, spacing, language."""

from __future__ import annotations

import re
import unicodedata

from jlpt_batch.errors import InputUnreadableError
from jlpt_batch.messages import Message, message
from jlpt_batch.rules import SECTION_KEYS

# Canonical column key -> the ways schools write it (matched after header_key()).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "candidate_id": (
        "candidate_id", "id", "candidate no", "candidate number", "examinee number",
        "registration number", "受験番号",
    ),
    "student_id": ("student_id", "student id", "student no", "student number", "学籍番号", "学生番号"),
    "name": ("name", "student name", "full name", "氏名", "名前"),
    "name_latin": (
        "name_latin", "name (latin)", "name in latin letters", "romanised name", "romanized name",
        "name (romaji)", "ローマ字", "氏名（ローマ字）", "ローマ字氏名", "英字氏名",
    ),
    "class": ("class", "class name", "group", "クラス", "組"),
    "level": ("level", "jlpt level", "レベル", "級"),
    "language_knowledge": (
        "language_knowledge", "language knowledge", "language knowledge (vocabulary/grammar)",
        "vocabulary/grammar", "言語知識", "言語知識（文字・語彙・文法）",
    ),
    "reading": ("reading", "読解"),
    "language_knowledge_reading": (
        "language_knowledge_reading", "language knowledge・reading", "language knowledge and reading",
        "language knowledge & reading", "language knowledge (vocabulary/grammar)・reading",
        "言語知識・読解", "言語知識（文字・語彙・文法）・読解",
    ),
    "listening": ("listening", "聴解"),
    "total": ("total", "total score", "合計", "総合得点"),
    "vocabulary_correct": ("vocabulary_correct", "vocabulary correct", "語彙正答数"),
    "vocabulary_questions": ("vocabulary_questions", "vocabulary questions", "語彙問題数"),
    "grammar_correct": ("grammar_correct", "grammar correct", "文法正答数"),
    "grammar_questions": ("grammar_questions", "grammar questions", "文法問題数"),
    "reading_correct": ("reading_correct", "reading correct", "読解正答数"),
    "reading_questions": ("reading_questions", "reading questions", "読解問題数"),
    "vocabulary_band": ("vocabulary_band", "vocabulary band", "語彙評価"),
    "grammar_band": ("grammar_band", "grammar band", "文法評価"),
    "reading_band": ("reading_band", "reading band", "読解評価"),
    "region": ("region", "test region", "地域", "受験地"),
    "language": ("language", "sheet language", "言語", "使用言語"),
}  # fmt: skip

REQUIRED = ("candidate_id", "level", "listening")
SECTION_GROUPS = ("language_knowledge", "language_knowledge_reading")
# Either id column may stand for both: a file with only one uses it as the other too.
ID_KEYS = ("candidate_id", "student_id")

# Characters that do not distinguish one header from another.
_IGNORED = re.compile(r"[\s_\-・/().&,（）:：]+")


def header_key(text: object) -> str:
    """The comparable form of a header: NFKC width, case-folded, spacing and punctuation removed."""
    if text is None:
        return ""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", str(text)).casefold())


_ALIAS_TO_KEY = {header_key(alias): key for key, aliases in HEADER_ALIASES.items() for alias in aliases}


def canonical_column(text: object) -> str | None:
    """The canonical key a header stands for, or None for a column we do not use."""
    return _ALIAS_TO_KEY.get(header_key(text))


def is_id_header(text: object) -> bool:
    """A header naming a candidate or student id: the header row is the first row with one."""
    return canonical_column(text) in ID_KEYS


def map_headers(header: tuple[str | None, ...], *, scores_required: bool = True) -> dict[str, int]:
    """Canonical key -> table column index; errors name the columns found.

    A mock marked from its answer sheets needs no score columns (``scores_required`` false).
    """
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        key = canonical_column(text)
        if key is None:
            continue
        if key in found:
            first = header[found[key]]
            meaning = column_words(key)
            raise InputUnreadableError("errors.same_column_twice", first=first, second=text, meaning=meaning)
        found[key] = index
    _require(found, header, scores_required)
    return found


def column_words(key: str) -> Message:
    """A column in the administrator's words (never our key): a section's name, else the column's label, quoted."""
    words = message(f"sections.{key}") if key in (*SECTION_KEYS, "total") else message(f"columns.{key}")
    return message("errors.column_name", name=words)


def _require(found: dict[str, int], header: tuple[str | None, ...], scores_required: bool) -> None:
    required = REQUIRED if scores_required else ("candidate_id", "level")
    has_an_id = any(key in found for key in ID_KEYS)
    missing: list[Message] = [
        column_words(key) for key in required if key not in found and not (key in ID_KEYS and has_an_id)
    ]
    if scores_required and not any(key in found for key in SECTION_GROUPS):
        first, second = (column_words(key) for key in SECTION_GROUPS)
        missing.append(message("list.or", first=first, second=second))
    if missing:
        written = tuple(message("errors.column_name", name=text) for text in header if text not in (None, ""))
        shown = written or message("errors.no_columns_found")
        raise InputUnreadableError("errors.missing_columns", missing=tuple(missing), found=shown)
