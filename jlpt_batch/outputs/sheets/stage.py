"""The sheet stage: one PDF per judged student and one print bundle per class.

Students are handed to worker processes a class at a time (reportlab is not
thread-safe, and a class is the unit of a bundle). A task writes its students'
own files and its class bundle from the same SheetModels; only counts and
warnings travel back, so memory stays flat however many students there are.
"""

from __future__ import annotations

import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TextIO

import polars as pl

from jlpt_batch.contract import REJECTED, CohortRun
from jlpt_batch.outputs.sheets import content as feedback
from jlpt_batch.outputs.sheets import draw as pdf
from jlpt_batch.outputs.sheets import fonts
from jlpt_batch.settings import Settings

SHEETS_FOLDER = "sheets"
PRINT_FOLDER = "print"
NO_CLASS = "no-class"  # bundle name of the students whose class is empty
MAX_NAME_LENGTH = 100
# A class larger than this is split: its bundle in one task, its students' own files
# in tasks of this size, so one big class still keeps every worker busy.
FILES_PER_TASK = 100
# A class larger than this prints as several bundles of this many students each
# (<class>-part1.pdf, ...). A PDF canvas keeps every page in memory until it is saved,
# so this keeps a worker's memory flat however large a class (or a file with no class
# column) is; and a thousand sheets is already a large print job.
STUDENTS_PER_BUNDLE = 1000
# Below this many students, starting worker processes costs more than it saves.
IN_PROCESS_BELOW = 60
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}

Progress = Callable[[int, int], None]  # (students done, students in all)


@dataclass(frozen=True)
class SheetsOutcome:
    """What the sheet stage wrote, and what the user should be told about."""

    sheets_written: int
    bundles_written: int
    warnings: tuple[str, ...]


def write_sheets(
    run: CohortRun, out_dir: Path, settings: Settings, *, progress: Progress | None = None
) -> SheetsOutcome:
    """Write ``out_dir/sheets/<id>.pdf`` for every PASS/FAIL row and ``out_dir/print/<class>.pdf``.

    Raises TemplateError (from the wording) before anything is drawn. ``progress``
    is called as students are done; without it, a bar is drawn on stderr when
    ``settings.show_progress`` is set.
    """
    context = feedback.make_context(settings)
    students = run.judged.filter(pl.col("result") != REJECTED)
    for folder in (SHEETS_FOLDER, PRINT_FOLDER):
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
    tasks = _plan(students, out_dir, settings)
    workers = min(settings.jobs, _task_count(students)) if students.height >= IN_PROCESS_BELOW else 1
    bar = _progress_for(settings, students.height, progress)
    setup = _WorkerSetup(context, settings.paper, settings.duplex)
    results = _run_tasks(tasks, setup, workers, students.height, bar)
    warnings = [*context.warnings, *feedback.language_warnings(students["language"].to_list(), context)]
    warnings += _merge_warnings(results)
    return SheetsOutcome(
        sheets_written=sum(result.sheets for result in results),
        bundles_written=sum(result.bundles for result in results),
        warnings=tuple(warnings),
    )


# --- safe file names ---------------------------------------------------------------------


def safe_stem(text: str | None, fallback: str) -> str:
    """A file name stem from free text: letters, digits, ``-``, ``_`` and ``.`` only.

    Other characters become ``_``; leading dots are dropped (no hidden files, never
    ``.`` or ``..``) as are trailing dots (Windows drops them).
    """
    text = unicodedata.normalize("NFC", text or "")
    stem = "".join(char if char.isalnum() or char in "-_." else "_" for char in text)
    stem = stem[:MAX_NAME_LENGTH].strip(".")
    if not stem:
        return fallback
    return f"{stem}_" if stem.split(".")[0].upper() in _WINDOWS_RESERVED else stem


