"""The settings file: school name, paper, language and sitting, so they are not retyped each run."""

from __future__ import annotations

import tomllib
from pathlib import Path

from jlpt_batch.errors import SettingsError

DEFAULT_CONFIG_NAME = "jlpt-batch.toml"
KNOWN_KEYS = {
    "school": str, "paper": str, "lang": str, "sitting": str, "mock_date": str,
    "templates": str, "region": str, "sort": str, "duplex": bool, "percentile": bool,
}  # fmt: skip


def load_config(path: Path | None, input_folder: Path | None = None) -> dict[str, object]:
    """Read a settings file; {} when there is none.

    Without an explicit path: ./jlpt-batch.toml, else jlpt-batch.toml beside the input
    (a school keeps its settings with its spreadsheets).
    """
    if path is None:
        candidates = [Path(DEFAULT_CONFIG_NAME)]
        if input_folder is not None:
            candidates.append(input_folder / DEFAULT_CONFIG_NAME)
        path = next((candidate for candidate in candidates if candidate.is_file()), None)
        if path is None:
            return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"settings file {path} not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"settings file {path} is not valid TOML: {error}") from None
    _check_keys(data, path)
    if "templates" in data:  # relative to the settings file, not to wherever the command runs
        data["templates"] = str((path.parent / str(data["templates"])).resolve())
    return data


def _check_keys(data: dict, path: Path) -> None:
    for key, value in data.items():
        if key not in KNOWN_KEYS:
            known = ", ".join(sorted(KNOWN_KEYS))
            raise SettingsError(f"settings file {path}: unknown setting {key!r}; known settings are {known}")
        if not isinstance(value, KNOWN_KEYS[key]):
            kind = KNOWN_KEYS[key].__name__
            raise SettingsError(f"settings file {path}: {key} must be a {kind}, not {value!r}")
