"""The JLPT judging rules, loaded from ``rules.toml`` inside the package.

Everything that decides a result (sections, ranges, floors, pass marks, CEFR cut
points, band thresholds) lives in the data file, so a rule change is a data edit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl

SECTION_KEYS = ("language_knowledge", "reading", "language_knowledge_reading", "listening")
BAND_PARTS = ("vocabulary", "grammar", "reading")
LEVELS = ("N1", "N2", "N3", "N4", "N5")
TOTAL_MAX = 180


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

    def section(self, key: str) -> SectionRule | None:
        return next((s for s in self.sections if s.key == key), None)


@dataclass(frozen=True)
class Rules:
    """The whole rule book: levels, section names and band thresholds."""

    version: str
    levels: dict[str, LevelRule]
    section_names: dict[str, tuple[str, str]]  # key -> (Japanese, English)
    band_a_percent: int
    band_b_percent: int

    def level(self, level: str) -> LevelRule:
        return self.levels[level]


@cache
def load_rules() -> Rules:
    """Read the rules shipped with the package (cached: it never changes in a run)."""
    text = resources.files("jlpt_batch").joinpath("rules.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    levels = {name: _level_rule(name, spec) for name, spec in data["levels"].items()}
    return Rules(
        version=data["version"],
        levels=levels,
        section_names={key: tuple(names) for key, names in data["sections"].items()},
        band_a_percent=data["bands"]["a_min_percent"],
        band_b_percent=data["bands"]["b_min_percent"],
    )


def _level_rule(name: str, spec: dict) -> LevelRule:
    sections = tuple(SectionRule(key, limits["max"], limits["floor"]) for key, limits in spec["sections"].items())
    cuts = sorted(((cut["from"], cut["level"]) for cut in spec["cefr"]), reverse=True)
    return LevelRule(name, spec["pass_mark"], sections, tuple(spec["band_parts"]), tuple(cuts))


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
    schema: dict[str, pl.DataType] = {"level": pl.String, "pass_mark": pl.Int64}
    for key in SECTION_KEYS:
        schema[f"{key}_max"] = pl.Int64
        schema[f"{key}_floor"] = pl.Int64
    for part in BAND_PARTS:
        schema[f"{part}_band_shown"] = pl.Boolean
    for i in range(1, max_cuts + 1):
        schema[f"cefr_{i}_from"] = pl.Int64
        schema[f"cefr_{i}_level"] = pl.String
    return schema


def _level_row(rule: LevelRule, max_cuts: int) -> list:
    row: list = [rule.level, rule.pass_mark]
    for key in SECTION_KEYS:
        section = rule.section(key)
        row += [section.maximum, section.floor] if section else [None, None]
    row += [part in rule.band_parts for part in BAND_PARTS]
    cuts = list(rule.cefr_cuts) + [(None, None)] * (max_cuts - len(rule.cefr_cuts))
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
