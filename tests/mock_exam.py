"""A generated mock exam for the marking tests, and a plain per-student, per-question reference.

The reference is written here from the issue's definitions, one student and one question at
a time in plain Python, independently of jlpt_batch.marking: the tests compare the
vectorised marking, judging and item analysis against it.
"""

from __future__ import annotations

import csv
import math
import random
import statistics
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import openpyxl

from jlpt_batch.judging.plain_judge import judge_row

# level -> [(section, part, questions, points each)]
PAPER = {
    "N3": [
        ("language_knowledge", "vocabulary", 12, 1),
        ("language_knowledge", "grammar", 8, 1),
        ("reading", "reading", 6, 2),
        ("listening", "listening", 10, 1),
    ],
    "N4": [
        ("language_knowledge_reading", "vocabulary", 10, 1),
        ("language_knowledge_reading", "grammar", 8, 1),
        ("language_knowledge_reading", "reading", 4, 3),
        ("listening", "listening", 9, 1),
    ],
}
MAXIMUM = {"language_knowledge": 60, "reading": 60, "language_knowledge_reading": 120, "listening": 60}
MIS_KEYED = ("N3", "Q5")  # the key says 2; the paper's right answer is 3
EVERYONE_RIGHT = ("N4", "Q1")
N3_LISTENING_TABLE = [(0, 0), (2, 10), (4, 19), (5, 25), (7, 40), (9, 55), (10, 60)]
LETTERS = "ABCD"
SEPARATORS = " ,、;/|・"


@dataclass
class Question:
    level: str
    item: str
    section: str
    part: str
    accepted: set[int]  # options, 1-4
    points: int
    truth: int  # the option that is really right


@dataclass
class Student:
    row: int  # spreadsheet row
    candidate_id: str
    level: str
    class_name: str
    cells: dict[str, str] = field(default_factory=dict)  # question column -> text as written


def questions(letters: bool = False) -> list[Question]:
    rng = random.Random(3)
    found = []
    for level, parts in PAPER.items():
        number = 0
        for section, part, count, points in parts:
            for _ in range(count):
                number += 1
                item = f"Q{number}"
                truth = rng.randint(1, 4)
                accepted = {truth}
                if (level, item) == MIS_KEYED:
                    truth, accepted = 3, {2}
                if (level, item) == ("N4", "Q7"):
                    accepted = {truth, truth % 4 + 1}  # two accepted answers
                found.append(Question(level, item, section, part, accepted, points, truth))
    return found


def _written(option: int, style: str) -> str:
    if style == "circled":
        return chr(0x245F + option)
    if style == "full_width":
        return chr(0xFF10 + option)
    if style == "letter":
        return LETTERS[option - 1]
    return str(option)


