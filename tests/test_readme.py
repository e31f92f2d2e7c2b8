"""The README's tables say what the code does: options, settings, header aliases, exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import click

from jlpt_batch.cli import main
from jlpt_batch.errors import JlptBatchError
from jlpt_batch.reading.headers import HEADER_ALIASES, canonical_column
from jlpt_batch.settings import FILE_KEYS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def table_after(heading: str) -> list[list[str]]:
    """The cells of the first table after a line that starts with ``heading``."""
    lines = README[README.index(heading) :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def test_the_options_table_lists_every_option_of_run_and_its_settings_key():
    rows = table_after("`jlpt-batch run --help` lists every option")
    documented = {name for row in rows for name in re.findall(r"`(--[a-z-]+)", row[0])}
    command = main.commands["run"]
    actual = {name for param in command.params if isinstance(param, click.Option) for name in param.opts}
    actual |= {name for param in command.params if isinstance(param, click.Option) for name in param.secondary_opts}
    assert documented == actual - {"--help"}
    in_file = {row[2].strip("`") for row in rows if row[2]}
    assert in_file == set(FILE_KEYS)


def test_known_settings_are_the_ones_the_settings_file_accepts():
    line = README[README.index("Known settings:") :].split(".")[0]
    assert set(re.findall(r"`([a-z_]+)`", line)) == set(FILE_KEYS)


def test_every_header_alias_in_the_table_is_recognised_and_every_column_is_listed():
    rows = table_after("| column | accepted headers (any of) | |")
    listed = set()
    for row in rows:
        keys = re.findall(r"`([a-z_]+)`", row[0])
        listed.update(keys)
        for alias in row[1].split(", "):
            assert canonical_column(alias) in keys, f"{alias!r} is not recognised as any of {keys}"
    assert listed == set(HEADER_ALIASES)


def test_exit_codes_are_the_errors_codes():
    rows = table_after("### Exit codes")
    documented = {int(row[0]) for row in rows}
    raised = {cls.exit_code for cls in _subclasses(JlptBatchError)}
    assert raised <= documented
    assert documented - raised == {0, 3}  # a finished run: every row judged, or some rejected


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))
