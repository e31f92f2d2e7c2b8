"""The crash report: everything about an unexpected failure, in a file, so the terminal can stay one line."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from pathlib import Path

from jlpt_batch import __version__


def report_crash(error: BaseException) -> str:
    """Write the traceback and the circumstances to a new file; return where it is (or why it is not)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = "".join(
        [
            f"jlpt-batch {__version__} crash report, {dt.datetime.now().isoformat(timespec='seconds')}\n",
            f"command: {' '.join(sys.argv)}\n",
            f"python {platform.python_version()} on {platform.platform()}\n\n",
            *traceback.format_exception(error),
        ]
    )
    for folder in (Path(tempfile.gettempdir()), Path.cwd()):
        path = folder / f"jlpt-batch-crash-{stamp}-{os.getpid()}.txt"
        try:
            path.write_text(text, encoding="utf-8")
        except OSError:
            continue
        return str(path)
    return "no file (the crash report could not be written either)"
