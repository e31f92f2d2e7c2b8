"""The Progress tab printed from LibreOffice as it is saved, after a year of exams: every page
carries the tab's headings, the id and name of each row it shows, and 'page X / Y'.

Skipped, saying how to install it, where LibreOffice is missing; .ci/run installs it.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from history_cohorts import DECEMBER, EXAMS, exam_csv
from libreoffice import footer, page_texts, require_libreoffice, squeezed, to_pdf

from jlpt_batch.admin_wording import admin_catalog
from jlpt_batch.cli import main

require_libreoffice()

PAGE_NUMBER = re.compile(r"(\d+) / (\d+)")
AS_OF = "2027-02-10"


@pytest.fixture(scope="module", params=["en", "ja"])
def progress_pages(request, tmp_path_factory) -> tuple[str, list[str]]:
    """The printed pages of the December sitting's Progress tab, in the administrator's language."""
    lang = request.param
    folder = tmp_path_factory.mktemp(f"progress-{lang}")
    store = folder / "jlpt-batch.db"
    for exam in EXAMS:
        out = folder / exam.name
        args = ["run", exam_csv(folder, exam), "--out", out, "--history", store, "--no-sheets", "--as-of", AS_OF,
                "--school", "さくら日本語学院", "--admin-lang", lang, *exam.options]  # fmt: skip
        result = CliRunner().invoke(main, [str(arg) for arg in args])
        assert result.exit_code == 0, result.output
    pdf = to_pdf(folder / DECEMBER.name / "summary.xlsx", folder / "pdf")
    tab = admin_catalog(lang).text("tabs.progress")
    return lang, [text for text in page_texts(pdf) if tab in footer(text)]


def test_every_progress_page_shows_the_headings_and_who_each_row_is(progress_pages):
    lang, pages = progress_pages
    words = admin_catalog(lang)
    headings = [squeezed(words.text(f"columns.{key}")) for key in ("candidate_id", "student_id", "name")]
    assert pages
    students = {candidate: squeezed(name) for candidate, name, *_ in DECEMBER.rows.values()}
    shown = set()
    for number, text in enumerate(pages, 1):
        assert all(heading in squeezed(text) for heading in headings), f"page {number} has no heading"
        for line in text.splitlines():
            candidate = line.split()[0] if line.split() else ""
            if candidate in students:
                assert students[candidate] in squeezed(line), line
                shown.add(candidate)
        assert PAGE_NUMBER.search(footer(text)), footer(text)
    new_this_time = {DECEMBER.rows["S007"][0]}  # no earlier exam: not in the table of changes
    assert shown == set(students) - new_this_time


def test_the_progress_tab_prints_on_few_pages(progress_pages):
    _, pages = progress_pages
    assert len(pages) <= 4  # eight students: two pages across, at most two down
