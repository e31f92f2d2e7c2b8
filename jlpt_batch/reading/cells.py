"""A worksheet as sparse cells: every cell where it is, what it holds, and what it shows.

Every workbook reader (xlsx, xlsb, ods, xls) makes one pass over its file and hands back
``SheetCells``: one row per cell that holds something, with its absolute 1-based row and
column, its kind, the text the spreadsheet shows (number format applied) and, for numbers,
the stored number. Positions come from this one reading only, so a value can never land
on another student's row. The limits here bound what any file, honest or hostile, can cost.
"""

from __future__ import annotations

import contextlib
import zipfile
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import IO
from xml.parsers.expat import ExpatError, XMLParserType

import polars as pl

from jlpt_batch.errors import InputUnreadableError, SheetNotFoundError
from jlpt_batch.messages import Message, message

# The limits every workbook is read within (the README's "What happens when" lists them).
MAX_ROW = 1_048_576  # Excel's last row
MAX_COLUMN = 16_384  # Excel's last column, XFD
MAX_CELL_CHARS = 131_068  # four times Excel's own 32,767: a longer cell rejects its row
MAX_CELLS = 16_000_000  # cells holding something, across the worksheet read
MAX_MERGES = 1_048_576  # merged ranges on the worksheet read
MAX_PART_BYTES = 1 << 30  # one part of a workbook, uncompressed (a 1M-row sheet is about 360 MiB)
MAX_SMALL_PART_BYTES = 64 << 20  # the workbook's list of sheets, its styles, its relationships
READ_BLOCK = 1 << 20


class Kind(IntEnum):
    """What a cell holds."""

    NUMBER = 0
    TEXT = 1
    BOOLEAN = 2
    ERROR = 3  # #N/A, #VALUE!, ...: the text is the error
    FORMULA = 4  # a formula with no stored value: the program that saved it never calculated it
    EMPTY_VALUE = 5  # a value element with nothing in it
    DATE = 6  # a number shown as a date or a time


CELL_SCHEMA = pl.Schema({"row": pl.UInt32(), "col": pl.UInt16(), "kind": pl.UInt8(), "text": pl.String(),
                         "num": pl.Float64()})  # fmt: skip

# A merged range: (first row, first column, last row, last column), 1-based.
Merge = tuple[int, int, int, int]
# Where a problem lies, as a message names it: a file's name, or "cohort.xlsx, sheet 'Results'".
Where = str | Message


def sheet_where(file: str, sheet: str) -> Message:
    """'cohort.xlsx, sheet 'Results'', in the administrator's language."""
    return message("errors.where_sheet", file=file, sheet=sheet)


def sheet_not_found(sheet: str, file: Where, sheets: list[str]) -> SheetNotFoundError:
    """The error of a --sheet the workbook does not have, listing the sheets it has."""
    listing = tuple(message("errors.sheet_name", sheet=name) for name in sheets)
    return SheetNotFoundError("errors.sheet_not_found", sheet=sheet, file=file, sheets=listing)


def damaged(where: Where, detail: str | Message, program: str = "excel") -> InputUnreadableError:
    """The error of a file that is damaged or incomplete: what is wrong, and which program
    (``excel``, ``libreoffice`` or ``any``) to open it in and save it again."""
    return InputUnreadableError("errors.damaged", where=where, detail=detail, program=message(f"errors.in_{program}"))


@dataclass(frozen=True)
class SheetCells:
    """One worksheet as read: its cells (``CELL_SCHEMA``) and merged ranges."""

    cells: pl.DataFrame
    merges: tuple[Merge, ...]
    sheet: str


