"""National reference figures shipped as package data (by default, the July 2018 sitting).

A newer table replaces them as a data file: drop a folder with the same three CSVs
next to ``jlpt-2018-07`` and point ``REFERENCE_PERIOD`` (or the ``period`` argument) at it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl

REFERENCE_PERIOD = "jlpt-2018-07"
PERIOD_LABELS = {"jlpt-2018-07": "JLPT July 2018 (official summary of results)"}
REGIONS = ("domestic", "overseas", "all")


@dataclass(frozen=True)
class NationalFigures:
    """The three published national tables of one sitting."""

    period: str
    label: str  # shown wherever a national figure is used
    certification: pl.DataFrame  # level, region, applicants, examinees, ..., certified_pct
    section_stats: pl.DataFrame  # level, section, region, mean, sd ("total" is a section)
    cumulative: pl.DataFrame  # level, scaled_score, percentile_domestic/overseas/all

    def certified_pct(self, level: str, region: str) -> float | None:
        """National certified rate (percent) for a level and region, if published."""
        row = self.certification.filter((pl.col("level") == level) & (pl.col("region") == region))
        return row["certified_pct"].item() if row.height else None

    def section_mean_sd(self, level: str, section: str, region: str) -> tuple[float, float] | None:
        """National (mean, sd) of one section (or ``total``) at a level and region."""
        row = self.section_stats.filter(
            (pl.col("level") == level) & (pl.col("section") == section) & (pl.col("region") == region)
        )
        return (row["mean"].item(), row["sd"].item()) if row.height else None

    def percentile(self, level: str, total: int, region: str) -> float | None:
        """Estimated national percentile rank of a total, interpolated between 5-point steps."""
        curve = self.cumulative.filter(pl.col("level") == level).sort("scaled_score")
        if curve.height == 0:
            return None
        scores = curve["scaled_score"].to_list()
        ranks = curve[f"percentile_{region}"].to_list()
        return _interpolate(scores, ranks, total)


def _interpolate(xs: list[int], ys: list[float], x: int) -> float:
    """Straight-line interpolation on a sorted curve, clamped at its ends."""
    if x <= xs[0]:
        return ys[0]
    for (x0, y0), (x1, y1) in zip(zip(xs, ys, strict=True), zip(xs[1:], ys[1:], strict=True), strict=True):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return ys[-1]


@cache
def load_national(period: str = REFERENCE_PERIOD) -> NationalFigures:
    """Load the national tables of a reference period from the package data."""
    folder = resources.files("jlpt_batch").joinpath("reference", period)

    def table(name: str) -> pl.DataFrame:
        return pl.read_csv(io.BytesIO(folder.joinpath(name).read_bytes()))

    return NationalFigures(
        period=period,
        label=PERIOD_LABELS.get(period, period),
        certification=table("certification.csv"),
        section_stats=table("section_stats.csv"),
        cumulative=table("cumulative_distribution.csv"),
    )
