"""A corpus of cohort files as real programs save them, written by code: hand-written xlsx XML
(prefixes, uncached formulas, empty values, number formats, furigana), ODS content.xml, xlsb
records, .xls through xlwt, and CSV bytes (grouped classes, cp932 '?' damage, stray quotes).

Each builder takes cells as ``Cell`` values so one table can be written in every format and
the same outcome expected of each.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr

from openpyxl.utils import get_column_letter

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def escape(text: str) -> str:
    """Text for XML content, with a carriage return kept as one (an XML reader turns a raw one into a newline)."""
    return _escape(text, {"\r": "&#13;"})


@dataclass(frozen=True)
class Cell:
    """One cell as a spreadsheet holds it.

    kind: "n" number, "s" text, "e" error, "f" formula with no stored value, "z" an empty
    value element, "b" boolean. ``fmt`` is a number format code (ids: 00000; dates: m/d).
    """

    kind: str
    value: object = None
    fmt: str = "General"


def num(value: float, fmt: str = "General") -> Cell:
    return Cell("n", value, fmt)


def text(value: str) -> Cell:
    return Cell("s", value)


def error(code: str = "#N/A") -> Cell:
    return Cell("e", code)


def formula(expression: str) -> Cell:
    return Cell("f", expression)


def empty_value() -> Cell:
    return Cell("z")


Table = list[list["Cell | str | int | float | None"]]  # plain values become text or number cells


def as_cell(value: Cell | str | int | float | None) -> Cell | None:
    if value is None or isinstance(value, Cell):
        return value
    if isinstance(value, str):
        return text(value)
    return num(value)


# ---------------------------------------------------------------- xlsx, XML written by hand


def write_xlsx(path: Path, rows: Table, *, first_row: int = 1, first_column: int = 1, prefix: str = "",
               merges: tuple[str, ...] = (), shared: bool = True, furigana: dict[str, str] | None = None,
               recalculate: bool = False, far_cell: str | None = None) -> Path:  # fmt: skip
    """An .xlsx whose sheet XML is written directly: any namespace prefix, shared or inline strings,
    number formats as styles, furigana runs on shared strings, and ``recalculate`` as the
    calcPr a library writes when its formula values are not real."""
    p = f"{prefix}:" if prefix else ""
    formats: list[str] = ["General"]
    strings: list[str] = []
    body = []
    for offset, row in enumerate(rows):
        number = first_row + offset
        cells = []
        for col_offset, raw in enumerate(row):
            cell = as_cell(raw)
            if cell is None:
                continue
            ref = f"{get_column_letter(first_column + col_offset)}{number}"
            cells.append(_xlsx_cell(p, ref, cell, formats, strings, shared))
        body.append(f'<{p}row r="{number}">{"".join(cells)}</{p}row>')
    if far_cell:
        far_row = int("".join(ch for ch in far_cell if ch.isdigit()))
        body.append(f'<{p}row r="{far_row}"><{p}c r="{far_cell}"><{p}v>1</{p}v></{p}c></{p}row>')
    merged = "".join(f'<{p}mergeCell ref="{ref}"/>' for ref in merges)
    merged = f'<{p}mergeCells count="{len(merges)}">{merged}</{p}mergeCells>' if merges else ""
    declaration = f'xmlns:{prefix}="{NS}"' if prefix else f'xmlns="{NS}"'
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {declaration}>'
             f'<{p}sheetData>{"".join(body)}</{p}sheetData>{merged}</{p}worksheet>')  # fmt: skip
    return _xlsx_package(path, sheet, _styles(formats), _shared_strings(strings, furigana or {}), recalculate)


def _xlsx_cell(p: str, ref: str, cell: Cell, formats: list[str], strings: list[str], shared: bool) -> str:
    style = ""
    if cell.fmt != "General":
        if cell.fmt not in formats:
            formats.append(cell.fmt)
        style = f' s="{formats.index(cell.fmt)}"'
    if cell.kind == "n":
        return f'<{p}c r="{ref}"{style}><{p}v>{cell.value!r}</{p}v></{p}c>'
    if cell.kind == "s" and shared:
        strings.append(str(cell.value))
        return f'<{p}c r="{ref}" t="s"><{p}v>{len(strings) - 1}</{p}v></{p}c>'
    if cell.kind == "s":
        return f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t>{escape(str(cell.value))}</{p}t></{p}is></{p}c>'
    if cell.kind == "e":
        return f'<{p}c r="{ref}" t="e"><{p}v>{escape(str(cell.value))}</{p}v></{p}c>'
    if cell.kind == "f":
        return f'<{p}c r="{ref}"><{p}f>{escape(str(cell.value))}</{p}f></{p}c>'
    if cell.kind == "z":
        return f'<{p}c r="{ref}"><{p}v></{p}v></{p}c>'
    return f'<{p}c r="{ref}" t="b"><{p}v>{int(bool(cell.value))}</{p}v></{p}c>'


def _styles(formats: list[str]) -> str:
    custom = [(164 + i, code) for i, code in enumerate(formats[1:])]
    num_fmts = "".join(f"<numFmt numFmtId={quoteattr(str(n))} formatCode={quoteattr(code)}/>" for n, code in custom)
    xfs = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' + "".join(
        f'<xf numFmtId="{n}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' for n, _ in custom
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{NS}">'
            f'<numFmts count="{len(custom)}">{num_fmts}</numFmts><fonts count="1"><font><sz val="11"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(formats)}">{xfs}</cellXfs></styleSheet>')  # fmt: skip


def _shared_strings(strings: list[str], furigana: dict[str, str]) -> str:
    items = []
    for value in strings:
        reading = furigana.get(value)
        phonetic = f'<rPh sb="0" eb="{len(value)}"><t>{escape(reading)}</t></rPh>' if reading else ""
        items.append(f"<si><t>{escape(value)}</t>{phonetic}</si>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{NS}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{"".join(items)}</sst>')  # fmt: skip


_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XLSX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{_SML}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_SML}.styles+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SML}.sharedStrings+xml"/></Types>'
)


def _xlsx_package(path: Path, sheet: str | bytes, styles: str, strings: str, recalculate: bool) -> Path:
    calc = '<calcPr fullCalcOnLoad="1"/>' if recalculate else ""
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{NS}" '
                f'xmlns:r="{REL_NS}"><sheets><sheet name="Cohort" sheetId="1" r:id="rId1"/>'
                f'<sheet name="Notes" sheetId="2" r:id="rId4"/></sheets>{calc}</workbook>')  # fmt: skip
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId4" Type="{REL_NS}/worksheet" Target="worksheets/sheet2.xml"/>'
        f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    root = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')  # fmt: skip
    types = XLSX_TYPES
    notes = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{NS}"><sheetData/></worksheet>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", root)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        archive.writestr("xl/styles.xml", styles)
        archive.writestr("xl/sharedStrings.xml", strings)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/worksheets/sheet2.xml", notes)
    return path


def write_inflating_xlsx(path: Path, inflated_bytes: int, *, lie: bool = False) -> Path:
    """A small xlsx whose sheet XML inflates to ``inflated_bytes`` (spaces after the header row):
    a zip bomb. ``lie``: the zip directory says the sheet is 4 KiB."""
    head = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}"><sheetData><row r="1">'
            '<c r="A1" t="inlineStr"><is><t>受験番号</t></is></c></row>').encode()  # fmt: skip
    tail = b"</sheetData></worksheet>"
    _xlsx_package(path, b"", _styles(["General"]), _shared_strings([], {}), False)
    rebuilt = path.with_suffix(".tmp")
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
        big = inflated_bytes + len(head) + len(tail) > zipfile.ZIP64_LIMIT
        with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=big) as member:
            member.write(head)
            block = b" " * (1 << 20)
            for _ in range(inflated_bytes >> 20):
                member.write(block)
            member.write(tail)
    rebuilt.replace(path)
    if lie:
        _lie_about_size(path, "xl/worksheets/sheet1.xml", 4096)
    return path


def _lie_about_size(path: Path, member: str, size: int) -> None:
    """Patch the uncompressed size a zip's directory and local header state for a member."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(member)
    local = info.header_offset
    if struct.unpack_from("<I", data, local + 22)[0] != 0xFFFFFFFF:
        struct.pack_into("<I", data, local + 22, size)
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length].decode() == member:
            if struct.unpack_from("<I", data, position + 24)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", data, position + 24, size)
            else:  # zip64: the size is in the extra field
                extra = position + 46 + name_length
                end = extra + struct.unpack_from("<H", data, position + 30)[0]
                while extra < end:
                    header, length = struct.unpack_from("<HH", data, extra)
                    if header == 1:
                        struct.pack_into("<Q", data, extra + 4, size)
                        break
                    extra += 4 + length
        position += 4
    path.write_bytes(bytes(data))


