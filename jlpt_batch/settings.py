"""What a run is asked to do: one frozen ``Settings`` (black's Mode), and every setting declared once.

``SETTINGS`` declares each setting a user can give: its command-line option, whether it
may be kept in ``jlpt-batch.toml``, its help and how its value is checked. The command
line (``cli``) builds its options from it, the settings file is checked against it, and
``resolve`` turns both into a ``Settings`` with one set of checks: a bad value is a
``SettingsError`` (exit 2) naming the setting, the value and what is allowed, wherever
it was written. Each default is stated once, on the ``Settings`` field.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Literal, cast

from jlpt_batch.errors import SettingsError
from jlpt_batch.exams import (
    MOCK,
    SITTING,
    SITTING_MONTH_NAMES,
    Exam,
    Registration,
    Sitting,
    Window,
    parse_sitting,
    parse_window,
    usual_registration,
)
from jlpt_batch.messages import InvalidValue, Message, message
from jlpt_batch.rules import LEVELS

Paper = Literal["a4", "letter"]
SortOrder = Literal["input", "id", "name"]
Region = Literal["all", "domestic", "overseas"]

PAPERS: tuple[Paper, ...] = ("a4", "letter")
SORT_ORDERS: tuple[SortOrder, ...] = ("input", "id", "name")
REGIONS: tuple[Region, ...] = ("all", "domestic", "overseas")
HISTORY_FORMATS = ("table", "csv")


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, decided once by the CLI (or a caller of the library)."""

    input_path: Path
    out_dir: Path
    worksheet: str | None = None  # of a workbook input; None: the first
    encoding: str | None = None  # of a CSV input; None: detected
    key_path: Path | None = None  # the answer key of a mock whose answers the input holds; None: scores are given
    max_rows: int = 1_000_000
    fill_class: bool = True  # fill down a class column written only on each group's first row
    skip: frozenset[str] = frozenset()  # names of outputs not to write (see outputs.OUTPUTS)
    force: bool = False
    as_of: dt.date = field(default_factory=dt.date.today)
    exam: Exam | None = None  # None: Exam.default_for(as_of)
    school: str = ""
    lang: str = "en"
    admin_lang: str = field(default_factory=lambda: _locale_language())  # the locale's, when there is wording for it
    templates_dir: Path | None = None
    paper: Paper = "a4"
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    sort: SortOrder = "input"
    duplex: bool = False
    percentile: bool = False
    region: Region = "all"
    registration: Registration = field(default_factory=usual_registration)  # sittings.toml: the usual dates in Japan
    show_progress: bool = False
    history: Path | None = None  # the history store of earlier exams; None: none is read or written

    @property
    def effective_exam(self) -> Exam:
        if self.exam:
            return self.exam
        if self.key_path:  # answers marked against a key are a mock's, held on the day of issue
            return Exam.chosen(None, self.as_of, self.as_of)
        return Exam.default_for(self.as_of)

    def writes(self, output: str) -> bool:
        """Whether the output of that name is wanted in this run."""
        return output not in self.skip


def default_out_dir(input_path: Path) -> Path:
    """``./<input name>-results/`` in the current directory."""
    return Path.cwd() / f"{input_path.stem}-results"


HISTORY_FILE_NAME = "jlpt-batch.db"


def default_history_path(settings_file: Path | None) -> Path:
    """The history store the command line uses unless told otherwise: beside the settings file,
    else in the current folder (a school keeps its history with its settings)."""
    folder = settings_file.parent if settings_file is not None else Path.cwd()
    return folder / HISTORY_FILE_NAME


# ── checking one value ────────────────────────────────────────────────────────

Parse = Callable[[object], object]


def _locale_language() -> str:
    from jlpt_batch.admin_wording import locale_language  # reads the shipped wording's languages

    return locale_language()


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidValue("settings.not_text")
    return value.strip()


