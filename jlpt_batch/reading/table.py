"""Reading a spreadsheet file into a table of text cells, whatever shape it comes in.

Everything is read as text: numbers are judged later, so `00123` stays `00123` and a
bad value can be quoted back to the user exactly. The header row is found here (the
first row holding a candidate-id header), so title rows above it are skipped while
row numbers stay those the spreadsheet shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from jlpt_batch.errors import InputUnreadableError
from jlpt_batch.reading.headers import is_candidate_id_header

HEADER_SEARCH_ROWS = 50


@dataclass(frozen=True)
class HeaderMarker:
    """How the header row of a kind of file is recognised, and what to ask for when it is missing."""

    matches: Callable[[object], bool]  # true for a header cell that only that kind of file's header has
    wanted: str  # what the header row needs, as a message asks for it
    above: str  # what the header row stands above


# A cohort's header is the first row holding a candidate-id header.
CANDIDATE_HEADER = HeaderMarker(
    is_candidate_id_header, "a candidate id column (e.g. 'Candidate No', 'ID', '受験番号')", "scores"
)


@dataclass(frozen=True)
class RawTable:
    """The rows from the header on, every cell as text (or null)."""

    header: tuple[str | None, ...]  # the header cells as written
    rows: pl.DataFrame  # columns c0, c1, ...: the data rows below the header, as text
    header_row: int  # 1-based spreadsheet row of the header
    sheet: str | None = None
    encoding: str | None = None
    # vertical merges below the header: {0-based table column: [(first row, last row), ...]}
    merges: dict[int, list[tuple[int, int]]] | None = None

    def source_row(self, index: int) -> int:
        """Spreadsheet row number of data row ``index`` (0-based)."""
        return self.header_row + 1 + index


# ---------------------------------------------------------------- shared


def find_header(
    records: Sequence[Sequence[object]], where: str, marker: HeaderMarker = CANDIDATE_HEADER
) -> tuple[int, list[str | None]]:
    for index, record in enumerate(records):
        if any(marker.matches(cell) for cell in record):
            return index, [None if cell is None else str(cell) for cell in record]
    raise InputUnreadableError(
        f"{where}: no header row with {marker.wanted} in the first {HEADER_SEARCH_ROWS} rows; "
        f"add one above the {marker.above}"
    )


def numbered_columns(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({name: f"c{i}" for i, name in enumerate(frame.columns)})


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__
