"""What the terminal shows after a run or a check: short, and the same figures as the workbook."""

from __future__ import annotations

from jlpt_batch.contract import FAIL, PASS, REJECTED, CohortRun
from jlpt_batch.pipeline import Report
from jlpt_batch.stats import headline_by_level


def format_summary(report: Report) -> str:
    """Rows read, judged, passed, failed, rejected, skipped; per level; where the outputs are."""
    cohort = report.cohort
    lines = [_counts_line(cohort), "", *_level_table(cohort)]
    if report.rejected:
        lines += ["", f"{report.rejected} row(s) rejected; each is in results.csv with its reason:"]
        lines += _rejection_lines(cohort, limit=10)
    if report.out_dir is not None:
        lines += ["", f"Outputs in {report.out_dir}:"]
        lines += [f"  {path.name}" for path in report.outputs]
    return "\n".join(lines)


def format_check(cohort: CohortRun) -> str:
    """The validation result: counts, then every rejected row with its reason."""
    rejected = cohort.count(REJECTED)
    lines = [_counts_line(cohort)]
    if rejected:
        lines += ["", f"{rejected} row(s) would be rejected:", *_rejection_lines(cohort, limit=None)]
    else:
        lines += ["", "Every row can be judged."]
    return "\n".join(lines)


def _counts_line(cohort: CohortRun) -> str:
    source = cohort.source
    where = f"sheet '{source.sheet}'" if source.sheet else f"encoding {source.encoding}"
    judged = cohort.judged.height - cohort.count(REJECTED)
    return (
        f"{source.path.name} ({where}, header on row {source.header_row}): "
        f"{source.rows_read} rows read, {judged} judged: {cohort.count(PASS)} passed, "
        f"{cohort.count(FAIL)} not passed ({cohort.not_scored} not scored: absent); "
        f"{cohort.count(REJECTED)} rejected, {source.rows_skipped_empty} empty rows skipped"
    )


def _level_table(cohort: CohortRun) -> list[str]:
    """Per level: candidates, scored (sat every section), passed, pass rate of the scored."""
    table = headline_by_level(cohort.judged)
    header = ("level", "candidates", "scored", "passed", "pass rate", "absent", "rejected")
    lines = ["{:<6}{:>11}{:>8}{:>8}{:>11}{:>8}{:>10}".format(*header)]
    for row in table.iter_rows(named=True):
        rate = "-" if row["pass_rate"] is None else f"{row['pass_rate']:.0%}"
        lines.append(
            f"{row['level']:<6}{row['candidates']:>11}{row['judged']:>8}{row['passed']:>8}{rate:>11}"
            f"{row['absent']:>8}{row['rejected']:>10}"
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
