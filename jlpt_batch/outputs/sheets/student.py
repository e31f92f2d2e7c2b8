"""One judged student as the sheet's wording needs them: level rule, sections, outcome, bands."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from jlpt_batch.contract import Outcome, outcome_of
from jlpt_batch.rules import LevelRule, Rules


@dataclass(frozen=True)
class Section:
    """One scoring section of this student's level, with their score (None: absent)."""

    key: str
    maximum: int
    floor: int
    score: int | None

    @property
    def margin(self) -> int | None:
        return None if self.score is None else self.score - self.floor

    @property
    def below(self) -> bool:
        """Absent, or under the floor: this section let the student down."""
        return self.score is None or self.score < self.floor

    @property
    def points_below(self) -> int:
        """How far a sat section is under its floor (0 when it is not)."""
        if self.score is None:
            raise ValueError(f"{self.key} was not sat, so it has no score to compare")
        return max(0, self.floor - self.score)


@dataclass(frozen=True)
class Student:
    """The facts of one judged row, in the shape the wording needs."""

    candidate_id: str
    name: str
    name_latin: str  # the name in Latin letters, when the file gives it beside a name in another script
    class_name: str
    rule: LevelRule
    sections: tuple[Section, ...]
    total: int | None
    outcome: Outcome
    failed: tuple[str, ...]  # section keys below their floor, in rule order
    bands: tuple[tuple[str, str, int | None, int | None], ...]  # (part, band, correct, questions)
    cefr: str | None
    region: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any], rules: Rules) -> Student:
        rule = rules.level(row["level"])
        sections = tuple(Section(s.key, s.maximum, s.floor, row.get(s.key)) for s in rule.sections)
        failed_keys = set(_split_keys(row.get("failed_sections")))
        return cls(
            candidate_id=str(row.get("candidate_id") or ""),
            name=unicodedata.normalize("NFC", row.get("name") or ""),
            name_latin=unicodedata.normalize("NFC", row.get("name_latin") or ""),
            class_name=row.get("class") or "",
            rule=rule,
            sections=sections,
            total=row.get("total"),
            outcome=outcome_of(row),
            failed=tuple(s.key for s in sections if s.key in failed_keys),
            bands=tuple(_bands(row, rule)),
            cefr=row.get("cefr"),
            region=row.get("region"),
        )

    @property
    def level(self) -> str:
        return self.rule.level

    @property
    def scored_total(self) -> int:
        """The total of a student who sat every section (a not-scored student has none)."""
        if self.total is None:
            raise ValueError(f"candidate {self.candidate_id} was not scored, so has no total")
        return self.total

    @property
    def pass_mark(self) -> int:
        return self.rule.pass_mark

    @property
    def absent(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.score is None)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def flagged(self) -> tuple[Section, ...]:
        """Where the extra study hours should go: the sections below their floor, or the
        weakest sections (by share of their maximum; all of them when they are even)
        when only the total fell short."""
        if self.failed:
            return tuple(self.section(key) for key in self.failed)
        lowest = min(_share(s) for s in self.sections)
        return tuple(s for s in self.sections if _share(s) == lowest)


def _share(section: Section) -> Fraction:
    """A score as an exact share of its section's maximum, so even sections compare equal."""
    return Fraction(section.score or 0, section.maximum)


def _split_keys(text: str | None) -> list[str]:
    return [key for key in (text or "").split(";") if key]


def _bands(row: Mapping[str, Any], rule: LevelRule) -> Iterable[tuple[str, str, int | None, int | None]]:
    """The bands given for the parts this level reports, with raw counts when known."""
    for part in rule.band_parts:
        band = row.get(f"{part}_band")
        if band:
            yield part, band, row.get(f"{part}_correct"), row.get(f"{part}_questions")
