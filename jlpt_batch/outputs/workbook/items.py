"""The Item analysis tab of a mock marked against its key: reliability, classes by sub-part, every question."""

from __future__ import annotations

import polars as pl
from openpyxl.formatting.rule import DataBarRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from jlpt_batch.contract import CohortRun
from jlpt_batch.marking.analysis import (
    GROUP_PERCENT,
    LOW_DISCRIMINATION_BELOW,
    OPTION_COLUMNS,
    TOO_EASY_ABOVE,
    TOO_HARD_BELOW,
    MockAnalysis,
    class_part_shares,
)
from jlpt_batch.marking.answers import option_names, option_position
from jlpt_batch.outputs.workbook.labels import SECTION_LABELS
from jlpt_batch.outputs.workbook.xlsx import ONE_DECIMAL, PERCENT, Book, Column, Tab, new_cell
from jlpt_batch.rules import PARTS

ITEMS_TAB = "Item analysis"
TWO_DECIMALS = "0.00"
# room on the right, so that the words of the next column do not touch the number
PADDED_DECIMAL, PADDED_PERCENT = "0.0_)_)", "0.0%_)_)"
FLAG_WORDS = {
    "too_hard": "too hard",
    "too_easy": "too easy",
    "low_discrimination": "low discrimination",
    "check_key": "check the key",
}
FLAGGED_FILL = PatternFill("solid", fgColor="FFEB9C")  # any flag
CHECK_KEY_FILL = PatternFill("solid", fgColor="FFC7CE")  # possibly mis-keyed: changes every score
BAR_COLOUR = "5B9BD5"
KEYED_FONT = Font(bold=True)


def items_tab(book: Book, run: CohortRun) -> None:
    """The tab, when the run marked a mock against its key (nothing otherwise)."""
    analysis = run.analysis
    if analysis is None:
        return
    # The three tables share the columns: the questions' (18 of them) decide the widths.
    sheet = Tab(book, ITEMS_TAB, [8, 21, 12, 13, 11, 10, 11, 12, 10, 17, 15, 9, 9, 9, 9, 9, 9, 36])
    sheet.title(
        "Item analysis of the mock exam",
        f"Marked against the answer key {analysis.key_name}.",
        "Only students who were judged and sat a section count in its figures.",
        "Section scores of a mock are estimates, not JLPT scaled scores.",
    )
    _reliability_table(sheet, analysis)
    sheet.blank()
    _class_table(sheet, book, run.judged)
    sheet.blank()
    _question_table(sheet, analysis)


def _reliability_table(sheet: Tab, analysis: MockAnalysis) -> None:
    sheet.heading("Reliability of each section")
    sheet.note("KR-20: how consistently the questions of a section measure the same thing (0 to 1).")
    sheet.note("SEM: the standard error of measurement of the estimated score, in scaled points.")
    labelled = analysis.reliability.with_columns(
        pl.col("section").replace_strict(SECTION_LABELS, return_dtype=pl.String),
        pl.col("method").replace_strict(
            {"share": "share of points", "conversion table": "conversion table"}, return_dtype=pl.String
        ),
    )
    columns = (
        Column("level", "Level"),
        Column("section", "Section"),
        Column("questions", "Questions"),
        Column("possible", "Points possible"),
        Column("students", "Students who sat it"),
        Column("mean_points", "Mean points", ONE_DECIMAL),
        Column("kr20", "KR-20", TWO_DECIMALS),
        Column("sd", "SD of the estimate", ONE_DECIMAL),
        Column("sem", "SEM (scaled points)", PADDED_DECIMAL),
        Column("method", "Estimated from"),
    )
    sheet.table(labelled, columns, "none: no section was marked.")


def _class_table(sheet: Tab, book: Book, judged: pl.DataFrame) -> None:
    sheet.heading("Share of questions answered correctly, by class")
    sheet.note("Per sub-part, over the judged students of the class who sat the section it belongs to.")
    shares = class_part_shares(judged).with_columns(pl.col("class").fill_null(book.words.text("classes.none")))
    columns = (
        Column("class", "Class"),
        Column("level", "Level"),
        Column("students", "Students"),
        *(Column(part, f"{part.title()} (%)", PERCENT) for part in PARTS),
    )
    sheet.table(shares, columns, "none: no student was judged.")


