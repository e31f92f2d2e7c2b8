"""Hostile workbooks: time, peak memory and what the user is told, before and after.

    python benchmarks/bench_hostile.py [--before DIR] [--inflate-gib 2]

Writes the files issue 10 names (tests/corpus.py's writers) and runs ``jlpt-batch check``
on each as a fresh process, printing exit code, wall time, peak resident memory and the
first line of what it said. --before DIR runs the same with an older checkout of the
package first on PYTHONPATH (e.g. ``git archive e847859 | tar -x -C DIR``), for the
before/after table in the README.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

from corpus import error, num, write_inflating_xlsx, write_xlsx

HEADER = ["受験番号", "氏名", "クラス", "レベル", "言語知識", "読解", "聴解"]


def cohort(rows: int = 20) -> list[list[object]]:
    return [HEADER] + [[num(100 + i, "00000"), f"学生 {i}", "1A", "N3", 40, 40, 40] for i in range(rows)]


def hostile_files(folder: Path, inflate: int) -> dict[str, Path]:
    """The files: a cell at XFD1048576, a sheet inflating to ``inflate`` bytes (honest and lying
    zip directory), a 100 MB cell, 200,000 error cells."""
    files = {
        "far cell XFD1048576": write_xlsx(folder / "far.xlsx", cohort(), far_cell="XFD1048576"),
        f"sheet XML inflating to {inflate >> 30} GiB": write_inflating_xlsx(folder / "inflated.xlsx", inflate),
        "the same, directory says 4 KiB": write_inflating_xlsx(folder / "lying.xlsx", inflate, lie=True),
    }
    rows = cohort()
    rows[1][1] = "x" * 100_000_000
    files["a 100 MB cell"] = write_xlsx(folder / "bigcell.xlsx", rows, shared=False)
    errors = [HEADER] + [[num(100 + i, "00000"), *[error("#N/A")] * 10] for i in range(20_000)]
    files["200,000 error cells"] = write_xlsx(folder / "errors.xlsx", errors)
    return files


def measure(path: Path, pythonpath: str | None) -> tuple[int, float, int, str]:
    """Exit code, wall seconds, peak MB and first line said, of one fresh `check`."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    start = time.perf_counter()
    # run from the file's folder: `python -m` puts the current folder first on the path
    process = subprocess.Popen([sys.executable, "-m", "jlpt_batch", "check", str(path)], env=env, cwd=path.parent,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    out, err = process.communicate()
    wall = time.perf_counter() - start
    said = (err or out).decode("utf-8", "replace").strip().splitlines()
    return process.returncode, wall, _peak(process), (said[0][:110] if said else "")


def _peak(process: subprocess.Popen) -> int:
    """Peak resident MB of a finished child (resource usage of all waited-for children, which
    grows monotonically: so each measurement runs in a fresh helper process, see main)."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, help="an older checkout of the package, run first for comparison")
    parser.add_argument("--inflate-gib", type=float, default=2.0)
    parser.add_argument("--one", nargs=2, metavar=("FILE", "PYTHONPATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # a helper process measuring one run, so its children's peak is that run's alone
        code, wall, peak, said = measure(Path(args.one[0]), args.one[1] or None)
        print(f"{code}\t{wall:.2f}\t{peak}\t{said}")
        return
    with tempfile.TemporaryDirectory() as folder:
        files = hostile_files(Path(folder), int(args.inflate_gib * (1 << 30)))
        versions = [("before", str(args.before))] if args.before else []
        versions.append(("after", ""))
        print("| file | version | exit | seconds | peak MB | what it said |")
        print("|---|---|---:|---:|---:|---|")
        for name, path in files.items():
            for version, pythonpath in versions:
                done = subprocess.run([sys.executable, __file__, "--one", str(path), pythonpath],
                                      capture_output=True, text=True, check=True)  # fmt: skip
                code, wall, peak, said = done.stdout.rstrip("\n").split("\t", 3)
                print(f"| {name} | {version} | {code} | {wall} | {peak} | {said.replace('|', '/')} |")


if __name__ == "__main__":
    main()
