"""The output folder as a user names it, and what a run leaves behind when it is killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from cohort_files import ENGLISH_HEADER, write_csv
from test_interrupt import SAMPLE, alive, children_of, command, wait_for_sheets

from jlpt_batch.cli import main
from jlpt_batch.outputs.folder import OUTPUT_MARKER, STAGING_MARKER, remove_abandoned

ROWS = [ENGLISH_HEADER, ["00123", "A", "1A", "N3", "40", "40", "", "40"]]
FAST = ("--no-sheets", "--as-of", "2026-11-23")


def invoke(*args: object, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, [str(arg) for arg in args])
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, [str(arg) for arg in args])
    finally:
        os.chdir(previous)


def one_line_error(result, exit_code: int, text: str) -> None:
    assert result.exit_code == exit_code, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert text in result.output and "Traceback" not in result.output


def test_out_as_the_current_folder_is_refused_in_one_line(tmp_path):
    source = write_csv(tmp_path / "cohort.csv", ROWS)
    result = invoke("run", source, "--out", ".", *FAST, cwd=tmp_path)
    one_line_error(result, 2, "--out . is the current folder (or holds it)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort.csv"]


def test_a_dangling_link_as_out_is_refused_in_one_line(tmp_path):
    source = write_csv(tmp_path / "cohort.csv", ROWS)
    (tmp_path / "out").symlink_to(tmp_path / "nowhere")
    result = invoke("run", source, "--out", tmp_path / "out", *FAST)
    one_line_error(result, 2, f"is a link to {tmp_path / 'nowhere'}, which does not exist; give a folder")


def test_a_file_as_out_is_refused_in_one_line(tmp_path):
    source = write_csv(tmp_path / "cohort.csv", ROWS)
    (tmp_path / "out").write_text("notes")
    result = invoke("run", source, "--out", tmp_path / "out", *FAST)
    one_line_error(result, 2, "is a file, not a folder")


def test_an_existing_empty_folder_is_accepted(tmp_path):
    source = write_csv(tmp_path / "cohort.csv", ROWS)
    (tmp_path / "out").mkdir()
    result = invoke("run", source, "--out", tmp_path / "out", *FAST)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "results.csv").exists() and (tmp_path / "out" / OUTPUT_MARKER).exists()


def test_a_folder_with_someone_elses_files_is_still_refused(tmp_path):
    source = write_csv(tmp_path / "cohort.csv", ROWS)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "thesis.docx").write_bytes(b"mine")
    result = invoke("run", source, "--out", tmp_path / "out", *FAST)
    one_line_error(result, 2, "exists and was not written by jlpt-batch")
    assert (tmp_path / "out" / "thesis.docx").read_bytes() == b"mine"


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB file system of its own (needs root to mount; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a small tmpfs needs root (run the tests as root, as CI does)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_said_before_the_long_work(tmp_path, small_disk):
    source = write_csv(tmp_path / "cohort.csv", ROWS)
    result = invoke("run", source, "--out", small_disk / "out", "--as-of", "2026-11-23")
    one_line_error(result, 4, "MB free, and the outputs of 1 row need about 20 MB")
    assert list(small_disk.iterdir()) == []


def test_a_read_only_disk_is_said_before_the_long_work(tmp_path, small_disk):
    source = write_csv(tmp_path / "cohort.csv", ROWS)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = invoke("run", source, "--out", small_disk / "out", *FAST)
    one_line_error(result, 4, "that disk is read-only: choose another --out")


# ---------------------------------------------------------------- file names


def test_long_cjk_ids_and_odd_class_names_make_safe_unique_file_names(tmp_path):
    long_id = "受" * 90  # 270 bytes in UTF-8: over the 255 a file name may take
    classes = [".", "..", "-rf", "組" * 100, "組" * 100, "a/b"]
    rows = [ENGLISH_HEADER] + [[f"{long_id}{i}", f"Name {i}", cls, "N3", "40", "40", "", "40"]
                               for i, cls in enumerate(classes)]  # fmt: skip
    source = write_csv(tmp_path / "cohort.csv", rows)
    result = invoke("run", source, "--out", tmp_path / "out", "--jobs", "1", "--no-workbook", "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    sheets = sorted(p.name for p in (tmp_path / "out" / "sheets").iterdir())
    bundles = sorted(p.name for p in (tmp_path / "out" / "print").iterdir())
    assert len(sheets) == 6 and len(bundles) == 5  # the two classes of 100 组 are one class
    for name in sheets + bundles:
        assert len(name.encode("utf-8")) <= 255 and not name.startswith(("-", "."))
    assert "_rf.pdf" in bundles and "a_b.pdf" in bundles
    assert sum(name.startswith("no-class") for name in bundles) == 2  # '.' and '..' have no usable name


# ---------------------------------------------------------------- a run killed outright


@pytest.mark.skipif(not SAMPLE.exists(), reason="needs the sample cohort")
def test_after_a_hard_kill_workers_end_and_the_next_run_clears_what_was_left(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(command(out, "--jobs", "2"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_sheets(tmp_path, process)
    workers = children_of(process.pid)
    assert workers, "the run started no worker processes"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "worker processes outlived their killed parent"
    left = list(tmp_path.glob(".out.partial-*"))
    assert len(left) == 1 and (left[0] / STAGING_MARKER).exists()  # a kill leaves it: nothing could run
    done = subprocess.run(command(out, "--no-sheets"), capture_output=True, text=True, timeout=120)
    assert done.returncode == 3, done.stderr
    # Nothing left of the killed run; the finished run recorded its exam in the store beside ``out``.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jlpt-batch.db", "out"]


def test_only_folders_provably_ours_and_dead_are_removed(tmp_path):
    out = tmp_path / "out"
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(finished.stdout)
    ours_dead = tmp_path / f".out.partial-{dead}"
    ours_dead.mkdir()
    (ours_dead / STAGING_MARKER).write_text(f'{{"pid": {dead}, "started": "1", "boot": null}}')
    alive_here = tmp_path / f".out.partial-{os.getppid()}"  # a process that runs: our test runner's parent
    alive_here.mkdir()
    (alive_here / STAGING_MARKER).write_text(f'{{"pid": {os.getppid()}, "started": null, "boot": null}}')
    not_ours = tmp_path / f".out.partial-{dead + 1}"
    not_ours.mkdir()
    (not_ours / "notes.txt").write_text("someone else's folder with a look-alike name")
    assert remove_abandoned(out) == [ours_dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive_here.name, not_ours.name])


@pytest.mark.skipif(not SAMPLE.exists(), reason="needs the sample cohort")
def test_ctrl_c_while_the_workers_start_prints_no_traceback(tmp_path):
    """The terminal sends Ctrl-C to every process of the run, workers still starting up included."""
    process = subprocess.Popen(command(tmp_path / "out", "--jobs", "2"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while not children_of(process.pid) and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)
    workers = children_of(process.pid)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr == "Error: interrupted; nothing was written and earlier outputs are intact\n"
    time.sleep(0.5)
    assert not [pid for pid in workers if alive(pid)]
    assert list(tmp_path.iterdir()) == []


def test_an_out_folder_under_a_file_says_to_choose_a_folder(tmp_path):
    (tmp_path / "afile").write_text("", encoding="utf-8")
    source = write_csv(tmp_path / "c.csv", [ENGLISH_HEADER, ["001", "Ana", "1A", "N3", "40", "40", "", "40"]])
    result = CliRunner().invoke(main, ["run", str(source), "--out", str(tmp_path / "afile" / "x"), "--no-history"])
    assert result.exit_code == 4, result.output
    assert (
        "afile" in result.output
        and "part of the --out path is a file, not a folder: choose another --out" in result.output
    )
