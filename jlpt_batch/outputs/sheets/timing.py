"""A sheet's sentences about time: which sitting to aim for, its registration, the weeks left, when results come.

Applications close months before a sitting, so a sheet never points at a sitting the
student can no longer enter without saying so: it names the first sitting still open for
registration, with its deadline, counts the weeks of study to it, and says plainly when
the nearer sitting is only for those already registered.
"""

from __future__ import annotations

import datetime as dt

from jlpt_batch.exams import weeks_between
from jlpt_batch.outputs.sheets.context import SheetContext
from jlpt_batch.outputs.sheets.words import Words

MOCK_LEAD_WEEKS = 3  # fewer weeks than this before registration closes: no time for a mock test first
RESULTS_EARLY_DAYS = 10  # "early September" is 1-10 September; results are counted as sent after that


class Timing:
    """The time-related wording of one sheet, from the run's dates and the sheet's language."""

    def __init__(self, words: Words, context: SheetContext) -> None:
        self.words = words
        self.text = words.text
        self.context = context
        self.sittings = context.sittings

    def weeks_to(self, day: dt.date) -> str:
        return self.words.weeks(weeks_between(self.context.as_of, day))

    def target(self) -> str:
        """'the JLPT on 4 July 2027, 28 weeks from now (registration 24 March to 17 April 2027)'."""
        s, date = self.sittings, self.words.date
        values = {"date": date(s.target.date), "weeks": self.weeks_to(s.target.date), "closes": date(s.closes)}
        if s.registration_open:
            return self.text("sitting.open", **values)
        return self.text("sitting.opens_later", **values, period=self.words.period(s.opens, s.closes))

    def nearest_closed(self) -> tuple[str, ...]:
        """The sentence saying the nearer sitting is only for those registered, when it is."""
        s = self.sittings
        if not s.nearest_closed:
            return ()
        day = s.nearest.date
        return (self.text("sitting.closed", date=self.words.date(day), weeks=self.weeks_to(day)),)

    def after_target(self) -> str:
        """The date of the sitting after the target: the one to aim for after a rest."""
        return self.words.date(self.sittings.after_target.date)

    def mock_first(self, flagged: str) -> str:
        """A timed mock test before committing to the sitting, if registration leaves time for one."""
        closes = self.sittings.closes
        if weeks_between(self.context.as_of, closes) >= MOCK_LEAD_WEEKS:
            return self.text("fail.plan_mock", flagged=flagged, closes=self.words.date(closes))
        return self.text("fail.plan_mock_late", flagged=flagged, closes=self.words.date(closes))

    def registration_note(self) -> tuple[str, ...]:
        """Fine print when the dates are the usual ones in Japan rather than the school's own."""
        return () if self.context.registration.school_set else (self.text("footer.registration_usual"),)

    def results(self, region: str | None) -> str:
        """When the mailed score report comes (or came), for where this student sat if known."""
        exam = self.words.exam_title(self.context.exam)
        (dom_year, dom_month), (over_year, over_month) = self.context.exam.sitting.results_months()
        domestic, overseas = self._mailed(dom_year, dom_month), self._mailed(over_year, over_month)
        if region == "domestic":
            return self.text("footer.results_domestic", exam=exam, domestic=domestic)
        if region == "overseas":
            return self.text("footer.results_overseas", exam=exam, overseas=overseas)
        return self.text("footer.results_both", exam=exam, domestic=domestic, overseas=overseas)

    def _mailed(self, year: int, month: int) -> str:
        """'due in early September 2026', or 'sent in early September 2026' once that is past."""
        sent = self.context.as_of > dt.date(year, month, RESULTS_EARLY_DAYS)
        entry = "dates.results_sent" if sent else "dates.results_due"
        return self.text(entry, month=month, month_name=self.words.month(month), year=year)
