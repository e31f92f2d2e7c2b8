"""Every error the library raises on purpose. Only the CLI turns them into exit codes.

Each message says what went wrong and what to do next. Problems with single rows
are not errors: they are data (see ``ingest.Rejection``).
"""


class JlptBatchError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""

    exit_code = 1


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


class OutputNotWrittenError(JlptBatchError):
    """The output folder could not be written (read-only, full, a name too long); earlier outputs are intact."""

    exit_code = 4


class UnexpectedError(JlptBatchError):
    """Something failed that the program did not foresee; the details are in a crash report."""

    exit_code = 5

    def __init__(self, error: BaseException, details: str) -> None:
        what = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}".rstrip(
            ": "
        )
        super().__init__(
            f"an unexpected problem stopped the run ({what}); no output folder was changed. "
            f"The details are in {details}: please pass that file on to whoever looks after jlpt-batch"
        )


class InterruptedRunError(JlptBatchError):
    """The run was stopped by a signal; nothing was written."""

    exit_code = 130

    def __init__(self, message: str = "interrupted; nothing was written and earlier outputs are intact") -> None:
        super().__init__(message)


def raise_keyboard_interrupt(signum: int, frame: object) -> None:
    """A SIGTERM handler: stop the way Ctrl-C does, so the same clean-up runs."""
    raise KeyboardInterrupt
