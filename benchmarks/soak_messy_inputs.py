"""The messy-input property of tests/test_messy_inputs.py, on thousands of generated files.

    python benchmarks/soak_messy_inputs.py --examples 3000 [--seed 20261123]

Each file is written, the real command runs on it, and everything it wrote is checked
against the file (see the test module). A failure stops the run with hypothesis's
smallest failing file; otherwise the tally below is printed: how many files of each kind,
how many rows, the exit codes, the results, and how often each kind of mess occurred.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from test_messy_inputs import (  # noqa: E402
    Blank,
    MessyCohort,
    Padded,
    Row,
    Title,
    Uncalculated,
    as_written,
    check_in_temporary_folder,
    clean,
    grouped,
    messy_cohorts,
)  # fmt: skip


def features(cohort: MessyCohort) -> list[str]:
    """The kinds of mess this file holds, for the tally."""
    rows = [line for line in cohort.lines if isinstance(line, Row)]
    ids = [clean(cohort.cell(row, "candidate_id")) for row in rows]
    names = [str(cohort.cell(row, "name") or "") for row in rows]
    found = {
        "title rows": any(isinstance(line, Title) for line in cohort.lines),
        "blank rows": any(isinstance(line, Blank) for line in cohort.lines),
        "unknown columns": any(column.key is None for column in cohort.columns),
        "merged class cells": bool(cohort.class_merges),
        "trimmed csv lines": cohort.trim_trailing,
        "quoted csv cells": cohort.kind == "csv" and cohort.quote_all,
        "duplicate ids": len([i for i in ids if i]) > len({i for i in ids if i}),
        "names of 1,000+ characters": any(len(name) >= 1000 for name in names),
        "control characters": any(ch < " " or ch == "\x7f" for name in names for ch in name),
        "padded numeric ids": any(isinstance(cohort.cell(row, "candidate_id"), Padded) for row in rows),
        "uncalculated formulas": any(isinstance(cell, Uncalculated) for row in rows for cell in row.cells),
        "a stray quote": any(row.stray_quote for row in rows),
        "classes written once per group": cohort.index("class") is not None
        and grouped([as_written(cohort.cell(row, "class")) for row in rows]),
        "'?' in a Shift_JIS file": cohort.encoding == "cp932" and any("?" in name for name in names),
    }
    return [name for name, present in found.items() if present]


def _error_kind(message: str) -> str:
    """Why a file could not be read, in a few words."""
    for kind in ("missing required column", "no header row", "no candidate rows"):
        if kind in message:
            return kind
    return "other: " + message


class Tally:
    """Counts over every checked file."""

    def __init__(self) -> None:
        self.kinds: Counter = Counter()
        self.exit_codes: Counter = Counter()
        self.results: Counter = Counter()
        self.features: Counter = Counter()
        self.errors: Counter = Counter()

    def add(self, cohort: MessyCohort, checked) -> None:
        self.kinds[checked.kind if checked.kind != "csv" else f"csv {checked.encoding}"] += 1
        self.exit_codes[checked.exit_code] += 1
        self.errors[_error_kind(checked.error)] += 1 if checked.exit_code == 1 else 0
        self.results.update(checked.results)
        self.features.update(features(cohort))

    def report(self, seconds: float) -> str:
        files = sum(self.kinds.values())
        csv_files = sum(n for kind, n in self.kinds.items() if kind.startswith("csv"))
        lines = [
            f"{files} files checked in {seconds:.0f} s ({files / seconds:.1f} files/s): "
            + ", ".join(f"{self.kinds[kind]} {kind}" for kind in ("xlsx", "ods", "xls", "xlsb"))
            + f", {csv_files} csv ("
            + ", ".join(f"{kind[4:]} {n}" for kind, n in sorted(self.kinds.items()) if kind.startswith("csv"))
            + ")",
            f"{sum(self.results.values())} rows in results.csv: "
            + ", ".join(f"{result} {self.results[result]}" for result in ("PASS", "FAIL", "REJECTED")),
            "exit codes: "
            + ", ".join(f"{code}: {n}" for code, n in sorted(self.exit_codes.items()))
            + " (exit 1: "
            + ", ".join(f"{kind} {n}" for kind, n in self.errors.most_common() if n)
            + ")",
            "files with: " + ", ".join(f"{name} {n}" for name, n in self.features.most_common()),
        ]
        return "\n".join(lines)


def soak(examples: int, seed_value: int) -> Tally:
    """Check `examples` generated files; raises with the smallest failing file if any check fails."""
    tally = Tally()

    @seed(seed_value)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate, Phase.shrink],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
    @given(messy_cohorts())
    def check(cohort: MessyCohort) -> None:
        tally.add(cohort, check_in_temporary_folder(cohort))

    check()
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3000, help="how many files to generate and check")
    parser.add_argument("--seed", type=int, default=20261123, help="hypothesis seed, for a repeatable run")
    args = parser.parse_args()
    start = time.perf_counter()
    tally = soak(args.examples, args.seed)
    print(tally.report(time.perf_counter() - start))


if __name__ == "__main__":
    main()
