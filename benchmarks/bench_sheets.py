"""How fast is the sheet stage, how close to bare reportlab pages, and what does shaping cost?

    python benchmarks/bench_sheets.py [--students 2000] [--repeats 3] [--large 10000]

Two cohorts of ``--students`` students in classes of 30:

- *sample*: the judged sample cohort repeated with new ids (names in Latin, Vietnamese,
  Japanese, Chinese and Korean; sheets in five languages);
- *mixed scripts*: the same scores with names a school in Japan sees today, in turn
  Nepali (Devanagari), Burmese, Sinhala, Thai, Japanese (some with 𠮷), Vietnamese and
  Chinese, each with its name in Latin letters; three-part names, so few repeat.

For each cohort, interleaved, medians of ``--repeats`` runs, every cache of the sheet
code emptied before each run (as in a fresh worker):

1. the whole sheet stage in one process (per-student files and class bundles, fonts
   loaded, wording built): sheets per second per process;
2. bare canvas pages in the same run: the same text of every sheet, one line per string,
   each run of it in the font the sheet uses for it (reportlab shaping the complex-script
   runs itself, uncached), written the same way (one file per student plus one combined
   file per class). The ratio of 1 to 2 is the cost of the layout, the font fallback, the
   shaping cache, the /ActualText and the bars on top of what reportlab itself costs;
3. for the mixed-script cohort, the stage again with shaping switched off (the complex
   scripts drawn unshaped, as wrong as that looks): the difference is what shaping costs.

Then the whole stage with every core for ``--large`` students of the sample (0 to skip).

Times are wall-clock seconds and, for the one-process runs, this process's CPU seconds
too: on a shared machine the CPU seconds say what a sheet costs, whatever else runs.
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jlpt_batch.contract import REJECTED, CohortRun  # noqa: E402
from jlpt_batch.outputs.sheets import draw as pdf  # noqa: E402
from jlpt_batch.outputs.sheets import fonts, shaping, text  # noqa: E402
from jlpt_batch.outputs.sheets.content import build_sheet  # noqa: E402
from jlpt_batch.outputs.sheets.context import make_context  # noqa: E402
from jlpt_batch.outputs.sheets.stage import write_sheets  # noqa: E402
from jlpt_batch.pipeline import load_cohort  # noqa: E402
from jlpt_batch.settings import Settings  # noqa: E402

CLASS_SIZE = 30

# (sheet language, given names, middle names, family names) per group of students:
# name parts as they are written, and the same parts in Latin letters.
NAME_POOLS = [
    (
        "en",
        ["सुमन", "अनिता", "बिकास", "सरिता", "दीपक", "प्रकाश", "कृष्ण", "लक्ष्मी"],
        ["बहादुर", "कुमारी", "प्रसाद", "राज"],
        ["श्रेष्ठ", "गुरुङ", "तामाङ", "क्षत्री", "मगर", "शेर्पा"],
    ),
    ("en", ["အောင်", "မောင်", "သီတာ", "ဇော်", "နန္ဒာ", "ကျော်"], ["ကျော်", "မင်း", "ဝင်း"], ["ဆန်း", "ထွန်း", "နိုင်", "ဦး", "စိုး"]),
    (
        "en",
        ["චාමර", "නිමල්", "සඳුනි", "කසුන්", "දිල්ෂාන්", "ශ්‍රී"],
        ["කුමාර", "ප්‍රියන්ත", "ලක්මාලි"],
        ["විජේසිංහ", "පෙරේරා", "ජයසේකර", "බණ්ඩාර", "ප්‍රනාන්දු"],
    ),
    (
        "en",
        ["สมชาย", "สุดา", "ประเสริฐ", "วิไล", "ณัฐ", "กนกพร"],
        ["ศรี", "ทอง"],
        ["ใจดี", "วงศ์ศักดิ์", "สุขสวัสดิ์", "ศรีสุข", "ทองคำ"],
    ),
    (
        "ja",
        ["美咲", "太郎", "花子", "翔太", "陽菜", "蓮"],
        ["", ""],
        ["𠮷田", "山田", "髙橋", "山﨑", "佐々木", "𠮷川"],
    ),
    (
        "vi",
        ["Thị", "Văn", "Minh", "Thảo", "Ngọc", "Đức"],
        ["Phương", "Bảo", "Hoàng"],
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng"],
    ),
    ("zh", ["伟", "芳", "娜", "敏", "静", "磊"], ["", ""], ["王", "李", "张", "刘", "陈"]),
]


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


def mixed_names(count: int) -> tuple[list[str], list[str], list[str]]:
    """Names in turn from each pool, parts chosen so that few names repeat; (names, languages, ids)."""
    names, languages, ids = [], [], []
    for number in range(count):
        lang, given, middle, family = NAME_POOLS[number % len(NAME_POOLS)]
        step = number // len(NAME_POOLS)
        parts = [given[step % len(given)], middle[step // len(given) % len(middle)], family[step * 7 % len(family)]]
        if lang in ("ja", "zh"):  # family name first, no middle name
            parts = [parts[2], parts[0]]
        names.append(" ".join(part for part in parts if part))
        languages.append(lang)
        ids.append(f"24N{number % 5 + 1}-{number:05d}")
    return names, languages, ids


def mixed_cohort_of(students: int) -> CohortRun:
    """The sample's scores with the mixed-script names, their languages and ids like 24N3-00042."""
    run = cohort_of(students)
    names, languages, ids = mixed_names(students)
    latin = [f"Student {number}" for number in range(students)]
    judged = run.judged.with_columns(
        name=pl.Series(names), name_latin=pl.Series(latin), language=pl.Series(languages), candidate_id=pl.Series(ids)
    )
    return CohortRun(judged, run.rejections, run.source)


