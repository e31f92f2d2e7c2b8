"""items.csv: the item analysis of a mock marked against its key, one row per level and question."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from jlpt_batch.contract import CohortRun
from jlpt_batch.marking.analysis import ITEM_COLUMNS
from jlpt_batch.outputs.output import Output
from jlpt_batch.outputs.results_csv import defuse_formulas

if TYPE_CHECKING:
    from jlpt_batch.messages import Message
    from jlpt_batch.settings import Settings

FILE_NAME = "items.csv"
DECIMALS = 4  # of facility, discrimination, point-biserial and the shares


def _write(run: CohortRun, folder: Path, settings: Settings) -> Sequence[Message]:
    assert run.analysis is not None  # the output applies only to runs with an analysis
    items = run.analysis.items.select(ITEM_COLUMNS)
    # An item is named as the key wrote it: made formula-safe like any text from a file.
    items = items.with_columns(defuse_formulas(pl.col("item")).alias("item"))
    items.write_csv(folder / FILE_NAME, include_bom=True, line_terminator="\r\n", float_precision=DECIMALS)
    return ()


OUTPUT = Output(
    "items",
    (FILE_NAME,),
    _write,
    "--no-items",
    "Do not write items.csv (the item analysis of a mock marked with --key).",
    applies=lambda run: run.analysis is not None,
)
