"""How fast the history store records a run and looks students up, and how large it grows.

    python benchmarks/bench_history.py                       # 100,000 students, 5 runs
    python benchmarks/bench_history.py --students 20000 --runs 3
    python benchmarks/bench_history.py --clock cpu       # CPU seconds: steadier on a busy machine

Everything goes through the package's own functions (``HistoryStore.record``,
``history.progress.look_up``) on a judged cohort with names in mixed scripts:

- *recording*: the judged rows of a fourth exam written into a store that already holds
  the students' three earlier exams (a copy of the same store for every run), against the
  floor: the same values inserted with one bare ``executemany`` into an empty table;
- *looking up*: every student's previous exam (what results.csv and the workbook need),
  and their latest four (what a run with sheets needs), against the floor: fetching the
  rows of one exam of the same students into a polars frame with one bare query;
- *size*: a school's ten years, 2,000 students on the roll and 12 exams a year (half the
  students leave each year and new ones come), recorded exam by exam, then a lookup for
  the 2,000 students of the last exam;
- *the sheets*: the sample cohort's sheets (233 students, five languages) worded and drawn
  in this process with their progress block (one earlier exam: the same cohort recorded as a
  mock) and without it, in pairs, to show what the block adds to a sheet.

Medians of the runs; ratios are taken run by run, so a busy machine slows both sides.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_scores

from jlpt_batch.history.progress import look_up
from jlpt_batch.history.store import RECORD_COLUMNS, ExamKey, HistoryStore, RunInfo
from jlpt_batch.judging.judge import judge

NAMES = ("山田 太郎", "Nguyễn Thị Lan", "श्रेष्ठ राम", "王 小明", "김 민준", "Aung Kyaw", "Perera Nimal",
         "Somchai Ch.")  # fmt: skip
EXAMS = (
    ExamKey(dt.date(2026, 5, 10), "mock"),
    ExamKey(dt.date(2026, 7, 5), "sitting"),
    ExamKey(dt.date(2026, 10, 4), "mock", "Autumn practice"),
    ExamKey(dt.date(2026, 12, 6), "sitting"),
)
NEXT = ExamKey(dt.date(2027, 2, 14), "mock")
RUN = RunInfo("cohort.xlsx", "0" * 64, "bench", dt.datetime(2027, 1, 1, tzinfo=dt.UTC))


def judged_rows(students: int, seed: int, first_id: int = 0) -> pl.DataFrame:
    """Judged rows as a run records them: scores judged by the rules, ids and names of students."""
    judged = judge(synthetic_scores(students, seed))
    index = pl.int_range(first_id, first_id + students, eager=True)
    names = pl.Series(NAMES).gather(index % len(NAMES)) + " " + index.cast(pl.String)
    return judged.with_columns(
        ("S" + index.cast(pl.String).str.zfill(7)).alias("student_id"), names.alias("name")
    ).select(RECORD_COLUMNS)


# Wall-clock time by default; --clock cpu counts this process's CPU time instead, which other
# people's work on a shared machine disturbs much less.
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = CLOCKS["wall"]


def timed(action: Callable[[], object]) -> float:
    start = clock()
    action()
    return clock() - start


def bare_insert(rows: pl.DataFrame, folder: Path) -> float:
    """The floor of recording: the same values into an empty table, one executemany, one commit."""
    path = folder / "bare.db"
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    connection.execute(f"CREATE TABLE record (exam_date, exam_id, run_id, {', '.join(RECORD_COLUMNS)})")
    marks = ", ".join("?" * (len(RECORD_COLUMNS) + 3))
    start = clock()
    connection.executemany(f"INSERT INTO record VALUES ({marks})", (("2027-02-14", 5, 5, *r) for r in rows.iter_rows()))
    connection.commit()
    seconds = clock() - start
    connection.close()
    return seconds


def bare_fetch(store: Path, ids: list[str]) -> float:
    """The floor of a lookup: one exam's rows of the same students, in one query, into a frame."""
    connection = sqlite3.connect(store)
    start = clock()
    rows = connection.execute(
        f"SELECT {', '.join(RECORD_COLUMNS)} FROM record WHERE exam_date = '2026-12-06' "
        "AND student_id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    ).fetchall()
    pl.DataFrame(rows, schema=list(RECORD_COLUMNS), orient="row")
    seconds = clock() - start
    connection.close()
    return seconds


def record_and_look_up(students: int, runs: int, folder: Path) -> dict[str, list[float]]:
    rows = {exam: judged_rows(students, seed) for seed, exam in enumerate(EXAMS, start=1)}
    base = HistoryStore(folder / "base.db")
    for exam in EXAMS[:3]:
        base.record(rows[exam], exam, RUN)
    judged = rows[EXAMS[3]].with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("source_row"))
    ids = judged["student_id"].to_list()
    times: dict[str, list[float]] = {
        "record": [],
        "bare insert": [],
        "previous": [],
        "latest four": [],
        "bare fetch": [],
    }
    for run in range(runs):
        copy = folder / f"run-{run}.db"
        shutil.copy(base.path, copy)
        one_run(HistoryStore(copy), rows[EXAMS[3]], judged, times)
        times["bare insert"].append(bare_insert(rows[EXAMS[3]], folder))
        times["bare fetch"].append(bare_fetch(copy, ids))
        copy.unlink()
    found = look_up(base, judged, EXAMS[3], shown=1)
    assert found.exams.height == students, "every student has a previous exam"
    return times


