"""The Distribution tab: totals in bins split at the pass mark, and percentile ranks against the national curve."""

from __future__ import annotations

from typing import cast

import polars as pl
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import TextAxis
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jlpt_batch.admin_wording import AdminWords
from jlpt_batch.outputs.workbook.xlsx import (
    PERCENT,
    Book,
    Column,
    Tab,
    page_break,
    show_axes,
    whole_number_axis,
)
from jlpt_batch.stats import BIN_WIDTH, CohortStats


def distribution_tab(book: Book, figures: CohortStats) -> None:
    words = book.words
    sheet = Tab(book, "distribution", [13, 16, 16, 16])
    national = words.text("distribution.national", period=words.period(figures.national_period))
    sheet.title(words.text("distribution.title"), words.text("distribution.note"), national)
    for index, level in enumerate(figures.levels["level"]):
        bins = figures.bins.filter(pl.col("level") == level)
        if index:
            page_break(sheet)
        if bins.height == 0:
            sheet.heading(words.text("distribution.nobody_scored", level=level))
            sheet.blank()
            continue
        _bin_block(sheet, words, level, bins)
        page_break(sheet)
        _percentile_block(sheet, words, level, figures.percentiles.filter(pl.col("level") == level))


def _bin_block(sheet: Tab, words: AdminWords, level: str, bins: pl.DataFrame) -> None:
    mark = bins["pass_mark"][0]
    text = words.text
    sheet.heading(text("distribution.bins", level=level, width=BIN_WIDTH, pass_mark=mark))
    sheet.note(text("distribution.bins_note", pass_mark=mark))
    labelled = bins.with_columns(pl.format("{}-{}", "bin_start", "bin_end").alias("bin"))
    columns = (
        Column("bin", text("distribution.bin")),
        Column("below_pass_mark", text("distribution.below", pass_mark=mark)),
        Column("at_or_above_pass_mark", text("distribution.at_or_above", pass_mark=mark)),
        Column("scored", text("distribution.scored")),
    )
    first, last = sheet.table(labelled, columns, "")
    tallest = int(bins["scored"].max() or 0)  # type: ignore[arg-type]  # an Int64 column's max is an int
    chart = _bin_chart(sheet.ws, words, level, mark, (first, last), tallest)
    sheet.ws.add_chart(chart, f"F{first - 1}")
    sheet.blank()


def _bin_chart(
    ws: WriteOnlyWorksheet, words: AdminWords, level: str, mark: int, rows: tuple[int, int], tallest: int
) -> BarChart:
    first, last = rows
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap, chart.gapWidth = "col", "stacked", 100, 40
    chart.title = words.text("distribution.bins_chart", level=level, pass_mark=mark)
    chart.y_axis.title = words.text("distribution.candidates_axis")
    chart.x_axis.title = words.text("distribution.total_axis")
    whole_number_axis(chart, tallest)  # candidates are counted whole: no 0.5 on the axis
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    for series, colour in zip(chart.series, ("A6A6A6", "4472C4"), strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    show_axes(chart)
    chart.width, chart.height = 24, 9
    return chart


def _percentile_block(sheet: Tab, words: AdminWords, level: str, curve: pl.DataFrame) -> None:
    text = words.text
    sheet.heading(text("distribution.percentiles", level=level))
    sheet.note(text("distribution.percentiles_note", region=words.region(curve["region"][0])))
    columns = (
        Column("score", text("distribution.score")),
        Column("cohort_below", text("distribution.cohort_below"), PERCENT),
        Column("national_below", text("distribution.national_below"), PERCENT),
    )
    first, last = sheet.table(curve, columns, "")
    sheet.ws.add_chart(_percentile_chart(sheet.ws, words, level, first, last), f"F{first - 1}")
    sheet.blank()
    sheet.blank()


def _percentile_chart(ws: WriteOnlyWorksheet, words: AdminWords, level: str, first: int, last: int) -> LineChart:
    chart = LineChart()
    chart.title = words.text("distribution.percentiles_chart", level=level)
    chart.y_axis.title = words.text("distribution.below_axis")
    chart.x_axis.title = words.text("distribution.total_axis")
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    for series, colour in zip(chart.series, ("C00000", "4472C4"), strict=True):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 28575  # 2.25 pt
        series.smooth = False
    cast(TextAxis, chart.x_axis).tickLblSkip = 4  # a label every 20 points, the rest would overlap
    show_axes(chart)
    chart.width, chart.height = 24, 11
    return chart
