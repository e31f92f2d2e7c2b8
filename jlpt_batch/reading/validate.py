"""From a table of text cells to typed, validated rows, with every problem kept as data.

A row with any problem is rejected, never dropped: the problem names the spreadsheet
row, the column as the file wrote it, the value and the rule, and says what to do.
All checks are polars expressions over the whole table; no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

from jlpt_batch.contract import READ_COLUMNS
from jlpt_batch.errors import InputUnreadableError
from jlpt_batch.reading.headers import map_headers
from jlpt_batch.reading.table import RawTable
from jlpt_batch.rules import BAND_PARTS, LEVELS, SECTION_KEYS, Rules, load_rules, parse_level, rules_of_rows

ABSENT_MARKERS = ("-", "*", "absent", "欠席", "欠", "ー", "—", "–", "―")
REGION_ALIASES = {
    "domestic": "domestic",
    "japan": "domestic",
    "in japan": "domestic",
    "国内": "domestic",
    "overseas": "overseas",
    "abroad": "overseas",
    "海外": "overseas",
}
LANGUAGE_ALIASES = {
    "english": "en",
    "英語": "en",
    "japanese": "ja",
    "日本語": "ja",
    "korean": "ko",
    "한국어": "ko",
    "韓国語": "ko",
    "chinese": "zh",
    "中文": "zh",
    "中国語": "zh",
    "vietnamese": "vi",
    "tiếng việt": "vi",
    "ベトナム語": "vi",
}
TEXT_KEYS = ("candidate_id", "name", "class", "level", "region", "language")
COUNT_KEYS = tuple(f"{part}_{kind}" for part in BAND_PARTS for kind in ("correct", "questions"))
NUMBER_KEYS = (*SECTION_KEYS, "total", *COUNT_KEYS)
REJECTION_SCHEMA = pl.Schema(
    {
        "source_row": pl.Int64(),
        "candidate_id": pl.String(),
        "column": pl.String(),
        "value": pl.String(),
        "reason": pl.String(),
    }
)


@dataclass(frozen=True)
class Prepared:
    """Every non-empty row, typed and in input order, and the problems found in them.

    A row is rejected when ``rejections`` lists its ``source_row``. The rows are
    kept together rather than split in two: on a large file, splitting and merging
    back would copy every name and id twice.
    """

    rows: pl.DataFrame
    rejections: pl.DataFrame  # one row per problem (REJECTION_SCHEMA)
    rows_read: int
    rows_skipped_empty: int


def prepare(raw: RawTable, *, max_rows: int, rules: Rules | None = None, scores_required: bool = True) -> Prepared:
    """Map headers, normalise values, validate; split the rows into valid and rejected.

    Without ``scores_required`` (a mock marked from its answer sheets) the file needs no
    score columns: the scores are worked out from the answers afterwards.
    """
    rules = rules or load_rules()
    columns = map_headers(raw.header, scores_required=scores_required)
    labels = {key: _label(key, raw.header[index]) for key, index in columns.items()}
    frame, skipped = _text_frame(raw, columns)
    if frame.height == 0:
        raise InputUnreadableError(f"no candidate rows below the header on row {raw.header_row}; nothing to judge")
    if frame.height > max_rows:
        raise InputUnreadableError(
            f"{frame.height:,} candidate rows is more than --max-rows {max_rows:,}; split the file or raise --max-rows"
        )
    frame = _parsed(frame, rules)
    return Prepared(
        rows=_typed(frame),
        rejections=_rejections(frame, labels, rules, scores_required),
        rows_read=frame.height,
        rows_skipped_empty=skipped,
    )


def _label(key: str, written: str | None) -> str:
    """How a message names a column: as the file wrote it, with our key where they differ."""
    written = (written or "").strip()
    return key if written in ("", key) else f"{written} ({key})"


# ---------------------------------------------------------------- text


def _text_frame(raw: RawTable, columns: dict[str, int]) -> tuple[pl.DataFrame, int]:
    """Mapped columns as trimmed NFKC text, merged class cells filled, empty rows dropped."""
    present = {key: f"c{index}" for key, index in columns.items() if f"c{index}" in raw.rows.columns}
    needs = _cleaning_needed(raw.rows, present)
    selected = [
        _clean(pl.col(name), **need).alias(key) for (key, name), need in zip(present.items(), needs, strict=True)
    ]
    unmapped = [name for name in raw.rows.columns if name not in present.values()]
    frame = raw.rows.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + raw.header_row + 1).alias("source_row"),
        _all_blank(unmapped).alias("_unmapped_blank"),
        *selected,
    )
    # Cleaning already turned blank cells of the mapped columns into nulls.
    blank = pl.col("_unmapped_blank") & pl.all_horizontal(pl.col(key).is_null() for key in present)
    frame = _with_missing_columns(frame.with_columns(blank.alias("_blank")).drop("_unmapped_blank"))
    if "class" in columns and raw.merges:
        frame = _fill_merged(frame, raw.merges.get(columns["class"], []))
    skipped = int(frame.get_column("_blank").sum())
    if skipped:  # a filter copies every column, so only when there is something to drop
        frame = frame.filter(~pl.col("_blank"))
    return frame.drop("_blank"), skipped


def _all_blank(names: list[str]) -> pl.Expr:
    if not names:
        return pl.lit(True)
    return pl.all_horizontal(pl.col(name).is_null() | pl.col(name).str.contains(r"^\s*$") for name in names)


def _non_ascii(cell: pl.Expr) -> pl.Expr:
    # A byte count above the character count means a non-ASCII character: far cheaper than a regex.
    return cell.str.len_bytes() != cell.str.len_chars()


def _cleaning_needed(rows: pl.DataFrame, present: dict[str, str]) -> list[dict[str, bool]]:
    """Which columns hold any non-ASCII cell, and which any cell to trim or empty.

    Most columns of most files need neither, and a column left alone costs no copy:
    on a million rows the copies would be most of the memory the run needs.
    """
    names = list(present.values())
    flags = rows.select(
        *[_non_ascii(pl.col(name)).any().alias(f"{name}:wide") for name in names],
        *[pl.col(name).str.contains(r"^\s|\s$|^$").any().alias(f"{name}:trim") for name in names],
    ).row(0, named=True)
    return [{"has_non_ascii": bool(flags[f"{name}:wide"]), "needs_trim": bool(flags[f"{name}:trim"])} for name in names]


def _clean(cell: pl.Expr, *, has_non_ascii: bool, needs_trim: bool) -> pl.Expr:
    """NFKC (full-width digits and letters to plain ones), trimmed; empty text becomes null.

    NFKC leaves ASCII unchanged, so it runs only on the cells that need it, and a
    plain ASCII column with nothing to trim (ids, levels, scores, mostly) is left as it is.
    """
    if not (has_non_ascii or needs_trim):
        return cell
    if has_non_ascii:
        cell = pl.when(_non_ascii(cell)).then(cell.str.normalize("NFKC")).otherwise(cell)
    text = cell.str.strip_chars()
    return pl.when(text != "").then(text)


def _with_missing_columns(frame: pl.DataFrame) -> pl.DataFrame:
    wanted = (*TEXT_KEYS, *NUMBER_KEYS, *(f"{part}_band" for part in BAND_PARTS))
    missing = [pl.lit(None, pl.String).alias(key) for key in wanted if key not in frame.columns]
    return frame.with_columns(missing)


def _fill_merged(frame: pl.DataFrame, spans: list[tuple[int, int]]) -> pl.DataFrame:
    """Every row a vertically merged class cell spans takes the value of its top cell."""
    if not spans:
        return frame
    span_of_row = pl.DataFrame(
        [(row, top) for top, bottom in spans for row in range(top, bottom + 1)],
        schema={"source_row": pl.Int64, "_top": pl.Int64},
        orient="row",
    )
    tops = frame.select(pl.col("source_row").alias("_top"), pl.col("class").alias("_top_class"))
    fill = span_of_row.join(tops, on="_top", how="left").select("source_row", "_top_class")
    frame = frame.join(fill, on="source_row", how="left", maintain_order="left")
    return frame.with_columns(pl.coalesce("class", "_top_class").alias("class")).drop("_top_class")


# ---------------------------------------------------------------- parsing


def _parsed(frame: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Add the parsed level, region, language and numbers, and the section ranges of each row's level."""
    given = [key for key in NUMBER_KEYS if frame[key].null_count() < frame.height]
    missing = [key for key in NUMBER_KEYS if key not in given]
    frame = frame.with_columns(
        _mapped(frame, "level", parse_level).alias("_level"),
        _mapped(frame, "region", lambda text: REGION_ALIASES.get(text.lower())).alias("_region"),
        _mapped(frame, "language", _language).alias("_language"),
        # Parsed once for the checks. Columns the file lacks stay single null values,
        # which keeps a million-row file well under a gigabyte.
        *[_is_absent(frame, key).alias(f"{key}__absent") for key in given],
        # An absent marker is not a number either, so it parses to null like a blank.
        *[pl.col(key).cast(pl.Float64, strict=False).alias(f"{key}__num") for key in given],
        *[pl.lit(True).alias(f"{key}__absent") for key in missing],
        *[pl.lit(None, pl.Float64).alias(f"{key}__num") for key in missing],
    )
    # Only the section ranges are needed from the rules here.
    maxima = rules_of_rows(frame["_level"], rules, [f"{key}_max" for key in SECTION_KEYS])
    maxima = maxima.rename(lambda name: f"rule_{name}")
    return pl.concat([frame, maxima], how="horizontal")