# ---------------------------------------------------------------- ods, content.xml written by hand

ODS_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}


def write_ods(path: Path, rows: Table, *, shown: dict[tuple[int, int], str] | None = None,
              merges: tuple[tuple[int, int, int], ...] = (), prefixes: dict[str, str] | None = None,
              hidden: dict[tuple[int, int], str] | None = None) -> Path:  # fmt: skip
    """An .ods as LibreOffice writes it: a value and the text shown for each cell, every row padded
    with repeated empty cells, a last run of a million empty rows. ``shown`` gives the text shown
    for (row, col) (0-based within ``rows``); ``merges`` (row, col, rows spanned) merge a cell down,
    the cells it covers holding ``hidden`` text as LibreOffice keeps it."""
    names = prefixes or {key: key for key in ODS_NS}
    o, t, x, c = (names[key] for key in ("office", "table", "text", "calcext"))
    shown, hidden = shown or {}, hidden or {}
    covered = {(r + i, col) for r, col, span in merges for i in range(1, span)}
    spans = {(r, col): span for r, col, span in merges}
    body = []
    for r, row in enumerate(rows):
        cells = []
        for col, raw in enumerate(row):
            element = f"{t}:covered-table-cell" if (r, col) in covered else f"{t}:table-cell"
            span = f' {t}:number-rows-spanned="{spans[(r, col)]}"' if (r, col) in spans else ""
            cell = as_cell(hidden.get((r, col), raw)) if (r, col) in covered else as_cell(raw)
            cells.append(_ods_cell(element, span, cell, shown.get((r, col)), o, t, x, c))
        cells.append(f'<{t}:table-cell {t}:number-columns-repeated="{16384 - len(row)}"/>')
        body.append(f"<{t}:table-row>{''.join(cells)}</{t}:table-row>")
    body.append(f'<{t}:table-row {t}:number-rows-repeated="{1048576 - len(rows)}"><{t}:table-cell '
                f'{t}:number-columns-repeated="16384"/></{t}:table-row>')  # fmt: skip
    declarations = " ".join(f'xmlns:{names[key]}="{uri}"' for key, uri in ODS_NS.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{o}:document-content {declarations} {o}:version="1.3">'
               f'<{o}:body><{o}:spreadsheet><{t}:table {t}:name="Cohort">{"".join(body)}</{t}:table>'
               f"</{o}:spreadsheet></{o}:body></{o}:document-content>")  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def _ods_cell(element: str, span: str, cell: Cell | None, shown: str | None, o: str, t: str, x: str, c: str) -> str:
    if cell is None:
        return f"<{element}{span}/>"
    if cell.kind == "f":
        return f"<{element}{span} {t}:formula={quoteattr('of:=' + str(cell.value))}/>"
    if cell.kind == "e":
        return (f"<{element}{span} {t}:formula=\"of:=NA()\" {o}:value-type=\"string\" {o}:string-value=\"\" "
                f'{c}:value-type="error"><{x}:p>{escape(str(cell.value))}</{x}:p></{element}>')  # fmt: skip
    if cell.kind == "n":
        display = shown if shown is not None else str(cell.value)
        return (f'<{element}{span} {o}:value-type="float" {o}:value="{cell.value!r}"><{x}:p>{escape(display)}'
                f"</{x}:p></{element}>")  # fmt: skip
    if cell.kind == "d":
        return (f'<{element}{span} {o}:value-type="date" {o}:date-value="{cell.value}"><{x}:p>{escape(shown or "")}'
                f"</{x}:p></{element}>")  # fmt: skip
    return f'<{element}{span} {o}:value-type="string"><{x}:p>{escape(str(cell.value))}</{x}:p></{element}>'


