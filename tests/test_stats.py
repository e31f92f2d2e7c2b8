"""Cohort figures against a plain-Python count of the same rows."""

from __future__ import annotations

import statistics
from collections import Counter

import polars as pl
import pytest
from helpers_summary import candidate, judged_frame, random_rows, rejected

from jlpt_batch import stats
from jlpt_batch.reference import load_national
from jlpt_batch.rules import SECTION_KEYS, load_rules

LEVELS = ("N1", "N2", "N3", "N4", "N5")


@pytest.fixture(scope="module")
def mixed_rows() -> list[dict]:
    return random_rows(seed=20260705, count=600)


@pytest.fixture(scope="module")
def mixed(mixed_rows) -> pl.DataFrame:
    return judged_frame(mixed_rows)


def accepted(rows: list[dict]) -> list[dict]:
    return [row for row in rows if row["result"] != "REJECTED"]


def judged_only(rows: list[dict]) -> list[dict]:
    return [row for row in accepted(rows) if row["scored"]]


def expected_headline(rows: list[dict], level: str) -> dict:
    mine = [row for row in rows if row["level"] == level]
    ok = accepted(mine)
    scored = [row for row in ok if row["scored"]]
    passed = sum(row["result"] == "PASS" for row in ok)
    return {
        "level": level,
        "read": len(mine),
        "rejected": len(mine) - len(ok),
        "judged": len(ok),
        "scored": len(scored),
        "not_scored": len(ok) - len(scored),
        "passed": passed,
        "not_passed": len(ok) - passed,
        "pass_rate": passed / len(scored) if scored else None,
    }


# ── headline ─────────────────────────────────────────────────────────────────


def test_headline_by_level_counts_a_small_cohort_by_hand():
    rows = [
        candidate("N3", 40, 40, 40, row=2),  # pass
        candidate("N3", 35, 35, 35, row=3),  # pass
        candidate("N3", 47, 46, 17, row=4),  # total 110 but listening below its floor: fail
        candidate("N3", 40, None, 40, row=5),  # absent from reading: not scored
        rejected(6, level="N3"),
        rejected(7, level="N6"),  # a level nobody sat: no row of its own
        candidate("N5", 60, None, row=8),  # the only N5 candidate, absent
        candidate("N1", 20, 20, 20, row=9),  # fail, total 60
    ]
    table = stats.headline_by_level(judged_frame(rows))
    assert table.to_dicts() == [
        {"level": "N1", "read": 1, "rejected": 0, "judged": 1, "scored": 1, "not_scored": 0, "passed": 0,
         "not_passed": 1, "pass_rate": 0.0},
        {"level": "N3", "read": 5, "rejected": 1, "judged": 4, "scored": 3, "not_scored": 1, "passed": 2,
         "not_passed": 2, "pass_rate": pytest.approx(2 / 3)},
        {"level": "N5", "read": 1, "rejected": 0, "judged": 1, "scored": 0, "not_scored": 1, "passed": 0,
         "not_passed": 1, "pass_rate": None},
    ]  # fmt: skip


def test_headline_by_level_matches_a_plain_count(mixed, mixed_rows):
    table = stats.headline_by_level(mixed)
    assert table["level"].to_list() == list(LEVELS)
    for got in table.to_dicts():
        want = expected_headline(mixed_rows, got["level"])
        assert got == want | {"pass_rate": pytest.approx(want["pass_rate"])}


def test_headline_by_class_matches_a_plain_count(mixed, mixed_rows):
    table = stats.headline_by_class(mixed)
    pairs = {(row["class"], row["level"]) for row in accepted(mixed_rows)}
    assert table.height == len(pairs)
    for got in table.to_dicts():
        mine = [row for row in mixed_rows if row["class"] == got["class"]]
        want = expected_headline(mine, got["level"])
        assert {k: got[k] for k in want} == want | {"pass_rate": pytest.approx(want["pass_rate"])}
    assert table["class"][-1] is None  # rows without a class come last


# ── national comparison ──────────────────────────────────────────────────────


def test_a_level_sat_wholly_in_one_region_is_compared_with_that_region():
    rows = [
        candidate("N2", 30, 30, 30, row=2, region="domestic"),
        candidate("N2", 20, 20, 20, row=3, region="domestic"),
        candidate("N3", 30, 30, 30, row=4, region="domestic"),
        candidate("N3", 30, 30, 30, row=5, region="overseas"),
        candidate("N4", 60, 30, row=6, region="overseas"),
        candidate("N4", 60, 30, row=7, region=None),
    ]
    frame = judged_frame(rows)
    own = dict(stats.comparison_regions(frame).iter_rows())
    assert own == {"N2": "domestic", "N3": "all", "N4": "all"}
    asked = dict(stats.comparison_regions(frame, "overseas").iter_rows())
    assert asked == {"N2": "overseas", "N3": "overseas", "N4": "overseas"}


