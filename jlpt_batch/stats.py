"""Cohort figures, computed once in polars and shared by the terminal summary and the workbook.

Every figure is a vectorised polars query; the only Python loops run over levels,
sections or sub-parts, never over candidates. Rates and percentiles are fractions
(0.25 means 25%): whoever shows them decides how to format them.

Counts are named as ``contract`` defines them: read, rejected, judged, scored,
not scored, passed, not passed. A pass rate is passed ÷ scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from jlpt_batch.contract import FAIL, PASS, REJECTED, Count, count_exprs
from jlpt_batch.reference import NationalFigures, load_national
from jlpt_batch.rules import BAND_PARTS, LEVELS, SECTION_KEYS, TOTAL_MAX, load_rules, rules_frame

TOTAL = "total"
SECTIONS_AND_TOTAL = (*SECTION_KEYS, TOTAL)
BANDS = ("A", "B", "C")

NEAR_MISS_TOTAL_POINTS = 10  # a total at most this far below the pass mark is a near miss
NEAR_MISS_FLOOR_POINTS = 3  # so is a single floor missed by at most this much
BIN_WIDTH = 10
PERCENTILE_STEP = 5  # the national curve is published at 5-point steps
LAST_BIN_START = TOTAL_MAX - BIN_WIDTH  # 170-180 is one bin, so 180 is not a bin of its own
OWN_REGIONS = ("domestic", "overseas")

NEAR_MISS_IDENTITY = ("candidate_id", "name", "class", "level", "source_row")


@dataclass(frozen=True)
class CohortStats:
    """Every figure the workbook shows, computed once for one judged cohort."""

    national_label: str  # source period of the national figures, shown wherever they are used
    national_period: str  # the same, as its key ('jlpt-2018-07'), for wording it in any language
    levels: pl.DataFrame  # level_summary()
    sections: pl.DataFrame  # section_summary()
    bands: pl.DataFrame  # band_counts()
    cefr: pl.DataFrame  # cefr_counts()
    classes: pl.DataFrame  # class_summary()
    near_misses: pl.DataFrame  # near_misses()
    bins: pl.DataFrame  # total_bins()
    percentiles: pl.DataFrame  # percentile_curve()


def summarise(judged: pl.DataFrame, region: str = "all", national: NationalFigures | None = None) -> CohortStats:
    """All the cohort figures, compared with the national figures of ``region``.

    ``region`` is ``all``, ``domestic`` or ``overseas``; see comparison_regions().
    """
    national = national or load_national()
    return CohortStats(
        national_label=national.label,
        national_period=national.period,
        levels=level_summary(judged, region, national),
        sections=section_summary(judged, region, national),
        bands=band_counts(judged),
        cefr=cefr_counts(judged),
        classes=class_summary(judged, region, national),
        near_misses=near_misses(judged),
        bins=total_bins(judged),
        percentiles=percentile_curve(judged, region, national),
    )


# ── headline counts ────────────────────────────────────────────────────────────


def _headline(judged: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Counts per group; a group made only of rejected rows is not a level anyone sat."""
    scored, passed = pl.col(Count.SCORED.value), pl.col(Count.PASSED.value)
    rate = pl.when(scored > 0).then(passed / scored)
    return (
        judged.group_by(keys)
        .agg(count_exprs().values())
        .filter(pl.col(Count.JUDGED.value) > 0)
        .with_columns(rate.alias("pass_rate"))
        .sort(keys, nulls_last=True)
    )


def headline_by_level(judged: pl.DataFrame) -> pl.DataFrame:
    """One row per level sat, N1 first: every ``Count`` (read, rejected, judged, scored,
    not_scored, passed, not_passed) and pass_rate.

    ``rejected`` counts rejected rows whose level reads like that level; ``pass_rate``
    is passed / scored, null when nobody at the level was scored.
    """
    return _headline(judged, ["level"])


def headline_by_class(judged: pl.DataFrame) -> pl.DataFrame:
    """The headline_by_level() figures per class and level (rows without a class last)."""
    return _headline(judged, ["class", "level"])


# ── national comparison ────────────────────────────────────────────────────────


def comparison_regions(judged: pl.DataFrame, requested: str = "all") -> pl.DataFrame:
    """Which national region each level is compared with: columns level, region.

    An explicit ``domestic`` or ``overseas`` applies to every level. With ``all`` (the
    default), a level whose candidates all carry the same own ``region`` is compared
    with that region, because a school that sat entirely in Japan (or entirely abroad)
    is best measured against its own population; any mix, or a missing value, keeps ``all``.
    """
    accepted = judged.lazy().filter(pl.col("result") != REJECTED).select("level", "region")
    own = pl.col("region")
    per_level = accepted.group_by("level").agg(
        own.drop_nulls().n_unique().alias("kinds"),
        own.null_count().alias("missing"),
        own.drop_nulls().first().alias("own"),
    )
    single = (pl.col("kinds") == 1) & (pl.col("missing") == 0) & pl.col("own").is_in(OWN_REGIONS)
    chosen = pl.lit(requested) if requested != "all" else pl.when(single).then(pl.col("own")).otherwise(pl.lit("all"))
    return per_level.select("level", chosen.alias("region")).sort("level").collect()


