"""File names for sheets and bundles made from ids and class names: safe on every system, never two alike."""

from __future__ import annotations

import unicodedata

import polars as pl

MAX_NAME_LENGTH = 100  # characters of an id or class kept in a file name
# Bytes of a stem: file systems allow 255 bytes per name, and a stem may still take a
# suffix (-part12, -2) and .pdf. 84 CJK characters are 252 bytes in UTF-8.
MAX_STEM_BYTES = 180


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_stem(text: str | None, fallback: str) -> str:
    """A file name stem from free text: letters, digits, ``-``, ``_`` and ``.`` only.

    Other characters become ``_``; leading dots are dropped (no hidden files, never
    ``.`` or ``..``) as are trailing dots (Windows drops them); a leading ``-`` becomes
    ``_`` (a name read as an option by command-line tools); the stem is cut to
    ``MAX_STEM_BYTES`` of UTF-8 on a character boundary.
    """
    text = unicodedata.normalize("NFC", text or "")
    stem = "".join(char if char.isalnum() or char in "-_." else "_" for char in text)
    stem = _cut_to_bytes(stem[:MAX_NAME_LENGTH], MAX_STEM_BYTES).strip(".")
    if stem.startswith("-"):
        stem = "_" + stem[1:]
    if not stem:
        return fallback
    return f"{stem}_" if stem.split(".")[0].upper() in _WINDOWS_RESERVED else stem


def _cut_to_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


class UniqueNames:
    """Hands out stems, adding ``-2``, ``-3`` … on a collision (case-insensitive, as on Windows and macOS)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, stem: str) -> str:
        candidate, number = stem, 1
        while candidate.casefold() in self._taken:
            number += 1
            candidate = f"{stem}-{number}"
        self._taken.add(candidate.casefold())
        return candidate


def sheet_stems(students: pl.DataFrame) -> list[str]:
    """Each student's sheet file stem, from the id (the row number where there is none), never two alike."""
    names = UniqueNames()
    ids, rows = students["candidate_id"].to_list(), students["source_row"].to_list()
    return [names.claim(safe_stem(cid, f"row-{row}")) for cid, row in zip(ids, rows, strict=True)]
