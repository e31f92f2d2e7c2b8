"""Render the README's pictures: the sample's passed and not-passed sheets, names in any script,
the sample mock's sheet and printed Item analysis tab, and sheets with a progress block.

    python docs/make_pictures.py [OUTPUT_FOLDER]

Needs pdftoppm (poppler-utils) and, for the Item analysis tab, LibreOffice (soffice). The
sample sheets are the run of ``samples/cohort.xlsx`` with its settings file, issued on 10
September 2026; the names picture stacks the identity row of real sheets for students from
Nepal, Myanmar, Sri Lanka, Thailand and Japan, drawn by the same code as every sheet. The
mock pictures are the run of ``samples/mock-responses.csv`` marked against
``samples/mock-key.xlsx``, a mock held on 15 November 2026 and issued five days later. The
progress pictures are December sheets of the school year ``tests/history_cohorts.py``
generates (two mock exams, then the sitting), each exam run in turn with one history store,
issued when the results arrive.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jlpt_batch.exams import Exam, Sitting  # noqa: E402
from jlpt_batch.outputs.sheets import draw, header  # noqa: E402
from jlpt_batch.outputs.sheets.content import build_sheet  # noqa: E402
from jlpt_batch.outputs.sheets.context import make_context  # noqa: E402
from jlpt_batch.outputs.sheets.text import Pen  # noqa: E402
from jlpt_batch.pipeline import run  # noqa: E402
from jlpt_batch.settings import Settings  # noqa: E402

ISSUED = dt.date(2026, 9, 10)
SCHOOL = "Sakura Japanese Language School"
SAMPLE_SHEETS = {"sheet-passed.png": "00416", "sheet-not-passed.png": "00734"}
PROGRESS_SHEETS = {"sheet-progress.png": "N3-1001", "sheet-progress-ja.png": "N3-1008"}
DECEMBER_RESULTS_ISSUED = dt.date(2027, 2, 10)
DPI = 80
MOCK_HELD, MOCK_ISSUED = dt.date(2026, 11, 15), dt.date(2026, 11, 20)
MOCK_SHEET = "M2026032"  # N3, not at the pass level, with questions to review in every sub-part
ITEM_ANALYSIS_DPI = 110
ITEM_ANALYSIS_CROP = (30, 30, 1230, 690)  # x, y, width, height at that resolution: the top of the questions

# (candidate id, name, name in Latin letters, sheet language)
STUDENTS = [
    ("24N3-0107", "सुमन श्रेष्ठ", "Suman Shrestha", "en"),
    ("24N4-0212", "အောင်ကျော်ဆန်း", "Aung Kyaw San", "en"),
    ("24N2-0031", "ශ්‍රී විජේසිංහ මුදියන්සේලාගේ චාමර කුමාර", "Sri Wijesinghe Mudiyanselage Chamara Kumara", "en"),
    ("24N3-0144", "สมชาย ใจดี", "Somchai Jaidee", "en"),
    ("20A1010101-30001", "𠮷田 美咲", "Yoshida Misaki", "ja"),
]


def settings(out_dir: Path) -> Settings:
    return Settings(
        input_path=ROOT / "samples" / "cohort.xlsx",
        out_dir=out_dir,
        as_of=ISSUED,
        exam=Exam(Sitting(2026, 7)),
        school=SCHOOL,
        jobs=1,
    )


def png(pdf: Path, target: Path) -> None:
    """The first page as a PNG at the README's resolution."""
    command = ["pdftoppm", "-png", "-r", str(DPI), "-singlefile", str(pdf), str(target.with_suffix(""))]
    subprocess.run(command, check=True)


def sample_sheets(out: Path, work: Path) -> None:
    run(settings(work / "run"))
    for picture, candidate in SAMPLE_SHEETS.items():
        png(work / "run" / "sheets" / f"{candidate}.pdf", out / picture)


