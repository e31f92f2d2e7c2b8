"""Excel .xlsx and .xlsm workbooks: one streaming pass over the worksheet's XML.

The pass gives every cell's absolute position (from its reference, or its place in the row
when a writer leaves the reference out), its kind, the text Excel shows (the cell's number
format applied: an id formatted ``00000`` reads ``00150``), the stored number, and the
merged ranges. Namespace prefixes (``<x:c>``), Strict OOXML and furigana runs are handled;
a formula whose value was never calculated is kept as such, never mistaken for a blank.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers.expat import ParserCreate

from jlpt_batch.errors import InputUnreadableError
from jlpt_batch.messages import message
from jlpt_batch.reading.cells import (
    MAX_CELL_CHARS,
    MAX_COLUMN,
    MAX_ROW,
    MAX_SMALL_PART_BYTES,
    CappedStream,
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
from jlpt_batch.reading.numfmt import builtin_format, format_number, is_date_format

MAX_FORMULA_CHARS = 200  # enough to quote a formula in a message
Formatter = Callable[[str], str]


@dataclass
class _Workbook:
    """What the workbook part says: its sheets (name, zip member), styles, strings and flags."""

    sheets: list[tuple[str, str]] = field(default_factory=list)
    styles_part: str | None = None
    strings_part: str | None = None
    date1904: bool = False
    recalculate_on_open: bool = False  # written by a library: formula values in the file are not real


def read_xlsx(path: Path, sheet: str | None) -> SheetCells:
    """The worksheet's cells (the first worksheet, or the one named)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _read(archive, path.name, sheet)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError) as error:
        raise damaged(path.name, message("damage.bad_archive", detail=str(error))) from None


def _read(archive: zipfile.ZipFile, name: str, sheet: str | None) -> SheetCells:
    book = _workbook(archive, name)
    sheet_name, member = _chosen_sheet(book, sheet, name)
    where = sheet_where(name, sheet_name)
    formats = _cell_formats(archive, book, name)
    strings = _shared_strings(archive, book.strings_part, name)
    sink = CellSink(where)
    merges = _SheetParser(sink, strings, formats, book.recalculate_on_open, where).parse(
        open_part(archive, _member(archive, member, name), where)
    )
    return SheetCells(sink.frame(), check_merges(merges, where), sheet_name)


def _member(archive: zipfile.ZipFile, wanted: str, where: Where) -> str:
    """The zip member of that name, matched without regard to case as Excel does."""
    names = archive.namelist()
    if wanted in names:
        return wanted
    found = next((n for n in names if n.lower() == wanted.lower()), None)
    if found is None:
        raise damaged(where, message("damage.missing_part", part=wanted))
    return found


def _local(name: str) -> str:
    """An element or attribute name without its namespace prefix."""
    return name[name.rfind(":") + 1 :]


def _attribute(attributes: dict[str, str], local_name: str) -> str | None:
    return next((value for key, value in attributes.items() if _local(key) == local_name), None)


def _relationships(archive: zipfile.ZipFile, part: str, where: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, target member) of a part."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if not any(n.lower() == rels_name.lower() for n in archive.namelist()):
        return found

    def start(element: str, attributes: dict[str, str]) -> None:
        if _local(element) == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            member = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
            found[attributes.get("Id", "")] = (attributes.get("Type", "").rsplit("/", 1)[-1], member)

    parser = ParserCreate()
    parser.StartElementHandler = start
    parse_xml(parser, open_part(archive, _member(archive, rels_name, where), where, MAX_SMALL_PART_BYTES), where)
    return found


