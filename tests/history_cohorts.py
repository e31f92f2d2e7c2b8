"""Three exams of one school year, generated: two mock exams and the December sitting.

The students' stories are what the history must tell: a listening score climbing over its
floor, a student moving up from N4, one who misses the autumn mock, one whose name changes,
one who falls below a floor, one absent from a section, one who is new, one who reads Japanese.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cohort_files import write_csv

HEADER = ["Student No.", "Candidate No", "Name", "Class", "Level", "Language Knowledge", "Reading",
          "Language Knowledge・Reading", "Listening", "Language"]  # fmt: skip


@dataclass(frozen=True)
class ExamFile:
    name: str
    options: tuple[str, ...]  # how the run names the exam
    date: dt.date
    # student id -> (candidate no, name, class, level, scores, language); scores: (knowledge, reading,
    # listening) for N1-N3, (knowledge・reading, listening) for N4-N5; None: absent from that section
    rows: dict[str, tuple]


SPRING = ExamFile("spring-mock", ("--mock-date", "2026-05-10"), dt.date(2026, 5, 10), {
    "S001": ("M1-01", "Tanaka Hana", "1A", "N3", (30, 28, 15), "en"),
    "S002": ("M1-02", "Nguyen Van An", "1A", "N4", (80, 30), "vi"),
    "S003": ("M1-03", "Sharma Priya", "1A", "N3", (40, 40, 40), "en"),
    "S004": ("M1-04", "Lee Ji-woo", "1B", "N3", (35, 35, 30), "en"),
    "S005": ("M1-05", "Chen Wei", "1B", "N3", (33, 20, 30), "en"),
    "S006": ("M1-06", "Garcia Ana", "1B", "N3", (30, 30, 30), "en"),
    "S008": ("M1-08", "山本 さくら", "1B", "N3", (30, 30, 30), "ja"),
})  # fmt: skip

AUTUMN = ExamFile("autumn-mock", ("--mock-date", "2026-10-04", "--exam-name", "Autumn practice"),
                  dt.date(2026, 10, 4), {
    "S001": ("M2-01", "Tanaka Hana", "1A", "N3", (30, 30, 17), "en"),
    "S002": ("M2-02", "Nguyen Van An", "1A", "N3", (35, 30, 25), "vi"),
    # S003 missed the autumn mock
    "S004": ("M2-04", "Lee Ji-woo", "1B", "N3", (36, 34, 31), "en"),
    "S005": ("M2-05", "Chen Wei", "1B", "N3", (35, 25, 30), "en"),
    "S006": ("M2-06", "Garcia Ana", "1B", "N3", (31, 30, 30), "en"),
    "S008": ("M2-08", "山本 さくら", "1B", "N3", (32, 30, 31), "ja"),
})  # fmt: skip

DECEMBER = ExamFile("december-sitting", ("--sitting", "2026-12"), dt.date(2026, 12, 6), {
    "S001": ("N3-1001", "Tanaka Hana", "1A", "N3", (38, 36, 21), "en"),
    "S002": ("N3-1002", "Nguyen Van An", "1A", "N3", (40, 35, 28), "vi"),
    "S003": ("N3-1003", "Sharma Priya", "1A", "N3", (42, 45, 38), "en"),
    "S004": ("N3-1004", "Park Ji-woo", "1B", "N3", (36, 35, 33), "en"),  # a new family name
    "S005": ("N3-1005", "Chen Wei", "1B", "N3", (40, 16, 40), "en"),  # reading fell below its floor
    "S006": ("N3-1006", "Garcia Ana", "1B", "N3", (32, None, 30), "en"),  # absent from reading
    "S007": ("N3-1007", "Okafor Chidi", "1B", "N3", (30, 30, 30), "en"),  # new this time
    "S008": ("N3-1008", "山本 さくら", "1B", "N3", (40, 30, 31), "ja"),
})  # fmt: skip

EXAMS = (SPRING, AUTUMN, DECEMBER)


def _cell(score: int | None) -> object:
    return "-" if score is None else score


def exam_csv(folder: Path, exam: ExamFile, only_class: str | None = None) -> Path:
    """The exam's cohort file as a school would save it (one class's part of it, if asked)."""
    lines = [HEADER]
    for student_id, (candidate, name, class_name, level, scores, language) in exam.rows.items():
        if only_class and class_name != only_class:
            continue
        cells = [_cell(score) for score in scores]  # "-": absent from a section
        sections = [*cells[:2], "", cells[2]] if level in ("N1", "N2", "N3") else ["", "", *cells]
        lines.append([student_id, candidate, name, class_name, level, *sections, language])
    suffix = f"-{only_class}" if only_class else ""
    return write_csv(folder / f"{exam.name}{suffix}.csv", lines)