def _mapped(frame: pl.DataFrame, column: str, parse: Callable[[str], str | None]) -> pl.Expr:
    """``parse`` applied to each distinct value of a column, then mapped back to every row.

    Levels, regions and languages take a handful of values in a million rows, so
    plain Python on the distinct values is both the clearest and the fastest way.
    """
    distinct = [value for value in frame[column].unique().to_list() if value is not None]
    if not distinct:  # a column the file lacks: one null, not a million
        return pl.lit(None, pl.String)
    mapping = {value: parse(value) for value in distinct}
    return pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.String)


def _language(text: str) -> str:
    return LANGUAGE_ALIASES.get(text.lower(), text.lower())


def _is_absent(frame: pl.DataFrame, key: str) -> pl.Expr:
    """Blank, or one of the absent markers in any case."""
    distinct = frame[key].unique().drop_nulls().to_list()
    markers = [value for value in distinct if value.lower() in ABSENT_MARKERS]
    return pl.col(key).is_null() | pl.col(key).is_in(markers)


def _num(key: str) -> pl.Expr:
    return pl.col(f"{key}__num")


def _absent(key: str) -> pl.Expr:
    return pl.col(f"{key}__absent")


def _is_whole(number: pl.Expr) -> pl.Expr:
    return number.is_finite() & (number == number.floor())


