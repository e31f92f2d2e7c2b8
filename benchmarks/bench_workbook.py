"""How long summary.xlsx takes for a large cohort, and how much memory it needs.

    python benchmarks/bench_workbook.py              # 100,000 rows, 3 runs
    python benchmarks/bench_workbook.py --rows 20000 --runs 5

Builds a synthetic judged cohort (scores drawn per level, judged by jlpt_batch.judge,
0.5% rejected rows), then writes the workbook several times and prints the median
time and the peak memory of the writing: Python allocations (tracemalloc) and, in a
fresh process for a fifth of the rows and for all of them, how far the resident size
peaks above where it started (Linux /proc/self/status), which also counts polars' memory.

It also times, in the same run, the plain openpyxl way of writing the Results rows
(one WriteOnlyCell per text value) on the same frame, to show why the workbook
renders those rows with polars instead.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jlpt_batch.contract import COLUMN_KEYS, REJECTED, CohortRun, SourceInfo
from jlpt_batch.judging.judge import judge
from jlpt_batch.outputs.workbook.writer import write_workbook
from jlpt_batch.settings import Settings

LEVELS = ("N1", "N2", "N3", "N4", "N5")
QUESTIONS = {"vocabulary": 30, "grammar": 25, "reading": 8}


def synthetic_cohort(rows: int, seed: int = 7) -> CohortRun:
    """A judged cohort of ``rows`` rows with the schema of docs/architecture.md.

    Scores are drawn from bell curves near the national means, so the share of near
    misses and of failures is realistic (the near-miss sheet is then a long table too).
    """
    rng = random.Random(seed)
    levels = [rng.choice(LEVELS) for _ in range(rows)]
    three = [level in ("N1", "N2", "N3") for level in levels]
    valid = pl.DataFrame(
        {
            "candidate_id": [f"{i:07d}" for i in range(rows)],
            "name": [f"Student {i} 山田" for i in range(rows)],
            "class": [f"{1 + i % 3}{'ABCD'[i % 4]}" for i in range(rows)],
            "level": levels,
            "source_row": range(2, rows + 2),
            "language_knowledge": _scores(rng, 60, 28, 10, three),
            "reading": _scores(rng, 60, 28, 12, three),
            "language_knowledge_reading": _scores(rng, 120, 55, 19, [not t for t in three]),
            "listening": _scores(rng, 60, 32, 11, [True] * rows),
            **_counts(rng, [not t for t in three]),
            "region": [rng.choice(("domestic", "overseas")) for _ in range(rows)],
            "language": [rng.choice(("en", "ja", "zh", "vi")) for _ in range(rows)],
        },
        schema_overrides={"source_row": pl.Int64},
    )
    judged = judge(valid).with_columns(pl.lit(None, pl.String).alias("error"))
    return _with_rejected(judged, every=200)


def _scores(rng: random.Random, top: int, mean: float, sd: float, present: list[bool]) -> pl.Series:
    """One section's scores; None where the level has no such section, or about 1% absent."""
    return pl.Series(
        [min(top, max(0, round(rng.gauss(mean, sd)))) if has and rng.random() >= 0.01 else None for has in present],
        dtype=pl.Int64,
    )


def _counts(rng: random.Random, has_reading_band: list[bool]) -> dict[str, pl.Series]:
    """Correct answers and questions per sub-part (reading only where the level shows it)."""
    counts = {}
    for part, questions in QUESTIONS.items():
        shown = has_reading_band if part == "reading" else [True] * len(has_reading_band)
        counts[f"{part}_correct"] = pl.Series([rng.randint(0, questions) if s else None for s in shown], dtype=pl.Int64)
        counts[f"{part}_questions"] = pl.Series([questions if s else None for s in shown], dtype=pl.Int64)
    return counts