def date(iso: str) -> Cell:
    """A date cell of an ODS file (its value is the ISO date)."""
    return Cell("d", iso)


# ---------------------------------------------------------------- xls, through xlwt

ERROR_CODES = {"#N/A": 0x2A, "#VALUE!": 0x0F, "#DIV/0!": 0x07}


def write_xls(
    path: Path, rows: Table, *, first_row: int = 1, merges: tuple[tuple[int, int, int, int], ...] = ()
) -> Path:
    """An Excel 97-2003 .xls: numbers with their formats, errors, and merged ranges
    (first row, last row, first column, last column, 0-based)."""
    import xlwt  # a test dependency: the only writer of .xls files

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Cohort")
    styles: dict[str, object] = {}
    covered = {(r, col) for r1, r2, c1, c2 in merges for r in range(r1, r2 + 1) for col in range(c1, c2 + 1)}
    for r1, r2, c1, c2 in merges:
        cell = as_cell(rows[r1 - first_row + 1][c1])
        sheet.write_merge(r1, r2, c1, c2, cell.value if cell else "")
    for offset, row in enumerate(rows):
        r = first_row - 1 + offset
        for col, raw in enumerate(row):
            cell = as_cell(raw)
            if cell is None or (r, col) in covered:
                continue
            if cell.kind == "e":
                sheet.row(r).set_cell_error(col, ERROR_CODES[str(cell.value)])
                continue
            style = styles.setdefault(cell.fmt, xlwt.easyxf(num_format_str=cell.fmt))
            sheet.write(r, col, cell.value, style)
    book.add_sheet("Notes")
    book.save(str(path))
    return path


# ---------------------------------------------------------------- xlsb, BIFF12 records written by hand


