"""Cohorts and PDF reading for the drawing and sheet-stage tests."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import polars as pl
import pytest
from feedback_rows import judged_row, three, two
from pypdf import PdfReader

from jlpt_batch.contract import SCHEMA, CohortRun, SourceInfo


def student(candidate_id: str, name: str, class_name: str | None, source_row: int, **extra) -> dict:
    """A passing N3 student unless ``extra`` says otherwise (e.g. ``scores=three(10, 40, 40)``)."""
    scores = extra.pop("scores", three(40, 40, 40))
    level = extra.pop("level", "N3" if "reading" in scores else "N4")
    row = judged_row(level, scores, candidate_id=candidate_id, name=name, source_row=source_row)
    return row | {"class": class_name} | extra


def rejected(candidate_id: str | None, source_row: int) -> dict:
    """A REJECTED row as the pipeline keeps it: raw values, no judgement."""
    row = dict.fromkeys(SCHEMA)
    return row | {
        "candidate_id": candidate_id, "name": "Rejected Row", "class": "2A", "level": "N9",
        "source_row": source_row, "result": "REJECTED", "failed_sections": "", "absent_sections": "",
        "error": f"row {source_row}, column level: 'N9' is not N1-N5", "scored": False,
    }  # fmt: skip


def cohort(rows: list[dict]) -> CohortRun:
    """A CohortRun of these rows, in this order."""
    judged = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    columns = ("candidate_id", "column", "value", "reason")
    rejections = pl.DataFrame(schema={"source_row": pl.Int64} | dict.fromkeys(columns, pl.String))
    source = SourceInfo(Path("cohort.csv"), "0" * 64, None, "utf-8", 1, len(rows), 0)
    return CohortRun(judged, rejections, source)


def page_texts(pdf: bytes | Path) -> list[str]:
    """The text of each page, whitespace runs collapsed to one space."""
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


POPPLER_MISSING = "needs poppler-utils (pdftotext, pdffonts): apt-get install poppler-utils"


def poppler(tool: str, pdf: bytes | Path, *args: str) -> str:
    """The output of a poppler tool (pdftotext, pdffonts) on a PDF; the test is skipped without poppler.

    pdftotext reads the /ActualText of shaped runs, which pypdf ignores: names in
    Devanagari, Myanmar, Sinhala or Thai come out right only through it.
    """
    if shutil.which(tool) is None:
        pytest.skip(POPPLER_MISSING)
    with tempfile.TemporaryDirectory() as folder:
        path = pdf if isinstance(pdf, Path) else Path(folder) / "file.pdf"
        if not isinstance(pdf, Path):
            path.write_bytes(pdf)
        done = subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], capture_output=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode("utf-8")


def extracted_text(pdf: bytes | Path) -> str:
    """The PDF's text as pdftotext gives it, whitespace runs collapsed to one space."""
    return re.sub(r"\s+", " ", poppler("pdftotext", pdf, "-enc", "UTF-8"))


def unembedded_fonts(pdf: bytes | Path) -> list[str]:
    """The fonts pdffonts lists as not embedded in the file."""
    lines = poppler("pdffonts", pdf).splitlines()[2:]
    return [line.split()[0] for line in lines if line.split()[-5] != "yes"]


__all__ = ["cohort", "extracted_text", "page_texts", "rejected", "student", "three", "two", "unembedded_fonts"]
