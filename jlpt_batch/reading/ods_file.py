"""OpenDocument spreadsheets (.ods, LibreOffice's own format): one streaming pass over content.xml.

An ODS file stores each cell's value and also the text it shows (``<text:p>``), so ids keep
the zeros the sheet shows. Runs of repeated rows and cells are expanded only where they
hold something, and that counts against the cell limit: LibreOffice pads every row with
thousands of repeated empty cells, and a hostile file can repeat a value a billion times.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers.expat import ParserCreate

from jlpt_batch.errors import InputUnreadableError
from jlpt_batch.messages import message
from jlpt_batch.reading.cells import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMN,
    MAX_ROW,
    CellSink,
    Kind,
    Merge,
    SheetCells,
    Where,
    check_merges,
    damaged,
    open_part,
    parse_xml,
    sheet_not_found,
    sheet_where,
)
from jlpt_batch.reading.numfmt import general

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0|"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0|"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0|"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0|"
_NUMBER_TYPES = ("float", "percentage", "currency")


@dataclass
class _Cell:
    """The cell being read: its attributes, and its paragraphs of shown text."""

    repeat: int
    attributes: dict[str, str]
    paragraphs: list[list[str]] = field(default_factory=list)
    length: int = 0


class _ContentParser:
    """content.xml, streamed once: the wanted table's cells into the sink, its merges into a list."""

    def __init__(self, sink: CellSink, sheet: str | None, where: Where) -> None:
        self.sink, self.sheet, self.where = sink, sheet, where
        self.tables: list[str] = []
        self.chosen: str | None = None
        self.merges: list[Merge] = []
        self.reading = False
        self.row = self.col = 0
        self.row_repeat = 1
        self.row_cells: list[tuple[int, Kind, str | None, float | None]] = []
        self.cell: _Cell | None = None
        self.in_paragraph = 0

    def refuse(self, what: str, /, **values: object) -> InputUnreadableError:
        """The error of a damaged content.xml: ``what`` names the entry damage.<what> saying how."""
        return damaged(self.where, message(f"damage.{what}", **values), "libreoffice")

    def count(self, attributes: dict[str, str], key: str, limit: int) -> int:
        raw = attributes.get(key)
        if raw is None:
            return 1
        if not raw.isdigit() or not 1 <= int(raw) <= limit:
            raise self.refuse("repeat_count", value=raw[:20])
        return int(raw)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == _TABLE + "table":
            self.start_table(attributes.get(_TABLE + "name", ""))
        elif not self.reading:
            return
        elif name == _TABLE + "table-row":
            self.row_repeat = self.count(attributes, _TABLE + "number-rows-repeated", MAX_ROW)
            self.col = 0
            self.row_cells.clear()
        elif name in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            self.cell = _Cell(self.count(attributes, _TABLE + "number-columns-repeated", MAX_COLUMN), attributes)
            self.note_merge(attributes)
        elif name == _TEXT + "p" and self.cell is not None:
            self.cell.paragraphs.append([])
            self.in_paragraph += 1
        elif self.in_paragraph and self.cell is not None:
            self.special_character(name, attributes)

    def start_table(self, name: str) -> None:
        self.tables.append(name)
        self.reading = self.chosen is None and (name == self.sheet if self.sheet is not None else True)
        if self.reading:
            self.chosen, self.row = name, 0

    def special_character(self, name: str, attributes: dict[str, str]) -> None:
        assert self.cell is not None
        if name == _TEXT + "s":
            self.text(" " * self.count(attributes, _TEXT + "c", MAX_CELL_CHARS))
        elif name == _TEXT + "tab":
            self.text("\t")
        elif name == _TEXT + "line-break":
            self.text("\n")

    def note_merge(self, attributes: dict[str, str]) -> None:
        rows = self.count(attributes, _TABLE + "number-rows-spanned", MAX_ROW)
        cols = self.count(attributes, _TABLE + "number-columns-spanned", MAX_COLUMN)
        if rows > 1 or cols > 1:
            top, left = self.row + 1, self.col + 1
            self.merges.append((top, left, top + rows - 1, left + cols - 1))

    def text(self, data: str) -> None:
        cell = self.cell
        if self.in_paragraph and cell is not None and cell.length <= MAX_CELL_CHARS:
            cell.paragraphs[-1].append(data)  # a longer cell is kept just long enough to reject its row
            cell.length += len(data)

    def end(self, name: str) -> None:
        if name == _TABLE + "table":
            self.reading = False
        elif not self.reading:
            return
        elif name == _TEXT + "p":
            self.in_paragraph = max(0, self.in_paragraph - 1)
        elif name in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            self.end_cell()
        elif name == _TABLE + "table-row":
            self.end_row()

    def end_cell(self) -> None:
        cell, self.cell = self.cell, None
        if cell is None:
            return
        found = _value(cell)
        if found is not None:
            if self.sink.count + len(self.sink.texts) + cell.repeat * self.row_repeat > MAX_CELLS:
                raise InputUnreadableError("errors.repeats_too_many", where=self.where, limit=MAX_CELLS)
            kind, text, number = found
            self.row_cells += [(self.col + 1 + i, kind, text, number) for i in range(cell.repeat)]
        self.col += cell.repeat
        if self.col > MAX_COLUMN:
            raise self.refuse("row_too_wide", row=str(self.row + 1), columns=MAX_COLUMN)

    def end_row(self) -> None:
        if self.row_cells:
            if self.row + self.row_repeat > MAX_ROW:
                raise self.refuse("row_beyond", last=MAX_ROW)
            for row in range(self.row + 1, self.row + 1 + self.row_repeat):
                for col, kind, text, number in self.row_cells:
                    self.sink.add(row, col, kind, text, number)
        self.row += self.row_repeat