def one_run(store: HistoryStore, rows: pl.DataFrame, judged: pl.DataFrame, times: dict[str, list[float]]) -> None:
    """Record the fourth exam, then look everyone up as the next exam's run would."""
    times["record"].append(timed(lambda: store.record(rows, EXAMS[3], RUN)))
    times["previous"].append(timed(lambda: look_up(store, judged, NEXT, shown=1)))
    times["latest four"].append(timed(lambda: look_up(store, judged, NEXT, shown=4)))


def ten_years(folder: Path) -> tuple[int, int, float, int]:
    """Records, file size and a lookup's time for 2,000 students x 12 exams a year x 10 years."""
    store = HistoryStore(folder / "ten-years.db")
    on_roll, first_id, records = 2_000, 0, 0
    for year in range(2017, 2027):
        for month in range(1, 13):
            exam = ExamKey(dt.date(year, month, 10), "mock") if month not in (7, 12) else ExamKey(
                dt.date(year, month, 5), "sitting")  # fmt: skip
            rows = judged_rows(on_roll, seed=year * 100 + month, first_id=first_id)
            store.record(rows, exam, RUN)
            records += rows.height
        first_id += on_roll // 2  # half the students leave, as many new ones come
    last = rows.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("source_row"))
    seconds = timed(lambda: look_up(store, last, ExamKey(dt.date(2027, 1, 10), "mock"), shown=4))
    return records, first_id + on_roll, seconds, store.path.stat().st_size


def sheet_cost(runs: int, folder: Path) -> tuple[int, list[tuple[float, float]]]:
    """The sample's sheets, and the seconds to word and draw them (with, without their progress block) per run."""
    import io

    from jlpt_batch.contract import REJECTED
    from jlpt_batch.exams import Exam, Sitting
    from jlpt_batch.history.run_step import with_earlier_exams
    from jlpt_batch.outputs.sheets.content import build_sheet
    from jlpt_batch.outputs.sheets.context import make_context
    from jlpt_batch.outputs.sheets.draw import write_sheet
    from jlpt_batch.outputs.sheets.progress_block import EARLIER_COLUMN, with_earlier
    from jlpt_batch.pipeline import load_cohort
    from jlpt_batch.settings import Settings

    sample = Path(__file__).resolve().parents[1] / "samples" / "cohort.xlsx"
    settings = Settings(sample, folder / "out", as_of=dt.date(2026, 11, 23), exam=Exam(Sitting(2026, 7)))
    cohort = load_cohort(settings)
    store = HistoryStore(folder / "sample.db")
    judged = cohort.judged.filter(pl.col("result") != REJECTED)
    store.record(judged.select(RECORD_COLUMNS), ExamKey(dt.date(2026, 5, 10), "mock"), RUN)
    earlier = with_earlier_exams(cohort, store, settings.effective_exam, 4).earlier
    rows = with_earlier(judged, earlier).to_dicts()
    bare = [{key: value for key, value in row.items() if key != EARLIER_COLUMN} for row in rows]
    context = make_context(settings)

    def draw(chosen: list[dict[str, object]]) -> float:
        return timed(lambda: [write_sheet(build_sheet(row, context), io.BytesIO(), "a4") for row in chosen])

    draw(rows), draw(bare)  # fonts loaded, caches warm
    return len(rows), [(draw(rows), draw(bare)) for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        times = record_and_look_up(args.students, args.runs, folder)
        records, students, lookup, size = ten_years(folder)
        count, sheets = sheet_cost(args.runs, folder)
    median = {name: statistics.median(values) for name, values in times.items()}

    def ratio(name: str, floor: str) -> str:
        ratios = [a / b for a, b in zip(times[name], times[floor], strict=True)]
        return f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"

    print(f"{args.students:,} students, {args.runs} runs (medians; {args.clock} seconds)")
    print(f"  recording a 4th exam:           {median['record']:.3f} s; bare insert {median['bare insert']:.3f} s; "
          f"ratio {ratio('record', 'bare insert')}")  # fmt: skip
    print(f"  looking up the previous exam:   {median['previous']:.3f} s; bare fetch {median['bare fetch']:.3f} s; "
          f"ratio {ratio('previous', 'bare fetch')}")  # fmt: skip
    print(
        f"  looking up the latest four:     {median['latest four']:.3f} s; ratio {ratio('latest four', 'bare fetch')}"
    )
    print(f"ten years, 2,000 on the roll, 12 exams a year: {records:,} records of {students:,} students, "
          f"{size / 1e6:.1f} MB; the last exam's 2,000 students looked up in {lookup * 1000:.0f} ms")  # fmt: skip
    ratios = [with_block / without for with_block, without in sheets]
    extra = statistics.median(with_block - without for with_block, without in sheets) / count
    print(f"the sample's {count} sheets: {statistics.median(w for w, _ in sheets):.2f} s with their progress block, "
          f"{statistics.median(b for _, b in sheets):.2f} s without; ratio {statistics.median(ratios):.2f}x "
          f"({min(ratios):.2f}-{max(ratios):.2f}), {extra * 1000:.1f} ms more a sheet")  # fmt: skip


if __name__ == "__main__":
    main()