def test_level_summary_carries_the_published_rate_of_the_region():
    rows = [candidate("N3", 30, 30, 30, row=2, region="domestic"), candidate("N3", 50, 50, 50, row=3)]
    national = load_national()
    for region in ("domestic", "overseas"):
        table = stats.level_summary(judged_frame(rows), region)
        assert table["national_pass_rate"].item() == pytest.approx(national.certified_pct("N3", region) / 100)
    mixed = stats.level_summary(judged_frame(rows))  # one row has no region: compared with all
    assert mixed["region"].item() == "all"
    assert mixed["national_pass_rate"].item() == pytest.approx(0.380)
    assert mixed["judged_pass_rate"].item() == pytest.approx(0.5)
    assert mixed["vs_national"].item() == pytest.approx(0.5 - 0.380)


def test_failed_only_on_a_floor_counts_a_total_at_the_pass_mark(mixed, mixed_rows):
    rules = load_rules()
    table = stats.level_summary(mixed)
    for got in table.iter_rows(named=True):
        mark = rules.level(got["level"]).pass_mark
        want = sum(
            row["level"] == got["level"] and row["result"] == "FAIL" and row["total"] >= mark
            for row in judged_only(mixed_rows)
        )
        assert got["failed_on_floor_only"] == want


# ── sections, bands, CEFR ────────────────────────────────────────────────────


def test_section_summary_matches_plain_statistics(mixed, mixed_rows):
    rules = load_rules()
    national = load_national()
    table = stats.section_summary(mixed)
    seen = 0
    for level in LEVELS:
        rule = rules.level(level)
        mine = [row for row in judged_only(mixed_rows) if row["level"] == level]
        region = stats.comparison_regions(mixed).filter(pl.col("level") == level)["region"].item()
        for key, threshold in [(s.key, s.floor) for s in rule.sections] + [("total", rule.pass_mark)]:
            scores = [row[key] for row in mine]
            got = table.filter((pl.col("level") == level) & (pl.col("section") == key)).row(0, named=True)
            assert got["scored"] == len(scores)
            assert got["mean"] == pytest.approx(statistics.mean(scores))
            assert got["sd"] == pytest.approx(statistics.stdev(scores))
            assert (got["min"], got["max"]) == (min(scores), max(scores))
            assert (got["threshold"], got["below"]) == (threshold, sum(s < threshold for s in scores))
            assert (got["national_mean"], got["national_sd"]) == national.section_mean_sd(level, key, region)
            seen += 1
    assert table.height == seen == 18  # 4 rows at N1-N3 (three sections and the total), 3 at N4-N5


def test_band_counts_match_a_plain_count(mixed, mixed_rows):
    counted = Counter(
        (row["level"], part, row[f"{part}_band"])
        for row in accepted(mixed_rows)
        for part in ("vocabulary", "grammar", "reading")
        if row[f"{part}_band"] is not None
    )
    table = stats.band_counts(mixed)
    for got in table.iter_rows(named=True):
        for band in "ABC":
            assert got[band] == counted[(got["level"], got["part"], band)]
    assert sum(got["A"] + got["B"] + got["C"] for got in table.iter_rows(named=True)) == sum(counted.values())
    assert set(table.filter(pl.col("part") == "reading")["level"]) == {"N4", "N5"}


def test_cefr_counts_list_every_reachable_level_highest_first():
    rows = [
        candidate("N1", 60, 60, 60, row=2),  # 180: C1
        candidate("N1", 34, 33, 33, row=3),  # 100: B2
        candidate("N1", 34, 33, 33, row=4),
        candidate("N4", 20, 20, row=5),  # fail: no CEFR
    ]
    table = stats.cefr_counts(judged_frame(rows))
    assert table.rows() == [("N1", "C1", 1), ("N1", "B2", 2), ("N4", "A2", 0)]


# ── near misses ──────────────────────────────────────────────────────────────


def test_near_misses_keep_the_close_ones_closest_first():
    rows = [
        candidate("N3", 30, 30, 25, row=2),  # total 85: 10 short, the edge: in
        candidate("N3", 30, 30, 24, row=3),  # total 84: 11 short: out
        candidate("N3", 47, 46, 17, row=4),  # total 110, listening 2 below its floor: in
        candidate("N3", 50, 50, 15, row=5),  # one floor missed by 4: out
        candidate("N3", 60, 18, 18, row=6),  # total 96, but two floors missed by 1: out
        candidate("N2", 30, 30, 29, row=7),  # total 89: 1 short: in, first
        candidate("N4", 36, 50, row=8),  # total 86, 4 short, and 2 below the 38 floor: in
        candidate("N3", None, 50, 50, row=9),  # absent: never a near miss
        candidate("N3", 40, 40, 40, row=10),  # passed
    ]
    table = stats.near_misses(judged_frame(rows))
    assert table["source_row"].to_list() == [7, 4, 8, 2]
    assert table.select("points_short", "floors_missed", "floor_shortfall", "points_needed").rows() == [
        (1, 0, 0, 1), (0, 1, 2, 2), (4, 1, 2, 4), (10, 0, 0, 10),
    ]  # fmt: skip
    # what each missed by, section by section (the workbook words it)
    assert table.select("listening_short", "language_knowledge_reading_short").rows() == [
        (0, 0), (2, 0), (0, 2), (0, 0),
    ]  # fmt: skip
    assert table.select("listening_floor", "language_knowledge_reading_floor").rows()[2] == (19, 38)


