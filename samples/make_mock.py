"""Regenerate the sample mock exam: ``mock-responses.csv`` and ``mock-key.xlsx``.

    python samples/make_mock.py [OUTPUT_FOLDER]

Writes next to this script unless a folder is given. Deterministic: a fixed random seed,
fixed workbook properties and zip timestamps. Edit this script, never the samples.

A school's autumn mock, N3 and N4 in one answer-sheet export: one row per student with
the option chosen for every question, and the answer key of both levels with a practice
book's conversion table for N3 Listening. Each student's answers follow their ability
and each question's difficulty (a three-parameter logistic model, guessing 1 in 4), with
a few deliberate questions and students listed in samples/README.md.
"""

from __future__ import annotations

import argparse
import csv
import math
import random
import sys
from pathlib import Path

# The cohort sample's school, names and fixed saving: a mock of the same school.
from make_samples import SCHOOL, draw_language, draw_name, load_context, save_fixed
from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
# Chosen among 30 seeds as one where only the deliberately mis-keyed question is flagged check_key:
# with classes of 30, chance alone flags a few hard questions in most draws.
SEED = 20261104
ABILITY = (0.0, 1.0)  # mean and spread of the students' ability
DIFFICULTY = (-1.2, 2.4)  # the easiest question of a block, and how much harder its last one is
RESPONSES_NAME, KEY_NAME = "mock-responses.csv", "mock-key.xlsx"

# (class, level, students)
CLASSES = (("2A", "N4", 28), ("2B", "N3", 30))

# level -> (section, part, questions, points each), in the paper's order
PAPER = {
    "N3": (
        ("language_knowledge", "vocabulary", 35, 1),
        ("language_knowledge", "grammar", 23, 1),
        ("reading", "reading", 16, 2),
        ("listening", "listening", 28, 1),
    ),
    "N4": (
        ("language_knowledge_reading", "vocabulary", 33, 1),
        ("language_knowledge_reading", "grammar", 25, 1),
        ("language_knowledge_reading", "reading", 8, 1),
        ("listening", "listening", 28, 1),
    ),
}

MIS_KEYED = ("N3", 12, 2, 3)  # level, question, the key's answer, the paper's real answer
EVERYONE_RIGHT = ("N4", 1)  # a warm-up question every student gets right
ABSENT_FROM_LISTENING = ("2B", 7)  # class, nth student: left the whole Listening section blank
DOUBLE_MARKS = (("2A", 3, 40), ("2B", 11, 20), ("2B", 19, 61))  # class, nth student, question marked twice
CIRCLED = ("2A", 9)  # class, nth student: the answers were typed as ①-④
FULL_WIDTH = ("2B", 14)  # class, nth student: the answers were typed as full-width digits

# A practice book's table for N3 Listening: from this many raw points up, this scaled score.
N3_LISTENING_TABLE = (
    (0, 0), (3, 6), (6, 12), (9, 18), (11, 22), (13, 26), (15, 31), (17, 36), (19, 40),
    (21, 45), (23, 50), (25, 55), (27, 59), (28, 60),
)  # fmt: skip


def key_rows() -> list[dict[str, object]]:
    """The answer key: one row per level and question, the keyed option drawn once per question."""
    rng = load_context(SEED).rng
    rows = []
    for level, parts in PAPER.items():
        number = 0
        for section, part, count, points in parts:
            for _ in range(count):
                number += 1
                answer = rng.randint(1, 4)
                if (level, number) == MIS_KEYED[:2]:
                    answer = MIS_KEYED[2]
                rows.append({"level": level, "item": f"Q{number}", "answer": answer, "section": section,
                             "part": part, "points": points})  # fmt: skip
    return rows


def true_answer(row: dict[str, object]) -> int:
    """The option that is really right: the key's, except on the mis-keyed question."""
    if (row["level"], int(str(row["item"])[1:])) == MIS_KEYED[:2]:
        return MIS_KEYED[3]
    return int(str(row["answer"]))