def students(key: list[Question], letters: bool = False, count: int = 80) -> list[Student]:
    """Mixed levels; abilities spread; a few deliberate students (see the comments)."""
    rng = random.Random(11 if letters else 7)
    cohort = []
    for index in range(count):
        level = "N3" if index % 2 else "N4"
        student = Student(index + 2, f"S{index:04d}", level, "1A" if index < count // 2 else "1B")
        ability = rng.gauss(0, 1.2)
        style = "letter" if letters and index % 3 else ("circled" if index % 11 == 0 else "plain")
        if index % 13 == 0:
            style = "full_width"
        for number, question in enumerate(q for q in key if q.level == level):
            right = 0.25 + 0.75 / (1 + math.exp(-1.8 * (ability - (-1.5 + 3 * number / 36))))
            truth = question.truth
            option = truth if rng.random() < right else rng.choice([o for o in (1, 2, 3, 4) if o != truth])
            if (level, question.item) == EVERYONE_RIGHT:
                option = truth
            text = _written(option, style)
            draw = rng.random()
            if draw < 0.03 and (level, question.item) != EVERYONE_RIGHT:
                text = ""  # left blank
            elif draw < 0.05 and (level, question.item) != EVERYONE_RIGHT:
                second = option % 4 + 1
                text = f"{_written(option, style)},{_written(second, style)}"  # two marks
            student.cells[question.item] = text
        cohort.append(student)
    absent = cohort[5]  # N3: every Listening question blank
    for question in key:
        if question.level == absent.level and question.section == "listening":
            absent.cells[question.item] = ""
    cohort[8].cells["Q3"] = "①③"  # two marks written together
    cohort[10].cells["Q4"] = " 2 "  # spaces around an answer
    return cohort


# ── files ──────────────────────────────────────────────────────────────────────


def write_key(path: Path, key: list[Question], letters: bool = False, table: bool = True) -> Path:
    """The key as an xlsx (with a conversion worksheet) or csv, as the path's suffix says."""
    names = LETTERS if letters else "1234"
    rows = [["level", "item", "answer", "section", "part", "points"]]
    for q in key:
        answer = "|".join(names[option - 1] for option in sorted(q.accepted))
        rows.append([q.level, q.item, answer, q.section, q.part, q.points if q.points > 1 else None])
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([["" if cell is None else cell for cell in row] for row in rows])
        return path
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "key"
    for row in rows:
        sheet.append(row)
    if table:
        conversion = book.create_sheet("conversion")
        conversion.append(["level", "section", "raw", "scaled"])
        for raw, scaled in N3_LISTENING_TABLE:
            conversion.append(["N3", "listening", raw, scaled])
    book.save(path)
    return path


def write_responses(path: Path, cohort: list[Student], columns: list[str] | None = None) -> Path:
    columns = columns or sorted({item for s in cohort for item in s.cells}, key=lambda item: int(item[1:]))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "Name", "Class", "Level", *columns])
        for s in cohort:
            writer.writerow([s.candidate_id, f"Student {s.row}", s.class_name, s.level,
                             *(s.cells.get(column, "") for column in columns)])  # fmt: skip
    return path


# ── the plain reference ──────────────────────────────────────────────────────────


def read_cell(text: str, letters: bool) -> set[int] | None:
    """The options marked in one cell (empty: unanswered), or None when it is not an answer."""
    plain = unicodedata.normalize("NFKC", text).strip().upper()
    if plain in ("", "-"):
        return set()
    marks = set()
    for char in plain:
        if char in SEPARATORS:
            continue
        if char in "1234":
            marks.add(int(char))
        elif letters and char in LETTERS:
            marks.add(LETTERS.index(char) + 1)
        else:
            return None
    return marks


def round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def mark_student(student: Student, key: list[Question], letters: bool, table: bool = True) -> dict[str, object]:
    """One student's marks and judgement, straight from the definitions."""
    own = [q for q in key if q.level == student.level]
    marks = {q.item: read_cell(student.cells.get(q.item, ""), letters) for q in own}
    right = {item: m is not None and len(m) == 1 and next(iter(m)) in q.accepted
             for (item, m), q in zip(marks.items(), own, strict=True)}  # fmt: skip
    row: dict[str, object] = {"level": student.level, "double_marks": sum(len(m or ()) > 1 for m in marks.values())}
    sat = {}
    for section in dict.fromkeys(q.section for q in own):
        in_section = [q for q in own if q.section == section]
        sat[section] = any(marks[q.item] for q in in_section)
        earned = sum(q.points for q in in_section if right[q.item])
        possible = sum(q.points for q in in_section)
        row[f"_{section}_points"] = earned
        row[section] = _estimate(student.level, section, earned, possible, table) if sat[section] else None
    for part in dict.fromkeys(q.part for q in own):
        in_part = [q for q in own if q.part == part]
        section = in_part[0].section
        row[f"{part}_correct"] = sum(right[q.item] for q in in_part) if sat[section] else None
        row[f"{part}_questions"] = len(in_part) if sat[section] else None
    judged = judge_row(row)
    return row | judged | {"_right": right, "_marks": marks}


