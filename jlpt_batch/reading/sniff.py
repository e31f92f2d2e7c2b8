"""What a file really is, told from its bytes, never from its name.

Schools rename files, and web systems export HTML or XML under an ``.xls`` name; the
reader is chosen from what the file holds, and a file that is not a spreadsheet is
named for what it is.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OLE_DIRECTORY_READ = 64 << 20  # an OLE file's directory lies near its start

# The formats read, and the extensions they are saved under.
READABLE = {"xlsx": (".xlsx", ".xlsm"), "xlsb": (".xlsb",), "ods": (".ods",), "xls": (".xls",),
            "csv": (".csv", ".txt", ".tsv")}  # fmt: skip

# What a file can turn out to be; each is described in words by the entry formats.<kind> of the
# administrator's wording ("xml-2003" as formats.xml_2003).
KINDS = ("xlsx", "xlsb", "ods", "xls", "csv", "encrypted", "zip", "word", "presentation", "ole", "xml-2003", "html",
         "pdf", "image", "binary", "empty")  # fmt: skip


def sniff(path: Path) -> str:
    """One of ``KINDS``: what the file holds."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if not head:
        return "empty"
    if head.startswith(ZIP_MAGICS):
        return _zip_kind(path)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(path)
    return _text_or_other(head)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = {name.lower() for name in archive.namelist()}
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mime = member.read(100).decode("ascii", "replace").strip()
                if mime == "application/vnd.oasis.opendocument.spreadsheet":
                    return "ods"
                return "word" if "opendocument.text" in mime else "zip"
    except (zipfile.BadZipFile, OSError, EOFError, KeyError):
        return "xlsx"  # a damaged workbook: the workbook reader says what is wrong
    if "xl/workbook.bin" in names:
        return "xlsb"
    if any(name.startswith("xl/") for name in names):
        return "xlsx"
    if "word/document.xml" in names:
        return "word"
    if any(name.startswith("ppt/") for name in names):
        return "presentation"
    return "zip"


def _ole_kind(path: Path) -> str:
    """An OLE compound file: a .xls workbook, an encrypted (password-protected) .xlsx, or another document."""
    from xlrd.compdoc import CompDoc, CompDocError  # imported here: only OLE files need it

    with path.open("rb") as handle:
        data = handle.read(OLE_DIRECTORY_READ)
    try:
        entries = {entry.name for entry in CompDoc(data, logfile=io.StringIO()).dirlist}
    except (CompDocError, IndexError, ValueError, struct.error):
        return "xls"  # a damaged workbook: the .xls reader says what is wrong
    if "EncryptedPackage" in entries:
        return "encrypted"
    if "Workbook" in entries or "Book" in entries:
        return "xls"
    if "WordDocument" in entries:
        return "word"
    if "PowerPoint Document" in entries:
        return "presentation"
    return "ole"


def _text_or_other(head: bytes) -> str:
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head.startswith((b"GIF87a", b"GIF89a")):
        return "image"
    if head.startswith(b"%PDF"):
        return "pdf"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return "xml-2003"
    lowered = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table")) or b"<html" in lowered[:1024]:
        return "html"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in head:
        return "csv"
    return "binary"


def extension_fits(path: Path, kind: str) -> bool:
    """Whether the file's name says what it holds."""
    return path.suffix.lower() in READABLE.get(kind, ())
