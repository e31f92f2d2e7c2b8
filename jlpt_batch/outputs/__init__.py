"""Outputs: everything a run writes into its folder, registered once here.

Each output lives in its own module with one entry point (an ``Output``); the run loops
over ``OUTPUTS`` in order and the command line offers a ``--no-...`` option for each one
that can be skipped. Adding an output is its module and one line here.
"""

from __future__ import annotations

from jlpt_batch.outputs import items_csv, results_csv, sheets, workbook
from jlpt_batch.outputs.output import Output

OUTPUTS: tuple[Output, ...] = (results_csv.OUTPUT, items_csv.OUTPUT, workbook.OUTPUT, sheets.OUTPUT)

__all__ = ["OUTPUTS", "Output"]
