"""Item analysis of a marked mock: how each question behaved, how reliable each section was.

For every level and question, over the students who sat its section:

- *facility*: the share who got it right;
- *discrimination*: the facility among the top 27% of the section's raw totals minus the
  facility among the bottom 27% (Kelley's groups: 27% of the students, rounded half up;
  students with equal totals are ordered as they come in the file);
- *point-biserial*: the correlation of getting it right with the rest of the section's
  raw total (the question's own points left out);
- the share choosing each option, leaving it blank, or marking two options;
- *flags*: ``too_hard`` (facility under 0.20), ``too_easy`` (over 0.95),
  ``low_discrimination`` (under 0.10) and ``check_key`` (negative discrimination, or a
  wrong option chosen more often than the keyed one by the top group: the classic
  mis-keyed question).

Per level and section, the reliability is KR-20, computed as Cronbach's alpha: the two
are equal when every question is worth one point, and alpha weighs each question by its
points otherwise. The standard error of measurement is the spread (SD) of the estimated
scores × √(1 − reliability), in scaled points.

Every figure comes from one aggregation of the marked answers per question, top or
bottom group and code; the rest is arithmetic on that small table. No loop over
students or questions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from jlpt_batch.contract import REJECTED
from jlpt_batch.marking.answers import BLANK, OPTIONS, accepted_text, is_multiple, is_single, option_names
from jlpt_batch.marking.key import AnswerKey
from jlpt_batch.marking.mark import Marked, MarkedLevel, marked_answers
from jlpt_batch.messages import Message, message
from jlpt_batch.rules import LEVELS, PARTS, SECTION_KEYS

TOO_HARD_BELOW = 0.20
TOO_EASY_ABOVE = 0.95
LOW_DISCRIMINATION_BELOW = 0.10
GROUP_PERCENT = 27  # Kelley's upper and lower groups
CHECK_KEY_SHOWN = 5  # questions named in the run's warning (all are in items.csv)
FLAGS = ("too_hard", "too_easy", "low_discrimination", "check_key")  # items.csv's flags, in this order
OPTION_COLUMNS = tuple(f"option_{number}" for number in range(1, OPTIONS + 1))

TOP, MIDDLE, BOTTOM = 1, 0, -1

# items.csv, in order (stable English keys).
ITEM_COLUMNS = (
    "level", "item", "section", "part", "answer", "answered", "facility", "discrimination", "point_biserial",
    "flags", *OPTION_COLUMNS, "double_marked", "blank", "points", "students",
)  # fmt: skip


@dataclass(frozen=True)
class MockAnalysis:
    """What a marked mock adds to a run: the item analysis, the reliability, and each level's marks."""

    key_name: str
    letters: bool  # the key writes its options A-D
    items: pl.DataFrame  # ITEM_COLUMNS, then key_row: one row per level and question
    reliability: pl.DataFrame  # level, section, questions, possible, students, mean_points, kr20, sd, sem, method
    levels: tuple[MarkedLevel, ...]  # each level's codes and sittings (the long answers already let go)
    warnings: tuple[Message, ...]

    def questions(self) -> dict[str, tuple[tuple[str, str], ...]]:
        """Each level's questions in key order, as (item, part): what review()'s indexes stand for."""
        return {level.level: tuple(level.questions.select("item", "part").iter_rows()) for level in self.levels}

    def review(self) -> pl.DataFrame:
        """source_row, review: each marked student's questions to review in the sections they sat, in key
        order, as a list of {question: its index in the level's key (see questions), how: wrong, blank or
        two_marks}. Indexes rather than names keep it small: 100,000 students miss millions of questions."""
        frames = [_review(level) for level in self.levels]
        schema = pl.Schema({"source_row": pl.Int64(), "review": pl.List(pl.Struct(_REVIEW_FIELDS))})
        return pl.concat([pl.DataFrame(schema=schema), *frames])


