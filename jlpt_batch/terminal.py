"""What the terminal shows after a run or a check: short, the same figures as the workbook,
in the administrator's language."""

from __future__ import annotations

import unicodedata

from jlpt_batch.admin_wording import AdminWords
from jlpt_batch.contract import CohortRun, Count, EarlierExams
from jlpt_batch.history.run_step import Recorded
from jlpt_batch.pipeline import Report
from jlpt_batch.stats import headline_by_level

# The level table: its columns (the headline figures) and how wide each is, in terminal cells.
_TABLE = (("level", 6), ("judged", 8), ("scored", 8), ("passed", 8), ("pass_rate", 11), ("not_scored", 12),
          ("rejected", 10))  # fmt: skip


def format_summary(report: Report, words: AdminWords) -> str:
    """Rows read, judged, passed, failed, rejected, skipped; per level; where the outputs are."""
    cohort = report.cohort
    lines = [_counts_line(cohort, words), *_note_lines(cohort, words), "", *_level_table(cohort, words)]
    if report.rejected:
        lines += ["", words.text("terminal.rejected", rows=words.count("row", report.rejected))]
        lines += _rejection_lines(cohort, words, limit=10)
    if report.out_dir is not None:
        lines += ["", words.text("terminal.outputs", folder=report.out_dir)]
        lines += [f"  {path.name}" for path in report.outputs]
    if report.recorded is not None:
        lines += ["", _history_line(report.recorded, report.cohort.earlier, words)]
    return "\n".join(lines)


def _history_line(recorded: Recorded, earlier: EarlierExams | None, words: AdminWords) -> str:
    """Where this exam went in the history store, and how many students had earlier exams there."""
    with_earlier = 0 if earlier is None else earlier.exams["source_row"].n_unique()
    return words.text(
        "terminal.history",
        students=words.count("student", recorded.students),
        exam=words.exam(recorded.exam),
        store=recorded.store,
        earlier=words.count("student", with_earlier),
    )


def format_check(cohort: CohortRun, words: AdminWords) -> str:
    """The validation result: counts, then every rejected row with its reason."""
    rejected = cohort.count(Count.REJECTED)
    lines = [_counts_line(cohort, words), *_note_lines(cohort, words)]
    if rejected:
        lines += ["", words.text("terminal.would_reject", rows=words.count("row", rejected))]
        lines += _rejection_lines(cohort, words, limit=None)
    else:
        lines += ["", words.text("terminal.all_judged")]
    return "\n".join(lines)


def _counts_line(cohort: CohortRun, words: AdminWords) -> str:
    source, counts = cohort.source, cohort.counts()
    if source.sheet:
        where = words.text("terminal.source_sheet", sheet=source.sheet)
    else:
        where = words.text("terminal.source_csv", encoding=source.encoding)
    number = {count: words.number(counts[count]) for count in Count}
    return words.text(
        "terminal.counts",
        file=source.path.name,
        source=where,
        header_row=source.header_row,
        read=words.count("row", counts[Count.READ]),
        judged=number[Count.JUDGED],
        passed=number[Count.PASSED],
        not_passed=number[Count.NOT_PASSED],
        not_scored=number[Count.NOT_SCORED],
        rejected=number[Count.REJECTED],
        skipped=words.count("empty_row", source.rows_skipped_empty),
    )


def _note_lines(cohort: CohortRun, words: AdminWords) -> list[str]:
    """What the reader noticed about the file (a grouped class column, lost characters, ...)."""
    return [words.text("terminal.note", text=note.text(words.catalog)) for note in cohort.source.notes]


def _level_table(cohort: CohortRun, words: AdminWords) -> list[str]:
    """Per level: judged, scored (sat every section), passed, pass rate of the scored, not scored, rejected."""
    table = headline_by_level(cohort.judged)
    headings = [words.text(f"terminal.heading_{name}") for name, _ in _TABLE]
    # A column is as wide as its usual width, or its heading and a gap when the heading is longer.
    widths = [width if index == 0 else max(width, terminal_width(heading) + 2)
              for index, (heading, (_, width)) in enumerate(zip(headings, _TABLE, strict=True))]  # fmt: skip
    lines = [_table_line(headings, widths)]
    for row in table.iter_rows(named=True):
        rate = words.text("terminal.no_rate") if row["pass_rate"] is None else words.percent(row["pass_rate"])
        cells = [row["level"], *(words.number(row[name]) for name, _ in _TABLE[1:4]), rate]
        cells += [words.number(row[name]) for name, _ in _TABLE[5:]]
        lines.append(_table_line(cells, widths))
    return lines


def _table_line(cells: list[str], widths: list[int]) -> str:
    """The first cell left-aligned, the others right-aligned, each in its column's width."""
    line = pad(cells[0], max(widths[0], terminal_width(cells[0]) + 1), left=True)
    line += "".join(pad(cell, width, left=False) for cell, width in zip(cells[1:], widths[1:], strict=True))
    return line.rstrip()


def terminal_width(text: str) -> int:
    """How many terminal cells the text takes: a wide (East Asian) character takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int, left: bool) -> str:
    """``text`` in ``width`` terminal cells, to the left or the right."""
    space = " " * max(width - terminal_width(text), 0)
    return text + space if left else space + text


def _rejection_lines(cohort: CohortRun, words: AdminWords, limit: int | None) -> list[str]:
    reasons = cohort.rejections.get_column("reason")
    shown = reasons if limit is None else reasons.head(limit)
    lines = [f"  {reason}" for reason in shown]
    if limit is not None and reasons.len() > limit:
        more = words.count("problem", reasons.len() - limit)
        lines.append(f"  {words.text('terminal.more', problems=more)}")
    return lines


__all__ = ["format_check", "format_summary"]