def _workbook(archive: zipfile.ZipFile, where: str) -> _Workbook:
    root = _relationships(archive, "", where)
    workbook_part = next((target for kind, target in root.values() if kind == "officeDocument"), "xl/workbook.xml")
    rels = _relationships(archive, workbook_part, where)
    book = _Workbook(
        styles_part=next((target for kind, target in rels.values() if kind == "styles"), None),
        strings_part=next((target for kind, target in rels.values() if kind == "sharedStrings"), None),
    )

    def start(element: str, attributes: dict[str, str]) -> None:
        local = _local(element)
        if local == "sheet":
            target = rels.get(_attribute(attributes, "id") or "", ("", ""))[1]
            book.sheets.append((attributes.get("name", ""), target))
        elif local == "workbookPr":
            book.date1904 = attributes.get("date1904") in ("1", "true")
        elif local == "calcPr":
            book.recalculate_on_open = attributes.get("fullCalcOnLoad") in ("1", "true")

    parser = ParserCreate()
    parser.StartElementHandler = start
    member = _member(archive, workbook_part, where)
    parse_xml(parser, open_part(archive, member, where, MAX_SMALL_PART_BYTES), where)
    return book


def _chosen_sheet(book: _Workbook, sheet: str | None, where: str) -> tuple[str, str]:
    worksheets = [(name, member) for name, member in book.sheets if member]
    if not worksheets:
        raise InputUnreadableError("errors.no_worksheet", where=where, program=message("errors.in_excel"))
    if sheet is None:
        return worksheets[0]
    chosen = next((entry for entry in worksheets if entry[0] == sheet), None)
    if chosen is None:
        raise sheet_not_found(sheet, where, [name for name, _ in worksheets])
    return chosen


# ---------------------------------------------------------------- styles and shared strings


def _cell_formats(archive: zipfile.ZipFile, book: _Workbook, where: str) -> list[tuple[Formatter, bool]]:
    """For each cell style (the ``s`` of a cell): how a number in it is shown, and whether it is a date."""
    codes = _format_codes(archive, book.styles_part, where)
    return [compile_format(code, book.date1904) for code in codes] or [compile_format("General", book.date1904)]


def _format_codes(archive: zipfile.ZipFile, part: str | None, where: str) -> list[str]:
    if part is None or not any(n.lower() == part.lower() for n in archive.namelist()):
        return []
    custom: dict[int, str] = {}
    codes: list[str] = []
    inside = [False]  # within <cellXfs>: the cell styles (not the cell-style masters)

    def start(element: str, attributes: dict[str, str]) -> None:
        local = _local(element)
        if local == "numFmt":
            custom[_int(attributes.get("numFmtId"))] = attributes.get("formatCode") or "General"
        elif local == "cellXfs":
            inside[0] = True
        elif local == "xf" and inside[0]:
            number = _int(attributes.get("numFmtId"))
            codes.append(custom.get(number) or builtin_format(number))

    def end(element: str) -> None:
        if _local(element) == "cellXfs":
            inside[0] = False

    parser = ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parse_xml(parser, open_part(archive, _member(archive, part, where), where, MAX_SMALL_PART_BYTES), where)
    return codes


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


_PADDED = re.compile(r'^(?:"([^"]*)"|\\(.))?(0+)(?:"([^"]*)")?$')


def compile_format(code: str, date1904: bool) -> tuple[Formatter, bool]:
    """A function from a stored number (as written in the XML) to the text shown, and whether the
    format is a date. The common formats take a fast path: this runs once per numeric cell."""
    if code in ("General", "@", ""):
        return _general, False
    padded = _PADDED.match(code)
    if padded:  # 00000, "A"0000, \A0000, 0000"番": ids
        return _padded(code, padded), False

    def other(raw: str) -> str:
        return format_number(float(raw), code, date1904)

    return other, is_date_format(code)


def _general(raw: str) -> str:
    if raw.isdigit() and (raw[0] != "0" or raw == "0"):
        return raw
    return format_number(float(raw), "General")


def _padded(code: str, match: re.Match[str]) -> Formatter:
    prefix, width, suffix = match.group(1) or match.group(2) or "", len(match.group(3)), match.group(4) or ""

    def padded(raw: str) -> str:
        value = float(raw)
        if value >= 0 and value == int(value):
            return f"{prefix}{int(value):0{width}d}{suffix}"
        return format_number(value, code)

    return padded