class UniqueNames:
    """Hands out stems, adding ``-2``, ``-3`` … on a collision (case-insensitive, as on Windows and macOS)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, stem: str) -> str:
        candidate, number = stem, 1
        while candidate.casefold() in self._taken:
            number += 1
            candidate = f"{stem}-{number}"
        self._taken.add(candidate.casefold())
        return candidate


def _sheet_stems(students: pl.DataFrame) -> list[str]:
    names = UniqueNames()
    ids, rows = students["candidate_id"].to_list(), students["source_row"].to_list()
    return [names.claim(safe_stem(cid, f"row-{row}")) for cid, row in zip(ids, rows, strict=True)]


# --- planning: classes, order, tasks ----------------------------------------------------------


@dataclass(frozen=True)
class _Student:
    row: dict
    sheet_path: str | None  # None: another task writes this student's own file


@dataclass(frozen=True)
class _Task:
    index: int
    class_name: str | None
    bundle_path: str | None  # None: this task writes only students' own files
    students: tuple[_Student, ...]  # in bundle order
    part: tuple[int, int] = (1, 1)  # this bundle is part k of n of its class
    first_number: int = 1  # the cover's number for the first of these students


def _plan(students: pl.DataFrame, out_dir: Path, settings: Settings) -> Iterator[_Task]:
    """Tasks class by class (classes in order of first appearance), rows in --sort order."""
    stems = pl.Series("sheet_stem", _sheet_stems(students), dtype=pl.String)
    with_stems = students.with_columns(stems)
    bundle_names = UniqueNames()
    index = 0
    for rows in with_stems.partition_by("class", maintain_order=True):
        class_name = rows["class"][0]
        stem = safe_stem(class_name, NO_CLASS)
        members = _sorted(_members(rows, out_dir), settings.sort)
        starts = range(0, len(members), STUDENTS_PER_BUNDLE)
        for number, start in enumerate(starts, start=1):
            name = stem if len(starts) == 1 else f"{stem}-part{number}"
            bundle = out_dir / PRINT_FOLDER / f"{bundle_names.claim(name)}.pdf"
            piece = members[start : start + STUDENTS_PER_BUNDLE]
            for task in _class_tasks(class_name, str(bundle), piece):
                yield _Task(index, *task, part=(number, len(starts)), first_number=start + 1)
                index += 1


def _members(part: pl.DataFrame, out_dir: Path) -> list[_Student]:
    sheets = out_dir / SHEETS_FOLDER
    stems = part["sheet_stem"].to_list()
    rows = part.drop("sheet_stem").iter_rows(named=True)
    return [_Student(row, str(sheets / f"{stem}.pdf")) for row, stem in zip(rows, stems, strict=True)]


def _class_tasks(class_name: str | None, bundle: str, members: list[_Student]):
    """One task for a class; a large class gets its bundle alone and its files in chunks."""
    if len(members) <= FILES_PER_TASK:
        yield class_name, bundle, tuple(members)
        return
    yield class_name, bundle, tuple(_Student(m.row, None) for m in members)
    for start in range(0, len(members), FILES_PER_TASK):
        yield class_name, None, tuple(members[start : start + FILES_PER_TASK])


def _sorted(members: list[_Student], order: str) -> list[_Student]:
    """Bundle order: as input, by candidate id, or by name (then id)."""
    keys = {"id": _id_key, "name": _name_key}
    return sorted(members, key=keys[order]) if order in keys else members


def _id_key(member: _Student) -> tuple:
    return _natural(member.row["candidate_id"])


def _name_key(member: _Student) -> tuple:
    return fonts.clean(member.row["name"] or "").casefold(), _id_key(member)


def _natural(text: str | None) -> tuple:
    """Sort key that puts ``9`` before ``10`` and keeps ``00123`` next to ``123``."""
    parts = re.split(r"(\d+)", text or "")
    return tuple((0, int(part), part) if part.isdigit() else (1, 0, part) for part in parts if part)


# --- running tasks, here or in worker processes ---------------------------------------------


@dataclass(frozen=True)
class _WorkerSetup:
    context: feedback.SheetContext
    paper: str
    duplex: bool


@dataclass(frozen=True)
class _TaskResult:
    index: int
    students: int  # students this task accounts for in the progress count
    sheets: int
    bundles: int
    name_warnings: tuple[str, ...]
    undrawable_wording: tuple[str, ...]


_worker: _WorkerSetup | None = None


def _init_worker(setup: _WorkerSetup) -> None:
    global _worker
    _worker = setup


def _task_count(students: pl.DataFrame) -> int:
    sizes = students.group_by("class").len()["len"].to_list()
    return sum(1 if size <= FILES_PER_TASK else 1 + -(-size // FILES_PER_TASK) for size in sizes)


def _run_tasks(
    tasks: Iterator[_Task], setup: _WorkerSetup, workers: int, total: int, progress: Progress
) -> list[_TaskResult]:
    """Run the tasks in ``workers`` processes (here, for one); results in task order."""
    done, results = 0, []

    def finished(result: _TaskResult) -> None:
        nonlocal done
        results.append(result)
        done += result.students
        progress(done, total)

    if workers <= 1:
        _init_worker(setup)
        for task in tasks:
            finished(_render(task))
    else:
        _run_in_pool(tasks, setup, workers, finished)
    return sorted(results, key=lambda result: result.index)


def _run_in_pool(tasks: Iterator[_Task], setup: _WorkerSetup, workers: int, finished) -> None:
    """Keep at most two tasks per worker in flight, so rows are not all pickled at once.

    Workers are spawned, not forked: polars' thread pool does not survive a fork.
    """
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_init_worker, initargs=(setup,))
    pending: set[Future] = set()
    try:
        for task in tasks:
            pending.add(pool.submit(_render, task))
            if len(pending) >= 2 * workers:
                pending = _collect(pending, finished, FIRST_COMPLETED)
        _collect(pending, finished, ALL_COMPLETED)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _collect(pending: set[Future], finished, return_when: str) -> set[Future]:
    done, still_pending = wait(pending, return_when=return_when)
    for future in done:
        finished(future.result())
    return still_pending


def _progress_share(task: _Task) -> int:
    """Students counted for this task: each student once, by the task writing their own file."""
    return sum(1 for student in task.students if student.sheet_path is not None)


def _render(task: _Task) -> _TaskResult:
    """Build every model of the task once and draw it into the student's file and the bundle."""
    setup = _worker
    rows = [student.row for student in task.students]
    bundle = None
    if task.bundle_path:
        cover = feedback.build_cover(task.class_name, rows, setup.context, task.part, task.first_number)
        bundle = pdf.Bundle(task.bundle_path, cover, setup.paper, setup.duplex)
    sheets, names, wording = 0, [], set()
    for student in task.students:
        model = feedback.build_sheet(student.row, setup.context)
        if student.sheet_path:
            pdf.write_sheet(model, student.sheet_path, setup.paper)
            sheets += 1
            names += _name_warning(student.row, model)
            wording.update(_undrawable_wording(model))
        if bundle:
            bundle.add(model)
    if bundle:
        bundle.save()
    bundles = int(bundle is not None)
    return _TaskResult(task.index, _progress_share(task), sheets, bundles, tuple(names), tuple(sorted(wording)))


