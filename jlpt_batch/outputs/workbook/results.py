"""The Results tab: every row of results.csv, for filtering on screen and for printing.

The columns and rows are results.csv's, but a person reads them: outcomes, sections,
regions and languages are in the administrator's words, never our codes and keys.
"""

from __future__ import annotations

import polars as pl
from openpyxl.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from jlpt_batch.admin_wording import AdminWords, column_label
from jlpt_batch.contract import COLUMN_KEYS, Outcome
from jlpt_batch.exams import MOCK
from jlpt_batch.outputs.workbook.labels import (
    date_words,
    exam_kind_words,
    exam_words,
    language_words,
    outcome_words,
    region_value_words,
    section_list_words,
    yes_no,
)
from jlpt_batch.outputs.workbook.xlsx import (
    NOTE_FONT,
    OUTCOME_FILLS,
    TITLE_FONT,
    Book,
    BulkRows,
    Tab,
    display_width,
    display_width_expr,
    new_cell,
    unbreakable_width,
)

# Printed at a fixed scale: at 65% the id and name columns repeat on every page and the
# pages hold a readable band of rows (fitting to a number of pages wide varies with the fonts).
PRINT_SCALE = 65
HEADING_ROW = 3
WIDTHS = (6, 50)  # the narrowest and widest a column may be
PROSE_WIDTH = 40  # the rejection reason wraps at this width
SECTION_LIST_WIDTH = 28  # so do the lists of sections
EAST_ASIAN_HEADING = 8  # at least four characters of an East Asian heading on a line


def results_tab(book: Book, judged: pl.DataFrame) -> BulkRows | None:
    words = book.words
    frame = _results_frame(judged, words, book.mock)
    mock = judged.height > 0 and judged["exam_kind"][0] == MOCK
    labels = [column_label(words.catalog, key, mock=mock) for key in frame.columns]
    # the heading row and the columns that say who (id, name, romanised name) stay in view while
    # scrolling, and on every printed page
    who = get_column_letter(frame.columns.index("name_latin" if "name_latin" in frame.columns else "name") + 1)
    sheet = Tab(book, "results", _results_widths(frame, labels), fit=None, scale=PRINT_SCALE,
                freeze=f"{chr(ord(who) + 1)}{HEADING_ROW + 1}", title_columns=f"A:{who}")  # fmt: skip
    sheet.append([new_cell(sheet.ws, words.text("results.title"), font=TITLE_FONT)])
    legend = _legend(sheet, words, book.mock)
    fills = {"result": {text: cell.style_id for text, cell in legend.items() if cell is not None}}
    return sheet.bulk_table(frame, labels, words.text("results.none"), fills)


def _legend(sheet: Tab, words: AdminWords, mock: bool) -> dict[str, Cell | None]:
    """A row with a cell per outcome in its colour, then a note: the key to the Result column,
    whose cells share these styles. Each outcome spans as many columns as its words need."""
    cells: dict[str, Cell | None] = {}
    row: list[Cell | None] = []
    for outcome in Outcome:
        text = words.outcome(outcome, mock)
        cell = new_cell(sheet.ws, text, fill=OUTCOME_FILLS[outcome])
        cell.alignment = Alignment(horizontal="left", vertical="top", indent=1)
        cells[text] = cell
        span = _span(sheet.widths, len(row), display_width(text) + 3)
        if span > 1:
            first, last = get_column_letter(len(row) + 1), get_column_letter(len(row) + span)
            sheet.ws.merged_cells.add(f"{first}{sheet.next_row}:{last}{sheet.next_row}")
        row += [cell, *[None] * (span - 1)]
    sheet.append(
        [*row, new_cell(sheet.ws, words.text("results.legend_mock" if mock else "results.legend"), font=NOTE_FONT)]
    )
    return cells


def _span(widths: list[float], start: int, needed: float) -> int:
    """How many columns from ``start`` it takes to be ``needed`` wide."""
    span, width = 1, widths[start] if start < len(widths) else 9
    while width < needed and start + span < len(widths):
        width += widths[start + span]
        span += 1
    return span


def _results_frame(judged: pl.DataFrame, words: AdminWords, mock: bool) -> pl.DataFrame:
    """The contract's columns in results.csv's order, with codes and keys in words; the romanised
    name only when the file gave one (an empty column would cost every printed page its width)."""
    keys = [key for key in COLUMN_KEYS if key != "name_latin" or judged["name_latin"].is_not_null().any()]
    return judged.select(keys).with_columns(
        outcome_words(words, mock).alias("result"),
        section_list_words(words, "failed_sections"),
        section_list_words(words, "absent_sections"),
        region_value_words(words),
        language_words(words),
        yes_no(words, pl.col("scored")),
        exam_kind_words(words),
        exam_words(words, "previous_exam"),
        date_words(words, "previous_exam_date"),
    )


def _results_widths(frame: pl.DataFrame, labels: list[str]) -> list[float]:
    """Each column as wide as its longest value (or the longest word of its heading), within WIDTHS.

    East Asian characters count two; the reason and the section lists have a fixed width and wrap.
    """
    longest = frame.select(display_width_expr(pl.col(c).cast(pl.String)).max() for c in frame.columns).row(0)
    fixed = {"error": PROSE_WIDTH, "failed_sections": SECTION_LIST_WIDTH, "absent_sections": SECTION_LIST_WIDTH}
    narrowest, widest = WIDTHS
    widths: list[float] = []
    for key, label, value_width in zip(frame.columns, labels, longest, strict=True):
        # the heading's longest word; a heading in East Asian script breaks anywhere, so a few characters
        heading = unbreakable_width(label)
        if display_width(label) > len(label):
            heading = max(heading, min(display_width(label), EAST_ASIAN_HEADING))
        natural = min(max(value_width or 0, heading, narrowest) + 2, widest)
        widths.append(min(natural, fixed.get(key, widest)))
    return widths