def _national_rates(national: NationalFigures) -> pl.DataFrame:
    return national.certification.select("level", "region", (pl.col("certified_pct") / 100).alias("national_pass_rate"))


def level_summary(judged: pl.DataFrame, region: str = "all", national: NationalFigures | None = None) -> pl.DataFrame:
    """headline_by_level() plus the floor-only failures and the national comparison.

    Added columns: ``failed_on_floor_only`` (scored candidates whose total reached the
    pass mark but who failed because a section fell below its floor); ``region``
    compared; ``national_pass_rate`` (published certified / examinees: an examinee
    absent from a section counts, and fails); ``judged_pass_rate`` (passed / judged,
    counted the same way) and ``vs_national`` (the difference of those two).
    """
    national = national or load_national()
    reached = pl.col("total") >= pl.col("pass_mark")
    floor_only = (
        _scored_with_rules(judged, ["level", "result", "total"])
        .group_by("level")
        .agg(((pl.col("result") == FAIL) & reached).sum().cast(pl.Int64).alias("failed_on_floor_only"))
    )
    return (
        headline_by_level(judged)
        .join(floor_only, on="level", how="left")
        .with_columns(pl.col("failed_on_floor_only").fill_null(0))
        .join(comparison_regions(judged, region), on="level", how="left")
        .join(_national_rates(national), on=["level", "region"], how="left")
        .with_columns((pl.col("passed") / pl.col("judged")).alias("judged_pass_rate"))
        .with_columns((pl.col("judged_pass_rate") - pl.col("national_pass_rate")).alias("vs_national"))
    )


def class_summary(judged: pl.DataFrame, region: str = "all", national: NationalFigures | None = None) -> pl.DataFrame:
    """headline_by_class() beside the whole cohort's and the nation's rate for the same level.

    Added columns: ``level_pass_rate`` (the cohort's pass_rate at that level) and
    ``national_pass_rate`` (as in level_summary()).
    """
    levels = level_summary(judged, region, national).select(
        "level", pl.col("pass_rate").alias("level_pass_rate"), "national_pass_rate"
    )
    return headline_by_class(judged).join(levels, on="level", how="left", maintain_order="left")


# ── sections, floors, bands, CEFR ─────────────────────────────────────────────