class CellSink:
    """Collects cells in compact arrays and turns them into polars chunks as it goes.

    The readers append to ``rows``, ``cols``, ``kinds``, ``texts`` and ``nums`` directly
    (a method call per cell would cost more than the rest of the work) and call
    ``chunk_full`` after each cell.
    """

    CHUNK = 1 << 17

    def __init__(self, where: Where) -> None:
        self.where = where
        self.rows = array("I")
        self.cols = array("H")
        self.kinds = array("B")
        self.texts: list[str | None] = []
        self.nums: list[float | None] = []
        self.count = 0
        self._chunks: list[pl.DataFrame] = []

    def add(self, row: int, col: int, kind: Kind, text: str | None, num: float | None) -> None:
        """One cell (the slower way, for the readers whose loop is not the bottleneck)."""
        self.rows.append(row)
        self.cols.append(col)
        self.kinds.append(kind)
        self.texts.append(text)
        self.nums.append(num)
        self.chunk_full()

    def chunk_full(self) -> None:
        """Call after appending a cell: moves a full chunk into polars and enforces the cell limit."""
        if len(self.texts) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.texts:
            return
        self.count += len(self.texts)
        if self.count > MAX_CELLS:
            raise InputUnreadableError("errors.too_many_cells", where=self.where, limit=MAX_CELLS)
        chunk = {"row": pl.Series(self.rows, dtype=pl.UInt32), "col": pl.Series(self.cols, dtype=pl.UInt16),
                 "kind": pl.Series(self.kinds, dtype=pl.UInt8), "text": pl.Series(self.texts, dtype=pl.String),
                 "num": pl.Series(self.nums, dtype=pl.Float64)}  # fmt: skip
        self._chunks.append(pl.DataFrame(chunk))
        del self.rows[:], self.cols[:], self.kinds[:]
        self.texts.clear()
        self.nums.clear()

    def frame(self) -> pl.DataFrame:
        """Every cell collected, in reading order."""
        self.flush()
        if not self._chunks:
            return pl.DataFrame(schema=CELL_SCHEMA)
        return pl.concat(self._chunks, rechunk=True)


def check_merges(merges: list[Merge], where: Where) -> tuple[Merge, ...]:
    """The merged ranges, refused past ``MAX_MERGES`` (each costs memory; no cohort has that many)."""
    if len(merges) > MAX_MERGES:
        raise InputUnreadableError("errors.too_many_merges", where=where, limit=MAX_MERGES)
    return tuple(merges)


def column_letters(number: int) -> str:
    """A, B, ... Z, AA, ...: the letters of a 1-based column number."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# ---------------------------------------------------------------- zip parts, read within bounds


class CappedStream:
    """A zip member read in blocks, stopped once it inflates past ``cap`` bytes, whatever its
    directory entry claims (a lying entry is the classic zip bomb)."""

    def __init__(self, raw: IO[bytes], cap: int, too_big: Callable[[], InputUnreadableError]) -> None:
        self._raw, self._cap, self._too_big, self._read = raw, cap, too_big, 0

    def close(self) -> None:
        self._raw.close()

    def read(self, size: int = READ_BLOCK) -> bytes:
        data = self._raw.read(READ_BLOCK if size is None or size < 0 else min(size, READ_BLOCK))
        self._read += len(data)
        if self._read > self._cap:
            raise self._too_big()
        return data


def open_part(archive: zipfile.ZipFile, name: str, where: Where, cap: int | None = None) -> CappedStream:
    """A part of a zip-based workbook, refused if it says or turns out to be larger than ``cap``
    (by default ``MAX_PART_BYTES``)."""
    cap = MAX_PART_BYTES if cap is None else cap

    def too_big() -> InputUnreadableError:
        return InputUnreadableError("errors.part_too_big", where=where, part=name, mebibytes=cap >> 20)

    info = archive.getinfo(name)
    if info.file_size > cap:
        raise too_big()
    return CappedStream(archive.open(info), cap, too_big)


def read_part(archive: zipfile.ZipFile, name: str, where: Where, cap: int | None = None) -> bytes:
    """A whole part as bytes, within ``cap``."""
    stream, blocks = open_part(archive, name, where, cap), []
    try:
        while block := stream.read():
            blocks.append(block)
    finally:
        stream.close()
    return b"".join(blocks)


class _DoctypeFound(Exception):
    """Raised from inside the XML parser when a part declares a document type."""


def refuse_doctype(*_: object) -> None:
    """Entity declarations can make a few bytes of XML expand without limit; no workbook needs one."""
    raise _DoctypeFound


def parse_xml(parser: XMLParserType, stream: CappedStream, where: Where) -> None:
    """Feed a part to an expat parser block by block; a DOCTYPE or broken XML is one clear error."""
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    with contextlib.closing(stream):
        _parse_blocks(parser, stream, where)


def _parse_blocks(parser: XMLParserType, stream: CappedStream, where: Where) -> None:
    try:
        while block := stream.read():
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except _DoctypeFound:
        raise InputUnreadableError("errors.xml_doctype", where=where) from None
    except ExpatError as error:
        raise damaged(where, message("damage.broken_xml", detail=str(error)), "any") from None
