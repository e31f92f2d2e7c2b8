"""Regenerate the sample cohort: ``cohort.xlsx`` and ``cohort-cp932.csv``.

    python samples/make_samples.py [OUTPUT_FOLDER]

Writes next to this script unless a folder is given. The output is deterministic:
a fixed random seed, fixed workbook properties and fixed zip timestamps, so running
it again gives the same files. Edit this script, never the samples themselves.

Scores are drawn per level from the national July 2018 means and standard deviations
(all regions), with the sections correlated so that the total's spread matches the
national total's too; pass rates then land near the national certified rates.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import random
import sys
import tomllib
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent / "jlpt_batch"
RULES_TOML = PACKAGE / "rules.toml"
STATS_CSV = PACKAGE / "reference" / "jlpt-2018-07" / "section_stats.csv"

# Chosen among 200 seeds as the one whose small cohort lands nearest the national certified
# rates: the ordinary rows of every level pass within 2.1 points of it (the test allows 5).
SEED = 20260899
DOC_TIME = datetime(2026, 9, 1, 9, 0, 0)  # when a school would type in the score reports
SCHOOL = "Sakura Japanese Language School"
TITLE = f"{SCHOOL} — JLPT July 2026 results"
REGION = "domestic"  # a school in Japan
ABILITY_SHAPE = 2  # gamma shape of the shared ability; see draw_ability
XLSX_NAME, CSV_NAME = "cohort.xlsx", "cohort-cp932.csv"
FIRST_DATA_ROW = {"xlsx": 4, "csv": 2}  # xlsx: title, blank, header; csv: header only

# Class -> how many candidates sit which level (each class mostly one or two levels).
CLASS_PLAN = (
    ("1A", {"N5": 31, "N4": 10}),
    ("1B", {"N4": 39}),
    ("2A", {"N4": 11, "N3": 29}),
    ("2B", {"N3": 42}),
    ("3A", {"N3": 5, "N2": 33}),
    ("3B", {"N2": 17, "N1": 23}),
)

# Questions behind the A/B/C bands, fixed per level (plausible counts for the paper).
QUESTIONS = {
    "N1": {"vocabulary": 25, "grammar": 20},
    "N2": {"vocabulary": 32, "grammar": 22},
    "N3": {"vocabulary": 35, "grammar": 23},
    "N4": {"vocabulary": 33, "grammar": 25, "reading": 8},
    "N5": {"vocabulary": 33, "grammar": 25, "reading": 6},
}

# Share of each sheet language per level: upper classes lean Chinese and Korean,
# lower classes Vietnamese and South/South-East Asian students writing in English.
LANGUAGE_WEIGHTS = {
    "N1": {"zh": 45, "ko": 30, "ja": 10, "vi": 5, "en": 10},
    "N2": {"zh": 40, "ko": 20, "vi": 20, "en": 10, "ja": 10},
    "N3": {"zh": 30, "vi": 35, "ko": 10, "en": 20, "ja": 5},
    "N4": {"vi": 45, "en": 30, "zh": 15, "ko": 5, "ja": 5},
    "N5": {"vi": 40, "en": 40, "zh": 10, "ko": 5, "ja": 5},
}

# (column key, xlsx header, csv header). The csv uses the official Japanese names.
COLUMNS = (
    ("candidate_id", "Candidate No", "受験番号"),
    ("name", "Name", "氏名"),
    ("class", "Class", "クラス"),
    ("level", "Level", "レベル"),
    ("language_knowledge", "Language Knowledge", "言語知識（文字・語彙・文法）"),
    ("reading", "Reading", "読解"),
    ("language_knowledge_reading", "Language Knowledge・Reading", "言語知識（文字・語彙・文法）・読解"),
    ("listening", "Listening", "聴解"),
    ("total", "Total", None),  # the csv has no total column
    ("vocabulary_correct", "Vocabulary correct", "vocabulary_correct"),
    ("vocabulary_questions", "Vocabulary questions", "vocabulary_questions"),
    ("grammar_correct", "Grammar correct", "grammar_correct"),
    ("grammar_questions", "Grammar questions", "grammar_questions"),
    ("reading_correct", "Reading correct", "reading_correct"),
    ("reading_questions", "Reading questions", "reading_questions"),
    ("region", "Region", "region"),
    ("language", "Language", "language"),
)  # fmt: skip

CN_SURNAMES = (
    ("张", "Zhang"), ("王", "Wang"), ("李", "Li"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"), ("徐", "Xu"), ("孙", "Sun"),
    ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("林", "Lin"), ("罗", "Luo"),
    ("高", "Gao"), ("梁", "Liang"), ("郑", "Zheng"), ("谢", "Xie"), ("宋", "Song"), ("韩", "Han"),
)  # fmt: skip
CN_GIVEN = (
    ("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("静", "Jing"), ("磊", "Lei"), ("洋", "Yang"),
    ("晓明", "Xiaoming"), ("丽", "Li"), ("婷", "Ting"), ("浩", "Hao"), ("杰", "Jie"), ("雪", "Xue"),
    ("宇轩", "Yuxuan"), ("子涵", "Zihan"), ("欣怡", "Xinyi"), ("俊杰", "Junjie"), ("梓萱", "Zixuan"),
    ("浩然", "Haoran"), ("思远", "Siyuan"), ("佳怡", "Jiayi"), ("一鸣", "Yiming"), ("慧敏", "Huimin"),
)  # fmt: skip
KO_SURNAMES = (
    ("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi"), ("정", "Jung"), ("강", "Kang"),
    ("조", "Cho"), ("윤", "Yoon"), ("장", "Jang"), ("임", "Lim"), ("한", "Han"), ("오", "Oh"),
)  # fmt: skip
KO_GIVEN = (
    ("민준", "Minjun"), ("서연", "Seoyeon"), ("지호", "Jiho"), ("하은", "Haeun"), ("도윤", "Doyun"),
    ("수빈", "Subin"), ("예준", "Yejun"), ("지민", "Jimin"), ("현우", "Hyunwoo"), ("유진", "Yujin"),
    ("서준", "Seojun"), ("지우", "Jiwoo"), ("은서", "Eunseo"), ("태윤", "Taeyun"),
)  # fmt: skip
VI_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ")
# (middle names, given names) kept apart by gender, as Vietnamese names are.
VI_GIVEN = (
    (("Thị", "Ngọc", "Thanh"),
     ("Ánh", "Hương", "Lan", "Linh", "Trang", "Hà", "Nhung", "Thảo", "Yến", "Vy")),
    (("Văn", "Đức", "Minh", "Quang", "Hoài"),
     ("Hùng", "Dũng", "Tuấn", "Huy", "Nam", "Long", "Phúc", "Khoa", "Quân", "Đạt", "Sơn")),
)  # fmt: skip
# Vietnamese students registered under the katakana form of their name.
VI_KATAKANA = (
    "グエン・ティ・ラン", "チャン・ヴァン・フン", "レ・ミン・トゥアン", "ファム・ゴック・アイン",
    "ホアン・タイン・ロン", "ブイ・ティ・フォン", "ダン・クアン・フイ", "ヴー・ドゥック・ナム",
)  # fmt: skip
JA_SURNAMES = ("佐藤", "鈴木", "田中", "渡邊", "伊藤", "中村", "小林", "加藤", "吉田", "齋藤", "松本", "井上")
JA_GIVEN = ("陽菜", "大翔", "結衣", "蓮", "美咲", "悠真", "さくら", "葵", "颯太", "芽依", "エミリ", "ケン")
# Latin-script names, grouped so that first and family names come from the same place.
LATIN_GROUPS = (
    (("Aayush", "Sita", "Bikash", "Anjali", "Ramesh", "Priya", "Sujan"),  # Nepal
     ("Sharma", "Gurung", "Thapa", "Shrestha", "Rai")),
    (("Maria", "Angelo", "Kristine", "Mark", "Jasmine"),  # the Philippines
     ("Santos", "Reyes", "Cruz", "Dela Cruz", "Bautista")),
    (("Putri", "Agus", "Dewi", "Rizky", "Ayu"), ("Lestari", "Wijaya", "Pratama", "Saputra")),  # Indonesia
    (("Lucas", "Ana", "João", "Beatriz", "Thiago"),  # Brazil
     ("Oliveira", "Gonçalves", "Souza", "Nakamura Silva")),
    (("Dilshan", "Nimali", "Kasun", "Tharushi"), ("Perera", "Fernando", "Silva", "Jayasinghe")),  # Sri Lanka
    (("Emily", "James", "Olivia", "Noah", "Chloé"),  # Europe, North America
     ("Carter", "Brown", "Müller", "O'Neill", "Dubois")),
)  # fmt: skip
# Names the sample must contain, whatever the draw gives: the kanji that Shift_JIS
# lacks but cp932 has (髙, 﨑), a name in kana, and a Vietnamese name with its marks.
MUST_INCLUDE = {
    "ja": ("髙橋　美咲", "山﨑　健太", "さとう　ゆい"),
    "vi": ("Nguyễn Thị Ánh",),
}


@dataclass
class Candidate:
    """One row of the sample: clean values, plus how some of them are written."""

    candidate_id: str
    class_name: str
    level: str
    language: str
    scores: dict[str, int | None]  # section key -> scaled score; None = absent
    counts: dict[str, tuple[int, int]]  # band part -> (correct, questions)
    name: str = ""
    romanised: str = ""  # used in the cp932 csv when the name does not encode
    cells: dict[str, object] = field(default_factory=dict)  # written instead of the clean value
    note: str = ""  # why this row is special (listed in the README)


@dataclass(frozen=True)
class Context:
    """What the draw needs: the random source, the rules and the national figures."""

    rng: random.Random
    rules: dict
    stats: dict[tuple[str, str], tuple[float, float]]  # (level, section) -> (mean, sd)

    def sections(self, level: str) -> dict[str, dict]:
        return self.rules["levels"][level]["sections"]


def load_context(seed: int = SEED) -> Context:
    """The rules and the national July 2018 figures (all regions) from the package data."""
    rules = tomllib.loads(RULES_TOML.read_text(encoding="utf-8"))
    with STATS_CSV.open(encoding="utf-8", newline="") as handle:
        stats = {
            (row["level"], row["section"]): (float(row["mean"]), float(row["sd"]))
            for row in csv.DictReader(handle)
            if row["region"] == "all"
        }
    return Context(random.Random(seed), rules, stats)


# --- drawing the cohort -----------------------------------------------------------------


def section_correlation(ctx: Context, level: str) -> float:
    """The common correlation between sections that makes the total's SD the national one."""
    sds = [ctx.stats[(level, key)][1] for key in ctx.sections(level)]
    total_sd = ctx.stats[(level, "total")][1]
    cross = sum(a * b for i, a in enumerate(sds) for b in sds[i + 1 :])
    return (total_sd**2 - sum(sd**2 for sd in sds)) / (2 * cross)


