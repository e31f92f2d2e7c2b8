"""End-to-end scale benchmark (issue: never lose a row at 100,000 candidates).

    python benchmarks/bench_scale.py [--sizes 10000 50000 100000] [--jobs 2]

For each cohort size, a fresh process runs the whole `run` (judging, results.csv, the workbook,
every sheet and class bundle) on a synthetic CSV cohort, and prints the wall time of each stage,
the total, and the peak resident memory of the main process and of the largest worker.
Memory should stay flat as the cohort grows: the sheets are streamed to disk class by class.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ONE_RUN = r"""
import json, resource, sys, time, datetime as dt
from pathlib import Path
from jlpt_batch.pipeline import run
from jlpt_batch.settings import Settings
start = time.perf_counter()
report = run(Settings(Path(sys.argv[1]), Path(sys.argv[2]), jobs=int(sys.argv[3]), as_of=dt.date(2026, 11, 23)))
total = time.perf_counter() - start
print(json.dumps({
    "seconds": report.seconds, "total": total,
    "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    "sheets": len(list((Path(sys.argv[2]) / "sheets").iterdir())),
}))
"""


def measure(rows: int, jobs: int) -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    from synthetic import synthetic_csv_frame

    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "cohort.csv"
        synthetic_csv_frame(rows).write_csv(csv)
        done = subprocess.run([sys.executable, "-c", ONE_RUN, str(csv), f"{folder}/out", str(jobs)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    print(f"{'students':>9} {'read+judge':>10} {'csv':>6} {'workbook':>9} {'sheets':>8} {'total':>8} "
          f"{'sheets/s':>9} {'main MB':>8} {'worker MB':>9}")  # fmt: skip
    for rows in args.sizes:
        m = measure(rows, args.jobs)
        s = m["seconds"]
        print(f"{rows:>9,} {s['read and judge']:>10.2f} {s['results.csv']:>6.2f} {s['workbook']:>9.2f} "
              f"{s['sheets']:>8.1f} {m['total']:>8.1f} {m['sheets'] / s['sheets']:>9.0f} "
              f"{m['main_mb']:>8.0f} {m['worker_mb']:>9.0f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