def cold() -> None:
    """Empty the sheet code's caches, as a fresh worker starts (fonts stay registered)."""
    for cached in (text._fit, text._wrap, fonts.runs, fonts.clean, shaping.glyphs):
        cached.cache_clear()


@contextmanager
def shaping_off() -> Iterator[None]:
    """Draw and measure every run unshaped, for the cost comparison only."""
    original = fonts.shaped_glyphs
    fonts.shaped_glyphs = lambda run_face, text: None
    try:
        yield
    finally:
        fonts.shaped_glyphs = original


Timing = tuple[float, float]  # (wall seconds, CPU seconds of this process)


def time_stage(run: CohortRun, jobs: int) -> Timing:
    cold()
    with tempfile.TemporaryDirectory() as folder:
        wall, cpu = time.perf_counter(), time.process_time()
        write_sheets(run, Path(folder), make_settings(Path(folder), jobs))
        return time.perf_counter() - wall, time.process_time() - cpu


def time_unshaped(run: CohortRun) -> Timing:
    with shaping_off():
        return time_stage(run, jobs=1)


def sheet_strings(model) -> list[str]:
    """Every string a sheet prints, as the bare pages draw them: one line each."""
    texts = [model.school, model.exam_title, *(f"{label}: {value}" for label, value in model.header_fields)]
    texts += [model.result_text, model.result_detail, " ".join(model.score_headings)]
    texts += [f"{r.label} {r.score} {r.maximum} {r.threshold} {r.margin}" for r in model.score_rows]
    texts += [f"{bar.label} {bar.threshold_label}" for bar in model.bars]
    texts += [text for block in model.blocks for text in (block.heading, *block.paragraphs)]
    return [fonts.clean(text) for text in texts + list(model.footer)]


Page = list[list[fonts.Run]]  # each line of a bare page as the sheet's font runs


def bare_lines(model) -> Page:
    """The sheet's strings, each split into the runs of the fonts the sheet draws it in."""
    return [list(fonts.runs(line[:110], model.lang)) for line in sheet_strings(model)]


def bare_page(canvas, lines: Page) -> None:
    y = 800
    for line in lines:
        x = 40
        for face, part in line:
            canvas.setFont(face.name, 9)
            canvas.drawString(x, y, part, shaping=face.shaped)
            x += fonts.string_width(((face, part),), 9)
        y -= 18
    canvas.showPage()