def _estimate(level: str, section: str, earned: int, possible: int, table: bool) -> int:
    if table and (level, section) == ("N3", "listening"):
        return max(scaled for raw, scaled in N3_LISTENING_TABLE if raw <= earned)
    return round_half_up(Fraction(earned * MAXIMUM[section], possible))


def item_reference(key: list[Question], cohort: list[Student], letters: bool, table: bool = True) -> dict:
    """(level, item) -> facility, discrimination, point_biserial, option shares, flags."""
    marked = {s.candidate_id: mark_student(s, key, letters, table) for s in cohort}
    found = {}
    for q in key:
        takers = [s for s in cohort if s.level == q.level and marked[s.candidate_id][q.section] is not None]
        takers.sort(key=lambda s: (marked[s.candidate_id][f"_{q.section}_points"], s.row))
        n = len(takers)
        size = (27 * n + 50) // 100
        bottom, top = takers[:size], takers[n - size :]
        x = [int(marked[s.candidate_id]["_right"][q.item]) for s in takers]
        rest = [marked[s.candidate_id][f"_{q.section}_points"] - q.points * xi for s, xi in zip(takers, x, strict=True)]
        chose = [marked[s.candidate_id]["_marks"][q.item] for s in takers]
        facility = sum(x) / n
        top_facility = sum(marked[s.candidate_id]["_right"][q.item] for s in top) / len(top) if top else None
        bottom_facility = (
            sum(marked[s.candidate_id]["_right"][q.item] for s in bottom) / len(bottom) if bottom else None
        )
        discrimination = None if top_facility is None else top_facility - bottom_facility
        try:
            biserial = statistics.correlation(x, rest)
        except statistics.StatisticsError:
            biserial = None  # no spread in one of them
        top_chose = [marked[s.candidate_id]["_marks"][q.item] for s in top]
        top_right = sum(marked[s.candidate_id]["_right"][q.item] for s in top)
        wrong_favoured = any(sum(m == {o} for m in top_chose) > top_right for o in (1, 2, 3, 4) if o not in q.accepted)
        flags = []
        if facility < 0.20:
            flags.append("too_hard")
        if facility > 0.95:
            flags.append("too_easy")
        if discrimination is not None and discrimination < 0.10:
            flags.append("low_discrimination")
        if (discrimination is not None and discrimination < 0) or wrong_favoured:
            flags.append("check_key")
        found[(q.level, q.item)] = {
            "students": n,
            "answered": sum(bool(m) for m in chose),
            "facility": facility,
            "discrimination": discrimination,
            "point_biserial": biserial,
            **{f"option_{o}": sum(m == {o} for m in chose) / n for o in (1, 2, 3, 4)},
            "double_marked": sum(len(m) > 1 for m in chose) / n,
            "blank": sum(not m for m in chose) / n,
            "flags": ";".join(flags),
        }
    return found


def reliability_reference(key: list[Question], cohort: list[Student], letters: bool, table: bool = True) -> dict:
    """(level, section) -> kr20, sem."""
    marked = {s.candidate_id: mark_student(s, key, letters, table) for s in cohort}
    items = item_reference(key, cohort, letters, table)
    found = {}
    for level in PAPER:
        for section in dict.fromkeys(q.section for q in key if q.level == level):
            own = [q for q in key if q.level == level and q.section == section]
            takers = [marked[s.candidate_id] for s in cohort if s.level == level]
            takers = [m for m in takers if m[section] is not None]
            totals = [m[f"_{section}_points"] for m in takers]
            spread = sum(q.points**2 * items[(level, q.item)]["facility"] * (1 - items[(level, q.item)]["facility"])
                         for q in own)  # fmt: skip
            k = len(own)
            kr20 = k / (k - 1) * (1 - spread / statistics.pvariance(totals))
            sem = statistics.pstdev([m[section] for m in takers]) * math.sqrt(1 - kr20)
            found[(level, section)] = {"kr20": kr20, "sem": sem, "students": len(takers)}
    return found
