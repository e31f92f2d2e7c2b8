"""Messy cohort files, written the way schools really save them, never lose a row or crash the run.

A hypothesis strategy writes .xlsx and .csv files with headers in any case, width and order,
unknown columns, title and blank rows, merged class cells, and values from clean scores to
garbage. The real command runs on every file, and what it wrote is compared with what the file
holds: each non-empty row exactly once and in order, judged rows as the plain per-row judge
says, and rejected rows with reasons that name their row and the column at fault.

`benchmarks/soak_messy_inputs.py` runs the same check on thousands of files.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import itertools
import math
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import corpus
import openpyxl
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jlpt_batch.admin_wording import english
from jlpt_batch.cli import main
from jlpt_batch.contract import COLUMN_KEYS, FAIL, PASS, REJECTED
from jlpt_batch.judging.plain_judge import judge_row
from jlpt_batch.reading.cells import MAX_CELL_CHARS
from jlpt_batch.reading.headers import HEADER_ALIASES, REQUIRED, canonical_column
from jlpt_batch.reading.validate import ABSENT_MARKERS
from jlpt_batch.rules import LEVELS, SECTION_KEYS, LevelRule, load_rules

RULES = load_rules()
RUN_OPTIONS = ("--no-sheets", "--no-workbook", "--as-of", "2026-11-23")
# Unicode White_Space: what the reader trims from a cell (Python's str.strip also trims \x1c-\x1f).
WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
               + "\u2028\u2029\u202f\u205f\u3000")  # fmt: skip
FORMULA_START = re.compile(r"[=+\-@\t\r]")

# ---------------------------------------------------------------- what a file may hold

UNKNOWN_HEADERS = ("Notes", "備考", "Teacher", "Email", "Attendance %", "Seat", "試験会場", "Score (old)", "")
TITLES = ("JLPT results, July 2026", "2026年7月 日本語能力試験 結果一覧", "Sakura School: all classes",
          'Mock exam "B"\nsecond term', "Confidential")  # fmt: skip
SECTION_LAYOUTS = (
    ("language_knowledge", "reading", "language_knowledge_reading", "listening"),  # every level
    ("language_knowledge", "reading", "listening"),  # N1-N3 only
    ("language_knowledge_reading", "listening"),  # N4-N5 only
    ("language_knowledge", "language_knowledge_reading", "listening"),  # reading forgotten
)
OPTIONAL_KEYS = ("name", "class", "total", "region", "grammar_band")
COUNT_KEYS = ("vocabulary_correct", "vocabulary_questions")
GARBAGE = ("abc", "forty", "四十五", "45点", "N/A", "?", "4 5", "null", "NaN", "inf", "-inf", "0x2A", "1,5",
           "TRUE", "#VALUE!", "#N/A", "#DIV/0!", "(45)", "4５ｘ", "∞", "½", "1e400", "٤٥", "4\n5")  # fmt: skip
BAD_LEVELS = ("N6", "N0", "Ｎ６", "JLPT N3", "Level 3", "N3.5", "五級", "N-3", "N33", "?", "beginner")
REGIONS = {"domestic": "domestic", "Overseas": "overseas", "国内": "domestic", "海外": "overseas",
           "japan": "domestic", "ABROAD": "overseas"}  # fmt: skip
BAD_REGIONS = ("Mars", "国外", "home")
BAD_BANDS = ("D", "AB", "優", "5")
CLASSES = ("1A", "1B", "２Ａ", "さくら組", "Class 3", " 3-B ", "-", "@home", "Ⅱ組")
JUNK = ("see office", "遅刻", "x", "+81 3 1234", "=SUM(A1:A3)", "0", "ok")
BLANK_CELLS = (" ", "\u3000", "\t", "\xa0")
NAMES = ("佐藤 花子", "髙橋 﨑子", "ｻﾄｳ ﾊﾅｺ", "Nguyễn Văn An", "김민준", "王小明", "Иван Петров",
         "Αλέξανδρος", "محمد علي", "דוד כהן", "राहुल शर्मा", "สมชาย ใจดี", "José Ñúñez", "O'Brien, Anne-Marie",
         "ﬁona Ⅻ", "Zoe\u0308", "𠮷野 家", "👩‍👩‍👧 Family", "Smith; \"Jr\"", "=1+1", "-Lee", "@ko", "ID")  # fmt: skip
JAPANESE_NAMES = ("佐藤 花子", "髙橋 﨑子", "ｻﾄｳ ﾊﾅｺ", "渡邊 ①", "たなか ゆき", "Tanaka, Yuki", "ID", "-Lee",
                  "?田 花子", "鈴木 ?子")  # fmt: skip  # '?': what a Shift_JIS export writes for 𠮷 or an emoji
CONTROL = "".join(map(chr, range(0x20))) + "\x7f\x85"
WIDE_ALPHABET = "aZ09 ,;\"'=@-+\u3000\xa0あア亜ｱ髙가王Жλéعש्ไ😀𠮷\u0301\u200b\u200f\u202e\u2028①ﬁ" + CONTROL
JAPANESE_ALPHABET = "aZ09 ,\"'-\u3000あア亜ｱ髙﨑①"
# Characters an .xlsx cannot hold (XML 1.0), which openpyxl refuses to write.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


WORKBOOKS = ("xlsx", "ods", "xls", "xlsb")
FORMULA_FORMATS = ("xlsx", "ods")  # the formats that can hold a formula with no stored value


@dataclass(frozen=True)
class Padded:
    """A numeric id cell formatted 00000: the sheet shows 00150 for 150."""

    number: int

    def __str__(self) -> str:
        return f"{self.number:05d}"


@dataclass(frozen=True)
class LongName:
    """A name longer than a cell may hold (``part`` repeated); its repr stays short."""

    part: str
    times: int

    def __str__(self) -> str:
        return self.part * self.times


@dataclass(frozen=True)
class Uncalculated:
    """A formula whose result was never saved (files written by scripts and web exports)."""

    expression: str


def full_width(text: str) -> str:
    """ASCII as a Japanese keyboard in full-width mode types it."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def clean(value: object) -> str | None:
    """A cell as the reader sees it: text, NFKC where not ASCII, trimmed; None when empty."""
    if value is None:
        return None
    text = cell_text(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return text.strip(WHITE_SPACE) or None


# What may go from either end of a name or class: space and control characters (nothing else changes).
EDGE = "".join(map(chr, [*range(0x21), *range(0x7F, 0xA1)])) + WHITE_SPACE


def as_written(value: object) -> str | None:
    """A name or class as the reader keeps it: as written, only space and control characters at
    either end gone; None when nothing is left."""
    if value is None:
        return None
    return cell_text(value).strip(EDGE) or None


def too_long(value: object) -> bool:
    """Longer than the characters a cell may hold: the row is rejected naming the cell."""
    return isinstance(value, (str, LongName)) and len(str(value)) > MAX_CELL_CHARS


def cell_text(value: object) -> str:
    if isinstance(value, (Padded, LongName)):
        return str(value)
    if isinstance(value, Uncalculated):
        return "=" + value.expression
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(WHITE_SPACE))


