"""An obviously-correct judgement of one row, written straight from the rule book.

It is slow on purpose (plain Python, one row at a time): the test suite checks that
the vectorised judgement agrees with it, and the benchmark measures the difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jlpt_batch.contract import FAIL, PASS
from jlpt_batch.rules import BAND_PARTS, Rules, load_rules


def judge_row(row: Mapping[str, Any], rules: Rules | None = None) -> dict[str, object]:
    """Judge one validated row (level N1-N5, section scores or None) into the judged columns."""
    rules = rules or load_rules()
    rule = rules.level(row["level"])
    given = {section.key: row.get(section.key) for section in rule.sections}
    absent = [key for key, score in given.items() if score is None]
    if absent:
        return _not_scored(absent)
    scores: dict[str, int] = {key: score for key, score in given.items() if score is not None}
    total = sum(scores.values())
    failed = [s.key for s in rule.sections if scores[s.key] < s.floor]
    passed = total >= rule.pass_mark and not failed
    return {
        "total": total,
        "result": PASS if passed else FAIL,
        "failed_sections": ";".join(failed),
        "absent_sections": "",
        "points_short": max(rule.pass_mark - total, 0),
        "cefr": _cefr(rule.cefr_cuts, total) if passed else None,
        "scored": True,
        **{f"{part}_band": _band(row, part, rules) if part in rule.band_parts else None for part in BAND_PARTS},
    }


def _not_scored(absent: list[str]) -> dict[str, object]:
    return {
        "total": None, "result": FAIL, "failed_sections": "", "absent_sections": ";".join(absent),
        "points_short": None, "cefr": None, "scored": False,
        **{f"{part}_band": None for part in BAND_PARTS},
    }  # fmt: skip


def _cefr(cuts: tuple[tuple[int, str], ...], total: int) -> str | None:
    for lowest, level in cuts:  # highest cut first
        if total >= lowest:
            return level
    return None


def _band(row: Mapping[str, Any], part: str, rules: Rules) -> str | None:
    correct, questions = row.get(f"{part}_correct"), row.get(f"{part}_questions")
    if correct is None or questions is None:
        return row.get(f"{part}_band")
    if correct * 100 >= rules.band_a_percent * questions:
        return "A"
    if correct * 100 >= rules.band_b_percent * questions:
        return "B"
    return "C"
