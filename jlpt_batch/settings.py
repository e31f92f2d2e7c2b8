"""The one frozen settings object built at the CLI boundary and passed down (black's Mode)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from jlpt_batch.exams import Sitting, latest_sitting_on_or_before, next_sitting_after

Paper = Literal["a4", "letter"]
SortOrder = Literal["input", "id", "name"]
Region = Literal["all", "domestic", "overseas"]

DEFAULT_MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class Exam:
    """Which exam the scores come from: an official sitting or a school's mock exam."""

    sitting: Sitting
    mock_date: dt.date | None = None

    @classmethod
    def default_for(cls, as_of: dt.date) -> Exam:
        """With nothing said, the scores are from the latest sitting on or before as-of."""
        return cls(latest_sitting_on_or_before(as_of))

    @property
    def is_mock(self) -> bool:
        return self.mock_date is not None

    @property
    def date(self) -> dt.date:
        return self.mock_date or self.sitting.date

    def next_sitting(self) -> Sitting:
        """The official sitting a student should aim for next."""
        if self.mock_date is not None:
            return next_sitting_after(self.mock_date)
        return self.sitting.following()


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, decided once by the CLI (or a caller of the library)."""

    input_path: Path
    out_dir: Path
    sheet: str | None = None
    encoding: str | None = None
    write_sheets: bool = True
    write_workbook: bool = True
    force: bool = False
    max_rows: int = DEFAULT_MAX_ROWS
    as_of: dt.date = field(default_factory=dt.date.today)
    exam: Exam | None = None  # None: Exam.default_for(as_of)
    school: str = ""
    lang: str = "en"
    templates_dir: Path | None = None
    paper: Paper = "a4"
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    sort: SortOrder = "input"
    duplex: bool = False
    percentile: bool = False
    region: Region = "all"
    show_progress: bool = False

    @property
    def effective_exam(self) -> Exam:
        return self.exam or Exam.default_for(self.as_of)


def default_out_dir(input_path: Path) -> Path:
    """``./<input name>-results/`` in the current directory."""
    return Path.cwd() / f"{input_path.stem}-results"
