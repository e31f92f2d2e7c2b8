"""What the program tells the administrator, as data: an entry of their wording and its values.

Errors and warnings arise deep in the library, where nobody knows which language the
administrator reads; the command line words them (``Message.text``) with the
administrator's catalog (``templates/admin/<lang>.toml``) just before showing them.
``str(message)`` is the built-in English, for a library caller or a log.

Deliberately light (no polars, no wording files read on import): the command line
imports it before anything else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jlpt_batch.admin_wording import AdminWords
    from jlpt_batch.wording import Catalog


@dataclass(frozen=True)
class Message:
    """An entry of the administrator's wording with the values it is filled with.

    A value may itself be a Message (worded with the same catalog), a tuple of values
    (listed as the language lists things: "A, B and C"), or a whole number (grouped as
    the language writes numbers: 1,000,000); anything else is shown as text.
    """

    key: str
    values: Mapping[str, object] = field(default_factory=dict)

    def text(self, catalog: Catalog) -> str:
        """The message in the catalog's language."""
        from jlpt_batch.admin_wording import AdminWords  # the wording is loaded only to show a message

        words = AdminWords(catalog)
        return catalog.text(self.key, **{name: _worded(value, words) for name, value in self.values.items()})

    def __str__(self) -> str:
        """The message in the built-in English (or, if even that cannot be read, its entry and values)."""
        from jlpt_batch.admin_wording import english
        from jlpt_batch.errors import TemplateError

        try:
            return self.text(english())
        except TemplateError:  # a broken installation must still say something
            shown = ", ".join(f"{name}={value!r}" for name, value in self.values.items())
            return f"{self.key} ({shown})"


_ENTRY_NAME = re.compile(r"[a-z_]+(\.[A-Za-z0-9_]+)+")


def is_entry_name(text: str) -> bool:
    """Whether the text names an entry (``errors.empty_file``) rather than being the words themselves."""
    return _ENTRY_NAME.fullmatch(text) is not None


class InvalidValue(ValueError):
    """A value that is not allowed, saying why as a Message (e.g. ``settings.not_a_date``)."""

    def __init__(self, key: str, /, **values: object) -> None:
        self.message = Message(key, values)
        super().__init__(key)

    def __str__(self) -> str:
        return str(self.message)


def message(key: str, /, **values: object) -> Message:
    """A Message: ``message("errors.empty_file", file="c.csv")``."""
    return Message(key, values)


def counted(unit: str, count: int) -> Message:
    """A count with its unit, worded where it is shown: ``counted("row", 3)`` is '3 rows', '3行'."""
    return Message(f"units.{unit}_{'one' if count == 1 else 'other'}", {"count": count})


def _worded(value: object, words: AdminWords) -> object:
    if isinstance(value, Message):
        return value.text(words.catalog)
    if isinstance(value, tuple):
        return words.join(str(_worded(item, words)) for item in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return words.number(value)
    return value
