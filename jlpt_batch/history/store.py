"""The history store: every judged row of every run, in one SQLite file (the standard library's ``sqlite3``).

It holds personal data, and a school depends on it for years, so:

- *Ours or nothing.* Before it is opened, the file's header must say SQLite with our
  application id; any other file is refused with one line and left as it is. The schema
  has a version (SQLite's user_version): a store written by a newer jlpt-batch is refused.
- *Whole or not at all.* A run's rows go in one transaction, written after every output
  is complete, so an interrupted or failed run leaves the file exactly as it was. A new
  store is built in a private temporary file and linked into place only once committed.
- *Serialised.* Two runs at once wait for each other's transaction (a busy timeout).
  The default rollback journal is kept (not WAL): reading then never writes to the file.
- *Private.* A new store is readable by its owner only (0600); deleted records are
  overwritten in the file (secure_delete), so a forgotten student is gone from it.

An exam is its kind (sitting or mock), date and name (``ExamKey``); each record is one
student's result at one exam, at the level they sat. A student is their student_id.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from jlpt_batch.errors import HistoryError
from jlpt_batch.exams import MOCK, SITTING, Exam, Sitting
from jlpt_batch.messages import Message, message
from jlpt_batch.rules import SECTION_KEYS

APPLICATION_ID = 0x4A4C5042  # "JLPB" in the file header: this file is a jlpt-batch history store
SCHEMA_VERSION = 1
BUSY_TIMEOUT_SECONDS = 120.0  # how long a run waits for another run's transaction
SQLITE_HEADER = b"SQLite format 3\x00"
CACHE_KIB = 64 * 1024

# A student's result at one exam, as stored and as read back (the sections in rule order).
RECORD_COLUMNS = ("student_id", "candidate_id", "name", "class", "level", *SECTION_KEYS, "total", "result")


def _schema() -> tuple[str, ...]:
    """The statements that create the store (version SCHEMA_VERSION)."""
    sections = ", ".join(f"{key} INTEGER" for key in SECTION_KEYS)
    return (
        f"PRAGMA application_id = {APPLICATION_ID}",
        f"PRAGMA user_version = {SCHEMA_VERSION}",
        """CREATE TABLE exam (
            exam_id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('sitting', 'mock')),
            exam_date TEXT NOT NULL,  -- ISO date: a sitting's day, or the mock's
            exam_name TEXT NOT NULL DEFAULT '',
            UNIQUE (kind, exam_date, exam_name))""",
        """CREATE TABLE run (
            run_id INTEGER PRIMARY KEY,
            recorded_at TEXT NOT NULL,
            input_name TEXT NOT NULL,
            input_sha256 TEXT NOT NULL,
            program_version TEXT NOT NULL)""",
        # Keyed newest first within a student, so a student's latest exams before a date are
        # one index seek away (the exam's date is kept here for that, and never changes).
        f"""CREATE TABLE record (
            student_id TEXT NOT NULL,
            exam_date TEXT NOT NULL,
            exam_id INTEGER NOT NULL REFERENCES exam (exam_id),
            run_id INTEGER NOT NULL REFERENCES run (run_id),
            candidate_id TEXT NOT NULL,
            name TEXT,
            class TEXT,
            level TEXT NOT NULL,
            {sections},
            total INTEGER,
            result TEXT NOT NULL CHECK (result IN ('PASS', 'FAIL')),
            PRIMARY KEY (student_id, exam_date DESC, exam_id DESC)) WITHOUT ROWID""",
        "CREATE INDEX record_by_exam ON record (exam_id, level)",
    )


@dataclass(frozen=True, order=True)
class ExamKey:
    """How the store tells exams apart: kind, date and (for a mock) name."""

    date: dt.date
    kind: str
    name: str = ""

    @classmethod
    def of(cls, exam: Exam) -> ExamKey:
        return cls(exam.date, exam.kind, exam.name)

    @property
    def label(self) -> str:
        """``sitting 2026-07``, ``mock 2026-05-10`` or ``mock 2026-05-10 Spring practice``."""
        when = f"{self.date:%Y-%m}" if self.kind == SITTING else self.date.isoformat()
        return " ".join(part for part in (self.kind, when, self.name) if part)

    @classmethod
    def from_label(cls, label: str) -> ExamKey:
        """The exam a label names (results.csv's ``previous_exam``): the inverse of ``label``."""
        kind, when, *name = label.split(" ", 2)
        if kind == SITTING:
            return cls(Sitting(*map(int, when.split("-"))).date, kind)
        return cls(dt.date.fromisoformat(when), kind, name[0] if name else "")

    def exam(self) -> Exam:
        """The exam this key stands for, to be worded like the run's own (``AdminWords.exam``)."""
        if self.kind == SITTING:
            return Exam(Sitting(self.date.year, self.date.month))
        return Exam.chosen(None, self.date, self.date, self.name)


@dataclass(frozen=True)
class RunInfo:
    """Where a run's records came from, kept with them."""

    input_name: str
    input_sha256: str
    program_version: str
    recorded_at: dt.datetime


# ── the file ──────────────────────────────────────────────────────────────────


def check_store_file(path: Path) -> None:
    """Refuse, with one line, a file at ``path`` that is not a history store this version can use.

    Nothing there yet is fine: the first recorded run creates the store.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise HistoryError("errors.history_store_folder", store=str(path), example=f"{path}.db") from None
    except OSError as error:
        raise HistoryError("errors.history_store_unreadable", store=str(path), reason=error.strerror) from None
    problem = _not_a_store(header)
    if problem:
        raise HistoryError("errors.history_not_ours", store=str(path), problem=problem)
    _check_version(path, int.from_bytes(header[60:64], "big"))


def _not_a_store(header: bytes) -> Message | None:
    """What the first 100 bytes of a file say it is, when it is not our store."""
    if not header:
        return message("history.empty_file")
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        return message("history.not_sqlite")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        return message("history.other_sqlite")
    return None


def _check_version(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise HistoryError("errors.history_newer", store=str(path), version=str(version), ours=str(SCHEMA_VERSION))
    if version < SCHEMA_VERSION:
        unknown = message("history.unknown_version", version=str(version))
        raise HistoryError("errors.history_not_ours", store=str(path), problem=unknown)


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to an existing store: never creates a file, waits for other runs' transactions."""
    uri = f"{path.resolve().as_uri()}?mode=rw"
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    _set_up(connection)
    return connection


def _set_up(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA secure_delete = ON")
    # Room for the pages a large run touches (taken only as needed): recording 100,000 rows
    # into a store of 300,000 is about a fifth faster than with the default 2 MB.
    connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken at once (so two runs queue rather than deadlock); rolled back on any failure."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _check_schema(connection: sqlite3.Connection, path: Path) -> None:
    """The same checks as the header's, inside the transaction (the file may have changed since)."""
    if connection.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise HistoryError("errors.history_not_ours", store=str(path), problem=message("history.other_sqlite"))
    _check_version(path, connection.execute("PRAGMA user_version").fetchone()[0])


# ── the store ─────────────────────────────────────────────────────────────────


class HistoryStore:
    """One history store file. Every method opens, uses and closes its own connection."""

    def __init__(self, path: Path) -> None:
        check_store_file(path)
        self.path = path

    @property
    def exists(self) -> bool:
        return self.path.exists()

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A read of one consistent state of the store (no write to the file)."""
        with closing(_connect(self.path)) as connection:
            connection.execute("BEGIN")
            try:
                yield connection
            finally:
                connection.execute("COMMIT")

    def _write(self, change: Callable[[sqlite3.Connection], int]) -> int:
        """Apply ``change`` in one transaction; a new store is created whole with it."""
        if not self.exists and (created := _create_store(self.path, change)) is not None:
            return created
        with closing(_connect(self.path)) as connection, _transaction(connection):
            _check_schema(connection, self.path)
            return change(connection)

    # recording -------------------------------------------------------------------

    def record(self, rows: pl.DataFrame, exam: ExamKey, run: RunInfo) -> int:
        """Record a run's judged rows (``RECORD_COLUMNS``) as their students' results at ``exam``.

        A student already recorded at that exam is replaced; no other record changes.
        Returns the number of records written.
        """

        day = exam.date.isoformat()

        def change(connection: sqlite3.Connection) -> int:
            exam_id = _exam_id(connection, exam)
            run_id = _run_id(connection, run)
            names = ", ".join(RECORD_COLUMNS)
            marks = ", ".join("?" * len(RECORD_COLUMNS))
            connection.executemany(
                f"INSERT OR REPLACE INTO record (exam_date, exam_id, run_id, {names}) VALUES (?, ?, ?, {marks})",
                ((day, exam_id, run_id, *values) for values in rows.select(RECORD_COLUMNS).iter_rows()),
            )
            _drop_unused(connection)
            return rows.height

        return self._write(change)

    def forget(self, student_id: str) -> int:
        """Remove every record of one student; returns how many there were."""
        return self._write(lambda c: _deleted(c, "DELETE FROM record WHERE student_id = ?", (student_id,)))

    def remove_exam(self, exam: ExamKey, level: str | None = None) -> int:
        """Remove an exam's records (of one level, or all); returns how many there were."""
        exam_id = "SELECT exam_id FROM exam WHERE kind = ? AND exam_date = ? AND exam_name = ?"
        query = f"DELETE FROM record WHERE exam_id = ({exam_id})"
        values: tuple[object, ...] = (exam.kind, exam.date.isoformat(), exam.name)
        if level is not None:
            query, values = f"{query} AND level = ?", (*values, level)
        return self._write(lambda c: _deleted(c, query, values))

    # reading ---------------------------------------------------------------------

    def earlier_exams(self, student_ids: Sequence[str], exam: ExamKey, most: int) -> pl.DataFrame:
        """Each student's latest ``most`` records before ``exam``'s date, newest first (``EARLIER_RAW_SCHEMA``).

        Ties on the oldest date may add a row or two; each student costs two index seeks.
        """
        if not self.exists or not student_ids:
            return pl.DataFrame(schema=EARLIER_RAW_SCHEMA)
        values = {"ids": json.dumps(list(student_ids)), "date": exam.date.isoformat(), "skip": most - 1}
        with self._reading() as connection:
            rows = connection.execute(_EARLIER_QUERY, values).fetchall()
            exams = connection.execute("SELECT exam_id, kind, exam_date, exam_name FROM exam").fetchall()
        found = _frame(rows, _EARLIER_FETCHED)
        return found.join(_frame(exams, _EXAM_SCHEMA), on="exam_id", how="left").select(EARLIER_RAW_SCHEMA.names())

    def exams_of_input(self, sha256: str) -> list[ExamKey]:
        """The exams whose records were written from an input file with this SHA-256."""
        if not self.exists:
            return []
        # The runs first (a few per exam): a file never recorded, the usual case, reads no record;
        # the records have no index on their run, so looking there costs a pass over them.
        runs = "SELECT run_id FROM run WHERE input_sha256 = ?"
        query = f"""SELECT DISTINCT e.exam_date, e.kind, e.exam_name
                    FROM record r JOIN exam e USING (exam_id) WHERE r.run_id IN ({runs})"""
        with self._reading() as connection:
            if connection.execute(runs, (sha256,)).fetchone() is None:
                return []
            rows = connection.execute(query, (sha256,)).fetchall()
        return sorted(ExamKey(dt.date.fromisoformat(day), kind, name) for day, kind, name in rows)

    def exams(self) -> pl.DataFrame:
        """Every exam and level in the store: kind, date, name, level, students, scored, passed."""
        query = """SELECT e.kind, e.exam_date, e.exam_name, r.level, COUNT(*), SUM(r.total IS NOT NULL),
                          SUM(r.result = 'PASS')
                   FROM record r JOIN exam e USING (exam_id)
                   GROUP BY e.exam_id, r.level ORDER BY e.exam_date, e.kind, e.exam_name, r.level"""
        return self._query(query, (), EXAMS_SCHEMA)

    def student(self, student_id: str) -> pl.DataFrame:
        """One student's records, oldest first (``STUDENT_SCHEMA``)."""
        where = "WHERE r.student_id = ?"
        return self._query(_records_query(where), (student_id,), STUDENT_SCHEMA)

    def records(self, class_name: str | None = None, level: str | None = None) -> pl.DataFrame:
        """Every record (``STUDENT_SCHEMA``), or the whole history of the students whose latest
        record is in that class and/or at that level."""
        latest = """SELECT student_id FROM (
                        SELECT r.student_id, r.class, r.level, ROW_NUMBER() OVER (
                            PARTITION BY r.student_id ORDER BY e.exam_date DESC, e.exam_id DESC) AS latest
                        FROM record r JOIN exam e USING (exam_id))
                    WHERE latest = 1 AND (? IS NULL OR class = ?) AND (? IS NULL OR level = ?)"""
        where = f"WHERE r.student_id IN ({latest})"
        return self._query(_records_query(where), (class_name, class_name, level, level), STUDENT_SCHEMA)

    def student_count(self) -> int:
        """How many students the store holds records of."""
        with self._reading() as connection:
            return int(connection.execute("SELECT COUNT(DISTINCT student_id) FROM record").fetchone()[0])

    def mocks_on(self, day: dt.date) -> list[str]:
        """The names of the mock exams recorded on a day ("" for an unnamed one)."""
        query = "SELECT exam_name FROM exam WHERE kind = ? AND exam_date = ? ORDER BY exam_name"
        with self._reading() as connection:
            return [name for (name,) in connection.execute(query, (MOCK, day.isoformat()))]

    def _query(self, query: str, values: Sequence[object], schema: pl.Schema) -> pl.DataFrame:
        if not self.exists:
            return pl.DataFrame(schema=schema)
        with self._reading() as connection:
            return _frame(connection.execute(query, values).fetchall(), schema)


def _exam_id(connection: sqlite3.Connection, exam: ExamKey) -> int:
    key = (exam.kind, exam.date.isoformat(), exam.name)
    connection.execute("INSERT OR IGNORE INTO exam (kind, exam_date, exam_name) VALUES (?, ?, ?)", key)
    row = connection.execute("SELECT exam_id FROM exam WHERE kind = ? AND exam_date = ? AND exam_name = ?", key)
    return int(row.fetchone()[0])


def _run_id(connection: sqlite3.Connection, run: RunInfo) -> int:
    cursor = connection.execute(
        "INSERT INTO run (recorded_at, input_name, input_sha256, program_version) VALUES (?, ?, ?, ?)",
        (run.recorded_at.isoformat(timespec="seconds"), run.input_name, run.input_sha256, run.program_version),
    )
    return int(cursor.lastrowid or 0)


def _deleted(connection: sqlite3.Connection, query: str, values: Sequence[object]) -> int:
    count = connection.execute(query, values).rowcount
    _drop_unused(connection)
    return count


def _drop_unused(connection: sqlite3.Connection) -> None:
    """Exams and runs that no record refers to any more (all replaced, forgotten or removed)."""
    connection.execute("DELETE FROM exam WHERE exam_id NOT IN (SELECT exam_id FROM record)")
    connection.execute("DELETE FROM run WHERE run_id NOT IN (SELECT run_id FROM record)")


def _create_store(path: Path, change: Callable[[sqlite3.Connection], int]) -> int | None:
    """Build a new store with ``change`` applied in a private file, then link it into place whole.

    None when another run created the store meanwhile: the change then goes into that one.
    """
    _remove_abandoned(path)
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))  # owner-only from the start
    try:
        with closing(sqlite3.connect(temporary, isolation_level=None)) as connection:
            _set_up(connection)
            with _transaction(connection):
                for statement in _schema():
                    connection.execute(statement)
                count = change(connection)
        return count if _link_into_place(temporary, path) else None
    finally:
        temporary.unlink(missing_ok=True)


