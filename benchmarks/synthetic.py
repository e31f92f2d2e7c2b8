"""Synthetic cohorts for the benchmarks: deterministic, every level, a few absentees."""

from __future__ import annotations

import polars as pl

from jlpt_batch.rules import SECTION_KEYS, load_rules


def synthetic_scores(rows: int, seed: int = 7) -> pl.DataFrame:
    """Typed rows as the validator hands them to the judge (about 2% absent from a section)."""
    index = pl.int_range(rows, dtype=pl.Int64, eager=True)
    frame = pl.DataFrame({"source_row": index + 2}).with_columns(
        pl.format("C{}", pl.col("source_row")).alias("candidate_id"),
        pl.lit("Student").alias("name"),
        (pl.lit("Class ") + (pl.col("source_row") % 6).cast(pl.String)).alias("class"),
        pl.concat_str(pl.lit("N"), (pl.col("source_row").hash(seed) % 5 + 1).cast(pl.String)).alias("level"),
    )
    rules = load_rules()
    columns = []
    for i, key in enumerate(SECTION_KEYS):
        maximum = 120 if key == "language_knowledge_reading" else 60
        score = (pl.col("source_row").hash(seed + i) % (maximum + 1)).cast(pl.Int64)
        absent = pl.col("source_row").hash(seed + 10 + i) % 200 == 0
        has = pl.col("level").is_in([lv for lv, rule in rules.levels.items() if rule.section(key)])
        columns.append(pl.when(has & ~absent).then(score).alias(key))
    return frame.with_columns(columns)


FAMILY = ("佐藤", "鈴木", "髙橋", "田中", "渡邊", "伊藤", "山本", "中村", "小林", "加藤", "Nguyễn", "Trần", "Lê",
          "Phạm", "김", "이", "박", "王", "李", "张", "Sharma", "Thapa", "Perera", "Aung")  # fmt: skip
GIVEN = ("花子", "一郎", "ゆき", "ﾊﾅｺ", "翔太", "さくら", "Văn An", "Thị Ánh", "민준", "서연", "小明", "丽",
         "Rahul", "Sita", "Nimal", "Kyaw", "Somchai", "Anh", "Mai", "Linh")  # fmt: skip
CLASSES = ("1年A組", "1年B組", "2年A組", "2年B組", "さくら組", "Class 3", "N1対策", "夜間コース")


def _pick(words: tuple[str, ...], seed: int) -> pl.Expr:
    return pl.lit(pl.Series(words)).get((pl.col("source_row").hash(seed) % len(words)).cast(pl.Int64))


def synthetic_csv_frame(rows: int, seed: int = 7) -> pl.DataFrame:
    """The same rows as a school's CSV would hold them: text, Japanese headers, five-digit ids,
    names in the scripts of the school's students (Japanese, Vietnamese, Korean, Chinese, Nepali,
    Sinhala, Burmese) and Japanese class names."""
    scores = synthetic_scores(rows, seed).with_columns(
        pl.col("source_row").cast(pl.String).str.pad_start(6, "0").alias("candidate_id"),
        pl.concat_str(_pick(FAMILY, seed + 20), pl.lit(" "), _pick(GIVEN, seed + 21)).alias("name"),
        _pick(CLASSES, seed + 22).alias("class"),
    )
    return scores.select(
        pl.col("candidate_id").alias("受験番号"),
        pl.col("name").alias("氏名"),
        pl.col("class").alias("クラス"),
        pl.col("level").alias("レベル"),
        pl.col("language_knowledge").alias("言語知識"),
        pl.col("reading").alias("読解"),
        pl.col("language_knowledge_reading").alias("言語知識・読解"),
        pl.col("listening").alias("聴解"),
    )
