"""What each student's sheet says: a judged row plus the wording templates give a SheetModel.

Pure: no reportlab, no files written. Every sentence comes from a template entry and is
filled with this student's own numbers, sections and dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from jlpt_batch.contract import Outcome
from jlpt_batch.outputs.sheets.context import SheetContext, sheet_language
from jlpt_batch.outputs.sheets.mock import with_mock_answers
from jlpt_batch.outputs.sheets.model import ABSENT_MARK, Bar, Block, ScoreRow, SheetModel
from jlpt_batch.outputs.sheets.progress_block import EARLIER_COLUMN, progress_block
from jlpt_batch.outputs.sheets.student import Section, Student
from jlpt_batch.outputs.sheets.timing import Timing
from jlpt_batch.outputs.sheets.wording import Catalog
from jlpt_batch.outputs.sheets.words import Words
from jlpt_batch.rules import LEVELS, TOTAL_MAX

_BAND_ORDER = {"A": 0, "B": 1, "C": 2}


def build_sheet(row: Mapping[str, Any], context: SheetContext) -> SheetModel:
    """Word one student's sheet from a judged PASS or FAIL row (see docs/architecture.md); with the
    row's earlier exams (``progress_block.EARLIER_COLUMN``), its progress block too."""
    catalog = context.wording.catalog(sheet_language(row, context))
    student = Student.from_row(row, context.rules)
    model = _SheetWriter(catalog, context, student).model()
    progress = progress_block(row.get(EARLIER_COLUMN), student, catalog, context)
    if progress:
        model = replace(model, progress=progress)
    questions = context.mock_questions.get(row["level"], ())
    return with_mock_answers(model, row, catalog, questions)  # a marked mock: estimates, questions to review