def defused(text: str | None) -> str:
    """How results.csv writes a text cell: empty for none, a leading ' before formula characters."""
    if text is None:
        return ""
    return "'" + text if FORMULA_START.match(text) else text


# ---------------------------------------------------------------- the model of a file


@dataclass(frozen=True)
class Column:
    key: str | None  # the column it stands for; None for a column the tool does not use
    header: str  # as written in the header cell

    @property
    def label(self) -> str:
        """How a rejection names this column: as written."""
        return self.header.strip()


@dataclass(frozen=True)
class Row:
    """One data row: the cells written, and what the generator meant them to say."""

    cells: tuple  # one value per column (None: empty cell)
    level: str | None  # the level, when the written level is a valid one
    problems: frozenset[str]  # keys of the columns at fault (a duplicate or empty id is found later)
    scores: dict[str, int | None] = field(default_factory=dict)  # the level's sections; None = absent
    counts: tuple[int, int] | None = None  # vocabulary correct, questions
    grammar_band: str | None = None
    region: str | None = None
    stray_quote: bool = False  # CSV: the line's first cell opens a quote that never closes


@dataclass(frozen=True)
class Blank:
    cells: tuple | None  # None: an empty line in a CSV (no cells at all)


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class MessyCohort:
    """A cohort file to write: the lines from the top of the sheet, the header among them."""

    kind: str  # "csv" or one of WORKBOOKS
    columns: tuple[Column, ...]
    lines: tuple  # Title | Blank | "header" | Row, top to bottom
    first_row: int = 1  # spreadsheet row of lines[0] (an xlsx may start lower)
    first_column: int = 1  # spreadsheet column of the table (xlsx)
    class_merges: tuple[tuple[int, int], ...] = ()  # (first, last) line index of merged class cells
    encoding: str = "utf-8"  # CSV only
    delimiter: str = ","
    newline: str = "\r\n"
    quote_all: bool = False
    trim_trailing: bool = False  # drop empty cells at the end of a CSV line, as some exporters do

    def index(self, key: str) -> int | None:
        return next((i for i, column in enumerate(self.columns) if column.key == key), None)

    def cell(self, row: Row, key: str) -> object:
        index = self.index(key)
        return None if index is None else row.cells[index]

    def source_row(self, line_index: int) -> int:
        return self.first_row + line_index


# ---------------------------------------------------------------- strategies: columns


@st.composite
def header_text(draw, key: str) -> str:
    """An alias of the key in random case, separators and width, as schools type headers."""
    rnd = draw(st.randoms(use_true_random=False))
    alias = draw(st.sampled_from(HEADER_ALIASES[key]))
    alias = draw(st.sampled_from((" ", "_", "-", "  "))).join(alias.split(" "))
    alias = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in alias)
    if draw(st.integers(0, 3)) == 0:
        alias = full_width(alias)
    return draw(st.sampled_from(("", " ", "\u3000"))) + alias


@st.composite
def column_layouts(draw) -> tuple[Column, ...]:
    keys = ["candidate_id", "level", *draw(st.sampled_from(SECTION_LAYOUTS))]
    keys += [key for key in OPTIONAL_KEYS if draw(st.booleans())]
    if draw(st.booleans()):
        keys += COUNT_KEYS
    if draw(st.integers(0, 24)) == 0:  # a required column missing: the file cannot be read
        keys.remove(draw(st.sampled_from(REQUIRED)))
    columns = [Column(key, draw(header_text(key))) for key in keys]
    columns += [Column(None, text) for text in draw(st.lists(st.sampled_from(UNKNOWN_HEADERS), max_size=3))]
    return tuple(draw(st.permutations(columns)))


# ---------------------------------------------------------------- strategies: values


@dataclass(frozen=True)
class Style:
    """How one file is written: its kind, whether it must fit cp932, how often a cell is at fault."""

    kind: str
    cp932: bool = False
    noise: int = 0  # percent chance that a cell which could be wrong is wrong

    def pool(self, values) -> list:
        """The values this file can hold: a cp932 file only what cp932 encodes."""
        return [v for v in values if not (self.cp932 and isinstance(v, str) and not _encodes(v, "cp932"))]


def faulty(style: Style) -> st.SearchStrategy[bool]:
    return st.just(False) if style.noise == 0 else st.integers(1, 100).map(lambda n: n <= style.noise)


def score_forms(style: Style, score: int) -> list:
    """Ways a file holds a whole score: number, text, '45.0', full width, padded, circled."""
    texts = [str(score), f"{score}.0", full_width(str(score)), f" {score} ", f"{score}.00"]
    if 1 <= score <= 20:
        texts.append(chr(0x2460 + score - 1))  # ① … ⑳, NFKC makes them plain digits
    return [score, float(score), *texts] if style.kind != "csv" else texts


