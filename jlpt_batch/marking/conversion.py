"""A practice book's conversion tables: a section's raw points to its estimated scaled score.

Optional, per level and section, with the columns ``level``, ``section``, ``raw`` and
``scaled``: in the key workbook's worksheet named ``conversion`` (or ``換算表``), or in a
file beside the key named ``<key name>-conversion.csv`` (or ``.xlsx``). A row means
"from this many raw points up to the next row's, this scaled score", so a book's ranges
(raw 20-22 gives 30) need only their first raw count, and every table starts at raw 0.

A section without a table is estimated as points earned ÷ points possible × the
section's maximum, rounded half up (see ``mark``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from jlpt_batch.errors import AnswerKeyError, SheetNotFoundError
from jlpt_batch.marking.key import (
    KEY_HEADERS,
    LEVEL_RANGE,
    KeyCheck,
    mapped_text,
    parsed_values,
    raise_first,
    read_key_table,
    section_key,
)
from jlpt_batch.messages import Message, message
from jlpt_batch.reading import HeaderMarker, RawTable
from jlpt_batch.reading.headers import HEADER_ALIASES, header_key
from jlpt_batch.rules import SECTION_KEYS, load_rules, parse_level
from jlpt_batch.wording import Catalog

CONVERSION_HEADERS: dict[str, tuple[str, ...]] = {
    "level": HEADER_ALIASES["level"],
    "section": KEY_HEADERS["section"],
    "raw": ("raw", "raw score", "raw points", "素点"),
    "scaled": ("scaled", "scaled score", "estimate", "換算点", "尺度得点"),
}
CONVERSION_SHEETS = ("conversion", "換算表")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods", ".xls")  # a key saved as one may hold a table worksheet
CONVERSION_SCHEMA = pl.Schema({"level": pl.String(), "section": pl.String(), "raw": pl.Int64(), "scaled": pl.Int64()})

_COLUMN = {header_key(alias): key for key, names in CONVERSION_HEADERS.items() for alias in names}


def conversion_column(text: object) -> str | None:
    """The conversion-table column a header stands for, or None."""
    return _COLUMN.get(header_key(text))


CONVERSION_HEADER = HeaderMarker(lambda cell: conversion_column(cell) == "raw", "errors.no_conversion_header")


def load_conversions(key_path: Path, questions: pl.DataFrame, words: Catalog | None = None) -> pl.DataFrame:
    """Every conversion table found with the key, checked and spelled out for each raw count 0 to possible.

    CONVERSION_SCHEMA, one row per level, section and raw count; empty without a table.
    ``words`` (the administrator's wording) words what the reader says about a cell it cannot read.
    """
    found = _tables(key_path)
    if len(found) > 1:
        raise AnswerKeyError("errors.conversion_two_tables", first=found[0][0], second=found[1][0])
    if not found:
        return pl.DataFrame(schema=CONVERSION_SCHEMA)
    where, table = found[0]
    rows = mapped_text(table, conversion_column, where, words)
    missing = tuple(message(f"key_columns.{key}") for key in CONVERSION_HEADERS if key not in rows.columns)
    if missing:
        raise AnswerKeyError("errors.conversion_missing_columns", where=where, missing=missing)
    possible = questions.group_by("level", "section").agg(pl.col("points").sum().alias("_possible"))
    checked = _checked(rows, possible, where)
    return _spelled_out(checked, possible)


def _tables(key_path: Path) -> list[tuple[Message, RawTable]]:
    """(where, table) of each conversion table: a worksheet of the key workbook, a file beside the key."""
    found = []
    if key_path.suffix.lower() in WORKBOOK_SUFFIXES:
        for sheet in CONVERSION_SHEETS:
            try:
                where = message("errors.where_conversion_sheet", file=key_path.name, sheet=sheet)
                found.append((where, _read(key_path, sheet)))
            except SheetNotFoundError:
                continue
    for suffix in (".csv", ".xlsx"):
        beside = key_path.with_name(f"{key_path.stem}-conversion{suffix}")
        if beside.is_file():
            found.append((message("errors.where_conversion", file=beside.name), _read(beside, None)))
    return found


def _read(path: Path, sheet: str | None) -> RawTable:
    return read_key_table(path, CONVERSION_HEADER, sheet)


def _whole(column: str) -> pl.Expr:
    number = pl.col(column).str.normalize("NFKC").cast(pl.Float64, strict=False)
    return pl.when(number.is_finite() & (number == number.floor())).then(number).cast(pl.Int64)


def _checked(rows: pl.DataFrame, possible: pl.DataFrame, where: Message) -> pl.DataFrame:
    """The table's rows parsed (level, section, raw, scaled), or AnswerKeyError naming the first bad row."""
    maxima = pl.DataFrame(
        [(level, s.key, s.maximum) for level, rule in load_rules().levels.items() for s in rule.sections],
        schema={"_level": pl.String, "_section": pl.String, "_maximum": pl.Int64},
        orient="row",
    )
    parsed = (
        rows.with_columns(
            parsed_values(rows, "level", parse_level, pl.String()).alias("_level"),
            parsed_values(rows, "section", section_key, pl.String()).alias("_section"),
            _whole("raw").alias("_raw"),
            _whole("scaled").alias("_scaled"),
        )
        .join(possible.rename({"level": "_level", "section": "_section"}), on=["_level", "_section"], how="left")
        .join(maxima, on=["_level", "_section"], how="left")
        .sort("_level", "_section", "_raw", "key_row", nulls_last=True)
    )
    raise_first(parsed, _checks(), where)
    return parsed.select(
        pl.col("_level").alias("level"), pl.col("_section").alias("section"), pl.col("_raw").alias("raw"),
        pl.col("_scaled").alias("scaled"),
    )  # fmt: skip


def _checks() -> list[KeyCheck]:
    level, section, raw, scaled = pl.col("_level"), pl.col("_section"), pl.col("_raw"), pl.col("_scaled")
    same_table = (level == level.shift(1)) & (section == section.shift(1))
    first_of_table = ~same_table.fill_null(False)
    known = level.is_not_null() & section.is_not_null()
    return [
        KeyCheck(level.is_null(), "errors.conversion_level_unknown",
                 {"value": pl.col("level"), "levels": pl.lit(LEVEL_RANGE)}),
        KeyCheck(level.is_not_null() & section.is_null(), "errors.conversion_section_unknown",
                 {"value": pl.col("section"), "all_sections": pl.lit(";".join(SECTION_KEYS))}),
        KeyCheck(known & pl.col("_possible").is_null(), "errors.conversion_no_questions",
                 {"level": level, "section": section}),
        KeyCheck(raw.is_null() | (raw < 0), "errors.conversion_raw_bad", {"value": pl.col("raw")}),
        KeyCheck(raw.is_not_null() & (raw > pl.col("_possible")), "errors.conversion_raw_too_high",
                 {"raw": raw, "possible": pl.col("_possible"), "level": level, "section": section}),
        KeyCheck(scaled.is_null() | (scaled < 0) | (scaled > pl.col("_maximum")), "errors.conversion_scaled_bad",
                 {"value": pl.col("scaled"), "maximum": pl.col("_maximum").fill_null(0)}),
        KeyCheck(known & first_of_table & (raw != 0), "errors.conversion_not_from_zero",
                 {"level": level, "section": section, "raw": raw}),
        KeyCheck(same_table & (raw == raw.shift(1)), "errors.conversion_raw_twice",
                 {"raw": raw, "level": level, "section": section}),
        KeyCheck(same_table & (scaled < scaled.shift(1)), "errors.conversion_scaled_lower",
                 {"scaled": scaled, "previous": scaled.shift(1)}),
    ]  # fmt: skip


def _spelled_out(checked: pl.DataFrame, possible: pl.DataFrame) -> pl.DataFrame:
    """Every raw count from 0 to the points possible, with the scaled score of the row at or below it."""
    tables = checked.select("level", "section").unique()
    every_raw = possible.join(tables, on=["level", "section"], how="semi").select(
        "level", "section", pl.int_ranges(0, pl.col("_possible") + 1, dtype=pl.Int64).alias("raw")
    )
    return (
        every_raw.explode("raw")
        .join(checked, on=["level", "section", "raw"], how="left")
        .sort("level", "section", "raw")
        .with_columns(pl.col("scaled").forward_fill().over("level", "section"))
        .cast(CONVERSION_SCHEMA)
    )
