"""The wording of the feedback sheets: one TOML file per language, every sentence a named entry.

A teacher edits the files in ``templates/`` (or a copy passed with ``--templates DIR``).
Entries use ``{placeholder}`` fields; which fields each entry may use is decided here,
in ``ENTRIES``, so a typo in a template is caught before any sheet is drawn. A missing
entry falls back to English and is reported as a warning string (never ``warnings.warn``:
the caller decides how to show it).
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from jlpt_batch.errors import TemplateError

FALLBACK_LANG = "en"
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
LEVEL_NAMES = ("N1", "N2", "N3", "N4", "N5")
CEFR_NAMES = ("A1", "A2", "B1", "B2", "C1")

_SECTION_KEYS = ("language_knowledge", "reading", "language_knowledge_reading", "listening")
_BAND_PARTS = ("vocabulary", "grammar", "reading")


def _fields(*names: str) -> frozenset[str]:
    return frozenset(names)


_NONE = _fields()
_SCORE = _fields("section", "score", "floor", "shortfall")
_NEXT = _fields("next_level", "date", "weeks")

# Every entry of a template file and the placeholders it may use. The one place that
# decides what a template may say: validation and the teachers' README follow it.
ENTRIES: dict[str, frozenset[str]] = {
    "exam.sitting": _fields("month_name", "month", "year"),
    "exam.mock": _fields("date", "iso_date"),
    "dates.day": _fields("day", "month", "month_name", "year"),
    "dates.early_month": _fields("month", "month_name", "year"),
    **{f"months.{month}": _NONE for month in MONTHS},
    "list.separator": _NONE,
    "list.pair": _fields("first", "second"),
    "units.point": _fields("n"),
    "units.points": _fields("n"),
    "units.week": _fields("n"),
    "units.weeks": _fields("n"),
    "units.under_a_week": _NONE,
    "units.student": _fields("n"),
    "units.students": _fields("n"),
    "header.name": _NONE,
    "header.candidate": _NONE,
    "header.class": _NONE,
    "header.level": _NONE,
    **{f"sections.{key}": _NONE for key in _SECTION_KEYS},
    **{f"sections_short.{key}": _NONE for key in _SECTION_KEYS},
    "sections.total": _NONE,
    "result.passed": _NONE,
    "result.not_passed": _NONE,
    "result.not_scored": _NONE,
    "result.passed_detail": _fields("level", "total", "pass_mark"),
    "diagnosis.below_item": _SCORE,
    "diagnosis.below_separator": _NONE,
    "diagnosis.floor": _fields("below"),
    "diagnosis.floor_and_total": _fields("below", "total", "pass_mark", "shortfall"),
    "diagnosis.total": _fields("total", "pass_mark", "shortfall"),
    "diagnosis.absent": _fields("sections"),
    "scores.heading_section": _NONE,
    "scores.heading_score": _NONE,
    "scores.heading_maximum": _NONE,
    "scores.heading_threshold": _NONE,
    "scores.heading_margin": _NONE,
    "scores.above_floor": _fields("points"),
    "scores.at_floor": _NONE,
    "scores.below_floor": _fields("points"),
    "scores.above_pass_mark": _fields("points"),
    "scores.at_pass_mark": _NONE,
    "scores.short": _fields("shortfall"),
    "bars.floor": _fields("floor"),
    "bars.pass_mark": _fields("pass_mark"),
    "bands.heading": _NONE,
    "bands.line": _fields("part", "band", "meaning", "range"),
    "bands.line_counts": _fields("part", "band", "meaning", "range", "correct", "questions"),
    "bands.meaning_a": _NONE,
    "bands.meaning_b": _NONE,
    "bands.meaning_c": _NONE,
    "bands.range_a": _fields("a_min"),
    "bands.range_b": _fields("a_min", "b_min"),
    "bands.range_c": _fields("b_min"),
    "bands.not_decisive": _NONE,
    "bands.focus": _fields("section", "parts", "band"),
    "bands.no_band": _fields("section"),
    "bands.weak": _fields("parts", "band"),
    **{f"band_parts.{part}": _NONE for part in _BAND_PARTS},
    "cefr.heading": _NONE,
    "cefr.line": _fields("cefr", "meaning"),
    **{f"cefr.{name}": _NONE for name in CEFR_NAMES},
    "cefr.percentile": _fields("percent", "level", "total", "source", "region"),
    "cefr.source": _fields("month_name", "month", "year"),
    "regions.all": _NONE,
    "regions.domestic": _NONE,
    "regions.overseas": _NONE,
    "pass.heading": _NONE,
    "pass.never_expires": _fields("level"),
    "pass.next_level": _NEXT,
    "pass.top_level": _NONE,
    "pass.mock_ready": _fields("level", "date", "weeks"),
    "pass.opens": _fields("level", "facts"),
    **{f"opens.{level}": _NONE for level in LEVEL_NAMES},
    "pass.receptive_only": _NONE,
    "fail.heading": _NONE,
    "fail.no_shame": _NONE,
    "fail.trap": _fields("total", "pass_mark", "sections"),
    "fail.plan_heading": _NONE,
    "fail.plan_next": _fields("date", "weeks"),
    "fail.plan_next_mock": _fields("date", "weeks"),
    "fail.plan_keep": _fields("cleared", "flagged"),
    "fail.plan_all_below": _fields("flagged", "worst"),
    "fail.plan_total": _fields("flagged", "score", "maximum", "shortfall"),
    "fail.plan_mock": _fields("flagged"),
    "absent.heading": _NONE,
    "absent.explain": _NONE,
    "absent.sat": _fields("sections"),
    "absent.todo_heading": _NONE,
    "absent.todo": _fields("date", "weeks"),
    "footer.not_official": _fields("school"),
    "footer.not_official_no_school": _NONE,
    "footer.results_both": _fields("exam", "domestic", "overseas"),
    "footer.results_domestic": _fields("exam", "domestic"),
    "footer.results_overseas": _fields("exam", "overseas"),
    "footer.mock": _NONE,
    "footer.issued": _fields("date"),
    "cover.title": _fields("class_name"),
    "cover.title_no_class": _NONE,
    "cover.subtitle": _fields("school", "exam", "date"),
    "cover.subtitle_no_school": _fields("exam", "date"),
    "cover.heading_number": _NONE,
    "cover.heading_candidate": _NONE,
    "cover.heading_name": _NONE,
    "cover.heading_level": _NONE,
    "cover.heading_result": _NONE,
    "cover.heading_total": _NONE,
    "cover.summary": _fields("students", "passed", "not_passed", "not_scored"),
}


@dataclass(frozen=True)
class Catalog:
    """The wording of one language, complete (missing entries already filled from English)."""

    lang: str
    entries: Mapping[str, str]

    def text(self, name: str, **values: object) -> str:
        """Fill one entry. Every placeholder the entry allows must be given, used or not,
        so a teacher may use any of them without breaking a sheet."""
        missing = ENTRIES[name] - values.keys()
        if missing:
            raise KeyError(f"entry {name!r} needs values for {sorted(missing)}")
        return self.entries[name].format_map({key: str(value) for key, value in values.items()})


@dataclass(frozen=True)
class Wording:
    """Every language found in a templates folder, plus what was noticed while loading it."""

    catalogs: Mapping[str, Catalog]
    warnings: tuple[str, ...]

    def has(self, lang: str) -> bool:
        return lang in self.catalogs

    def catalog(self, lang: str) -> Catalog:
        """The catalog of a language, or English when there is none."""
        return self.catalogs.get(lang) or self.catalogs[FALLBACK_LANG]


def default_templates_dir() -> Traversable:
    """The wording shipped with the package, or the repository's ``templates/`` in a checkout."""
    packaged = resources.files("jlpt_batch").joinpath("templates")
    if packaged.is_dir():
        return packaged
    return Path(str(resources.files("jlpt_batch"))).parent / "templates"