_CELLS_SCHEMA = {
    "question": pl.UInt32, "group": pl.Int8, "code": pl.UInt8, "n": pl.Int64, "sum_total": pl.Int64,
    "sum_square": pl.Int64,
}  # fmt: skip
_HOW = pl.Enum(["wrong", "blank", "two_marks"])  # how a question to review was missed
_REVIEW_FIELDS = {"question": pl.UInt16(), "how": _HOW}  # the question's index in its level's key


def analyse(marked: Marked, key: AnswerKey) -> MockAnalysis:
    """The item analysis and reliability of every level marked; the long answers are let go afterwards."""
    items = [_level_items(level) for level in marked.levels]
    item_frame = pl.concat(items) if items else _empty_items()
    reliability = pl.concat([_reliability(level, item_frame, key) for level in marked.levels] or [_no_reliability()])
    slim = tuple(replace(level, answers=level.answers.clear()) for level in marked.levels)
    warnings = (*_double_mark_warning(marked.levels), *_check_key_warnings(item_frame, key.letters))
    return MockAnalysis(key.name, key.letters, _shown(item_frame, key.letters), reliability, slim, warnings)


# ── per question ─────────────────────────────────────────────────────────────


def _groups(level: MarkedLevel) -> pl.DataFrame:
    """Each sitting's group: top or bottom 27% of its section's raw totals among those who sat it, else middle.

    Null for a student absent from the section. In the sittings' order (section, student).
    """
    sat = pl.col("answered") > 0
    ranked = level.sittings.with_row_index("_slot").filter(sat).sort("section_index", "points", "student")
    rank = pl.int_range(pl.len()).over("section_index")
    count = pl.len().over("section_index")
    size = (GROUP_PERCENT * count + 50) // 100  # 27% of the students, rounded half up, in whole numbers
    group = pl.when(rank < size).then(BOTTOM).when(rank >= count - size).then(TOP).otherwise(MIDDLE)
    grouped = ranked.select("_slot", group.cast(pl.Int8).alias("group"))
    slots = level.sittings.with_row_index("_slot").select("_slot")
    return slots.join(grouped, on="_slot", how="left", maintain_order="left").select("group")


def _cells(level: MarkedLevel) -> pl.DataFrame:
    """How many students in each group gave each code to each question, with the sums of their
    section totals (and squares) that the point-biserial needs."""
    students = level.students.len()
    if students == 0:  # every student of the level was rejected, or none sat it
        return pl.DataFrame(schema=_CELLS_SCHEMA)
    sittings = pl.concat([level.sittings, _groups(level)], how="horizontal")
    slot = _sitting_slot(level, students)
    total = pl.lit(sittings["points"]).gather(slot).cast(pl.Int64)
    return (
        level.answers.lazy()
        .select("question", "code", pl.lit(sittings["group"]).gather(slot).alias("group"), total.alias("total"))
        .group_by("question", "group", "code")
        .agg(
            pl.len().cast(pl.Int64).alias("n"),
            pl.col("total").sum().alias("sum_total"),
            (pl.col("total") ** 2).sum().alias("sum_square"),
        )
        .filter(pl.col("group").is_not_null())  # absent from the section: not in its analysis
        .collect()
    )


def _sitting_slot(level: MarkedLevel, students: int) -> pl.Expr:
    """The row of level.sittings that holds each answer's student and section.

    The sittings are section by section, a student's at their index within each, so the
    sitting of an answer is found by arithmetic on its question's section, not by a join
    over every answer.
    """
    sections = level.sittings["section_index"].unique(maintain_order=True)
    slot_of_section = {index: slot for slot, index in enumerate(sections)}
    section_slot = level.questions["section_index"].replace_strict(slot_of_section, return_dtype=pl.UInt32)
    return pl.lit(section_slot).gather(pl.col("question")) * students + pl.col("student")


