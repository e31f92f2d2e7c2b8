"""The wording of the feedback sheets: one TOML file per language, every sentence a named entry.

A teacher edits the files in ``templates/`` (or a copy passed with ``--templates DIR``).
Which entries a sheet template has, and the placeholders each may use, is decided here,
in ``ENTRIES``; loading and checking them is ``jlpt_batch.wording``'s job.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path

from jlpt_batch.rules import BAND_PARTS, LEVELS, PARTS, SECTION_KEYS, load_rules
from jlpt_batch.wording import FALLBACK_LANG, Catalog, EntrySpec, Wording, default_templates_dir, fields
from jlpt_batch.wording import load_wording as _load

__all__ = ["ENTRIES", "FALLBACK_LANG", "MONTHS", "SPEC", "Catalog", "Wording", "default_templates_dir", "load_wording"]

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

_NONE = fields()
_SCORE = fields("section", "score", "floor", "shortfall")
_MONTH = fields("month", "month_name", "year")
_PASSED = fields("level", "total", "total_max", "pass_mark")
_CHANGE = fields("section", "previous", "score", "floor", "exam")

# Every entry of a template file and the placeholders it may use. The one place that
# decides what a template may say: validation and the teachers' README follow it.
ENTRIES: dict[str, frozenset[str]] = {
    "exam.sitting": fields("month_name", "month", "year"),
    "exam.mock": fields("date", "iso_date"),
    "dates.day": fields("day", "month", "month_name", "year"),
    "dates.period": fields("first", "last"),
    "dates.period_in_year": fields(
        "year", "first_day", "first_month", "first_month_name", "last_day", "last_month", "last_month_name"
    ),
    "dates.results_due": _MONTH,
    "dates.results_sent": _MONTH,
    **{f"months.{month}": _NONE for month in MONTHS},
    "list.separator": _NONE,
    "list.pair": fields("first", "second"),
    "list.pair_after_vowel": fields("first", "second"),
    "units.point": fields("n"),
    "units.points": fields("n"),
    "units.week": fields("n"),
    "units.weeks": fields("n"),
    "units.under_a_week": _NONE,
    "header.name": _NONE,
    "header.candidate": _NONE,
    "header.class": _NONE,
    "header.level": _NONE,
    **{f"sections.{key}": _NONE for key in SECTION_KEYS},
    **{f"sections_short.{key}": _NONE for key in SECTION_KEYS},
    "sections.total": _NONE,
    "result.passed": _NONE,
    "result.not_passed": _NONE,
    "result.not_scored": _NONE,
    "result.mock_passed": _NONE,
    "result.mock_not_passed": _NONE,
    "result.passed_detail": _PASSED,
    "result.mock_passed_detail": _PASSED,
    "diagnosis.below_item": _SCORE,
    "diagnosis.below_separator": _NONE,
    "diagnosis.floor": fields("below"),
    "diagnosis.floor_and_total": fields("below", "total", "pass_mark", "shortfall"),
    "diagnosis.total": fields("total", "pass_mark", "shortfall"),
    "diagnosis.absent": fields("sections"),
    "scores.heading_section": _NONE,
    "scores.heading_score": _NONE,
    "scores.heading_maximum": _NONE,
    "scores.heading_threshold": _NONE,
    "scores.heading_margin": _NONE,
    "scores.above_floor": fields("points"),
    "scores.at_floor": _NONE,
    "scores.below_floor": fields("points"),
    "scores.above_pass_mark": fields("points"),
    "scores.at_pass_mark": _NONE,
    "scores.short": fields("shortfall"),
    "bars.floor": fields("floor"),
    "bars.pass_mark": fields("pass_mark"),
    "bands.heading": _NONE,
    "bands.line": fields("part", "band", "meaning", "range"),
    "bands.line_counts": fields("part", "band", "meaning", "range", "correct", "questions"),
    "bands.meaning_a": _NONE,
    "bands.meaning_b": _NONE,
    "bands.meaning_c": _NONE,
    "bands.range_a": fields("a_min"),
    "bands.range_b": fields("a_min", "b_min"),
    "bands.range_c": fields("b_min"),
    "bands.not_decisive": _NONE,
    "bands.focus": fields("section", "parts", "band"),
    "bands.no_band": fields("section"),
    "bands.weak": fields("parts", "band"),
    **{f"band_parts.{part}": _NONE for part in BAND_PARTS},
    "cefr.heading": _NONE,
    "cefr.line": fields("cefr", "meaning"),
    **{f"cefr.{name}": _NONE for name in load_rules().cefr_levels},
    "cefr.percentile": fields("percent", "level", "total", "source", "region"),
    "cefr.source": fields("month_name", "month", "year"),
    "percentile.heading": _NONE,
    "percentile.note_all": _NONE,
    "percentile.note_domestic": _NONE,
    "percentile.note_overseas": _NONE,
    "regions.all": _NONE,
    "regions.domestic": _NONE,
    "regions.overseas": _NONE,
    "sitting.open": fields("date", "weeks", "closes"),
    "sitting.opens_later": fields("date", "weeks", "period", "closes"),
    "sitting.closed": fields("date", "weeks"),
    "pass.heading": _NONE,
    "pass.certificate": fields("level"),
    "pass.next_level": fields("next_level", "sitting", "later_date"),
    "pass.top_level": _NONE,
    "pass.mock_ready": fields("level", "sitting"),
    "pass.opens": fields("level", "facts"),
    **{f"opens.{level}": _NONE for level in LEVELS},
    "pass.receptive_only": _NONE,
    "fail.heading": _NONE,
    "fail.no_shame": _NONE,
    "fail.mock_meaning": _NONE,
    "fail.trap": fields("total", "pass_mark", "sections"),
    "fail.plan_heading": _NONE,
    "fail.plan_next": fields("sitting"),
    "fail.plan_next_mock": fields("sitting"),
    "fail.plan_keep": fields("cleared", "flagged"),
    "fail.plan_all_below": fields("flagged", "worst"),
    "fail.plan_total": fields("flagged", "score", "maximum", "shortfall"),
    "fail.plan_total_even": fields("shortfall"),
    "fail.plan_mock": fields("flagged", "closes"),
    "fail.plan_mock_late": fields("flagged", "closes"),
    "absent.heading": _NONE,
    "absent.explain": _NONE,
    "absent.explain_mock": _NONE,
    "absent.sat": fields("sections"),
    "absent.todo_heading": _NONE,
    "absent.todo": fields("sitting"),
    "footer.not_official": fields("school"),
    "footer.not_official_no_school": _NONE,
    "footer.results_both": fields("exam", "domestic", "overseas"),
    "footer.results_domestic": fields("exam", "domestic"),
    "footer.results_overseas": fields("exam", "overseas"),
    "footer.mock": _NONE,
    "footer.registration_usual": _NONE,
    "footer.issued": fields("date"),
    # the progress block: earlier exams from the history store
    "progress.heading": _NONE,
    **{f"progress.heading_{name}": _NONE for name in ("exam", "date", "level", "total", "result")},
    **{f"progress.sections.{key}": _NONE for key in SECTION_KEYS},
    "progress.sitting": _NONE,
    "progress.mock": _NONE,
    "progress.mock_named": fields("exam_name"),
    "progress.date": fields("day", "month", "month_name", "year", "iso_date"),
    "progress.result_passed": _NONE,
    "progress.mock_passed": _NONE,
    "progress.result_not_passed": _NONE,
    "progress.mock_not_passed": _NONE,
    "progress.result_not_scored": _NONE,
    "progress.legend_sitting": _NONE,
    "progress.legend_mock": _NONE,
    "progress.legend_floor": _NONE,
    "progress.scale_note": _NONE,
    "progress.exam_sitting": fields("month_name", "month", "year"),
    "progress.exam_mock": fields("date", "exam_name"),
    "progress.fell_below": _CHANGE,
    "progress.first_above": _CHANGE | fields("scores"),
    "progress.then": _NONE,
    "progress.back_above": _CHANGE,
    "progress.now_above": _CHANGE,
    "progress.up": _CHANGE | fields("change"),
    "progress.down": _CHANGE | fields("change"),
    "progress.same": fields("exam"),
    "progress.no_comparison": fields("exam"),
    "progress.other_level": fields("exam", "previous_level", "level"),
    # A mock marked against its answer key (outputs/sheets/mock.py).
    "mock.heading": _NONE,
    "mock.heading_estimate": _NONE,
    "mock.estimates": _NONE,
    "mock.part_all": fields("part", "correct", "questions"),
    "mock.part_review": fields("part", "correct", "questions", "items"),
    "mock.range": fields("first", "last"),
    "mock.blank": fields("items"),
    "mock.two_marks": fields("items"),
    **{f"mock_parts.{part}": _NONE for part in PARTS if part not in BAND_PARTS},
}


SPEC = EntrySpec("sheet", "", ENTRIES)


def load_wording(folder: Path | Traversable | None = None) -> Wording:
    """Every sheet language in a templates folder (default: the shipped wording), checked."""
    return _load(SPEC, folder)