def _shared_strings(archive: zipfile.ZipFile, part: str | None, where: str) -> list[str]:
    """The text of each shared string, without its furigana (``<rPh>``) runs."""
    if part is None or not any(n.lower() == part.lower() for n in archive.namelist()):
        return []
    strings: list[str] = []
    pieces: list[str] = []
    state = {"collect": False, "phonetic": 0, "length": 0}

    def start(element: str, attributes: dict[str, str]) -> None:
        local = _local(element)
        if local == "t":
            state["collect"] = not state["phonetic"]
        elif local == "si":
            pieces.clear()
            state["length"] = 0
        elif local == "rPh":
            state["phonetic"] += 1

    def end(element: str) -> None:
        local = _local(element)
        if local == "t":
            state["collect"] = False
        elif local == "si":
            strings.append("".join(pieces))
        elif local == "rPh":
            state["phonetic"] -= 1

    def text(data: str) -> None:
        if state["collect"] and state["length"] <= MAX_CELL_CHARS:
            pieces.append(data)  # a string longer than a cell may be is kept just long enough to say so
            state["length"] += len(data)

    parser = ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    parse_xml(parser, open_part(archive, _member(archive, part, where), where), where)
    return strings


# ---------------------------------------------------------------- the worksheet

# Element local names the sheet parser acts on, as small numbers (compared once per element).
_C, _V, _F, _ROW, _IS, _T, _RPH, _MERGE = 1, 2, 3, 4, 5, 6, 7, 8
_ELEMENTS = {"c": _C, "v": _V, "f": _F, "row": _ROW, "is": _IS, "t": _T, "rPh": _RPH, "mergeCell": _MERGE}
_REFERENCE = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})$")


