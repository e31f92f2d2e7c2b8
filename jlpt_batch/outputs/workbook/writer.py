"""summary.xlsx: the cohort summary the administrator reads, compares, forwards and prints.

Eight tabs: Overview, By level, By class, Results, Near misses, Distribution,
Progress, Rejected, named and worded in the administrator's language; a mock marked against its
answer key adds Item analysis before Rejected. Every figure comes from ``stats`` (and the
item analysis); each tab's module only lays them out, with the helpers of ``xlsx``.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from jlpt_batch.admin_wording import AdminWords, admin_catalog
from jlpt_batch.contract import CohortRun
from jlpt_batch.outputs.workbook.distribution import distribution_tab
from jlpt_batch.outputs.workbook.items import items_tab
from jlpt_batch.outputs.workbook.levels import by_class_tab, by_level_tab
from jlpt_batch.outputs.workbook.near_misses import near_misses_tab
from jlpt_batch.outputs.workbook.overview import overview_tab
from jlpt_batch.outputs.workbook.progress import progress_tab
from jlpt_batch.outputs.workbook.rejected import rejected_tab
from jlpt_batch.outputs.workbook.results import results_tab
from jlpt_batch.outputs.workbook.xlsx import Book, Printing, footer_text, printable, save
from jlpt_batch.settings import Settings
from jlpt_batch.stats import summarise

# The tabs, in order, by the key of their name in the administrator's wording (tabs.*).
TABS = ("overview", "by_level", "by_class", "results", "near_misses", "distribution", "progress", "rejected")


# ── the entry point ───────────────────────────────────────────────────────────


def write_workbook(run: CohortRun, path: Path, settings: Settings) -> None:
    """Write the cohort summary workbook to ``path`` (replaced if it exists)."""
    judged, rejections = printable(run.judged), printable(run.rejections)
    figures = summarise(judged, settings.region)
    words = AdminWords(admin_catalog(settings.admin_lang, settings.templates_dir))
    book = Book(Workbook(write_only=True), words, printing(settings, words), mock=settings.effective_exam.is_mock)
    overview_tab(book, run, figures, settings)
    by_level_tab(book, figures, settings.effective_exam)
    by_class_tab(book, figures)
    bulk = [results_tab(book, judged), near_misses_tab(book, figures)]
    distribution_tab(book, figures)
    bulk.append(progress_tab(book, run))
    items_tab(book, run)  # a mock marked against its key only
    bulk.append(rejected_tab(book, rejections))
    rows = [rows for rows in bulk if rows is not None]
    save(book.workbook, path, settings.as_of, rows, words.text("workbook.title"))


def printing(settings: Settings, words: AdminWords) -> Printing:
    """The paper, and the footer of every page: school and exam, the tab's name, the date and 'page X / Y'."""
    exam = words.exam(settings.effective_exam)
    school = settings.school.strip()
    left = words.text("workbook.footer_left", school=school, exam=exam) if school else exam
    # &P and &N are the page and the number of pages (&A, in the centre, the tab's name): codes
    # put in after the words are escaped, so an '&' in the wording stays an '&'.
    right = words.text("workbook.footer_right", date=words.date(settings.as_of), page="\0P", pages="\0N")
    return Printing(settings.paper, footer_text(left), footer_text(right).replace("\0", "&"))
