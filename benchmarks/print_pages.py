"""How many pages summary.xlsx prints on, tab by tab, from LibreOffice as it is saved.

    python benchmarks/print_pages.py [--rows 240 10000] [--lang en ja] [--paper a4 letter]

The 240-row cohort is the sample as it is (names in five scripts, six classes, seven
rejected rows); a larger one is the sample's rows repeated with new ids (the same
mix of names, levels and classes, and the same rejected rows). Each workbook is
printed to PDF by LibreOffice headless (tests/libreoffice.py: a fresh profile per
run, the process group killed on timeout) and its pages attributed to their tab by
the footer, which names the tab. Needs LibreOffice and poppler-utils; the page
counts depend on the fonts installed (Carlito stands in for Calibri, the font the
workbook names: fonts-crosextra-carlito).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the LibreOffice recipe the print tests use, kept in one place

from libreoffice import footer, page_texts, to_pdf  # noqa: E402

from jlpt_batch.admin_wording import admin_catalog  # noqa: E402
from jlpt_batch.contract import CohortRun  # noqa: E402
from jlpt_batch.outputs.workbook.writer import TABS, write_workbook  # noqa: E402
from jlpt_batch.pipeline import load_cohort  # noqa: E402
from jlpt_batch.settings import Settings  # noqa: E402


def settings(lang: str, paper: str) -> Settings:
    return Settings(
        input_path=ROOT / "samples" / "cohort.xlsx",
        out_dir=Path("unused"),
        as_of=dt.date(2026, 9, 14),
        school="Sakura Japanese Language School",
        admin_lang=lang,
        paper=paper,  # type: ignore[arg-type]
    )


def cohort_of(rows: int, base: CohortRun) -> CohortRun:
    """The sample's rows repeated to ``rows`` rows, each with a new five-digit id and input row."""
    judged = pl.concat([base.judged] * (rows // base.judged.height + 1)).head(rows)
    judged = judged.with_columns(
        pl.format("{}", pl.int_range(10000, 10000 + rows, dtype=pl.Int64)).alias("candidate_id"),
        (pl.int_range(rows, dtype=pl.Int64) + 4).alias("source_row"),
    )
    return CohortRun(judged, base.rejections, base.source)


def pages_per_tab(run: CohortRun, lang: str, paper: str, folder: Path) -> tuple[Counter[str], int, float]:
    """(pages per tab, pages in all, seconds LibreOffice took)."""
    workbook = folder / f"summary-{lang}-{paper}-{run.judged.height}.xlsx"
    write_workbook(run, workbook, settings(lang, paper))
    start = time.perf_counter()
    texts = page_texts(to_pdf(workbook, folder, timeout=1800))
    seconds = time.perf_counter() - start
    names = [admin_catalog(lang).text(f"tabs.{key}") for key in TABS]
    owners = [next((name for name in sorted(names, key=len, reverse=True) if name in footer(t)), "?") for t in texts]
    return Counter(owners), len(texts), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[240, 10000])
    parser.add_argument("--lang", nargs="+", default=["en", "ja"])
    parser.add_argument("--paper", nargs="+", default=["a4"])
    args = parser.parse_args()
    base = load_cohort(settings("en", "a4"))
    with tempfile.TemporaryDirectory(prefix="print-pages-") as folder:
        for rows in args.rows:
            run = base if rows == base.judged.height else cohort_of(rows, base)
            for lang in args.lang:
                for paper in args.paper:
                    counts, total, seconds = pages_per_tab(run, lang, paper, Path(folder))
                    tabs = [admin_catalog(lang).text(f"tabs.{key}") for key in TABS]
                    shown = ", ".join(f"{tab} {counts.get(tab, 0)}" for tab in tabs)
                    print(f"{rows:>6} rows, {lang}, {paper}: {total} pages ({shown}); printed in {seconds:.1f} s")


if __name__ == "__main__":
    main()
