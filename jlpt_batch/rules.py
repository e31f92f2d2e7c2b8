"""The JLPT judging rules, loaded from ``rules.toml`` inside the package.

Everything that decides a result (sections, ranges, floors, pass marks, CEFR cut
points, band thresholds) lives in the data file, so a rule change is a data edit.
The constants below are read from it too, not written out again here.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import polars as pl


@dataclass(frozen=True)
class SectionRule:
    """One scoring section of one level: its range and its floor."""

    key: str
    maximum: int
    floor: int


@dataclass(frozen=True)
class LevelRule:
    """Everything that decides a result at one level."""

    level: str
    pass_mark: int
    sections: tuple[SectionRule, ...]
    band_parts: tuple[str, ...]
    cefr_cuts: tuple[tuple[int, str], ...]  # (lowest total, CEFR level), highest first

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(section.key for section in self.sections)

    @property
    def total_max(self) -> int:
        return sum(section.maximum for section in self.sections)

    def section(self, key: str) -> SectionRule | None:
        return next((s for s in self.sections if s.key == key), None)


@dataclass(frozen=True)
class Rules:
    """The whole rule book: levels, section names and band thresholds."""

    version: str
    levels: dict[str, LevelRule]
    section_names: dict[str, tuple[str, str]]  # key -> (Japanese, English), in table order
    band_a_percent: int
    band_b_percent: int
    part_sections: dict[str, tuple[str, ...]]  # banded sub-part -> the sections it belongs to
    unbanded_part_sections: dict[str, tuple[str, ...]]  # counted on a mock, but never banded
    cefr_first_sitting: tuple[int, int]  # (year, month) of the first sitting whose reports show a CEFR level

    def level(self, level: str) -> LevelRule:
        return self.levels[level]

    @property
    def counted_part_sections(self) -> dict[str, tuple[str, ...]]:
        """Every sub-part a marked question can belong to (banded first) -> its possible sections."""
        return self.part_sections | self.unbanded_part_sections

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(self.section_names)

    @property
    def total_max(self) -> int:
        """The top of the total's scale: the same 180 at every level."""
        (top,) = {rule.total_max for rule in self.levels.values()}
        return top

    def section_maximum(self, key: str) -> int:
        """A section's top score (the same at every level that has the section)."""
        (top,) = {s.maximum for rule in self.levels.values() for s in rule.sections if s.key == key}
        return top

    @property
    def cefr_levels(self) -> tuple[str, ...]:
        """Every CEFR reference level a pass can carry, lowest first."""
        return tuple(sorted({cefr for rule in self.levels.values() for _, cefr in rule.cefr_cuts}))


@cache
def load_rules() -> Rules:
    """Read the rules shipped with the package (cached: it never changes in a run)."""
    text = resources.files("jlpt_batch").joinpath("rules.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    levels = {name: _level_rule(name, spec) for name, spec in data["levels"].items()}
    bands = data["bands"]
    return Rules(
        version=data["version"],
        levels=levels,
        section_names={key: (names[0], names[1]) for key, names in data["sections"].items()},
        band_a_percent=bands["a_min_percent"],
        band_b_percent=bands["b_min_percent"],
        part_sections={part: tuple(sections) for part, sections in bands["parts"].items()},
        unbanded_part_sections={part: tuple(sections) for part, sections in data["counted_parts"].items()},
        cefr_first_sitting=_year_month(data["cefr"]["first_sitting"]),
    )


def _year_month(text: str) -> tuple[int, int]:
    year, month = text.split("-")
    return int(year), int(month)


def _level_rule(name: str, spec: dict[str, Any]) -> LevelRule:
    sections = tuple(SectionRule(key, limits["max"], limits["floor"]) for key, limits in spec["sections"].items())
    cuts = sorted(((cut["from"], cut["level"]) for cut in spec["cefr"]), reverse=True)
    return LevelRule(name, spec["pass_mark"], sections, tuple(spec["band_parts"]), tuple(cuts))


# The rule book's keys, for code that loops over them.
SECTION_KEYS: tuple[str, ...] = load_rules().section_keys
BAND_PARTS: tuple[str, ...] = tuple(load_rules().part_sections)
PARTS: tuple[str, ...] = tuple(load_rules().counted_part_sections)  # the banded ones, then listening
LEVELS: tuple[str, ...] = tuple(load_rules().levels)
TOTAL_MAX: int = load_rules().total_max


def parse_level(text: str) -> str | None:
    """A JLPT level from the ways it is written ('N3', 'n3', 'Ｎ３', 'N 3', '3級'); None for anything else."""
    plain = re.sub(r"\s", "", unicodedata.normalize("NFKC", text).upper())
    match = re.fullmatch(r"N?([1-9])(?:級)?", plain)
    level = f"N{match.group(1)}" if match else None
    return level if level in LEVELS else None


def rules_frame(rules: Rules | None = None) -> pl.DataFrame:
    """One row per level with every rule as a column, ready to join on ``level``.

    Sections a level does not have get a null maximum and floor; CEFR cut points
    come as ``cefr_1_from``/``cefr_1_level`` (highest first) and so on.
    """
    rules = rules or load_rules()
    max_cuts = max(len(rule.cefr_cuts) for rule in rules.levels.values())
    rows = [_level_row(rule, max_cuts) for rule in rules.levels.values()]
    return pl.DataFrame(rows, schema=_rules_schema(max_cuts), orient="row")


def _rules_schema(max_cuts: int) -> dict[str, pl.DataType]:
    schema: dict[str, pl.DataType] = {"level": pl.String(), "pass_mark": pl.Int64()}
    for key in SECTION_KEYS:
        schema[f"{key}_max"] = pl.Int64()
        schema[f"{key}_floor"] = pl.Int64()
    for part in BAND_PARTS:
        schema[f"{part}_band_shown"] = pl.Boolean()
    for i in range(1, max_cuts + 1):
        schema[f"cefr_{i}_from"] = pl.Int64()
        schema[f"cefr_{i}_level"] = pl.String()
    return schema


def _level_row(rule: LevelRule, max_cuts: int) -> list[object]:
    row: list[object] = [rule.level, rule.pass_mark]
    for key in SECTION_KEYS:
        section = rule.section(key)
        row += [section.maximum, section.floor] if section else [None, None]
    row += [part in rule.band_parts for part in BAND_PARTS]
    cuts: list[tuple[int | None, str | None]] = [*rule.cefr_cuts, *[(None, None)] * (max_cuts - len(rule.cefr_cuts))]
    for cut_from, cut_level in cuts:
        row += [cut_from, cut_level]
    return row


def rules_of_rows(levels: pl.Series, rules: Rules | None = None, columns: list[str] | None = None) -> pl.DataFrame:
    """The rules frame's columns (all, or ``columns``) for each row's level, in row order.

    An unknown level gets nulls. Only the level column goes through the join, so the
    caller can place the result beside its own columns without copying them, and the
    numbers come as Int16 (every mark fits): on a million rows these per-row copies
    of the rules would otherwise be a good part of the run's memory.
    """
    by_level = rules_frame(rules)
    by_level = by_level.select("level", *(columns or by_level.columns[1:]))
    by_level = by_level.with_columns(pl.col(pl.Int64).cast(pl.Int16))
    rows = levels.rename("level").cast(pl.String).to_frame()
    return rows.join(by_level, on="level", how="left", maintain_order="left").drop("level")
