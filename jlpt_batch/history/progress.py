"""Each student against their earlier exams: what the history store says, in the shapes the outputs need.

Everything is compared with the student's *previous exam*: their latest exam before this
one. Section scores and totals are compared only when that exam was at the same level
(another level's scores are on its own scale); a mock and a sitting are compared, and
labelled as such wherever the comparison is shown.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from jlpt_batch.contract import COLUMNS, EARLIER_SCHEMA, HISTORY_COLUMNS, PASS, REJECTED, RENAMED_SCHEMA, EarlierExams
from jlpt_batch.history.store import ExamKey, HistoryStore
from jlpt_batch.messages import Message, counted, message
from jlpt_batch.rules import SECTION_KEYS, Rules, load_rules

# Who a row of the Progress tab's tables is about.
IDENTITY = ("candidate_id", "student_id", "name", "class", "level", "source_row")

# Names that differ only in width, case or spacing are the same name.
_SPACES = r"\s+"


def look_up(store: HistoryStore, judged: pl.DataFrame, exam: ExamKey, shown: int = 1) -> EarlierExams:
    """Every judged student's latest ``shown`` exams before ``exam`` (the sheets show a few; the other
    outputs need only the previous one), and the rows whose name the store knows differently."""
    students = judged.filter((pl.col("result") != REJECTED) & pl.col("student_id").is_not_null())
    students = students.select("source_row", "student_id", "name")
    # With more than the previous exam, one more than shown tells whether they are all there is.
    most = shown + 1 if shown > 1 else 1
    found = store.earlier_exams(students["student_id"].to_list(), exam, most)
    newest_first = found.sort("student_id", "exam_date", "exam_id", descending=[False, True, True])
    ranked = newest_first.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("student_id").alias("rank"),
        (pl.len().over("student_id") <= shown if shown > 1 else pl.lit(None, pl.Boolean)).alias("all_earlier"),
        _exam_label(),
    ).join(students.select("student_id", "source_row"), on="student_id")
    exams = ranked.filter(pl.col("rank") <= shown).select(EARLIER_SCHEMA.names()).cast(EARLIER_SCHEMA)
    return EarlierExams(
        store=store.path,
        exams=exams.sort("source_row", "rank"),
        renamed=_renamed(students, ranked.filter(pl.col("rank") == 1)),
    )


def _exam_label() -> pl.Expr:
    """Each exam's label (``ExamKey.label``), worked out once per distinct exam."""
    key = pl.concat_str(
        [pl.col("exam_kind"), pl.col("exam_date").cast(pl.String), pl.col("exam_name")], separator="\x1f"
    )
    return key.map_batches(_labels, return_dtype=pl.String).alias("exam")


def _labels(keys: pl.Series) -> pl.Series:
    labels = {}
    for key in keys.unique().drop_nulls().to_list():  # a handful of exams, however many rows
        kind, date, name = key.split("\x1f")
        labels[key] = ExamKey(dt.date.fromisoformat(date), kind, name).label
    return keys.replace_strict(labels, default=None, return_dtype=pl.String)


def _name_key(name: pl.Expr) -> pl.Expr:
    return name.str.normalize("NFKC").str.to_lowercase().str.replace_all(_SPACES, "")


def _renamed(students: pl.DataFrame, latest: pl.DataFrame) -> pl.DataFrame:
    """Rows whose name is not the name their student id had at the previous exam."""
    stored = latest.select("student_id", pl.col("name").alias("stored_name"), pl.col("exam").alias("stored_exam"))
    # Most names are written exactly as before: only the others are normalised and compared again.
    differ = students.join(stored, on="student_id").filter(pl.col("name") != pl.col("stored_name"))
    renamed = differ.filter(_name_key(pl.col("name")) != _name_key(pl.col("stored_name")))
    return renamed.select(RENAMED_SCHEMA.names()).cast(RENAMED_SCHEMA).sort("source_row")


def renamed_warning(earlier: EarlierExams, shown: int = 10) -> Message | None:
    """One warning listing the rows whose name differs from the store's (the first ``shown`` of them)."""
    renamed = earlier.renamed
    if renamed.height == 0:
        return None
    rows = tuple(
        message(
            "history.renamed_row",
            row=str(row["source_row"]),
            student=row["student_id"],
            name=row["name"],
            stored_name=row["stored_name"],
            exam=ExamKey.from_label(row["stored_exam"]).exam(),
        )
        for row in renamed.head(shown).iter_rows(named=True)
    )
    more = message("history.renamed_more", rows=counted("row", renamed.height - shown), tab=message("tabs.progress"))
    return message(
        "history.renamed",
        students=counted("student", renamed.height),
        store=str(earlier.store),
        rows=rows,
        more=more if renamed.height > shown else "",
    )


# ── results.csv's history columns ──────────────────────────────────────────