def _student_id(value: object) -> str:
    """An id as the store holds it: ids are NFKC-normalised when read (full-width Ｓ１ is S1)."""
    return unicodedata.normalize("NFKC", _text(value))


def _choice(*allowed: str) -> Parse:
    def parse(value: object) -> str:
        text = _text(value).lower()
        if text not in allowed:
            raise InvalidValue("settings.not_allowed", allowed=", ".join(allowed))
        return text

    return parse


def _whole_number(value: object) -> int:
    try:
        number = int(cast(str, value)) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or number < 1:
        raise InvalidValue("settings.not_whole_number")
    return number


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise InvalidValue("settings.not_a_date") from None


def _sitting(value: object) -> Sitting:
    return parse_sitting(_text(value))  # InvalidValue says what is wrong


def _language(value: object) -> str:
    """'ja', 'JA', 'ja_JP' or 'ja-JP' as the code of a templates file ('ja'); whether the
    templates have it is checked once the templates folder is known."""
    text = _text(value).lower().replace("_", "-")
    return text.split("-")[0] if text else "en"


def _boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue("settings.not_true_or_false")
    return value


def _folder(value: object) -> Path:
    path = Path(_text(value)) if not isinstance(value, Path) else value
    if not path.is_dir():
        raise InvalidValue("settings.not_a_folder")
    return path


def _file(value: object) -> Path:
    path = Path(_text(value)) if not isinstance(value, Path) else value
    if not path.is_file():
        raise InvalidValue("settings.not_a_file")
    return path


def _registration(value: object) -> Registration:
    """``{july = "03-01..03-31"}`` (the settings file) or ``"july=03-01..03-31,december=..."``
    (the command line): the school's registration dates; a sitting left out keeps the usual ones."""
    pairs = _registration_pairs(value)
    windows: dict[int, Window] = {}
    for name, text in pairs:
        month = SITTING_MONTH_NAMES.get(name.strip().lower())
        if month is None:
            raise InvalidValue("settings.not_a_sitting", name=name.strip())
        if not isinstance(text, str):
            raise InvalidValue("settings.window_not_text", name=name.strip(), value=repr(text))
        try:
            windows[month] = parse_window(text)
        except InvalidValue as error:
            raise InvalidValue(
                "settings.bad_window", name=name.strip(), text=text.strip(), problem=error.message
            ) from None
    return usual_registration().with_windows(windows)


def _registration_pairs(value: object) -> list[tuple[str, object]]:
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, str) and value.strip():
        pairs = [item.partition("=") for item in value.split(",")]
        if all(sep for _, sep, _ in pairs):
            return [(name, text) for name, _, text in pairs]
    raise InvalidValue("settings.not_registration")


def _store_file(value: object) -> Path:
    path = Path(_text(value)) if not isinstance(value, Path) else value
    if path.is_dir():
        raise InvalidValue("settings.is_a_folder", example=str(path / HISTORY_FILE_NAME))
    if not path.parent.is_dir():
        raise InvalidValue("settings.no_such_folder")
    return path


MAX_EXAM_NAME = 60


def _exam_name(value: object) -> str:
    name = " ".join(_text(value).split())
    if len(name) > MAX_EXAM_NAME:
        raise InvalidValue("settings.too_long", characters=MAX_EXAM_NAME)
    return name


def _xlsx_file(value: object) -> Path:
    path = Path(_text(value)) if not isinstance(value, Path) else value
    if path.suffix.lower() != ".xlsx":
        raise InvalidValue("settings.not_xlsx")
    if not path.parent.is_dir():
        raise InvalidValue("settings.no_such_folder")
    return path


def _level(value: object) -> str:
    text = _text(value).upper()
    if text not in LEVELS:
        raise InvalidValue("settings.not_a_level", levels=", ".join(LEVELS))
    return text


