"""Marking a mock: each student's answers against their level's key, into the scores the judge needs.

For each level of the key, its students' answers (one column per question) are read
into codes (see ``answers``) and laid out long, one row per student and question, so
every answer is marked by looking its question up in the key: there is no loop over
students or questions. From the marks come, per student, the raw count of each
sub-part (``{part}_correct`` of ``{part}_questions``), the questions with two marks,
and per section the points earned, whence the estimated scaled score: the practice
book's conversion table when there is one, else points earned ÷ points possible × the
section's maximum, rounded half up. A student who left every question of a section
blank is absent from it.

A row is rejected (kept, with its reason, and not marked) when its level has no key,
when a cell holds something that is not an answer (or nothing the reader can read: an
error, a formula never calculated, named by cell as the cohort's own cells are), or when
it answers a question its level's key does not have. A cell is read as the spreadsheet
shows it, so ``2``, ``②`` and ``２`` are the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from jlpt_batch.admin_wording import english
from jlpt_batch.marking.answers import BLANK, INVALID, answer_codes, is_multiple, is_single, options_message
from jlpt_batch.marking.key import AnswerKey
from jlpt_batch.reading import RawTable
from jlpt_batch.reading.headers import canonical_column
from jlpt_batch.reading.validate import REJECTION_SCHEMA, Prepared, unreadable_cells
from jlpt_batch.rules import LEVELS, PARTS, SECTION_KEYS, load_rules
from jlpt_batch.wording import Catalog

COUNT_COLUMNS = tuple(f"{part}_{kind}" for part in PARTS for kind in ("correct", "questions"))
MARK_COLUMNS = (*SECTION_KEYS, *COUNT_COLUMNS, "double_marks")  # what marking adds to each row
_FLAG, _POINTS = pl.UInt8(), pl.Int32()  # a yes/no as 0/1, and points, in the per-student arrays


@dataclass(frozen=True)
class MarkedLevel:
    """One level's marked students, kept for the item analysis and the sheets' review lists.

    A student's index is their position in ``students``; a question's, its row in ``questions``.
    """

    level: str
    questions: pl.DataFrame  # the key's questions of this level, in key order, with part_index, section_index
    students: pl.Series  # source_row of each marked student, in input order
    codes: pl.DataFrame  # one code column per question (c<column>), a row per student: compact, kept
    answers: pl.DataFrame  # marked_answers(): one row per student and question (let go once analysed)
    sittings: pl.DataFrame  # student, section_index, section, points, answered, estimate; by section, student
    marks: pl.DataFrame  # source_row and MARK_COLUMNS: what the rows of these students gain


@dataclass(frozen=True)
class Marked:
    """The cohort with its mock marked: rows carrying scores and counts, and each level's marks."""

    prepared: Prepared
    levels: tuple[MarkedLevel, ...]


def mark(raw: RawTable, prepared: Prepared, key: AnswerKey, words: Catalog | None = None) -> Marked:
    """Mark every row whose level the key has; reject rows that cannot be marked, saying why in
    ``words``, the administrator's wording (default: English)."""
    responses = _responses(raw, prepared, key)
    codes = _codes(responses, key.letters)
    problems = _answer_problems(raw, prepared, responses, codes, key, words or english())
    rejected = pl.concat([prepared.rejections["source_row"], problems["source_row"]])
    marked = tuple(_mark_level(level, key, codes, prepared.rows, rejected) for level in key.levels)
    rows = _with_marks(prepared.rows, marked)
    rejections = pl.concat([prepared.rejections, problems]).sort("source_row", maintain_order=True)
    return Marked(replace(prepared, rows=rows, rejections=rejections), marked)  # the reading's notes kept


def _column_name(index: int) -> str:
    return f"c{index}"  # as RawTable names its columns


def _responses(raw: RawTable, prepared: Prepared, key: AnswerKey) -> pl.DataFrame:
    """source_row and the text of every question column, for the rows validation kept."""
    columns = sorted(set(key.questions["column"].to_list()))
    table = raw.rows.select(raw.source_row_numbers(), *(pl.col(_column_name(index)) for index in columns))
    if prepared.rows_skipped_empty == 0:  # then the table's rows are exactly the rows validation kept
        return table
    return table.join(prepared.rows.select("source_row"), on="source_row", how="semi", maintain_order="left")