# ---------------------------------------------------------------- checks


def _rejections(frame: pl.DataFrame, labels: dict[str, str], rules: Rules, scores_required: bool) -> pl.DataFrame:
    """Every problem of every row, one row each, in spreadsheet order."""
    problems = [
        *_id_problems(labels),
        *_level_problems(labels),
        *[problem for key in SECTION_KEYS for problem in _section_problems(key, labels)],
        *(_missing_column_problems(labels, rules) if scores_required else []),
        *_total_problems(labels),
        *[problem for part in BAND_PARTS for problem in _band_problems(part, labels)],
        *_metadata_problems(labels),
    ]
    # Every test runs over every row; the exact tests and the messages only over the few
    # rows that failed one (a duplicated id is among them with every row sharing it).
    screens = [problem.rows if problem.screen is None else problem.screen for problem in problems]
    suspects = frame.filter(pl.any_horizontal(screens))
    found = [
        suspects.filter(problem.rows)
        .rechunk()
        .select(  # one chunk: list.set_difference panics on mixed chunks
            "source_row",
            "candidate_id",
            pl.lit(problem.column, pl.String).alias("column"),
            pl.col(problem.value_column).cast(pl.String).alias("value"),
            problem.reason.alias("reason"),
        )
        for problem in problems
    ]
    return pl.concat(found).sort("source_row", maintain_order=True).cast(REJECTION_SCHEMA)


class Problem(NamedTuple):
    """One rule a row can break."""

    rows: pl.Expr  # true on the rows that break it
    column: str  # the column as a message names it
    value_column: str  # the column holding the value shown
    reason: pl.Expr  # the message
    # A cheaper test that is true on at least those rows, for the pass over every row;
    # ``rows`` then decides among the few rows it found.
    screen: pl.Expr | None = None