def test_near_misses_match_a_plain_selection(mixed, mixed_rows):
    rules = load_rules()

    def shortfalls(row):
        rule = rules.level(row["level"])
        points = max(rule.pass_mark - row["total"], 0)
        floors = [max(s.floor - row[s.key], 0) for s in rule.sections]
        return points, [f for f in floors if f]

    wanted = []
    for row in judged_only(mixed_rows):
        points, floors = shortfalls(row)
        close = 1 <= points <= 10 or (len(floors) == 1 and floors[0] <= 3)
        if row["result"] == "FAIL" and close:
            wanted.append((max(points, sum(floors)), points, row["level"], row["source_row"]))
    table = stats.near_misses(mixed)
    assert table.height > 20
    assert table["source_row"].to_list() == [source_row for *_, source_row in sorted(wanted)]


# ── distribution ─────────────────────────────────────────────────────────────


def test_total_bins_split_the_bin_holding_the_pass_mark():
    totals_93_95_180 = [candidate("N3", 31, 31, 31, row=2), candidate("N3", 33, 31, 31, row=3),
                        candidate("N3", 60, 60, 60, row=4)]  # fmt: skip
    bins = stats.total_bins(judged_frame(totals_93_95_180))
    assert bins.height == 18
    split = bins.filter(pl.col("bin_start") == 90)
    assert split.select("below_pass_mark", "at_or_above_pass_mark").row(0) == (1, 1)
    last = bins.filter(pl.col("bin_start") == 170).row(0, named=True)
    assert (last["bin_end"], last["at_or_above_pass_mark"]) == (180, 1)


def test_total_bins_match_a_plain_count(mixed, mixed_rows):
    rules = load_rules()
    bins = stats.total_bins(mixed)
    for got in bins.iter_rows(named=True):
        mark = rules.level(got["level"]).pass_mark
        inside = [
            row["total"]
            for row in judged_only(mixed_rows)
            if row["level"] == got["level"] and got["bin_start"] <= row["total"] <= got["bin_end"]
        ]
        assert got["below_pass_mark"] == sum(total < mark for total in inside)
        assert got["at_or_above_pass_mark"] == sum(total >= mark for total in inside)
    assert bins["scored"].sum() == len(judged_only(mixed_rows))


def test_percentile_curve_is_the_share_scoring_below(mixed, mixed_rows):
    curve = stats.percentile_curve(mixed, "domestic")
    national = load_national()
    for level in LEVELS:
        totals = [row["total"] for row in judged_only(mixed_rows) if row["level"] == level]
        mine = curve.filter(pl.col("level") == level)
        assert mine["score"].to_list() == list(range(0, 181, 5))
        for score, below, published in mine.select("score", "cohort_below", "national_below").iter_rows():
            assert below == pytest.approx(sum(total < score for total in totals) / len(totals))
            assert published * 100 == pytest.approx(national.percentile(level, score, "domestic"))


def test_percentile_curve_reads_the_published_table():
    curve = stats.percentile_curve(judged_frame([candidate("N3", 40, 40, 40, row=2)]), "domestic")
    at = dict(curve.select("score", "national_below").iter_rows())
    assert at[95] == pytest.approx(0.689)  # N3, domestic, July 2018
    assert curve.filter(pl.col("score") == 125)["cohort_below"].item() == 1.0


def test_an_all_rejected_cohort_gives_empty_figures():
    figures = stats.summarise(judged_frame([rejected(2), rejected(3, level=None)]))
    for table in (figures.levels, figures.sections, figures.bands, figures.cefr, figures.classes,
                  figures.near_misses, figures.bins, figures.percentiles):  # fmt: skip
        assert table.height == 0


def test_section_summary_lists_only_the_sections_a_level_has(mixed):
    sections = stats.section_summary(mixed)
    expected = {"N1": {"language_knowledge", "reading", "listening"}, "N5": {"language_knowledge_reading", "listening"}}
    for level, keys in expected.items():
        assert set(sections.filter(pl.col("level") == level)["section"]) == keys | {"total"}
    assert set(SECTION_KEYS) <= set(sections["section"])
