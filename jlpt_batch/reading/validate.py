"""From a table of text cells to typed, validated rows, with every problem kept as data.

A row with any problem is rejected, never dropped: the problem names the spreadsheet
row, the column as the file wrote it, the value and the rule, and says what to do, in
the administrator's language (``rejections.*`` of ``templates/admin/<lang>.toml``).
All checks and messages are polars expressions over the whole table; no Python loop over rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

from jlpt_batch.admin_wording import AdminWords, english
from jlpt_batch.contract import READ_COLUMNS
from jlpt_batch.errors import InputUnreadableError
from jlpt_batch.messages import Message
from jlpt_batch.reading.cells import MAX_CELL_CHARS, Kind, column_letters
from jlpt_batch.reading.headers import ID_KEYS, map_headers
from jlpt_batch.reading.layout import fill_grouped_class, fill_merged_class, reading_notes
from jlpt_batch.reading.table import RawTable, check_row_count
from jlpt_batch.rules import BAND_PARTS, LEVELS, SECTION_KEYS, Rules, load_rules, parse_level
from jlpt_batch.wording import Catalog

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
TEXT_KEYS = ("candidate_id", "student_id", "name", "name_latin", "class", "level", "region", "language")
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
    notes: tuple[Message, ...] = ()  # what the user should know about how the file was read


def prepare(
    raw: RawTable,
    *,
    max_rows: int,
    rules: Rules | None = None,
    fill_class: bool = True,
    scores_required: bool = True,
    words: Catalog | None = None,
) -> Prepared:
    """Map headers, normalise values, validate; every row kept, the rejected ones with their problems.

    ``fill_class``: a class column written only on the first row of each group (as merged
    cells saved to CSV leave it) is filled down, and a note says so. Without
    ``scores_required`` (a mock marked from its answer sheets) the file needs no score
    columns: the scores are worked out from the answers afterwards. The rejection messages
    are worded with ``words``, the administrator's wording (default: English).
    """
    rules = rules or load_rules()
    say = _Wording(AdminWords(words or english()))
    columns = map_headers(raw.header, scores_required=scores_required)
    labels = {key: _label(key, raw.header[index]) for key, index in columns.items()}
    cells = _cell_problems(raw, columns, labels, say)
    frame, skipped = _text_frame(raw, columns, cells.get_column("source_row"), say)
    frame = _with_shared_id(frame, columns, labels)
    if frame.height == 0:
        raise InputUnreadableError("errors.no_rows", header_row=str(raw.header_row))
    check_row_count(frame.height, max_rows)
    notes = [*raw.notes, *reading_notes(frame, raw, labels)]
    if fill_class and "class" in columns:
        frame, note = fill_grouped_class(frame, labels["class"])
        notes += [note] if note else []
    frame = _parsed(frame, rules)
    return Prepared(
        rows=_typed(frame),
        rejections=_rejections(
            frame, labels, rules, cells, say, scores_required, both_ids=all(key in columns for key in ID_KEYS)
        ),
        rows_read=frame.height,
        rows_skipped_empty=skipped,
        notes=tuple(notes),
    )


def _with_shared_id(frame: pl.DataFrame, columns: dict[str, int], labels: dict[str, str]) -> pl.DataFrame:
    """A file with one id column uses it as both the candidate id and the student id."""
    candidate, student = ID_KEYS
    for key, other in ((candidate, student), (student, candidate)):
        if key not in columns:
            labels[key] = labels[other]
            return frame.with_columns(pl.col(other).alias(key))
    return frame


def _label(key: str, written: str | None) -> str:
    """How a message names a column: as the file wrote it (a header always has text, or it maps to nothing)."""
    return (written or "").strip() or key


# ---------------------------------------------------------------- text


def _text_frame(
    raw: RawTable, columns: dict[str, int], kept_rows: pl.Series, say: _Wording
) -> tuple[pl.DataFrame, int]:
    """Mapped columns as trimmed text (codes and numbers NFKC too), each cell's kind and stored
    number beside it, merged class cells filled, empty rows dropped."""
    present = {key: index for key, index in columns.items() if f"c{index}" in raw.rows.columns}
    names = {key: f"c{index}" for key, index in present.items()}
    needs = _cleaning_needed(raw.rows, names)
    selected = [_clean(pl.col(names[key]), key, say, **need).alias(key) for key, need in zip(names, needs, strict=True)]
    unmapped = [name for name in raw.rows.columns if name not in names.values()]
    frame = raw.rows.select(raw.source_row_numbers(), _all_blank(unmapped).alias("_unmapped_blank"), *selected)
    frame = frame.with_columns(_cell_facts(raw, present))
    # Cleaning already turned blank cells of the mapped columns into nulls.
    # A row with a cell that cannot be read is rejected, never skipped as blank.
    blank = pl.col("_unmapped_blank") & pl.all_horizontal(pl.col(key).is_null() for key in present)
    if kept_rows.len():
        blank = blank & ~pl.col("source_row").is_in(kept_rows.implode())
    frame = _with_missing_columns(frame.with_columns(blank.alias("_blank")).drop("_unmapped_blank"))
    if "class" in columns and raw.merges:
        frame = fill_merged_class(frame, raw.merges.get(columns["class"], []))
    skipped = int(frame.get_column("_blank").sum()) + raw.rows_without_cells
    if frame.get_column("_blank").any():  # a filter copies every column, so only when there is something to drop
        frame = frame.filter(~pl.col("_blank"))
    return frame.drop("_blank"), skipped


def _cell_facts(raw: RawTable, present: dict[str, int]) -> list[pl.Series]:
    """Each number column's cell kinds and stored numbers (workbooks only; a CSV holds text)."""
    if raw.kinds is None or raw.numbers is None:
        return []
    facts = []
    for key, index in present.items():
        if key in NUMBER_KEYS:
            facts.append(raw.kinds.get_column(f"k{index}").alias(f"{key}__kind"))
            facts.append(raw.numbers.get_column(f"n{index}").alias(f"{key}__stored"))
    return facts


