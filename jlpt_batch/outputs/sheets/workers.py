"""Running the sheet tasks, in this process or in worker processes, and what each task reports back.

reportlab is not thread-safe, so the parallelism is processes. Each task builds every
model once and draws it into the student's own file and into the class bundle; only
counts and warnings travel back.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
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
from jlpt_batch.outputs.sheets.text import ELLIPSIS


@dataclass(frozen=True)
class WorkerSetup:
    """What every worker needs before its first task: the run's wording, paper and duplex, its parent."""

    context: SheetContext
    paper: str
    duplex: bool
    parent: int = field(default_factory=os.getpid)  # the run's process: a worker ends when it does


@dataclass(frozen=True)
class TaskResult:
    """What a task reports back: counts and warnings, never the drawn pages."""

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
    if os.getpid() != setup.parent:
        _leave_interrupts_to_parent()
        end_with_parent(setup.parent)


def _leave_interrupts_to_parent() -> None:
    """A worker ignores Ctrl-C: the terminal sends it to the whole process group, and a worker
    interrupted while it starts or waits would print a traceback. The run's process stops the
    workers itself (``_run_in_pool``). SIGINT was held back since the worker was spawned
    (``_spawning``), so one pressed meanwhile is dropped here, not delivered."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _spawning() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back (not lost) while a worker may be spawned.

    Spawning writes the worker's start-up data down a pipe; a KeyboardInterrupt in the middle
    would leave the new worker reading half of it, and it would print a traceback. So the
    signals are noted and raised again once the spawn is done, and the new process starts
    with SIGINT blocked (``_leave_interrupts_to_parent`` then ignores it).
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield  # signal handlers belong to the main thread; elsewhere workers get no group signals
        return
    held: list[int] = []
    previous = {signum: signal.signal(signum, lambda signum, _: held.append(signum)) for signum in HELD_SIGNALS}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for noted in dict.fromkeys(held):  # each once, in the order they came
            signal.raise_signal(noted)


def _stop_workers() -> None:
    """End the workers at once (the run was interrupted or failed): nothing they draw is wanted,
    and the staging folder is removed only once none of them can write into it."""
    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(timeout=5)


PR_SET_PDEATHSIG = 1  # prctl option: the signal a process gets when its parent dies (Linux)
PARENT_CHECK_SECONDS = 1.0


def end_with_parent(parent: int) -> None:
    """End this worker when the run's process dies, however it dies (SIGKILL, power loss of the
    terminal): the kernel is asked to send SIGKILL (Linux), and a watch thread checks every second
    that the parent is still this process's parent (everywhere)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # the watch thread below still ends the worker
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)  # the parent is gone: nobody will collect this worker's work


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
            with _spawning():  # a submit may start a worker
                pending.add(pool.submit(_render, task))
            if len(pending) >= 2 * workers:
                pending = _collect(pending, finished, FIRST_COMPLETED)
        _collect(pending, finished, ALL_COMPLETED)
    except BaseException:
        _stop_workers()
        raise
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
            drawn = draw.write_sheet(model, student.sheet_path, setup.paper)
            sheets += 1
            names += _name_warning(student.row, model) + _shortened_warnings(student.row, drawn.shortened)
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


def _shortened_warnings(row: Mapping[str, Any], shortened: tuple[tuple[str, str], ...]) -> list[Message]:
    """A header value too long to print whole even small and wrapped: say so, with the row."""
    return [
        message(
            "sheets.shortened",
            row=str(row["source_row"]),
            candidate=row["candidate_id"],
            field=label,
            characters=len(value),
            ellipsis=ELLIPSIS,
        )
        for label, value in shortened
    ]


def _undrawable_wording(model: SheetModel) -> list[str]:
    """Characters of the wording (not the name) that no bundled font can draw."""
    texts = [model.school, model.exam_title, model.result_text, model.result_detail, *model.footer]
    texts += [label for label, _ in model.header_fields] + list(model.score_headings)
    texts += [text for block in model.blocks for text in (block.heading, *block.paragraphs)]
    texts += [text for row in model.score_rows for text in (row.label, row.threshold, row.margin)]
    texts += [text for bar in model.bars for text in (bar.label, bar.threshold_label)]
    return fonts.undrawable(" ".join(texts).replace(model.name, ""), model.lang)


def merge_warnings(results: list[TaskResult]) -> list[Message]:
    """The tasks' warnings as the run reports them: each name once, undrawable wording in one line."""
    warnings = [warning for result in results for warning in result.name_warnings]
    wording = sorted({char for result in results for char in result.undrawable_wording})
    if wording:
        characters = fonts.describe(wording)
        warnings.append(message("sheets.undrawable_wording", characters=characters, replacement=fonts.REPLACEMENT))
    return warnings