def _codes(responses: pl.DataFrame, letters: bool) -> pl.DataFrame:
    """source_row and each question column's cells read into codes (a few distinct texts, read once each)."""
    questions = pl.exclude("source_row")
    texts = responses.select(questions.drop_nulls().unique().implode()).unpivot()["value"].explode()
    mapping = answer_codes(texts.drop_nulls().unique().to_list(), letters) | {"": BLANK}
    code = questions.fill_null("").replace_strict(mapping, default=INVALID, return_dtype=pl.UInt8)
    return responses.select("source_row", code)


# ── rows that cannot be marked ────────────────────────────────────────────────


def _answer_problems(
    raw: RawTable, prepared: Prepared, responses: pl.DataFrame, codes: pl.DataFrame, key: AnswerKey, words: Catalog
) -> pl.DataFrame:
    """One row per problem (REJECTION_SCHEMA): levels without a key, cells that are not answers or
    answer a question the student's level does not have."""
    levels = prepared.rows.select("source_row", "candidate_id", "level")
    unreadable = _unreadable_answers(raw, levels, key, words)
    found = [_level_without_key(raw, levels, key, words), unreadable]
    for level in key.levels:
        # a cell the reader could not read is named once, by the reader's own words
        problems = _cell_problems(level, levels, responses, codes, key, words)
        found.append(problems.join(unreadable, on=["source_row", "column"], how="anti"))
    return pl.concat(found).cast(REJECTION_SCHEMA)


def _unreadable_answers(raw: RawTable, levels: pl.DataFrame, key: AnswerKey, words: Catalog) -> pl.DataFrame:
    """Question cells holding an error, a formula never calculated, an empty value or too much
    text, of the rows validation kept (REJECTION_SCHEMA)."""
    headings = key.questions.select("column", "heading").unique().sort("column")
    columns = dict(zip(headings["heading"], headings["column"], strict=True))
    cells = unreadable_cells(raw, columns, {heading: heading for heading in columns}, words)
    return cells.join(levels.select("source_row", "candidate_id"), on="source_row").select(REJECTION_SCHEMA.names())


def _reason(words: Catalog, entry: str, **values: pl.Expr | object) -> pl.Expr:
    """'row N: ' + the entry of ``rejections.*``, filled row by row."""
    problem = words.expr(f"rejections.{entry}", **values)
    return words.expr("rejections.row", row=pl.col("source_row"), problem=problem)


def _level_without_key(raw: RawTable, levels: pl.DataFrame, key: AnswerKey, words: Catalog) -> pl.DataFrame:
    heading = next((text for text in raw.header if canonical_column(text) == "level"), "level") or "level"
    unkeyed = pl.col("level").is_in(LEVELS) & ~pl.col("level").is_in(key.levels)
    reason = _reason(words, "level_not_in_key", file=key.name, level=pl.col("level"))
    return levels.filter(unkeyed).select(
        "source_row",
        "candidate_id",
        pl.lit(heading).alias("column"),
        pl.col("level").alias("value"),
        reason.alias("reason"),
    )


def _cell_problems(
    level: str, levels: pl.DataFrame, responses: pl.DataFrame, codes: pl.DataFrame, key: AnswerKey, words: Catalog
) -> pl.DataFrame:
    """Cells of one level's rows that are not answers, or answer another level's questions."""
    own = key.of_level(level)
    own_columns = [_column_name(index) for index in own["column"].to_list()]
    other_columns = [name for name in codes.columns[1:] if name not in own_columns]
    of_level = levels.filter(pl.col("level") == level).select("source_row", "candidate_id")
    tests = [pl.col(own_columns) == INVALID] + ([pl.col(other_columns) != BLANK] if other_columns else [])
    suspect = pl.any_horizontal(tests)
    rows = codes.join(of_level, on="source_row", how="semi").filter(suspect)["source_row"]
    if rows.len() == 0:
        return pl.DataFrame(schema=REJECTION_SCHEMA)
    headings = _headings(key)
    cells = (
        codes.filter(pl.col("source_row").is_in(rows.implode()))
        .unpivot(index="source_row", variable_name="cell", value_name="code")
        .join(
            responses.filter(pl.col("source_row").is_in(rows.implode())).unpivot(
                index="source_row", variable_name="cell", value_name="value"
            ),
            on=["source_row", "cell"],
        )
        .join(of_level, on="source_row")
        .with_columns(pl.col("cell").replace_strict(headings, return_dtype=pl.String).alias("column"))
    )
    foreign = ~pl.col("cell").is_in(own_columns) & (pl.col("code") != BLANK)
    cell = {"column": pl.col("column"), "value": pl.col("value")}
    options = options_message(key.letters).text(words)
    reasons = (
        pl.when(pl.col("code") == INVALID)
        .then(_reason(words, "not_an_answer", options=options, **cell))
        .otherwise(_reason(words, "answer_not_in_key", level=level, **cell))
    )
    bad = (pl.col("code") == INVALID) | foreign
    return (
        cells.filter(bad)
        .sort("source_row", "cell")
        .select("source_row", "candidate_id", "column", "value", reasons.alias("reason"))
    )


