"""Judging and whole-run benchmark (issue: judge a cohort).

    python benchmarks/bench_judge.py [--rows 1000000] [--runs 5]

Prints, all measured in this one run:
1. the vectorised judgement of N synthetic rows on one core (POLARS_MAX_THREADS=1), median
   of --runs, rows/s, and the ratio to the plain per-row reference judge on the same rows;
2. the whole `jlpt-batch run --no-sheets --no-workbook` on an N-row CSV against polars alone
   reading that CSV and writing it back (both as fresh processes, alternated), with the
   ratio pair by pair and each process's peak memory.
"""

from __future__ import annotations

import os

os.environ.setdefault("POLARS_MAX_THREADS", "1")  # "one core", before polars is imported

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import synthetic_scores

from jlpt_batch.judging.judge import judge
from jlpt_batch.judging.plain_judge import judge_row

POLARS_ROUND_TRIP = "import polars as pl, sys; pl.read_csv(sys.argv[1]).write_csv(sys.argv[2])"
WRITE_CSV = "import sys; from synthetic import synthetic_csv_frame as f; f(int(sys.argv[1])).write_csv(sys.argv[2])"


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def bench_judgement(rows: int, runs: int) -> None:
    frame = synthetic_scores(rows)
    vectorised = [timed(lambda: judge(frame)) for _ in range(runs)]
    build = time.perf_counter()
    dicts = frame.to_dicts()
    build = time.perf_counter() - build
    plain = [timed(lambda: [judge_row(row) for row in dicts]) for _ in range(max(1, runs // 2))]
    v, p = statistics.median(vectorised), statistics.median(plain)
    print(f"judge, vectorised, 1 thread: median {v:.3f} s of {runs} (min {min(vectorised):.3f}, "
          f"max {max(vectorised):.3f}) = {rows / v / 1e6:.2f} M rows/s")  # fmt: skip
    print(f"judge, plain per-row reference: median {p:.3f} s of {len(plain)} (+ {build:.3f} s to build the dicts)")
    print(f"ratio plain / vectorised: {p / v:.1f}x")


def run_process(args: list[str], env: dict) -> tuple[float, int, float]:
    """Wall seconds, peak resident memory (MB) and CPU seconds (user + system, every thread) of one
    fresh process. CPU time is less disturbed than wall time when others share the machine."""
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 3):
        raise SystemExit(f"{args} failed with status {status}")
    return wall, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def bench_whole_run(rows: int, runs: int) -> None:
    """Run first, from a small parent: Linux carries a parent's peak memory into its children."""
    env = {k: v for k, v in os.environ.items() if k != "POLARS_MAX_THREADS"}
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "cohort.csv"
        here = {**env, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), env.get("PYTHONPATH", "")])}
        subprocess.run([sys.executable, "-c", WRITE_CSV, str(rows), str(csv)], check=True, env=here)
        # without the history store: recording is measured by bench_history.py (and would leave a store here)
        ours = [sys.executable, "-m", "jlpt_batch", "run", str(csv), "--out", f"{folder}/out",
                "--no-sheets", "--no-workbook", "--no-history", "--as-of", "2026-11-23"]  # fmt: skip
        baseline = [sys.executable, "-c", POLARS_ROUND_TRIP, str(csv), f"{folder}/copy.csv"]
        run_process(ours, env), run_process(baseline, env)  # warm-up: file cache, imports
        pairs = [(run_process(ours, env), run_process(baseline, env)) for _ in range(runs)]
    ours_wall = [o[0] for o, _ in pairs]
    base_wall = [b[0] for _, b in pairs]
    ratios = [o[0] / b[0] for o, b in pairs]
    print(f"jlpt-batch run, {rows:,}-row CSV, no sheets/workbook: median {statistics.median(ours_wall):.2f} s, "
          f"peak {max(o[1] for o, _ in pairs)} MB")  # fmt: skip
    print(f"polars read_csv + write_csv of the same file: median {statistics.median(base_wall):.2f} s, "
          f"peak {max(b[1] for _, b in pairs)} MB")  # fmt: skip
    print(f"ratio run / polars round trip: median {statistics.median(ratios):.2f}x "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f}) over {runs} alternated pairs")  # fmt: skip
    cpu = [o[2] / b[2] for o, b in pairs]
    print(f"CPU time (user + system): run median {statistics.median(o[2] for o, _ in pairs):.2f} s, round trip "
          f"{statistics.median(b[2] for _, b in pairs):.2f} s; ratio median {statistics.median(cpu):.2f}x "
          f"(min {min(cpu):.2f}, max {max(cpu):.2f})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bench_whole_run(args.rows, args.runs)
    bench_judgement(args.rows, args.runs)


if __name__ == "__main__":
    main()
