"""The history store file: ours or nothing, whole or not at all, private, and forgetful when asked."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from cohort_files import write_csv

from jlpt_batch.cli import main
from jlpt_batch.errors import HistoryError
from jlpt_batch.history import store as store_module
from jlpt_batch.history.store import RECORD_COLUMNS, SCHEMA_VERSION, ExamKey, HistoryStore, RunInfo

MAY_MOCK = ExamKey(dt.date(2026, 5, 10), "mock")
JULY = ExamKey(dt.date(2026, 7, 5), "sitting")
RUN = RunInfo("cohort.csv", "0" * 64, "0.1.0", dt.datetime(2026, 7, 20, 9, 0, tzinfo=dt.UTC))
HEADER = ["Student No.", "Candidate No", "Name", "Class", "Level", "Language Knowledge", "Reading", "Listening"]


NUMBERS = ("language_knowledge", "reading", "language_knowledge_reading", "listening", "total")


def records(*rows: tuple) -> pl.DataFrame:
    """Judged N1-N3 rows as a run records them: (student_id, name, class, level, knowledge, reading, listening)."""
    columns = {key: [] for key in RECORD_COLUMNS}
    for student_id, name, class_name, level, knowledge, reading, listening in rows:
        total = knowledge + reading + listening
        passed = total >= 95 and min(knowledge, reading, listening) >= 19
        values = {"student_id": student_id, "candidate_id": f"C-{student_id}", "name": name, "class": class_name,
                  "level": level, "language_knowledge": knowledge, "reading": reading,
                  "language_knowledge_reading": None, "listening": listening, "total": total,
                  "result": "PASS" if passed else "FAIL"}  # fmt: skip
        for key in RECORD_COLUMNS:
            columns[key].append(values[key])
    return pl.DataFrame(columns, schema={key: pl.Int64 if key in NUMBERS else pl.String for key in RECORD_COLUMNS})


def invoke(*args: object):
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture
def store(tmp_path) -> HistoryStore:
    store = HistoryStore(tmp_path / "history.db")
    store.record(records(("S1", "Tanaka Hana", "1A", "N3", 30, 30, 15), ("S2", "Le Van An", "1B", "N3", 40, 40, 40)),
                 MAY_MOCK, RUN)  # fmt: skip
    return store


def test_a_new_store_is_readable_by_its_owner_only_and_says_what_it_is(store):
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    header = store.path.read_bytes()[:100]
    assert header.startswith(b"SQLite format 3\x00")
    assert int.from_bytes(header[60:64], "big") == SCHEMA_VERSION
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["history.db"]  # nothing half-built left


def test_recording_an_exam_again_replaces_only_the_students_in_that_file(store):
    store.record(records(("S3", "Sato Ken", "1A", "N3", 20, 20, 20)), MAY_MOCK, RUN)  # another class's file
    store.record(records(("S1", "Tanaka Hana", "1A", "N3", 31, 31, 16)), MAY_MOCK, RUN)  # a corrected row
    exams = store.exams()
    assert exams.select("exam_kind", "level", "students").rows() == [("mock", "N3", 3)]
    assert store.student("S1")["listening"].to_list() == [16]
    assert store.student("S2")["listening"].to_list() == [40]


def test_reading_never_writes_to_the_file(store):
    before = store.path.read_bytes()
    store.earlier_exams(["S1", "S2", "S9"], JULY, most=4)
    store.exams(), store.student("S1"), store.records(class_name="1A")
    assert store.path.read_bytes() == before


def test_earlier_exams_are_the_latest_before_this_exam_newest_first(store):
    store.record(records(("S1", "Tanaka Hana", "1A", "N3", 32, 32, 19)), JULY, RUN)
    october = ExamKey(dt.date(2026, 10, 4), "mock", "Autumn practice")
    store.record(records(("S1", "Tanaka Hana", "1A", "N3", 33, 33, 21)), october, RUN)
    december = ExamKey(dt.date(2026, 12, 6), "sitting")
    found = store.earlier_exams(["S1", "S2", "S9"], december, most=2)
    assert found.select("student_id", "exam_kind", "exam_name", "listening").rows() == [
        ("S1", "mock", "Autumn practice", 21),
        ("S1", "sitting", "", 19),
        ("S2", "mock", "", 40),
    ]
    # Re-running July: July itself, and what came after it, are not earlier exams of July.
    assert store.earlier_exams(["S1"], JULY, most=4).select("exam_kind", "listening").rows() == [("mock", 15)]


def test_forgetting_a_student_removes_their_data_from_the_file(store):
    assert store.forget("S1") == 1
    assert store.student("S1").height == 0 and store.student("S2").height == 1
    assert b"Tanaka" not in store.path.read_bytes()  # overwritten, not just unlinked


def test_removing_an_exam_leaves_the_others(store):
    store.record(records(("S1", "Tanaka Hana", "1A", "N3", 32, 32, 19)), JULY, RUN)
    assert store.remove_exam(MAY_MOCK) == 2
    assert store.exams().select("exam_kind", "students").rows() == [("sitting", 1)]


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"", "it is an empty file"),
        (b"student,score\nS1,40\n" * 10, "it is not an SQLite database"),
        ("sqlite", "it is another program's SQLite database"),
    ],
)
def test_a_file_that_is_not_our_store_is_refused_with_one_line_and_left_as_it_is(tmp_path, content, what):
    path = tmp_path / "jlpt-batch.db"
    if content == "sqlite":
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE notes (text TEXT)")
        other.close()
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    cohort = write_csv(tmp_path / "c.csv", [HEADER, ["S1", "C1", "Ana", "1A", "N3", 40, 40, 40]])
    result = invoke("run", cohort, "--out", tmp_path / "out", "--history", path, "--no-sheets")
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"Error: {path} is not a jlpt-batch history store ({what}), so it is left as it is; "
        "choose another --history, or move that file away\n"
    )
    assert path.read_bytes() == before
    assert not (tmp_path / "out").exists()


def test_a_store_written_by_a_newer_version_is_refused_with_one_line(store, tmp_path):
    with sqlite3.connect(store.path) as newer:
        newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer.close()
    before = store.path.read_bytes()
    cohort = write_csv(tmp_path / "c.csv", [HEADER, ["S1", "C1", "Ana", "1A", "N3", 40, 40, 40]])
    for args in (("run", cohort, "--out", tmp_path / "out"), ("history",)):
        result = invoke(*args, "--history", store.path)
        assert result.exit_code == 2, result.output
        assert result.output == (
            f"Error: history store {store.path} was written by a newer jlpt-batch (store version "
            f"{SCHEMA_VERSION + 1}; this one reads version {SCHEMA_VERSION}); upgrade jlpt-batch, "
            "or choose another --history\n"
        )
    assert store.path.read_bytes() == before
    with pytest.raises(HistoryError):
        HistoryStore(store.path)


def test_a_failed_transaction_leaves_the_store_as_it_was(store):
    before = store.path.read_bytes()
    broken = records(("S4", "Kim Min", "1A", "N3", 40, 40, 40)).with_columns(pl.lit("MAYBE").alias("result"))
    with pytest.raises(sqlite3.IntegrityError):  # the CHECK on result fails on the last row, after others
        store.record(pl.concat([records(("S5", "Ana", "1A", "N3", 40, 40, 40)), broken]), JULY, RUN)
    assert store.path.read_bytes() == before


def test_labels_name_an_exam_as_results_csv_does():
    assert JULY.label == "sitting 2026-07"
    assert MAY_MOCK.label == "mock 2026-05-10"
    assert ExamKey(dt.date(2026, 5, 10), "mock", "Spring practice").label == "mock 2026-05-10 Spring practice"


def test_the_store_is_never_created_by_a_run_that_stops_before_its_outputs(tmp_path):
    cohort = write_csv(tmp_path / "c.csv", [HEADER, ["S1", "C1", "Ana", "1A", "N3", 40, 40, 40]])
    (tmp_path / "out").mkdir()  # not ours (it holds another file): the run stops before writing anything
    (tmp_path / "out" / "notes.txt").write_text("the school's own file")
    result = invoke("run", cohort, "--out", tmp_path / "out", "--history", tmp_path / "h.db")
    assert result.exit_code == 2
    assert not (tmp_path / "h.db").exists()


def test_a_store_is_found_whole_when_its_file_is_copied_elsewhere(store, tmp_path):
    copy = tmp_path / "moved" / "backup.db"
    copy.parent.mkdir()
    copy.write_bytes(store.path.read_bytes())
    assert HistoryStore(copy).exams().equals(store.exams())
    assert Path(copy).stat().st_size == store.path.stat().st_size


def test_a_new_store_that_a_killed_run_left_half_built_is_cleared_away(tmp_path):
    gone = 2**22 + 12345  # above any pid this machine hands out
    for leftover in (f".history.db.new-{gone}", f".history.db.new-{gone}-journal"):
        (tmp_path / leftover).write_bytes(b"half")
    store = HistoryStore(tmp_path / "history.db")
    store.record(records(("S1", "Tanaka Hana", "1A", "N3", 30, 30, 15)), MAY_MOCK, RUN)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.db"]


def recorded_run(tmp_path, store: Path):
    """A first run recorded in the store; the file of the next exam, and the store's bytes before it."""
    cohort = write_csv(tmp_path / "c.csv", [HEADER, ["S1", "C1", "Ana", "1A", "N3", 40, 40, 40]])
    assert invoke("run", cohort, "--out", tmp_path / "out", "--history", store, "--no-sheets").exit_code == 0
    return write_csv(tmp_path / "mock.csv", [HEADER, ["S1", "C1", "Ana", "1A", "N3", 45, 40, 40]]), store.read_bytes()