def bad_score_forms(style: Style, maximum: int, score: int) -> list:
    """Values that are not a score of this section: negative, too big, not whole, not a number."""
    texts = ["-1", str(-maximum), str(maximum + 1), "999", "1e30", f"{score}.5", *style.pool(GARBAGE)]
    if style.kind in FORMULA_FORMATS:
        texts.append(Uncalculated(f"{score}+0"))  # type: ignore[arg-type]
    if style.kind != "csv":
        return [-1, maximum + 1, 1e30, score + 0.5, dt.date(2026, 7, 5), True, *texts]
    return texts


ABSENT_FORMS = (None, "", " ", *ABSENT_MARKERS, "ABSENT", "Absent", "－", "＊", " 欠席 ")


def level_forms(level: str) -> list[str]:
    digit = level[1]
    return [level, level.lower(), full_width(level), full_width(level.lower()), f"{digit}級",
            f"{full_width(digit)}級", f" {level} ", f"N {digit}"]  # fmt: skip


@st.composite
def scores_for(draw, rule: LevelRule) -> dict[str, int]:
    """Section scores with the boundaries likely: floors, maxima, pass mark and CEFR cut edges."""
    if draw(st.booleans()):
        return {s.key: draw(st.sampled_from((0, s.floor - 1, s.floor, s.maximum)) | st.integers(0, s.maximum)
                            | st.integers(s.floor, s.maximum)) for s in rule.sections}  # fmt: skip
    edges = [rule.pass_mark, *(cut for cut, _ in rule.cefr_cuts)]
    total = draw(st.sampled_from(edges)) + draw(st.sampled_from((-1, 0, 1)))
    scores, left = {}, total
    for position, section in enumerate(rule.sections):
        room = sum(s.maximum for s in rule.sections[position + 1 :])
        scores[section.key] = draw(st.integers(max(0, left - room), min(section.maximum, left)))
        left -= scores[section.key]
    return scores