def _exam_when(value: object) -> tuple[str, dt.date]:
    """An exam as --remove-exam names it: YYYY-MM for a sitting, YYYY-MM-DD for a mock exam."""
    text = _text(value)
    if text.count("-") == 2:
        return MOCK, _date(text)
    return SITTING, _sitting(text).date


def _encoding(value: object) -> str:
    text = _text(value)
    try:
        codecs.lookup(text)
    except LookupError:
        raise InvalidValue("settings.not_an_encoding") from None
    return text


# ── the declaration ───────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Setting:
    """One setting a user can give, on the command line and (if ``in_file``) in jlpt-batch.toml."""

    key: str  # the key in jlpt-batch.toml and the command's parameter name
    option: str  # the command-line option
    help: str
    parse: Parse
    field: str | None = ""  # the Settings field it sets: "" for the key's own name, None for none
    in_file: bool = False
    flag: bool = False  # an on/off option; with in_file, --x/--no-x so the command line can undo the file
    metavar: str | None = None
    commands: tuple[str, ...] = ("run",)

    @property
    def field_name(self) -> str | None:
        return self.key if self.field == "" else self.field

    @property
    def help_text(self) -> str:
        """The help, with the default as the Settings field states it."""
        default = self.default
        if default in (None, "", False):
            return self.help
        shown = f"{default:,}" if isinstance(default, int) else str(default)
        return f"{self.help} Default: {shown}."

    @property
    def default(self) -> object:
        """The default, as the Settings field states it (None where there is no field)."""
        if self.field_name is None:
            return None
        spec = next(f for f in fields(Settings) if f.name == self.field_name)
        if spec.default is not MISSING:
            return spec.default
        return None  # computed when a run starts (today, the machine's cores)


