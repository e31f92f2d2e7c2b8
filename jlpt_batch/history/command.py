"""``jlpt-batch history``: list the exams in the store, print or export a student's or a class's
history, forget a student, remove an exam. Each returns the text to print; the CLI prints it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import polars as pl

from jlpt_batch.errors import HistoryError, HistoryNotWrittenError, OutputNotWrittenError, SettingsError
from jlpt_batch.exams import MOCK
from jlpt_batch.history.run_step import read_errors, reason
from jlpt_batch.history.store import ExamKey, HistoryStore
from jlpt_batch.rules import SECTION_KEYS
from jlpt_batch.settings import Given, checked, default_history_path, setting

# The columns of ``--student --format csv``, one row per exam.
STUDENT_COLUMNS = ("exam_kind", "exam_date", "exam_name", "level", *SECTION_KEYS, "total", "result")

# Headings of the terminal tables (the csv keeps the keys above).
_HEADINGS = {
    "exam_kind": "kind", "exam_date": "date", "exam_name": "name", "language_knowledge": "knowledge",
    "language_knowledge_reading": "knowledge+reading", "pass_rate": "pass rate",
}  # fmt: skip

_ACTIONS = ("student", "export", "forget", "remove_exam")


@dataclass(frozen=True)
class HistoryRequest:
    """What ``jlpt-batch history`` was asked to do, checked."""

    store: Path
    action: str | None  # one of _ACTIONS; None: list the exams
    value: object = None  # the action's value (a student id, a file, an exam)
    csv: bool = False
    class_name: str | None = None
    level: str | None = None
    exam_name: str | None = None


def resolve_request(given: Given) -> HistoryRequest:
    """Check the history command's options: at most one action, and only the options it takes."""
    values = {item: checked(setting(item), given) for item in (*_ACTIONS, "format", "class_name", "level", "exam_name")}
    actions = [action for action in _ACTIONS if values[action] is not None]
    if len(actions) > 1:
        raise SettingsError(f"{' and '.join(_option(a) for a in actions)} cannot be used together; give one of them")
    action = actions[0] if actions else None
    _check_options_fit(action, values)
    store = cast("Path | None", checked(setting("history"), given)) or default_history_path(given.settings_file_path)
    return HistoryRequest(
        store=store,
        action=action,
        value=values[action] if action else None,
        csv=values["format"] == "csv",
        class_name=cast("str | None", values["class_name"]),
        level=cast("str | None", values["level"]),
        exam_name=cast("str | None", values["exam_name"]),
    )


# Which options each action takes besides itself (None: the exam list).
_TAKES = {None: {"format"}, "student": {"format"}, "export": {"class_name", "level"},
          "forget": set(), "remove_exam": {"level", "exam_name"}}  # fmt: skip


def _check_options_fit(action: str | None, values: dict[str, object]) -> None:
    for key in ("format", "class_name", "level", "exam_name"):
        if values[key] is not None and key not in _TAKES[action]:
            takers = [_option(a) if a else "the exam list" for a, takes in _TAKES.items() if key in takes]
            raise SettingsError(f"{_option(key)} goes with {' or '.join(takers)}, not on its own here")


def _option(key: str) -> str:
    return setting(key).option


def run_history(request: HistoryRequest) -> str:
    """Do what was asked; the text to print."""
    store = HistoryStore(request.store)
    if not store.exists:
        raise HistoryError(
            f"there is no history store at {request.store} yet: a run records one there "
            "(give --history FILE, or --config FILE to look beside a settings file)"
        )
    if request.action in ("forget", "remove_exam"):
        with _write_errors(store.path):
            return _act(store, request)
    with read_errors(store.path):
        return _act(store, request)


@contextmanager
def _write_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, OSError) as error:
        raise HistoryNotWrittenError(
            f"the history store {path} could not be written ({reason(error)}); it is as it was: fix that and try again"
        ) from None


def _act(store: HistoryStore, request: HistoryRequest) -> str:
    if request.action == "student":
        return student_text(store, str(request.value), request.csv)
    if request.action == "forget":
        return forget_text(store, str(request.value))
    if request.action == "remove_exam":
        kind, day = cast("tuple[str, dt.date]", request.value)
        return remove_exam_text(store, kind, day, request.exam_name, request.level)
    if request.action == "export":
        return export_text(store, cast(Path, request.value), request.class_name, request.level)
    return exams_text(store, request.csv)


# ── the actions ───────────────────────────────────────────────────────────────


