"""Wording as data: TOML catalogs, one file per language, every text a named entry.

Two kinds of wording use this: the students' sheets (``templates/<lang>.toml``) and
what the administrator reads (``templates/admin/<lang>.toml``). Each kind declares its
entries and the ``{placeholder}`` fields each entry may use (an ``EntrySpec``), so a
typo in a template is caught before anything is written. A missing entry falls back
to English and is reported as a warning (a ``Message``, never ``warnings.warn``: the
caller decides how to show it, and in which language); an unknown placeholder is an error.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import polars as pl

from jlpt_batch.errors import TemplateError
from jlpt_batch.messages import Message, message

FALLBACK_LANG = "en"

Fields = frozenset[str]


def fields(*names: str) -> Fields:
    """The placeholders an entry may use."""
    return frozenset(names)


@dataclass(frozen=True)
class EntrySpec:
    """One kind of wording: where its files are and every entry it has, with its placeholders."""

    name: str  # "sheet" or "admin": identifies the spec (and caches its built-in English)
    subfolder: str  # inside a templates folder: "" for the sheets, "admin" for the administrator's words
    entries: Mapping[str, Fields] = field(hash=False, compare=False)


@dataclass(frozen=True)
class Catalog:
    """The wording of one language, complete (missing entries already filled from English)."""

    lang: str
    entries: Mapping[str, str]
    spec: EntrySpec

    def text(self, name: str, /, **values: object) -> str:
        """Fill one entry. Every placeholder the entry allows must be given, used or not,
        so a teacher may use any of them without breaking a sheet."""
        missing = self.spec.entries[name] - values.keys()
        if missing:
            raise KeyError(f"entry {name!r} needs values for {sorted(missing)}")
        return self.entries[name].format_map({key: str(value) for key, value in values.items()})

    def expr(self, name: str, /, **values: pl.Expr | object) -> pl.Expr:
        """The entry filled row by row from polars expressions (or plain values, the same on every row).

        One ``concat_str`` over the whole frame, no Python per row; a null value shows as nothing.
        """
        missing = self.spec.entries[name] - values.keys()
        if missing:
            raise KeyError(f"entry {name!r} needs values for {sorted(missing)}")
        pieces: list[pl.Expr] = []
        for literal, placeholder, _, _ in string.Formatter().parse(self.entries[name]):
            if literal:
                pieces.append(pl.lit(literal))
            if placeholder is not None:
                value = values[placeholder]
                shown = value if isinstance(value, pl.Expr) else pl.lit(str(value))
                pieces.append(shown.cast(pl.String).fill_null(""))
        return pl.concat_str(pieces) if pieces else pl.lit("")


@dataclass(frozen=True)
class Wording:
    """Every language found in a templates folder, plus what was noticed while loading it."""

    catalogs: Mapping[str, Catalog]
    warnings: tuple[Message, ...]

    def has(self, lang: str) -> bool:
        return lang in self.catalogs

    def catalog(self, lang: str) -> Catalog:
        """The catalog of a language, or English when there is none."""
        return self.catalogs.get(lang) or self.catalogs[FALLBACK_LANG]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.catalogs))


def default_templates_dir() -> Traversable:
    """The wording shipped with the package, or the repository's ``templates/`` in a checkout."""
    packaged = resources.files("jlpt_batch").joinpath("templates")
    if packaged.is_dir():
        return packaged
    return Path(str(resources.files("jlpt_batch"))).parent / "templates"


def _spec_folder(spec: EntrySpec, folder: Path | Traversable) -> Path | Traversable:
    return folder.joinpath(spec.subfolder) if spec.subfolder else folder


def load_wording(spec: EntrySpec, folder: Path | Traversable | None = None) -> Wording:
    """Read and check every ``<lang>.toml`` of one kind of wording (default: the shipped wording).

    ``folder`` is a templates folder (as given with ``--templates``); the spec's files are
    in its subfolder. Raises TemplateError naming the file and entry for a malformed file,
    a value that is not text, or a placeholder the entry does not allow. Missing entries
    fall back to English, each reported in ``Wording.warnings``.
    """
    warnings: list[Message] = []
    shipped = _spec_folder(spec, default_templates_dir())
    folder = shipped if folder is None else _spec_folder(spec, folder)
    if spec.subfolder and folder != shipped and not folder.is_dir():
        folder = shipped  # a copied templates folder need not carry this kind of wording
    files = _language_files(folder)
    english = dict(_builtin_english(spec))
    if FALLBACK_LANG in files:
        english |= _read_entries(files[FALLBACK_LANG], spec, warnings)
    elif folder != shipped:
        warnings.append(message("wording.no_english", folder=_show(folder)))
    catalogs = {FALLBACK_LANG: Catalog(FALLBACK_LANG, english, spec)}
    for lang, path in sorted(files.items()):
        if lang != FALLBACK_LANG:
            entries = _read_entries(path, spec, warnings)
            catalogs[lang] = Catalog(lang, english | entries, spec)
    return Wording(catalogs, tuple(warnings))


