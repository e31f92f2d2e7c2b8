"""A whole run: read, validate, judge, then write every output into a folder that appears whole."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from jlpt_batch.admin_wording import admin_catalog, admin_wording
from jlpt_batch.contract import (
    COLUMN_KEYS,
    COLUMNS,
    KEEP,
    MARKING_COLUMNS,
    SCHEMA,
    CohortRun,
    Column,
    Count,
    Role,
    SourceInfo,
)
from jlpt_batch.errors import stop_if_interrupted
from jlpt_batch.exams import SITTING
from jlpt_batch.history.progress import renamed_warning
from jlpt_batch.history.run_step import Recorded, open_store, record, with_earlier_exams
from jlpt_batch.history.store import HistoryStore
from jlpt_batch.judging.judge import judge
from jlpt_batch.marking import analyse, load_key, mark
from jlpt_batch.messages import Message
from jlpt_batch.outputs import OUTPUTS
from jlpt_batch.outputs.folder import (
    check_output_folder,
    check_room,
    mark_as_ours,
    output_errors,
    replace_folder,
    staging_folder,
)
from jlpt_batch.outputs.sheets import EARLIER_SHOWN
from jlpt_batch.outputs.sheets import OUTPUT as SHEETS
from jlpt_batch.reading import read_table
from jlpt_batch.reading.validate import Prepared, prepare
from jlpt_batch.rules import load_rules
from jlpt_batch.settings import Settings


@dataclass
class Report:
    """What a run did: the judged cohort, where outputs went, and the exit code it earns."""

    cohort: CohortRun
    out_dir: Path | None = None
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Message] = field(default_factory=list)  # worded in the administrator's language when shown
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage
    recorded: Recorded | None = None  # what went into the history store; None: no store was used

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.seconds[stage] = time.perf_counter() - start

    @property
    def rejected(self) -> int:
        return self.cohort.count(Count.REJECTED)

    @property
    def exit_code(self) -> int:
        """0 when every row was judged, 3 when the run finished but some rows were rejected."""
        return 3 if self.rejected else 0


def load_cohort(settings: Settings) -> CohortRun:
    """Read, validate and judge the input (marking a mock's answers first when there is a key); nothing is written."""
    raw = read_table(
        settings.input_path, sheet=settings.worksheet, encoding=settings.encoding, max_rows=settings.max_rows
    )
    words = admin_catalog(settings.admin_lang, settings.templates_dir)  # the rejection reasons are worded in it
    key = load_key(settings.key_path, raw.header, words) if settings.key_path else None  # a bad key stops here
    prepared = prepare(
        raw, max_rows=settings.max_rows, fill_class=settings.fill_class, scores_required=key is None, words=words
    )
    marked = mark(raw, prepared, key, words) if key else None
    if marked:
        prepared = marked.prepared
    source = SourceInfo(
        path=settings.input_path,
        sha256=_sha256(settings.input_path),
        sheet=raw.sheet,
        encoding=raw.encoding,
        header_row=raw.header_row,
        rows_read=prepared.rows_read,
        rows_skipped_empty=prepared.rows_skipped_empty,
        notes=prepared.notes,
    )
    judged = combine(prepared, settings.effective_exam.kind)
    if not settings.effective_exam.reports_cefr(load_rules().cefr_first_sitting):
        judged = judged.with_columns(pl.lit(None, pl.String).alias("cefr"))  # no report of this exam carries one
    analysis = analyse(marked, key) if marked and key else None
    stop_if_interrupted()  # a signal some library swallowed while reading or judging
    return CohortRun(judged, prepared.rejections, source, analysis)


def combine(prepared: Prepared, exam_kind: str = SITTING) -> pl.DataFrame:
    """Every row judged, in input order, with the contract's columns; a rejected row keeps
    the values it was read with, says why, and shows no judgement."""
    judged = _with_run_columns(judge(prepared.rows), exam_kind)
    if prepared.rejections.height == 0:
        return judged.with_columns(pl.lit(None, pl.String).alias("error")).select(COLUMN_KEYS)
    reasons = prepared.rejections.group_by("source_row").agg(pl.col("reason").str.join("; ").alias("error"))
    # Only the row numbers go through the join, so no name or id is copied.
    error = judged.select("source_row").join(reasons, on="source_row", how="left", maintain_order="left")["error"]
    rejected = pl.col("error").is_not_null()
    blanked = [_as_rejected(column, rejected) for column in COLUMNS if column.on_rejected is not KEEP]
    return judged.with_columns(error).with_columns(blanked).select(COLUMN_KEYS)


def _with_run_columns(judged: pl.DataFrame, exam_kind: str) -> pl.DataFrame:
    """The columns no row is read with: the kind of exam, (unless a mock was marked) empty marking columns,
    and the history columns, empty until a history store is looked up (see run)."""
    unmarked = [pl.lit(None, SCHEMA[key]).alias(key) for key in MARKING_COLUMNS if key not in judged.columns]
    nothing_earlier = [
        pl.lit(None, column.dtype).alias(column.key) for column in COLUMNS if column.role is Role.HISTORY
    ]
    return judged.with_columns(*unmarked, *nothing_earlier, pl.lit(exam_kind, pl.String).alias("exam_kind"))


def _as_rejected(column: Column, rejected: pl.Expr) -> pl.Expr:
    """The column, showing on rejected rows what the contract says a rejected row shows there."""
    shown = pl.lit(column.on_rejected, column.dtype)
    return pl.when(rejected).then(shown).otherwise(pl.col(column.key)).alias(column.key)


def run(settings: Settings) -> Report:
    """Judge the input and write every wanted output (see ``outputs.OUTPUTS``) into settings.out_dir;
    then record the results in the history store (settings.history), when there is one."""
    with output_errors(settings.out_dir):
        check_output_folder(settings)  # before the reading: a bad --out is said at once
    store = open_store(settings.history)  # likewise a history file that is not a store we can use
    start = time.perf_counter()
    cohort = load_cohort(settings)
    report = Report(cohort, seconds={"read and judge": time.perf_counter() - start})
    if settings.templates_dir is not None:  # an edited copy of the administrator's wording may lack entries
        report.warnings.extend(admin_wording(settings.templates_dir).warnings)
    if cohort.analysis:  # double marks and questions that look mis-keyed
        report.warnings.extend(cohort.analysis.warnings)
    with output_errors(settings.out_dir):
        sheets = cohort.count(Count.JUDGED) if settings.writes(SHEETS.name) else 0
        check_room(settings.out_dir, cohort.count(Count.READ), sheets)
    if store is not None:
        _look_up_history(store, settings, report)
    with output_errors(settings.out_dir), staging_folder(settings.out_dir) as staging:
        _write_outputs(report.cohort, staging, settings, report)
        stop_if_interrupted()  # the last moment a stop leaves the earlier outputs as they were
        replace_folder(staging, settings.out_dir)
    report.out_dir = settings.out_dir
    report.outputs = [settings.out_dir / path.relative_to(staging) for path in report.outputs]
    if store is not None:  # last, once every output is in place: an interrupted run records nothing
        with report.timed("history record"):
            report.recorded = record(store, report.cohort, settings.effective_exam, settings.out_dir)
    return report


def _look_up_history(store: HistoryStore, settings: Settings, report: Report) -> None:
    """Each student's earlier exams, for every output; a warning for an id whose name has changed."""
    # Only the sheets show more than the previous exam.
    shown = EARLIER_SHOWN if settings.writes(SHEETS.name) else 1
    with report.timed("history lookup"):
        report.cohort = with_earlier_exams(report.cohort, store, settings.effective_exam, shown)
    if report.cohort.earlier is not None and (warning := renamed_warning(report.cohort.earlier)):
        report.warnings.append(warning)


def _write_outputs(cohort: CohortRun, folder: Path, settings: Settings, report: Report) -> None:
    """Every registered output that is wanted, in order, then the marker that makes the folder ours."""
    for output in OUTPUTS:
        if not (settings.writes(output.name) and output.applies_to(cohort)):
            continue
        stop_if_interrupted()
        with report.timed(output.name):
            report.warnings.extend(output.write(cohort, folder, settings))
        report.outputs += [folder / path for path in output.paths]
    mark_as_ours(folder)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