def _row(message: str, *args: pl.Expr | str) -> pl.Expr:
    """'row N: ' + the message, with {} filled from the expressions."""
    return pl.format("row {}: " + message, pl.col("source_row"), *args)


def _id_problems(labels: dict[str, str]) -> list[Problem]:
    label = labels["candidate_id"]
    others = (
        pl.col("source_row")
        .implode()
        .over("candidate_id")
        .list.set_difference(pl.concat_list("source_row"))
        .list.eval(pl.element().cast(pl.String))
        .list.join(", ")
    )
    # The list of other rows is built after filtering, so only over the duplicated rows.
    given = pl.col("candidate_id").is_not_null()
    is_duplicate = given & pl.col("candidate_id").is_duplicated()
    # Equal ids have equal hashes, and comparing hashes is a few times faster than comparing text.
    may_be_duplicate = given & pl.col("candidate_id").hash().is_duplicated()
    return [
        Problem(
            pl.col("candidate_id").is_null(),
            label,
            "candidate_id",
            _row(f"{label} is empty; give every candidate an id, or delete the row"),
        ),
        Problem(
            is_duplicate,
            label,
            "candidate_id",
            _row(
                f"{label} '{{}}' is also on row(s) {{}}; each candidate needs a unique id: "
                "correct it or delete the repeated row",
                "candidate_id",
                others,
            ),
            may_be_duplicate,
        ),
    ]


def _level_problems(labels: dict[str, str]) -> list[Problem]:
    label = labels["level"]
    return [
        Problem(pl.col("level").is_null(), label, "level", _row(f"{label} is empty; write N1, N2, N3, N4 or N5")),
        Problem(
            pl.col("level").is_not_null() & pl.col("_level").is_null(),
            label,
            "level",
            _row(f"{label} '{{}}' is not a JLPT level; write N1, N2, N3, N4 or N5", "level"),
        ),
    ]


def _number_problems(key: str, label: str, *, only_if: pl.Expr | None = None) -> list[Problem]:
    """Text that is not a number, and numbers that are not whole."""
    given = ~_absent(key) if only_if is None else ~_absent(key) & only_if
    number = _num(key)
    return [
        Problem(
            given & number.is_null(),
            label,
            key,
            _row(f"{label} '{{}}' is not a number; write a whole number, or leave it blank if absent", key),
        ),
        Problem(
            given & number.is_not_null() & ~_is_whole(number),
            label,
            key,
            _row(f"{label} '{{}}' is not a whole number; scaled scores and counts are integers", key),
        ),
    ]


def _section_problems(key: str, labels: dict[str, str]) -> list[Problem]:
    if key not in labels:
        return []
    label = labels[key]
    number, maximum = _num(key), pl.col(f"rule_{key}_max")
    known_level = pl.col("_level").is_not_null()
    whole = number.is_not_null() & _is_whole(number)
    not_a_section = known_level & maximum.is_null() & ~_absent(key)
    out_of_range = known_level & maximum.is_not_null() & whole & ((number < 0) | (number > maximum))
    return [
        *_number_problems(key, label, only_if=~not_a_section),
        Problem(
            not_a_section,
            label,
            key,
            _row(
                f"{label} '{{}}' is given but {{}} has no {key} section; "
                "move the score to the right column or clear the cell",
                key,
                "_level",
            ),
        ),
        Problem(
            out_of_range,
            label,
            key,
            _row(f"{label} {{}} is outside 0-{{}} for {{}}; check the score", key, maximum, "_level"),
        ),
    ]


def _missing_column_problems(labels: dict[str, str], rules: Rules) -> list[Problem]:
    """Rows whose level needs a section column the file does not have."""
    problems: list[Problem] = []
    for level in LEVELS:
        for key in rules.level(level).section_keys:
            if key not in labels:
                problems.append(
                    Problem(
                        pl.col("_level") == level,
                        key,
                        "level",
                        _row(f"{level} needs a {key} score but the file has no {key} column; add it"),
                    )
                )
    return problems


def _section_sum() -> pl.Expr:
    return pl.sum_horizontal(
        pl.when(pl.col(f"rule_{key}_max").is_not_null()).then(_num(key)) for key in SECTION_KEYS
    ).cast(pl.Int64, strict=False)