def exams_text(store: HistoryStore, csv: bool) -> str:
    """Every exam and level in the store: students, scored, passed and the pass rate (passed ÷ scored)."""
    exams = store.exams()
    rate = pl.when(pl.col("scored") > 0).then(pl.col("passed") / pl.col("scored"))
    if csv:
        return _csv(exams.with_columns(rate.round(4).alias("pass_rate")))
    shown = exams.with_columns((rate * 100).round(0).cast(pl.Int64).cast(pl.String).add("%").alias("pass_rate"))
    head = f"History store {store.path}: {exams.height} exam level(s), {store.student_count()} student(s)."
    return "\n".join([head, "", *_table(shown)]) if exams.height else f"{head} It holds no exams."


def student_text(store: HistoryStore, student_id: str, csv: bool) -> str:
    """One student's record, one row per exam, oldest first."""
    records = store.student(student_id)
    if records.height == 0:
        raise HistoryError(
            f"no records of student {student_id!r} in the history store {store.path}; check the id "
            "(the student number, or the candidate id when the file had none)"
        )
    rows = records.select(STUDENT_COLUMNS)
    if csv:
        return _csv(rows)
    latest = records.row(-1, named=True)
    head = (
        f"Student {student_id}: {records.height} exam(s); latest as {latest['name'] or '(no name)'}, "
        f"class {latest['class'] or '(none)'}, candidate {latest['candidate_id']}."
    )
    return "\n".join([head, "", *_table(rows)])


def forget_text(store: HistoryStore, student_id: str) -> str:
    removed = store.forget(student_id)
    if not removed:
        raise HistoryError(f"no records of student {student_id!r} in the history store {store.path}; nothing removed")
    return f"Forgot student {student_id}: {removed} record(s) removed from {store.path}."


def remove_exam_text(store: HistoryStore, kind: str, day: dt.date, name: str | None, level: str | None) -> str:
    exam = ExamKey(day, kind, name or "")
    if kind == MOCK and name is None:
        exam = ExamKey(day, kind, _only_mock_on(store, day))
    removed = store.remove_exam(exam, level)
    which = exam.label + (f" ({level})" if level else "")
    if not removed:
        raise HistoryError(f"no {which} in the history store {store.path}; `jlpt-batch history` lists its exams")
    return f"Removed {which}: {removed} record(s) from {store.path}."


def _only_mock_on(store: HistoryStore, day: dt.date) -> str:
    """The name of the one mock exam of that day; several need --exam-name to pick one."""
    names = store.mocks_on(day)
    if len(names) > 1:
        shown = ", ".join(repr(name) for name in names)
        raise HistoryError(f"the store has {len(names)} mock exams on {day}: {shown}; give --exam-name to pick one")
    return names[0] if names else ""


def export_text(store: HistoryStore, path: Path, class_name: str | None, level: str | None) -> str:
    from jlpt_batch.outputs.workbook.history_export import write_history_workbook  # openpyxl only when asked

    records = store.records(class_name, level)
    which = " and ".join(part for part in (class_name and f"class {class_name}", level) if part) or "every student"
    if records.height == 0:
        raise HistoryError(f"no student's latest exam in {store.path} was in {which}; nothing written")
    try:
        write_history_workbook(records, path, f"{which}, from {store.path}")
    except OSError as error:
        raise OutputNotWrittenError(f"{path} could not be written ({reason(error)}); choose another file") from None
    students = records["student_id"].n_unique()
    return f"Wrote the history of {which} ({students} student(s), {records.height} record(s)) to {path}."


# ── text ──────────────────────────────────────────────────────────────────────


def _csv(frame: pl.DataFrame) -> str:
    return frame.write_csv(line_terminator="\n").rstrip("\n")


def _table(frame: pl.DataFrame) -> list[str]:
    """A plain aligned table: numbers to the right, text to the left, empty for a missing value."""
    headings = [_HEADINGS.get(name, name) for name in frame.columns]
    cells = [[_cell(value) for value in row] for row in frame.iter_rows()]
    widths = [max(len(text) for text in column) for column in zip(headings, *cells, strict=True)]
    numeric = [dtype.is_numeric() or name == "pass_rate" for name, dtype in frame.schema.items()]
    return [_line(row, widths, numeric) for row in (headings, *cells)]


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _line(cells: Sequence[str], widths: Sequence[int], numeric: Sequence[bool]) -> str:
    return "  ".join(
        text.rjust(width) if right else text.ljust(width)
        for text, width, right in zip(cells, widths, numeric, strict=True)
    ).rstrip()
