"""summary.xlsx: the cohort summary the administrator reads, compares and forwards.

Seven tabs: Overview, By level, By class, Results, Near misses, Distribution,
Rejected; a mock marked against its answer key adds Item analysis before Rejected.
Every figure comes from ``stats`` (and the item analysis); each tab's module only lays
them out, with the helpers of ``xlsx``.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from jlpt_batch.admin_wording import admin_wording
from jlpt_batch.contract import CohortRun
from jlpt_batch.outputs.workbook.distribution import distribution_tab
from jlpt_batch.outputs.workbook.items import items_tab
from jlpt_batch.outputs.workbook.levels import by_class_tab, by_level_tab
from jlpt_batch.outputs.workbook.near_misses import near_misses_tab
from jlpt_batch.outputs.workbook.overview import overview_tab
from jlpt_batch.outputs.workbook.rejected import rejected_tab
from jlpt_batch.outputs.workbook.results import results_tab
from jlpt_batch.outputs.workbook.xlsx import Book, printable, save
from jlpt_batch.settings import Settings
from jlpt_batch.stats import summarise

TABS = ("Overview", "By level", "By class", "Results", "Near misses", "Distribution", "Rejected")


# ── the entry point ───────────────────────────────────────────────────────────


def write_workbook(run: CohortRun, path: Path, settings: Settings) -> None:
    """Write the cohort summary workbook to ``path`` (replaced if it exists)."""
    judged, rejections = printable(run.judged), printable(run.rejections)
    figures = summarise(judged, settings.region)
    words = admin_wording(settings.templates_dir).catalog("en")
    book = Book(Workbook(write_only=True), settings.paper, words, mock=settings.effective_exam.is_mock)
    overview_tab(book, run, figures, settings)
    by_level_tab(book, figures)
    by_class_tab(book, figures)
    bulk = [results_tab(book, judged), near_misses_tab(book, figures)]
    distribution_tab(book, figures)
    items_tab(book, run)  # a mock marked against its key only
    bulk.append(rejected_tab(book, rejections))
    save(book.workbook, path, settings.as_of, [rows for rows in bulk if rows is not None])