def _level_items(level: MarkedLevel) -> pl.DataFrame:
    """One row per question of the level: every figure of ITEM_COLUMNS (option shares unformatted)."""
    questions = level.questions.with_row_index("question").with_columns(pl.col("question").cast(pl.UInt32))
    cells = _cells(level).join(questions.select("question", "accepted", "points"), on="question")
    code, n = pl.col("code"), pl.col("n")
    right = is_single(code) & ((code & pl.col("accepted")) != 0)
    top, bottom = pl.col("group") == TOP, pl.col("group") == BOTTOM
    counts = cells.group_by("question").agg(
        n.sum().alias("students"),
        n.filter(right).sum().alias("correct"),
        n.filter(code != BLANK).sum().alias("answered"),
        *(n.filter(code == 1 << option).sum().alias(f"_chose_{option}") for option in range(OPTIONS)),
        n.filter(is_multiple(code)).sum().alias("_double"),
        n.filter(code == BLANK).sum().alias("_blank"),
        n.filter(top).sum().alias("_top"),
        n.filter(top & right).sum().alias("_top_correct"),
        *(n.filter(top & (code == 1 << option)).sum().alias(f"_top_chose_{option}") for option in range(OPTIONS)),
        n.filter(bottom).sum().alias("_bottom"),
        n.filter(bottom & right).sum().alias("_bottom_correct"),
        pl.col("sum_total").filter(right).sum().alias("_sum_total_right"),
        pl.col("sum_total").sum().alias("_sum_total"),
        pl.col("sum_square").sum().alias("_sum_square"),
    )
    figures = questions.join(counts, on="question", how="left", maintain_order="left").with_columns(
        pl.col("students", "correct", "answered").fill_null(0)  # nobody of the level was marked
    )
    return figures.with_columns(_figures()).with_columns(_flags().alias("flags"))


def _figures() -> list[pl.Expr]:
    students = pl.col("students")
    share = {name: pl.when(students > 0).then(pl.col(name) / students) for name in ("correct", "_double", "_blank")}
    top_facility = pl.col("_top_correct") / pl.col("_top")
    bottom_facility = pl.col("_bottom_correct") / pl.col("_bottom")
    return [
        share["correct"].alias("facility"),
        pl.when(pl.col("_top") > 0).then(top_facility - bottom_facility).alias("discrimination"),
        _point_biserial().alias("point_biserial"),
        *(
            pl.when(students > 0).then(pl.col(f"_chose_{option}") / students).alias(OPTION_COLUMNS[option])
            for option in range(OPTIONS)
        ),
        share["_double"].alias("double_marked"),
        share["_blank"].alias("blank"),
        _top_prefers_a_wrong_option().alias("_top_prefers_wrong"),
    ]


def _point_biserial() -> pl.Expr:
    """Pearson's r of right (1) or not (0) with the rest of the section total (total − the question's points
    when right), from the group sums: n, Σx = Σx² = C, Σy, Σy², Σxy."""
    n, right = pl.col("students").cast(pl.Float64), pl.col("correct").cast(pl.Float64)
    weight = pl.col("points").cast(pl.Float64)
    sum_total, sum_square = pl.col("_sum_total").cast(pl.Float64), pl.col("_sum_square").cast(pl.Float64)
    sum_total_right = pl.col("_sum_total_right").cast(pl.Float64)
    sum_rest = sum_total - weight * right
    sum_rest_square = sum_square - 2 * weight * sum_total_right + weight * weight * right
    sum_right_rest = sum_total_right - weight * right
    spread = (n * right - right * right) * (n * sum_rest_square - sum_rest * sum_rest)
    return pl.when(spread > 0).then((n * sum_right_rest - right * sum_rest) / spread.sqrt())


def _top_prefers_a_wrong_option() -> pl.Expr:
    """The top group chose some wrong option more often than the keyed answer."""
    return pl.any_horizontal(
        ((pl.col("accepted") & (1 << option)) == 0) & (pl.col(f"_top_chose_{option}") > pl.col("_top_correct"))
        for option in range(OPTIONS)
    )


def _flags() -> pl.Expr:
    facility, discrimination = pl.col("facility"), pl.col("discrimination")
    tests = dict(zip(FLAGS, (
        facility < TOO_HARD_BELOW,
        facility > TOO_EASY_ABOVE,
        discrimination < LOW_DISCRIMINATION_BELOW,
        (discrimination < 0) | pl.col("_top_prefers_wrong"),
    ), strict=True))  # fmt: skip
    return pl.concat_str(
        [pl.when(test.fill_null(False)).then(pl.lit(flag)) for flag, test in tests.items()],
        separator=";",
        ignore_nulls=True,
    )


