"""summary.xlsx: the cohort summary the administrator reads, compares and forwards.

Eight tabs: Overview, By level, By class, Results, Near misses, Distribution,
Progress, Rejected. Every figure comes from ``stats``; each tab's module only lays them out,
with the helpers of ``xlsx``.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from jlpt_batch.admin_wording import admin_wording
from jlpt_batch.contract import CohortRun
from jlpt_batch.outputs.workbook.distribution import distribution_tab
from jlpt_batch.outputs.workbook.levels import by_class_tab, by_level_tab
from jlpt_batch.outputs.workbook.near_misses import near_misses_tab
from jlpt_batch.outputs.workbook.overview import overview_tab
from jlpt_batch.outputs.workbook.progress import progress_tab
from jlpt_batch.outputs.workbook.rejected import rejected_tab
from jlpt_batch.outputs.workbook.results import results_tab
from jlpt_batch.outputs.workbook.xlsx import Book, printable, save
from jlpt_batch.settings import Settings
from jlpt_batch.stats import summarise

TABS = ("Overview", "By level", "By class", "Results", "Near misses", "Distribution", "Progress", "Rejected")


# ── the entry point ───────────────────────────────────────────────────────────


def write_workbook(run: CohortRun, path: Path, settings: Settings) -> None:
    """Write the cohort summary workbook to ``path`` (replaced if it exists)."""
    judged, rejections = printable(run.judged), printable(run.rejections)
    figures = summarise(judged, settings.region)
    book = Book(Workbook(write_only=True), settings.paper, admin_wording(settings.templates_dir).catalog("en"))
    overview_tab(book, run, figures, settings)
    by_level_tab(book, figures)
    by_class_tab(book, figures)
    bulk = [results_tab(book, judged), near_misses_tab(book, figures)]
    distribution_tab(book, figures)
    bulk.append(progress_tab(book, run))
    bulk.append(rejected_tab(book, rejections))
    save(book.workbook, path, settings.as_of, [rows for rows in bulk if rows is not None])
