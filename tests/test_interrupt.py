"""Ctrl-C or SIGTERM during a real run: it stops, workers end, nothing half-written is left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from cohort_files import ENGLISH_HEADER, write_csv

from jlpt_batch import errors, pipeline
from jlpt_batch.cli import main

SAMPLE = Path(__file__).parent.parent / "samples" / "cohort.xlsx"
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="needs the sample cohort")


def command(out: Path, *extra: str, source: Path = SAMPLE) -> list[str]:
    """The sample's run, with its history store beside the output folder (not beside the sample)."""
    store = out.parent / "jlpt-batch.db"
    return [sys.executable, "-m", "jlpt_batch", "run", str(source), "--out", str(out), "--as-of", "2026-11-23",
            "--history", str(store), *extra]  # fmt: skip


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for_sheets(staging_parent: Path, process: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until the run is rendering: its hidden folder holds some sheets."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(staging_parent.glob(".out.partial-*/sheets/*.pdf")):
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    pytest.fail("the run never started rendering sheets")


@pytest.fixture
def earlier_output(tmp_path) -> dict[str, bytes]:
    """The outputs of an earlier run, which also recorded its exam in the history store (from the sample's
    CSV: the same file could not be recorded as the next exam, which the runs interrupted here are)."""
    out = tmp_path / "out"
    subprocess.run(command(out, "--no-sheets", source=SAMPLE.with_name("cohort-cp932.csv")), check=False,
                   capture_output=True)  # fmt: skip
    assert (tmp_path / "jlpt-batch.db").exists()
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}


# The interrupted run is of another exam: had it been recorded, the store would have changed.
NEXT_EXAM = ("--mock-date", "2026-10-04", "--jobs", "2")


def start_rendering(tmp_path: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        command(tmp_path / "out", *NEXT_EXAM),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    wait_for_sheets(tmp_path, process)
    return process


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_signal_during_rendering_stops_cleanly(tmp_path, earlier_output, how):
    assert "results.csv" in earlier_output
    store = (tmp_path / "jlpt-batch.db").read_bytes()
    process = start_rendering(tmp_path)
    workers = children_of(process.pid)
    if how == "SIGTERM":
        process.send_signal(signal.SIGTERM)
    else:  # a terminal sends SIGINT to the whole foreground process group
        os.killpg(process.pid, signal.SIGINT)
    started = time.monotonic()
    _, stderr = process.communicate(timeout=30)
    assert time.monotonic() - started < 15
    assert process.returncode == 130
    assert "Error: interrupted; nothing was written and earlier outputs are intact" in stderr
    assert "Traceback" not in stderr
    time.sleep(0.5)
    assert not [pid for pid in workers if alive(pid)], "worker processes outlived the run"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jlpt-batch.db", "out"]  # no hidden partial folder
    out = tmp_path / "out"
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == earlier_output
    assert not (out / "sheets").exists()
    assert (tmp_path / "jlpt-batch.db").read_bytes() == store


def test_a_run_killed_during_rendering_leaves_the_history_store_as_it_was(tmp_path, earlier_output):
    store = (tmp_path / "jlpt-batch.db").read_bytes()
    process = start_rendering(tmp_path)
    os.killpg(process.pid, signal.SIGKILL)  # no clean-up of any kind can run
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert (tmp_path / "jlpt-batch.db").read_bytes() == store
    assert not list(tmp_path.glob("jlpt-batch.db-*")), "a journal was left: the store was being written"
    out = tmp_path / "out"
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == earlier_output


def large_csv(folder: Path, rows: int = 1_000_000) -> Path:
    """A cohort big enough that reading and judging it takes about a second."""
    import polars as pl

    folder.mkdir()
    index = pl.int_range(rows, eager=True)
    frame = pl.DataFrame(
        {
            "受験番号": "C" + index.cast(pl.String),
            "氏名": "Student",
            "クラス": "1A",
            "レベル": "N3",
            "言語知識": 30 + index % 30,
            "読解": 30 + index % 29,
            "聴解": 30 + index % 28,
        }
    )
    path = folder / "large.csv"
    frame.write_csv(path)
    return path


def wait_until_read(process: subprocess.Popen, size: int, timeout: float = 60) -> None:
    """Wait until the run has read the file's bytes: it is now parsing, checking or judging them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        io = Path(f"/proc/{process.pid}/io").read_text()
        if int(io.split("rchar:")[1].split()[0]) >= size:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)
    pytest.fail("the run never read its input")


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_signal_while_reading_and_judging_stops_cleanly(tmp_path, earlier_output, how):
    source = large_csv(tmp_path / "input")
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "jlpt_batch", "run", str(source), "--out", str(out), "--no-sheets"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    wait_until_read(process, source.stat().st_size)
    assert process.poll() is None, "the run finished before it could be interrupted"
    assert not list(tmp_path.glob(".out.partial-*")), "the run was already writing"
    if how == "SIGTERM":
        process.send_signal(signal.SIGTERM)
    else:
        os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Error: interrupted" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["input", "jlpt-batch.db", "out"]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == earlier_output


def test_an_interrupt_a_library_turned_into_its_own_error_still_ends_as_interrupted(tmp_path, monkeypatch):
    """Ctrl-C landing while polars converts its arguments comes back as a TypeError; the run
    must still say it was interrupted (exit 130), not that it crashed (exit 5)."""
    monkeypatch.setattr(errors, "_SIGNALLED", set())

    def read_as_polars_does(*_: object, **__: object) -> None:
        try:
            errors.raise_keyboard_interrupt(signal.SIGINT, None)
        except KeyboardInterrupt:
            raise TypeError("'<unprintable str object>' is not a Polars data type") from None

    monkeypatch.setattr(pipeline, "read_table", read_as_polars_does)
    source = write_csv(tmp_path / "c.csv", [ENGLISH_HEADER, ["001", "Ana", "1A", "N3", "40", "40", "", "40"]])
    result = CliRunner().invoke(main, ["run", str(source), "--out", str(tmp_path / "out"), "--no-sheets"])
    assert result.exit_code == 130, result.output
    assert result.output == "Error: interrupted; nothing was written and earlier outputs are intact\n"
    assert not (tmp_path / "out").exists()


class RaisesWhenCollected:
    """An object whose finaliser raises: Python cannot pass that on, and calls sys.unraisablehook."""

    def __init__(self, raise_it: Callable[[], None]) -> None:
        self.raise_it = raise_it

    def __del__(self) -> None:
        self.raise_it()


def test_an_interrupt_a_library_swallowed_still_stops_the_run(tmp_path, monkeypatch):
    """An interrupt raised where Python cannot pass it on is only printed by Python ("Exception
    ignored in ...", a traceback) and the call goes on: the run must stop all the same, quietly."""
    monkeypatch.setattr(errors, "_SIGNALLED", set())
    read = pipeline.read_table

    def read_then_swallow(*args: object, **kwargs: object) -> object:
        RaisesWhenCollected(lambda: errors.raise_keyboard_interrupt(signal.SIGTERM, None))
        return read(*args, **kwargs)

    monkeypatch.setattr(pipeline, "read_table", read_then_swallow)
    source = write_csv(tmp_path / "c.csv", [ENGLISH_HEADER, ["001", "Ana", "1A", "N3", "40", "40", "", "40"]])
    result = CliRunner().invoke(main, ["run", str(source), "--out", str(tmp_path / "out"), "--no-sheets"])
    assert result.exit_code == 130, result.output
    assert result.output == "Error: interrupted; nothing was written and earlier outputs are intact\n"
    assert not (tmp_path / "out").exists()


def test_only_an_interrupt_is_kept_off_the_terminal(capsys, monkeypatch):
    monkeypatch.setattr(sys, "unraisablehook", errors.quiet_interrupts)

    def interrupt() -> None:
        raise KeyboardInterrupt

    def fail() -> None:
        raise ValueError("something else")

    RaisesWhenCollected(interrupt)
    assert capsys.readouterr().err == ""
    RaisesWhenCollected(fail)
    assert "ValueError: something else" in capsys.readouterr().err
