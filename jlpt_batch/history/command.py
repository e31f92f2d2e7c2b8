"""``jlpt-batch history``: list the exams in the store, print or export a student's or a class's
history, forget a student, remove an exam. Each returns the text to print, in the administrator's
language; the CLI prints it. ``--format csv`` keeps stable English keys and values for machines.
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

from jlpt_batch.admin_wording import AdminWords, admin_catalog, locale_language
from jlpt_batch.errors import HistoryError, HistoryNotWrittenError, OutputNotWrittenError, SettingsError
from jlpt_batch.exams import MOCK, Exam
from jlpt_batch.history.run_step import read_errors, reason
from jlpt_batch.history.store import ExamKey, HistoryStore
from jlpt_batch.messages import Message, message
from jlpt_batch.outputs.workbook.labels import stored_result_words
from jlpt_batch.rules import SECTION_KEYS
from jlpt_batch.settings import Given, checked, default_history_path, setting
from jlpt_batch.terminal import pad, terminal_width

# The columns of ``--student --format csv``, one row per exam.
STUDENT_COLUMNS = ("exam_kind", "exam_date", "exam_name", "level", *SECTION_KEYS, "total", "result")

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
    admin_lang: str = "en"  # the language of the listings and messages (not of the csv)


def resolve_request(given: Given) -> HistoryRequest:
    """Check the history command's options: at most one action, and only the options it takes."""
    values = {item: checked(setting(item), given) for item in (*_ACTIONS, "format", "class_name", "level", "exam_name")}
    actions = [action for action in _ACTIONS if values[action] is not None]
    if len(actions) > 1:
        raise SettingsError("errors.history_actions_together", options=tuple(_option(a) for a in actions))
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
        admin_lang=cast("str | None", checked(setting("admin_lang"), given)) or locale_language(),
    )


# Which options each action takes besides itself (None: the exam list).
_TAKES = {None: {"format"}, "student": {"format"}, "export": {"class_name", "level"},
          "forget": set(), "remove_exam": {"level", "exam_name"}}  # fmt: skip


def _check_options_fit(action: str | None, values: dict[str, object]) -> None:
    for key in ("format", "class_name", "level", "exam_name"):
        if values[key] is not None and key not in _TAKES[action]:
            takers = [_option(a) if a else message("history.exam_list") for a, takes in _TAKES.items() if key in takes]
            either = takers[0] if len(takers) == 1 else message("list.or", first=takers[0], second=takers[1])
            raise SettingsError("errors.history_option_alone", option=_option(key), takers=either)


def _option(key: str) -> str:
    return setting(key).option


def run_history(request: HistoryRequest) -> str:
    """Do what was asked; the text to print."""
    store = HistoryStore(request.store)
    if not store.exists:
        raise HistoryError("errors.history_no_store", store=str(request.store))
    words = AdminWords(admin_catalog(request.admin_lang))
    if request.action in ("forget", "remove_exam"):
        with _write_errors(store.path):
            return _act(store, request, words)
    with read_errors(store.path):
        return _act(store, request, words)


@contextmanager
def _write_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except (sqlite3.Error, OSError) as error:
        raise HistoryNotWrittenError("errors.history_not_written", store=str(path), reason=reason(error)) from None


def _act(store: HistoryStore, request: HistoryRequest, words: AdminWords) -> str:
    if request.action == "student":
        return student_text(store, str(request.value), request.csv, words)
    if request.action == "forget":
        return forget_text(store, str(request.value), words)
    if request.action == "remove_exam":
        kind, day = cast("tuple[str, dt.date]", request.value)
        return remove_exam_text(store, kind, day, request.exam_name, request.level, words)
    if request.action == "export":
        return export_text(store, cast(Path, request.value), request.class_name, request.level, words)
    return exams_text(store, request.csv, words)


# ── the actions ───────────────────────────────────────────────────────────────


def exams_text(store: HistoryStore, csv: bool, words: AdminWords) -> str:
    """Every exam and level in the store: students, scored, passed and the pass rate (passed ÷ scored)."""
    exams = store.exams()
    rate = pl.when(pl.col("scored") > 0).then(pl.col("passed") / pl.col("scored"))
    if csv:
        return _csv(exams.with_columns(rate.round(4).alias("pass_rate")))
    shown = exams.with_columns(rate.alias("pass_rate"))
    head = words.text(
        "history.exams",
        store=store.path,
        exams=words.count("exam_level", exams.height),
        students=words.count("student", store.student_count()),
    )
    if not exams.height:
        return f"{head} {words.text('history.no_exams')}"
    return "\n".join([head, "", *_table(shown, words)])


def student_text(store: HistoryStore, student_id: str, csv: bool, words: AdminWords) -> str:
    """One student's record, one row per exam, oldest first."""
    records = store.student(student_id)
    if records.height == 0:
        raise HistoryError("errors.history_no_student", student=student_id, store=str(store.path))
    rows = records.select(STUDENT_COLUMNS)
    if csv:
        return _csv(rows)
    rows = rows.with_columns(stored_result_words(words, "result", "total", pl.col("exam_kind") == MOCK))
    latest = records.row(-1, named=True)
    head = words.text(
        "history.student",
        student=student_id,
        exams=words.count("exam", records.height),
        name=latest["name"] or words.text("history.no_name"),
        class_name=latest["class"] or words.text("classes.none"),
        candidate=latest["candidate_id"],
    )
    return "\n".join([head, "", *_table(rows, words)])


