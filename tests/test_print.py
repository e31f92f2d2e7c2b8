"""summary.xlsx printed from LibreOffice as it is saved, checked page by page from the printed text.

Run on the sample cohort in English on A4 and in Japanese on Letter: one conversion each
(a few seconds). Skipped, saying how to install it, where LibreOffice is missing;
.ci/run installs it, so CI always runs these.
"""

from __future__ import annotations

import csv
import re
import subprocess
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner
from libreoffice import footer, page_texts, require_libreoffice, squeezed, to_pdf

from jlpt_batch.admin_wording import admin_catalog
from jlpt_batch.cli import main
from jlpt_batch.outputs.workbook.writer import TABS

require_libreoffice()

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "cohort.xlsx"
PAGE_NUMBER = re.compile(r"(\d+) / (\d+)")
ID_LINE = re.compile(r"^\s*(?:\d+\s+)?(\d{5})\s")  # a row of Results, or of Near misses after its priority
MOST_PAGES = 40


@dataclass(frozen=True)
class Printed:
    lang: str
    pdf: Path
    pages: list[tuple[str, str]]  # (tab, text) of every printed page
    names: dict[str, set[str]]  # candidate id -> the names it has in results.csv

    def tab(self, key: str) -> str:
        return admin_catalog(self.lang).text(f"tabs.{key}")

    def of(self, key: str) -> list[str]:
        return [text for tab, text in self.pages if tab == self.tab(key)]


@pytest.fixture(scope="module", params=[("en", "a4"), ("ja", "letter")], ids=["en-a4", "ja-letter"])
def printed(request, tmp_path_factory) -> Printed:
    lang, paper = request.param
    out = tmp_path_factory.mktemp(f"print-{lang}") / "out"
    args = ["run", str(SAMPLE), "--out", str(out), "--no-sheets", "--as-of", "2026-09-14",
            "--school", "Sakura Japanese Language School", "--admin-lang", lang, "--paper", paper]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3, result.output  # the sample's deliberately bad rows
    pdf = to_pdf(out / "summary.xlsx", out.parent / "pdf")
    tabs = sorted((admin_catalog(lang).text(f"tabs.{key}") for key in TABS), key=len, reverse=True)
    pages = [(next((tab for tab in tabs if tab in footer(text)), "?"), text) for text in page_texts(pdf)]
    names: dict[str, set[str]] = {}
    with (out / "results.csv").open(encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            names.setdefault(row["candidate_id"], set()).add(squeezed(row["name"]))
    return Printed(lang, pdf, pages, names)


def test_the_sample_prints_on_at_most_40_pages(printed):
    assert len(printed.pages) <= MOST_PAGES


def test_every_page_says_page_x_of_y(printed):
    for number, (_, text) in enumerate(printed.pages, 1):
        assert (str(number), str(len(printed.pages))) in PAGE_NUMBER.findall(footer(text)), footer(text)


def test_every_page_names_its_tab_and_every_tab_prints(printed):
    tabs = [tab for tab, _ in printed.pages]
    assert "?" not in tabs
    assert set(tabs) == {printed.tab(key) for key in TABS}


@pytest.mark.parametrize("key", ["results", "near_misses"])
def test_every_page_of_a_long_table_shows_its_headings_and_each_row_s_id_and_name(printed, key):
    words = admin_catalog(printed.lang)
    headings = [squeezed(words.text(f"columns.{column}")) for column in ("candidate_id", "name")]
    pages = printed.of(key)
    assert pages
    for number, text in enumerate(pages, 1):
        assert all(heading in squeezed(text) for heading in headings), f"page {number} of {key} has no heading"
        rows = [match for line in text.splitlines() if (match := ID_LINE.match(line))]
        assert rows, f"page {number} of {key} shows no candidate"
        for match in rows:
            line = squeezed(match.string)
            assert any(name in line for name in printed.names[match.group(1)]), match.string


def test_no_row_of_the_long_tables_is_missing_from_the_paper(printed):
    printed_ids = {match.group(1) for text in printed.of("results") for line in text.splitlines()
                   if (match := ID_LINE.match(line))}  # fmt: skip
    assert printed_ids == {candidate for candidate in printed.names if candidate}


def test_the_n5_histogram_counts_whole_candidates(printed):
    """The sample has few N5 candidates per bin: an axis left to itself would show 0.5, 1.5, ..."""
    title = admin_catalog(printed.lang).text("distribution.bins_chart", level="N5", pass_mark=80)
    page = next(number for number, (_, text) in enumerate(printed.pages, 1) if squeezed(title) in squeezed(text))
    labels = y_axis_labels(printed.pdf, page)
    assert labels[0] == 0 and len(labels) >= 3
    assert all(label == int(label) for label in labels)  # whole candidates only
    assert len({b - a for a, b in pairwise(labels)}) == 1  # evenly spaced


def y_axis_labels(pdf: Path, page: int) -> list[float]:
    """The numbers of a chart's value axis: the rightmost column of right-aligned numbers on the page
    (the table's columns are to its left; the category labels each stand alone)."""
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    words = re.findall(r'xMax="([\d.]+)" yMax="([\d.]+)">(\d+(?:\.\d+)?)</word>', boxes)
    columns: dict[int, list[tuple[float, float]]] = {}
    for x_max, y_max, number in words:
        columns.setdefault(round(float(x_max)), []).append((float(y_max), float(number)))
    axis = columns[max(x for x, numbers in columns.items() if len(numbers) >= 3)]
    return [number for _, number in sorted(axis, reverse=True)]  # from the bottom up


MOCK_SAMPLE = SAMPLE.parent / "mock-responses.csv"
QUESTION_LINE = re.compile(r"^\s*(N[1-5])\s.*?\s(Q\d+)\s")  # a row of the Item analysis tab's questions


@pytest.fixture(scope="module")
def printed_mock(tmp_path_factory) -> tuple[list[str], set[tuple[str, str]]]:
    """The sample mock's Item analysis tab printed in Japanese: its pages' text, and every (level, question)."""
    out = tmp_path_factory.mktemp("print-mock") / "out"
    args = ["run", str(MOCK_SAMPLE), "--key", str(SAMPLE.parent / "mock-key.xlsx"), "--mock-date", "2026-11-15",
            "--out", str(out), "--no-sheets", "--admin-lang", "ja"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    pdf = to_pdf(out / "summary.xlsx", out.parent / "pdf")
    tab = admin_catalog("ja").text("tabs.items")
    pages = [text for text in page_texts(pdf) if tab in footer(text)]
    with (out / "items.csv").open(encoding="utf-8-sig") as handle:
        questions = {(row["level"], row["item"]) for row in csv.DictReader(handle)}
    return pages, questions


def test_every_page_of_the_item_analysis_shows_the_question_headings_and_every_question_prints(printed_mock):
    pages, questions = printed_mock
    words = admin_catalog("ja")
    headings = [words.text(f"items.{name}") for name in ("item", "answer", "discrimination", "point_biserial", "flags")]
    assert len(pages) >= 2  # the reliability and classes, then the questions on pages of their own
    printed = set()
    for number, text in enumerate(pages[1:], 2):
        assert all(heading in text for heading in headings), f"page {number} shows no question headings"
        printed |= {match.groups() for line in text.splitlines() if (match := QUESTION_LINE.match(line))}
    assert printed == questions