def draw_ability(ctx: Context) -> float:
    """A standardised ability with a long upper tail (gamma, shape 2).

    National score distributions are skewed: with a normal ability the pass rates come
    out about 6 points above the certified rates; with this one, within about 2.
    """
    return (ctx.rng.gammavariate(ABILITY_SHAPE, 1) - ABILITY_SHAPE) / math.sqrt(ABILITY_SHAPE)


def draw_scores(ctx: Context, level: str) -> dict[str, int]:
    """Scaled scores: one shared ability plus a section's own noise, rounded and clipped."""
    share = math.sqrt(section_correlation(ctx, level))
    ability = draw_ability(ctx)
    scores = {}
    for key, limits in ctx.sections(level).items():
        mean, sd = ctx.stats[(level, key)]
        z = share * ability + math.sqrt(1 - share**2) * ctx.rng.gauss(0, 1)
        scores[key] = min(limits["max"], max(0, round(mean + sd * z)))
    return scores


def draw_counts(ctx: Context, level: str, scores: dict[str, int | None]) -> dict[str, tuple[int, int]]:
    """Raw correct answers per band part, at about the rate of the section that holds them."""
    source = "language_knowledge" if "language_knowledge" in scores else "language_knowledge_reading"
    if scores[source] is None:
        return {}  # absent from the paper: no answers to count
    rate = scores[source] / ctx.sections(level)[source]["max"]
    counts = {}
    for part, questions in QUESTIONS[level].items():
        own_rate = min(1.0, max(0.0, rate + ctx.rng.gauss(0, 0.08)))
        counts[part] = (round(own_rate * questions), questions)
    return counts