@cache
def _builtin_english(spec: EntrySpec) -> dict[str, str]:
    """The shipped English wording: the last resort for any missing entry."""
    path = _language_files(_spec_folder(spec, default_templates_dir())).get(FALLBACK_LANG)
    if path is None:
        raise TemplateError("wording.builtin_missing")
    found: list[Message] = []
    entries = _read_entries(path, spec, found)
    if found:
        raise TemplateError("wording.builtin_incomplete", file=_show(path), problem=found[0])
    return entries


def _language_files(folder: Path | Traversable) -> dict[str, Traversable]:
    if not folder.is_dir():
        raise TemplateError("wording.no_folder", folder=_show(folder))
    return {item.name[: -len(".toml")].lower(): item for item in folder.iterdir() if item.name.endswith(".toml")}


def _read_entries(path: Traversable, spec: EntrySpec, warnings: list[Message]) -> dict[str, str]:
    """One file's entries, flattened to dotted names and checked against the spec."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(
            "wording.not_toml", file=_show(path), near=_near_entry(text, str(error)), detail=str(error)
        ) from None
    entries = _flatten(data, path)
    for name in sorted(entries.keys() - spec.entries.keys()):
        warnings.append(message("wording.unknown_entry", file=_show(path), entry=name))
    for name in spec.entries:
        if name not in entries:
            warnings.append(message("wording.missing_entry", file=_show(path), entry=name))
    known = {name: value for name, value in entries.items() if name in spec.entries}
    for name, value in known.items():
        _check_placeholders(path, name, value, spec.entries[name])
    return known


def _flatten(data: Mapping[str, object], path: Traversable, prefix: str = "") -> dict[str, str]:
    """``{"fail": {"trap": "..."}}`` becomes ``{"fail.trap": "..."}``."""
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat |= _flatten(value, path, f"{name}.")
        elif isinstance(value, str):
            flat[name] = value
        else:
            raise TemplateError("wording.not_text", file=_show(path), entry=name, value=repr(value))
    return flat


def _check_placeholders(path: Traversable, name: str, value: str, allowed: Fields) -> None:
    """Raise TemplateError unless the entry uses only its allowed fields, well formed."""
    hint: object = ", ".join("{" + field + "}" for field in sorted(allowed)) or message("wording.no_placeholders")
    where = {"file": _show(path), "entry": name, "allowed": hint}
    try:
        used = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
    except ValueError as error:
        raise TemplateError("wording.broken_placeholder", detail=str(error), **where) from None
    unknown = sorted(used - allowed)
    if unknown:
        shown = ", ".join("{" + field + "}" for field in unknown)
        raise TemplateError("wording.unknown_placeholder", unknown=shown, **where)
    try:  # a format spec or conversion can still fail on text values, e.g. {total:.0f}
        value.format_map(dict.fromkeys(allowed, "x"))
    except ValueError as error:
        raise TemplateError("wording.broken_placeholder", detail=str(error), **where) from None


_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_.\-\"']+)\s*=")
_TABLE_LINE = re.compile(r"^\s*\[([^\]]+)\]")


def _near_entry(text: str, error: str) -> Message | str:
    """' near entry 'fail.trap' (line 12)' for a TOML error, so the teacher finds the spot."""
    match = re.search(r"line (\d+)", error)
    if not match:
        return ""
    line_no = int(match.group(1))
    lines = text.splitlines()[:line_no]
    table = next((m.group(1).strip() for line in reversed(lines) if (m := _TABLE_LINE.match(line))), "")
    key = next((m.group(1).strip("\"'") for line in reversed(lines) if (m := _KEY_LINE.match(line))), "")
    entry = f"{table}.{key}" if table and key else key or table
    line = str(line_no)
    return message("wording.near_entry", entry=entry, line=line) if entry else message("wording.near_line", line=line)


def _show(path: Path | Traversable) -> str:
    return str(path)
