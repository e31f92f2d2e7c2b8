"""JLPT sittings (the first Sunday of July and of December, and when results arrive) and the exam a run is about."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SITTING_MONTHS = (7, 12)

# The kinds of exam (results.csv's exam_kind): an official sitting, or a school's mock exam.
SITTING, MOCK = "sitting", "mock"

# Score reports are mailed only; months are (in Japan, overseas) for each sitting month.
RESULT_MONTHS = {7: (9, 10), 12: (2, 3)}


def first_sunday(year: int, month: int) -> dt.date:
    """The first Sunday of a month: the day a JLPT sitting is held."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7)


@dataclass(frozen=True, order=True)
class Sitting:
    """One official JLPT sitting (July or December of a year)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if self.month not in SITTING_MONTHS:
            raise ValueError(f"a JLPT sitting is in July or December, not month {self.month}")

    @property
    def date(self) -> dt.date:
        return first_sunday(self.year, self.month)

    def following(self) -> Sitting:
        """The sitting after this one."""
        if self.month == 7:
            return Sitting(self.year, 12)
        return Sitting(self.year + 1, 7)

    def results_months(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """(year, month) the score report arrives: (in Japan, overseas)."""
        year = self.year + (1 if self.month == 12 else 0)
        domestic, overseas = RESULT_MONTHS[self.month]
        return (year, domestic), (year, overseas)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


def parse_sitting(text: str) -> Sitting:
    """Read ``YYYY-MM`` (July or December) into a Sitting; ValueError says what is wrong."""
    try:
        year_text, month_text = text.strip().split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        raise ValueError(f"sitting {text!r} is not YYYY-MM, e.g. 2026-12") from None
    return Sitting(year, month)


def latest_sitting_on_or_before(day: dt.date) -> Sitting:
    """The most recent sitting held on or before ``day``."""
    candidates = [Sitting(year, month) for year in (day.year - 1, day.year) for month in SITTING_MONTHS]
    return max(s for s in candidates if s.date <= day)


def next_sitting_after(day: dt.date) -> Sitting:
    """The first sitting held strictly after ``day``."""
    candidates = [Sitting(year, month) for year in (day.year, day.year + 1) for month in SITTING_MONTHS]
    return min(s for s in candidates if s.date > day)


def weeks_between(start: dt.date, end: dt.date) -> int:
    """Whole weeks from start to end (0 when end is not later)."""
    return max(0, (end - start).days // 7)


@dataclass(frozen=True)
class Exam:
    """Which exam the scores come from: an official sitting or a school's mock exam."""

    sitting: Sitting
    mock_date: dt.date | None = None

    @classmethod
    def default_for(cls, as_of: dt.date) -> Exam:
        """With nothing said, the scores are from the latest sitting on or before as-of."""
        return cls(latest_sitting_on_or_before(as_of))

    @classmethod
    def chosen(cls, sitting: Sitting | None, mock_date: dt.date | None, as_of: dt.date) -> Exam:
        """The exam a run names: a mock exam on its date, else a sitting, else the latest sitting."""
        if mock_date is not None:
            return cls(sitting or cls.default_for(mock_date).sitting, mock_date)
        return cls(sitting) if sitting else cls.default_for(as_of)

    @property
    def is_mock(self) -> bool:
        return self.mock_date is not None

    @property
    def kind(self) -> str:
        """``mock`` or ``sitting``, as results.csv says on every row."""
        return MOCK if self.is_mock else SITTING

    @property
    def date(self) -> dt.date:
        return self.mock_date or self.sitting.date

    def next_sitting(self) -> Sitting:
        """The official sitting a student should aim for next."""
        if self.mock_date is not None:
            return next_sitting_after(self.mock_date)
        return self.sitting.following()