def _all_blank(names: list[str]) -> pl.Expr:
    if not names:
        return pl.lit(True)
    return pl.all_horizontal(pl.col(name).is_null() | pl.col(name).str.contains(r"^\s*$") for name in names)


def _non_ascii(cell: pl.Expr) -> pl.Expr:
    # A byte count above the character count means a non-ASCII character: far cheaper than a regex.
    return cell.str.len_bytes() != cell.str.len_chars()


def _cleaning_needed(rows: pl.DataFrame, names: dict[str, str]) -> list[dict[str, bool]]:
    """Which columns hold any non-ASCII cell, any cell to trim or empty, and any cell too long.

    Most columns of most files need none of it, and a column left alone costs no copy:
    on a million rows the copies would be most of the memory the run needs. A number
    column whose every cell is a plain integer (the usual case) needs no look at all.
    """
    plain = _plain_integer_columns(rows, names)
    looked_at = {key: name for key, name in names.items() if key not in plain}
    flags = rows.select(
        *[_non_ascii(pl.col(name)).any().alias(f"{name}:wide") for key, name in looked_at.items()
          if key not in _AS_WRITTEN],
        *[_needs_trim(pl.col(name), key).any().alias(f"{name}:trim") for key, name in looked_at.items()],
        *[(pl.col(name).str.len_bytes() > MAX_CELL_CHARS).any().alias(f"{name}:long") for name in looked_at.values()],
    ).row(0, named=True) if looked_at else {}  # fmt: skip
    return [
        {"has_non_ascii": bool(flags.get(f"{n}:wide")), "needs_trim": bool(flags.get(f"{n}:trim")),
         "may_be_long": bool(flags.get(f"{n}:long"))}
        for n in names.values()
    ]  # fmt: skip


def _plain_integer_columns(rows: pl.DataFrame, names: dict[str, str]) -> set[str]:
    """Columns whose every cell is empty or digits (scores, and ids like 000123): nothing to clean."""
    keys = [key for key in names if key not in _AS_WRITTEN]
    if not keys:
        return set()
    counts = rows.select(
        *[pl.col(names[key]).cast(pl.Int64, strict=False).null_count().alias(f"{key}:int") for key in keys],
        *[pl.col(names[key]).null_count().alias(f"{key}:null") for key in keys],
    ).row(0, named=True)
    return {key for key in keys if counts[f"{key}:int"] == counts[f"{key}:null"]}


def _needs_trim(cell: pl.Expr, key: str) -> pl.Expr:
    """Space (and for names, control characters) at either end, or an empty cell."""
    stripped = cell.str.strip_chars(_EDGE_CHARS if key in _AS_WRITTEN else None)
    return (stripped.str.len_bytes() != cell.str.len_bytes()) | (cell.str.len_bytes() == 0)


