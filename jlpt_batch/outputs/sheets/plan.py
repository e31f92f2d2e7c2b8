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
    rejected: tuple[dict[str, Any], ...] = ()  # the class's rejected rows, listed on its (first) cover


def plan_tasks(
    students: pl.DataFrame, out_dir: Path, settings: Settings, rejected: pl.DataFrame | None = None
) -> Iterator[Task]:
    """Tasks class by class (classes in order of first appearance), rows in --sort order.

    A class's ``rejected`` rows are listed on the cover of its bundle (of its first part);
    a class whose every row was rejected gets a bundle that is only that cover.
    """
    stems = pl.Series("sheet_stem", sheet_stems(students), dtype=pl.String)
    with_stems = students.with_columns(stems)
    rejected_by_class = _rejected_by_class(rejected)
    bundle_names = UniqueNames()
    index = 0
    for rows in with_stems.partition_by("class", maintain_order=True):
        class_name = rows["class"][0]
        stem = safe_stem(class_name, NO_CLASS)
        members = _sorted(_members(rows, out_dir), settings.sort)
        starts = range(0, len(members), STUDENTS_PER_BUNDLE)
        not_judged = rejected_by_class.pop(class_name, ())
        for number, start in enumerate(starts, start=1):
            name = stem if len(starts) == 1 else f"{stem}-part{number}"
            bundle = out_dir / PRINT_FOLDER / f"{bundle_names.claim(name)}.pdf"
            piece = members[start : start + STUDENTS_PER_BUNDLE]
            for bundle_path, members_here in _class_tasks(str(bundle), piece):
                listed = not_judged if number == 1 and bundle_path else ()
                yield Task(index, class_name, bundle_path, members_here, (number, len(starts)), start + 1, listed)
                index += 1
    for class_name, not_judged in rejected_by_class.items():  # classes with no judged row: a cover alone
        bundle = out_dir / PRINT_FOLDER / f"{bundle_names.claim(safe_stem(class_name, NO_CLASS))}.pdf"
        yield Task(index, class_name, str(bundle), (), rejected=not_judged)
        index += 1


REJECTED_SHOWN = ("candidate_id", "name", "level", "source_row")  # what a cover says of a rejected row


def _rejected_by_class(rejected: pl.DataFrame | None) -> dict[str | None, tuple[dict[str, Any], ...]]:
    """The rejected rows of each class, in input order (a few rows: a dict per class)."""
    if rejected is None or rejected.height == 0:
        return {}
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for row in rejected.select("class", *REJECTED_SHOWN).iter_rows(named=True):
        groups.setdefault(row.pop("class"), []).append(row)
    return {class_name: tuple(rows) for class_name, rows in groups.items()}


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


def task_count(students: pl.DataFrame, rejected: pl.DataFrame | None = None) -> int:
    sizes = students.group_by("class").len()["len"].to_list()
    judged = sum(1 if size <= FILES_PER_TASK else 1 + -(-size // FILES_PER_TASK) for size in sizes)
    if rejected is None:
        return judged
    covers_alone = rejected.select("class").unique().join(students.select("class").unique(), on="class", how="anti")
    return judged + covers_alone.height
