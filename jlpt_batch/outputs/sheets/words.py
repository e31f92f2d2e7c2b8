"""The language-level helpers every sheet and cover uses: dates, months, units, lists, section names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from jlpt_batch.contract import Outcome
from jlpt_batch.exams import Exam
from jlpt_batch.outputs.sheets.student import Section
from jlpt_batch.outputs.sheets.wording import MONTHS, Catalog


class Words:
    """The language-level helpers shared by sheets and covers: dates, units, lists, names."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.text = catalog.text

    def date(self, day: dt.date) -> str:
        return self.text("dates.day", day=day.day, month=day.month, month_name=self.month(day.month), year=day.year)

    def early_month(self, year: int, month: int) -> str:
        return self.text("dates.early_month", month=month, month_name=self.month(month), year=year)

    def month(self, month: int) -> str:
        return self.text(f"months.{MONTHS[month - 1]}")

    def points(self, n: int) -> str:
        return self.text("units.point" if n == 1 else "units.points", n=n)

    def weeks(self, n: int) -> str:
        if n == 0:
            return self.text("units.under_a_week")
        return self.text("units.week" if n == 1 else "units.weeks", n=n)

    def join(self, items: Iterable[str]) -> str:
        """'A', 'A and B', 'A, B and C' in the language's own way."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        head = self.text("list.separator").join(items[:-1])
        return self.text("list.pair", first=head, second=items[-1])

    def section(self, key: str) -> str:
        return self.text(f"sections_short.{key}")

    def sections(self, sections: Iterable[Section]) -> str:
        return self.join(self.section(s.key) for s in sections)

    def exam_title(self, exam: Exam) -> str:
        if exam.mock_date is not None:
            return self.text("exam.mock", date=self.date(exam.mock_date), iso_date=exam.mock_date.isoformat())
        sitting = exam.sitting
        return self.text("exam.sitting", month_name=self.month(sitting.month), month=sitting.month, year=sitting.year)

    def result(self, outcome: Outcome) -> str:
        return self.text(f"result.{outcome.value}")  # result.passed, result.not_passed, result.not_scored
