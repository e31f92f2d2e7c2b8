"""What the terminal shows after a run or a check: short, and the same figures as the workbook."""

from __future__ import annotations

from jlpt_batch.contract import CohortRun, Count
from jlpt_batch.pipeline import Report
from jlpt_batch.stats import headline_by_level


def format_summary(report: Report) -> str:
    """Rows read, judged, passed, failed, rejected, skipped; per level; where the outputs are."""
    cohort = report.cohort
    lines = [_counts_line(cohort), *_note_lines(cohort), "", *_level_table(cohort)]
    if report.rejected:
        lines += ["", f"{report.rejected} row(s) rejected; each is in results.csv with its reason:"]
        lines += _rejection_lines(cohort, limit=10)
    if report.out_dir is not None:
        lines += ["", f"Outputs in {report.out_dir}:"]
        lines += [f"  {path.name}" for path in report.outputs]
    return "\n".join(lines)


def format_check(cohort: CohortRun) -> str:
    """The validation result: counts, then every rejected row with its reason."""
    rejected = cohort.count(Count.REJECTED)
    lines = [_counts_line(cohort), *_note_lines(cohort)]
    if rejected:
        lines += ["", f"{rejected} row(s) would be rejected:", *_rejection_lines(cohort, limit=None)]
    else:
        lines += ["", "Every row can be judged."]
    return "\n".join(lines)


def _counts_line(cohort: CohortRun) -> str:
    source, counts = cohort.source, cohort.counts()
    where = f"sheet '{source.sheet}'" if source.sheet else f"encoding {source.encoding}"
    return (
        f"{source.path.name} ({where}, header on row {source.header_row}): "
        f"{counts[Count.READ]} rows read, {counts[Count.JUDGED]} judged: {counts[Count.PASSED]} passed, "
        f"{counts[Count.NOT_PASSED]} not passed ({counts[Count.NOT_SCORED]} not scored: absent); "
        f"{counts[Count.REJECTED]} rejected, {source.rows_skipped_empty} empty rows skipped"
    )


def _note_lines(cohort: CohortRun) -> list[str]:
    """What the reader noticed about the file (a grouped class column, lost characters, ...)."""
    return [f"note: {note}" for note in cohort.source.notes]


def _level_table(cohort: CohortRun) -> list[str]:
    """Per level: judged, scored (sat every section), passed, pass rate of the scored, not scored, rejected."""
    table = headline_by_level(cohort.judged)
    header = ("level", "judged", "scored", "passed", "pass rate", "not scored", "rejected")
    lines = ["{:<6}{:>8}{:>8}{:>8}{:>11}{:>12}{:>10}".format(*header)]
    for row in table.iter_rows(named=True):
        rate = "-" if row["pass_rate"] is None else f"{row['pass_rate']:.0%}"
        lines.append(
            f"{row['level']:<6}{row['judged']:>8}{row['scored']:>8}{row['passed']:>8}{rate:>11}"
            f"{row['not_scored']:>12}{row['rejected']:>10}"
        )
    return lines


def _rejection_lines(cohort: CohortRun, limit: int | None) -> list[str]:
    reasons = cohort.rejections.get_column("reason")
    shown = reasons if limit is None else reasons.head(limit)
    lines = [f"  {reason}" for reason in shown]
    if limit is not None and reasons.len() > limit:
        lines.append(f"  ... and {reasons.len() - limit} more problem(s): see results.csv")
    return lines


__all__ = ["format_check", "format_summary"]
