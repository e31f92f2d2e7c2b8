"""Small cohort files written the way schools save them, for the reading tests."""

from __future__ import annotations

from pathlib import Path

import openpyxl

ENGLISH_HEADER = ["Candidate No", "Name", "Class", "Level", "Language Knowledge", "Reading",
                  "Language Knowledge・Reading", "Listening"]  # fmt: skip
JAPANESE_HEADER = ["受験番号", "氏名", "クラス", "レベル", "言語知識（文字・語彙・文法）", "読解",
                   "言語知識（文字・語彙・文法）・読解", "聴解"]  # fmt: skip


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8", title_rows: int = 0) -> Path:
    """A CSV with optional title rows; cells written as given (None → empty)."""
    lines = [f"Results of the July sitting{',' * 3}"] * title_rows
    lines += [",".join("" if cell is None else str(cell) for cell in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list], *, title: str | None = None, merge_class: list[tuple[int, int]] = (),
               sheet: str = "Scores", start_column: int = 1) -> Path:  # fmt: skip
    """An xlsx with an optional title row and a blank row above the table, and merged class cells.

    ``merge_class`` gives (first, last) spreadsheet rows to merge in the class column.
    """
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    first = 1
    if title:
        ws.cell(row=1, column=start_column, value=title)
        first = 3
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.cell(row=first + r, column=start_column + c, value=value)
    class_column = start_column + 2
    for top, bottom in merge_class:
        ws.merge_cells(start_row=top, end_row=bottom, start_column=class_column, end_column=class_column)
    book.create_sheet("Notes")
    book.save(path)
    return path