def _link_into_place(temporary: Path, path: Path) -> bool:
    """Give the finished file its name unless one appeared meanwhile; False then."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: the same, with a tiny window
        if path.exists():
            return False
        os.rename(temporary, path)
    return True


def _remove_abandoned(path: Path) -> None:
    """New stores (and their journals) that a killed run left half-built beside the store."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.new-(\d+)(-journal)?")
    for leftover in path.parent.glob(f".{path.name}.new-*"):
        match = pattern.fullmatch(leftover.name)
        if match and not _running(int(match.group(1))):
            leftover.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _frame(rows: list[tuple[object, ...]], schema: pl.Schema) -> pl.DataFrame:
    """Rows as the store gives them (dates as ISO text) in a typed frame."""
    text_schema = {name: pl.String() if dtype == pl.Date else dtype for name, dtype in schema.items()}
    frame = pl.DataFrame(rows, schema=text_schema, orient="row")
    dates = [name for name, dtype in schema.items() if dtype == pl.Date]
    return frame.with_columns(pl.col(dates).str.to_date("%Y-%m-%d")) if dates else frame


def _records_query(where: str) -> str:
    sections = ", ".join(f"r.{key}" for key in SECTION_KEYS)
    return f"""SELECT r.student_id, r.candidate_id, r.name, r.class, e.kind, e.exam_date, e.exam_name, r.level,
                      {sections}, r.total, r.result
               FROM record r JOIN exam e USING (exam_id) {where}
               ORDER BY r.student_id, e.exam_date, e.exam_id"""


