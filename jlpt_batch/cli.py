"""The command line: parse options, call the library, turn errors into exit codes. Nothing else."""

from __future__ import annotations

import datetime as dt
import signal
import sys
from pathlib import Path

import click

from jlpt_batch import __version__
from jlpt_batch.errors import InterruptedRunError, JlptBatchError, UsageError, raise_keyboard_interrupt
from jlpt_batch.exams import parse_sitting
from jlpt_batch.pipeline import Report, load_cohort, run
from jlpt_batch.settings import DEFAULT_MAX_ROWS, Exam, Settings, default_out_dir
from jlpt_batch.settings_file import load_config
from jlpt_batch.terminal import format_check, format_summary

EXIT_CODES_HELP = (
    "Exit codes: 0 every row judged; 3 finished but some rows rejected; 2 usage error; 1 input unreadable."
)


class CliError(click.ClickException):
    """A library error shown as one line, with the library's exit code."""

    def __init__(self, error: JlptBatchError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


class InterruptibleGroup(click.Group):
    """Ctrl-C or SIGTERM at any moment of a command ends it with one line and exit code 130.

    (click's own handling would print "Aborted!" and exit with 1.)
    """

    def invoke(self, ctx: click.Context):
        previous = signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise CliError(InterruptedRunError()) from None
        finally:
            signal.signal(signal.SIGTERM, previous)


@click.group(cls=InterruptibleGroup, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="jlpt-batch")
def main() -> None:
    """Judge a cohort's JLPT scores by the official rules; write feedback sheets, a summary workbook and results.csv."""


def input_options(command):
    """Options shared by `run` and `check`: where the rows come from."""
    command = click.option("--max-rows", type=click.IntRange(min=1), default=DEFAULT_MAX_ROWS, show_default=True,
                           help="Refuse inputs with more candidate rows than this.")(command)  # fmt: skip
    command = click.option(
        "--encoding", help="Encoding of a CSV input (default: detect UTF-8, UTF-8 with BOM, cp932)."
    )(command)
    command = click.option("--sheet", help="Worksheet to read from an .xlsx input (default: the first).")(command)
    return click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))(command)


@main.command("run", epilog=EXIT_CODES_HELP)
@input_options
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Output folder (default: ./<input name>-results/).",
)
@click.option("--force", is_flag=True, help="Replace an existing output folder even if jlpt-batch did not write it.")
@click.option("--no-sheets", is_flag=True, help="Do not write the per-student PDF sheets and class bundles.")
@click.option("--no-workbook", is_flag=True, help="Do not write summary.xlsx.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (TOML; default: jlpt-batch.toml in the current folder, else beside INPUT).",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Date of issue; weeks to the next sitting count from it (default: today).",
)
@click.option(
    "--sitting", help="The sitting the scores come from, YYYY-MM (July or December; default: the latest one)."
)
@click.option(
    "--mock-date", type=click.DateTime(["%Y-%m-%d"]), help="The scores are from a mock exam held on this date."
)
@click.option("--school", help="School name printed on every sheet.")
@click.option(
    "--lang", help="Default sheet language (en, ja, ko, zh, vi); a `language` column overrides it per student."
)
@click.option(
    "--templates",
    "templates_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    help="Folder of edited wording templates (copy the shipped templates/ folder to start).",
)
@click.option("--paper", type=click.Choice(["a4", "letter"]), help="Paper size of the sheets (default: a4).")
@click.option(
    "--jobs", type=click.IntRange(min=1), help="Worker processes for the sheets (default: the machine's cores)."
)
@click.option(
    "--sort", type=click.Choice(["input", "id", "name"]), help="Order of the sheets in a class bundle (default: input)."
)
@click.option(
    "--duplex", is_flag=True, default=None, help="Pad bundles so each student starts on a new sheet of paper."
)
@click.option("--percentile", is_flag=True, default=None, help="Show passers their estimated national percentile rank.")
@click.option(
    "--region",
    type=click.Choice(["all", "domestic", "overseas"]),
    help="National figures to compare with (default: all).",
)
def run_command(input_path: Path, out_dir: Path | None, config_path: Path | None, **options) -> None:
    """Judge INPUT (.xlsx or .csv) and write results.csv, summary.xlsx and feedback sheets."""
    settings = _guarded(lambda: _settings(input_path, out_dir, config_path, options))
    report = _guarded(lambda: run(settings))
    click.echo(format_summary(report))
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    sys.exit(report.exit_code)


@main.command("check", epilog=EXIT_CODES_HELP)
@input_options
def check_command(input_path: Path, sheet: str | None, encoding: str | None, max_rows: int) -> None:
    """Validate INPUT without writing anything, and list the rows that would be rejected."""
    settings = Settings(input_path, default_out_dir(input_path), sheet=sheet, encoding=encoding, max_rows=max_rows)
    cohort = _guarded(lambda: load_cohort(settings))
    click.echo(format_check(cohort))
    sys.exit(Report(cohort).exit_code)


def _guarded(action):
    """Run a library call, turning its errors into one clean line and an exit code."""
    try:
        return action()
    except JlptBatchError as error:
        raise CliError(error) from None


def _settings(input_path: Path, out_dir: Path | None, config_path: Path | None, options: dict) -> Settings:
    """Command-line options win over the settings file, which wins over the defaults."""
    config = load_config(config_path, input_path.parent)

    def pick(name: str, default=None):
        value = options.get(name)
        return value if value is not None else config.get(name, default)

    as_of = options["as_of"].date() if options["as_of"] else dt.date.today()
    templates = pick("templates_dir") or config.get("templates")
    return Settings(
        input_path=input_path,
        out_dir=out_dir or default_out_dir(input_path),
        sheet=options["sheet"], encoding=options["encoding"], max_rows=options["max_rows"],
        write_sheets=not options["no_sheets"], write_workbook=not options["no_workbook"],
        force=options["force"], as_of=as_of,
        exam=_exam(pick("sitting"), options["mock_date"] or config.get("mock_date"), as_of),
        school=pick("school", ""), lang=pick("lang", "en"),
        templates_dir=Path(templates) if templates else None,
        paper=pick("paper", "a4"), sort=pick("sort", "input"), region=pick("region", "all"),
        duplex=bool(pick("duplex", False)), percentile=bool(pick("percentile", False)),
        **({"jobs": options["jobs"]} if options["jobs"] else {}),
        show_progress=sys.stderr.isatty(),
    )  # fmt: skip


def _exam(sitting: str | None, mock_date, as_of: dt.date) -> Exam:
    if isinstance(mock_date, str):
        try:
            mock_date = dt.date.fromisoformat(mock_date)
        except ValueError:
            raise UsageError(f"mock_date {mock_date!r} is not a date like 2026-11-20") from None
    if isinstance(mock_date, dt.datetime):
        mock_date = mock_date.date()
    try:
        parsed = parse_sitting(sitting) if sitting else None
    except ValueError as error:
        raise UsageError(f"--sitting: {error}") from None
    if mock_date is not None:
        return Exam(parsed or Exam.default_for(mock_date).sitting, mock_date)
    return Exam(parsed) if parsed else Exam.default_for(as_of)