# Space and control characters: what may go from either end of a name or class (and nothing else).
_EDGE_CHARS = "".join(map(chr, [*range(0x21), *range(0x7F, 0xA1)])) + (
    "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Names and classes are kept as written; only these, and the keys matched on, are NFKC-normalised
# (full-width digits and letters to plain ones: ＮＯ３ is N3, ４５ is 45).
_AS_WRITTEN = ("name", "class")
LONG_CELL_SHOWN = 100  # characters of an over-long cell kept in the results, to name it


def _clean(
    cell: pl.Expr, key: str, say: _Wording, *, has_non_ascii: bool, needs_trim: bool, may_be_long: bool
) -> pl.Expr:
    """Trimmed, empty text as null; NFKC on codes and numbers; an over-long cell cut to a stub.

    NFKC leaves ASCII unchanged, so it runs only on the cells that need it, and a plain
    ASCII column with nothing to trim (ids, levels, scores, mostly) is left as it is.
    """
    if may_be_long:  # marked with the length it had, for the rejection, and cut so nothing carries it further
        length = cell.str.len_chars()
        stub = say.words.catalog.expr("rejections.long_value", start=cell.str.slice(0, LONG_CELL_SHOWN),
                                      characters=length)  # fmt: skip
        cell = pl.when(length > MAX_CELL_CHARS).then(stub).otherwise(cell)
    if not (needs_trim or (has_non_ascii and key not in _AS_WRITTEN)):
        return cell
    if has_non_ascii and key not in _AS_WRITTEN:
        cell = pl.when(_non_ascii(cell)).then(cell.str.normalize("NFKC")).otherwise(cell)
    text = cell.str.strip_chars(_EDGE_CHARS) if key in _AS_WRITTEN else cell.str.strip_chars()
    return pl.when(text != "").then(text)


def _with_missing_columns(frame: pl.DataFrame) -> pl.DataFrame:
    wanted = (*TEXT_KEYS, *NUMBER_KEYS, *(f"{part}_band" for part in BAND_PARTS))
    missing = [pl.lit(None, pl.String).alias(key) for key in wanted if key not in frame.columns]
    return frame.with_columns(missing)


# ---------------------------------------------------------------- cells that hold no readable value

_UNREADABLE_KINDS = (Kind.ERROR, Kind.FORMULA, Kind.EMPTY_VALUE)


def _cell_problems(raw: RawTable, columns: dict[str, int], labels: dict[str, str], say: _Wording) -> pl.DataFrame:
    """Cells of the mapped columns that cannot be read (see ``unreadable_cells``), and rows the
    reader could not split into cells. One row each."""
    found = [_unreadable_rows(raw, say)] if raw.unreadable_rows is not None else []
    return _as_rejections([*found, unreadable_cells(raw, columns, labels, say.words.catalog)])


def unreadable_cells(
    raw: RawTable, columns: Mapping[str, int], labels: Mapping[str, str], words: Catalog | None = None
) -> pl.DataFrame:
    """Cells of the given columns (key -> table column) that hold an error, a formula never
    calculated, an empty value, or more text than a cell may: one row each (source_row, column,
    value, reason), the column named by ``labels`` and the cell by its reference (E5), the reason
    worded with ``words`` (the administrator's wording; default: English).

    The cohort's own columns are checked here, and so are a mock's answer columns and its key's."""
    say = _Wording(AdminWords(words or english()))
    rows = raw.rows.select(raw.source_row_numbers())
    found = []
    for key, index in columns.items():
        if f"c{index}" not in raw.rows.columns or not _may_hold_problems(raw, index):
            continue
        if raw.kinds is not None:
            kind: pl.Expr | pl.Series = raw.kinds.get_column(f"k{index}")
            cell = pl.format("{}{}", pl.lit(column_letters(raw.first_column + index)), "source_row")
            where = say.words.catalog.expr("rejections.where_cell", column=labels[key], cell=cell)
        else:
            kind, where = pl.lit(None, pl.UInt8), say.words.catalog.expr("rejections.where_column", column=labels[key])
        frame = rows.with_columns(raw.rows.get_column(f"c{index}").alias("_text"), kind.alias("_kind"))
        reason = _cell_reason(where, say)
        found.append(
            frame.filter(reason.is_not_null()).select(
                "source_row",
                pl.lit(labels[key]).alias("column"),
                pl.col("_text").str.slice(0, LONG_CELL_SHOWN).alias("value"),
                reason.alias("reason"),
            )
        )
    return _as_rejections(found)


def _may_hold_problems(raw: RawTable, index: int) -> bool:
    """A cheap look first: most columns of most files hold no such cell."""
    too_long = (raw.rows.get_column(f"c{index}").str.len_bytes().max() or 0) > MAX_CELL_CHARS  # type: ignore[operator]
    if raw.kinds is None:
        return bool(too_long)
    return bool(too_long) or bool(raw.kinds.get_column(f"k{index}").is_in(list(_UNREADABLE_KINDS)).any())


def _cell_reason(where: pl.Expr, say: _Wording) -> pl.Expr:
    """Why the cell cannot be read, or null when it can."""
    kind, text = pl.col("_kind"), pl.col("_text")
    return (
        pl.when(kind == Kind.ERROR)
        .then(say.reason("cell_error", where=where, value=text))
        .when(kind == Kind.FORMULA)
        .then(say.reason("cell_formula", where=where, value=text))
        .when(kind == Kind.EMPTY_VALUE)
        .then(say.reason("cell_empty_value", where=where))
        .when(text.str.len_chars() > MAX_CELL_CHARS)
        .then(say.reason("cell_too_long", where=where, limit=say.words.number(MAX_CELL_CHARS)))
    )


def _unreadable_rows(raw: RawTable, say: _Wording) -> pl.DataFrame:
    """Rows the reader could not split into cells (a CSV line whose quotes do not pair up)."""
    assert raw.unreadable_rows is not None
    return raw.unreadable_rows.select(
        "source_row",
        pl.lit(say.words.text("rejections.whole_row")).alias("column"),
        pl.lit(None, pl.String).alias("value"),
        say.reason("stray_quote", line=pl.col("line"), text=pl.col("text")).alias("reason"),
    )


def _as_rejections(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Rejections without their candidate id (added once the rows are typed)."""
    schema = {"source_row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat([frame.cast(schema) for frame in frames]).sort("source_row", maintain_order=True)  # type: ignore[arg-type]


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
        *[column for key in given for column in _parsed_number(frame, key)],
        *[_is_unreadable(frame, key).alias(f"{key}__unreadable") for key in NUMBER_KEYS],
        *[pl.lit(True).alias(f"{key}__absent") for key in missing],
        *[pl.lit(None, pl.Float64).alias(f"{key}__num") for key in missing],
        *[pl.lit(False).alias(f"{key}__whole") for key in missing],
        *[pl.lit(False).alias(f"{key}__date") for key in missing],
    )
    # Only the section ranges are needed from the rules here: looked up by the level's place, no join.
    place = pl.col("_level").replace_strict({level: i for i, level in enumerate(LEVELS)}, default=None,
                                            return_dtype=pl.UInt32)  # fmt: skip
    frame = frame.with_columns(place.alias("_level_place"))
    maxima = [_section_maximum(key, rules).alias(f"rule_{key}_max") for key in SECTION_KEYS]
    return frame.with_columns(maxima).drop("_level_place")


def _section_maximum(key: str, rules: Rules) -> pl.Expr:
    """Each row's maximum for a section, from its level's rules; null where the level has no such section."""
    sections = [rules.level(level).section(key) for level in LEVELS]
    maxima = pl.Series([None if section is None else section.maximum for section in sections], dtype=pl.Int16)
    return pl.lit(maxima).gather(pl.col("_level_place"))


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


def _parsed_number(frame: pl.DataFrame, key: str) -> list[pl.Expr | pl.Series]:
    """A number column's absent marks, numbers, wholeness and dates.

    A CSV column of plain integers (the usual case) takes one cast; anything else (markers,
    decimals, full-width digits, a workbook's kinds) the full look.
    """
    if f"{key}__kind" not in frame.columns:
        text = frame.get_column(key)
        integers = text.cast(pl.Int64, strict=False)
        if integers.null_count() == text.null_count():
            return [
                text.is_null().alias(f"{key}__absent"),
                integers.cast(pl.Float64).alias(f"{key}__num"),
                text.is_not_null().alias(f"{key}__whole"),
                pl.lit(False).alias(f"{key}__date"),
            ]
    return [
        _is_absent(frame, key).alias(f"{key}__absent"),
        _number(frame, key).alias(f"{key}__num"),
        _is_whole_number(frame, key).alias(f"{key}__whole"),
        _is_date(frame, key).alias(f"{key}__date"),
    ]


def _kind(frame: pl.DataFrame, key: str) -> pl.Expr:
    """The kind of each cell (a workbook's); null for a CSV, whose cells are all text."""
    return pl.col(f"{key}__kind") if f"{key}__kind" in frame.columns else pl.lit(None, pl.UInt8)


def _is_absent(frame: pl.DataFrame, key: str) -> pl.Expr:
    """Blank, or one of the absent markers in any case; never a cell that cannot be read."""
    distinct = frame[key].unique().drop_nulls().to_list()
    markers = [value for value in distinct if value.lower() in ABSENT_MARKERS]
    return (pl.col(key).is_null() | pl.col(key).is_in(markers)) & ~_is_unreadable(frame, key)


def _number(frame: pl.DataFrame, key: str) -> pl.Expr:
    """A numeric cell's stored number; text parsed as a number; null for a date, a marker or words."""
    parsed = pl.col(key).cast(pl.Float64, strict=False)
    if f"{key}__kind" not in frame.columns:
        return parsed
    kind = pl.col(f"{key}__kind")
    return pl.when(kind == Kind.NUMBER).then(pl.col(f"{key}__stored")).when(kind != Kind.DATE).then(parsed)


# A whole number written as one: digits, maybe a sign, maybe a point and zeros (45.0 is 45).
_WHOLE_TEXT = r"^[+-]?[0-9]+(?:\.0*)?$"


def _is_whole_number(frame: pl.DataFrame, key: str) -> pl.Expr:
    """A numeric cell whose value is whole, or text that writes a whole number (not 1e1, not 18.9999...)."""
    number = pl.col(key).cast(pl.Float64, strict=False)
    whole = number.is_finite() & (number == number.floor())
    text = pl.col(key)
    # Only text with a point or an exponent needs the exact look; most columns have none.
    odd = text.str.contains(r"[.eE]")
    if frame.select(odd.any()).item():
        whole = whole & pl.when(odd).then(text.str.contains(_WHOLE_TEXT)).otherwise(True)
    if f"{key}__kind" not in frame.columns:
        return whole.fill_null(False)
    stored = pl.col(f"{key}__stored")
    stored_whole = stored.is_finite() & (stored == stored.floor())
    return pl.when(pl.col(f"{key}__kind") == Kind.NUMBER).then(stored_whole).otherwise(whole).fill_null(False)


def _is_unreadable(frame: pl.DataFrame, key: str) -> pl.Expr:
    """An error, a formula never calculated, or an empty value: rejected by ``_cell_problems`` alone."""
    return _kind(frame, key).is_in(list(_UNREADABLE_KINDS)).fill_null(False)


def _not_a_cell_problem(key: str) -> pl.Expr:
    return ~pl.col(f"{key}__unreadable")


def _is_date(frame: pl.DataFrame, key: str) -> pl.Expr:
    return (_kind(frame, key) == Kind.DATE).fill_null(False)


def _num(key: str) -> pl.Expr:
    return pl.col(f"{key}__num")


def _absent(key: str) -> pl.Expr:
    return pl.col(f"{key}__absent")


def _whole(key: str) -> pl.Expr:
    return pl.col(f"{key}__whole")


# ---------------------------------------------------------------- checks


def _rejections(
    frame: pl.DataFrame,
    labels: dict[str, str],
    rules: Rules,
    cells: pl.DataFrame,
    say: _Wording,
    scores_required: bool = True,
    *,
    both_ids: bool = False,
) -> pl.DataFrame:
    """Every problem of every row, one row each, in spreadsheet order (``cells``: those of unreadable
    cells; ``both_ids``: the file has a student id column beside the candidate id, checked on its own)."""
    problems = [
        *_id_problems("candidate_id", labels, say),
        *(_id_problems("student_id", labels, say) if both_ids else []),
        *_level_problems(labels, say),
        *[problem for key in SECTION_KEYS for problem in _section_problems(key, labels, say)],
        *(_missing_column_problems(labels, rules, say) if scores_required else []),
        *_total_problems(labels, say),
        *[problem for part in BAND_PARTS for problem in _band_problems(part, labels, say)],
        *_metadata_problems(labels, say),
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
    if cells.height:
        ids = frame.select("source_row", "candidate_id")
        found.append(cells.join(ids, on="source_row", how="left").select(REJECTION_SCHEMA.names()))
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


class _Wording:
    """The rejection messages: an entry of the administrator's wording, filled row by row."""

    def __init__(self, words: AdminWords) -> None:
        self.words = words

    def reason(self, entry: str, **values: pl.Expr | object) -> pl.Expr:
        """'row N: ' + the entry, its values taken from each row's columns (polars expressions)."""
        problem = self.words.catalog.expr(f"rejections.{entry}", **values)
        return self.words.catalog.expr("rejections.row", row=pl.col("source_row"), problem=problem)

    def section(self, key: str) -> str:
        """A section in words: 'Listening', '聴解' (never our key)."""
        return self.words.section(key)

    def column(self, key: str, labels: dict[str, str]) -> str:
        """A column as the file wrote it, or in our words when the file has no such column."""
        return labels.get(key) or self.words.text(f"columns.{key}")


# The entries that say an id is empty or repeated (a candidate id is unique in a file; so is a student).
_ID_ENTRIES = {"candidate_id": "id", "student_id": "student_id"}


def _id_problems(key: str, labels: dict[str, str], say: _Wording) -> list[Problem]:
    label, entry = labels[key], _ID_ENTRIES[key]
    others = (
        pl.col("source_row")
        .implode()
        .over(key)
        .list.set_difference(pl.concat_list("source_row"))
        .list.eval(pl.element().cast(pl.String))
        .list.join(", ")
    )
    # The list of other rows is built after filtering, so only over the duplicated rows.
    given = pl.col(key).is_not_null()
    is_duplicate = given & pl.col(key).is_duplicated()
    # Equal ids have equal hashes, and comparing hashes is a few times faster than comparing text.
    may_be_duplicate = given & pl.col(key).hash().is_duplicated()
    return [
        Problem(pl.col(key).is_null(), label, key, say.reason(f"{entry}_empty", column=label)),
        Problem(
            is_duplicate,
            label,
            key,
            say.reason(f"{entry}_repeated", column=label, value=pl.col(key), rows=others),
            may_be_duplicate,
        ),
    ]


def _level_problems(labels: dict[str, str], say: _Wording) -> list[Problem]:
    label, levels = labels["level"], say.words.levels()
    return [
        Problem(pl.col("level").is_null(), label, "level", say.reason("level_empty", column=label, levels=levels)),
        Problem(
            pl.col("level").is_not_null() & pl.col("_level").is_null(),
            label,
            "level",
            say.reason("level_unknown", column=label, value=pl.col("level"), levels=levels),
        ),
    ]


def _number_problems(key: str, label: str, say: _Wording, *, only_if: pl.Expr | None = None) -> list[Problem]:
    """Text that is not a number, dates, and numbers not written as whole ones.

    A cell that cannot be read at all (an error, a formula never calculated) is named by
    ``_cell_problems`` alone, so it is left out here.
    """
    readable = ~_absent(key) & pl.col(key).is_not_null() & _not_a_cell_problem(key)
    given = readable if only_if is None else readable & only_if
    number, date = _num(key), pl.col(f"{key}__date")
    value = {"column": label, "value": pl.col(key)}
    return [
        Problem(given & number.is_null() & ~date, label, key, say.reason("not_a_number", **value)),
        Problem(given & date, label, key, say.reason("is_a_date", **value)),
        Problem(
            given & number.is_not_null() & ~_whole(key),
            label,
            key,
            say.reason("not_whole", column=label, value=pl.col(key)),
        ),
    ]


def _section_problems(key: str, labels: dict[str, str], say: _Wording) -> list[Problem]:
    if key not in labels:
        return []
    label = labels[key]
    number, maximum = _num(key), pl.col(f"rule_{key}_max")
    known_level = pl.col("_level").is_not_null()
    whole = number.is_not_null() & _whole(key)
    not_a_section = known_level & maximum.is_null() & ~_absent(key)
    out_of_range = known_level & maximum.is_not_null() & whole & ((number < 0) | (number > maximum))
    row_values = {"column": label, "value": pl.col(key), "level": pl.col("_level")}
    return [
        *_number_problems(key, label, say, only_if=~not_a_section),
        Problem(not_a_section, label, key, say.reason("not_a_section", **row_values, section=say.section(key))),
        Problem(out_of_range, label, key, say.reason("out_of_range", **row_values, maximum=maximum)),
    ]


def _missing_column_problems(labels: dict[str, str], rules: Rules, say: _Wording) -> list[Problem]:
    """Rows whose level needs a section column the file does not have (named in words: the file has no name for it)."""
    problems: list[Problem] = []
    for level in LEVELS:
        for key in rules.level(level).section_keys:
            if key not in labels:
                section = say.section(key)
                reason = say.reason("no_column", level=level, section=section)
                problems.append(Problem(pl.col("_level") == level, section, "level", reason))
    return problems


def _section_sum() -> pl.Expr:
    return pl.sum_horizontal(
        pl.when(pl.col(f"rule_{key}_max").is_not_null()).then(_num(key)) for key in SECTION_KEYS
    ).cast(pl.Int64, strict=False)


def _total_problems(labels: dict[str, str], say: _Wording) -> list[Problem]:
    if "total" not in labels:
        return []
    label = labels["total"]
    all_sections_given = pl.all_horizontal(
        pl.col(f"rule_{key}_max").is_null() | _num(key).is_not_null() for key in SECTION_KEYS
    )
    total = _num("total")
    compare = pl.col("_level").is_not_null() & all_sections_given & total.is_not_null() & _whole("total")
    return [
        *_number_problems("total", label, say),
        Problem(
            compare & (total != _section_sum()),
            label,
            "total",
            say.reason("total_differs", column=label, value=pl.col("total"), sum=_section_sum()),
        ),
    ]


def _band_problems(part: str, labels: dict[str, str], say: _Wording) -> list[Problem]:
    correct_key, questions_key = f"{part}_correct", f"{part}_questions"
    problems: list[Problem] = []
    for key in (correct_key, questions_key):
        if key in labels:
            problems += _number_problems(key, labels[key], say)
    if correct_key in labels or questions_key in labels:
        problems += _count_problems(correct_key, questions_key, labels, say)
    band_key = f"{part}_band"
    if band_key in labels:
        letter = pl.col(band_key).str.to_uppercase()
        problems.append(
            Problem(
                pl.col(band_key).is_not_null() & ~letter.is_in(["A", "B", "C"]),
                labels[band_key],
                band_key,
                say.reason("band_unknown", column=labels[band_key], value=pl.col(band_key)),
            )
        )
    return problems


def _count_problems(correct_key: str, questions_key: str, labels: dict[str, str], say: _Wording) -> list[Problem]:
    """A band's raw counts: both or neither, at least one question, never more right than asked."""
    correct, questions = _num(correct_key), _num(questions_key)
    c_label, q_label = say.column(correct_key, labels), say.column(questions_key, labels)
    c_value, q_value = pl.col(correct_key), pl.col(questions_key)
    return [
        Problem(
            correct.is_not_null() & questions.is_null(),
            c_label,
            correct_key,
            say.reason("count_alone", column=c_label, other=q_label),
        ),
        Problem(
            questions.is_not_null() & correct.is_null(),
            q_label,
            questions_key,
            say.reason("count_alone", column=q_label, other=c_label),
        ),
        Problem(
            questions.is_not_null() & (questions <= 0),
            q_label,
            questions_key,
            say.reason("no_questions", column=q_label, value=q_value),
        ),
        Problem(
            correct.is_not_null() & (correct < 0),
            c_label,
            correct_key,
            say.reason("negative_count", column=c_label, value=c_value),
        ),
        Problem(
            correct.is_not_null() & (questions > 0) & (correct > questions),
            c_label,
            correct_key,
            say.reason("too_many_correct", column=c_label, value=c_value, other=q_label, other_value=q_value),
        ),
    ]


def _metadata_problems(labels: dict[str, str], say: _Wording) -> list[Problem]:
    if "region" not in labels:
        return []
    label = labels["region"]
    return [
        Problem(
            pl.col("region").is_not_null() & pl.col("_region").is_null(),
            label,
            "region",
            say.reason("region_unknown", column=label, value=pl.col("region")),
        )
    ]


# ---------------------------------------------------------------- typed rows


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    """The columns the contract reads from the file, typed: numbers as integers where they are whole."""

    def given(column: str) -> bool:
        return frame[column].null_count() < frame.height

    # A column the file lacks stays a single null rather than a million of them.
    numbers = {
        key: pl.when(_whole(key) & (_num(key).abs() < 1e15)).then(_num(key)).cast(pl.Int64)
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