def test_a_store_kept_busy_too_long_is_exit_4_with_the_outputs_complete(tmp_path, monkeypatch):
    store = tmp_path / "jlpt-batch.db"
    cohort, before = recorded_run(tmp_path, store)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    other_run = sqlite3.connect(store, isolation_level=None)
    other_run.execute("BEGIN IMMEDIATE")  # another run's transaction: reading still works, writing waits
    try:
        result = invoke("run", cohort, "--out", tmp_path / "out2", "--history", store, "--mock-date", "2026-10-04")
    finally:
        other_run.execute("ROLLBACK")
        other_run.close()
    assert result.exit_code == 4
    assert result.output == (
        f"Error: the outputs are in {tmp_path / 'out2'}, but this exam was not recorded in the history store "
        f"{store} (another run kept it busy for too long); it is as it was: fix that and run again to record "
        "this exam\n"
    )
    assert (tmp_path / "out2" / "results.csv").exists()
    assert store.read_bytes() == before


def test_an_interruption_while_recording_says_the_outputs_are_complete_and_leaves_the_store(tmp_path, monkeypatch):
    store = tmp_path / "jlpt-batch.db"
    cohort, before = recorded_run(tmp_path, store)

    def interrupted(connection):
        raise KeyboardInterrupt  # Ctrl-C inside the transaction, after the rows went in

    monkeypatch.setattr(store_module, "_drop_unused", interrupted)
    result = invoke("run", cohort, "--out", tmp_path / "out2", "--history", store, "--mock-date", "2026-10-04")
    assert result.exit_code == 130
    assert result.output == (
        f"Error: interrupted; the outputs are in {tmp_path / 'out2'}, but this exam was not recorded in the "
        f"history store {store}, which is as it was: run again to record it\n"
    )
    assert store.read_bytes() == before
    assert not list(tmp_path.glob("jlpt-batch.db-*"))


def test_forgetting_in_a_store_kept_busy_is_exit_4_and_changes_nothing(store, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    before = store.path.read_bytes()
    other_run = sqlite3.connect(store.path, isolation_level=None)
    other_run.execute("BEGIN IMMEDIATE")
    try:
        result = invoke("history", "--history", store.path, "--forget", "S1")
    finally:
        other_run.execute("ROLLBACK")
        other_run.close()
    assert result.exit_code == 4
    assert result.output == (
        f"Error: the history store {store.path} could not be written (another run kept it busy for too long); "
        "it is as it was: fix that and try again\n"
    )
    assert store.path.read_bytes() == before
