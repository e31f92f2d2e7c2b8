"""What the sheets of one run share: the wording, the exam and its dates, the school, the rules.

Decided once per run and handed to every worker process (so it must pickle).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jlpt_batch.admin_wording import admin_catalog, english
from jlpt_batch.exams import Exam, NextSittings, Registration, next_sittings
from jlpt_batch.messages import Message, counted, message
from jlpt_batch.outputs.sheets.wording import FALLBACK_LANG, Wording, load_wording
from jlpt_batch.rules import TOTAL_MAX, Rules, load_rules
from jlpt_batch.settings import Settings
from jlpt_batch.wording import Catalog


@dataclass(frozen=True)
class SheetContext:
    """Everything about a run that the wording needs, decided once (picklable for workers)."""

    wording: Wording
    default_lang: str  # a language with a catalog: settings.lang, or English
    exam: Exam
    as_of: dt.date
    school: str
    rules: Rules
    registration: Registration
    sittings: NextSittings  # the sitting to aim for, with its registration, seen from as_of
    percentile: bool = False
    region: str = "all"  # whose national figures, for a student whose row gives no region
    national_period: str = ""  # e.g. "jlpt-2018-07": the sitting the national figures come from
    national_label: str = ""
    # region -> level -> {total: estimated percentile}, for passing totals only; empty without --percentile
    percentiles: Mapping[str, Mapping[str, Mapping[int, float]]] = field(default_factory=dict)
    # a mock marked against its key: each level's questions in key order, as (item, part)
    mock_questions: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    warnings: tuple[Message, ...] = ()
    admin: Catalog = field(default_factory=english)  # the administrator's wording: the teachers' covers speak it
    workbook_written: bool = True  # a cover can send the teacher to the workbook's Rejected tab


def make_context(settings: Settings) -> SheetContext:
    """Load and check the wording and fix the run's dates; TemplateError for a bad template."""
    wording = load_wording(settings.templates_dir)
    warnings = list(wording.warnings)
    default_lang = _available(settings.lang, wording)
    if default_lang is None:
        warnings.append(message("sheets.no_language", lang=settings.lang))
        default_lang = FALLBACK_LANG
    exam = settings.effective_exam
    rules = load_rules()
    period, label, table = _percentile_tables(rules) if settings.percentile else ("", "", {})
    return SheetContext(
        wording=wording,
        default_lang=default_lang,
        exam=exam,
        as_of=settings.as_of,
        school=settings.school.strip(),
        rules=rules,
        registration=settings.registration,
        sittings=next_sittings(exam, settings.as_of, settings.registration),
        percentile=settings.percentile,
        region=settings.region,
        national_period=period,
        national_label=label,
        percentiles=table,
        warnings=tuple(warnings),
        admin=admin_catalog(settings.admin_lang, settings.templates_dir),
        workbook_written=settings.writes("workbook"),
    )


PERCENTILE_REGIONS = ("all", "domestic", "overseas")


def _percentile_tables(rules: Rules) -> tuple[str, str, dict[str, dict[str, dict[int, float]]]]:
    """Estimated percentiles for every passing total, per region, worked out once rather than per sheet."""
    from jlpt_batch.reference import load_national  # polars work only when --percentile asks for it

    national = load_national()
    tables: dict[str, dict[str, dict[int, float]]] = {}
    for region in PERCENTILE_REGIONS:
        tables[region] = {}
        for level, rule in rules.levels.items():
            totals = range(rule.pass_mark, TOTAL_MAX + 1)
            ranks = {total: national.percentile(level, total, region) for total in totals}
            tables[region][level] = {total: rank for total, rank in ranks.items() if rank is not None}
    return national.period, national.label, tables


def sheet_language(row: Mapping[str, Any], context: SheetContext) -> str:
    """The row's ``language`` when there is wording for it, else the run's default language."""
    return _available(row.get("language"), context.wording) or context.default_lang


def language_warnings(languages: Iterable[str | None], context: SheetContext) -> tuple[Message, ...]:
    """One warning per language asked for in the data that has no wording (sheets fall back)."""
    counts = Counter(str(lang).strip() for lang in languages if lang and str(lang).strip())
    return tuple(
        message(
            "sheets.language_of_students", lang=lang, students=counted("student", count), default=context.default_lang
        )
        for lang, count in sorted(counts.items())
        if _available(lang, context.wording) is None
    )


def _available(code: object, wording: Wording) -> str | None:
    """'ja', 'JA' or 'ja-JP' -> 'ja' when a catalog exists (a 'zh-tw' file wins over 'zh')."""
    if not code or not str(code).strip():
        return None
    full = str(code).strip().lower().replace("_", "-")
    for candidate in (full, full.split("-")[0]):
        if wording.has(candidate):
            return candidate
    return None
