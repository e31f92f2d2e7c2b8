"""How fast is the sheet stage, and how close to bare reportlab pages?

    python benchmarks/bench_sheets.py [--students 2000] [--repeats 3] [--large 10000]

1. The whole sheet stage in one process (per-student files and class bundles,
   fonts loaded, wording built): sheets per second per process.
2. Bare canvas pages in the same run: the same text of every sheet, one line per
   string, in the sheet's main font, written the same way (one file per student
   plus one combined file per class). The ratio of 1 to 2 is the cost of the
   layout, the fallback fonts and the bars on top of what reportlab itself costs.
3. The whole stage with every core, for ``--large`` students (0 to skip).

Students are the judged sample cohort repeated with new ids, in classes of 30.
Medians of ``--repeats`` runs; the large run is done once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jlpt_batch.contract import REJECTED, CohortRun  # noqa: E402
from jlpt_batch.outputs.sheets import draw as pdf  # noqa: E402
from jlpt_batch.outputs.sheets import fonts  # noqa: E402
from jlpt_batch.outputs.sheets.content import build_sheet  # noqa: E402
from jlpt_batch.outputs.sheets.context import make_context  # noqa: E402
from jlpt_batch.outputs.sheets.stage import write_sheets  # noqa: E402
from jlpt_batch.pipeline import load_cohort  # noqa: E402
from jlpt_batch.settings import Settings  # noqa: E402

CLASS_SIZE = 30


def make_settings(out_dir: Path, jobs: int) -> Settings:
    return Settings(
        input_path=ROOT / "samples" / "cohort.xlsx",
        out_dir=out_dir,
        school="Sakura Japanese Academy",
        as_of=dt.date(2027, 1, 20),
        jobs=jobs,
    )


def cohort_of(students: int) -> CohortRun:
    """The sample's judged rows repeated to ``students`` rows, new ids, classes of 30."""
    sample = load_cohort(make_settings(Path("unused"), 1))
    judged = sample.judged.filter(pl.col("result") != REJECTED)
    repeated = pl.concat([judged] * (students // judged.height + 1)).head(students)
    index = pl.int_range(0, students, eager=True)
    repeated = repeated.with_columns(
        candidate_id=index.cast(pl.String).str.zfill(6),
        source_row=index + 2,
        **{"class": pl.format("C{}", (index // CLASS_SIZE).cast(pl.String).str.zfill(3))},
    )
    return CohortRun(repeated, sample.rejections, sample.source)


def time_stage(run: CohortRun, jobs: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        write_sheets(run, Path(folder), make_settings(Path(folder), jobs))
        return time.perf_counter() - start


def sheet_strings(model) -> list[str]:
    """Every string a sheet prints, as the bare pages draw them: one line each."""
    texts = [model.school, model.exam_title, *(f"{label}: {value}" for label, value in model.header_fields)]
    texts += [model.result_text, model.result_detail, " ".join(model.score_headings)]
    texts += [f"{r.label} {r.score} {r.maximum} {r.threshold} {r.margin}" for r in model.score_rows]
    texts += [f"{bar.label} {bar.threshold_label}" for bar in model.bars]
    texts += [text for block in model.blocks for text in (block.heading, *block.paragraphs)]
    return [fonts.clean(text) for text in texts + list(model.footer)]


def bare_page(canvas, font_name: str, lines: list[str]) -> None:
    canvas.setFont(font_name, 9)
    y = 800
    for line in lines:
        canvas.drawString(40, y, line[:110])
        y -= 18
    canvas.showPage()


def time_bare(run: CohortRun, settings: Settings) -> float:
    """Bare pages of the same text: a file per student and a combined file per class."""
    context = make_context(settings)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for class_rows in run.judged.partition_by("class", maintain_order=True):
            models = [build_sheet(row, context) for row in class_rows.iter_rows(named=True)]
            pages = [(fonts.primary_face(m.lang).name, sheet_strings(m)) for m in models]
            for model, (font_name, lines) in zip(models, pages, strict=True):
                canvas = pdf.new_canvas(f"{folder}/{model.candidate_id}.pdf", "a4", model.lang, "t", "")
                bare_page(canvas, font_name, lines)
                canvas.save()
            canvas = pdf.new_canvas(f"{folder}/{class_rows['class'][0]}-bundle.pdf", "a4", "en", "t", "")
            for font_name, lines in pages:
                bare_page(canvas, font_name, lines)
            canvas.save()
    return time.perf_counter() - start


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--large", type=int, default=10000)
    args = parser.parse_args()
    run = cohort_of(args.students)
    cores = os.cpu_count() or 1
    print(f"{args.students} students, classes of {CLASS_SIZE}, {cores} cores, median of {args.repeats}")

    stage, bare = [], []
    for _ in range(args.repeats):  # interleaved, so drift affects both alike
        stage.append(time_stage(run, jobs=1))
        bare.append(time_bare(run, make_settings(Path("unused"), 1)))
    stage_s, bare_s = statistics.median(stage), statistics.median(bare)
    print(
        f"sheet stage, 1 process:   {stage_s:7.2f} s  {args.students / stage_s:6.1f} sheets/s per process"
        f"  ({stage_s / args.students * 1000:.1f} ms a student: own file + bundle page)"
    )
    print(f"bare pages, same text:    {bare_s:7.2f} s  {args.students / bare_s:6.1f} students/s")
    print(f"ratio stage / bare:       {stage_s / bare_s:7.2f}x   (target: at most 2x)")

    pooled = statistics.median(time_stage(run, jobs=cores) for _ in range(args.repeats))
    own, child = peak_rss_mb()
    print(
        f"sheet stage, {cores} processes: {pooled:7.2f} s  {args.students / pooled:6.1f} sheets/s"
        f"  (speed-up {stage_s / pooled:.2f}x)  peak memory: main {own:.0f} MB, largest worker {child:.0f} MB"
    )

    if args.large:
        large_run = cohort_of(args.large)
        seconds = time_stage(large_run, jobs=cores)
        own, child = peak_rss_mb()
        print(
            f"{args.large} students, {cores} processes: {seconds:7.1f} s  (target: under 300 s)"
            f"  peak memory: main {own:.0f} MB, largest worker {child:.0f} MB"
        )


if __name__ == "__main__":
    main()
