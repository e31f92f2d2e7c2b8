"""The students' feedback sheets and the class print bundles (reportlab is imported only when they are drawn)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jlpt_batch.outputs.output import Output

if TYPE_CHECKING:
    from jlpt_batch.contract import CohortRun
    from jlpt_batch.messages import Message
    from jlpt_batch.settings import Settings


def _write(run: CohortRun, folder: Path, settings: Settings) -> Sequence[Message]:
    from jlpt_batch.outputs.sheets.stage import write_sheets

    return write_sheets(run, folder, settings).warnings


OUTPUT = Output(
    "sheets", ("sheets", "print"), _write, "--no-sheets", "Do not write the per-student PDF sheets and class bundles."
)
