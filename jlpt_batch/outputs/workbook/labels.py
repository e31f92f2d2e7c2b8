"""How the workbook names regions, sections and rows without a class."""

from __future__ import annotations

import polars as pl

from jlpt_batch.stats import TOTAL

REGION_WORDS = {
    "all": "all examinees (in Japan and overseas)",
    "domestic": "examinees in Japan",
    "overseas": "examinees overseas",
}


NO_CLASS = "(no class)"


SECTION_LABELS = {
    "language_knowledge": "Vocabulary/Grammar",
    "reading": "Reading",
    "language_knowledge_reading": "Vocab/Grammar+Reading",
    "listening": "Listening",
    TOTAL: "Total",
}


def with_region_words(frame: pl.DataFrame) -> pl.DataFrame:
    words = pl.col("region").replace_strict(REGION_WORDS, default=pl.col("region"), return_dtype=pl.String)
    return frame.with_columns(words.alias("region_words"))


def region_words(regions: pl.Series) -> str:
    """The national population compared, in words; several when levels differ."""
    names = sorted(set(regions.drop_nulls().to_list()))
    return "; ".join(REGION_WORDS.get(name, name) for name in names) or REGION_WORDS["all"]