_SECTIONS_SCHEMA = {key: pl.Int64() for key in SECTION_KEYS}

EXAMS_SCHEMA = pl.Schema(
    {"exam_kind": pl.String(), "exam_date": pl.Date(), "exam_name": pl.String(), "level": pl.String(),
     "students": pl.Int64(), "scored": pl.Int64(), "passed": pl.Int64()}
)  # fmt: skip

STUDENT_SCHEMA = pl.Schema(
    {"student_id": pl.String(), "candidate_id": pl.String(), "name": pl.String(), "class": pl.String(),
     "exam_kind": pl.String(), "exam_date": pl.Date(), "exam_name": pl.String(), "level": pl.String(),
     **_SECTIONS_SCHEMA, "total": pl.Int64(), "result": pl.String()}
)  # fmt: skip

# A student's records before an exam (newest first within each student).
_EARLIER_FETCHED = pl.Schema(
    {"student_id": pl.String(), "exam_id": pl.Int64(), "level": pl.String(), "name": pl.String(),
     **_SECTIONS_SCHEMA, "total": pl.Int64(), "result": pl.String()}
)  # fmt: skip
_EXAM_SCHEMA = pl.Schema({"exam_id": pl.Int64(), "exam_kind": pl.String(), "exam_date": pl.Date(),
                          "exam_name": pl.String()})  # fmt: skip
EARLIER_RAW_SCHEMA = pl.Schema(
    {"student_id": pl.String(), "exam_id": pl.Int64(), "exam_kind": pl.String(), "exam_date": pl.Date(),
     "exam_name": pl.String(), "level": pl.String(), "name": pl.String(), **_SECTIONS_SCHEMA, "total": pl.Int64(),
     "result": pl.String()}
)  # fmt: skip


def _earlier_query() -> str:
    """Per student: seek the date of their ``skip``+1-th latest exam before the date, then read
    the records from there to the date (the key is newest first, so both are index seeks)."""
    sections = ", ".join(f"r.{key}" for key in SECTION_KEYS)
    oldest_wanted = """SELECT x.exam_date FROM record x WHERE x.student_id = w.value AND x.exam_date < :date
                       ORDER BY x.exam_date DESC LIMIT 1 OFFSET :skip"""
    return f"""
    SELECT r.student_id, r.exam_id, r.level, r.name, {sections}, r.total, r.result
    FROM json_each(:ids) AS w
    JOIN record r ON r.student_id = w.value AND r.exam_date < :date
                 AND r.exam_date >= coalesce(({oldest_wanted}), '')"""


_EARLIER_QUERY = _earlier_query()
