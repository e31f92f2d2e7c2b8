"""The command line: parse options, call the library, turn errors into exit codes. Nothing else.

The options come from the declarations: ``settings.SETTINGS`` (one option per setting)
and ``outputs.OUTPUTS`` (a ``--no-...`` option per output that can be skipped), so the
command line, the settings file and the README's tables cannot drift apart.

Everything it prints is in the administrator's language (``--admin-lang``, else the
locale's): until the settings are known, the language the command line or the locale
asks for; after that, the settings' own.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from jlpt_batch import __version__
from jlpt_batch.admin_wording import AdminWords, locale_language, safe_catalog
from jlpt_batch.crash import report_crash
from jlpt_batch.errors import (
    InterruptedRunError,
    JlptBatchError,
    UnexpectedError,
    quiet_interrupts,
    raise_keyboard_interrupt,
    was_interrupted,
)
from jlpt_batch.history.command import resolve_request, run_history
from jlpt_batch.outputs import OUTPUTS
from jlpt_batch.pipeline import Report, load_cohort, run
from jlpt_batch.settings import SETTINGS, Given, Setting, Settings, resolve
from jlpt_batch.settings_file import find_settings_file, read_settings_file
from jlpt_batch.terminal import format_check, format_summary

EXIT_CODES_HELP = (
    "Exit codes: 0 every row judged; 3 finished but some rows rejected; 2 usage error; "
    "1 input unreadable; 4 outputs could not be written; 5 unexpected error; 130 interrupted."
)
HISTORY_EXIT_CODES_HELP = (
    "Exit codes: 0 done; 2 usage error, or nothing in the store matches; 4 the store could not be written; "
    "5 unexpected error; 130 interrupted."
)

T = TypeVar("T")
Command = Callable[..., Any]


class CliError(click.ClickException):
    """A library error shown as one line in the administrator's language, with the library's exit code."""

    def __init__(self, error: JlptBatchError, words: AdminWords) -> None:
        super().__init__(error.message.text(words.catalog))
        self.words = words
        # click reads the exit code from the instance; its type stubs call it a class variable.
        self.exit_code = error.exit_code  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        click.echo(self.words.text("terminal.error", text=self.format_message()), err=file is None, file=file)


def _words() -> AdminWords:
    """The administrator's words as far as this command knows them (the locale's until the settings are read)."""
    context = click.get_current_context(silent=True)
    words = context.meta.get(_WORDS) if context else None
    return words if isinstance(words, AdminWords) else AdminWords(safe_catalog(locale_language()))


def _use_words(lang: str, templates_dir: Path | None = None) -> AdminWords:
    """From now on, this command speaks ``lang``."""
    words = AdminWords(safe_catalog(lang, templates_dir))
    click.get_current_context().meta[_WORDS] = words
    return words


_WORDS = "jlpt_batch.words"


class GuardedGroup(click.Group):
    """Every command ends with one line and a documented exit code, whatever happens.

    Ctrl-C or SIGTERM at any moment is exit 130 (click's own handling would print
    "Aborted!" and exit 1). Anything unexpected is written in full to a crash report,
    and the terminal gets one line saying what failed and where the details are.
    """

    def invoke(self, ctx: click.Context) -> Any:
        stops = (signal.SIGTERM, signal.SIGINT)
        previous = {signum: signal.signal(signum, raise_keyboard_interrupt) for signum in stops}
        previous_hook, sys.unraisablehook = sys.unraisablehook, quiet_interrupts
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise CliError(InterruptedRunError(), _words()) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # the last resort: never a traceback on the terminal
            if was_interrupted():  # a signal that a library turned into an error of its own
                raise CliError(InterruptedRunError(), _words()) from None
            raise CliError(UnexpectedError(error, report_crash(error)), _words()) from None
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            sys.unraisablehook = previous_hook


@click.group(cls=GuardedGroup, epilog=EXIT_CODES_HELP)
@click.version_option(__version__, prog_name="jlpt-batch")
def main() -> None:
    """Judge a cohort's JLPT scores by the official rules; write feedback sheets, a summary workbook and results.csv."""


def _option(item: Setting) -> Callable[[Command], Command]:
    """The click option of one declared setting. Values stay raw: ``settings.resolve`` checks them."""
    if item.flag and item.in_file:  # the command line can undo what the settings file says
        name = item.option.removeprefix("--")
        return click.option(f"{item.option}/--no-{name}", item.key, default=None, help=item.help_text)
    if item.flag:
        return click.option(item.option, item.key, is_flag=True, default=None, help=item.help_text)
    return click.option(item.option, item.key, metavar=item.metavar, help=item.help_text)


