"""A spreadsheet's cohort table: the header row and the rows below it, every cell as text.

Everything is read as the spreadsheet shows it: numbers are judged later, so `00123` stays
`00123` and a bad value can be quoted back to the user exactly. The header row is the first
row holding a candidate- or student-id header, so title rows above it are skipped while row
numbers stay those the spreadsheet shows. A workbook's table is laid out from its sparse cells by absolute
row and column (never by counting), with each cell's kind and stored number beside its text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import polars as pl

from jlpt_batch.errors import InputUnreadableError
from jlpt_batch.messages import Message
from jlpt_batch.reading.cells import SheetCells, sheet_where
from jlpt_batch.reading.headers import is_id_header

HEADER_SEARCH_ROWS = 50
# A row the reader could not split into cells: its spreadsheet row, the file's line and that line's start.
UNREADABLE_SCHEMA = pl.Schema({"source_row": pl.Int64(), "line": pl.Int64(), "text": pl.String()})


@dataclass(frozen=True)
class RawTable:
    """The rows below the header, every cell as text (or null), and where each came from."""

    header: tuple[str | None, ...]  # the header cells as written
    rows: pl.DataFrame  # columns c0, c1, ...: the data rows below the header, as text
    header_row: int  # 1-based spreadsheet row of the header
    sheet: str | None = None
    encoding: str | None = None
    # vertical merges below the header: {0-based table column: [(first row, last row), ...]}
    merges: dict[int, list[tuple[int, int]]] | None = None
    # the spreadsheet row of each data row; None: they follow the header one by one
    source_rows: pl.Series | None = None
    # workbooks: k0, k1, ...: each cell's cells.Kind (null where empty); n0, n1, ...: stored numbers
    kinds: pl.DataFrame | None = None
    numbers: pl.DataFrame | None = None
    first_column: int = 1  # 1-based spreadsheet column of c0, to name a cell (E5)
    rows_without_cells: int = 0  # rows inside the table with no cell at all (not in ``rows``)
    # rows the reader could not split into cells (UNREADABLE_SCHEMA; the row is still in ``rows``)
    unreadable_rows: pl.DataFrame | None = None
    notes: tuple[Message, ...] = ()  # what the reader noticed about the file that the user should know

    def source_row(self, index: int) -> int:
        """Spreadsheet row number of data row ``index`` (0-based)."""
        if self.source_rows is not None:
            return int(self.source_rows[index])
        return self.header_row + 1 + index

    def source_row_numbers(self) -> pl.Series:
        """``source_row``: the spreadsheet row number of every data row, in order (Int64)."""
        if self.source_rows is not None:
            return self.source_rows.alias("source_row")
        first = self.header_row + 1
        return pl.int_range(first, first + self.rows.height, dtype=pl.Int64, eager=True).alias("source_row")


@dataclass(frozen=True)
class HeaderMarker:
    """How the header row of a kind of file is recognised, and the error when it is missing."""

    matches: Callable[[object], bool]  # true for a header cell that only that kind of file's header has
    missing: str  # the entry of the error saying what the header row needs (placeholders: where, rows)


# A cohort's header is the first row holding a candidate- or student-id header.
CANDIDATE_HEADER = HeaderMarker(is_id_header, "errors.no_header")


def find_header(
    records: Sequence[Sequence[object]], where: str | Message, marker: HeaderMarker = CANDIDATE_HEADER
) -> tuple[int, list[str | None]]:
    """The index of the first record holding the marker's header (a cohort's: a candidate- or
    student-id header), and that record as text."""
    for index, record in enumerate(records):
        if any(marker.matches(cell) for cell in record):
            return index, [None if cell is None else str(cell) for cell in record]
    raise no_header(where, marker)


def no_header(where: str | Message, marker: HeaderMarker = CANDIDATE_HEADER) -> InputUnreadableError:
    """The error of a file with no header row: what to add, and where it was looked for."""
    return InputUnreadableError(marker.missing, where=where, rows=HEADER_SEARCH_ROWS)


def check_row_count(count: int, max_rows: int | None) -> None:
    """Refuse more candidate rows than --max-rows allows, before the costly work."""
    if max_rows is not None and count > max_rows:
        raise InputUnreadableError("errors.too_many_rows", rows=count, max_rows=max_rows)


def numbered_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame's columns renamed c0, c1, ...: the table's columns by position."""
    return frame.rename({name: f"c{i}" for i, name in enumerate(frame.columns)})