def _shown(items: pl.DataFrame, letters: bool) -> pl.DataFrame:
    """ITEM_COLUMNS in order, then the key's row; levels N1 first, key order within."""
    order = {level: index for index, level in enumerate(LEVELS)}
    ordered = items.sort(pl.col("level").replace_strict(order, return_dtype=pl.Int64), "key_row")
    return ordered.select(*ITEM_COLUMNS, "key_row")


def _empty_items() -> pl.DataFrame:
    return pl.DataFrame(schema={name: pl.String for name in ITEM_COLUMNS})


# ── per section ──────────────────────────────────────────────────────────────


def _reliability(level: MarkedLevel, items: pl.DataFrame, key: AnswerKey) -> pl.DataFrame:
    """KR-20 and the SEM of each section of the level, over the students who sat it."""
    own = items.filter(pl.col("level") == level.level)
    facility, weight = pl.col("facility"), pl.col("points").cast(pl.Float64)
    spread = own.group_by("section").agg(
        pl.len().alias("questions"),
        pl.col("points").sum().alias("possible"),
        (weight * weight * facility * (1 - facility)).sum().alias("_item_variance"),
    )
    sat = level.sittings.filter(pl.col("answered") > 0)
    totals = sat.group_by("section").agg(
        pl.len().alias("students"),
        pl.col("points").mean().alias("mean_points"),
        pl.col("points").var(ddof=0).alias("_variance"),
        pl.col("estimate").std(ddof=0).alias("sd"),
    )
    k = pl.col("questions").cast(pl.Float64)
    kr20 = pl.when((k > 1) & (pl.col("_variance") > 0)).then(
        k / (k - 1) * (1 - pl.col("_item_variance") / pl.col("_variance"))
    )
    tabled = key.conversions.filter(pl.col("level") == level.level)["section"].unique().to_list()
    method = pl.when(pl.col("section").is_in(tabled)).then(pl.lit("conversion table")).otherwise(pl.lit("share"))
    order = {section: index for index, section in enumerate(SECTION_KEYS)}
    return (
        spread.join(totals, on="section", how="left")
        .with_columns(kr20.alias("kr20"))
        .with_columns((pl.col("sd") * (1 - pl.col("kr20")).sqrt()).alias("sem"), method.alias("method"))
        .sort(pl.col("section").replace_strict(order, return_dtype=pl.Int64))
        .select(
            pl.lit(level.level).alias("level"),
            "section",
            pl.col("questions").cast(pl.Int64),
            pl.col("possible").cast(pl.Int64),
            pl.col("students").cast(pl.Int64),
            "mean_points",
            "kr20",
            "sd",
            "sem",
            "method",
        )
    )


def _no_reliability() -> pl.DataFrame:
    schema = {
        "level": pl.String, "section": pl.String, "questions": pl.Int64, "possible": pl.Int64,
        "students": pl.Int64, "mean_points": pl.Float64, "kr20": pl.Float64, "sd": pl.Float64,
        "sem": pl.Float64, "method": pl.String,
    }  # fmt: skip
    return pl.DataFrame(schema=schema)


# ── per class ────────────────────────────────────────────────────────────────


def class_part_shares(judged: pl.DataFrame) -> pl.DataFrame:
    """Per class and level, the share of questions answered correctly in each sub-part.

    Columns: class, level, students (judged, with counts), then one share per part (null where
    nobody of the class answered that part). From the judged frame's counts, so rejected
    rows and absent sections are left out.
    """
    counted = judged.filter((pl.col("result") != REJECTED) & pl.any_horizontal(
        pl.col(f"{part}_questions").is_not_null() for part in PARTS
    ))  # fmt: skip
    shares = [(pl.col(f"{part}_correct").sum() / pl.col(f"{part}_questions").sum()).alias(part) for part in PARTS]
    order = {level: index for index, level in enumerate(LEVELS)}
    return (
        counted.group_by("class", "level")
        .agg(pl.len().cast(pl.Int64).alias("students"), *shares)
        .sort("class", pl.col("level").replace_strict(order, return_dtype=pl.Int64), nulls_last=True)
        .with_columns(pl.when(pl.col(part).is_finite()).then(pl.col(part)).alias(part) for part in PARTS)
    )


