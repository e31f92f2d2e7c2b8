"""`python -m jlpt_batch` and the `jlpt-batch` command.

The SIGTERM handler goes in before the command line is imported: importing polars
takes a moment, and a signal in that moment should end as cleanly as one later.
"""

import signal
import sys

from jlpt_batch.errors import InterruptedRunError, raise_keyboard_interrupt


def entry() -> None:
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        from jlpt_batch.cli import main
    except KeyboardInterrupt:
        sys.stderr.write(_interrupted() + "\n")
        sys.exit(InterruptedRunError.exit_code)
    main()


def _interrupted() -> str:
    """The interruption in the locale's language, or in English if even the wording cannot be read now."""
    error = InterruptedRunError()
    try:
        from jlpt_batch.admin_wording import locale_language, safe_catalog

        catalog = safe_catalog(locale_language())
        return catalog.text("terminal.error", text=error.message.text(catalog))
    except BaseException:  # a second Ctrl-C, or a broken installation: the message still goes out, in English
        return "Error: interrupted; nothing was written and earlier outputs are intact"


if __name__ == "__main__":
    entry()