def _total_problems(labels: dict[str, str]) -> list[Problem]:
    if "total" not in labels:
        return []
    label = labels["total"]
    all_sections_given = pl.all_horizontal(
        pl.col(f"rule_{key}_max").is_null() | _num(key).is_not_null() for key in SECTION_KEYS
    )
    total = _num("total")
    compare = pl.col("_level").is_not_null() & all_sections_given & total.is_not_null() & _is_whole(total)
    return [
        *_number_problems("total", label),
        Problem(
            compare & (total != _section_sum()),
            label,
            "total",
            _row(
                f"{label} {{}} does not equal the sum of the sections ({{}}); correct the total or the section scores",
                "total",
                _section_sum(),
            ),
        ),
    ]


def _band_problems(part: str, labels: dict[str, str]) -> list[Problem]:
    correct_key, questions_key = f"{part}_correct", f"{part}_questions"
    problems: list[Problem] = []
    for key in (correct_key, questions_key):
        if key in labels:
            problems += _number_problems(key, labels[key])
    correct, questions = _num(correct_key), _num(questions_key)
    c_label, q_label = labels.get(correct_key, correct_key), labels.get(questions_key, questions_key)
    counts_given = correct_key in labels or questions_key in labels
    problems += (
        []
        if not counts_given
        else [
            Problem(
                correct.is_not_null() & questions.is_null(),
                c_label,
                correct_key,
                _row(f"{c_label} is given without {q_label}; give both counts, or neither"),
            ),
            Problem(
                questions.is_not_null() & correct.is_null(),
                q_label,
                questions_key,
                _row(f"{q_label} is given without {c_label}; give both counts, or neither"),
            ),
            Problem(
                questions.is_not_null() & (questions <= 0),
                q_label,
                questions_key,
                _row(f"{q_label} {{}} must be at least 1", questions_key),
            ),
            Problem(
                correct.is_not_null() & (correct < 0),
                c_label,
                correct_key,
                _row(f"{c_label} {{}} cannot be negative", correct_key),
            ),
            Problem(
                correct.is_not_null() & (questions > 0) & (correct > questions),
                c_label,
                correct_key,
                _row(f"{c_label} {{}} is more than {q_label} {{}}; check the counts", correct_key, questions_key),
            ),
        ]
    )
    band_key = f"{part}_band"
    if band_key in labels:
        letter = pl.col(band_key).str.to_uppercase()
        problems.append(
            Problem(
                pl.col(band_key).is_not_null() & ~letter.is_in(["A", "B", "C"]),
                labels[band_key],
                band_key,
                _row(f"{labels[band_key]} '{{}}' is not a band; write A, B or C", band_key),
            )
        )
    return problems


def _metadata_problems(labels: dict[str, str]) -> list[Problem]:
    if "region" not in labels:
        return []
    label = labels["region"]
    return [
        Problem(
            pl.col("region").is_not_null() & pl.col("_region").is_null(),
            label,
            "region",
            _row(f"{label} '{{}}' is not domestic or overseas (国内/海外); correct it or leave it blank", "region"),
        )
    ]


# ---------------------------------------------------------------- typed rows


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns the contract reads from the file, typed: numbers as integers where they are whole."""

    def given(column: str) -> bool:
        return frame[column].null_count() < frame.height

    # A column the file lacks stays a single null rather than a million of them.
    numbers = {
        key: pl.when(_is_whole(_num(key)) & (_num(key).abs() < 1e15)).then(_num(key)).cast(pl.Int64)
        if given(f"{key}__num")
        else pl.lit(None, pl.Int64)
        for key in (*SECTION_KEYS, *COUNT_KEYS)
    }
    bands = {
        band: pl.col(band).str.to_uppercase() if given(band) else pl.lit(None, pl.String)
        for band in (f"{part}_band" for part in BAND_PARTS)
    }
    parsed = {"level": pl.coalesce("_level", "level"), "region": pl.col("_region"), "language": pl.col("_language")}
    typed = parsed | numbers | bands
    return frame.select(typed.get(key, pl.col(key)).alias(key) for key in READ_COLUMNS)