def _question_columns(analysis: MockAnalysis) -> tuple[Column, ...]:
    names = option_names(analysis.letters)
    return (
        Column("level", "Level"),
        Column("section", "Section"),
        Column("part", "Part"),
        Column("item", "Question"),
        Column("answer", "Key"),
        Column("points", "Points"),
        Column("students", "Students"),
        Column("answered", "Answered"),
        Column("facility", "Facility (%)", PERCENT),
        Column("discrimination", "Discrimination", TWO_DECIMALS),
        Column("point_biserial", "Point-biserial", TWO_DECIMALS),
        *(Column(option, f"Chose {name} (%)", PERCENT) for option, name in zip(OPTION_COLUMNS, names, strict=True)),
        Column("double_marked", "Two marks (%)", PERCENT),
        Column("blank", "Blank (%)", PADDED_PERCENT),
        Column("flags", "Flags"),
    )


def _question_table(sheet: Tab, analysis: MockAnalysis) -> None:
    sheet.heading("Every question")
    for note in (
        "Facility: the share who got it right.",
        f"Discrimination: facility in the top {GROUP_PERCENT}% of the section's raw totals minus the bottom "
        f"{GROUP_PERCENT}%. Point-biserial: how getting it right goes with the rest of the section.",
        "The keyed option's share is in bold; every share has a bar.",
        f"Flags: too hard (facility under {TOO_HARD_BELOW:.0%}), too easy (over {TOO_EASY_ABOVE:.0%}), "
        f"low discrimination (under {LOW_DISCRIMINATION_BELOW:.2f}).",
        "Check the key (in red): negative discrimination, or the top group chose a wrong option more often "
        "than the key. If the key is wrong, correct it and run again.",
    ):
        sheet.note(note)
    columns = _question_columns(analysis)
    sheet.header([column.label for column in columns])
    first = sheet.next_row
    for row in _question_rows(analysis).iter_rows(named=True):
        _question_row(sheet, columns, row)
    if sheet.next_row > first:
        _option_bars(sheet, columns, first, sheet.next_row - 1)


def _question_rows(analysis: MockAnalysis) -> pl.DataFrame:
    flag_words = (
        pl.col("flags")
        .str.split(";")
        .list.eval(pl.element().replace_strict(FLAG_WORDS, default=None, return_dtype=pl.String))
    )
    return analysis.items.with_columns(
        pl.col("section").replace_strict(SECTION_LABELS, return_dtype=pl.String),
        pl.col("part").str.to_titlecase(),
        flag_words.list.drop_nulls().list.join(", ").alias("flags"),
        pl.col("flags").alias("_flag_keys"),
    )


def _question_row(sheet: Tab, columns: tuple[Column, ...], row: dict[str, object]) -> None:
    """One question, its fill saying whether it is flagged, the keyed options' shares in bold."""
    flags = str(row["_flag_keys"] or "")
    fill = CHECK_KEY_FILL if "check_key" in flags else FLAGGED_FILL if flags else None
    keyed = _keyed(row)
    cells = []
    for column in columns:
        font = KEYED_FONT if column.key in keyed else None
        value = row[column.key]
        cell = new_cell(sheet.ws, value if isinstance(value, str | int | float) else None, column.number_format, font)
        if cell is None and fill is not None:
            cell = new_cell(sheet.ws, "")
        if cell is not None and fill is not None:
            cell.fill = fill
        cells.append(cell)
    sheet.append(cells)


def _keyed(row: dict[str, object]) -> set[str]:
    """The share columns of the keyed options: '2|3' (or 'B|C') gives option_2 and option_3."""
    positions = (option_position(mark, letters=True) for mark in str(row["answer"]).split("|"))
    return {OPTION_COLUMNS[position] for position in positions if position is not None}


def _option_bars(sheet: Tab, columns: tuple[Column, ...], first: int, last: int) -> None:
    """A bar in every share cell, 0% to 100%, so a column of shares reads at a glance."""
    keys = [column.key for column in columns]
    for key in (*OPTION_COLUMNS, "double_marked", "blank"):
        letter = get_column_letter(keys.index(key) + 1)
        # openpyxl's type stubs leave this helper untyped; it returns a conditional-format Rule
        rule = DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1, color=BAR_COLOUR)  # type: ignore[no-untyped-call]
        sheet.ws.conditional_formatting.add(f"{letter}{first}:{letter}{last}", rule)