def first_line(error: BaseException) -> str:
    """The first line of a library's error message (at most 200 characters), to quote in one line."""
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


# ---------------------------------------------------------------- a workbook's table


def table_from_cells(
    sheet: SheetCells, file_name: str, max_rows: int | None = None, marker: HeaderMarker = CANDIDATE_HEADER
) -> RawTable:
    """The cohort table of a worksheet: the header found by absolute row, the columns from its
    first to its last header cell, each data row joined by its own row number."""
    cells, where = sheet.cells, sheet_where(file_name, sheet.sheet)
    header_row = _header_row(cells, where, marker)
    header_cells = cells.filter((pl.col("row") == header_row) & (pl.col("text").str.strip_chars() != ""))
    first_col, last_col = int(header_cells["col"].min()), int(header_cells["col"].max())  # type: ignore[arg-type]
    written = dict(zip(header_cells["col"].to_list(), header_cells["text"].to_list(), strict=True))
    header = tuple(written.get(col) for col in range(first_col, last_col + 1))
    body = cells.filter((pl.col("row") > header_row) & pl.col("col").is_between(first_col, last_col))
    row_numbers = body.get_column("row").unique().sort()
    check_row_count(row_numbers.len(), max_rows)
    text, kinds, numbers = _lanes(body, row_numbers, first_col, last_col)
    last_row = int(row_numbers.max()) if row_numbers.len() else header_row  # type: ignore[arg-type]
    return RawTable(
        header,
        text,
        header_row,
        sheet=sheet.sheet,
        merges=_vertical_merges(sheet, header_row, first_col, last_col),
        source_rows=row_numbers.cast(pl.Int64).rename("source_row"),
        kinds=kinds,
        numbers=numbers,
        first_column=first_col,
        rows_without_cells=last_row - header_row - row_numbers.len(),
    )


def _header_row(cells: pl.DataFrame, where: Message, marker: HeaderMarker) -> int:
    """The first of the first 50 rows with content that holds the marker's header."""
    first_rows = cells.get_column("row").unique().sort().head(HEADER_SEARCH_ROWS)
    candidates = cells.filter(pl.col("row").is_in(first_rows.implode()) & pl.col("text").is_not_null())
    for row, text in candidates.select("row", "text").sort("row", maintain_order=True).iter_rows():
        if marker.matches(text):
            return int(row)
    raise no_header(where, marker)


def _lanes(
    body: pl.DataFrame, row_numbers: pl.Series, first_col: int, last_col: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Dense text, kind and number columns, one row per row number: each cell placed by its row."""
    base = pl.DataFrame({"row": row_numbers})
    text, kinds, numbers = [], [], []
    for index, col in enumerate(range(first_col, last_col + 1)):
        part = body.filter(pl.col("col") == col).select(
            "row",
            pl.col("text").alias(f"c{index}"),
            pl.col("kind").alias(f"k{index}"),
            pl.col("num").alias(f"n{index}"),
        )
        placed = base.join(part, on="row", how="left", maintain_order="left")
        text.append(placed.get_column(f"c{index}"))
        kinds.append(placed.get_column(f"k{index}"))
        numbers.append(placed.get_column(f"n{index}"))
    return pl.DataFrame(text), pl.DataFrame(kinds), pl.DataFrame(numbers)


def _vertical_merges(
    sheet: SheetCells, header_row: int, first_col: int, last_col: int
) -> dict[int, list[tuple[int, int]]]:
    """Merged ranges below the header that span rows, by 0-based table column."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for top, left, bottom, right in sheet.merges:
        if bottom > top > header_row:
            for col in range(max(left, first_col), min(right, last_col) + 1):
                spans.setdefault(col - first_col, []).append((top, bottom))
    return spans