SETTINGS: tuple[Setting, ...] = (
    Setting("worksheet", "--sheet", "Worksheet to read from a workbook input (default: the first).", _text,
             metavar="NAME", commands=("run", "check")),
    Setting("encoding", "--encoding", "Encoding of a CSV input (default: detect UTF-8, UTF-8 with BOM, cp932).",
             _encoding, metavar="ENC", commands=("run", "check")),
    Setting("max_rows", "--max-rows", "Refuse inputs with more candidate rows than this.",
             _whole_number, metavar="N", commands=("run", "check")),
    Setting("key", "--key",
             "Answer key (.xlsx or .csv) of a mock exam: INPUT holds each student's answers, which are "
             "marked against it (the mock is dated --mock-date, default --as-of).",
             _file, field="key_path", metavar="FILE", commands=("run", "check")),
    Setting("fill_class", "--fill-class",
             "Fill down a class column written only on the first row of each group (as merged cells "
             "saved to CSV leave it); --no-fill-class leaves those rows without a class.",
             _boolean, in_file=True, flag=True, commands=("run", "check")),
    Setting("force", "--force", "Replace an existing output folder even if jlpt-batch did not write it.",
             _boolean, flag=True),
    Setting("as_of", "--as-of", "Date of issue; weeks to the next sitting count from it (default: today).",
             _date, metavar="YYYY-MM-DD"),
    Setting("sitting", "--sitting",
             "The sitting the scores come from, YYYY-MM (July or December; default: the latest one).",
             _sitting, field=None, in_file=True, metavar="YYYY-MM"),
    Setting("mock_date", "--mock-date", "The scores are from a school mock exam held on this date.",
             _date, field=None, in_file=True, metavar="YYYY-MM-DD"),
    Setting("exam_name", "--exam-name",
             "A name for the mock exam, to tell two mocks of one date apart (with --mock-date or --remove-exam).",
             _exam_name, field=None, metavar="NAME", commands=("run", "history")),
    Setting("history", "--history",
             "History store of earlier exams, an SQLite file (default: jlpt-batch.db beside the settings file, "
             "else in the current folder).",
             _store_file, in_file=True, metavar="FILE", commands=("run", "history")),
    Setting("no_history", "--no-history", "Read no earlier exams and record none of this one.",
             _boolean, field=None, flag=True),
    Setting("school", "--school", "School name printed on every sheet.", _text, in_file=True, metavar="NAME"),
    Setting("lang", "--lang",
             "Sheet language (en, ja, ko, zh, vi); a `language` column overrides it per student.",
             _language, in_file=True, metavar="CODE"),
    Setting("admin_lang", "--admin-lang",
             "Language of everything the administrator reads: the terminal, messages, summary.xlsx and the "
             "bundle covers (en, ja, ...; default: the locale's language when there is wording for it, else en).",
             _language, in_file=True, metavar="CODE", commands=("run", "check", "history")),
    Setting("templates", "--templates",
             "Folder of edited wording templates (copy the shipped templates/ folder to start).",
             _folder, field="templates_dir", in_file=True, metavar="DIR", commands=("run", "check")),
    Setting("paper", "--paper", "Paper size of the sheets and the workbook's print setup: a4 or letter.",
             _choice(*PAPERS), in_file=True, metavar="SIZE"),
    Setting("jobs", "--jobs", "Worker processes for the sheets (default: the machine's cores).",
             _whole_number, metavar="N"),
    Setting("sort", "--sort", "Order of the sheets in a class bundle: input, id or name.",
             _choice(*SORT_ORDERS), in_file=True, metavar="ORDER"),
    Setting("duplex", "--duplex", "Pad bundles so each student starts on a new sheet of paper.",
             _boolean, in_file=True, flag=True),
    Setting("percentile", "--percentile", "Show passers their estimated national percentile rank.",
             _boolean, in_file=True, flag=True),
    Setting("region", "--region",
             "National figures to compare with, for students whose row gives no region: all, domestic or overseas.",
             _choice(*REGIONS), in_file=True, metavar="REGION"),
    Setting("registration", "--registration",
             "When each sitting takes applications, month-days, e.g. july=03-01..03-31,december=08-01..08-31 "
             "(default: the usual dates in Japan).",
             _registration, in_file=True, metavar="DATES"),
    # What the history command does (without any of these, it lists the exams in the store).
    Setting("student", "--student", "Print one student's record, one row per exam (their student id).",
             _student_id, field=None, metavar="ID", commands=("history",)),
    Setting("format", "--format", "How the exam list and --student are printed: table (the default) or csv.",
             _choice(*HISTORY_FORMATS), field=None, metavar="FORMAT", commands=("history",)),
    Setting("export", "--export", "Write the whole history (or --class's, or --level's) to a workbook.",
             _xlsx_file, field=None, metavar="FILE.xlsx", commands=("history",)),
    Setting("class_name", "--class", "With --export: the students whose latest exam was in this class.",
             _text, field=None, metavar="NAME", commands=("history",)),
    Setting("level", "--level", "With --export: the students whose latest exam was at this level; "
             "with --remove-exam: only this level's records.",
             _level, field=None, metavar="LEVEL", commands=("history",)),
    Setting("forget", "--forget", "Remove every record of one student (their student id) from the store.",
             _student_id, field=None, metavar="ID", commands=("history",)),
    Setting("remove_exam", "--remove-exam",
             "Remove a whole exam from the store: YYYY-MM for a sitting, YYYY-MM-DD for a mock exam.",
             _exam_when, field=None, metavar="WHEN", commands=("history",)),
)  # fmt: skip

FILE_KEYS: tuple[str, ...] = tuple(setting.key for setting in SETTINGS if setting.in_file)


def setting(key: str) -> Setting:
    return next(s for s in SETTINGS if s.key == key)


# ── resolving the command line and the settings file into Settings ───────────


