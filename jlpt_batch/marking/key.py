"""The answer key of a mock exam: one row per question, read like a cohort file and checked against the responses.

The key (``.xlsx`` or ``.csv``) has a row per question with ``level``, ``item``, ``answer``
(several accepted answers as ``2|3``), ``section``, ``part`` and optional ``points``
(default 1); its headers are matched the way a cohort's are. An item is the name of
its column in the responses (``Q1``, ``1``, ``問1``), matched as headers are.

Everything that makes the key unusable stops the run before any marking, with one
line naming the key's row or the responses' column (``AnswerKeyError``, exit 2): a
value that is not a level, section, sub-part, option or number of points; a section
the level lacks; a sub-part outside its section; a question twice; a question with no
column; a question column in no level's key; a section of a level with no questions.
Every check is a polars expression over the key's rows, as the cohort's checks are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import polars as pl

from jlpt_batch.errors import AnswerKeyError, JlptBatchError, SheetNotFoundError
from jlpt_batch.marking.answers import DIGITS, LETTERS, option_position, options_message
from jlpt_batch.messages import Message, message
from jlpt_batch.reading import HeaderMarker, RawTable, read_table
from jlpt_batch.reading.headers import HEADER_ALIASES, canonical_column, header_key
from jlpt_batch.reading.validate import unreadable_cells
from jlpt_batch.rules import BAND_PARTS, LEVELS, PARTS, SECTION_KEYS, load_rules, parse_level
from jlpt_batch.wording import Catalog

# The key's columns and the ways a school may head them (matched as a cohort's headers are).
KEY_HEADERS: dict[str, tuple[str, ...]] = {
    "level": HEADER_ALIASES["level"],
    "item": (
        "item", "question", "question no", "question number", "q", "no", "number",
        "問", "問題", "問題番号", "設問", "番号",
    ),
    "answer": ("answer", "correct answer", "key", "正解", "正答", "解答", "答え"),
    "section": ("section", "scoring section", "得点区分", "科目"),
    "part": ("part", "sub-part", "category", "分野", "分類"),
    "points": ("points", "point", "marks", "配点", "点数"),
}  # fmt: skip
KEY_REQUIRED = ("level", "item", "answer", "section", "part")

# A sub-part as a key may write it.
PART_NAMES: dict[str, tuple[str, ...]] = {
    "vocabulary": ("vocabulary", "vocab", "文字・語彙", "文字語彙", "語彙"),
    "grammar": ("grammar", "文法"),
    "reading": ("reading", "読解"),
    "listening": ("listening", "聴解"),
}

# Columns a responses file must not have when its scores are worked out from the answers.
MARKED_KEYS = frozenset(
    {*SECTION_KEYS, "total", *(f"{part}_{kind}" for part in BAND_PARTS for kind in ("correct", "questions", "band"))}
)

QUESTION_SCHEMA = pl.Schema(
    {
        "key_row": pl.Int64(),  # the key's spreadsheet row
        "level": pl.String(),
        "item": pl.String(),  # as the key writes it
        "column": pl.Int64(),  # 0-based column of the responses table
        "heading": pl.String(),  # that column's header, as the responses file writes it
        "section": pl.String(),
        "part": pl.String(),
        "accepted": pl.UInt8(),  # the accepted options, one bit each
        "answer": pl.String(),  # the accepted options as the key writes them: 2, 2|3, B
        "points": pl.Int64(),
    }
)


def _alias_map(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {header_key(alias): key for key, names in aliases.items() for alias in names}


_KEY_COLUMN = _alias_map(KEY_HEADERS)
_PART = _alias_map(PART_NAMES)


def key_column(text: object) -> str | None:
    """The key column a header stands for, or None."""
    return _KEY_COLUMN.get(header_key(text))


KEY_HEADER = HeaderMarker(lambda cell: key_column(cell) == "item", "errors.no_key_header")
LEVEL_RANGE = f"{LEVELS[0]}–{LEVELS[-1]}"  # what a level may be, as a message asks for it


def key_where(name: str) -> Message:
    """'answer key mock-key.xlsx': where a problem of the key is."""
    return message("errors.where_key", file=name)


def part_words(part: str) -> Message:
    """A sub-part in words: 'Grammar', '文法' (never our key)."""
    return message(f"band_parts.{part}" if part in BAND_PARTS else f"mock_parts.{part}")


def section_words(key: str) -> Message:
    """A section in (short) words: 'Listening', '聴解' (never our key)."""
    return message(f"sections_short.{key}")


def sections_or(keys: list[str]) -> Message:
    """Sections as a choice: 'Reading', or 'Vocabulary/Grammar or Vocabulary/Grammar and Reading'."""
    worded = [section_words(key) for key in keys]
    return worded[0] if len(worded) == 1 else message("list.or", first=worded[0], second=worded[1])


@dataclass(frozen=True)
class AnswerKey:
    """A mock exam's answer key, checked against the responses it marks."""

    name: str  # the key file's name, as messages and the workbook show it
    letters: bool  # options are written A-D (else 1-4)
    questions: pl.DataFrame  # QUESTION_SCHEMA: every level's questions, in key order
    conversions: pl.DataFrame  # level, section, raw, scaled: the practice book's tables (may be empty)

    @property
    def levels(self) -> tuple[str, ...]:
        """The levels the key has questions for, N1 first."""
        present = set(self.questions["level"].to_list())
        return tuple(level for level in LEVELS if level in present)

    def of_level(self, level: str) -> pl.DataFrame:
        """One level's questions, in key order."""
        return self.questions.filter(pl.col("level") == level)