def with_previous(judged: pl.DataFrame, earlier: EarlierExams) -> pl.DataFrame:
    """The judged frame with its history columns filled from each row's previous exam."""
    previous = _previous(earlier).select(
        "source_row",
        "previous_exam",
        "previous_exam_date",
        "previous_level",
        pl.col("total_then").alias("previous_total"),
    )
    # Only the row numbers go through the join, so no other column of a large cohort is copied.
    aligned = judged.select("source_row", "level", "total").join(
        previous, on="source_row", how="left", maintain_order="left"
    )
    same_level = pl.col("level") == pl.col("previous_level")
    aligned = aligned.with_columns(
        pl.when(same_level).then(pl.col("total") - pl.col("previous_total")).alias("change_total")
    )
    dtypes = {column.key: column.dtype for column in COLUMNS}
    return judged.with_columns(aligned[key].cast(dtypes[key]) for key in HISTORY_COLUMNS)


# ── the Progress tab's figures ─────────────────────────────────────────────


def compared(judged: pl.DataFrame, earlier: EarlierExams) -> pl.DataFrame:
    """Every judged student with a previous exam, now against then.

    Their ``IDENTITY``, the previous
    exam (previous_exam, previous_kind, previous_exam_date, previous_level, same_level),
    then ``<section>_then``, ``<section>_now``, ``<section>_change`` for each section
    key (and ``total``), and result_then, result_now.
    """
    previous = _previous(earlier)
    now = judged.filter(pl.col("result") != REJECTED).select(
        *IDENTITY,
        *[pl.col(key).alias(f"{key}_now") for key in (*SECTION_KEYS, "total")],
        pl.col("result").alias("result_now"),
    )
    both = now.join(previous, on="source_row", maintain_order="left")
    same_level = pl.col("level") == pl.col("previous_level")
    changes = [
        pl.when(same_level).then(pl.col(f"{key}_now") - pl.col(f"{key}_then")).alias(f"{key}_change")
        for key in (*SECTION_KEYS, "total")
    ]
    return both.with_columns(same_level.alias("same_level"), *changes)


def _previous(earlier: EarlierExams) -> pl.DataFrame:
    """Each student's previous exam (rank 1), its columns named as the comparisons use them."""
    return earlier.exams.filter(pl.col("rank") == 1).select(
        "source_row",
        pl.col("exam").alias("previous_exam"),
        pl.col("exam_kind").alias("previous_kind"),
        pl.col("exam_date").alias("previous_exam_date"),
        pl.col("level").alias("previous_level"),
        *[pl.col(key).alias(f"{key}_then") for key in (*SECTION_KEYS, "total")],
        pl.col("result").alias("result_then"),
    )


def fell_below(both: pl.DataFrame, rules: Rules | None = None) -> pl.DataFrame:
    """One row per student and section that is below its floor now but cleared it at the previous
    exam (at the same level): candidate_id, student_id, name, class, level, section, floor, then, now."""
    rules = rules or load_rules()
    found = []
    for key in SECTION_KEYS:
        floors = {level: rule.section(key) for level, rule in rules.levels.items()}
        floor_of = {level: section.floor for level, section in floors.items() if section is not None}
        floor = pl.col("level").replace_strict(floor_of, default=None, return_dtype=pl.Int64)
        below = pl.col("same_level") & (pl.col(f"{key}_then") >= floor) & (pl.col(f"{key}_now") < floor)
        found.append(
            both.filter(below.fill_null(False)).select(
                *IDENTITY,
                pl.lit(key).alias("section"),
                floor.alias("floor"),
                pl.col(f"{key}_then").alias("then"),
                pl.col(f"{key}_now").alias("now"),
            )
        )
    return pl.concat(found).sort("source_row", "section")


def by_class(judged: pl.DataFrame, both: pl.DataFrame, below: pl.DataFrame) -> pl.DataFrame:
    """Per class and level: judged, with a previous exam, at another level then, improved, fell back,
    unchanged (totals of the same level, scored both times), passed after not passing, fell below a floor."""
    comparable = pl.col("same_level") & pl.col("total_change").is_not_null()
    counts = both.group_by("class", "level").agg(
        pl.len().alias("with_previous"),
        (~pl.col("same_level")).sum().alias("other_level"),
        (comparable & (pl.col("total_change") > 0)).sum().alias("improved"),
        (comparable & (pl.col("total_change") < 0)).sum().alias("fell_back"),
        (comparable & (pl.col("total_change") == 0)).sum().alias("unchanged"),
        (pl.col("same_level") & (pl.col("result_now") == PASS) & (pl.col("result_then") != PASS))
        .sum()
        .alias("passed_after_not_passing"),
    )
    fell = below.group_by("class", "level").agg(pl.col("source_row").n_unique().alias("fell_below_floor"))
    judged_rows = judged.filter(pl.col("result") != REJECTED)
    table = judged_rows.group_by("class", "level").agg(pl.len().alias("judged"))
    table = table.join(counts, on=["class", "level"], how="left", nulls_equal=True)
    table = table.join(fell, on=["class", "level"], how="left", nulls_equal=True)
    numbers = [name for name in table.columns if name not in ("class", "level")]
    return table.with_columns(pl.col(numbers).fill_null(0).cast(pl.Int64)).sort("class", "level", nulls_last=True)