@st.composite
def names(draw, style: Style) -> str | None:
    alphabet = JAPANESE_ALPHABET if style.cp932 else WIDE_ALPHABET
    pool = JAPANESE_NAMES if style.cp932 else NAMES
    very_long = st.builds(lambda part, size: (part * size)[:size], st.sampled_from(pool), st.integers(1000, 6000))
    # longer than a cell may be (openpyxl and .xls cut a text at Excel's 32,767 characters)
    if style.kind in ("csv", "ods", "xlsb") and draw(st.integers(0, 59)) == 0:
        return LongName(draw(st.sampled_from(pool)), MAX_CELL_CHARS // 4 + 1)  # type: ignore[return-value]
    text = draw(st.none() | st.sampled_from(pool) | st.text(st.sampled_from(alphabet), max_size=24) | very_long)
    if text is not None and style.kind != "csv":
        text = XLSX_ILLEGAL.sub("", text)
    if text is not None and style.kind == "xls":  # xlwt miscounts characters beyond U+FFFF: a damaged file
        text = "".join(char for char in text if ord(char) <= 0xFFFF)
    return text


@st.composite
def candidate_ids(draw, style: Style, number: int) -> object:
    """Unique for each number, in the forms schools use; empty when at fault."""
    if draw(faulty(style)):
        return draw(st.sampled_from((None, "", " ", "\u3000")))
    forms = [f"{number:05d}", f"S-{number}", f"ｓ－{number}", f"受験{number}", full_width(f"{number:05d}"),
             f" {number:05d} "]  # fmt: skip
    return draw(st.sampled_from([number, Padded(number), *forms] if style.kind != "csv" else forms))


# ---------------------------------------------------------------- strategies: rows


@st.composite
def section_cells(draw, style: Style, keys: set[str], level: str | None) -> tuple[dict, dict, set]:
    """Cells of every section column; the valid scores (None = absent) and the keys at fault."""
    rule = RULES.level(level) if level else None
    wanted = draw(scores_for(rule)) if rule else {}
    cells, scores, problems = {}, {}, set()
    for key in SECTION_KEYS:
        section = rule.section(key) if rule else None
        if key not in keys:
            problems |= {key} if section else set()  # the level needs a column the file lacks
            continue
        if section is None:
            cells[key], fault = draw(stray_section_value(style, rule is None))
        else:
            cells[key], scores[key], fault = draw(section_value(style, section.maximum, wanted[key]))
        problems |= {key} if fault else set()
    return cells, scores, problems


@st.composite
def section_value(draw, style: Style, maximum: int, score: int) -> tuple[object, int | None, bool]:
    """(cell, score or None when absent, whether the cell is at fault)."""
    if draw(faulty(style)):
        return draw(st.sampled_from(bad_score_forms(style, maximum, score))), None, True
    if draw(st.integers(0, 99)) < 8:
        return draw(st.sampled_from(style.pool(ABSENT_FORMS))), None, False
    return draw(st.sampled_from(score_forms(style, score))), score, False


@st.composite
def stray_section_value(draw, style: Style, level_unknown: bool) -> tuple[object, bool]:
    """A section the row's level does not have: blank or absent is fine, a value is a fault."""
    values = [*score_forms(style, 30), *style.pool(GARBAGE[:5])]
    if level_unknown:  # the unknown level is the fault reported, whatever the section holds
        return draw(st.sampled_from([None, "-", *values])), False
    if draw(faulty(style)):
        return draw(st.sampled_from(values)), True
    return draw(st.sampled_from((None, None, "-", "欠席"))), False


@st.composite
def total_cell(draw, style: Style, scores: dict, complete: bool) -> tuple[object, bool]:
    """The total column: blank, the right sum, or at fault a wrong sum or garbage."""
    total = sum(score or 0 for score in scores.values())  # used only when complete
    if draw(faulty(style)):
        if complete and draw(st.booleans()):
            return draw(st.sampled_from(score_forms(style, total + draw(st.sampled_from((-1, 1, 10)))))), True
        return draw(st.sampled_from(style.pool(GARBAGE))), True
    if not complete or draw(st.integers(0, 9)) < 3:  # a total beside an absent section is not compared
        return draw(st.sampled_from((None, "", "-"))), False
    return draw(st.sampled_from(score_forms(style, total))), False


@st.composite
def vocabulary_counts(draw, style: Style) -> tuple[object, object, tuple[int, int] | None, set]:
    """(correct cell, questions cell, the valid pair or None, keys at fault)."""
    if draw(st.integers(0, 9)) < 3:
        return None, None, None, set()
    questions = draw(st.integers(1, 40))
    edges = (0, questions, math.ceil(0.67 * questions), math.ceil(0.67 * questions) - 1,
             math.ceil(0.34 * questions), math.ceil(0.34 * questions) - 1)  # fmt: skip
    correct = max(0, draw(st.sampled_from(edges) | st.integers(0, questions)))
    if draw(faulty(style)):
        return draw(st.sampled_from((
            (correct, None, None, {"vocabulary_correct"}),  # one count without the other
            (questions + 1, questions, None, {"vocabulary_correct"}),  # more correct than questions
            ("-2", 0, None, {"vocabulary_questions"}), ("many", "0", None, {"vocabulary_questions"}),
        )))  # fmt: skip
    return (draw(st.sampled_from(score_forms(style, correct))), draw(st.sampled_from(score_forms(style, questions))),
            (correct, questions), set())  # fmt: skip


@st.composite
def labelled_cell(draw, style: Style, good: dict, bad: tuple) -> tuple[object, str | None, bool]:
    """A band or region cell: blank, a good spelling (with its meaning), or at fault a bad one."""
    if draw(faulty(style)):
        return draw(st.sampled_from(style.pool(bad))), None, True
    if draw(st.integers(0, 9)) < 3:
        return None, None, False
    written = draw(st.sampled_from(sorted(good)))
    return written, good[written], False


BANDS = {"A": "A", "b": "B", "C": "C", "Ａ": "A", " c ": "C"}


@st.composite
def data_rows(draw, columns: tuple[Column, ...], style: Style, number: int) -> Row:
    keys = {column.key for column in columns if column.key}
    fitting = [level for level in LEVELS if set(RULES.level(level).section_keys) <= keys] or list(LEVELS)
    level = draw(st.sampled_from(LEVELS if draw(faulty(style)) else fitting))  # at fault: a level without its columns
    level_ok = not draw(faulty(style))
    cells = {"candidate_id": draw(candidate_ids(style, number)), "name": draw(names(style)),
             "class": None if draw(st.integers(0, 4)) == 0 else draw(st.sampled_from(style.pool(CLASSES)))}  # fmt: skip
    cells["level"] = draw(st.sampled_from(level_forms(level) if level_ok else [*style.pool(BAD_LEVELS), None, " "]))
    name_fault = {"name"} if too_long(cells["name"]) else set()
    sections, scores, problems = draw(section_cells(style, keys, level if level_ok else None))
    cells |= sections
    problems |= (set() if level_ok else {"level"}) | name_fault
    complete = level_ok and not problems and None not in scores.values()
    cells["total"], total_fault = draw(total_cell(style, scores, complete))
    cells["vocabulary_correct"], cells["vocabulary_questions"], counts, count_faults = draw(vocabulary_counts(style))
    cells["grammar_band"], band, band_fault = draw(labelled_cell(style, BANDS, BAD_BANDS))
    cells["region"], region, region_fault = draw(labelled_cell(style, REGIONS, BAD_REGIONS))
    faults = {"total": total_fault, "grammar_band": band_fault, "region": region_fault}
    problems |= {key for key, fault in faults.items() if fault} | count_faults
    junk = st.none() | st.sampled_from(style.pool(JUNK))
    row_cells = tuple(cells.get(c.key) if c.key else draw(junk) for c in columns)
    return Row(row_cells, level if level_ok else None, frozenset(problems & keys | _missing(problems, keys)),
               scores, counts if "vocabulary_correct" in keys else None,
               band if "grammar_band" in keys else None, region if "region" in keys else None)  # fmt: skip


def _missing(problems: set[str], keys: set[str]) -> set[str]:
    """Faults about section columns the file does not have (reported under the section's key)."""
    return {key for key in problems if key in SECTION_KEYS and key not in keys}


# ---------------------------------------------------------------- strategies: whole files


@st.composite
def messy_cohorts(draw, kind: str | None = None) -> MessyCohort:
    """A whole messy cohort file, a workbook or csv; some clean, some with faults in a few or many cells."""
    kind = kind or draw(st.sampled_from(("xlsx", "csv", "xlsx", "csv", "ods", "xls", "xlsb")))
    encoding = draw(st.sampled_from(("utf-8", "utf-8-sig", "cp932"))) if kind == "csv" else "utf-8"
    style = Style(kind, encoding == "cp932", draw(st.sampled_from((0, 0, 3, 10, 30))))
    columns = draw(column_layouts())
    count = 0 if draw(st.integers(0, 29)) == 0 else draw(st.integers(1, 12))
    start = draw(st.integers(0, 99_000))
    rows = [draw(data_rows(columns, style, start + n)) for n in range(count)]
    rows = draw(with_duplicate_ids(rows, columns)) if style.noise else rows
    lines = [*draw(st.lists(st.sampled_from(TITLES).map(Title), max_size=2)),
             *draw(st.lists(blank_lines(style, len(columns)), max_size=2)), "header"]  # fmt: skip
    for row in rows:
        lines += draw(st.lists(blank_lines(style, len(columns)), max_size=1)) if draw(st.integers(0, 5)) == 0 else []
        lines.append(row)
    cohort = MessyCohort(kind, columns, tuple(lines), encoding=encoding)
    if kind != "csv":
        return draw(xlsx_layout(cohort))
    cohort = replace(cohort, delimiter=draw(st.sampled_from((",", ",", ";", "\t"))),
                     newline=draw(st.sampled_from(("\r\n", "\n"))), quote_all=draw(st.booleans()),
                     trim_trailing=draw(st.integers(0, 3)) == 0)  # fmt: skip
    if draw(st.integers(0, 3)) == 0:
        cohort = draw(grouped_classes(cohort))
    return draw(with_stray_quote(cohort)) if draw(st.integers(0, 5)) == 0 else cohort


@st.composite
def grouped_classes(draw, cohort: MessyCohort) -> MessyCohort:
    """The class written only on the first row of each group, as merged cells saved to CSV leave it."""
    index = cohort.index("class")
    if index is None:
        return cohort
    lines, first_row = list(cohort.lines), True
    for position, line in enumerate(lines):
        if not isinstance(line, Row):
            continue
        if first_row or draw(st.integers(0, 2)) == 0:  # a new group starts here
            klass = draw(st.sampled_from(("1組", "2組", "3組", "Class A", "Class B")))
            cells = tuple(klass if i == index else cell for i, cell in enumerate(line.cells))
            lines[position], first_row = replace(line, cells=cells), False
        else:
            lines[position] = _without_class(line, index)
    return replace(cohort, lines=tuple(lines))


@st.composite
def with_stray_quote(draw, cohort: MessyCohort) -> MessyCohort:
    """One row whose first cell opens a quote that never closes (in a file with no other quote,
    so nothing can pair with it)."""
    rows = [i for i, line in enumerate(cohort.lines) if isinstance(line, Row)]
    texts = [
        cell_text(cell) for line in cohort.lines if isinstance(line, Row) for cell in line.cells if cell is not None
    ]
    titles = [line.text for line in cohort.lines if isinstance(line, Title)]
    headers = [column.header for column in cohort.columns]
    quoted = ('"', "\r", "\n", cohort.delimiter)  # what makes a writer quote a cell
    if not rows or cohort.quote_all or any(c in text for text in [*texts, *titles, *headers] for c in quoted):
        return cohort
    position = draw(st.sampled_from(rows))
    lines = list(cohort.lines)
    lines[position] = replace(lines[position], stray_quote=True)
    return replace(cohort, lines=tuple(lines))


@st.composite
def blank_lines(draw, style: Style, width: int) -> Blank:
    """A row that looks empty: no cells at all (CSV), or only spaces and tabs."""
    if style.kind == "csv" and draw(st.booleans()):
        return Blank(None)
    return Blank(tuple(draw(st.none() | st.sampled_from(style.pool(BLANK_CELLS))) for _ in range(width)))


@st.composite
def with_duplicate_ids(draw, rows: list[Row], columns: tuple[Column, ...]) -> list[Row]:
    """Copy some ids onto later rows, sometimes typed in full width (still the same id)."""
    index = next((i for i, column in enumerate(columns) if column.key == "candidate_id"), None)
    if index is None or len(rows) < 2:
        return rows
    for _ in range(draw(st.integers(0, 2))):
        source, target = sorted(draw(st.lists(st.integers(0, len(rows) - 1), min_size=2, max_size=2, unique=True)))
        copied = clean(rows[source].cells[index])
        if copied is not None:
            copied = full_width(copied) if draw(st.booleans()) else copied
            cells = list(rows[target].cells)
            cells[index] = copied
            rows[target] = replace(rows[target], cells=tuple(cells))
    return rows


@st.composite
def xlsx_layout(draw, cohort: MessyCohort) -> MessyCohort:
    """Where the table sits on the sheet, and which class cells are merged down."""
    cohort = replace(cohort, first_row=draw(st.integers(1, 3)), first_column=draw(st.integers(1, 3)))
    class_index = cohort.index("class")
    if class_index is None:
        return cohort
    lines, merges, position = list(cohort.lines), [], cohort.lines.index("header") + 1
    while position < len(lines) - 1:
        span = draw(st.integers(1, 4))
        top, last = position, min(position + span - 1, len(lines) - 1)
        if span > 1 and isinstance(lines[top], Row) and lines[top].cells[class_index] is not None:
            merges.append((top, last))
            lines[top + 1 : last + 1] = [_without_class(line, class_index) for line in lines[top + 1 : last + 1]]
        position = last + 1
    return replace(cohort, lines=tuple(lines), class_merges=tuple(merges))


def _without_class(line, class_index: int):
    """A line under a merged class cell: its own class cell is part of the merge, so empty."""
    if isinstance(line, Row):
        return replace(line, cells=tuple(None if i == class_index else c for i, c in enumerate(line.cells)))
    if isinstance(line, Blank) and line.cells is not None:
        return Blank(tuple(None if i == class_index else c for i, c in enumerate(line.cells)))
    return line


# ---------------------------------------------------------------- writing the files


def write_cohort(cohort: MessyCohort, folder: Path) -> tuple[Path, str | None]:
    """Write the file; returns its path and, for a CSV, the encoding it was written in."""
    if cohort.kind == "xlsx":
        return write_messy_xlsx(cohort, folder / "cohort.xlsx"), None
    if cohort.kind in WORKBOOKS:
        return write_other_workbook(cohort, folder / f"cohort.{cohort.kind}"), None
    return write_messy_csv(cohort, folder / "cohort.csv")


def write_other_workbook(cohort: MessyCohort, path: Path) -> Path:
    """An .ods, .xls or .xlsb of the cohort, through the reading corpus's writers (tests/corpus.py)."""
    rows: list[list[object]] = [[] for _ in range(cohort.source_row(len(cohort.lines) - 1))]
    shown: dict[tuple[int, int], str] = {}
    for index, line in enumerate(cohort.lines):
        r = cohort.source_row(index) - 1
        values = [line.text] if isinstance(line, Title) else [None] * (cohort.first_column - 1)
        if not isinstance(line, Title):
            values += list(_line_cells(cohort, line))
        rows[r] = [_corpus_cell(value, cohort.kind, shown, (r, col)) for col, value in enumerate(values)]
    col = cohort.first_column - 1 + (cohort.index("class") or 0)
    spans = [(cohort.source_row(top) - 1, cohort.source_row(last) - 1) for top, last in cohort.class_merges]
    if cohort.kind == "ods":
        return corpus.write_ods(
            path, rows, shown=shown, merges=tuple((top, col, last - top + 1) for top, last in spans)
        )
    if cohort.kind == "xls":
        return corpus.write_xls(path, rows, merges=tuple((top, last, col, col) for top, last in spans))
    return corpus.write_xlsb(path, rows, merges=tuple((top + 1, col + 1, last + 1, col + 1) for top, last in spans))


def _corpus_cell(value: object, kind: str, shown: dict[tuple[int, int], str], place: tuple[int, int]) -> object:
    """A generated value as the corpus writers take it (and the text an .ods shows for it)."""
    if value is None or value == "":
        return None
    if isinstance(value, LongName):
        return str(value)
    if isinstance(value, Padded):
        shown[place] = str(value)
        return corpus.num(value.number, "00000")
    if isinstance(value, Uncalculated):
        return corpus.formula(value.expression)
    if isinstance(value, bool):
        return corpus.Cell("b", value)
    if isinstance(value, dt.date):
        if kind == "ods":
            shown[place] = f"{value.year}/{value.month}/{value.day}"
            return corpus.date(value.isoformat())
        return corpus.num((value - dt.date(1899, 12, 30)).days, "yyyy/m/d")
    return value


def write_messy_xlsx(cohort: MessyCohort, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Scores"
    for index, line in enumerate(cohort.lines):
        row = cohort.source_row(index)
        if isinstance(line, Title):
            _put(sheet, row, 1, line.text)
            sheet.merge_cells(start_row=row, end_row=row, start_column=1, end_column=len(cohort.columns))
        for offset, value in enumerate(_line_cells(cohort, line)):
            _put(sheet, row, cohort.first_column + offset, value)
    column = cohort.first_column + (cohort.index("class") or 0)
    for top, last in cohort.class_merges:
        sheet.merge_cells(start_row=cohort.source_row(top), end_row=cohort.source_row(last),
                          start_column=column, end_column=column)  # fmt: skip
    book.create_sheet("Notes")["A1"] = "Only the first sheet is read"
    book.save(path)
    return path


def _line_cells(cohort: MessyCohort, line) -> tuple:
    if line == "header":
        return tuple(column.header for column in cohort.columns)
    if isinstance(line, Title):
        return ()
    return line.cells or ()


def _put(sheet, row: int, column: int, value: object) -> None:
    if value is None or value == "":
        return
    if isinstance(value, LongName):
        value = str(value)
    if isinstance(value, Padded):
        sheet.cell(row=row, column=column, value=value.number).number_format = "00000"
        return
    if isinstance(value, Uncalculated):  # openpyxl writes the formula and no value
        sheet.cell(row=row, column=column, value="=" + value.expression)
        return
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula, as typed; '#VALUE!' stays an error cell


def write_messy_csv(cohort: MessyCohort, path: Path) -> tuple[Path, str]:
    lines = [_csv_line(cohort, line) for line in cohort.lines]
    text = "".join(line + cohort.newline for line in lines)
    encoding = cohort.encoding if _encodes_unambiguously(text, cohort.encoding) else "utf-8-sig"
    path.write_bytes(text.encode(encoding))
    return path, encoding


def _csv_line(cohort: MessyCohort, line) -> str:
    if isinstance(line, Title):
        fields = [line.text, *[""] * (len(cohort.columns) - 1)]
    elif isinstance(line, Blank) and line.cells is None:
        return ""
    else:
        fields = ["" if cell is None else cell_text(cell) for cell in _line_cells(cohort, line)]
    if cohort.trim_trailing and line != "header":
        while fields and fields[-1] == "":
            fields.pop()
    written = [_csv_field(text, cohort) for text in fields]
    if isinstance(line, Row) and line.stray_quote:
        written[0] = '"' + written[0]  # a quote that opens and never closes
    return cohort.delimiter.join(written)


def _csv_field(text: str, cohort: MessyCohort) -> str:
    special = cohort.delimiter in text or any(c in text for c in '"\r\n')
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if special or (cohort.quote_all and text) else text


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _encodes_unambiguously(text: str, encoding: str) -> bool:
    """Whether the text encodes, and (for cp932) cannot be mistaken for UTF-8 by the reader."""
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return False
    if encoding != "cp932" or text.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


# ---------------------------------------------------------------- what the run should write


@dataclass(frozen=True)
class Expected:
    """One non-empty input row and what results.csv must say about it."""

    source_row: int
    row: Row
    problems: frozenset[str]
    class_text: str | None


def expected_rows(cohort: MessyCohort) -> list[Expected]:
    """The non-empty rows in input order, with faults including empty and duplicated ids."""
    first, last = table_columns(cohort)
    present = [(i, line) for i, line in enumerate(cohort.lines) if isinstance(line, Row)]
    present = [(i, row) for i, row in present if not all(is_blank(cell) for cell in row.cells[first : last + 1])]
    ids = Counter(read_id(cohort, row) for _, row in present)
    classes = [as_written(cohort.cell(_merge_top(cohort, index), "class")) for index, _ in present]
    if cohort.index("class") is not None and grouped(classes):
        classes = list(itertools.accumulate(classes, lambda above, here: here if here is not None else above))
    expected = []
    for (index, row), class_text in zip(present, classes, strict=True):
        candidate = read_id(cohort, row)
        id_fault = {"candidate_id"} if candidate is None or ids[candidate] > 1 else set()
        id_fault |= {"(the whole row)"} if row.stray_quote else set()
        expected.append(Expected(cohort.source_row(index), row, row.problems | id_fault, class_text))
    return expected


def read_id(cohort: MessyCohort, row: Row) -> str | None:
    """The id as read: a stray quote opening the line's first cell is part of that cell."""
    written = cohort.cell(row, "candidate_id")
    if row.stray_quote and cohort.index("candidate_id") == 0:
        return clean('"' + ("" if written is None else cell_text(written)))
    return clean(written)


def check_notes(cohort: MessyCohort, rows: list[Expected], output: str) -> None:
    """The notes the terminal prints: a class filled down, '?' in a Shift_JIS file."""
    filled = "rows took the class above them" in output
    classes = [as_written(cohort.cell(_merge_top(cohort, row.source_row - cohort.first_row), "class")) for row in rows]
    assert filled == (cohort.index("class") is not None and grouped(classes)), output
    texts = [as_written(cohort.cell(row.row, key)) or "" for row in rows for key in ("name", "class")]
    damage = "(encoding cp932" in output and any("?" in text for text in texts)
    assert ("in a Shift_JIS (cp932) file that is usually a character" in output) == damage, output


def table_columns(cohort: MessyCohort) -> tuple[int, int]:
    """The first and last column of the table: a CSV's every column; a workbook's from the first
    to the last header cell that holds something (cells beyond are not the table's)."""
    if cohort.kind == "csv":
        return 0, len(cohort.columns) - 1
    written = [i for i, column in enumerate(cohort.columns) if column.header.strip(WHITE_SPACE)]
    return written[0], written[-1]


def grouped(classes: list[str | None]) -> bool:
    """A class column written only on the first row of each group (README: --fill-class): the first
    row has a class, two or more rows have none and outnumber those that do, and no class is
    written on two rows running."""
    written = [text for text in classes if text is not None]
    blanks = len(classes) - len(written)
    if len(classes) < 3 or classes[0] is None or blanks < 2 or blanks < len(written):
        return False
    return all(above != below for above, below in itertools.pairwise(written))


def _merge_top(cohort: MessyCohort, index: int) -> Row:
    top = next((top for top, last in cohort.class_merges if top <= index <= last), index)
    return cohort.lines[top]


def expected_exit_code(cohort: MessyCohort, rows: list[Expected]) -> int:
    if any(cohort.index(key) is None for key in REQUIRED) or not rows:
        return 1
    return 3 if any(row.problems for row in rows) else 0


def reference(cohort: MessyCohort, expected: Expected) -> dict[str, str]:
    """The plain per-row judgement of what the generator wrote, as results.csv text."""
    row = expected.row
    correct, questions = row.counts or (None, None)
    judged = judge_row({"level": row.level, **row.scores, "vocabulary_correct": correct,
                        "vocabulary_questions": questions, "grammar_band": row.grammar_band}, RULES)  # fmt: skip
    scores = {key: row.scores.get(key) for key in SECTION_KEYS}
    return {key: _csv_text(value) for key, value in {**judged, **scores, "level": row.level}.items()}


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


# ---------------------------------------------------------------- running and checking


@dataclass(frozen=True)
class Checked:
    """What one checked file was, for the soak run's tally."""

    kind: str
    encoding: str | None
    exit_code: int
    results: Counter  # result -> rows
    error: str = ""  # the one-line error of an unreadable file


def run_command(path: Path, out: Path, *options: str):
    """The real command, from a folder of its own so that no settings file is picked up."""
    runner = CliRunner()
    with contextlib.chdir(path.parent):
        try:
            return runner.invoke(main, ["run", str(path), "--out", str(out), *RUN_OPTIONS, *options])
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as crash:  # a panic inside polars is a BaseException and escapes click
            raise AssertionError(f"the command crashed: {type(crash).__name__}: {crash}") from crash


def check_messy_cohort(cohort: MessyCohort, folder: Path) -> Checked:
    """Write the file, run the command on it, and check everything it wrote against the file."""
    path, encoding = write_cohort(cohort, folder)
    out = folder / "out"
    result = run_command(path, out)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    rows = expected_rows(cohort)
    assert result.exit_code == expected_exit_code(cohort, rows), result.output
    if result.exit_code == 1:
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
        assert not out.exists()
        return Checked(cohort.kind, encoding, 1, Counter(), result.output.strip())
    written = read_results(out / "results.csv")
    check_rows(cohort, rows, written)
    check_notes(cohort, rows, result.output)
    assert (result.exit_code == 3) == any(line["result"] == REJECTED for line in written)
    return Checked(cohort.kind, encoding, result.exit_code, Counter(line["result"] for line in written))


def read_results(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        assert tuple(header[: len(COLUMN_KEYS)]) == COLUMN_KEYS
        return [dict(zip(header, line, strict=True)) for line in reader]


def check_rows(cohort: MessyCohort, rows: list[Expected], written: list[dict[str, str]]) -> None:
    assert [int(line["source_row"]) for line in written] == [row.source_row for row in rows]
    for expected, line in zip(rows, written, strict=True):
        if expected.row.stray_quote:
            assert line["result"] == REJECTED and 'of the file has a quote (") that does not pair up' in line["error"]
            continue
        check_identity(cohort, expected, line)
        if expected.problems:
            check_rejected(cohort, expected, line)
        else:
            check_judged(cohort, expected, line)


def check_identity(cohort: MessyCohort, expected: Expected, line: dict[str, str]) -> None:
    """Id, name and class come through whole (merged class cells filled down); a name longer
    than a cell may be is kept as its first hundred characters and its length."""
    row = expected.row
    assert line["candidate_id"] == defused(read_id(cohort, row)), line["source_row"]
    name = as_written(cohort.cell(row, "name"))
    if too_long(name):
        shown = line["name"]
        assert shown.startswith(defused(name)[:100]) and shown.endswith(" characters)"), line["source_row"]
    else:
        assert line["name"] == defused(name), line["source_row"]
    assert line["class"] == defused(expected.class_text), line["source_row"]


def check_judged(cohort: MessyCohort, expected: Expected, line: dict[str, str]) -> None:
    assert line["result"] in (PASS, FAIL), f"row {expected.source_row}: {line['error']}"
    want = reference(cohort, expected)
    got = {key: line[key] for key in want}
    assert got == want, f"row {expected.source_row}"
    assert line["region"] == _csv_text(expected.row.region)
    assert line["error"] == ""


def check_rejected(cohort: MessyCohort, expected: Expected, line: dict[str, str]) -> None:
    """Each reason starts with the row's number, and every column at fault is named."""
    assert line["result"] == REJECTED, f"row {expected.source_row} should be rejected for {set(expected.problems)}"
    assert line["level"] == (expected.row.level or defused(clean(cohort.cell(expected.row, "level"))))
    reasons = re.split(r"; (?=row \d+: )", line["error"])
    labels = {column.key: column.label for column in cohort.columns if column.key}
    sections = {key: english().text(f"sections.{key}") for key in SECTION_KEYS}  # a column the file lacks
    for reason in reasons:
        assert reason.startswith(f"row {expected.source_row}: "), reason
        assert any(label in reason for label in [*labels.values(), *sections.values()]), reason
    for key in expected.problems:
        assert (labels.get(key) or sections[key]) in line["error"], f"{key} not named in {line['error']!r}"


def check_in_temporary_folder(cohort: MessyCohort) -> Checked:
    with tempfile.TemporaryDirectory(prefix="messy-") as folder:
        return check_messy_cohort(cohort, Path(folder))


# ---------------------------------------------------------------- the tests

MESSY = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip


@MESSY
@given(messy_cohorts("xlsx"))
def test_messy_workbooks_lose_no_row_and_judge_as_the_rule_book(cohort):
    check_in_temporary_folder(cohort)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(("ods", "xls", "xlsb")).flatmap(messy_cohorts))
def test_messy_ods_xls_and_xlsb_workbooks_read_the_same_way(cohort):
    check_in_temporary_folder(cohort)


@MESSY
@given(messy_cohorts("csv"))
def test_messy_csv_files_lose_no_row_and_judge_as_the_rule_book(cohort):
    check_in_temporary_folder(cohort)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(HEADER_ALIASES)).flatmap(lambda key: st.tuples(st.just(key), header_text(key))))
