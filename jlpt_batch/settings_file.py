"""The settings file ``jlpt-batch.toml``: school name, paper, language and sitting, so they are not retyped.

Only the keys ``settings.SETTINGS`` allows in a file are accepted; their values are
checked with the command line's, by ``settings.resolve``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

from jlpt_batch.errors import SettingsError
from jlpt_batch.settings import FILE_KEYS

DEFAULT_NAME = "jlpt-batch.toml"


def find_settings_file(path: Path | None, input_folder: Path | None = None) -> Path | None:
    """The settings file to use: the one given, else ./jlpt-batch.toml, else jlpt-batch.toml beside
    the input (a school keeps its settings with its spreadsheets); None when there is none."""
    if path is not None:
        return path
    candidates = [Path(DEFAULT_NAME)]
    if input_folder is not None:
        candidates.append(input_folder / DEFAULT_NAME)
    return next((candidate for candidate in candidates if candidate.is_file()), None)


def read_settings_file(
    path: Path | None, on_read: Callable[[dict[str, object]], None] | None = None
) -> dict[str, object]:
    """The settings a file holds, as TOML values ({} without a file); unknown keys are refused.

    ``on_read`` sees the values as soon as they are parsed, before they are checked: the command
    line takes the administrator's language from them, so that the checks speak it.
    """
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError("errors.settings_file_missing", file=str(path)) from None
    except IsADirectoryError:
        raise SettingsError("errors.settings_file_folder", file=str(path)) from None
    except UnicodeDecodeError:
        raise SettingsError("errors.settings_file_not_utf8", file=str(path)) from None
    except OSError:  # a path through a file, no permission to read
        raise SettingsError("errors.settings_file_unreadable", file=str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError("errors.settings_file_not_toml", file=str(path), detail=str(error)) from None
    if on_read is not None:
        on_read(data)
    for key in data:
        if key not in FILE_KEYS:
            known = ", ".join(sorted(FILE_KEYS))
            raise SettingsError("errors.settings_file_unknown", file=str(path), key=key, known=known)
    for key in ("templates", "history"):  # relative to the settings file, not to wherever the command runs
        if isinstance(data.get(key), str):
            data[key] = str((path.parent / data[key]).resolve())
    return data
