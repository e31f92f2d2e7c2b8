"""Render the README's pictures of sheets: the sample's passed and not-passed sheets, and names in any script.

    python docs/make_pictures.py [OUTPUT_FOLDER]

Needs pdftoppm (poppler-utils). The sample sheets are the run of ``samples/cohort.xlsx``
with its settings file, issued on 10 September 2026; the names picture stacks the
identity row of real sheets for students from Nepal, Myanmar, Sri Lanka, Thailand and
Japan, drawn by the same code as every sheet.
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
SAMPLE_SHEETS = {"sheet-passed.png": "00416", "sheet-not-passed.png": "00734"}
DPI = 80

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
        school="Sakura Japanese Language School",
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


if __name__ == "__main__":
    main()