def test_every_restyled_alias_is_recognised(key_and_header):
    key, header = key_and_header
    assert canonical_column(header) == key


def test_unknown_headers_are_not_aliases():
    assert [text for text in UNKNOWN_HEADERS if canonical_column(text) is not None] == []


# ---------------------------------------------------------------- examples the generator found


def run_on_csv(folder: Path, lines: list[str]) -> tuple[int, dict[int, dict[str, str]]]:
    """Run the command on a small CSV; the exit code and results.csv by source row."""
    path = folder / "cohort.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = run_command(path, folder / "out")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    rows = read_results(folder / "out" / "results.csv") if result.exit_code in (0, 3) else []
    return result.exit_code, {int(row["source_row"]): row for row in rows}


def test_nan_or_huge_section_beside_a_total_column_is_rejected_not_a_crash(tmp_path):
    exit_code, rows = run_on_csv(tmp_path, ["ID,Level,Language Knowledge,Reading,Listening,Total",
                                            "1,N3,NaN,40,40,", "2,N3,1e30,40,40,", "3,N3,40,40,40,120"])  # fmt: skip
    assert exit_code == 3
    assert rows[2]["result"] == rows[3]["result"] == REJECTED
    assert rows[2]["error"].startswith("row 2: Language Knowledge 'NaN' is not a whole number")
    # 1e30 written as text is not a whole number written as one
    assert rows[3]["error"].startswith("row 3: Language Knowledge '1e30' is not a whole number")
    assert (rows[4]["result"], rows[4]["total"]) == (PASS, "120")