def settings_options(command_name: str) -> Callable[[Command], Command]:
    """Every declared setting that this command takes, as options."""

    def decorate(command: Command) -> Command:
        for item in reversed(SETTINGS):
            if command_name in item.commands:
                command = _option(item)(command)
        return command

    return decorate


def output_options(command: Command) -> Command:
    """A --no-... option for each output that can be skipped."""
    for output in reversed(OUTPUTS):
        if output.skip_option:
            command = click.option(output.skip_option, f"skip_{output.name}", is_flag=True, help=output.skip_help)(
                command
            )
    return command


def input_argument(command: Command) -> Command:
    return click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))(command)


@main.command("run", epilog=EXIT_CODES_HELP)
@input_argument
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), help="Output folder (default: ./<input name>-results/)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Settings file (TOML; default: jlpt-batch.toml in the current folder, else beside INPUT).",
)
@output_options
@settings_options("run")
def run_command(input_path: Path, out_dir: Path | None, config_path: Path | None, **options: object) -> NoReturn:
    """Judge INPUT (.xlsx, .xlsm, .xlsb, .ods, .xls or .csv) and write results.csv, summary.xlsx and feedback sheets."""
    skip = frozenset(output.name for output in OUTPUTS if options.pop(f"skip_{output.name}", False))
    _use_words(_asked_language(options))
    settings = _guarded(lambda: _settings(input_path, out_dir, config_path, options, skip))
    words = _use_words(settings.admin_lang, settings.templates_dir)
    report = _guarded(lambda: run(settings))
    click.echo(format_summary(report, words))
    for warning in report.warnings:
        click.echo(words.text("terminal.warning", text=warning.text(words.catalog)), err=True)
    sys.exit(report.exit_code)


@main.command("check", epilog=EXIT_CODES_HELP)
@input_argument
@settings_options("check")
def check_command(input_path: Path, **options: object) -> NoReturn:
    """Validate INPUT without writing anything, and list the rows that would be rejected."""
    _use_words(_asked_language(options))
    # the settings file beside the input counts as for run: its language, sitting, templates
    settings = _guarded(lambda: _settings(input_path, None, None, options, frozenset()))
    words = _use_words(settings.admin_lang, settings.templates_dir)
    cohort = _guarded(lambda: load_cohort(settings))
    click.echo(format_check(cohort, words))
    sys.exit(Report(cohort).exit_code)


@main.command("history", epilog=HISTORY_EXIT_CODES_HELP)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    help="Settings file whose history store to use (default: jlpt-batch.toml in the current folder).",
)
@settings_options("history")
def history_command(config_path: Path | None, **options: object) -> NoReturn:
    """List the exams in the history store; print, export or forget a student's history; remove an exam."""
    _use_words(_asked_language(options))
    path = find_settings_file(config_path)
    written = _guarded(lambda: read_settings_file(path, _file_language(options)))
    request = _guarded(lambda: resolve_request(Given(options, written, path)))
    _use_words(request.admin_lang)
    click.echo(_guarded(lambda: run_history(request)))
    sys.exit(0)


def _guarded(action: Callable[[], T]) -> T:
    """Run a library call, turning its errors into one clean line (in the administrator's language) and an exit code."""
    try:
        return action()
    except JlptBatchError as error:
        if was_interrupted():  # e.g. a reader that took the interrupt for a damaged file
            raise CliError(InterruptedRunError(), _words()) from None
        raise CliError(error, _words()) from None


def _asked_language(options: dict[str, object]) -> str:
    """The administrator's language the command line asks for, before the settings are checked."""
    asked = options.get("admin_lang")
    if isinstance(asked, str) and asked.strip():
        return asked.strip().lower().replace("_", "-").split("-")[0]
    return locale_language()


def _file_language(options: dict[str, object]) -> Callable[[dict[str, object]], None]:
    """Speak the settings file's admin_lang, unless the command line names one, as soon as the file
    is read: its own problems (an unknown key, a bad value) are then reported in that language."""

    def speak(written: dict[str, object]) -> None:
        if options.get("admin_lang") is None and isinstance(written.get("admin_lang"), str):
            _use_words(_asked_language({"admin_lang": written["admin_lang"]}))

    return speak


def _settings(
    input_path: Path, out_dir: Path | None, config_path: Path | None, options: dict[str, object], skip: frozenset[str]
) -> Settings:
    """Command-line options win over the settings file, which wins over the defaults."""
    path = find_settings_file(config_path, input_path.parent)
    written = read_settings_file(path, _file_language(options))
    given = Given(options, written, path)
    return replace(resolve(input_path, out_dir, given, skip=skip), show_progress=sys.stderr.isatty())