def forget_text(store: HistoryStore, student_id: str, words: AdminWords) -> str:
    """Remove every record of one student; what was removed."""
    removed = store.forget(student_id)
    if not removed:
        raise HistoryError("errors.history_nothing_to_forget", student=student_id, store=str(store.path))
    return words.text("history.forgot", student=student_id, records=words.count("record", removed), store=store.path)


def remove_exam_text(
    store: HistoryStore, kind: str, day: dt.date, name: str | None, level: str | None, words: AdminWords
) -> str:
    """Remove one exam's records (of one level, or all); what was removed."""
    exam = ExamKey(day, kind, name or "")
    if kind == MOCK and name is None:
        exam = ExamKey(day, kind, _only_mock_on(store, day))
    removed = store.remove_exam(exam, level)
    which: Message | Exam = message("history.exam_at_level", exam=exam.exam(), level=level) if level else exam.exam()
    if not removed:
        raise HistoryError("errors.history_no_exam", exam=which, store=str(store.path))
    shown = which.text(words.catalog) if isinstance(which, Message) else words.exam(which)
    return words.text("history.removed", exam=shown, records=words.count("record", removed), store=store.path)


def _only_mock_on(store: HistoryStore, day: dt.date) -> str:
    """The name of the one mock exam of that day; several need --exam-name to pick one."""
    names = store.mocks_on(day)
    if len(names) > 1:
        shown = ", ".join(repr(name) for name in names)
        raise HistoryError("errors.history_several_mocks", count=len(names), date=day, names=shown)
    return names[0] if names else ""


def export_text(store: HistoryStore, path: Path, class_name: str | None, level: str | None, words: AdminWords) -> str:
    """Write the history of a class, a level or everyone to a workbook; what was written."""
    from jlpt_batch.outputs.workbook.history_export import write_history_workbook  # openpyxl only when asked

    records = store.records(class_name, level)
    which = _whose(class_name, level)
    if records.height == 0:
        raise HistoryError("errors.history_nothing_to_export", which=which, store=str(store.path))
    title = _worded(message("history.export_what", which=which, store=str(store.path)), words)
    try:
        write_history_workbook(records, path, title, words)
    except OSError as error:
        raise OutputNotWrittenError("errors.history_export_unwritten", file=str(path), reason=reason(error)) from None
    students = words.count("student", records["student_id"].n_unique())
    return words.text(
        "history.exported",
        which=_worded(which, words),
        students=students,
        records=words.count("record", records.height),
        file=path,
    )


def _whose(class_name: str | None, level: str | None) -> Message | str:
    """Whose history an export holds: a class, a level, a class at a level, or every student."""
    if class_name and level:
        return message("history.class_at_level", class_name=class_name, level=level)
    if class_name:
        return message("history.of_class", class_name=class_name)
    return level or message("history.everyone")


# ── text ──────────────────────────────────────────────────────────────────────


def _worded(value: Message | str, words: AdminWords) -> str:
    return value.text(words.catalog) if isinstance(value, Message) else value


def _csv(frame: pl.DataFrame) -> str:
    return frame.write_csv(line_terminator="\n").rstrip("\n")


def _headings(columns: Sequence[str], words: AdminWords) -> list[str]:
    """The terminal table's headings in the administrator's words (the csv keeps the keys)."""
    return [
        words.section_short(key) if key in (*SECTION_KEYS, "total") else words.text(f"history.heading_{key}")
        for key in columns
    ]


def _table(frame: pl.DataFrame, words: AdminWords) -> list[str]:
    """A plain aligned table: numbers to the right, text to the left, empty for a missing value."""
    headings = _headings(frame.columns, words)
    cells = [[_cell(key, value, words) for key, value in row.items()] for row in frame.iter_rows(named=True)]
    widths = [max(terminal_width(text) for text in column) for column in zip(headings, *cells, strict=True)]
    numeric = [dtype.is_numeric() for dtype in frame.schema.values()]
    return [_line(row, widths, numeric) for row in (headings, *cells)]


def _cell(key: str, value: object, words: AdminWords) -> str:
    """A value as a person reads it: the exam's kind, a date, a result and a rate in words."""
    if value is None:
        return ""
    if key == "exam_kind":
        return words.text(f"exam_kinds.{value}")
    if key == "pass_rate":
        return words.percent(cast(float, value))
    if isinstance(value, dt.date):
        return words.date(value)
    return str(value)


def _line(cells: Sequence[str], widths: Sequence[int], numeric: Sequence[bool]) -> str:
    return "  ".join(
        pad(text, width, left=not right) for text, width, right in zip(cells, widths, numeric, strict=True)
    ).rstrip()