def mock_pictures(out: Path, work: Path) -> None:
    """A sheet of the sample mock, and the first printed page of its Item analysis tab's questions."""
    mock = Settings(
        input_path=ROOT / "samples" / "mock-responses.csv",
        out_dir=work / "mock",
        key_path=ROOT / "samples" / "mock-key.xlsx",
        as_of=MOCK_ISSUED,
        exam=Exam.chosen(None, MOCK_HELD, MOCK_ISSUED),
        school="Sakura Japanese Language School",
        jobs=1,
    )
    run(mock)
    png(work / "mock" / "sheets" / f"{MOCK_SHEET}.pdf", out / "sheet-mock.png")
    printed = work / "printed"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(printed), str(work / "mock" / "summary.xlsx")],
        check=True,
        capture_output=True,
    )
    page = _page_starting(printed / "summary.pdf", "Every question")  # the questions start a page
    x, y, width, height = ITEM_ANALYSIS_CROP
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(ITEM_ANALYSIS_DPI), "-f", str(page), "-l", str(page), "-singlefile",
         "-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height), str(printed / "summary.pdf"),
         str((out / "item-analysis").resolve())],
        check=True,
    )  # fmt: skip


def _page_starting(pdf: Path, heading: str) -> int:
    """The number of the first page whose text starts with the heading."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if page.strip().startswith(heading):
            return number
    raise SystemExit(f"no page of {pdf.name} starts with {heading!r}")


def names_picture(out: Path, work: Path) -> None:
    """The identity row of each student's sheet, one under another."""
    context = make_context(settings(work))
    pdf = work / "names.pdf"
    canvas = draw.new_canvas(str(pdf), "a4", "en", "Names in any script", "")
    frame = draw.page_frame("a4")
    top = frame.top
    for candidate, name, latin, lang in STUDENTS:
        row = _row(candidate, name, latin, lang)
        model = build_sheet(row, context)
        pen = Pen(canvas, model.lang)
        top = header.draw(pen, header.layout(pen, model, frame.width), frame.left, top) - 10
        pen.finish_page()
    canvas.showPage()
    canvas.save()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-singlefile", "-x", "0", "-y", "0", "-W", "910",
         "-H", str(int((frame.top - top + 60) * 110 / 72)), str(pdf), str((out / "names-in-any-script").resolve())],
        check=True,
    )  # fmt: skip


def progress_pictures(out: Path, work: Path) -> None:
    """Three exams recorded in one store, then two students' December sheets."""
    sys.path.insert(0, str(ROOT / "tests"))
    from history_cohorts import EXAMS, exam_csv

    store = work / "history.db"
    for exam in EXAMS:
        issued = DECEMBER_RESULTS_ISSUED if exam is EXAMS[-1] else exam.date
        command = [sys.executable, "-m", "jlpt_batch", "run", str(exam_csv(work, exam)), "--out", str(work / exam.name),
                   "--history", str(store), "--as-of", issued.isoformat(), "--school", SCHOOL, "--jobs", "1",
                   *exam.options]  # fmt: skip
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    for picture, candidate in PROGRESS_SHEETS.items():
        png(work / EXAMS[-1].name / "sheets" / f"{candidate}.pdf", out / picture)


def _row(candidate: str, name: str, latin: str, lang: str) -> dict[str, object]:
    from jlpt_batch.contract import SCHEMA

    row: dict[str, object] = dict.fromkeys(SCHEMA)
    scores = {"language_knowledge": 40, "reading": 40, "listening": 40}
    return row | scores | {
        "candidate_id": candidate, "name": name, "name_latin": latin, "class": "2A", "level": "N3",
        "source_row": 2, "total": 120, "result": "PASS", "failed_sections": "", "absent_sections": "",
        "points_short": 0, "cefr": "B1", "language": lang, "scored": True,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs")
    out = parser.parse_args().out
    with tempfile.TemporaryDirectory() as folder:
        sample_sheets(out, Path(folder))
        names_picture(out, Path(folder))
        mock_pictures(out, Path(folder))
        progress_pictures(out, Path(folder))


if __name__ == "__main__":
    main()