def column_number(letters: str) -> int:
    """1 for A, 26 for Z, 27 for AA, ..."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class _SheetParser:
    """The worksheet XML, streamed once: cells into the sink, merged ranges into a list."""

    def __init__(
        self,
        sink: CellSink,
        strings: list[str],
        formats: list[tuple[Formatter, bool]],
        distrust_formulas: bool,
        where: Where,
    ) -> None:
        self.sink, self.strings, self.formats, self.where = sink, strings, formats, where
        self.distrust_formulas = distrust_formulas
        self.merges: list[Merge] = []

    def damaged(self, what: str, /, **values: object) -> InputUnreadableError:
        """The error of a damaged worksheet: ``what`` names the entry damage.<what> saying how."""
        return damaged(self.where, message(f"damage.{what}", **values))

    def reference(self, text: str) -> tuple[int, int]:
        match = _REFERENCE.match(text)
        if not match:
            raise self.damaged("bad_reference", reference=text[:20])
        row, col = int(match.group(2)), column_number(match.group(1))
        if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COLUMN):
            raise self.damaged("reference_outside", reference=text)
        return row, col

    def parse(self, stream: CappedStream) -> list[Merge]:
        """Stream the worksheet into the sink; the merged ranges.

        This loop runs for every cell of the file, so it is written for speed: the state
        lives in closure variables, element names are looked up once, and cells go
        straight into the sink's arrays.
        """
        sink, strings, formats, damaged = self.sink, self.strings, self.formats, self.damaged
        rows, cols, kinds, texts, nums = sink.rows, sink.cols, sink.kinds, sink.texts, sink.nums
        string_count, general = len(strings), formats[0]
        style_of = {str(index): found for index, found in enumerate(formats)}
        kind_of_name: dict[str, int] = {}
        column_of: dict[str, int] = {}
        text_kind, number_kind, date_kind = Kind.TEXT, Kind.NUMBER, Kind.DATE
        distrust_formulas, chunk = self.distrust_formulas, CellSink.CHUNK
        # the current row and cell
        row = col = 0
        row_text = "0"
        cell_type, style = "n", general
        value: str | None = None  # the text of <v>; None: the cell has no <v>
        formula: str | None = None
        inline: list[str] | None = None
        collecting = 0  # 0 nothing, 1 value, 2 formula, 3 inline text
        length = phonetic = 0

        def element_kind(name: str) -> int:
            found = kind_of_name[name] = _ELEMENTS.get(_local(name), 0)
            return found

        def start(name: str, attributes: dict[str, str]) -> None:
            nonlocal row, row_text, col, cell_type, style, value, formula, inline, collecting, length, phonetic
            kind = kind_of_name.get(name)
            if kind is None:
                kind = element_kind(name)
            if kind == _C:
                ref = attributes.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    found = column_of.get(letters)
                    if found is None:
                        found = column_of[letters] = self.reference(ref)[1]
                    if found <= col or ref[len(letters) :] != row_text:
                        raise damaged("cell_twice", cell=ref, row=str(row))
                    col = found
                else:
                    col += 1
                    if col > MAX_COLUMN:
                        raise damaged("row_too_wide", row=str(row), columns=MAX_COLUMN)
                cell_type = attributes.get("t", "n")
                style = style_of.get(attributes.get("s", "0"), general)
                value = formula = inline = None
            elif kind == _V:
                collecting, value = 1, ""
            elif kind == _ROW:
                number = attributes.get("r")
                new = int(number) if number and number.isdigit() else row + 1
                if not row < new <= MAX_ROW:
                    raise damaged("row_order", row=str(new), previous=str(row), last=MAX_ROW)
                row, col, row_text = new, 0, str(new)
            elif kind == _F:
                collecting, formula = 2, ""
            elif kind == _IS:
                inline, length = [], 0
            elif kind == _T:
                if inline is not None and not phonetic:
                    collecting = 3
            elif kind == _RPH:
                phonetic += 1
            elif kind == _MERGE:
                first, _, last = (attributes.get("ref") or "").partition(":")
                top, left = self.reference(first)
                bottom, right = self.reference(last or first)
                self.merges.append((top, left, bottom, right))

        def text(data: str) -> None:
            nonlocal value, formula, length
            if collecting == 1:
                if len(value) <= MAX_CELL_CHARS:  # type: ignore[arg-type]
                    value += data  # type: ignore[operator]
            elif collecting == 3:
                if length <= MAX_CELL_CHARS:  # a longer cell is kept just long enough to reject its row
                    inline.append(data)  # type: ignore[union-attr]
                    length += len(data)
            elif collecting == 2 and len(formula) < MAX_FORMULA_CHARS:  # type: ignore[arg-type]
                formula += data  # type: ignore[operator]

        def end(name: str) -> None:
            nonlocal collecting, phonetic
            kind = kind_of_name.get(name)
            if kind in (_V, _T, _F):
                collecting = 0
            elif kind == _C:
                cell()
            elif kind == _RPH:
                phonetic -= 1

        def cell() -> None:
            raw = value
            number = None
            if formula is not None and (not raw or distrust_formulas):
                kind, shown = Kind.FORMULA, "=" + formula[:MAX_FORMULA_CHARS]
            elif cell_type == "s" and raw:
                if not raw.isdigit() or int(raw) >= string_count:
                    raise damaged("no_shared_string", row=str(row))
                kind, shown = text_kind, strings[int(raw)]
            elif raw is None:
                if cell_type != "inlineStr" or inline is None:
                    return  # a formatted blank cell holds nothing
                kind, shown = text_kind, "".join(inline)[: MAX_CELL_CHARS + 1]
            elif cell_type == "n":
                if raw == "":
                    kind, shown = Kind.EMPTY_VALUE, ""
                else:
                    show, is_date = style
                    try:
                        number, shown = float(raw), show(raw)
                    except (ValueError, OverflowError):
                        raise damaged("bad_number", row=str(row), value=raw[:40]) from None
                    kind = date_kind if is_date else number_kind
            else:
                kind, shown = _other_kind(cell_type, raw)
            rows.append(row)
            cols.append(col)
            kinds.append(kind)
            texts.append(shown)
            nums.append(number)
            if len(texts) >= chunk:
                sink.flush()

        parser = ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
        parse_xml(parser, stream, self.where)
        return self.merges


def _other_kind(cell_type: str, raw: str) -> tuple[Kind, str]:
    """A cell that is not a number nor shared or inline text: what it holds, and what it shows."""
    if raw == "":
        return Kind.EMPTY_VALUE, ""
    if cell_type == "e":
        return Kind.ERROR, raw
    if cell_type == "b":
        return Kind.BOOLEAN, "TRUE" if raw in ("1", "true") else "FALSE"
    if cell_type == "d":  # an ISO 8601 date written as text
        return Kind.DATE, raw
    return Kind.TEXT, raw  # "str": a formula's text result
