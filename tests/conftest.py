"""What every test shares: it runs in a fresh empty folder, from the same locale, and leaves
nothing in the repository.

A run writes by default into the current folder (the output folder, and the history
store ``jlpt-batch.db``) or beside its settings file (``samples/jlpt-batch.toml``); tests
must never leave either in the checkout. The administrator's language defaults to the
locale's, whatever the machine's: a test that wants Japanese asks for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STORES_IN_THE_CHECKOUT = (ROOT / "jlpt-batch.db", ROOT / "samples" / "jlpt-batch.db")


@pytest.fixture(autouse=True)
def english_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture(autouse=True)
def in_a_fresh_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A current folder of its own (not the test's tmp_path, whose files are then never "in the current folder")."""
    already = {path for path in STORES_IN_THE_CHECKOUT if path.exists()}
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    yield
    left = [str(path) for path in STORES_IN_THE_CHECKOUT if path.exists() and path not in already]
    assert not left, f"the test left a history store in the checkout: {left}"