def _scored_with_rules(judged: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """``columns`` of the rows scored in every section, with their level's floors and pass mark.

    Only the columns asked for are carried, so a large cohort is not copied whole.
    """
    rules = rules_frame().select("level", "pass_mark", *(f"{key}_floor" for key in SECTION_KEYS))
    return (
        judged.lazy()
        .filter((pl.col("result") != REJECTED) & pl.col("scored").fill_null(False))
        .select(columns)
        .join(rules.lazy(), on="level", how="inner")
        .collect()
    )


def _thresholds() -> pl.DataFrame:
    """level, section, threshold: each section's floor, and the pass mark for the total."""
    rows = [
        (rule.level, section.key, section.floor) for rule in load_rules().levels.values()
        for section in rule.sections
    ]  # fmt: skip
    rows += [(rule.level, TOTAL, rule.pass_mark) for rule in load_rules().levels.values()]
    return pl.DataFrame(rows, schema={"level": pl.String, "section": pl.String, "threshold": pl.Int64}, orient="row")


def _section_order() -> pl.Expr:
    order = {key: position for position, key in enumerate(SECTIONS_AND_TOTAL)}
    return pl.col("section").replace_strict(order, return_dtype=pl.Int64)


def section_summary(judged: pl.DataFrame, region: str = "all", national: NationalFigures | None = None) -> pl.DataFrame:
    """Per level and section (and ``total``), over scored candidates.

    Columns: level, section, scored, mean, sd (sample), min, max, threshold (the
    floor, or the pass mark for the total), below (how many scored under it), region,
    national_mean, national_sd, vs_national_mean (mean - national_mean).
    """
    national = national or load_national()
    scores = (
        judged.lazy()
        .filter((pl.col("result") != REJECTED) & pl.col("scored").fill_null(False))
        .select("level", *SECTIONS_AND_TOTAL)
        .unpivot(index="level", variable_name="section", value_name="score")
        .drop_nulls("score")
    )
    score = pl.col("score")
    national_stats = national.section_stats.rename({"mean": "national_mean", "sd": "national_sd"})
    return (
        scores.join(_thresholds().lazy(), on=["level", "section"], how="inner")
        .group_by("level", "section")
        .agg(
            pl.len().cast(pl.Int64).alias("scored"),
            score.mean().alias("mean"),
            score.std().alias("sd"),
            score.min().alias("min"),
            score.max().alias("max"),
            pl.col("threshold").first(),
            (score < pl.col("threshold")).sum().cast(pl.Int64).alias("below"),
        )
        .collect()
        .join(comparison_regions(judged, region), on="level", how="left")
        .join(national_stats, on=["level", "section", "region"], how="left")
        .with_columns((pl.col("mean") - pl.col("national_mean")).alias("vs_national_mean"))
        .sort(pl.col("level"), _section_order())
    )


def band_counts(judged: pl.DataFrame) -> pl.DataFrame:
    """A/B/C counts per level and sub-part, among candidates given that band.

    Columns: level, part (vocabulary, grammar, reading), A, B, C. A sub-part with no
    band given at a level has no row.
    """
    accepted = judged.lazy().filter(pl.col("result") != REJECTED)
    long = pl.concat(
        accepted.select("level", pl.lit(part).alias("part"), pl.col(f"{part}_band").alias("band"))
        for part in BAND_PARTS
    ).drop_nulls("band")
    order = {part: position for position, part in enumerate(BAND_PARTS)}
    return (
        long.group_by("level", "part")
        .agg((pl.col("band") == band).sum().cast(pl.Int64).alias(band) for band in BANDS)
        .sort(pl.col("level"), pl.col("part").replace_strict(order, return_dtype=pl.Int64))
        .collect()
    )


def cefr_counts(judged: pl.DataFrame) -> pl.DataFrame:
    """CEFR reference levels of those who passed: level, cefr, passed (0 rows kept).

    Every CEFR level a sat level can lead to is listed, highest first, so a zero shows.
    """
    sat = headline_by_level(judged).select("level")
    cuts = [
        (rule.level, cefr, rank) for rule in load_rules().levels.values()
        for rank, (_, cefr) in enumerate(rule.cefr_cuts)
    ]  # fmt: skip
    possible = pl.DataFrame(cuts, schema={"level": pl.String, "cefr": pl.String, "rank": pl.Int64}, orient="row")
    passed = (
        judged.lazy()
        .filter(pl.col("result") == PASS)
        .group_by("level", "cefr")
        .agg(pl.len().cast(pl.Int64).alias("passed"))
        .collect()
    )
    return (
        possible.join(sat, on="level", how="semi")
        .join(passed, on=["level", "cefr"], how="left")
        .with_columns(pl.col("passed").fill_null(0))
        .sort("level", "rank")
        .drop("rank")
    )


# ── near misses ───────────────────────────────────────────────────────────────


def _floor_shortfalls() -> list[pl.Expr]:
    """Points below the floor in each section (0 when at or above it, or not a section)."""
    return [
        (pl.col(f"{key}_floor") - pl.col(key)).clip(lower_bound=0).fill_null(0).alias(f"{key}_short")
        for key in SECTION_KEYS
    ]


def near_misses(judged: pl.DataFrame) -> pl.DataFrame:
    """Scored candidates who did not pass but came close, closest first.

    Close means a total 1 to 10 points under the pass mark, or exactly one floor
    missed by 3 points or fewer. ``points_needed`` is the fewest extra points that
    would have passed: the larger of the total's shortfall and the floors' shortfall.
    Columns: candidate_id, name, class, level, source_row, total, pass_mark,
    points_short, floors_missed, floor_shortfall, points_needed, and for each section
    ``<section>_short`` (points below its floor, 0 when not) and ``<section>_floor``.
    """
    shorts = [pl.col(f"{key}_short") for key in SECTION_KEYS]
    close_total = pl.col("points_short").is_between(1, NEAR_MISS_TOTAL_POINTS)
    one_floor = (pl.col("floors_missed") == 1) & (pl.col("floor_shortfall") <= NEAR_MISS_FLOOR_POINTS)
    return (
        _scored_with_rules(judged, [*NEAR_MISS_IDENTITY, "total", "result", *SECTION_KEYS])
        .filter(pl.col("result") == FAIL)
        .with_columns(
            (pl.col("pass_mark") - pl.col("total")).clip(lower_bound=0).alias("points_short"),
            *_floor_shortfalls(),
        )
        .with_columns(
            pl.sum_horizontal(short > 0 for short in shorts).cast(pl.Int64).alias("floors_missed"),
            pl.sum_horizontal(shorts).cast(pl.Int64).alias("floor_shortfall"),
        )
        .filter(close_total | one_floor)
        .with_columns(
            pl.max_horizontal("points_short", "floor_shortfall").alias("points_needed"),
        )
        .sort("points_needed", "points_short", "level", "source_row")
        .select(
            *NEAR_MISS_IDENTITY,
            "total",
            "pass_mark",
            "points_short",
            "floors_missed",
            "floor_shortfall",
            "points_needed",
            *(f"{key}_{what}" for key in SECTION_KEYS for what in ("short", "floor")),
        )
    )


# ── distribution ──────────────────────────────────────────────────────────────


def total_bins(judged: pl.DataFrame) -> pl.DataFrame:
    """Scored totals in 10-point bins per level (every bin listed, empty ones as 0).

    Columns: level, bin_start, bin_end (the last bin is 170-180), pass_mark,
    below_pass_mark, at_or_above_pass_mark, scored. A bin holding the pass mark
    (95 at N3) is split between the two counts, so the pass mark shows inside the bar.
    """
    scored = _scored_with_rules(judged, ["level", "total"])
    start = (pl.col("total") // BIN_WIDTH * BIN_WIDTH).clip(upper_bound=LAST_BIN_START)
    reached = pl.col("total") >= pl.col("pass_mark")
    counts = scored.group_by("level", start.alias("bin_start")).agg(
        (~reached).sum().cast(pl.Int64).alias("below_pass_mark"),
        reached.sum().cast(pl.Int64).alias("at_or_above_pass_mark"),
    )
    both = pl.col("below_pass_mark", "at_or_above_pass_mark")
    return (
        scored.select("level", "pass_mark")
        .unique()
        .join(_bins(), how="cross")
        .join(counts, on=["level", "bin_start"], how="left")
        .with_columns(both.fill_null(0))
        .with_columns(pl.sum_horizontal(both).alias("scored"))
        .sort("level", "bin_start")
        .select("level", "bin_start", "bin_end", "pass_mark", both, "scored")
    )


def _bins() -> pl.DataFrame:
    """bin_start, bin_end of every 10-point bin, the top one running to 180."""
    starts = pl.int_range(0, LAST_BIN_START + 1, BIN_WIDTH, dtype=pl.Int64, eager=True).alias("bin_start")
    return pl.DataFrame(starts).with_columns(
        pl.when(pl.col("bin_start") == LAST_BIN_START)
        .then(TOTAL_MAX)
        .otherwise(pl.col("bin_start") + BIN_WIDTH - 1)
        .alias("bin_end")
    )


def _cohort_below(totals: pl.Series, scores: pl.Series) -> pl.Series:
    """Share of ``totals`` strictly below each score (the national curve's definition)."""
    below = totals.sort().search_sorted(scores, side="left").cast(pl.Float64)
    return below / totals.len()


def percentile_curve(
    judged: pl.DataFrame, region: str = "all", national: NationalFigures | None = None
) -> pl.DataFrame:
    """Cohort and national percentile rank at every 5-point total, per level.

    A percentile rank here is the share of candidates scoring *below* a total, as on
    the official score report. Columns: level, score, cohort_below, region,
    national_below (null when the national table has no such level).
    """
    national = national or load_national()
    scored = _scored_with_rules(judged, ["level", "total"])
    scores = pl.Series("score", range(0, TOTAL_MAX + 1, PERCENTILE_STEP), dtype=pl.Int64)
    curves = [
        pl.DataFrame({"level": level, "score": scores, "cohort_below": _cohort_below(group["total"], scores)})
        for level in LEVELS
        if (group := scored.filter(pl.col("level") == level)).height
    ]
    schema = {"level": pl.String, "score": pl.Int64, "cohort_below": pl.Float64}
    cohort = pl.concat(curves) if curves else pl.DataFrame(schema=schema)
    return (
        cohort.join(comparison_regions(judged, region), on="level", how="left")
        .join(_national_curve(national), on=["level", "score", "region"], how="left")
        .sort("level", "score")
    )


def _national_curve(national: NationalFigures) -> pl.DataFrame:
    """The published cumulative table in long form: level, score, region, national_below."""
    columns = [f"percentile_{region}" for region in (*OWN_REGIONS, "all")]
    return national.cumulative.unpivot(
        index=["level", "scaled_score"], on=columns, variable_name="region", value_name="pct"
    ).select(
        "level",
        pl.col("scaled_score").cast(pl.Int64).alias("score"),
        pl.col("region").str.strip_prefix("percentile_"),
        (pl.col("pct") / 100).alias("national_below"),
    )