def _headings(key: AnswerKey) -> dict[str, str]:
    """Each question column's name in the table (c7) -> its header as the responses file writes it."""
    pairs = key.questions.select("column", "heading").unique()
    return {_column_name(column): heading for column, heading in pairs.iter_rows()}


# ── marking one level ─────────────────────────────────────────────────────────


def _mark_level(
    level: str, key: AnswerKey, codes: pl.DataFrame, rows: pl.DataFrame, rejected: pl.Series
) -> MarkedLevel:
    """Mark the students of one level who have no problem."""
    questions = _indexed(key.of_level(level))
    students = (
        rows.filter((pl.col("level") == level) & ~pl.col("source_row").is_in(rejected.implode()))
        .select("source_row")
        .join(codes, on="source_row", how="left", maintain_order="left")
    )
    own = students.select(_column_name(column) for column in questions["column"].to_list())
    answers = marked_answers(own, questions)
    per_student = _estimated(_per_student(answers, questions, students.height), questions, level, key.conversions)
    marks = _student_marks(per_student, questions, students["source_row"])
    return MarkedLevel(level, questions, students["source_row"], own, answers, _sittings(per_student), marks)


def _indexed(questions: pl.DataFrame) -> pl.DataFrame:
    """The level's questions with the index of their part and section (in PARTS and SECTION_KEYS)."""
    parts = {part: index for index, part in enumerate(PARTS)}
    sections = {section: index for index, section in enumerate(SECTION_KEYS)}
    return questions.with_columns(
        pl.col("part").replace_strict(parts, return_dtype=pl.UInt8).alias("part_index"),
        pl.col("section").replace_strict(sections, return_dtype=pl.UInt8).alias("section_index"),
    )


def _present(questions: pl.DataFrame, column: str, names: tuple[str, ...]) -> list[str]:
    """The parts (or sections) the level's questions have, in rule order."""
    found = set(questions[column].to_list())
    return [name for name in names if name in found]


