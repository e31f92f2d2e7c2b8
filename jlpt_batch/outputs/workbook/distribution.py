"""The Distribution tab: totals in bins split at the pass mark, and percentile ranks against the national curve."""

from __future__ import annotations

from typing import cast

import polars as pl
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.axis import TextAxis
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from jlpt_batch.outputs.workbook.labels import REGION_WORDS
from jlpt_batch.outputs.workbook.xlsx import (
    PERCENT,
    Book,
    Column,
    Tab,
    page_break,
    show_axes,
)
from jlpt_batch.stats import BIN_WIDTH, CohortStats


def distribution_tab(book: Book, figures: CohortStats) -> None:
    sheet = Tab(book, "Distribution", [13, 16, 16, 16])
    sheet.title(
        "Distribution of totals, by level",
        "Scored candidates only. Percentile rank: the share of candidates scoring below a total, "
        "as on the official score report.",
        f"National curve: {figures.national_label} (an estimate from the published 5-point table).",
    )
    for index, level in enumerate(figures.levels["level"]):
        bins = figures.bins.filter(pl.col("level") == level)
        if index:
            page_break(sheet)
        if bins.height == 0:
            sheet.heading(f"{level}: nobody was scored, so there is nothing to chart.")
            sheet.blank()
            continue
        _bin_block(sheet, level, bins)
        page_break(sheet)
        _percentile_block(sheet, level, figures.percentiles.filter(pl.col("level") == level))


def _bin_block(sheet: Tab, level: str, bins: pl.DataFrame) -> None:
    mark = bins["pass_mark"][0]
    sheet.heading(f"{level}: totals in {BIN_WIDTH}-point bins (pass mark {mark})")
    sheet.note(f"Each bar is split at the pass mark: below {mark} in grey, {mark} or more in blue.")
    labelled = bins.with_columns(pl.format("{}-{}", "bin_start", "bin_end").alias("bin"))
    columns = (
        Column("bin", "Total"),
        Column("below_pass_mark", f"Total below {mark}"),
        Column("at_or_above_pass_mark", f"Total {mark} or more"),
        Column("scored", "Scored"),
    )
    first, last = sheet.table(labelled, columns, "")
    sheet.ws.add_chart(_bin_chart(sheet.ws, level, mark, first, last), f"F{first - 1}")
    sheet.blank()


def _bin_chart(ws: WriteOnlyWorksheet, level: str, mark: int, first: int, last: int) -> BarChart:
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap, chart.gapWidth = "col", "stacked", 100, 40
    chart.title = f"{level} totals (pass mark {mark})"
    chart.y_axis.title, chart.x_axis.title = "Candidates", "Total score"
    chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    for series, colour in zip(chart.series, ("A6A6A6", "4472C4"), strict=True):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    show_axes(chart)
    chart.width, chart.height = 24, 9
    return chart


def _percentile_block(sheet: Tab, level: str, curve: pl.DataFrame) -> None:
    region = REGION_WORDS.get(curve["region"][0], curve["region"][0])
    sheet.heading(f"{level}: percentile rank at each total, this cohort and the nation")
    sheet.note(f"National: {region}. A lower curve means more candidates scored high.")
    columns = (
        Column("score", "Total"),
        Column("cohort_below", "This cohort: % scoring below", PERCENT),
        Column("national_below", "National: % scoring below", PERCENT),
    )
    first, last = sheet.table(curve, columns, "")
    sheet.ws.add_chart(_percentile_chart(sheet.ws, level, first, last), f"F{first - 1}")
    sheet.blank()
    sheet.blank()


def _percentile_chart(ws: WriteOnlyWorksheet, level: str, first: int, last: int) -> LineChart:
    chart = LineChart()
    chart.title = f"{level}: share scoring below each total"
    chart.y_axis.title, chart.x_axis.title = "Scoring below", "Total score"
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