def time_bare(run: CohortRun) -> Timing:
    """Bare pages of the same text: a file per student and a combined file per class."""
    cold()
    context = make_context(make_settings(Path("unused"), 1))
    wall, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        for class_rows in run.judged.partition_by("class", maintain_order=True):
            models = [build_sheet(row, context) for row in class_rows.iter_rows(named=True)]
            pages = [bare_lines(m) for m in models]
            for model, lines in zip(models, pages, strict=True):
                canvas = pdf.new_canvas(f"{folder}/{model.candidate_id}.pdf", "a4", model.lang, "t", "")
                bare_page(canvas, lines)
                canvas.save()
            canvas = pdf.new_canvas(f"{folder}/{class_rows['class'][0]}-bundle.pdf", "a4", "en", "t", "")
            for lines in pages:
                bare_page(canvas, lines)
            canvas.save()
    return time.perf_counter() - wall, time.process_time() - cpu


def peak_rss_mb() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def medians(timers: dict[str, Callable[[], Timing]], repeats: int) -> dict[str, Timing]:
    """Each timer run ``repeats`` times, interleaved so that drift affects them alike."""
    times: dict[str, list[Timing]] = {name: [] for name in timers}
    for _ in range(repeats):
        for name, timer in timers.items():
            times[name].append(timer())
    return {
        name: (statistics.median(t[0] for t in values), statistics.median(t[1] for t in values))
        for name, values in times.items()
    }


def report_cohort(label: str, run: CohortRun, repeats: int) -> float:
    """Stage against bare pages (and, for mixed scripts, against no shaping); returns the stage's median."""
    students = run.judged.height
    timers = {"stage": lambda: time_stage(run, jobs=1), "bare": lambda: time_bare(run)}
    if label == "mixed scripts":
        timers["unshaped"] = lambda: time_unshaped(run)
    result = medians(timers, repeats)
    (stage_s, stage_cpu), (bare_s, bare_cpu) = result["stage"], result["bare"]
    print(f"{label}:")
    print(
        f"  sheet stage, 1 process:   {stage_s:7.2f} s ({stage_cpu:6.2f} CPU s)  "
        f"{students / stage_s:6.1f} sheets/s, {students / stage_cpu:6.1f} per CPU second"
        f"  ({stage_cpu / students * 1000:.1f} CPU ms a student: own file + bundle page)"
    )
    print(
        f"  bare pages, same text:    {bare_s:7.2f} s ({bare_cpu:6.2f} CPU s)  "
        f"{students / bare_s:6.1f} students/s, {students / bare_cpu:6.1f} per CPU second"
    )
    print(f"  ratio stage / bare:       {stage_s / bare_s:7.2f}x wall, {stage_cpu / bare_cpu:.2f}x CPU (target: 2x)")
    if "unshaped" in result:
        unshaped_s, unshaped_cpu = result["unshaped"]
        cost = (stage_cpu - unshaped_cpu) / students * 1000
        print(
            f"  the same, shaping off:    {unshaped_s:7.2f} s ({unshaped_cpu:6.2f} CPU s)  "
            f"shaping costs {cost:.2f} CPU ms a student ({stage_cpu / unshaped_cpu - 1:+.1%})"
        )
    return stage_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--large", type=int, default=10000)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"{args.students} students, classes of {CLASS_SIZE}, {cores} cores, median of {args.repeats}")
    run = cohort_of(args.students)
    stage_s = report_cohort("sample", run, args.repeats)
    report_cohort("mixed scripts", mixed_cohort_of(args.students), args.repeats)

    pooled = statistics.median(time_stage(run, jobs=cores)[0] for _ in range(args.repeats))
    own, child = peak_rss_mb()
    print(
        f"sample, {cores} processes: {pooled:7.2f} s  {args.students / pooled:6.1f} sheets/s"
        f"  (speed-up {stage_s / pooled:.2f}x)  peak memory: main {own:.0f} MB, largest worker {child:.0f} MB"
    )

    if args.large:
        seconds, _ = time_stage(cohort_of(args.large), jobs=cores)
        own, child = peak_rss_mb()
        print(
            f"{args.large} students, {cores} processes: {seconds:7.1f} s  (target: under 300 s)"
            f"  peak memory: main {own:.0f} MB, largest worker {child:.0f} MB"
        )


if __name__ == "__main__":
    main()
