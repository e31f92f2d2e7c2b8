"""Reading workbooks: time and peak memory of the one-pass reader on a realistic cohort.

    python benchmarks/bench_read.py [--rows 100000] [--runs 5] [--whole-run]

Writes an .xlsx as Excel does (shared strings, ids as numbers formatted 000000, scores as
numbers; the names, classes and ids of benchmarks/synthetic.py) with its sheet XML streamed,
then prints:
1. reading it into the cohort table in this process (``read_table``), median of --runs;
2. with --whole-run: ``jlpt-batch check`` on it as a fresh process, wall time and peak memory;
3. for comparison, fastexcel reading the same sheet's values, when it is installed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

import polars as pl
from corpus import _shared_strings, _styles, _xlsx_package, column_letters
from synthetic import synthetic_csv_frame

from jlpt_batch.reading import read_table


def write_cohort_xlsx(path: Path, rows: int) -> Path:
    """A realistic cohort workbook, its sheet XML streamed row by row (any size fits in memory)."""
    frame = synthetic_csv_frame(rows).with_columns(pl.col("受験番号").cast(pl.Int64))
    strings: dict[str, int] = {}

    def shared(text: str) -> str:
        return str(strings.setdefault(text, len(strings)))

    _xlsx_package(path, b"", _styles(["General", "000000"]), _shared_strings([], {}), False)
    rebuilt = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename not in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"):
                target.writestr(item, source.read(item))
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{_NS}"><sheetData>'.encode())
            header = "".join(
                f'<c r="{column_letters(i + 1)}1" t="s"><v>{shared(name)}</v></c>'
                for i, name in enumerate(frame.columns)
            )
            sheet.write(f'<row r="1">{header}</row>'.encode())
            for number, values in enumerate(frame.iter_rows(), start=2):
                sheet.write(_row(number, values, shared).encode())
            sheet.write(b"</sheetData></worksheet>")
        target.writestr("xl/sharedStrings.xml", _shared_strings(list(strings), {}))
    rebuilt.replace(path)
    return path


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _row(number: int, values: tuple[object, ...], shared) -> str:
    cells = []
    for i, value in enumerate(values):
        ref = f"{column_letters(i + 1)}{number}"
        if value is None:
            continue
        if i == 0:
            cells.append(f'<c r="{ref}" s="1"><v>{value}</v></c>')  # the id, a number shown as 000123
        elif isinstance(value, str):
            cells.append(f'<c r="{ref}" t="s"><v>{shared(value)}</v></c>')
        else:
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def peak_of(args: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak resident MB and exit code of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--whole-run", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_cohort_xlsx(Path(folder) / "cohort.xlsx", args.rows)
        print(f"{args.rows:,}-row workbook: {path.stat().st_size / 1e6:.1f} MB")
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            table = read_table(path)
            times.append(time.perf_counter() - start)
        assert table.rows.height == args.rows and table.rows["c0"][0] == "000002"
        median = statistics.median(times)
        print(f"read_table: median {median:.2f} s of {args.runs} (min {min(times):.2f}, max {max(times):.2f}), "
              f"{args.rows / median:,.0f} rows/s")  # fmt: skip
        if args.whole_run:
            wall, peak, code = peak_of([sys.executable, "-m", "jlpt_batch", "check", str(path)])
            print(f"jlpt-batch check, fresh process: {wall:.2f} s, peak {peak} MB, exit {code}")
        try:
            import fastexcel
        except ImportError:
            print("fastexcel is not installed: no comparison")
            return
        fast = []
        for _ in range(args.runs):
            start = time.perf_counter()
            fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string").to_polars()
            fast.append(time.perf_counter() - start)
        print(f"fastexcel values only (no formats, kinds or merges): median {statistics.median(fast):.2f} s; "
              f"ratio {statistics.median(times) / statistics.median(fast):.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