def draw_language(ctx: Context, level: str) -> str:
    weights = LANGUAGE_WEIGHTS[level]
    return ctx.rng.choices(list(weights), weights=list(weights.values()))[0]


def draw_cohort(ctx: Context) -> list[Candidate]:
    """Every candidate, sorted by class and then candidate number, names not yet given."""
    size = sum(sum(levels.values()) for _, levels in CLASS_PLAN)
    numbers = iter(ctx.rng.sample(range(101, 1000), size))
    cohort = []
    for class_name, levels in CLASS_PLAN:
        block = [
            draw_candidate(ctx, f"{next(numbers):05d}", class_name, level)
            for level, count in levels.items()
            for _ in range(count)
        ]
        cohort += sorted(block, key=lambda c: c.candidate_id)
    return cohort


def draw_candidate(ctx: Context, candidate_id: str, class_name: str, level: str) -> Candidate:
    scores = draw_scores(ctx, level)
    language = draw_language(ctx, level)
    return Candidate(candidate_id, class_name, level, language, scores, draw_counts(ctx, level, scores))


# --- names ------------------------------------------------------------------------------


def strip_marks(text: str) -> str:
    """Latin letters without diacritics: Nguyễn -> Nguyen, Gonçalves -> Goncalves."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def draw_name(ctx: Context, language: str) -> tuple[str, str]:
    """(name as written in the school's register, romanised form) for one language."""
    pick = ctx.rng.choice
    if language == "zh":
        (family, family_latin), (given, given_latin) = pick(CN_SURNAMES), pick(CN_GIVEN)
        return family + given, f"{family_latin} {given_latin}"
    if language == "ko":
        (family, family_latin), (given, given_latin) = pick(KO_SURNAMES), pick(KO_GIVEN)
        return family + given, f"{family_latin} {given_latin}"
    if language == "vi" and ctx.rng.random() < 0.12:
        return pick(VI_KATAKANA), ""
    if language == "vi":
        middles, givens = pick(VI_GIVEN)
        name = f"{pick(VI_SURNAMES)} {pick(middles)} {pick(givens)}"
        return name, strip_marks(name)
    if language == "ja":
        return f"{pick(JA_SURNAMES)}\u3000{pick(JA_GIVEN)}", ""
    firsts, families = pick(LATIN_GROUPS)
    name = f"{pick(firsts)} {pick(families)}"
    return name, strip_marks(name)


def give_names(ctx: Context, cohort: list[Candidate]) -> None:
    """Unique names per language, the must-include ones among them, in a shuffled order."""
    for language in sorted({c.language for c in cohort}):
        group = [c for c in cohort if c.language == language]
        names = [(name, strip_marks(name)) for name in MUST_INCLUDE.get(language, ())]
        while len(names) < len(group):
            drawn = draw_name(ctx, language)
            if drawn[0] not in {name for name, _ in names}:
                names.append(drawn)
        ctx.rng.shuffle(names)
        for candidate, (name, romanised) in zip(group, names, strict=True):
            candidate.name, candidate.romanised = name, romanised


def csv_name(candidate: Candidate) -> str:
    """The name for the cp932 file: as registered if cp932 can hold it, else romanised."""
    try:
        candidate.name.encode("cp932")
    except UnicodeEncodeError:
        return candidate.romanised
    return candidate.name


# --- the deliberate rows ------------------------------------------------------------------


def pick(cohort: list[Candidate], class_name: str, level: str, nth: int) -> Candidate:
    """The nth ordinary candidate of a level in a class (each row is made special once)."""
    matches = [c for c in cohort if c.class_name == class_name and c.level == level and not c.note]
    return matches[nth]


def set_scores(ctx: Context, candidate: Candidate, note: str, **scores: int | None) -> None:
    """Give a candidate chosen scores (and answer counts that fit them)."""
    candidate.scores = dict(scores)
    candidate.counts = draw_counts(ctx, candidate.level, candidate.scores)
    candidate.note = note


def add_absentees(ctx: Context, cohort: list[Candidate]) -> None:
    """Absent from one or more sections, marked the ways schools mark it."""
    row = pick(cohort, "2B", "N3", 6)
    set_scores(ctx, row, "absent: listening left blank", language_knowledge=34, reading=29, listening=None)
    row = pick(cohort, "3B", "N1", 4)
    set_scores(ctx, row, "absent: every section 欠席", language_knowledge=None, reading=None, listening=None)
    row.cells |= {"language_knowledge": "欠席", "reading": "欠席", "listening": "欠席"}
    row = pick(cohort, "1A", "N5", 9)
    set_scores(ctx, row, "absent: both sections *", language_knowledge_reading=None, listening=None)
    row.cells |= {"language_knowledge_reading": "*", "listening": "*"}
    row = pick(cohort, "3A", "N2", 12)
    set_scores(ctx, row, "absent: reading 欠席", language_knowledge=31, reading=None, listening=35)
    row.cells["reading"] = "欠席"


def add_boundaries(ctx: Context, cohort: list[Candidate]) -> None:
    """Candidates on the edges of the rules: the floor trap, the pass mark and one short."""
    row = pick(cohort, "2A", "N3", 3)
    set_scores(ctx, row, "total 103 over the pass mark 95, listening 17 under the floor 19",
               language_knowledge=45, reading=41, listening=17)  # fmt: skip
    row = pick(cohort, "3A", "N2", 20)
    set_scores(ctx, row, "total exactly the pass mark 90", language_knowledge=30, reading=28, listening=32)
    row = pick(cohort, "1B", "N4", 15)
    set_scores(ctx, row, "total 89, one short of the pass mark 90", language_knowledge_reading=60, listening=29)
    row = pick(cohort, "1A", "N5", 20)
    set_scores(ctx, row, "exactly the floor 38 and exactly the pass mark 80",
               language_knowledge_reading=38, listening=42)  # fmt: skip


def add_bad_rows(cohort: list[Candidate]) -> None:
    """Rows a reader must reject, each for one reason (the duplicate pair for one together)."""
    first, second = pick(cohort, "2A", "N3", 10), pick(cohort, "2B", "N3", 25)
    second.candidate_id = first.candidate_id  # a number copied from another class's row
    first.note = second.note = f"duplicate candidate number {first.candidate_id}"
    row = pick(cohort, "1A", "N5", 14)
    row.cells["level"], row.note = "N6", "unknown level N6"
    row = pick(cohort, "3B", "N2", 7)
    row.cells |= {"listening": "4O", "total": None}  # letter O typed for a zero; no total possible
    row.note = "non-numeric listening score 4O"
    row = pick(cohort, "2A", "N3", 18)
    row.cells["listening"], row.note = 61, "listening 61 is above the maximum 60"
    row.cells["total"] = sum(v for k, v in row.scores.items() if k != "listening") + 61
    row = pick(cohort, "2A", "N4", 5)
    row.cells["reading"], row.note = 25, "a reading score on an N4 row (N4 has no reading section)"
    row = pick(cohort, "3B", "N1", 11)
    row.cells["total"] = sum(row.scores.values()) + 10
    row.note = "total 10 more than the sum of the sections (xlsx only: the csv has no total)"


def add_format_variants(cohort: list[Candidate]) -> None:
    """Ordinary rows written the untidy ways real sheets are: all must be read normally."""
    variants = (
        ("2B", "N3", 2, "language_knowledge", "fullwidth"),
        ("1B", "N4", 4, "language_knowledge_reading", "fullwidth"),
        ("3A", "N2", 3, "listening", "float"),
        ("1A", "N4", 2, "listening", "float text"),
    )
    for class_name, level, nth, key, style in variants:
        row = pick(cohort, class_name, level, nth)
        row.cells[key] = UNTIDY[style](row.scores[key])
        row.note = f"{key} written as {row.cells[key]!r} ({style})"
    for class_name, level, nth, written in (("3B", "N1", 2, " N1 "), ("3A", "N2", 6, "n2"),
                                            ("2B", "N3", 9, "Ｎ３"), ("1B", "N4", 8, "ｎ４")):  # fmt: skip
        row = pick(cohort, class_name, level, nth)
        row.cells["level"], row.note = written, f"level written as {written!r}"
    row = pick(cohort, "1A", "N5", 3)
    row.cells["name"], row.note = f"  {row.name} ", "name with spaces around it"


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# Ways a whole number turns up in a sheet: typed with a Japanese input method, kept as a
# float by the system it was exported from (shown as 30.0), pasted in as text "19.0".
UNTIDY = {
    "fullwidth": lambda value: str(value).translate(FULLWIDTH),
    "float": float,
    "float text": lambda value: f"{value}.0",
}


def build_cohort(seed: int = SEED) -> list[Candidate]:
    """The whole sample cohort, deliberate rows included, in sheet order."""
    ctx = load_context(seed)
    cohort = draw_cohort(ctx)
    give_names(ctx, cohort)
    add_absentees(ctx, cohort)
    add_boundaries(ctx, cohort)
    add_bad_rows(cohort)
    add_format_variants(cohort)
    return cohort


# --- writing ----------------------------------------------------------------------------


def cell_value(candidate: Candidate, key: str) -> object:
    """What the sheet holds in one column for one candidate (None = empty cell)."""
    if key in candidate.cells:
        return candidate.cells[key]
    plain = {"candidate_id": candidate.candidate_id, "name": candidate.name, "class": candidate.class_name,
             "level": candidate.level, "region": REGION, "language": candidate.language}  # fmt: skip
    if key in plain:
        return plain[key]
    if key == "total":
        scores = candidate.scores.values()
        return None if None in scores else sum(scores)
    part, _, kind = key.rpartition("_")
    if kind in ("correct", "questions"):
        correct, questions = candidate.counts.get(part, (None, None))
        return correct if kind == "correct" else questions
    return candidate.scores.get(key)


def write_xlsx(cohort: list[Candidate], path: Path) -> None:
    """The workbook a school keeps: title, blank row, header, class cells merged per block."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Results"
    ws.append([TITLE])
    ws.append([])
    ws.append([header for _, header, _ in COLUMNS])
    for candidate in cohort:
        ws.append([cell_value(candidate, key) for key, _, _ in COLUMNS])
    style_sheet(ws, len(cohort))
    merge_class_blocks(ws, cohort)
    wb.properties.creator = wb.properties.lastModifiedBy = SCHOOL
    wb.properties.title = TITLE
    save_fixed(wb, path)


def style_sheet(ws, rows: int) -> None:
    """Bold title and header, text-formatted candidate numbers, readable widths."""
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    first = FIRST_DATA_ROW["xlsx"]
    for row in ws.iter_rows(min_row=first, max_row=first + rows - 1):
        row[0].number_format = "@"  # Excel's Text format, so 00123 keeps its zeros
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.0"  # a float shows as 30.0, as the exporting system wrote it
    for letter, width in zip("ABCDEFGHIJKLMNOPQ", (12, 24, 7, 7, 11, 9, 13, 10, 7) + (11,) * 8, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"C{first}"


def merge_class_blocks(ws, cohort: list[Candidate]) -> None:
    """One vertically merged Class cell per class, as schools lay out their lists."""
    column = 1 + [key for key, _, _ in COLUMNS].index("class")
    start = FIRST_DATA_ROW["xlsx"]
    for class_name, _ in CLASS_PLAN:
        size = sum(1 for c in cohort if c.class_name == class_name)
        end = start + size - 1
        ws.merge_cells(start_row=start, end_row=end, start_column=column, end_column=column)
        ws.cell(start, column).alignment = Alignment(horizontal="center", vertical="center")
        start = end + 1


def save_fixed(wb: Workbook, path: Path) -> None:
    """Save with fixed document dates and zip timestamps, so a rerun changes nothing."""
    wb.properties.created = wb.properties.modified = DOC_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # unlike wb.save, this keeps our 'modified'
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            fixed = zipfile.ZipInfo(item.filename, date_time=DOC_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(item.filename))


def csv_text(value: object) -> str:
    return "" if value is None else str(value)


def write_csv(cohort: list[Candidate], path: Path) -> None:
    """The same cohort as Japanese Excel saves a CSV: cp932, CRLF, Japanese headers, no total."""
    columns = [(key, header) for key, _, header in COLUMNS if header]
    with path.open("w", encoding="cp932", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([header for _, header in columns])
        for candidate in cohort:
            values = {key: cell_value(candidate, key) for key, _ in columns}
            values["name"] = values["name"].replace(candidate.name, csv_name(candidate))
            writer.writerow([csv_text(values[key]) for key, _ in columns])


def special_rows(cohort: list[Candidate]) -> list[tuple[int, int, str, str]]:
    """(xlsx row, csv row, candidate number, why) for every deliberate row, in sheet order."""
    return [
        (index + FIRST_DATA_ROW["xlsx"], index + FIRST_DATA_ROW["csv"], c.candidate_id, c.note)
        for index, c in enumerate(cohort)
        if c.note
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the sample cohort files.")
    parser.add_argument("out", nargs="?", type=Path, default=HERE, help="folder to write into")
    parser.add_argument("--list", action="store_true", help="also print the deliberate rows")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    cohort = build_cohort()
    write_xlsx(cohort, args.out / XLSX_NAME)
    write_csv(cohort, args.out / CSV_NAME)
    print(f"wrote {len(cohort)} candidates to {args.out / XLSX_NAME} and {args.out / CSV_NAME}")
    if args.list:
        for xlsx_row, csv_row, candidate_id, why in special_rows(cohort):
            print(f"| {xlsx_row} | {csv_row} | {candidate_id} | {why} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