class _SheetWriter:
    """Words one student's sheet: each method writes one part of it."""

    def __init__(self, catalog: Catalog, context: SheetContext, student: Student) -> None:
        self.words = Words(catalog)
        self.text = catalog.text
        self.context = context
        self.student = student
        self.timing = Timing(self.words, context)
        self.mock = context.exam.is_mock

    def model(self) -> SheetModel:
        student, words = self.student, self.words
        return SheetModel(
            lang=words.catalog.lang,
            candidate_id=student.candidate_id,
            class_name=student.class_name,
            name=student.name,
            school=self.context.school,
            exam_title=words.exam_title(self.context.exam),
            header_fields=self.header_fields(),
            outcome=student.outcome,
            result_text=words.result(student.outcome, mock=self.mock),
            result_detail=self.result_detail(),
            score_headings=tuple(
                self.text(f"scores.heading_{name}") for name in ("section", "score", "maximum", "threshold", "margin")
            ),
            score_rows=(*map(self.section_row, student.sections), self.total_row()),
            bars=(*map(self.section_bar, student.sections), self.total_bar()),
            blocks=self.blocks(),
            footer=self.footer(),
            name_latin=student.name_latin if student.name_latin != student.name else "",
        )

    # header and result ------------------------------------------------------------

    def header_fields(self) -> tuple[tuple[str, str], ...]:
        s = self.student
        values = (("name", s.name), ("candidate", s.candidate_id), ("class", s.class_name), ("level", s.level))
        return tuple((self.text(f"header.{label}"), value) for label, value in values)

    def result_detail(self) -> str:
        s = self.student
        if s.outcome is Outcome.PASSED:
            entry = "result.mock_passed_detail" if self.mock else "result.passed_detail"
            return self.text(entry, level=s.level, total=s.total, total_max=s.rule.total_max, pass_mark=s.pass_mark)
        if s.outcome is Outcome.NOT_SCORED:
            return self.text("diagnosis.absent", sections=self.words.sections(s.absent))
        return self.diagnosis()

    def diagnosis(self) -> str:
        """Why a scored student did not pass, in one sentence with their numbers."""
        s = self.student
        total = s.scored_total
        shortfall = self.words.points(max(0, s.pass_mark - total))
        if not s.failed:
            return self.text("diagnosis.total", total=total, pass_mark=s.pass_mark, shortfall=shortfall)
        below = self.text("diagnosis.below_separator").join(self.below_item(s.section(key)) for key in s.failed)
        if total >= s.pass_mark:
            return self.text("diagnosis.floor", below=below)
        return self.text(
            "diagnosis.floor_and_total", below=below, total=total, pass_mark=s.pass_mark, shortfall=shortfall
        )

    def below_item(self, section: Section) -> str:
        return self.text(
            "diagnosis.below_item",
            section=self.words.section(section.key),
            score=section.score,
            floor=section.floor,
            shortfall=self.words.points(section.points_below),
        )

    # score table and bars ------------------------------------------------------------

    def section_row(self, section: Section) -> ScoreRow:
        return ScoreRow(
            label=self.text(f"sections.{section.key}"),
            score=ABSENT_MARK if section.score is None else str(section.score),
            maximum=section.maximum,
            threshold=str(section.floor),
            margin=self.floor_margin(section.margin),
            below=section.below,
        )

    def floor_margin(self, margin: int | None) -> str:
        if margin is None:
            return ABSENT_MARK
        if margin > 0:
            return self.text("scores.above_floor", points=margin)
        if margin == 0:
            return self.text("scores.at_floor")
        return self.text("scores.below_floor", points=-margin)

    def total_row(self) -> ScoreRow:
        s = self.student
        return ScoreRow(
            label=self.text("sections.total"),
            score=ABSENT_MARK if s.total is None else str(s.total),
            maximum=TOTAL_MAX,
            threshold=str(s.pass_mark),
            margin=self.total_margin(),
            below=s.total is not None and s.total < s.pass_mark,
        )

    def total_margin(self) -> str:
        s = self.student
        if s.total is None:
            return ABSENT_MARK
        margin = s.total - s.pass_mark
        if margin > 0:
            return self.text("scores.above_pass_mark", points=margin)
        if margin == 0:
            return self.text("scores.at_pass_mark")
        return self.text("scores.short", shortfall=self.words.points(-margin))

    def section_bar(self, section: Section) -> Bar:
        return Bar(
            label=self.words.section(section.key),
            score=section.score,
            maximum=section.maximum,
            threshold=section.floor,
            threshold_label=self.text("bars.floor", floor=section.floor),
            below=section.below,
        )

    def total_bar(self) -> Bar:
        s = self.student
        return Bar(
            label=self.text("sections.total"),
            score=s.total,
            maximum=TOTAL_MAX,
            threshold=s.pass_mark,
            threshold_label=self.text("bars.pass_mark", pass_mark=s.pass_mark),
            below=s.total is not None and s.total < s.pass_mark,
        )

    # blocks ------------------------------------------------------------------------

    def blocks(self) -> tuple[Block, ...]:
        outcome = self.student.outcome
        if outcome is Outcome.PASSED:
            parts: tuple[Block | None, ...] = (
                self.bands_block(self.weak_band_note()),
                self.standing_block(),
                self.pass_next_block(),
            )
        elif outcome is Outcome.NOT_PASSED:
            parts = (self.fail_meaning_block(), self.bands_block(self.fail_band_notes()), self.retake_block())
        else:
            parts = (self.absent_block(), self.absent_todo_block())
        return tuple(block for block in parts if block is not None)

    def bands_block(self, notes: tuple[str, ...]) -> Block | None:
        """The A/B/C bands given for this student, what they point at, and that they never decide."""
        if not self.student.bands:
            return None
        lines = tuple(self.band_line(*band) for band in self.student.bands)
        return Block(self.text("bands.heading"), (*lines, *notes, self.text("bands.not_decisive")))

    def band_line(self, part: str, band: str, correct: int | None, questions: int | None) -> str:
        rules = self.context.rules
        limits = {"a_min": rules.band_a_percent, "b_min": rules.band_b_percent}
        letter = band.lower()
        values = dict(
            part=self.text(f"band_parts.{part}"),
            band=band,
            meaning=self.text(f"bands.meaning_{letter}"),
            range=self.text(f"bands.range_{letter}", **_range_fields(letter, limits)),
        )
        if correct is None or questions is None:
            return self.text("bands.line", **values)
        return self.text("bands.line_counts", **values, correct=correct, questions=questions)

    def weak_band_note(self, skip: Iterable[Section] = ()) -> tuple[str, ...]:
        """Name the C-band parts not already pointed at from a flagged section."""
        skipped = {section.key for section in skip}
        weak = [
            part
            for part, band, _, _ in self.student.bands
            if band == "C" and not skipped.intersection(self.context.rules.part_sections[part])
        ]
        if not weak:
            return ()
        parts = self.words.join(self.text(f"band_parts.{part}") for part in weak)
        return (self.text("bands.weak", parts=parts, band="C"),)

    def fail_band_notes(self) -> tuple[str, ...]:
        """Point each flagged section at its weakest banded sub-part (e.g. grammar C)."""
        flagged = self.student.flagged
        focus = tuple(note for section in flagged if (note := self.band_note(section)))
        return focus + self.weak_band_note(skip=flagged)

    def band_note(self, section: Section) -> str | None:
        inside = [
            (part, band)
            for part, band, _, _ in self.student.bands
            if section.key in self.context.rules.part_sections[part]
        ]
        name = self.words.section(section.key)
        if not inside:
            return self.text("bands.no_band", section=name)
        worst = max((band for _, band in inside), key=lambda band: _BAND_ORDER.get(band, 0))
        if worst == "A":
            return None
        parts = self.words.join(self.text(f"band_parts.{part}") for part, band in inside if band == worst)
        return self.text("bands.focus", section=name, parts=parts, band=worst)

    def standing_block(self) -> Block | None:
        """The CEFR reference level and the estimated percentile: official-sitting passes only."""
        if self.mock:  # a school's mock is not on the JLPT's scale: neither figure applies
            return None
        lines = (*self.cefr_lines(), *self.percentile_lines())
        if not lines:
            return None
        heading = "cefr.heading" if self.shows_cefr() else "percentile.heading"
        return Block(self.text(heading), lines)

    def shows_cefr(self) -> bool:
        """Score reports carry a CEFR level from the first sitting the rules name (December 2025)."""
        return bool(self.student.cefr) and self.context.exam.reports_cefr(self.context.rules.cefr_first_sitting)

    def cefr_lines(self) -> tuple[str, ...]:
        cefr = self.student.cefr
        if not cefr or not self.shows_cefr():
            return ()
        return (self.text("cefr.line", cefr=cefr, meaning=self.text(f"cefr.{cefr}")),)

    def percentile_lines(self) -> tuple[str, ...]:
        """The estimate against the student's own region's figures, and what the official one is."""
        s = self.student
        region = s.region if s.region in ("domestic", "overseas") else self.context.region
        rank = self.context.percentiles.get(region, {}).get(s.level, {}).get(s.scored_total)
        if not self.context.percentile or rank is None:
            return ()
        estimate = self.text(
            "cefr.percentile",
            percent=min(99, int(rank + 0.5)),  # half up, as people round; never 100
            level=s.level,
            total=s.total,
            source=self.national_source(),
            region=self.text(f"regions.{region}"),
        )
        return estimate, self.text(f"percentile.note_{region}")

    def national_source(self) -> str:
        """'the official summary of results of the JLPT July 2018', in the sheet's language."""
        match = re.search(r"(\d{4})-(\d{2})", self.context.national_period)
        if not match:
            return self.context.national_label
        year, month = int(match.group(1)), int(match.group(2))
        return self.text("cefr.source", month_name=self.words.month(month), month=month, year=year)

    def pass_next_block(self) -> Block:
        level = self.student.level
        if self.mock:  # a mock brings no certificate and opens nothing: the real sitting is next
            lines: tuple[str, ...] = (
                *self.timing.nearest_closed(),
                self.text("pass.mock_ready", level=level, sitting=self.timing.target()),
            )
        else:
            lines = (
                self.text("pass.certificate", level=level),
                *self.next_level_lines(),
                self.text("pass.opens", level=level, facts=self.text(f"opens.{level}")),
            )
        return Block(self.text("pass.heading"), (*lines, self.text("pass.receptive_only")))

    def next_level_lines(self) -> tuple[str, ...]:
        """The level above, at the first sitting still open if ready, else the one after, after a rest."""
        position = LEVELS.index(self.student.level)
        if position == 0:
            return (self.text("pass.top_level"),)
        sentence = self.text(
            "pass.next_level",
            next_level=LEVELS[position - 1],
            sitting=self.timing.target(),
            later_date=self.timing.after_target(),
        )
        return (*self.timing.nearest_closed(), sentence)

    def fail_meaning_block(self) -> Block:
        s = self.student
        lines = [self.text("fail.mock_meaning" if self.mock else "fail.no_shame")]
        if s.failed and s.scored_total >= s.pass_mark:
            failed = self.words.sections(s.section(key) for key in s.failed)
            lines.append(self.text("fail.trap", total=s.total, pass_mark=s.pass_mark, sections=failed))
        return Block(self.text("fail.heading"), tuple(lines))

    def retake_block(self) -> Block:
        flagged = self.words.sections(self.student.flagged)
        entry = "fail.plan_next_mock" if self.mock else "fail.plan_next"
        return Block(
            self.text("fail.plan_heading"),
            (
                *self.timing.nearest_closed(),
                self.text(entry, sitting=self.timing.target()),
                self.study_split(),
                self.timing.mock_first(flagged),
            ),
        )

    def study_split(self) -> str:
        """Which sections to keep going and where the extra hours go."""
        s, words = self.student, self.words
        flagged = s.flagged
        if not s.failed:
            shortfall = words.points(s.pass_mark - s.scored_total)
            if len(flagged) == len(s.sections):  # every section as strong as the others: none is the lowest
                return self.text("fail.plan_total_even", shortfall=shortfall)
            weakest = flagged[0]
            return self.text(
                "fail.plan_total",
                flagged=words.sections(flagged),
                score=weakest.score,
                maximum=weakest.maximum,
                shortfall=shortfall,
            )
        cleared = [section for section in s.sections if section.key not in s.failed]
        if cleared:
            return self.text("fail.plan_keep", cleared=words.sections(cleared), flagged=words.sections(flagged))
        worst = max(flagged, key=lambda section: section.points_below)
        return self.text("fail.plan_all_below", flagged=words.sections(flagged), worst=words.section(worst.key))

    def absent_block(self) -> Block:
        sat = [section for section in self.student.sections if section.score is not None]
        lines = [self.text("absent.explain_mock" if self.mock else "absent.explain")]
        if sat:
            lines.append(self.text("absent.sat", sections=self.words.sections(sat)))
        return Block(self.text("absent.heading"), tuple(lines))

    def absent_todo_block(self) -> Block:
        lines = (*self.timing.nearest_closed(), self.text("absent.todo", sitting=self.timing.target()))
        return Block(self.text("absent.todo_heading"), lines)

    # footer ------------------------------------------------------------------------

    def footer(self) -> tuple[str, ...]:
        context = self.context
        if context.school:
            not_official = self.text("footer.not_official", school=context.school)
        else:
            not_official = self.text("footer.not_official_no_school")
        results = self.text("footer.mock") if self.mock else self.timing.results(self.student.region)
        registration = self.timing.registration_note() if self.mentions_registration() else ()
        issued = self.text("footer.issued", date=self.words.date(context.as_of))
        return (not_official, results, *registration, issued)

    def mentions_registration(self) -> bool:
        """Every sheet names a sitting to register for, except a real N1 pass (no level above)."""
        return self.mock or self.student.outcome is not Outcome.PASSED or self.student.level != LEVELS[0]


def _range_fields(letter: str, limits: dict[str, int]) -> dict[str, int]:
    """The band range entry of each letter takes only the limits it mentions."""
    wanted = {"a": ("a_min",), "b": ("a_min", "b_min"), "c": ("b_min",)}[letter]
    return {key: limits[key] for key in wanted}
