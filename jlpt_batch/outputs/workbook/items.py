"""The Item analysis tab of a mock marked against its key: reliability, classes by sub-part, every question."""

from __future__ import annotations

import polars as pl
from openpyxl.formatting.rule import DataBarRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from jlpt_batch.admin_wording import AdminWords
from jlpt_batch.contract import CohortRun
from jlpt_batch.marking.analysis import (
    FLAGS,
    GROUP_PERCENT,
    LOW_DISCRIMINATION_BELOW,
    OPTION_COLUMNS,
    TOO_EASY_ABOVE,
    TOO_HARD_BELOW,
    MockAnalysis,
    class_part_shares,
)
from jlpt_batch.marking.answers import option_names, option_position
from jlpt_batch.outputs.workbook.labels import part_word, part_words, section_words
from jlpt_batch.outputs.workbook.levels import level_column
from jlpt_batch.outputs.workbook.xlsx import ONE_DECIMAL, PERCENT, Book, Column, Tab, new_cell, page_break
from jlpt_batch.rules import PARTS

TWO_DECIMALS = "0.00"
# room on the right, so that the words of the next column do not touch the number
PADDED_DECIMAL, PADDED_PERCENT = "0.0_)_)", "0.0%_)_)"
FLAGGED_FILL = PatternFill("solid", fgColor="FFEB9C")  # any flag
CHECK_KEY_FILL = PatternFill("solid", fgColor="FFC7CE")  # possibly mis-keyed: changes every score
BAR_COLOUR = "5B9BD5"
KEYED_FONT = Font(bold=True)
# The three tables share the columns: the questions' (18 of them) decide the widths.
WIDTHS = [7, 21, 12, 9, 7, 7, 9, 10, 10, 13, 11, 9, 9, 9, 9, 11, 9, 44]


def items_tab(book: Book, run: CohortRun) -> None:
    """The tab, when the run marked a mock against its key (nothing otherwise)."""
    analysis = run.analysis
    if analysis is None:
        return
    words = book.words
    sheet = Tab(book, "items", WIDTHS)
    sheet.title(
        words.text("items.title"),
        words.text("items.key", file=analysis.key_name),
        words.text("items.who"),
        words.text("items.estimates"),
    )
    _reliability_table(sheet, words, analysis)
    sheet.blank()
    _class_table(sheet, words, run.judged)
    page_break(sheet)  # the questions start a page of their own, their heading row repeated on every page
    _question_table(sheet, words, analysis)


def _reliability_table(sheet: Tab, words: AdminWords, analysis: MockAnalysis) -> None:
    text = words.text
    sheet.heading(text("items.reliability"))
    sheet.note(text("items.kr20_note"))
    sheet.note(text("items.sem_note"))
    methods = {"share": text("items.method_share"), "conversion table": text("items.method_table")}
    labelled = analysis.reliability.with_columns(
        section_words(words), pl.col("method").replace_strict(methods, return_dtype=pl.String)
    )
    columns = (
        level_column(words),
        Column("section", text("by_level.section")),
        Column("questions", text("items.questions_count")),
        Column("possible", text("items.possible")),
        Column("students", text("items.students_sat")),
        Column("mean_points", text("items.mean_points"), ONE_DECIMAL),
        Column("kr20", text("items.kr20"), TWO_DECIMALS),
        Column("sd", text("items.sd"), ONE_DECIMAL),
        Column("sem", text("items.sem"), PADDED_DECIMAL),
        Column("method", text("items.method")),
    )
    sheet.table(labelled, columns, text("items.none_marked"))


def _class_table(sheet: Tab, words: AdminWords, judged: pl.DataFrame) -> None:
    text = words.text
    sheet.heading(text("items.by_class"))
    sheet.note(text("items.by_class_note"))
    shares = class_part_shares(judged).with_columns(pl.col("class").fill_null(text("classes.none")))
    columns = (
        Column("class", text("columns.class")),
        level_column(words),
        Column("students", text("items.students")),
        *(Column(part, text("items.part_share", part=part_word(words, part)), PERCENT) for part in PARTS),
    )
    sheet.table(shares, columns, text("items.none_judged"))


def _question_columns(words: AdminWords, analysis: MockAnalysis) -> tuple[Column, ...]:
    text = words.text
    names = option_names(analysis.letters)
    return (
        level_column(words),
        Column("section", text("by_level.section")),
        Column("part", text("items.part")),
        Column("item", text("items.item")),
        Column("answer", text("items.answer")),
        Column("points", text("items.points")),
        Column("students", text("items.students")),
        Column("answered", text("items.answered")),
        Column("facility", text("items.facility"), PERCENT),
        Column("discrimination", text("items.discrimination"), TWO_DECIMALS),
        Column("point_biserial", text("items.point_biserial"), TWO_DECIMALS),
        *(
            Column(option, text("items.chose", option=name), PERCENT)
            for option, name in zip(OPTION_COLUMNS, names, strict=True)
        ),
        Column("double_marked", text("items.two_marks"), PERCENT),
        Column("blank", text("items.blank"), PADDED_PERCENT),
        Column("flags", text("items.flags")),
    )


def _question_table(sheet: Tab, words: AdminWords, analysis: MockAnalysis) -> None:
    text = words.text
    sheet.heading(text("items.every_question"))
    sheet.note(text("items.facility_note"))
    sheet.note(text("items.discrimination_note", percent=GROUP_PERCENT))
    sheet.note(text("items.bars_note"))
    sheet.note(
        text(
            "items.flags_note",
            too_hard=words.percent(TOO_HARD_BELOW),
            too_easy=words.percent(TOO_EASY_ABOVE),
            low=words.number(LOW_DISCRIMINATION_BELOW, 2),
        )
    )
    sheet.note(text("items.check_key_note"))
    columns = _question_columns(words, analysis)
    heading = sheet.header([column.label for column in columns])
    sheet.ws.print_title_rows = f"{heading}:{heading}"
    first = sheet.next_row
    for row in _question_rows(words, analysis).iter_rows(named=True):
        _question_row(sheet, columns, row)
    if sheet.next_row > first:
        _option_bars(sheet, columns, first, sheet.next_row - 1)


def _question_rows(words: AdminWords, analysis: MockAnalysis) -> pl.DataFrame:
    flag_words = {flag: words.text(f"flags.{flag}") for flag in FLAGS}
    worded = (
        pl.col("flags")
        .str.split(";")
        .list.eval(pl.element().replace_strict(flag_words, default=None, return_dtype=pl.String))
    )
    return analysis.items.with_columns(
        section_words(words),
        part_words(words),
        worded.list.drop_nulls().list.join(words.text("list.separator")).alias("flags"),
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