def load_key(path: Path, responses_header: tuple[str | None, ...], words: Catalog | None = None) -> AnswerKey:
    """Read the key at ``path`` and check it against the responses' header; AnswerKeyError if it does not fit.

    ``words``, the administrator's wording, words what the reader says about a key cell it cannot read.
    """
    from jlpt_batch.marking.conversion import load_conversions  # the tables need the checked questions

    table = read_key_table(path, KEY_HEADER)
    rows = _key_rows(table, path.name, words)
    letters = _uses_letters(rows, path.name)
    questions = _questions(rows, letters, path.name, responses_header)
    _check_responses_header(questions, responses_header)
    _check_every_section_has_questions(questions, path.name)
    return AnswerKey(path.name, letters, questions, load_conversions(path, questions, words))


def read_key_table(path: Path, marker: HeaderMarker, sheet: str | None = None) -> RawTable:
    """A table of the key file, read by the cohort's reader; its problems are the key's (exit 2)."""
    try:
        return read_table(path, sheet=sheet, header=marker)
    except (AnswerKeyError, SheetNotFoundError):  # a missing worksheet is for the caller to decide
        raise
    except JlptBatchError as error:
        raise AnswerKeyError("errors.key_unreadable", problem=error.message) from None


def mapped_text(
    table: RawTable, headers: Callable[[object], str | None], where: Message, words: Catalog | None = None
) -> pl.DataFrame:
    """The table's mapped columns as trimmed text (blank: null), with ``key_row``; blank rows dropped."""
    found: dict[str, int] = {}
    for index, text in enumerate(table.header):
        key = headers(text)
        if key is not None and key in found:
            first = table.header[found[key]]
            meaning = message(f"key_columns.{key}")
            raise AnswerKeyError("errors.key_same_column_twice", where=where, first=first, second=text, meaning=meaning)
        if key is not None:
            found[key] = index
    labels = {key: table.header[index] or key for key, index in found.items()}
    unreadable = unreadable_cells(table, found, labels, words)
    if unreadable.height:  # an error or a formula never calculated, named by cell as in a cohort
        raise AnswerKeyError("errors.key_cell", where=where, problem=unreadable["reason"][0])
    texts = {key: pl.col(f"c{index}").str.strip_chars() for key, index in found.items()}
    frame = table.rows.select(
        table.source_row_numbers().alias("key_row"),
        *(pl.when(text != "").then(text).alias(key) for key, text in texts.items()),
    )
    return frame.filter(pl.any_horizontal(pl.col(list(found)).is_not_null()))