def _record(kind: int, payload: bytes = b"") -> bytes:
    head = bytearray()
    head.append((kind & 0x7F) | (0x80 if kind > 0x7F else 0))
    if kind > 0x7F:
        head.append(kind >> 7)
    size = len(payload)
    while True:
        byte = size & 0x7F
        size >>= 7
        head.append(byte | (0x80 if size else 0))
        if not size:
            break
    return bytes(head) + payload


def _wide(value: str) -> bytes:
    encoded = value.encode("utf-16-le")
    return struct.pack("<I", len(encoded) // 2) + encoded


XLSB_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
    '<Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/>'
    '<Override PartName="/xl/styles.bin" ContentType="application/vnd.ms-excel.styles"/>'
    '<Override PartName="/xl/sharedStrings.bin" ContentType="application/vnd.ms-excel.sharedStrings"/></Types>'
)


def write_xlsb(path: Path, rows: Table, *, first_row: int = 1, short: bool = True,
               merges: tuple[tuple[int, int, int, int], ...] = ()) -> Path:  # fmt: skip
    """An Excel binary workbook. ``short``: numbers and shared strings in the short cell records
    (no column field) that some writers use for most cells; merges as (r1, c1, r2, c2), 1-based."""
    formats = ["General"]
    strings: list[str] = []
    sheet = bytearray()
    errors = ERROR_CODES
    for offset, row in enumerate(rows):
        sheet += _record(0, struct.pack("<I", first_row - 1 + offset) + b"\0" * 13)
        last = -1
        for col, raw in enumerate(row):
            cell = as_cell(raw)
            if cell is None:
                continue
            # a short record's column is the one after the last cell's (never the first of a row, as Excel writes)
            follows, last = short and last >= 0 and col == last + 1, col
            if cell.fmt not in formats:
                formats.append(cell.fmt)
            style = formats.index(cell.fmt)
            place = struct.pack("<II", col, style)
            if cell.kind == "n":
                value = struct.pack("<d", float(cell.value))  # type: ignore[arg-type]
                sheet += _record(16, struct.pack("<I", style) + value) if follows else _record(5, place + value)
            elif cell.kind == "s":
                strings.append(str(cell.value))
                index = struct.pack("<I", len(strings) - 1)
                sheet += _record(18, struct.pack("<I", style) + index) if follows else _record(7, place + index)
            elif cell.kind == "e":
                sheet += _record(3, place + bytes([errors[str(cell.value)]]))
            elif cell.kind == "b":
                sheet += _record(4, place + bytes([int(bool(cell.value))]))
    merged = b"".join(_record(176, struct.pack("<4I", r1 - 1, r2 - 1, c1 - 1, c2 - 1)) for r1, c1, r2, c2 in merges)
    merged = _record(177, struct.pack("<I", len(merges))) + merged + _record(178) if merges else b""
    sheet = _record(129) + _record(145) + sheet + _record(146) + merged + _record(130)
    workbook = (
        _record(131)
        + _record(153, struct.pack("<I", 0) + b"\0" * 8)
        + _record(143)
        + _record(156, struct.pack("<II", 0, 1) + _wide("rId1") + _wide("Cohort"))
        + _record(144)
        + _record(132)
    )
    styles = _record(278) + _record(615, struct.pack("<I", len(formats) - 1))
    styles += b"".join(_record(44, struct.pack("<H", 164 + i) + _wide(code)) for i, code in enumerate(formats[1:]))
    styles += _record(616) + _record(617, struct.pack("<I", len(formats)))
    styles += _record(47, struct.pack("<HH", 0xFFFF, 0) + b"\0" * 12)
    styles += b"".join(_record(47, struct.pack("<HH", 0, 164 + i) + b"\0" * 12) for i in range(len(formats) - 1))
    styles += _record(618) + _record(279)
    shared = _record(159, struct.pack("<II", len(strings), len(strings)))
    shared += b"".join(_record(19, b"\0" + _wide(value)) for value in strings) + _record(160)
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/worksheet" Target="worksheets/sheet1.bin"/>'
        f'<Relationship Id="rId2" Type="{REL_NS}/styles" Target="styles.bin"/>'
        f'<Relationship Id="rId3" Type="{REL_NS}/sharedStrings" Target="sharedStrings.bin"/></Relationships>'
    )
    root = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.bin"/></Relationships>')  # fmt: skip
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", XLSB_TYPES)
        archive.writestr("_rels/.rels", root)
        archive.writestr("xl/workbook.bin", workbook)
        archive.writestr("xl/_rels/workbook.bin.rels", rels)
        archive.writestr("xl/styles.bin", styles)
        archive.writestr("xl/sharedStrings.bin", shared)
        archive.writestr("xl/worksheets/sheet1.bin", bytes(sheet))
    return path