def test_duplicate_ids_after_an_empty_id_are_rejected_not_a_crash(tmp_path):
    lines = ["ID,Level,Language Knowledge,Reading,Listening", "8,N3,40,40,40", ",N3,40,40,40", "7,N3,40,40,40",
             "7,N3,40,40,40"]  # fmt: skip
    exit_code, rows = run_on_csv(tmp_path, lines)
    assert exit_code == 3
    assert [rows[n]["result"] for n in (2, 3, 4, 5)] == [PASS, REJECTED, REJECTED, REJECTED]
    assert "'7' is also on row(s) 5" in rows[4]["error"] and "'7' is also on row(s) 4" in rows[5]["error"]


def test_a_short_first_row_does_not_cut_the_columns_of_later_rows(tmp_path):
    # Some exporters drop the empty cells at the end of a line.
    exit_code, rows = run_on_csv(tmp_path, ["ID,Level,Language Knowledge,Reading,Listening", "1,N3", "2,N3,40,40,40"])
    assert exit_code == 0
    assert (rows[2]["result"], rows[2]["absent_sections"]) == (FAIL, "language_knowledge;reading;listening")
    assert (rows[3]["result"], rows[3]["listening"], rows[3]["total"]) == (PASS, "40", "120")


def test_a_short_first_row_does_not_cut_later_rows_of_a_title_csv(tmp_path):
    exit_code, rows = run_on_csv(tmp_path, ["Results", "", "ID,Level,Reading,Language Knowledge,Listening",
                                            "1,N3,,", "2,N3,40,40,40,extra"])  # fmt: skip
    assert exit_code == 0
    assert (rows[5]["result"], rows[5]["total"]) == (PASS, "120")