def load_wording(folder: Path | Traversable | None = None) -> Wording:
    """Read and check every ``<lang>.toml`` in a folder (default: the shipped wording).

    Raises TemplateError naming the file and entry for a malformed file, a value that
    is not text, or a placeholder the entry does not allow. Missing entries fall back
    to English, each reported in ``Wording.warnings``.
    """
    warnings: list[str] = []
    builtin_english = _builtin_english()
    if folder is None:
        folder = default_templates_dir()
    files = _language_files(folder)
    english = dict(builtin_english)
    if FALLBACK_LANG in files:
        english |= _read_entries(files[FALLBACK_LANG], warnings)
    elif folder != default_templates_dir():
        warnings.append(f"{_show(folder)} has no {FALLBACK_LANG}.toml: English wording is the built-in one")
    catalogs = {FALLBACK_LANG: Catalog(FALLBACK_LANG, english)}
    for lang, path in sorted(files.items()):
        if lang != FALLBACK_LANG:
            entries = _read_entries(path, warnings)
            catalogs[lang] = Catalog(lang, english | entries)
    return Wording(catalogs, tuple(warnings))


@cache
def _builtin_english() -> dict[str, str]:
    """The shipped English wording: the last resort for any missing entry."""
    path = _language_files(default_templates_dir()).get(FALLBACK_LANG)
    if path is None:
        raise TemplateError(f"the built-in wording has no {FALLBACK_LANG}.toml; reinstall jlpt-batch")
    found: list[str] = []
    entries = _read_entries(path, found)
    if found:
        raise TemplateError(f"the built-in {_show(path)} is incomplete: {found[0]}")
    return entries


