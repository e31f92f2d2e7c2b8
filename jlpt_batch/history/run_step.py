"""What a run does with the history store: look up before the outputs, record after them.

The store is checked and read before anything is written (a store that is not ours, or
is newer, stops the run there), and this run's results are recorded only once the output
folder is complete and in place, in one transaction: an interrupted or failed run
leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from jlpt_batch import __version__
from jlpt_batch.contract import REJECTED, CohortRun
from jlpt_batch.errors import HistoryError, HistoryNotWrittenError, InterruptedRunError
from jlpt_batch.exams import Exam
from jlpt_batch.history.progress import look_up, with_previous
from jlpt_batch.history.store import RECORD_COLUMNS, ExamKey, HistoryStore, RunInfo
from jlpt_batch.messages import Message, message


def open_store(path: Path | None) -> HistoryStore | None:
    """The history store a run uses (None without one); HistoryError for a file that is not one we can use."""
    return None if path is None else HistoryStore(path)


def with_earlier_exams(cohort: CohortRun, store: HistoryStore, exam: Exam, shown: int) -> CohortRun:
    """The cohort with each student's latest ``shown`` earlier exams, and its history columns filled from them."""
    this = ExamKey.of(exam)
    with read_errors(store.path):
        recorded = [key for key in store.exams_of_input(cohort.source.sha256) if key != this]
        earlier = look_up(store, cohort.judged, this, shown)
    if recorded:  # e.g. a mock marked again on a later day without --mock-date: it would be a second exam
        raise HistoryError(
            "errors.history_same_file", file=cohort.source.path.name, exam=recorded[-1].exam(),
            store=str(store.path), this=exam,
        )  # fmt: skip
    return replace(cohort, judged=with_previous(cohort.judged, earlier), earlier=earlier)


@dataclass(frozen=True)
class Recorded:
    """What a run recorded in the history store."""

    store: Path
    exam: Exam
    students: int


def record(store: HistoryStore, cohort: CohortRun, exam: Exam, out_dir: Path) -> Recorded:
    """Record the cohort's judged students at ``exam``, in one transaction.

    Called once the outputs are in ``out_dir``, so every failure says they are there.
    """
    rows = cohort.judged.filter((pl.col("result") != REJECTED) & pl.col("student_id").is_not_null())
    source = cohort.source
    run = RunInfo(source.path.name, source.sha256, __version__, dt.datetime.now().astimezone())
    where = {"folder": str(out_dir), "store": str(store.path)}
    key = ExamKey.of(exam)
    try:
        return Recorded(store.path, exam, store.record(rows.select(RECORD_COLUMNS), key, run))
    except KeyboardInterrupt:
        raise InterruptedRunError("errors.history_interrupted", **where) from None
    except HistoryError as error:
        raise HistoryNotWrittenError("errors.history_not_recorded", **where, problem=error.message) from None
    except (sqlite3.Error, OSError) as error:
        raise HistoryNotWrittenError("errors.history_not_recorded_reason", **where, reason=reason(error)) from None


@contextmanager
def read_errors(path: Path) -> Iterator[None]:
    """A store that cannot be read (damaged, or kept busy too long) as one line."""
    try:
        yield
    except (sqlite3.Error, OSError) as error:
        raise HistoryError("errors.history_unreadable", store=str(path), reason=reason(error)) from None


def reason(error: BaseException) -> str | Message:
    """What went wrong with the store, in a few words (the system's own, unless we know better)."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
        return message("history.busy")
    return str(error) or type(error).__name__
