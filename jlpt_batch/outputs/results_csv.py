"""results.csv: the machine-readable record of every row, judged or rejected."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from jlpt_batch.contract import COLUMN_KEYS, OWN_WORDS, CohortRun
from jlpt_batch.outputs.output import Output

if TYPE_CHECKING:
    from jlpt_batch.messages import Message
    from jlpt_batch.settings import Settings

FILE_NAME = "results.csv"

# A cell starting with =, +, -, @, tab or CR is run as a formula by spreadsheet programs.
FORMULA_START = r"^[=+\-@\t\r]"


def defuse_formulas(text: pl.Expr) -> pl.Expr:
    """Prefix a `'` to text a spreadsheet would otherwise run as a formula."""
    risky = text.str.contains(FORMULA_START).fill_null(False)
    return pl.when(risky).then(pl.lit("'") + text).otherwise(text)


def results_frame(judged: pl.DataFrame) -> pl.DataFrame:
    """The contract's columns in order, every text cell that came from the file made formula-safe."""
    ordered = judged.select(COLUMN_KEYS)
    text_columns = [name for name, kind in ordered.schema.items() if kind == pl.String and name not in OWN_WORDS]
    # Rewriting a column copies it, so only the columns that hold a risky cell are rewritten.
    risky = ordered.select(pl.col(text_columns).str.contains(FORMULA_START).any()).row(0, named=True)
    return ordered.with_columns(defuse_formulas(pl.col(name)).alias(name) for name in text_columns if risky[name])


def write_results(judged: pl.DataFrame, path: Path) -> None:
    """Write results.csv as UTF-8 with a BOM, so Excel shows Japanese names correctly."""
    results_frame(judged).write_csv(path, include_bom=True, line_terminator="\r\n")


def _write(run: CohortRun, folder: Path, settings: Settings) -> Sequence[Message]:
    write_results(run.judged, folder / FILE_NAME)
    return ()


OUTPUT = Output("results.csv", (FILE_NAME,), _write)
