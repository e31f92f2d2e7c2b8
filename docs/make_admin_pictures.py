"""Render the README's pictures of what the administrator prints: a page of summary.xlsx as
LibreOffice prints it, and a class bundle's cover in Japanese.

    python docs/make_admin_pictures.py

Runs the sample cohort (as of 14 September 2026, the July 2026 sitting), prints the
workbook with LibreOffice (tests/libreoffice.py) and renders one page of each with
poppler's pdftoppm. Needs LibreOffice, poppler-utils and the fonts .ci/run installs.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT / "tests"))  # the LibreOffice recipe the print tests use

from libreoffice import footer, page_texts, to_pdf  # noqa: E402

from jlpt_batch.cli import main  # noqa: E402

RUN = ["--as-of", "2026-09-14", "--sitting", "2026-07", "--jobs", "1"]


def run(out: Path, *options: str) -> None:
    args = ["run", str(ROOT / "samples" / "cohort.xlsx"), "--out", str(out), *RUN, *options]
    result = CliRunner().invoke(main, args)
    if result.exit_code != 3:  # the sample's deliberately bad rows
        raise SystemExit(result.output)


def render(pdf: Path, page: int, target: Path, dpi: int) -> None:
    """One page of a PDF as a PNG (pdftoppm names its output itself; -singlefile keeps it one file)."""
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True)  # fmt: skip


def main_pictures() -> None:
    with tempfile.TemporaryDirectory(prefix="pictures-") as folder:
        work = Path(folder)
        run(work / "en", "--school", "Sakura Japanese Language School", "--no-sheets")
        pdf = to_pdf(work / "en" / "summary.xlsx", work / "pdf")
        results = next(n for n, text in enumerate(page_texts(pdf), 1) if "Results" in footer(text))
        render(pdf, results, DOCS / "summary-results-printed.png", dpi=70)
        run(work / "ja", "--school", "さくら日本語学院", "--admin-lang", "ja")
        render(work / "ja" / "print" / "2B.pdf", 1, DOCS / "cover-ja.png", dpi=70)


if __name__ == "__main__":
    main_pictures()
