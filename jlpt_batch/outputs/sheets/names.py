"""File names for sheets and bundles made from ids and class names: safe on every system, never two alike."""

from __future__ import annotations

import unicodedata

import polars as pl

MAX_NAME_LENGTH = 100


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_stem(text: str | None, fallback: str) -> str:
    """A file name stem from free text: letters, digits, ``-``, ``_`` and ``.`` only.

    Other characters become ``_``; leading dots are dropped (no hidden files, never
    ``.`` or ``..``) as are trailing dots (Windows drops them).
    """
    text = unicodedata.normalize("NFC", text or "")
    stem = "".join(char if char.isalnum() or char in "-_." else "_" for char in text)
    stem = stem[:MAX_NAME_LENGTH].strip(".")
    if not stem:
        return fallback
    return f"{stem}_" if stem.split(".")[0].upper() in _WINDOWS_RESERVED else stem


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
    names = UniqueNames()
    ids, rows = students["candidate_id"].to_list(), students["source_row"].to_list()
    return [names.claim(safe_stem(cid, f"row-{row}")) for cid, row in zip(ids, rows, strict=True)]
