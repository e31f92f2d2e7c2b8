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

    def period(self, first: dt.date, last: dt.date) -> str:
        """'24 March to 17 April 2027' (the year once, where the language puts it), or two whole dates."""
        if first.year != last.year:
            return self.text("dates.period", first=self.date(first), last=self.date(last))
        return self.text(
            "dates.period_in_year",
            year=first.year,
            first_day=first.day,
            first_month=first.month,
            first_month_name=self.month(first.month),
            last_day=last.day,
            last_month=last.month,
            last_month_name=self.month(last.month),
        )

    def month(self, month: int) -> str:
        return self.text(f"months.{MONTHS[month - 1]}")

    def points(self, n: int) -> str:
        return self.text("units.point" if n == 1 else "units.points", n=n)

    def weeks(self, n: int) -> str:
        if n == 0:
            return self.text("units.under_a_week")
        return self.text("units.week" if n == 1 else "units.weeks", n=n)

    def join(self, items: Iterable[str]) -> str:
        """'A', 'A and B', 'A, B and C' in the language's own way.

        Korean joins with 과 after a final consonant and 와 after a vowel (언어지식과 독해,
        독해와 청해): ``list.pair_after_vowel`` is the form for a first part ending in a vowel.
        """
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        head = self.text("list.separator").join(items[:-1])
        entry = "list.pair_after_vowel" if _ends_in_vowel(head) else "list.pair"
        return self.text(entry, first=head, second=items[-1])

    def section(self, key: str) -> str:
        return self.text(f"sections_short.{key}")

    def sections(self, sections: Iterable[Section]) -> str:
        return self.join(self.section(s.key) for s in sections)

    def exam_title(self, exam: Exam) -> str:
        if exam.mock_date is not None:
            return self.text("exam.mock", date=self.date(exam.mock_date), iso_date=exam.mock_date.isoformat())
        sitting = exam.sitting
        return self.text("exam.sitting", month_name=self.month(sitting.month), month=sitting.month, year=sitting.year)

    def result(self, outcome: Outcome, mock: bool = False) -> str:
        """'Passed', 'Not passed', 'Not scored (absent)'; on a mock exam, at (or below) the pass level on it."""
        if mock and outcome is not Outcome.NOT_SCORED:
            return self.text(f"result.mock_{outcome.value}")  # result.mock_passed, result.mock_not_passed
        return self.text(f"result.{outcome.value}")  # result.passed, result.not_passed, result.not_scored


_HANGUL_SYLLABLES = range(0xAC00, 0xD7A4)
_FINAL_CONSONANTS = 28  # each Hangul syllable block: 19 initials x 21 vowels x 28 finals (the first: none)


def _ends_in_vowel(text: str) -> bool:
    """Whether text ends in a Hangul syllable with no final consonant (독해: yes; 언어지식: no)."""
    last = ord(text[-1]) if text else 0
    return last in _HANGUL_SYLLABLES and (last - _HANGUL_SYLLABLES.start) % _FINAL_CONSONANTS == 0
