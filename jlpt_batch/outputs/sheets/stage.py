"""The sheet stage: one PDF per judged student and one print bundle per class.

Students are handed to worker processes a class at a time (reportlab is not
thread-safe, and a class is the unit of a bundle). A task writes its students'
own files and its class bundle from the same SheetModels; only counts and
warnings travel back, so memory stays flat however many students there are.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from jlpt_batch.contract import REJECTED, CohortRun
from jlpt_batch.messages import Message
from jlpt_batch.outputs.sheets.context import language_warnings, make_context
from jlpt_batch.outputs.sheets.plan import PRINT_FOLDER, SHEETS_FOLDER, plan_tasks, task_count
from jlpt_batch.outputs.sheets.progress import Progress, progress_for
from jlpt_batch.outputs.sheets.progress_block import with_earlier
from jlpt_batch.outputs.sheets.workers import WorkerSetup, merge_warnings, run_tasks
from jlpt_batch.settings import Settings

# Below this many students, starting worker processes costs more than it saves.
IN_PROCESS_BELOW = 60


@dataclass(frozen=True)
class SheetsOutcome:
    """What the sheet stage wrote, and what the user should be told about."""

    sheets_written: int
    bundles_written: int
    warnings: tuple[Message, ...]


def write_sheets(
    run: CohortRun, out_dir: Path, settings: Settings, *, progress: Progress | None = None
) -> SheetsOutcome:
    """Write ``out_dir/sheets/<id>.pdf`` for every PASS/FAIL row and ``out_dir/print/<class>.pdf``.

    Raises TemplateError (from the wording) before anything is drawn. ``progress``
    is called as students are done; without it, a bar is drawn on stderr when
    ``settings.show_progress`` is set.
    """
    context = make_context(settings)
    rejected = pl.col("result") == REJECTED
    students, not_judged = run.judged.filter(~rejected), run.judged.filter(rejected)
    if run.analysis:  # each marked student's questions to review, and what their indexes stand for
        students = students.join(run.analysis.review(), on="source_row", how="left", maintain_order="left")
        context = replace(context, mock_questions=run.analysis.questions())
    students = with_earlier(students, run.earlier)
    for folder in (SHEETS_FOLDER, PRINT_FOLDER):
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
    tasks = plan_tasks(students, out_dir, settings, not_judged)
    workers = min(settings.jobs, task_count(students, not_judged)) if students.height >= IN_PROCESS_BELOW else 1
    bar = progress_for(settings, students.height, progress)
    setup = WorkerSetup(context, settings.paper, settings.duplex)
    results = run_tasks(tasks, setup, workers, students.height, bar)
    warnings = [*context.warnings, *language_warnings(students["language"].to_list(), context)]
    warnings += merge_warnings(results)
    return SheetsOutcome(
        sheets_written=sum(result.sheets for result in results),
        bundles_written=sum(result.bundles for result in results),
        warnings=tuple(warnings),
    )