def test_a_quoted_header_below_a_title_with_commas_is_found(tmp_path):
    # Semicolon-separated, every cell quoted: the title's comma must not decide the separator.
    lines = ['"JLPT results, July 2026"', '"ID";"Level";"Reading";"Language Knowledge";"Listening"',
             '"1";"N3";"40";"40";"40"']  # fmt: skip
    exit_code, rows = run_on_csv(tmp_path, lines)
    assert exit_code == 0
    assert (rows[3]["candidate_id"], rows[3]["result"], rows[3]["total"]) == ("1", PASS, "120")


def test_an_error_cell_in_a_score_column_rejects_the_row(tmp_path):
    # Read as an empty cell, an error would mark the student absent: a silent wrong result.
    book = openpyxl.Workbook()
    book.active.append(["ID", "Level", "Language Knowledge", "Reading", "Listening"])
    book.active.append(["1", "N3", "#VALUE!", 40, 40])  # openpyxl stores '#VALUE!' as an error cell, as Excel does
    book.save(tmp_path / "cohort.xlsx")
    result = run_command(tmp_path / "cohort.xlsx", tmp_path / "out")
    row = read_results(tmp_path / "out" / "results.csv")[0]
    assert result.exit_code == 3 and row["result"] == REJECTED and "Language Knowledge" in row["error"]
