"""The progress bar of the sheet stage, on the terminal's error stream."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from jlpt_batch.admin_wording import admin_catalog
from jlpt_batch.settings import Settings

Progress = Callable[[int, int], None]  # (students done, students in all)


def progress_for(settings: Settings, total: int, given: Progress | None) -> Progress:
    if given is not None:
        return given
    if settings.show_progress and total:
        label = admin_catalog(settings.admin_lang, settings.templates_dir).text("terminal.progress")
        return ProgressBar(total, label=label)
    return lambda done, total: None


class ProgressBar:
    """A one-line bar on stderr, redrawn at most ten times a second and finished with a newline."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30, label: str = "sheets") -> None:
        self.total = total
        self.label = label  # in the administrator's language
        self.stream = stream or sys.stderr
        self.width = width
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.width * done // max(total, 1)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'-' * (self.width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
