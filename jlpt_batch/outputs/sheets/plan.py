"""Planning the sheet stage: which students go in which bundle, in what order, in which task."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from jlpt_batch.contract import NO_CLASS
from jlpt_batch.outputs.sheets import fonts
from jlpt_batch.outputs.sheets.names import UniqueNames, safe_stem, sheet_stems
from jlpt_batch.settings import Settings

SHEETS_FOLDER = "sheets"


PRINT_FOLDER = "print"


# A class larger than this is split: its bundle in one task, its students' own files
# in tasks of this size, so one big class still keeps every worker busy.
FILES_PER_TASK = 100


# A class larger than this prints as several bundles of this many students each
# (<class>-part1.pdf, ...). A PDF canvas keeps every page in memory until it is saved,
# so this keeps a worker's memory flat however large a class (or a file with no class
# column) is; and a thousand sheets is already a large print job.
STUDENTS_PER_BUNDLE = 1000


SortKey = tuple[tuple[int, int, str], ...]


@dataclass(frozen=True)
class PlannedSheet:
    row: dict[str, Any]
    sheet_path: str | None  # None: another task writes this student's own file


@dataclass(frozen=True)
class Task:
    index: int
    class_name: str | None
    bundle_path: str | None  # None: this task writes only students' own files
    students: tuple[PlannedSheet, ...]  # in bundle order
    part: tuple[int, int] = (1, 1)  # this bundle is part k of n of its class
    first_number: int = 1  # the cover's number for the first of these students


def plan_tasks(students: pl.DataFrame, out_dir: Path, settings: Settings) -> Iterator[Task]:
    """Tasks class by class (classes in order of first appearance), rows in --sort order."""
    stems = pl.Series("sheet_stem", sheet_stems(students), dtype=pl.String)
    with_stems = students.with_columns(stems)
    bundle_names = UniqueNames()
    index = 0
    for rows in with_stems.partition_by("class", maintain_order=True):
        class_name = rows["class"][0]
        stem = safe_stem(class_name, NO_CLASS)
        members = _sorted(_members(rows, out_dir), settings.sort)
        starts = range(0, len(members), STUDENTS_PER_BUNDLE)
        for number, start in enumerate(starts, start=1):
            name = stem if len(starts) == 1 else f"{stem}-part{number}"
            bundle = out_dir / PRINT_FOLDER / f"{bundle_names.claim(name)}.pdf"
            piece = members[start : start + STUDENTS_PER_BUNDLE]
            for bundle_path, members_here in _class_tasks(str(bundle), piece):
                yield Task(index, class_name, bundle_path, members_here, (number, len(starts)), start + 1)
                index += 1


def _members(part: pl.DataFrame, out_dir: Path) -> list[PlannedSheet]:
    sheets = out_dir / SHEETS_FOLDER
    stems = part["sheet_stem"].to_list()
    rows = part.drop("sheet_stem").iter_rows(named=True)
    return [PlannedSheet(row, str(sheets / f"{stem}.pdf")) for row, stem in zip(rows, stems, strict=True)]


def _class_tasks(bundle: str, members: list[PlannedSheet]) -> Iterator[tuple[str | None, tuple[PlannedSheet, ...]]]:
    """(bundle, students) of each task of a class: one task, or for a large class its bundle
    alone and its students' own files in chunks."""
    if len(members) <= FILES_PER_TASK:
        yield bundle, tuple(members)
        return
    yield bundle, tuple(PlannedSheet(m.row, None) for m in members)
    for start in range(0, len(members), FILES_PER_TASK):
        yield None, tuple(members[start : start + FILES_PER_TASK])


def _sorted(members: list[PlannedSheet], order: str) -> list[PlannedSheet]:
    """Bundle order: as input, by candidate id, or by name (then id)."""
    if order == "id":
        return sorted(members, key=_id_key)
    if order == "name":
        return sorted(members, key=_name_key)
    return members


def _id_key(member: PlannedSheet) -> SortKey:
    return _natural(member.row["candidate_id"])


def _name_key(member: PlannedSheet) -> tuple[str, SortKey]:
    return fonts.clean(member.row["name"] or "").casefold(), _id_key(member)


def _natural(text: str | None) -> SortKey:
    """Sort key that puts ``9`` before ``10`` and keeps ``00123`` next to ``123``."""
    parts = re.split(r"(\d+)", text or "")
    return tuple((0, int(part), part) if part.isdigit() else (1, 0, part) for part in parts if part)


def task_count(students: pl.DataFrame) -> int:
    sizes = students.group_by("class").len()["len"].to_list()
    return sum(1 if size <= FILES_PER_TASK else 1 + -(-size // FILES_PER_TASK) for size in sizes)