def _with_rejected(judged: pl.DataFrame, every: int) -> CohortRun:
    """Mark one row in ``every`` as rejected (listening out of range), as the pipeline keeps them."""
    hit = pl.int_range(pl.len()) % every == every - 1
    reason = pl.format("row {}: Listening 61 is outside 0-60 for N3; check the score", pl.col("source_row"))
    judged = judged.with_columns(
        pl.when(hit).then(pl.lit(REJECTED)).otherwise(pl.col("result")).alias("result"),
        pl.when(hit).then(reason).otherwise(pl.col("error")).alias("error"),
        pl.when(hit).then(False).otherwise(pl.col("scored")).alias("scored"),
    )
    first = list(COLUMN_KEYS)
    judged = judged.select(first + [c for c in judged.columns if c not in first])
    rejections = judged.filter(pl.col("result") == REJECTED).select(
        "source_row", "candidate_id", pl.lit("Listening").alias("column"),
        pl.lit("61").alias("value"), pl.col("error").alias("reason"),
    )  # fmt: skip
    source = SourceInfo(Path("cohort.xlsx"), "0" * 64, "Scores", None, 1, judged.height, 0)
    return CohortRun(judged, rejections, source)


def time_workbook(run: CohortRun, folder: Path, runs: int) -> tuple[list[float], int]:
    settings = Settings(input_path=Path("cohort.xlsx"), out_dir=folder, as_of=dt.date(2026, 9, 1))
    seconds = []
    for index in range(runs):
        start = time.perf_counter()
        write_workbook(run, folder / f"summary-{index}.xlsx", settings)
        seconds.append(time.perf_counter() - start)
    tracemalloc.start()
    write_workbook(run, folder / "summary-traced.xlsx", settings)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak


def time_openpyxl_rows(run: CohortRun, folder: Path) -> float:
    """The Results rows written cell by cell through openpyxl's write-only mode, for comparison."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Results")
    frame = run.judged.with_columns(pl.col(pl.Boolean).replace_strict({True: "yes", False: "no"}))
    start = time.perf_counter()
    for values in frame.iter_rows():
        cells = []
        for value in values:
            if isinstance(value, str) and value:
                cell = WriteOnlyCell(sheet, value)
                cell.data_type = "s"
                value = cell
            cells.append(value)
        sheet.append(cells)
    book.save(folder / "openpyxl-rows.xlsx")
    return time.perf_counter() - start


def peak_rss_growth(rows: int, folder: Path) -> float:
    """MiB the resident size peaks above its start while writing, in a process that only loads and writes."""
    run = synthetic_cohort(rows)
    run.judged.write_parquet(folder / "judged.parquet")
    run.rejections.write_parquet(folder / "rejections.parquet")
    child = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)], check=True, capture_output=True, text=True
    )
    return float(child.stdout.split()[-1])


def child(folder: Path) -> None:
    """Load a saved cohort, write its workbook, print how far the resident size peaked above the start (MiB)."""
    judged = pl.read_parquet(folder / "judged.parquet")
    rejections = pl.read_parquet(folder / "rejections.parquet")
    source = SourceInfo(Path("cohort.xlsx"), "0" * 64, "Scores", None, 1, judged.height, 0)
    settings = Settings(input_path=Path("cohort.xlsx"), out_dir=folder, as_of=dt.date(2026, 9, 1))
    before = _status_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # Linux: restart the peak (VmHWM) from now
    write_workbook(CohortRun(judged, rejections, source), folder / "summary.xlsx", settings)
    print((_status_kib("VmHWM") - before) / 1024)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-openpyxl", action="store_true", help="do not time the cell-by-cell baseline")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    run = synthetic_cohort(args.rows)
    print(f"cohort: {run.judged.height} rows x {run.judged.width} columns, {run.rejections.height} rejected")
    with tempfile.TemporaryDirectory() as folder:
        seconds, peak = time_workbook(run, Path(folder), args.runs)
        size = (Path(folder) / "summary-0.xlsx").stat().st_size
        median = statistics.median(seconds)
        print(f"write_workbook: median {median:.2f} s over {args.runs} runs ({', '.join(f'{s:.2f}' for s in seconds)})")
        print(f"peak Python memory while writing: {peak / 2**20:.1f} MiB; file {size / 2**20:.1f} MiB")
        for rows in (args.rows // 5, args.rows):
            with tempfile.TemporaryDirectory() as scratch:
                growth = peak_rss_growth(rows, Path(scratch))
            print(f"resident size peak above the start while writing {rows} rows: {growth:.0f} MiB")
        if not args.skip_openpyxl:
            baseline = time_openpyxl_rows(run, Path(folder))
            print(
                f"Results rows cell by cell in openpyxl: {baseline:.2f} s ({baseline / median:.1f}x the whole workbook)"
            )


if __name__ == "__main__":
    main()
