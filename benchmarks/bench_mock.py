"""Mock exam benchmark: marking, judging and item analysis of a large answer-sheet export.

    python benchmarks/bench_mock.py [--students 100000] [--questions 150] [--runs 5]

Writes a responses CSV (students of N3 and N4 mixed, one column per question, names in
Japanese, Chinese, Korean, Vietnamese and Latin script, some blanks, double marks, circled
and full-width digits) and its answer key, then prints, all measured in this one run:

1. each stage of ``load_cohort`` in this process (reading the CSV, the key, validation,
   marking, judging, item analysis), median of --runs, and the sum of marking + judging +
   analysis, the target being under 5 s;
2. ``jlpt-batch run --no-sheets --no-workbook`` on the same files as a fresh process
   (results.csv and items.csv written): wall time and peak resident memory, the target
   being under 2 GB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from jlpt_batch.exams import Exam
from jlpt_batch.marking import analyse, load_key, mark
from jlpt_batch.pipeline import combine
from jlpt_batch.reading import read_table
from jlpt_batch.reading.validate import prepare
from jlpt_batch.settings import Settings

LEVELS = ("N3", "N4")
SECTIONS = {  # level -> (section, part, share of the questions)
    "N3": (("language_knowledge", "vocabulary", 0.3), ("language_knowledge", "grammar", 0.2),
           ("reading", "reading", 0.2), ("listening", "listening", 0.3)),
    "N4": (("language_knowledge_reading", "vocabulary", 0.35),
           ("language_knowledge_reading", "grammar", 0.25),
           ("language_knowledge_reading", "reading", 0.1), ("listening", "listening", 0.3)),
}  # fmt: skip
NAMES = (
    "佐藤 陽菜", "髙橋 美咲", "Nguyễn Thị Ánh", "김지호",
    "张慧敏", "Aayush Sharma", "グエン・ティ・ラン", "João Gonçalves",
)  # fmt: skip


def key_frame(questions: int) -> pl.DataFrame:
    """One row per level and question: the keyed option cycles, the sections follow SECTIONS."""
    rows = []
    for level in LEVELS:
        number = 0
        for section, part, share in SECTIONS[level]:
            for _ in range(round(questions * share)):
                number += 1
                rows.append((level, f"Q{number}", str(number * 7 % 4 + 1), section, part))
    return pl.DataFrame(rows, schema=["level", "item", "answer", "section", "part"], orient="row")


def responses_frame(students: int, questions: int, seed: int = 11) -> pl.DataFrame:
    """Answers drawn from each student's ability and each question's difficulty (hash-based, deterministic)."""
    student = pl.int_range(students, dtype=pl.Int64, eager=True)
    frame = pl.DataFrame({"student": student}).with_columns(
        pl.format("M{}", pl.col("student") + 100000).alias("ID"),
        pl.lit(pl.Series(NAMES)).gather(pl.col("student") % len(NAMES)).alias("Name"),
        pl.format("Class {}", pl.col("student") // 30 % 40).alias("Class"),
        pl.when(pl.col("student") % 2 == 0).then(pl.lit("N3")).otherwise(pl.lit("N4")).alias("Level"),
        (pl.col("student").hash(seed) % 1000 / 1000).alias("_ability"),
    )
    keyed = key_frame(questions).filter(pl.col("level") == "N3")["answer"].to_list()
    cells = []
    for number, answer in enumerate(keyed, start=1):  # generating the data, not marking it
        draw = (pl.col("student").hash(seed + number) % 10_000) / 10_000
        chance = 0.25 + 0.7 * pl.col("_ability") * (1 - number / (2 * questions))
        wrong = ((int(answer) + pl.col("student").hash(seed * number) % 3) % 4 + 1).cast(pl.String)
        cells.append(
            pl.when(draw < 0.01)
            .then(None)
            .when(draw < 0.012)
            .then(pl.lit(f"{answer},{int(answer) % 4 + 1}"))
            .when(draw < 0.02)
            .then(pl.lit(chr(0x245F + int(answer))))  # ① as some scanners write it
            .when(draw < chance)
            .then(pl.lit(answer))
            .otherwise(wrong)
            .alias(f"Q{number}")
        )
    return frame.with_columns(cells).drop("student", "_ability")


class Stopwatch:
    """Wall seconds and CPU seconds (all threads) of each stage of one run, in order.

    The CPU time is what a stage costs whatever else the machine is doing; on an idle
    2-core machine the wall time is at most that, and often about half of it.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._last = time.perf_counter()
        self._last_cpu = time.process_time()

    def lap(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[stage], self._last = now - self._last, now
        self.cpu[stage], self._last_cpu = cpu - self._last_cpu, cpu


def one_run(settings: Settings) -> Stopwatch:
    """load_cohort's stages, one after another, each timed."""
    assert settings.key_path is not None
    watch = Stopwatch()
    raw = read_table(settings.input_path)
    watch.lap("read the CSV")
    key = load_key(settings.key_path, raw.header)
    watch.lap("read and check the key")
    prepared = prepare(raw, max_rows=10**7, scores_required=False)
    watch.lap("validate")
    marked = mark(raw, prepared, key)
    watch.lap("mark")
    combine(marked.prepared, Exam.chosen(None, settings.as_of, settings.as_of).kind)
    watch.lap("judge")
    analyse(marked, key)
    watch.lap("analyse")
    return watch


def bench_stages(settings: Settings, runs: int) -> None:
    stages: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for _ in range(runs):
        watch = one_run(settings)
        for stage in watch.seconds:
            stages.setdefault(stage, []).append(watch.seconds[stage])
            cpu.setdefault(stage, []).append(watch.cpu[stage])
    for stage, values in stages.items():
        print(f"  {stage:<24} median {statistics.median(values):6.3f} s (min {min(values):.3f}, "
              f"max {max(values):.3f}); CPU {statistics.median(cpu[stage]):.3f} s")  # fmt: skip
    marking = ("mark", "judge", "analyse")
    wall = [sum(values) for values in zip(*(stages[stage] for stage in marking), strict=True)]
    used = [sum(values) for values in zip(*(cpu[stage] for stage in marking), strict=True)]
    print(f"mark + judge + analyse: median {statistics.median(wall):.3f} s of {runs} (min {min(wall):.3f}; "
          f"target under 5 s), CPU {statistics.median(used):.3f} s")  # fmt: skip


def bench_command(responses: Path, key: Path, out: Path) -> None:
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "jlpt_batch", "run", str(responses), "--key", str(key),
               "--out", str(out), "--no-sheets", "--no-workbook", "--no-history", "--as-of", "2026-11-20"]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = next(int(line.split()[-1]) for line in done.stderr.splitlines() if "Maximum resident" in line)
    print(f"jlpt-batch run --no-sheets --no-workbook: exit {done.returncode}, {wall:.2f} s, "
          f"peak {peak / 1024:.0f} MB (target under 2 GB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--questions", type=int, default=150)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-mock-"))
    responses, key = folder / "responses.csv", folder / "key.csv"
    responses_frame(args.students, args.questions).write_csv(responses)
    key_frame(args.questions).write_csv(key)
    print(
        f"{args.students:,} students x {args.questions} questions (N3 and N4 mixed), "
        f"{responses.stat().st_size / 1e6:.0f} MB CSV; polars {pl.__version__}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )  # others' work slows every figure
    bench_stages(Settings(responses, folder / "out", key_path=key), args.runs)
    bench_command(responses, key, folder / "run-out")


if __name__ == "__main__":
    main()
