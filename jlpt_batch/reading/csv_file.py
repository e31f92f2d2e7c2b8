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
    HeaderMarker,
    RawTable,
    find_header,
    first_line,
    numbered_columns,
)

UTF8_BOM = b"\xef\xbb\xbf"


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_csv(path: Path, encoding: str | None, marker: HeaderMarker = CANDIDATE_HEADER) -> RawTable:
    utf8, used = to_utf8(path.read_bytes(), encoding, path.name)
    head = utf8[:200_000].decode("utf-8", errors="ignore")  # enough to find the header
    delimiter = _sniff_delimiter(head, marker)
    header_index, header = find_header(_first_records(head, delimiter), path.name, marker)
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
    except pl.exceptions.PolarsError as error:
        raise InputUnreadableError(f"{path.name}: cannot be read as CSV ({first_line(error)})") from None
    # One chunk per column: a step that adds a column to a many-chunk frame would
    # otherwise copy every column to line the chunks up, and some steps do that often.
    frame = frame.rechunk()
    return RawTable(tuple(header), numbered_columns(frame), header_index + 1, encoding=used)


def to_utf8(data: bytes, encoding: str | None, name: str) -> tuple[bytes, str]:
    """CSV bytes as UTF-8 for the reader, and the encoding they came in.

    The given encoding, else UTF-8 (BOM aware), UTF-16 with a BOM, else cp932 (what
    Japanese Excel saves as CSV; a superset of Shift_JIS that also has 髙, 﨑, ①).
    UTF-8 input is passed through as it is: decoding a large file only to check it
    would double the memory a run needs.
    """
    if encoding:
        return _decode_as(data, encoding, name).encode("utf-8"), encoding
    if data.startswith(UTF8_BOM):
        body = data[len(UTF8_BOM) :]
        if not _is_utf8(body):
            _decode_as(body, "utf-8", name)  # raises, naming the line that is not UTF-8
        return body, "utf-8-sig"
    if data.startswith(UTF16_BOMS):
        return _decode_as(data, "utf-16", name).encode("utf-8"), "utf-16"
    if _is_utf8(data):
        return data, "utf-8"
    try:
        return data.decode("cp932").encode("utf-8"), "cp932"
    except UnicodeDecodeError:
        raise InputUnreadableError(
            f"{name}: not UTF-8 and not Shift_JIS/cp932 text; save it as 'CSV UTF-8' "
            "or give its encoding with --encoding"
        ) from None


def _is_utf8(data: bytes) -> bool:
    """Whether the bytes are valid UTF-8, checked a megabyte at a time to keep memory flat."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except LookupError:
        raise UsageError(f"--encoding {encoding!r} is not an encoding Python knows; try utf-8 or cp932") from None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputUnreadableError(
            f"{name}: line {line} is not valid {encoding} (byte {error.start}); "
            "give the right --encoding or save the file as 'CSV UTF-8'"
        ) from None


def _sniff_delimiter(text: str, marker: HeaderMarker) -> str:
    """Comma, tab or semicolon: whichever splits the likely header line into most cells."""
    sample = text[:20_000].splitlines()[:HEADER_SEARCH_ROWS]
    header_line = next((line for line in sample if _is_header_line(line, marker)), sample[0] if sample else "")
    return max((",", "\t", ";"), key=header_line.count)


def _is_header_line(line: str, marker: HeaderMarker) -> bool:
    return any(marker.matches(cell.strip().strip('"')) for cell in re.split(r"[,\t;]", line))


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text[:200_000]), delimiter=delimiter)
    try:
        return list(itertools.islice(reader, HEADER_SEARCH_ROWS))
    except csv.Error:
        return []