@dataclass(frozen=True)
class Given:
    """The raw values a run was given: from the command line, and from a settings file."""

    command_line: Mapping[str, object]  # key -> value; None where the option was not given
    settings_file: Mapping[str, object]  # key -> value as the TOML file holds it
    settings_file_path: Path | None = None

    def value(self, item: Setting) -> tuple[object, Message] | None:
        """The value that wins for a setting (the command line over the file), and where it was written."""
        given = self.command_line.get(item.key)
        if given is not None:
            return given, message("settings.option", option=item.option, value=_shown(given))
        if item.key in self.settings_file:
            written = self.settings_file[item.key]
            where = message("settings.in_file", file=str(self.settings_file_path), key=item.key, value=repr(written))
            return written, where
        return None


def _shown(value: object) -> str:
    """A value as the user typed it (without the quotes repr would add: the message has its own)."""
    return value if isinstance(value, str) else repr(value)


def checked(item: Setting, given: Given) -> object:
    """The setting's value, checked; None when it was not given (the default applies)."""
    found = given.value(item)
    if found is None:
        return None
    value, where = found
    try:
        return item.parse(value)
    except InvalidValue as error:
        raise SettingsError("settings.bad_value", where=where, problem=error.message) from None


def resolve(input_path: Path, out_dir: Path | None, given: Given, *, skip: frozenset[str] = frozenset()) -> Settings:
    """Settings from the given values: each checked once, defaults from the Settings fields."""
    values = {item.key: checked(item, given) for item in SETTINGS}
    chosen: dict[str, object] = {
        name: values[item.key] for item in SETTINGS if (name := item.field_name) and values[item.key] is not None
    }
    chosen["as_of"] = as_of = cast(dt.date, chosen.get("as_of") or dt.date.today())
    sitting, mock_date = cast("Sitting | None", values["sitting"]), cast("dt.date | None", values["mock_date"])
    if values["key"] is not None and mock_date is None:  # answers marked against a key are a mock's
        mock_date = as_of
    chosen["exam"] = Exam.chosen(sitting, mock_date, as_of, _mock_name(values, given))
    chosen["history"] = history_store(values, given)
    out = out_dir or default_out_dir(input_path)
    settings = Settings(input_path=input_path, out_dir=out, skip=skip, **chosen)  # type: ignore[arg-type]
    _check_languages(settings, given)
    return settings


def _mock_name(values: Mapping[str, object], given: Given) -> str:
    """--exam-name, which only a mock exam takes (a sitting is named by its month; --key marks a mock)."""
    name = cast("str | None", values["exam_name"])
    if name and values["mock_date"] is None and values["key"] is None:
        where = given.value(setting("exam_name"))
        shown = where[1] if where else message("settings.option", option="--exam-name", value=name)
        raise SettingsError("errors.exam_name_without_mock", where=shown)
    return name or ""


def history_store(values: Mapping[str, object], given: Given) -> Path | None:
    """The history store to use: --history, else the default place; None with --no-history."""
    if values.get("no_history"):
        if given.command_line.get("history") is not None:
            raise SettingsError("errors.history_and_no_history")
        return None
    chosen = cast("Path | None", values.get("history"))
    return chosen or default_history_path(given.settings_file_path)


def _check_languages(settings: Settings, given: Given) -> None:
    """The sheet language and the administrator's language must be ones the templates have wording for."""
    from jlpt_batch.admin_wording import admin_wording  # the wording is read only to check this
    from jlpt_batch.outputs.sheets.wording import load_wording

    sheet_languages = load_wording(settings.templates_dir).languages
    if settings.lang not in sheet_languages:
        _no_wording(given, "lang", settings.lang, sheet_languages, "settings.no_wording")
    admin_languages = admin_wording(settings.templates_dir).languages
    if settings.admin_lang not in admin_languages:
        _no_wording(given, "admin_lang", settings.admin_lang, admin_languages, "settings.no_admin_wording")


def _no_wording(given: Given, key: str, lang: str, languages: tuple[str, ...], entry: str) -> None:
    where = given.value(setting(key))
    shown = where[1] if where else message("settings.option", option=setting(key).option, value=lang)
    raise SettingsError(entry, where=shown, languages=", ".join(languages))
