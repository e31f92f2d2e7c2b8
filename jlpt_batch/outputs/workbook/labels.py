"""How the workbook words the judged data: regions, sections, outcomes and lists of sections,
in the administrator's language, as polars expressions over whole columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from jlpt_batch.admin_wording import SHEET_LANGUAGES, AdminWords
from jlpt_batch.contract import PASS, Outcome, outcome_expr
from jlpt_batch.exams import MOCK, SITTING
from jlpt_batch.history.store import ExamKey
from jlpt_batch.rules import BAND_PARTS, PARTS, SECTION_KEYS
from jlpt_batch.stats import TOTAL

REGIONS = ("all", "domestic", "overseas")


def region_words(words: AdminWords, regions: pl.Series) -> str:
    """The national population compared, in words; several when levels differ."""
    names = sorted(set(regions.drop_nulls().to_list()))
    return words.text("list.separator").join(words.region(name) for name in names) or words.region("all")


def with_region_words(frame: pl.DataFrame, words: AdminWords) -> pl.DataFrame:
    """The frame with ``region_words``: its ``region`` (all, domestic, overseas) in words."""
    return frame.with_columns(_mapped(pl.col("region"), {r: words.region(r) for r in REGIONS}).alias("region_words"))


def section_words(words: AdminWords, column: str = "section", short: bool = True) -> pl.Expr:
    """A column of section keys (and ``total``) in words."""
    word = words.section_short if short else words.section
    return _mapped(pl.col(column), {key: word(key) for key in (*SECTION_KEYS, TOTAL)})


def section_list_words(words: AdminWords, column: str) -> pl.Expr:
    """A column of ``;``-joined section keys ('language_knowledge;listening') as a list in words."""
    names = {key: words.section_short(key) for key in SECTION_KEYS}
    keys = pl.col(column).str.split(";").list.eval(pl.element().filter(pl.element() != ""))
    separator = words.text("list.separator")
    return keys.list.eval(pl.element().replace_strict(names, default=pl.element())).list.join(separator)


def band_part_words(words: AdminWords, column: str = "part") -> pl.Expr:
    return _mapped(pl.col(column), {part: words.text(f"band_parts.{part}") for part in BAND_PARTS})


def part_word(words: AdminWords, part: str) -> str:
    """A sub-part in words: the band parts, and a marked mock's Listening."""
    return words.text(f"band_parts.{part}" if part in BAND_PARTS else f"mock_parts.{part}")


def part_words(words: AdminWords, column: str = "part") -> pl.Expr:
    """A column of sub-parts (a marked mock's, Listening among them) in words."""
    return _mapped(pl.col(column), {part: part_word(words, part) for part in PARTS})


def outcome_words(words: AdminWords, mock: bool = False) -> pl.Expr:
    """Each judged row's outcome (passed, not passed, not scored, rejected) in words; on a mock, at or
    below the pass level of that mock."""
    return _mapped(outcome_expr(), {outcome.value: words.outcome(outcome, mock) for outcome in Outcome})


def stored_result_words(words: AdminWords, result: str, total: str, mock: pl.Expr) -> pl.Expr:
    """A recorded exam's result in words: PASS, else not scored where there is no total, else not
    passed; a mock's (``mock`` true) at or below the pass level of that mock, never "Passed"."""

    def said(outcome: Outcome) -> pl.Expr:
        return pl.when(mock).then(pl.lit(words.outcome(outcome, True))).otherwise(pl.lit(words.outcome(outcome)))

    passed = pl.col(result) == PASS
    return (
        pl.when(passed).then(said(Outcome.PASSED))
        .when(pl.col(total).is_null()).then(pl.lit(words.outcome(Outcome.NOT_SCORED)))
        .otherwise(said(Outcome.NOT_PASSED))
        .alias(result)
    )  # fmt: skip


def region_value_words(words: AdminWords, column: str = "region") -> pl.Expr:
    """A row's own region (domestic, overseas) in words."""
    return _mapped(pl.col(column), {key: words.text(f"region_values.{key}") for key in ("domestic", "overseas")})


def language_words(words: AdminWords, column: str = "language") -> pl.Expr:
    """A sheet language code in words ('ja': Japanese); a code we have no name for stays as it is."""
    return _mapped(pl.col(column), {code: words.text(f"languages.{code}") for code in SHEET_LANGUAGES})


def exam_kind_words(words: AdminWords, column: str = "exam_kind") -> pl.Expr:
    """results.csv's exam_kind (sitting, mock) in words."""
    return _mapped(pl.col(column), {kind: words.text(f"exam_kinds.{kind}") for kind in (SITTING, MOCK)})


def yes_no(words: AdminWords, column: pl.Expr) -> pl.Expr:
    return column.replace_strict({True: words.text("answers.yes"), False: words.text("answers.no")},
                                 return_dtype=pl.String)  # fmt: skip


def _mapped(column: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    """Known values in words; anything else (a value the file gave) as it is."""
    return column.replace_strict(mapping, default=column, return_dtype=pl.String)


def exam_words(words: AdminWords, column: str) -> pl.Expr:
    """Exams as results.csv names them ('sitting 2026-07', 'mock 2026-05-10 Spring') in words."""
    return _each_value(column, lambda label: words.exam(ExamKey.from_label(label).exam()))


def date_words(words: AdminWords, column: str) -> pl.Expr:
    """Dates as the language writes them: 5 July 2026, 2026年7月5日."""
    return _each_value(column, words.date)


def _each_value(column: str, word: Callable[[Any], str]) -> pl.Expr:
    """Each distinct value worded once (a handful of exams or dates, however many rows)."""

    def worded(values: pl.Series) -> pl.Series:
        mapping = {value: word(value) for value in values.unique().drop_nulls().to_list()}
        return values.replace_strict(mapping, default=None, return_dtype=pl.String)

    return pl.col(column).map_batches(worded, return_dtype=pl.String).alias(column)
