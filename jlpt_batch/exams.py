"""JLPT sittings (the first Sunday of July and of December, when they take applications and
when results arrive) and the exam a run is about."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from jlpt_batch.messages import InvalidValue

SITTING_MONTHS = (7, 12)
SITTING_MONTH_NAMES = {"july": 7, "december": 12}  # as the settings name them

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
            raise InvalidValue("settings.sitting_month", month=str(self.month))

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
    """Read ``YYYY-MM`` (July or December) into a Sitting; InvalidValue (a ValueError) says what is wrong."""
    try:
        year_text, month_text = text.strip().split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        raise InvalidValue("settings.sitting_format", text=text) from None
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
    """Which exam the scores come from: an official sitting or a school's mock exam.

    The history store tells exams apart by kind, date and name (a school may name its
    mocks, e.g. two on one day); the level is each student's own.
    """

    sitting: Sitting
    mock_date: dt.date | None = None
    name: str = ""  # a mock's name (--exam-name), "" when it has none

    @classmethod
    def default_for(cls, as_of: dt.date) -> Exam:
        """With nothing said, the scores are from the latest sitting on or before as-of."""
        return cls(latest_sitting_on_or_before(as_of))

    @classmethod
    def chosen(cls, sitting: Sitting | None, mock_date: dt.date | None, as_of: dt.date, name: str = "") -> Exam:
        """The exam a run names: a mock exam on its date, else a sitting, else the latest sitting."""
        if mock_date is not None:
            return cls(sitting or cls.default_for(mock_date).sitting, mock_date, name)
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

    def reports_cefr(self, first_sitting: tuple[int, int]) -> bool:
        """Official score reports carry a CEFR reference level from ``first_sitting`` (year, month) on;
        a school's mock is not on the JLPT's scale, so it has none."""
        return not self.is_mock and (self.sitting.year, self.sitting.month) >= first_sitting

    def next_sitting(self) -> Sitting:
        """The official sitting a student should aim for next."""
        if self.mock_date is not None:
            return next_sitting_after(self.mock_date)
        return self.sitting.following()


# -- registration -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class MonthDay:
    """A day of the year without the year: 24 March."""

    month: int
    day: int

    def on_or_before(self, limit: dt.date) -> dt.date:
        """The latest date with this month and day, on or before ``limit`` (29 February: the 28th in other years)."""
        year = limit.year if (self.month, self.day) <= (limit.month, limit.day) else limit.year - 1
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        day = 28 if (self.month, self.day) == (2, 29) and not leap else self.day
        return dt.date(year, self.month, day)


@dataclass(frozen=True)
class Window:
    """When a sitting takes applications, as month-days: it opens, and it closes (the deadline)."""

    opens: MonthDay
    closes: MonthDay


_RANGE = re.compile(r"\s*(\d{1,2})-(\d{1,2})\s*\.\.\s*(\d{1,2})-(\d{1,2})\s*")


def parse_window(text: str) -> Window:
    """``"03-24..04-17"`` as a Window; InvalidValue (a ValueError) says what is wrong."""
    match = _RANGE.fullmatch(text)
    if not match:
        raise InvalidValue("settings.window_format")
    opens, closes = MonthDay(*map(int, match.group(1, 2))), MonthDay(*map(int, match.group(3, 4)))
    for day in (opens, closes):
        try:
            dt.date(2024, day.month, day.day)  # a leap year: 02-29 is a day
        except ValueError:
            shown = f"{day.month:02d}-{day.day:02d}"
            raise InvalidValue("settings.window_day", day=shown) from None
    return Window(opens, closes)


@dataclass(frozen=True)
class Registration:
    """When each sitting takes applications: the usual dates in Japan, or the school's own."""

    windows: Mapping[int, Window]  # sitting month (7, 12) -> its window
    school_set: bool = False  # False: the usual dates in Japan (sittings.toml), which move a little each year

    def dates(self, sitting: Sitting) -> tuple[dt.date, dt.date]:
        """(opens, closes) of a sitting: the window's latest dates before the sitting."""
        window = self.windows[sitting.month]
        closes = window.closes.on_or_before(sitting.date - dt.timedelta(days=1))
        return window.opens.on_or_before(closes), closes

    def with_windows(self, given: Mapping[int, Window]) -> Registration:
        """These windows for their sittings (the others unchanged), as the school's own."""
        return Registration({**self.windows, **given}, school_set=True)


@cache
def usual_registration() -> Registration:
    """The usual registration dates in Japan, from the package's sittings.toml."""
    text = resources.files("jlpt_batch").joinpath("sittings.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)["registration"]
    return Registration({SITTING_MONTH_NAMES[name]: parse_window(value) for name, value in table.items()})


@dataclass(frozen=True)
class NextSittings:
    """The sittings a sheet points at, seen from its date of issue.

    ``nearest`` is the first sitting after the date of issue (and after the exam);
    ``target`` the first one a student can still register for: ``nearest`` while its
    registration is open or yet to open, else a later one. Study weeks count to ``target``.
    """

    as_of: dt.date
    nearest: Sitting
    target: Sitting
    opens: dt.date  # the target's registration
    closes: dt.date

    @property
    def nearest_closed(self) -> bool:
        """The nearest sitting is only for those who have already registered for it."""
        return self.target != self.nearest

    @property
    def registration_open(self) -> bool:
        return self.opens <= self.as_of

    @property
    def after_target(self) -> Sitting:
        """The sitting after the target: the one to aim for after a rest."""
        return self.target.following()


def next_sittings(exam: Exam, as_of: dt.date, registration: Registration) -> NextSittings:
    """The nearest sitting and the first one still open for registration, from ``as_of``."""
    nearest = next_sitting_after(max(as_of, exam.date))
    target = nearest
    while registration.dates(target)[1] < as_of:
        target = target.following()
    opens, closes = registration.dates(target)
    return NextSittings(as_of, nearest, target, opens, closes)