# ── what the administrator is told ──────────────────────────────────────────────


def _double_mark_warning(levels: tuple[MarkedLevel, ...]) -> tuple[Message, ...]:
    """How many answers had two or more marks (counted wrong), and where the first few are."""
    examples, total = [], 0
    for level in levels:
        doubles = level.answers.filter(is_multiple(pl.col("code")))
        total += doubles.height
        first = doubles.sort("student", "question").head(5)
        rows = level.students.gather(first["student"]).to_list()
        places = first["question"].to_list()  # the question's place in the file: Q4 before Q15
        headings = level.questions["heading"].gather(first["question"]).to_list()
        examples += list(zip(rows, places, headings, strict=True))
    if not total:
        return ()
    shown = tuple(message("mock.answer_at", row=str(row), column=heading) for row, _, heading in sorted(examples)[:5])
    where = message("mock.and_more", examples=shown) if total > 5 else shown
    return (message("mock.double_marks", answers=total, examples=where),)


def _check_key_warnings(items: pl.DataFrame, letters: bool) -> tuple[Message, ...]:
    """One line naming the questions flagged check_key: a mis-keyed question changes everyone's score."""
    flagged = items.filter(pl.col("flags").str.split(";").list.contains("check_key"))
    if flagged.height == 0:
        return ()
    names = option_names(letters)
    shown = []
    for row in flagged.head(CHECK_KEY_SHOWN).iter_rows(named=True):  # a few questions, worded one by one
        chose = [row[f"_top_chose_{option}"] or 0 for option in range(OPTIONS)]
        favourite = names[max(range(OPTIONS), key=lambda option: chose[option])]
        keyed = accepted_text(row["accepted"], letters)
        shown.append(message("mock.check_key_question", level=row["level"], item=row["item"], keyed=keyed,
                             chosen=favourite))  # fmt: skip
    questions: object = tuple(shown)
    if flagged.height > CHECK_KEY_SHOWN:
        questions = message("mock.and_more_questions", questions=tuple(shown), more=flagged.height - CHECK_KEY_SHOWN)
    return (message("mock.check_key", count=flagged.height, questions=questions),)


def _review(level: MarkedLevel) -> pl.DataFrame:
    """source_row and the review list of each student of one level (sections they were absent from left out)."""
    students = level.students.len()
    if students == 0:  # every student of the level was rejected, or none sat it
        return pl.DataFrame(schema={"source_row": level.students.dtype, "review": pl.List(pl.Struct(_REVIEW_FIELDS))})
    answers = marked_answers(level.codes, level.questions)
    sat = pl.lit(level.sittings["answered"] > 0).gather(_sitting_slot(level, students))
    code = pl.col("code")
    how = pl.when(code == BLANK).then(pl.lit("blank")).when(is_multiple(code)).then(pl.lit("two_marks"))
    missed = (
        answers.filter(~pl.col("correct") & sat)  # student by student, questions in key order
        .select(
            "student",
            pl.struct(pl.col("question").cast(pl.UInt16), how.otherwise(pl.lit("wrong")).cast(_HOW).alias("how")).alias(
                "review"
            ),
        )
        .group_by("student", maintain_order=True)
        .agg("review")
    )
    everyone = pl.DataFrame({"student": pl.int_range(0, students, dtype=pl.UInt32, eager=True)})
    return everyone.join(missed, on="student", how="left", maintain_order="left").select(
        pl.lit(level.students).gather(pl.col("student")).alias("source_row"),
        pl.col("review").fill_null(pl.lit([], pl.List(pl.Struct(_REVIEW_FIELDS)))),
    )
