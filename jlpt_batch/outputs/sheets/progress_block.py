"""The progress block of a sheet: a student's earlier exams beside this one, a chart per section with
its floor, and one sentence on the change that matters most. Pure: no reportlab.

The change is measured against the *previous exam* (the latest before this one), and only
at the same level: the section that crossed its floor (down first: it needs acting on),
else the biggest change. A mock exam and a JLPT sitting are labelled as such everywhere,
since a mock's scores are not on the JLPT's scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from jlpt_batch.contract import EARLIER_SCHEMA, FAIL, PASS, EarlierExams, Outcome
from jlpt_batch.exams import MOCK
from jlpt_batch.outputs.sheets import EARLIER_SHOWN
from jlpt_batch.outputs.sheets.context import SheetContext
from jlpt_batch.outputs.sheets.model import ABSENT_MARK, ChartPoint, ProgressBlock, ProgressChart, ProgressRow
from jlpt_batch.outputs.sheets.student import Section, Student
from jlpt_batch.outputs.sheets.wording import Catalog
from jlpt_batch.outputs.sheets.words import Words
from jlpt_batch.rules import SECTION_KEYS

EARLIER_COLUMN = "earlier"  # the students' column holding each one's earlier exams, latest first

Exam = Mapping[str, Any]  # one exam as the table and the sentence need it (EARLIER_SCHEMA's fields)


def with_earlier(students: pl.DataFrame, earlier: EarlierExams | None) -> pl.DataFrame:
    """The students with an ``earlier`` column: their latest earlier exams, latest first (or null)."""
    if earlier is None or earlier.exams.height == 0:
        return students
    fields = [name for name in EARLIER_SCHEMA.names() if name != "source_row"]
    lists = (
        earlier.exams.filter(pl.col("rank") <= EARLIER_SHOWN)
        .group_by("source_row")
        .agg(pl.struct(fields).sort_by("rank").alias(EARLIER_COLUMN))
    )
    return students.join(lists, on="source_row", how="left", maintain_order="left")


def progress_block(
    earlier: Sequence[Exam] | None, student: Student, catalog: Catalog, context: SheetContext
) -> ProgressBlock | None:
    """The block for a student with earlier exams (``earlier``: latest first); None without any."""
    if not earlier:
        return None
    return _ProgressWriter(catalog, context, student, list(reversed(earlier))).block()


class _ProgressWriter:
    """Words one student's progress block; ``earlier`` is oldest first."""

    def __init__(self, catalog: Catalog, context: SheetContext, student: Student, earlier: list[Exam]) -> None:
        self.words = Words(catalog)
        self.text = catalog.text
        self.context = context
        self.student = student
        self.earlier = earlier
        self.now = self._this_exam()

    def block(self) -> ProgressBlock:
        exams = [*self.earlier, self.now]
        kinds = {exam["exam_kind"] for exam in exams}
        notes = [self.change_sentence()]
        if len(kinds) > 1:
            notes.append(self.text("progress.scale_note"))
        return ProgressBlock(
            heading=self.text("progress.heading"),
            headings=self.headings(),
            rows=tuple(ProgressRow(self.cells(exam), exam is self.now) for exam in exams),
            charts=self.charts(),
            legend=tuple((kind == MOCK, self.text(f"progress.legend_{kind}")) for kind in sorted(kinds, reverse=True)),
            floor_legend=self.text("progress.legend_floor"),
            notes=tuple(notes),
        )

    def _this_exam(self) -> Exam:
        exam, s = self.context.exam, self.student
        scores = {section.key: section.score for section in s.sections}
        result = PASS if s.outcome is Outcome.PASSED else FAIL
        return {"exam_kind": exam.kind, "exam_date": exam.date, "exam_name": exam.name, "level": s.level,
                **scores, "total": s.total, "result": result}  # fmt: skip

    # the table ----------------------------------------------------------------------

    def section_keys(self) -> tuple[str, ...]:
        """The sections of every level in the table, in rule order."""
        levels = {exam["level"] for exam in (*self.earlier, self.now)}
        rules = self.context.rules
        return tuple(key for key in SECTION_KEYS if any(rules.level(level).section(key) for level in levels))

    def headings(self) -> tuple[str, ...]:
        sections = tuple(self.text(f"progress.sections.{key}") for key in self.section_keys())
        first = tuple(self.text(f"progress.heading_{name}") for name in ("exam", "date", "level"))
        return (*first, *sections, self.text("progress.heading_total"), self.text("progress.heading_result"))

    def cells(self, exam: Exam) -> tuple[str, ...]:
        rule = self.context.rules.level(exam["level"])
        scores = tuple("" if rule.section(key) is None else _score(exam.get(key)) for key in self.section_keys())
        return (self.kind(exam), self.date(exam["exam_date"]), exam["level"], *scores, _score(exam["total"]),
                self.result(exam))  # fmt: skip

    def kind(self, exam: Exam) -> str:
        if exam["exam_kind"] == MOCK and exam["exam_name"]:
            return self.text("progress.mock_named", exam_name=exam["exam_name"])
        return self.text(f"progress.{exam['exam_kind']}")

    def date(self, day: dt.date) -> str:
        words = self.words
        return self.text("progress.date", day=day.day, month=day.month, month_name=words.month(day.month),
                         year=day.year, iso_date=day.isoformat())  # fmt: skip

    def result(self, exam: Exam) -> str:
        """Passed or not; a mock only reaches the pass level or not (it is not a JLPT result)."""
        if exam["total"] is None:
            return self.text("progress.result_not_scored")
        passed = exam["result"] == PASS
        if exam["exam_kind"] == MOCK:
            return self.text("progress.mock_passed" if passed else "progress.mock_not_passed")
        return self.text("progress.result_passed" if passed else "progress.result_not_passed")

    # the charts ---------------------------------------------------------------------

    def charts(self) -> tuple[ProgressChart, ...]:
        """A chart per section of this level, over the exams at this level; none if this is the first."""
        same_level = [exam for exam in self.earlier if exam["level"] == self.student.level]
        if not same_level:
            return ()
        exams = [*same_level, self.now]
        return tuple(self.chart(section, exams) for section in self.student.sections)

    def chart(self, section: Section, exams: list[Exam]) -> ProgressChart:
        points = tuple(ChartPoint(exam.get(section.key), exam["exam_kind"] == MOCK, exam is self.now) for exam in exams)
        return ProgressChart(
            label=self.text(f"progress.sections.{section.key}"),
            maximum=section.maximum,
            floor=section.floor,
            floor_label=self.text("bars.floor", floor=section.floor),
            points=points,
        )

    # the sentence ---------------------------------------------------------------------

    def change_sentence(self) -> str:
        """The change that matters most since the previous exam."""
        previous, s = self.earlier[-1], self.student
        exam = self.exam_words(previous)
        if previous["level"] != s.level:
            return self.text("progress.other_level", exam=exam, previous_level=previous["level"], level=s.level)
        pairs = [
            (sec, previous[sec.key])
            for sec in s.sections
            if sec.score is not None and previous.get(sec.key) is not None
        ]
        if not pairs:
            return self.text("progress.no_comparison", exam=exam)
        fell = [(sec, then) for sec, then in pairs if then >= sec.floor > _sat(sec)]
        if fell:
            section, then = max(fell, key=lambda pair: pair[1] - _sat(pair[0]))
            return self.text("progress.fell_below", **self.fields(section, then, exam))
        rose = [(sec, then) for sec, then in pairs if then < sec.floor <= _sat(sec)]
        if rose:
            return self.crossed_up(*max(rose, key=lambda pair: _sat(pair[0]) - pair[1]), exam)
        return self.biggest_change(pairs, exam)

    def crossed_up(self, section: Section, then: int, exam: str) -> str:
        """Back above the floor, above it for the first time (said only when the store held every earlier
        exam), or simply above it now."""
        level = self.student.level
        earlier = [e[section.key] for e in self.earlier if e["level"] == level and e.get(section.key) is not None]
        everything_known = bool(self.earlier[-1]["all_earlier"])
        if any(score >= section.floor for score in earlier):
            return self.text("progress.back_above", **self.fields(section, then, exam))
        if everything_known:
            scores = self.text("progress.then").join(str(score) for score in earlier)
            return self.text("progress.first_above", **self.fields(section, then, exam), scores=scores)
        return self.text("progress.now_above", **self.fields(section, then, exam))

    def biggest_change(self, pairs: list[tuple[Section, int]], exam: str) -> str:
        section, then = max(pairs, key=lambda pair: abs(_sat(pair[0]) - pair[1]))  # the first in rule order on a tie
        change = _sat(section) - then
        if change == 0:
            return self.text("progress.same", exam=exam)
        entry = "progress.up" if change > 0 else "progress.down"
        return self.text(entry, **self.fields(section, then, exam), change=self.words.points(abs(change)))

    def fields(self, section: Section, then: int, exam: str) -> dict[str, object]:
        return {"section": self.words.section(section.key), "previous": then, "score": section.score,
                "floor": section.floor, "exam": exam}  # fmt: skip

    def exam_words(self, exam: Exam) -> str:
        """The previous exam as a sentence names it: 'the mock exam of 10 May 2026', 'the JLPT of July 2026'."""
        day: dt.date = exam["exam_date"]
        if exam["exam_kind"] == MOCK:
            return self.text("progress.exam_mock", date=self.words.date(day), exam_name=exam["exam_name"])
        return self.text(
            "progress.exam_sitting", month_name=self.words.month(day.month), month=day.month, year=day.year
        )


def _score(value: int | None) -> str:
    return ABSENT_MARK if value is None else str(value)


def _sat(section: Section) -> int:
    """The score of a section the student sat (the comparisons only look at those)."""
    if section.score is None:
        raise ValueError(f"{section.key} was not sat")
    return section.score