def _language_files(folder: Path | Traversable) -> dict[str, Traversable]:
    if not folder.is_dir():
        raise TemplateError(f"templates folder {_show(folder)} does not exist; pass a folder holding <lang>.toml files")
    return {item.name[: -len(".toml")].lower(): item for item in folder.iterdir() if item.name.endswith(".toml")}


def _read_entries(path: Traversable, warnings: list[str]) -> dict[str, str]:
    """One file's entries, flattened to dotted names and checked against ENTRIES."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"{_show(path)} is not valid TOML{_near_entry(text, str(error))}: {error}") from None
    entries = _flatten(data, path)
    for name in sorted(entries.keys() - ENTRIES.keys()):
        warnings.append(f"{_show(path)}: entry '{name}' is not a known entry and is ignored")
    for name in ENTRIES:
        if name not in entries:
            warnings.append(f"{_show(path)}: entry '{name}' is missing; using the English wording")
    known = {name: value for name, value in entries.items() if name in ENTRIES}
    for name, value in known.items():
        _check_placeholders(path, name, value)
    return known


def _flatten(data: Mapping, path: Traversable, prefix: str = "") -> dict[str, str]:
    """``{"fail": {"trap": "..."}}`` becomes ``{"fail.trap": "..."}``."""
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat |= _flatten(value, path, f"{name}.")
        elif isinstance(value, str):
            flat[name] = value
        else:
            raise TemplateError(f"{_show(path)}, entry '{name}': the value must be text in quotes, not {value!r}")
    return flat


def _check_placeholders(path: Traversable, name: str, value: str) -> None:
    """Raise TemplateError unless the entry uses only its allowed fields, well formed."""
    allowed = ENTRIES[name]
    hint = ", ".join("{" + field + "}" for field in sorted(allowed)) or "no placeholders"
    where = f"{_show(path)}, entry '{name}'"
    try:
        used = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
    except ValueError as error:
        raise TemplateError(f"{where}: broken placeholder ({error}); {_BRACES}; this entry can use {hint}") from None
    unknown = sorted(used - allowed)
    if unknown:
        shown = ", ".join("{" + field + "}" for field in unknown)
        raise TemplateError(f"{where}: unknown placeholder {shown}; this entry can use {hint}")
    try:  # a format spec or conversion can still fail on text values, e.g. {total:.0f}
        value.format_map(dict.fromkeys(allowed, "x"))
    except ValueError as error:
        raise TemplateError(f"{where}: broken placeholder ({error}); {_BRACES}; this entry can use {hint}") from None


_BRACES = "write {name} for a value and {{ or }} for a literal brace"


_KEY_LINE = re.compile(r"^\s*([A-Za-z0-9_.\-\"']+)\s*=")
_TABLE_LINE = re.compile(r"^\s*\[([^\]]+)\]")


def _near_entry(text: str, message: str) -> str:
    """' near entry 'fail.trap' (line 12)' for a TOML error, so the teacher finds the spot."""
    match = re.search(r"line (\d+)", message)
    if not match:
        return ""
    line_no = int(match.group(1))
    lines = text.splitlines()[:line_no]
    table = next((m.group(1).strip() for line in reversed(lines) if (m := _TABLE_LINE.match(line))), "")
    key = next((m.group(1).strip("\"'") for line in reversed(lines) if (m := _KEY_LINE.match(line))), "")
    entry = f"{table}.{key}" if table and key else key or table
    return f" near entry '{entry}' (line {line_no})" if entry else f" (line {line_no})"


def _show(path: Path | Traversable) -> str:
    return str(path)
