"""summary.xlsx, the cohort workbook (openpyxl is imported only when it is written)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from jlpt_batch.outputs.output import Output

if TYPE_CHECKING:
    from jlpt_batch.contract import CohortRun
    from jlpt_batch.messages import Message
    from jlpt_batch.settings import Settings

FILE_NAME = "summary.xlsx"


def _write(run: CohortRun, folder: Path, settings: Settings) -> Sequence[Message]:
    from jlpt_batch.outputs.workbook.writer import write_workbook

    write_workbook(run, folder / FILE_NAME, settings)
    return ()


OUTPUT = Output("workbook", (FILE_NAME,), _write, "--no-workbook", "Do not write summary.xlsx.")