def _key_rows(table: RawTable, name: str, words: Catalog | None) -> pl.DataFrame:
    frame = mapped_text(table, key_column, key_where(name), words)
    missing = tuple(message(f"key_columns.{key}") for key in KEY_REQUIRED if key not in frame.columns)
    if missing:
        written = ", ".join(repr(text) for text in table.header if text)
        found = written or message("errors.no_columns_found")
        raise AnswerKeyError("errors.key_missing_columns", where=key_where(name), missing=missing, found=found)
    if frame.height == 0:
        raise AnswerKeyError("errors.key_no_questions", where=key_where(name), header_row=str(table.header_row))
    if "points" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("points"))
    return frame


# ── parsing the cells ─────────────────────────────────────────────────────────


def _accepted(text: str, letters: bool) -> int | None:
    """The accepted options of an answer cell ('2', '2|3', 'B', '②') as bits; None if any is not an option."""
    code = 0
    for token in unicodedata.normalize("NFKC", text).split("|"):
        mark = token.strip().upper()
        position = option_position(mark, letters) if len(mark) == 1 else None
        if position is None:
            return None
        code |= 1 << position
    return code


def section_key(text: str) -> str | None:
    """A section as a key or conversion table writes it (`聴解`, `listening`) as our key, else None."""
    key = canonical_column(text)
    return key if key in SECTION_KEYS else None


def _points(text: str) -> int | None:
    try:
        number = float(unicodedata.normalize("NFKC", text))
    except ValueError:
        return None
    return int(number) if number.is_integer() and number >= 1 else None


def parsed_values(frame: pl.DataFrame, column: str, parse: Callable[[str], object], dtype: pl.DataType) -> pl.Expr:
    """``parse`` of each distinct value of a column, mapped back to every row (null where it fails)."""
    distinct = [value for value in frame[column].unique().to_list() if value is not None]
    mapping = {value: parse(value) for value in distinct}
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=dtype)


def _uses_letters(rows: pl.DataFrame, name: str) -> bool:
    """Whether the key writes its options A-D; a key mixing letters and numbers is refused."""
    marks = rows.select("key_row", pl.col("answer").str.normalize("NFKC").str.to_uppercase())
    letters = marks.filter(pl.col("answer").str.contains(f"[{''.join(LETTERS)}]"))
    numbers = marks.filter(pl.col("answer").str.contains(f"[{''.join(DIGITS)}]"))
    if letters.height and numbers.height:
        letter_row, number_row = letters["key_row"][0], numbers["key_row"][0]
        row = max(letter_row, number_row)
        answer = marks.filter(pl.col("key_row") == row)["answer"][0]
        if letter_row == number_row:
            what = message("errors.key_mixes_letters_and_numbers")
        else:
            entry = "errors.key_letter_after_numbers" if row == letter_row else "errors.key_number_after_letters"
            what = message(entry, row=str(min(letter_row, number_row)))
        raise AnswerKeyError(
            "errors.key_letters_or_numbers", where=key_where(name), row=str(row), answer=answer, what=what,
            numbers=f"{DIGITS[0]}-{DIGITS[-1]}", letters=f"{LETTERS[0]}-{LETTERS[-1]}",
        )  # fmt: skip
    return letters.height > 0


# ── checking the questions ──────────────────────────────────────────────────


class KeyCheck(NamedTuple):
    """One rule a key row can break: true on the rows that break it, and what to tell the user.

    ``entry`` is an entry of ``errors.*`` (placeholders ``where`` and ``row`` and the
    ``values``); each value is an expression over the table, read on the first row that
    breaks the rule. A value named ``section`` or ``part`` is a key, shown in words;
    ``sections`` is a ';'-joined list of section keys, shown as a choice.
    """

    rows: pl.Expr
    entry: str
    values: dict[str, pl.Expr] = {}  # noqa: RUF012 (a NamedTuple's default, never changed)


