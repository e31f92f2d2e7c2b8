"""Judged rows built by hand, with the exact columns of docs/architecture.md, for the wording tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jlpt_batch.exams import Exam, Sitting
from jlpt_batch.rules import SECTION_KEYS, load_rules
from jlpt_batch.settings import Settings

# The run most tests use: scores from the December 2026 sitting, sheets issued on 20 December.
AS_OF = dt.date(2026, 12, 20)
DECEMBER_2026 = Exam(Sitting(2026, 12))


def settings(**overrides) -> Settings:
    """Settings for a sheet run, with the fields the wording reads set to known values."""
    values = dict(
        input_path=Path("cohort.csv"),
        out_dir=Path("out"),
        as_of=AS_OF,
        exam=DECEMBER_2026,
        school="Sakura Academy",
        lang="en",
    )
    return Settings(**(values | overrides))


def judged_row(level: str, scores: dict[str, int | None], **extra) -> dict:
    """One judged row as ``CohortRun.judged.to_dicts()`` gives it.

    ``scores`` maps the level's section keys to a score, or None when absent. The
    judgement columns follow the official rules; ``extra`` overrides any column
    (bands, counts, name, language, region ...).
    """
    rules = load_rules().level(level)
    absent = [key for key in rules.section_keys if scores.get(key) is None]
    failed = [key for key in rules.section_keys if key not in absent and scores[key] < rules.section(key).floor]
    total = None if absent else sum(scores[key] for key in rules.section_keys)
    passed = total is not None and total >= rules.pass_mark and not failed
    row = {key: scores.get(key) for key in SECTION_KEYS}
    row |= {
        "candidate_id": "00123",
        "name": "Tanaka Hana",
        "class": "2A",
        "level": level,
        "source_row": 2,
        "total": total,
        "result": "PASS" if passed else "FAIL",
        "failed_sections": ";".join(failed),
        "absent_sections": ";".join(absent),
        "points_short": None if total is None else max(0, rules.pass_mark - total),
        "cefr": next((cefr for cut, cefr in rules.cefr_cuts if total >= cut), None) if passed else None,
        "vocabulary_band": None,
        "grammar_band": None,
        "reading_band": None,
        "error": None,
        "region": None,
        "language": None,
        "scored": not absent,
    }
    for part in ("vocabulary", "grammar", "reading"):
        row |= {f"{part}_correct": None, f"{part}_questions": None}
    return row | extra


def three(knowledge: int | None, reading: int | None, listening: int | None) -> dict[str, int | None]:
    """Scores of an N1-N3 row."""
    return {"language_knowledge": knowledge, "reading": reading, "listening": listening}


def two(knowledge_reading: int | None, listening: int | None) -> dict[str, int | None]:
    """Scores of an N4-N5 row."""
    return {"language_knowledge_reading": knowledge_reading, "listening": listening}


def sheet_text(model) -> str:
    """Every word a sheet prints, in reading order, for assertions."""
    parts = [model.school, model.exam_title, *(f"{label}: {value}" for label, value in model.header_fields)]
    parts += [model.result_text, model.result_detail, *model.score_headings]
    for row in model.score_rows:
        parts.append(f"{row.label} | {row.score} / {row.maximum} | {row.threshold} | {row.margin}")
    parts += [f"{bar.label} {bar.threshold_label}" for bar in model.bars]
    for block in model.blocks:
        parts += [block.heading, *block.paragraphs]
    return "\n".join(parts + list(model.footer))