def students() -> list[dict[str, object]]:
    """Every student: id, name, class, level, sheet language, ability, and their place in the class."""
    ctx = load_context(SEED)
    cohort: list[dict[str, object]] = []
    taken: set[str] = set()
    for class_name, level, count in CLASSES:
        for nth in range(count):
            language = draw_language(ctx, level)
            name, _ = draw_name(ctx, language)
            while name in taken:
                name, _ = draw_name(ctx, language)
            taken.add(name)
            number = f"M{2026001 + len(cohort)}"
            cohort.append({"id": number, "name": name, "class": class_name, "level": level, "language": language,
                           "ability": ctx.rng.gauss(*ABILITY), "nth": nth})  # fmt: skip
    return cohort


def answers(student: dict[str, object], key: list[dict[str, object]], rng_seed: int) -> dict[str, str]:
    """The student's answer to each question of their level, as the answer sheet shows it."""
    rng = random.Random(rng_seed)
    own = [row for row in key if row["level"] == student["level"]]
    ability = float(str(student["ability"]))
    chosen = {}
    for index, row in enumerate(own):
        difficulty = DIFFICULTY[0] + DIFFICULTY[1] * (index % 40) / 40  # later questions of a block are harder
        right = 0.25 + 0.75 / (1 + math.exp(-1.7 * (ability - difficulty)))
        correct = true_answer(row)
        wrong = [other for other in (1, 2, 3, 4) if other != correct]
        option = correct if rng.random() < right else rng.choice(wrong)
        blank = rng.random() < 0.01  # an occasional question left blank
        if (row["level"], row["item"]) == (EVERYONE_RIGHT[0], f"Q{EVERYONE_RIGHT[1]}"):
            option, blank = correct, False
        chosen[str(row["item"])] = "" if blank else str(option)
    return chosen


def written(student: dict[str, object], chosen: dict[str, str], key: list[dict[str, object]]) -> dict[str, str]:
    """The deliberate students' answers as their sheet writes them."""
    place = (student["class"], student["nth"])
    if place == ABSENT_FROM_LISTENING:
        for row in key:
            if row["level"] == student["level"] and row["section"] == "listening":
                chosen[str(row["item"])] = ""
    for class_name, nth, question in DOUBLE_MARKS:
        if place == (class_name, nth):
            first = chosen[f"Q{question}"] or "1"
            chosen[f"Q{question}"] = f"{first},{int(first) % 4 + 1}"
    if place == CIRCLED:
        chosen = {item: chr(0x245F + int(value)) if value.isdigit() else value for item, value in chosen.items()}
    if place == FULL_WIDTH:
        chosen = {item: chr(0xFF10 + int(value)) if value.isdigit() else value for item, value in chosen.items()}
    return chosen


def write_responses(path: Path, key: list[dict[str, object]]) -> None:
    """The answer-sheet export: UTF-8 with a BOM, Japanese headers, one column per question."""
    questions = max((int(str(row["item"])[1:]) for row in key), default=0)
    header = ["受験番号", "氏名", "クラス", "レベル", "言語", *(f"Q{n}" for n in range(1, questions + 1))]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for index, student in enumerate(students()):
            chosen = written(student, answers(student, key, SEED + index), key)
            cells = [chosen.get(f"Q{n}", "") for n in range(1, questions + 1)]
            writer.writerow([student["id"], student["name"], student["class"], student["level"],
                             student["language"], *cells])  # fmt: skip


def write_key(path: Path, key: list[dict[str, object]]) -> None:
    """The key workbook: the questions on the first worksheet, the conversion table on 'conversion'."""
    book = Workbook()
    sheet = book.active
    sheet.title = "key"
    columns = ("level", "item", "answer", "section", "part", "points")
    sheet.append(list(columns))
    for row in key:
        sheet.append([row[column] for column in columns])
    table = book.create_sheet("conversion")
    table.append(["level", "section", "raw", "scaled"])
    for raw, scaled in N3_LISTENING_TABLE:
        table.append(["N3", "listening", raw, scaled])
    for worksheet in (sheet, table):
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
    book.properties.creator = book.properties.lastModifiedBy = SCHOOL
    book.properties.title = f"{SCHOOL} — autumn mock, answer key"
    save_fixed(book, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate the sample mock exam.")
    parser.add_argument("out", nargs="?", type=Path, default=HERE, help="folder to write into")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    key = key_rows()
    write_responses(args.out / RESPONSES_NAME, key)
    write_key(args.out / KEY_NAME, key)
    print(f"wrote {args.out / RESPONSES_NAME} and {args.out / KEY_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