def raise_first(frame: pl.DataFrame, checks: list[KeyCheck], where: Message) -> None:
    """Raise AnswerKeyError with the first problem in row order (and how many more there are).

    Each check's values are read over the whole table, then kept where the check fails: a
    message may look at other rows (the row a question first appeared on, the row before).
    """
    first: tuple[int, KeyCheck, dict[str, object]] | None = None
    count = 0
    for check in checks:
        values = (value.alias(name) for name, value in check.values.items())
        broken = frame.select("key_row", check.rows.fill_null(False).alias("_broken"), *values).filter("_broken")
        count += broken.height
        if broken.height and (first is None or broken["key_row"][0] < first[0]):
            first = (broken["key_row"][0], check, broken.row(0, named=True))
    if first is None:
        return
    row, check, found = first
    shown = {name: _shown(name, found[name]) for name in check.values}
    problem = message(check.entry, where=where, row=str(row), **shown)
    if count > 1:
        raise AnswerKeyError("errors.key_more_problems", problem=problem, more=count - 1)
    raise AnswerKeyError("errors.key_problem", problem=problem)


def _shown(name: str, value: object) -> object:
    """A value of a key check as a message shows it: keys in words, numbers as they are."""
    if value is None:
        return ""
    if name == "section":
        return section_words(str(value))
    if name == "part":
        return part_words(str(value))
    if name == "sections":
        return sections_or(str(value).split(";"))
    if name == "all_sections":
        return tuple(section_words(key) for key in str(value).split(";"))
    if name == "parts":
        return tuple(part_words(key) for key in str(value).split(";"))
    if name == "options":
        return options_message(bool(value))
    return str(value)


def _questions(rows: pl.DataFrame, letters: bool, name: str, header: tuple[str | None, ...]) -> pl.DataFrame:
    """The key's rows parsed and checked: QUESTION_SCHEMA."""
    columns = _question_columns(header)
    parsed = rows.with_columns(
        parsed_values(rows, "level", parse_level, pl.String()).alias("_level"),
        parsed_values(rows, "section", section_key, pl.String()).alias("_section"),
        parsed_values(rows, "part", lambda text: _PART.get(header_key(text)), pl.String()).alias("_part"),
        parsed_values(rows, "answer", lambda text: _accepted(text, letters), pl.UInt8()).alias("_accepted"),
        parsed_values(rows, "points", _points, pl.Int64()).alias("_points"),
        parsed_values(rows, "item", header_key, pl.String()).alias("_item"),
    )
    parsed = parsed.with_columns(
        parsed_values(parsed, "_item", lambda item: columns.get(item, (None, None))[0], pl.Int64()).alias("_column"),
        _level_sections().alias("_sections"),
    )
    raise_first(parsed, _value_checks(letters) + _question_checks(), key_where(name))
    return parsed.select(
        "key_row",
        pl.col("_level").alias("level"),
        "item",
        pl.col("_column").alias("column"),
        parsed_values(parsed, "_item", lambda item: columns.get(item, (None, None))[1], pl.String()).alias("heading"),
        pl.col("_section").alias("section"),
        pl.col("_part").alias("part"),
        pl.col("_accepted").alias("accepted"),
        pl.col("answer").str.normalize("NFKC").str.to_uppercase().str.replace_all(r"\s", "").alias("answer"),
        pl.col("_points").fill_null(1).alias("points"),
    ).cast(QUESTION_SCHEMA)


def _level_sections() -> pl.Expr:
    """The sections of each row's level, ';'-joined, for the messages and checks."""
    sections = {level: ";".join(rule.section_keys) for level, rule in load_rules().levels.items()}
    return pl.col("_level").replace_strict(sections, default=None, return_dtype=pl.String)


def _value_checks(letters: bool) -> list[KeyCheck]:
    """Each cell holds a value of its kind."""
    given = pl.col  # reads as "the cell given in this column"
    levels, options = pl.lit(LEVEL_RANGE), pl.lit(letters)  # options: shown as options_message(letters)
    return [
        KeyCheck(given("level").is_null(), "errors.key_level_empty", {"levels": levels}),
        KeyCheck(
            given("level").is_not_null() & given("_level").is_null(),
            "errors.key_level_unknown", {"value": given("level"), "levels": levels},
        ),
        KeyCheck(given("item").is_null(), "errors.key_item_empty"),
        KeyCheck(given("answer").is_null(), "errors.key_answer_empty"),
        KeyCheck(
            given("answer").is_not_null() & given("_accepted").is_null(),
            "errors.key_answer_unknown", {"value": given("answer"), "options": options},
        ),
        KeyCheck(
            given("section").is_null() | given("_section").is_null(),
            "errors.key_section_unknown", {"value": given("section"), "all_sections": pl.lit(";".join(SECTION_KEYS))},
        ),
        KeyCheck(
            given("part").is_null() | given("_part").is_null(),
            "errors.key_part_unknown", {"value": given("part"), "parts": pl.lit(";".join(PARTS))},
        ),
        KeyCheck(
            given("points").is_not_null() & given("_points").is_null(),
            "errors.key_points_bad", {"value": given("points")},
        ),
    ]  # fmt: skip


