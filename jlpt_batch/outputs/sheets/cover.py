"""What the teacher's cover of a class bundle says, in the administrator's language.

Pure: no reportlab. Each student's line gives the result and, for those who did not
pass, the reason in a few words (which floor and by how much, how far short of the
pass mark, which sections they missed); the class's rejected rows are listed below,
so a student whose row was rejected never silently disappears from the bundle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from jlpt_batch.admin_wording import AdminWords
from jlpt_batch.contract import Outcome
from jlpt_batch.outputs.sheets.context import SheetContext
from jlpt_batch.outputs.sheets.model import ABSENT_MARK, PAGE, PAGES, CoverModel
from jlpt_batch.outputs.sheets.student import Student

_HEADINGS = ("number", "candidate", "name", "level", "result", "total", "reason")
_NUMBERS = ("number", "total")  # right-aligned; a candidate id is text, however many digits it has


def build_cover(
    class_name: str | None,
    rows: Sequence[Mapping[str, Any]],
    context: SheetContext,
    part: tuple[int, int] = (1, 1),
    first_number: int = 1,
    rejected: Sequence[Mapping[str, Any]] = (),
) -> CoverModel:
    """The cover of a class bundle (or of part k of n of it): the judged ``rows`` in bundle
    order, and the class's ``rejected`` rows (each: candidate_id, name, level, source_row)."""
    words = AdminWords(context.admin)
    students = [Student.from_row(row, context.rules) for row in rows]
    return CoverModel(
        lang=words.lang,
        title=_title(words, class_name, part),
        subtitle=_subtitle(words, context),
        headings=_headings(words, context.exam.is_mock),
        rows=tuple(
            _student_line(number, student, words, context.exam.is_mock)
            for number, student in enumerate(students, start=first_number)
        ),
        summary=_summary(words, students, context.exam.is_mock),
        notes=_rejected_lines(words, rejected, context.workbook_written),
        numeric=tuple(name in _NUMBERS for name in _HEADINGS),
        # filled at drawing, once the pages are counted: markers no wording can contain
        page_numbers=words.text("cover.page", page=PAGE, pages=PAGES),
    )


def _headings(words: AdminWords, mock: bool) -> tuple[str, ...]:
    """The table's headings; a mock's totals are estimated from raw counts, and the heading says so."""
    return tuple(words.text(f"cover.heading_{name}{'_mock' if mock and name == 'total' else ''}") for name in _HEADINGS)


def _title(words: AdminWords, class_name: str | None, part: tuple[int, int]) -> str:
    title = words.text("cover.title", class_name=class_name) if class_name else words.text("cover.title_no_class")
    return title if part[1] == 1 else words.text("cover.part", title=title, part=part[0], parts=part[1])


def _subtitle(words: AdminWords, context: SheetContext) -> str:
    exam, date = words.exam(context.exam), words.date(context.as_of)
    if context.school:
        return words.text("cover.subtitle", school=context.school, exam=exam, date=date)
    return words.text("cover.subtitle_no_school", exam=exam, date=date)


def _summary(words: AdminWords, students: list[Student], mock: bool) -> str:
    outcomes = Counter(student.outcome for student in students)
    return words.text(
        "cover.summary_mock" if mock else "cover.summary",
        students=words.count("student", len(students)),
        passed=words.number(outcomes[Outcome.PASSED]),
        not_passed=words.number(outcomes[Outcome.NOT_PASSED]),
        not_scored=words.number(outcomes[Outcome.NOT_SCORED]),
    )


def _student_line(number: int, student: Student, words: AdminWords, mock: bool) -> tuple[str, ...]:
    total = ABSENT_MARK if student.total is None else str(student.total)
    result = words.outcome(student.outcome, mock)  # on a mock: at (or below) that mock's pass level
    return (str(number), student.candidate_id, student.name, student.level, result, total, reason(student, words))


def reason(student: Student, words: AdminWords) -> str:
    """Why a student did not pass, in a few words: each floor missed and by how much, the
    points short of the pass mark, or the sections missed. Empty for a pass."""
    if student.outcome is Outcome.PASSED:
        return ""
    if student.outcome is Outcome.NOT_SCORED:
        sections = words.join(words.section_short(section.key) for section in student.absent)
        return words.text("cover.reason_absent", sections=sections)
    parts = [
        words.text(
            "cover.reason_floor",
            section=words.section_short(key),
            score=student.section(key).score,
            points=words.count("point", student.section(key).points_below),
            floor=student.section(key).floor,
        )
        for key in student.failed
    ]
    short = student.pass_mark - student.scored_total
    if short > 0:
        parts.append(words.text("cover.reason_total", points=words.count("point", short), pass_mark=student.pass_mark))
    return words.text("cover.reason_separator").join(parts)


def _rejected_lines(words: AdminWords, rejected: Sequence[Mapping[str, Any]], workbook: bool) -> tuple[str, ...]:
    """'Not in this bundle: 00583, level N6 (input row 24), see the workbook's Rejected sheet', one per row."""
    if not rejected:
        return ()
    lines = [words.text("cover.not_in_bundle", rows=words.count("row", len(rejected)))]
    for row in rejected:
        values = {
            "candidate": row.get("candidate_id") or words.text("cover.no_id"),
            "name": words.text("cover.rejected_name", name=row["name"]) if row.get("name") else "",
            "level": row.get("level") or words.text("cover.no_level"),
            "row": row["source_row"],
        }
        if workbook:
            lines.append(words.text("cover.rejected_row", **values, tab=words.text("tabs.rejected")))
        else:
            lines.append(words.text("cover.rejected_row_csv", **values))
    return tuple(lines)