def marked_answers(codes: pl.DataFrame, questions: pl.DataFrame) -> pl.DataFrame:
    """One row per student and question, student by student: the student's and question's index,
    the code, whether it is correct, the points earned.

    ``codes`` has one column per question, in the order of ``questions``. The answers are laid
    out one student after another, so an answer's question is its position modulo the number
    of questions, and it is marked by looking that question up in the key: no answer is
    marked on its own.
    """
    count = codes.width

    def look_up(column: str) -> pl.Expr:  # each answer's question, looked up in the key
        return pl.lit(questions[column]).gather(pl.col("question"))

    code = pl.col("code")
    position = pl.int_range(pl.len(), dtype=pl.UInt32)
    return (
        codes.select(pl.concat_arr(pl.all()).alias("code"))
        .explode("code")
        .select((position // count).alias("student"), (position % count).alias("question"), "code")
        .with_columns((is_single(code) & ((code & look_up("accepted")) != 0)).alias("correct"))
        .with_columns(pl.when("correct").then(look_up("points")).otherwise(0).alias("earned"))
    )


def _per_student(answers: pl.DataFrame, questions: pl.DataFrame, students: int) -> pl.DataFrame:
    """One row per student, in order: correct answers per part, points and answers per section, double marks.

    Each student's answers side by side as one array, each sum is a masked sum of that array
    (the mask marks the questions of a part, or of a section): no grouping is needed.
    """
    count = questions.height
    if students == 0:
        return pl.DataFrame(schema={"student": pl.UInt32(), **dict.fromkeys(_sum_names(questions), pl.Int64())})

    # Small types keep the arrays small (the sums come out as Int64): yes/no as 0/1, points as Int32.
    def side_by_side(values: pl.Expr, dtype: pl.DataType = _FLAG) -> pl.Expr:
        return values.cast(dtype).reshape((students, count))

    def mask(column: str, value: str, dtype: pl.DataType = _FLAG) -> pl.Expr:  # 1 for its questions
        row = questions.select((pl.col(column) == value).cast(dtype).implode().list.to_array(count))
        return pl.lit(row.to_series())

    code = pl.col("code")
    arrays = answers.select(
        side_by_side(pl.col("correct")).alias("correct"),
        side_by_side(pl.col("earned"), _POINTS).alias("earned"),
        side_by_side(code != BLANK).alias("answered"),
        side_by_side(is_multiple(code)).alias("double"),
    )
    parts, sections = _present(questions, "part", PARTS), _present(questions, "section", SECTION_KEYS)
    return arrays.select(
        *((pl.col("correct") * mask("part", part)).arr.sum().alias(f"{part}_correct") for part in parts),
        *((pl.col("earned") * mask("section", section, _POINTS)).arr.sum().alias(f"{section}_points")
          for section in sections),
        *((pl.col("answered") * mask("section", section)).arr.sum().alias(f"{section}_answered")
          for section in sections),
        pl.col("double").arr.sum().alias("double_marks"),
    ).with_row_index("student")  # fmt: skip


def _sum_names(questions: pl.DataFrame) -> list[str]:
    parts, sections = _present(questions, "part", PARTS), _present(questions, "section", SECTION_KEYS)
    return [
        *(f"{part}_correct" for part in parts),
        *(f"{section}_points" for section in sections),
        *(f"{section}_answered" for section in sections),
        "double_marks",
    ]


def _estimated(
    per_student: pl.DataFrame, questions: pl.DataFrame, level: str, conversions: pl.DataFrame
) -> pl.DataFrame:
    """Each section's estimated score beside its points (null when absent): the conversion table's,
    else the share of points possible of the section's maximum, rounded half up (in whole numbers, so exactly)."""
    possible = dict(questions.group_by("section").agg(pl.col("points").sum()).iter_rows())
    estimates = []
    for section in _present(questions, "section", SECTION_KEYS):  # two or three sections
        earned, top, whole = pl.col(f"{section}_points"), load_rules().level(level).section(section), possible[section]
        assert top is not None  # the key's checks allow only the level's own sections
        table = conversions.filter((pl.col("level") == level) & (pl.col("section") == section))["scaled"]
        # a table lists every raw count from 0 up, so the row of a count is the count itself
        scaled = pl.lit(table).gather(earned) if table.len() else (2 * earned * top.maximum + whole) // (2 * whole)
        estimates.append(pl.when(pl.col(f"{section}_answered") > 0).then(scaled).cast(pl.Int64).alias(section))
    return per_student.with_columns(estimates)


def _sittings(per_student: pl.DataFrame) -> pl.DataFrame:
    """One row per section and student (section by section, students in order): points, answered, estimate."""
    sections = [section for section in SECTION_KEYS if section in per_student.columns]
    return pl.concat(
        per_student.select(
            "student",
            pl.lit(SECTION_KEYS.index(section), pl.UInt8).alias("section_index"),
            pl.lit(section).alias("section"),
            pl.col(f"{section}_points").alias("points"),
            pl.col(f"{section}_answered").alias("answered"),
            pl.col(section).alias("estimate"),
        )
        for section in sections
    )


# ── the rows, with their marks ─────────────────────────────────────────────────


def _student_marks(per_student: pl.DataFrame, questions: pl.DataFrame, students: pl.Series) -> pl.DataFrame:
    """source_row and MARK_COLUMNS for each student of one level; a part's counts only where its section was sat."""
    section_of = dict(questions.select("part", "section").unique().iter_rows())
    asked = dict(questions.group_by("part").len().iter_rows())
    counts = {}
    for part, section in section_of.items():  # a part lies in one section at a level
        sat = pl.col(f"{section}_answered") > 0
        counts[f"{part}_correct"] = pl.when(sat).then(pl.col(f"{part}_correct"))
        counts[f"{part}_questions"] = pl.when(sat).then(pl.lit(asked[part], pl.Int64))
    columns = {name: pl.col(name) for name in (*SECTION_KEYS, "double_marks") if name in per_student.columns}
    columns |= counts
    return per_student.select(
        pl.lit(students).alias("source_row"),
        *(columns.get(name, pl.lit(None)).cast(pl.Int64).alias(name) for name in MARK_COLUMNS),
    )


def _with_marks(rows: pl.DataFrame, levels: tuple[MarkedLevel, ...]) -> pl.DataFrame:
    """The rows with the marking's columns: filled for marked students, empty for the others."""
    schema = {"source_row": pl.Int64(), **dict.fromkeys(MARK_COLUMNS, pl.Int64())}
    marks = pl.concat([pl.DataFrame(schema=schema), *(level.marks for level in levels)])
    kept = rows.drop([name for name in MARK_COLUMNS if name in rows.columns])
    return kept.join(marks, on="source_row", how="left", maintain_order="left")
