"""What an output is to the run: a name, what it adds to the folder, and one function that writes it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jlpt_batch.contract import CohortRun
    from jlpt_batch.messages import Message
    from jlpt_batch.settings import Settings

# Writes the output into the folder being built; returns what the administrator should be warned about.
Writer = Callable[["CohortRun", Path, "Settings"], Sequence["Message"]]
# Whether a run has anything for the output to write (e.g. an item analysis).
Applies = Callable[["CohortRun"], bool]


@dataclass(frozen=True)
class Output:
    """One thing a run writes into its output folder."""

    name: str  # as settings.skip and the run's stage timings name it
    paths: tuple[str, ...]  # the files or folders it adds
    write: Writer
    skip_option: str | None = None  # e.g. "--no-workbook"; None: always written
    skip_help: str = ""
    applies: Applies | None = None  # None: every run has it

    def applies_to(self, run: CohortRun) -> bool:
        """Whether this run has anything for the output to write."""
        return self.applies is None or self.applies(run)
