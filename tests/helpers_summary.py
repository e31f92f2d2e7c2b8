"""Judged cohorts built by hand for the stats and workbook tests.

Rows are judged one at a time by ``plain_judge`` (the rule book written out in plain
Python), so the frames have the exact columns and types of docs/architecture.md
without depending on the vectorised judge.
"""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl

from jlpt_batch.contract import COLUMN_KEYS, SCHEMA, CohortRun, SourceInfo
from jlpt_batch.judging.plain_judge import judge_row
from jlpt_batch.rules import load_rules

REJECTION_SCHEMA = {
    "source_row": pl.Int64, "candidate_id": pl.String, "column": pl.String, "value": pl.String, "reason": pl.String,
}  # fmt: skip


def candidate(level: str, *scores: int | None, row: int, **extra) -> dict:
    """A judged row: ``scores`` are the level's sections in order (None: absent).

    ``extra`` sets any other column (candidate_id, name, class, region, answer counts...).
    """
    keys = load_rules().level(level).section_keys
    assert len(scores) == len(keys), f"{level} has sections {keys}"
    values = dict.fromkeys(SCHEMA) | dict(zip(keys, scores, strict=True))
    values |= {"candidate_id": f"{row:05d}", "name": f"Student {row}", "class": "1A", "level": level}
    values |= {"source_row": row, **extra}
    return values | judge_row(values)


def rejected(row: int, level: str | None = "N3", **extra) -> dict:
    """A REJECTED row as the pipeline keeps it: raw values, the reason, no judgement."""
    values = dict.fromkeys(SCHEMA) | {"candidate_id": f"{row:05d}", "name": f"Student {row}"}
    values |= {"class": "1A", "level": level, "source_row": row, "result": "REJECTED"}
    values |= {"failed_sections": "", "absent_sections": "", "scored": False}
    values |= {"error": f"row {row}: Listening 61 is outside 0-60 for N3; check the score"}
    return values | extra


def judged_frame(rows: list[dict]) -> pl.DataFrame:
    """The rows as CohortRun.judged: COLUMN_KEYS first, then the rest."""
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    return frame.select([*COLUMN_KEYS, *(c for c in SCHEMA if c not in COLUMN_KEYS)])


def rejections_for(rows: list[dict]) -> pl.DataFrame:
    """One problem per REJECTED row, naming the listening column (as rejected() says)."""
    problems = [
        (row["source_row"], row["candidate_id"], "Listening", "61", row["error"])
        for row in rows
        if row["result"] == "REJECTED"
    ]
    return pl.DataFrame(problems, schema=REJECTION_SCHEMA, orient="row")


def cohort_run(rows: list[dict], name: str = "cohort.xlsx") -> CohortRun:
    """A CohortRun of ``rows`` as read from sheet 'Scores' of ``name``."""
    source = SourceInfo(Path(name), "ab" * 32, "Scores", None, 1, len(rows), 2)
    return CohortRun(judged_frame(rows), rejections_for(rows), source)


def random_rows(seed: int, count: int) -> list[dict]:
    """A mixed cohort: every level, absent sections, rejected rows, answer counts, classes, regions."""
    rng = random.Random(seed)
    rows = []
    for row in range(2, count + 2):
        if rng.random() < 0.04:
            rows.append(rejected(row, level=rng.choice(["N3", "N6", None])))
            continue
        level = rng.choice(["N1", "N2", "N3", "N4", "N5"])
        rule = load_rules().level(level)
        scores = [_score(rng, section.maximum) for section in rule.sections]
        extra = {"class": rng.choice(["1A", "1B", "2A", None]), "region": rng.choice(["domestic", "overseas"])}
        extra |= _answer_counts(rng, rule.band_parts) if rng.random() < 0.8 else {}
        rows.append(candidate(level, *scores, row=row, **extra))
    return rows


def _score(rng: random.Random, maximum: int) -> int | None:
    if rng.random() < 0.03:
        return None  # absent from this section
    return max(0, min(maximum, round(rng.gauss(maximum * 0.52, maximum * 0.2))))


def _answer_counts(rng: random.Random, parts: tuple[str, ...]) -> dict:
    counts = {}
    for part in parts:
        questions = rng.choice([6, 25, 33])
        counts |= {f"{part}_correct": rng.randint(0, questions), f"{part}_questions": questions}
    return counts