# --- warnings ------------------------------------------------------------------------------------


def _name_warning(row: Mapping, model) -> list[str]:
    missing = fonts.undrawable(model.name, model.lang)
    if not missing:
        return []
    return [
        f"row {row['source_row']} (candidate {row['candidate_id']}): the name {model.name!r} has "
        f"characters no bundled font can draw ({fonts.describe(missing)}); the sheet prints "
        f"{fonts.REPLACEMENT} instead, results.csv keeps the name as written"
    ]


def _undrawable_wording(model) -> list[str]:
    """Characters of the wording (not the name) that no bundled font can draw."""
    texts = [model.school, model.exam_title, model.result_text, model.result_detail, *model.footer]
    texts += [label for label, _ in model.header_fields] + list(model.score_headings)
    texts += [text for block in model.blocks for text in (block.heading, *block.paragraphs)]
    texts += [text for row in model.score_rows for text in (row.label, row.threshold, row.margin)]
    texts += [text for bar in model.bars for text in (bar.label, bar.threshold_label)]
    return fonts.undrawable(" ".join(texts).replace(model.name, ""), model.lang)


def _merge_warnings(results: list[_TaskResult]) -> list[str]:
    warnings = [warning for result in results for warning in result.name_warnings]
    wording = sorted({char for result in results for char in result.undrawable_wording})
    if wording:
        warnings.append(
            f"the wording or school name has characters no bundled font can draw ({fonts.describe(wording)}); "
            f"the sheets print {fonts.REPLACEMENT} instead"
        )
    return warnings


# --- progress on stderr ---------------------------------------------------------------------------


def _progress_for(settings: Settings, total: int, given: Progress | None) -> Progress:
    if given is not None:
        return given
    if settings.show_progress and total:
        return ProgressBar(total)
    return lambda done, total: None


class ProgressBar:
    """A one-line bar on stderr, redrawn at most ten times a second and finished with a newline."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.width = width
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.width * done // max(total, 1)
        self.stream.write(f"\rsheets [{'#' * filled}{'-' * (self.width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