def _value(cell: _Cell) -> tuple[Kind, str | None, float | None] | None:
    """What a cell holds, or None for an empty one."""
    attributes = cell.attributes
    shown = "\n".join("".join(part) for part in cell.paragraphs) if cell.paragraphs else None
    value_type = attributes.get(_OFFICE + "value-type")
    if attributes.get(_CALCEXT + "value-type") == "error":
        return Kind.ERROR, shown or "#ERROR", None
    if value_type in _NUMBER_TYPES:
        number = _float(attributes.get(_OFFICE + "value"))
        if number is None:
            return Kind.EMPTY_VALUE, "", None
        return Kind.NUMBER, shown if shown is not None else general(number), number
    if value_type in ("date", "time"):
        return (
            Kind.DATE,
            shown or attributes.get(_OFFICE + "date-value") or attributes.get(_OFFICE + "time-value"),
            None,
        )
    if value_type == "boolean":
        return Kind.BOOLEAN, shown or attributes.get(_OFFICE + "boolean-value", "").upper(), None
    if value_type == "string":
        return Kind.TEXT, shown if shown is not None else attributes.get(_OFFICE + "string-value", ""), None
    formula = attributes.get(_TABLE + "formula")
    if formula is not None:
        return Kind.FORMULA, formula[:200], None
    if shown:
        return Kind.TEXT, shown, None
    return None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def read_ods(path: Path, sheet: str | None) -> SheetCells:
    """The worksheet's cells (the first table, or the one named)."""
    try:
        with zipfile.ZipFile(path) as archive:
            sink = CellSink(path.name)
            parser = _ContentParser(sink, sheet, path.name)
            expat = ParserCreate(namespace_separator="|")
            expat.buffer_text = True
            expat.StartElementHandler, expat.EndElementHandler = parser.start, parser.end
            expat.CharacterDataHandler = parser.text
            parse_xml(expat, open_part(archive, "content.xml", path.name), path.name)
    except (zipfile.BadZipFile, EOFError, KeyError, NotImplementedError) as error:
        raise damaged(path.name, message("damage.bad_archive", detail=str(error)), "libreoffice") from None
    if parser.chosen is None:
        if sheet is None:
            raise InputUnreadableError("errors.no_worksheet", where=path.name, program=message("errors.in_libreoffice"))
        raise sheet_not_found(sheet, path.name, parser.tables)
    where = sheet_where(path.name, parser.chosen)
    return SheetCells(sink.frame(), check_merges(parser.merges, where), parser.chosen)
