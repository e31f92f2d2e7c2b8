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
        sys.stderr.write(f"Error: {InterruptedRunError()}\n")
        sys.exit(InterruptedRunError.exit_code)
    main()


if __name__ == "__main__":
    entry()