def _question_checks() -> list[KeyCheck]:
    """Each question fits its level's rules and the responses."""
    part_sections = load_rules().counted_part_sections
    part_fits = pl.col("_part").replace_strict(
        {part: ";".join(sections) for part, sections in part_sections.items()}, default="", return_dtype=pl.String
    )
    known = pl.col("_level").is_not_null() & pl.col("_section").is_not_null() & pl.col("_part").is_not_null()
    in_level = pl.col("_sections").str.split(";").list.contains(pl.col("_section"))
    in_section = part_fits.str.split(";").list.contains(pl.col("_section"))
    first_row = pl.col("key_row").min().over("_level", "_item")
    level, section, part = pl.col("_level"), pl.col("_section"), pl.col("_part")
    return [
        KeyCheck(known & ~in_level, "errors.key_no_section",
                 {"level": level, "section": section, "all_sections": pl.col("_sections")}),
        KeyCheck(known & in_level & ~in_section, "errors.key_part_elsewhere",
                 {"part": part, "sections": part_fits, "section": section}),
        KeyCheck(pl.col("_item").is_not_null() & (pl.col("key_row") != first_row), "errors.key_item_twice",
                 {"level": level, "item": pl.col("item"), "first_row": first_row}),
        KeyCheck(pl.col("_item").is_not_null() & pl.col("_column").is_null(), "errors.key_item_no_column",
                 {"item": pl.col("item")}),
    ]  # fmt: skip


# ── the responses' header ──────────────────────────────────────────────────────


def _question_columns(header: tuple[str | None, ...]) -> dict[str, tuple[int, str]]:
    """Comparable header -> (column, header as written) of every column that is not a cohort column."""
    found: dict[str, tuple[int, str]] = {}
    for index, text in enumerate(header):
        if not text or not text.strip() or canonical_column(text) is not None:
            continue
        key = header_key(text)
        if key in found:
            raise AnswerKeyError("errors.responses_same_question", first=found[key][1], second=text)
        found[key] = (index, text)
    return found


def _check_responses_header(questions: pl.DataFrame, header: tuple[str | None, ...]) -> None:
    """No score column (the scores come from the answers) and no question column missing from every key."""
    for text in header:
        if canonical_column(text) in MARKED_KEYS:
            key = str(canonical_column(text))
            meaning = section_words(key) if key in (*SECTION_KEYS, "total") else message(f"columns.{key}")
            raise AnswerKeyError("errors.responses_score_column", column=text, meaning=meaning)
    items = {header_key(item) for item in questions["item"].to_list()}
    prefixes = {match.group(1) for item in items if (match := re.fullmatch(r"(.*?)\d+", item))}
    for text in header:
        key = header_key(text)
        numbered = re.fullmatch(r"(.*?)\d+", key)
        if numbered and numbered.group(1) in prefixes and key not in items and canonical_column(text) is None:
            raise AnswerKeyError("errors.responses_question_not_in_key", column=text)


def _check_every_section_has_questions(questions: pl.DataFrame, name: str) -> None:
    """A mock is judged like the JLPT, so each level of the key needs questions in all its sections."""
    rules = load_rules()
    present = set(questions.select("level", "section").unique().iter_rows())
    levels = {level for level, _ in present}
    for level in (level for level in LEVELS if level in levels):
        for section in rules.level(level).section_keys:
            if (level, section) not in present:
                raise AnswerKeyError(
                    "errors.key_section_without_questions", where=key_where(name), level=level,
                    section=section_words(section),
                )  # fmt: skip
