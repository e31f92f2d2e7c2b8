"""CSV files as schools save them: UTF-8 (with or without BOM), UTF-16 with BOM, or cp932 from Japanese Excel."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from pathlib import Path

import polars as pl

from jlpt_batch.errors import InputUnreadableError, UsageError
from jlpt_batch.reading.table import (
    CANDIDATE_HEADER,
    HEADER_SEARCH_ROWS,
    UNREADABLE_SCHEMA,
    HeaderMarker,
    RawTable,
    check_row_count,
    find_header,
    numbered_columns,
)

UTF8_BOM = b"\xef\xbb\xbf"


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_csv(
    path: Path, encoding: str | None, max_rows: int | None = None, marker: HeaderMarker = CANDIDATE_HEADER
) -> RawTable:
    """A CSV file's table: the header (the first row the marker recognises) found in the first
    rows, every row below it as text."""
    data = path.read_bytes()
    try:
        return _table(*to_utf8(data, encoding, path.name, trust_head=True), path.name, max_rows, marker)
    except _NotUtf8After:  # valid at the start only: the whole file decides (cp932, or the line at fault)
        return _table(*to_utf8(data, encoding, path.name), path.name, max_rows, marker)


class _NotUtf8After(Exception):
    """A file taken for UTF-8 from its first megabyte turned out not to be."""


def _table(utf8: bytes, used: str, name: str, max_rows: int | None, marker: HeaderMarker) -> RawTable:
    head = utf8[:200_000].decode("utf-8", errors="ignore")  # enough to find the header
    delimiter = _sniff_delimiter(head, marker)
    header_index, header = find_header(_first_records(head, delimiter), name, marker)
    unreadable = None
    try:
        frame = pl.read_csv(
            utf8,
            has_header=False,
            schema={f"c{i}": pl.String for i in range(len(header))},
            missing_columns="insert",  # the header's width
            skip_rows=header_index + 1,
            separator=delimiter,
            truncate_ragged_lines=True,
            quote_char='"',
        )
    except pl.exceptions.NoDataError:
        frame = pl.DataFrame()
    except pl.exceptions.PolarsError:  # not UTF-8 after all, or a stray quote: read line by line
        if used in ("utf-8", "utf-8-sig") and not _is_utf8(utf8):
            raise _NotUtf8After from None
        header_index, header, frame, unreadable = _read_leniently(utf8.decode("utf-8"), delimiter, name, marker)
    check_row_count(frame.height, max_rows)
    # One chunk per column: a step that adds a column to a many-chunk frame would
    # otherwise copy every column to line the chunks up, and some steps do that often.
    frame = frame.rechunk()
    return RawTable(tuple(header), numbered_columns(frame), header_index + 1, encoding=used,
                    unreadable_rows=unreadable)  # fmt: skip


HEAD_CHECKED = 1 << 20  # bytes checked to take a file for UTF-8; the reader checks the rest as it goes


def to_utf8(data: bytes, encoding: str | None, name: str, *, trust_head: bool = False) -> tuple[bytes, str]:
    """CSV bytes as UTF-8 for the reader, and the encoding they came in.

    The given encoding, else UTF-8 (BOM aware), UTF-16 with a BOM, else cp932 (what
    Japanese Excel saves as CSV; a superset of Shift_JIS that also has 髙, 﨑, ①).
    UTF-8 input is passed through as it is: decoding a large file only to check it
    would double the memory a run needs. ``trust_head``: UTF-8 is judged from the
    first megabyte (polars checks every byte as it reads and says if one is not).
    """
    if encoding:
        return _decode_as(data, encoding, name).encode("utf-8"), encoding
    if data.startswith(UTF8_BOM):
        body = data[len(UTF8_BOM) :]
        if not trust_head and not _is_utf8(body):
            _decode_as(body, "utf-8", name)  # raises, naming the line that is not UTF-8
        return body, "utf-8-sig"
    if data.startswith(UTF16_BOMS):
        return _decode_as(data, "utf-16", name).encode("utf-8"), "utf-16"
    if _is_utf8(data[:HEAD_CHECKED], final=len(data) <= HEAD_CHECKED) if trust_head else _is_utf8(data):
        return data, "utf-8"
    try:
        return data.decode("cp932").encode("utf-8"), "cp932"
    except UnicodeDecodeError:
        raise InputUnreadableError("errors.unknown_encoding_text", file=name) from None


def _is_utf8(data: bytes, final: bool = True) -> bool:
    """Whether the bytes are valid UTF-8, checked a megabyte at a time to keep memory flat
    (``final=False``: they may stop inside a character, as a file's first megabyte may)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=final)
    except UnicodeDecodeError:
        return False
    return True


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise UsageError("errors.unknown_encoding", encoding=encoding) from None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputUnreadableError(
            "errors.bad_encoding_line", file=name, line=str(line), encoding=encoding, byte=str(error.start)
        ) from None


def _sniff_delimiter(text: str, marker: HeaderMarker) -> str:
    """Comma, tab or semicolon: whichever splits the likely header line into most cells."""
    sample = text[:20_000].splitlines()[:HEADER_SEARCH_ROWS]
    header_line = next((line for line in sample if _is_header_line(line, marker)), sample[0] if sample else "")
    return max((",", "\t", ";"), key=header_line.count)


def _is_header_line(line: str, marker: HeaderMarker) -> bool:
    return any(marker.matches(cell.strip().strip('"')) for cell in re.split(r"[,\t;]", line))


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    """The first records of the text, as many as read cleanly: a quote left open in a long
    cell further down (or cut off by the sample's end) must not hide the header above it."""
    reader = csv.reader(io.StringIO(text[:200_000]), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in itertools.islice(reader, HEADER_SEARCH_ROWS):
            records.append(record)
    except csv.Error:
        pass
    return records


# ---------------------------------------------------------------- stray quotes

_LINE_END = re.compile(r"\r\n|\n|\r")
LONGEST_QUOTED_CELL_LINES = 50  # a quoted cell running over more lines than this has lost its closing quote


def _read_leniently(
    text: str, delimiter: str, where: str, marker: HeaderMarker
) -> tuple[int, list[str | None], pl.DataFrame, pl.DataFrame]:
    """Every record, a line whose quotes do not pair up read as its plain cells and listed.

    A quote that opens a cell and never closes would otherwise swallow every line after
    it; here only its own line is affected, and the row is rejected naming the line.
    """
    records, broken = _records_with_stray_quotes(text, delimiter)
    header_index, header = find_header(records[:HEADER_SEARCH_ROWS], where, marker)
    width = len(header)
    body = [(record + [""] * width)[:width] for record in records[header_index + 1 :]]
    frame = pl.DataFrame(
        {f"c{i}": [cells[i] or None for cells in body] for i in range(width)},
        schema={f"c{i}": pl.String for i in range(width)},
    )
    unreadable = pl.DataFrame(
        [(index + 1, line, _shown_line(line_text)) for index, line, line_text in broken if index > header_index],
        schema=UNREADABLE_SCHEMA,
        orient="row",
    )
    return header_index, header, frame, unreadable


def _shown_line(line_text: str) -> str:
    """A line as a message quotes it: the first 60 characters."""
    return line_text if len(line_text) <= 60 else line_text[:57] + "..."


def _records_with_stray_quotes(text: str, delimiter: str) -> tuple[list[list[str]], list[tuple[int, int, str]]]:
    """The records of a CSV text, and (record index, line number, line) of each line with a stray quote."""
    lines = _LINE_END.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    records: list[list[str]] = []
    broken: list[tuple[int, int, str]] = []
    position = 0
    while position < len(lines):
        line = lines[position]
        if '"' not in line:
            records.append(line.split(delimiter))
            position += 1
            continue
        record, used = _quoted_record(lines, position, delimiter)
        if record is None:
            broken.append((len(records), position + 1, line))
            record, used = line.split(delimiter), 1
        records.append(record)
        position += used
    return records, broken


def _quoted_record(lines: list[str], start: int, delimiter: str) -> tuple[list[str] | None, int]:
    """The record starting on this line and the lines it takes, or None when its quotes do not pair up."""
    for count in range(1, min(LONGEST_QUOTED_CELL_LINES, len(lines) - start) + 1):
        chunk = "\n".join(lines[start : start + count]) + "\n"
        try:
            parsed = list(csv.reader(io.StringIO(chunk), delimiter=delimiter, strict=True))
        except csv.Error as error:
            if "unexpected end of data" in str(error):
                continue  # a quoted cell running on to the next line
            return None, 1
        return (parsed[0] if parsed else []), count
    return None, 1
