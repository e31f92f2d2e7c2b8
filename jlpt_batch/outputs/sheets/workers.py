"""Running the sheet tasks, in this process or in worker processes, and what each task reports back.

reportlab is not thread-safe, so the parallelism is processes. Each task builds every
model once and draws it into the student's own file and into the class bundle; only
counts and warnings travel back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

from jlpt_batch.messages import Message, message
from jlpt_batch.outputs.sheets import draw, fonts
from jlpt_batch.outputs.sheets.content import build_sheet
from jlpt_batch.outputs.sheets.context import SheetContext
from jlpt_batch.outputs.sheets.cover import build_cover
from jlpt_batch.outputs.sheets.model import SheetModel
from jlpt_batch.outputs.sheets.plan import Task
from jlpt_batch.outputs.sheets.progress import Progress


@dataclass(frozen=True)
class WorkerSetup:
    context: SheetContext
    paper: str
    duplex: bool


@dataclass(frozen=True)
class TaskResult:
    index: int
    students: int  # students this task accounts for in the progress count
    sheets: int
    bundles: int
    name_warnings: tuple[Message, ...]
    undrawable_wording: tuple[str, ...]


Finished = Callable[["TaskResult"], None]  # told of each task's result as it comes

_worker: WorkerSetup | None = None


def _init_worker(setup: WorkerSetup) -> None:
    global _worker
    _worker = setup


def run_tasks(
    tasks: Iterator[Task], setup: WorkerSetup, workers: int, total: int, progress: Progress
) -> list[TaskResult]:
    """Run the tasks in ``workers`` processes (here, for one); results in task order."""
    done, results = 0, []

    def finished(result: TaskResult) -> None:
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


def _run_in_pool(tasks: Iterator[Task], setup: WorkerSetup, workers: int, finished: Finished) -> None:
    """Keep at most two tasks per worker in flight, so rows are not all pickled at once.

    Workers are spawned, not forked: polars' thread pool does not survive a fork.
    """
    pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_init_worker, initargs=(setup,))
    pending: set[Future[TaskResult]] = set()
    try:
        for task in tasks:
            pending.add(pool.submit(_render, task))
            if len(pending) >= 2 * workers:
                pending = _collect(pending, finished, FIRST_COMPLETED)
        _collect(pending, finished, ALL_COMPLETED)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _collect(pending: set[Future[TaskResult]], finished: Finished, return_when: str) -> set[Future[TaskResult]]:
    done, still_pending = wait(pending, return_when=return_when)
    for future in done:
        finished(future.result())
    return still_pending


def _progress_share(task: Task) -> int:
    """Students counted for this task: each student once, by the task writing their own file."""
    return sum(1 for student in task.students if student.sheet_path is not None)


def _render(task: Task) -> TaskResult:
    """Build every model of the task once and draw it into the student's file and the bundle."""
    setup = _worker
    if setup is None:
        raise RuntimeError("a sheet task ran in a process that was not set up for it")
    rows = [student.row for student in task.students]
    bundle = None
    if task.bundle_path:
        cover = build_cover(task.class_name, rows, setup.context, task.part, task.first_number, task.rejected)
        bundle = draw.Bundle(task.bundle_path, cover, setup.paper, setup.duplex)
    sheets, names, wording = 0, list[Message](), set[str]()
    for student in task.students:
        model = build_sheet(student.row, setup.context)
        if student.sheet_path:
            draw.write_sheet(model, student.sheet_path, setup.paper)
            sheets += 1
            names += _name_warning(student.row, model)
            wording.update(_undrawable_wording(model))
        if bundle:
            bundle.add(model)
    if bundle:
        bundle.save()
    bundles = int(bundle is not None)
    return TaskResult(task.index, _progress_share(task), sheets, bundles, tuple(names), tuple(sorted(wording)))


def _name_warning(row: Mapping[str, Any], model: SheetModel) -> list[Message]:
    missing = fonts.undrawable(model.name, model.lang)
    if not missing:
        return []
    warning = message(
        "sheets.undrawable_name",
        row=str(row["source_row"]),
        candidate=row["candidate_id"],
        name=model.name,
        characters=fonts.describe(missing),
        replacement=fonts.REPLACEMENT,
    )
    return [warning]


def _undrawable_wording(model: SheetModel) -> list[str]:
    """Characters of the wording (not the name) that no bundled font can draw."""
    texts = [model.school, model.exam_title, model.result_text, model.result_detail, *model.footer]
    texts += [label for label, _ in model.header_fields] + list(model.score_headings)
    texts += [text for block in model.blocks for text in (block.heading, *block.paragraphs)]
    texts += [text for row in model.score_rows for text in (row.label, row.threshold, row.margin)]
    texts += [text for bar in model.bars for text in (bar.label, bar.threshold_label)]
    return fonts.undrawable(" ".join(texts).replace(model.name, ""), model.lang)


def merge_warnings(results: list[TaskResult]) -> list[Message]:
    warnings = [warning for result in results for warning in result.name_warnings]
    wording = sorted({char for result in results for char in result.undrawable_wording})
    if wording:
        characters = fonts.describe(wording)
        warnings.append(message("sheets.undrawable_wording", characters=characters, replacement=fonts.REPLACEMENT))
    return warnings
