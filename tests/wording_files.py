"""Reading a wording file the way its checks need it."""

from __future__ import annotations

import tomllib
from pathlib import Path


def flat_names(path: Path) -> set[str]:
    """Every entry's full name (group.name) in a TOML wording file."""

    def walk(data: dict, prefix: str = "") -> set[str]:
        names: set[str] = set()
        for key, value in data.items():
            names |= walk(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}"}
        return names

    return walk(tomllib.loads(path.read_text(encoding="utf-8")))
