"""Every error the library raises on purpose. Only the CLI turns them into exit codes.

Each message says what went wrong and what to do next, in the administrator's
language: an error carries an entry of their wording (``errors.*`` in
``templates/admin/<lang>.toml``) and its values, and the CLI words it. Problems with
single rows are not errors: they are data (the rejections of ``reading.validate``).
"""

from __future__ import annotations

import sys

from jlpt_batch.messages import Message, is_entry_name


class JlptBatchError(Exception):
    """Base class: a problem the user can fix, with a message that says how.

    ``JlptBatchError("errors.empty_file", file="c.csv")``. Text that is not an entry
    name is shown as it is (English only; the tests ask for an entry instead).
    """

    exit_code = 1

    def __init__(self, key: str, /, **values: object) -> None:
        self.message = Message(key, values) if is_entry_name(key) else Message("errors.as_written", {"text": key})
        super().__init__(key)

    def __str__(self) -> str:
        return str(self.message)


class InputUnreadableError(JlptBatchError):
    """The input file cannot be read as a cohort spreadsheet; nothing was written."""

    exit_code = 1


class UsageError(JlptBatchError):
    """The command was asked for something that cannot be done as asked."""

    exit_code = 2


class SheetNotFoundError(UsageError):
    """The --sheet named does not exist in the workbook."""


class OutputExistsError(UsageError):
    """The output folder exists and --force was not given."""


class AnswerKeyError(UsageError):
    """The answer key of a mock cannot be read, or does not fit the responses; nothing was marked."""


class TemplateError(JlptBatchError):
    """A wording template is malformed or uses a placeholder that does not exist."""

    exit_code = 2


class SettingsError(UsageError):
    """The settings file cannot be read or holds an unknown or invalid setting."""


class HistoryError(UsageError):
    """The history store cannot be used as asked: not our store, a newer one, or nothing matching."""


class OutputNotWrittenError(JlptBatchError):
    """The output folder could not be written (read-only, full, a name too long); earlier outputs are intact."""

    exit_code = 4


class HistoryNotWrittenError(JlptBatchError):
    """The history store could not be written (after a run's outputs, or by the history command); it is as it was."""

    exit_code = 4


class UnexpectedError(JlptBatchError):
    """Something failed that the program did not foresee; the details are in a crash report."""

    exit_code = 5

    def __init__(self, error: BaseException, details: str) -> None:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        what = f"{type(error).__name__}: {first_line}".rstrip(": ")
        super().__init__("errors.unexpected", what=what, details=details)


class InterruptedRunError(JlptBatchError):
    """The run was stopped by a signal; nothing was written."""

    exit_code = 130

    def __init__(self, key: str = "errors.interrupted", /, **values: object) -> None:
        super().__init__(key, **values)


_SIGNALLED: set[int] = set()


def raise_keyboard_interrupt(signum: int, frame: object) -> None:
    """A SIGINT and SIGTERM handler: stop the way Ctrl-C does, so the same clean-up runs.

    The signal is noted first: when it lands while a library is inside a call back into Python
    (polars converting its arguments, say), the library may turn the KeyboardInterrupt into an
    error of its own, and the run must still end as interrupted, not as a crash."""
    _SIGNALLED.add(signum)
    raise KeyboardInterrupt


def quiet_interrupts(unraisable: sys.UnraisableHookArgs) -> None:
    """``sys.unraisablehook``: an interrupt raised where Python cannot pass it on (inside a
    library's call back into Python) is not printed as a traceback; the run still ends as
    interrupted, since the signal was noted. Anything else goes to Python's own hook."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def was_interrupted() -> bool:
    """Whether a SIGINT or SIGTERM has arrived in this process."""
    return bool(_SIGNALLED)


def stop_if_interrupted() -> None:
    """Stop here if a signal arrived that a library swallowed on its way (see ``quiet_interrupts``)."""
    if _SIGNALLED:
        raise KeyboardInterrupt
