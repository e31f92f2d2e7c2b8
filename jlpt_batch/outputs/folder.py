"""The output folder: built in a hidden folder beside it and moved into place only when complete.

An interrupted or failed run leaves no half-written folder, and an earlier output stays
as it was until the new one is whole. A marker file says a folder is ours to replace.
A run killed outright (SIGKILL, power loss) cannot clean up after itself; its hidden
folder carries a note of the process that made it, and the next run beside it removes
it once that process is provably gone.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jlpt_batch.errors import OutputExistsError, OutputNotWrittenError, UsageError
from jlpt_batch.messages import counted, message
from jlpt_batch.settings import Settings

# Left in every output folder so a re-run knows the folder is ours to replace.
OUTPUT_MARKER = ".jlpt-batch-output"
# Left in every staging folder: which process made it, so a later run can tell it is abandoned.
STAGING_MARKER = ".jlpt-batch-staging"
# Room the outputs take, with a margin (measured: a sheet about 43 KB, its bundle page 8 KB, a row of
# results.csv and of the workbook a few hundred bytes): a disk with less free space is said before
# the long work starts.
BYTES_PER_ROW = 1_000
BYTES_PER_SHEET = 80_000
BYTES_AT_LEAST = 20_000_000


def check_output_folder(settings: Settings) -> None:
    """Refuse an --out that cannot become the output folder, before anything is read or written."""
    out = settings.out_dir
    _check_out_path(out)
    if out.exists() and not settings.force and not _is_ours(out):
        raise OutputExistsError("errors.output_not_ours", folder=str(out))
    if settings.input_path.resolve().is_relative_to(out.resolve()):
        raise OutputExistsError("errors.input_inside_output", folder=str(out))


def _check_out_path(out: Path) -> None:
    if out.is_symlink() and not out.exists():
        raise UsageError("errors.out_dangling_link", folder=str(out), target=os.readlink(out))
    if out.exists() and not out.is_dir():
        raise UsageError("errors.out_is_a_file", folder=str(out))
    if Path.cwd().resolve().is_relative_to(out.resolve()):
        raise UsageError("errors.out_is_current", folder=str(out))


def _is_ours(out: Path) -> bool:
    """A folder jlpt-batch wrote, or an empty one (nothing in it to lose)."""
    return (out / OUTPUT_MARKER).exists() or (out.is_dir() and not any(out.iterdir()))


def check_room(out_dir: Path, rows: int, sheets: int) -> None:
    """Before the long work: the folder beside the output can be written, and its disk has room
    for ``rows`` rows of results and ``sheets`` feedback sheets."""
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=parent):
        pass  # an OSError here says read-only or not allowed, as a write would later
    free = shutil.disk_usage(parent).free
    needed = max(BYTES_AT_LEAST, rows * BYTES_PER_ROW + sheets * BYTES_PER_SHEET)
    if free < needed:
        megabytes = {"free": round(free / 1e6), "needed": round(needed / 1e6)}  # whole numbers, grouped as worded
        raise OutputNotWrittenError("errors.no_room", folder=str(out_dir), rows=counted("row", rows), **megabytes)


def _staging_name(out_dir: Path, kind: str, pid: int) -> Path:
    return out_dir.parent / f".{out_dir.name}.{kind}-{pid}"


@contextmanager
def staging_folder(out_dir: Path) -> Iterator[Path]:
    """A fresh folder beside the output, removed whatever happens (even on Ctrl-C)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(out_dir)
    staging = _staging_name(out_dir, "partial", os.getpid())
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    (staging / STAGING_MARKER).write_text(json.dumps(_this_process()), encoding="utf-8")
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def replace_folder(staging: Path, out_dir: Path) -> None:
    """Swap the finished folder into place; an earlier output is removed only after that."""
    (staging / STAGING_MARKER).unlink(missing_ok=True)
    retired = _staging_name(out_dir, "old", os.getpid())
    if out_dir.exists():
        out_dir.rename(retired)
    staging.rename(out_dir)
    shutil.rmtree(retired, ignore_errors=True)


def mark_as_ours(folder: Path) -> None:
    """Leave the marker that lets a later run replace this folder."""
    (folder / OUTPUT_MARKER).write_text("written by jlpt-batch; this folder is replaced on the next run\n")


# ---------------------------------------------------------------- folders a killed run left behind


def _this_process() -> dict[str, object]:
    return {"pid": os.getpid(), "started": _start_time(os.getpid()), "boot": _boot_id()}


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def _start_time(pid: int) -> str | None:
    """When a process started (clock ticks since boot, Linux), to tell it from a later one with its id."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _is_abandoned(noted: dict[str, object]) -> bool:
    """Whether the process that made a folder is gone: the machine restarted, or no such process
    runs now, or one runs under its id but started at another time."""
    pid = noted.get("pid")
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    if noted.get("boot") is not None and noted.get("boot") != _boot_id():
        return True
    if not _is_running(pid):
        return True
    started = _start_time(pid)
    return started is not None and noted.get("started") is not None and started != noted.get("started")


def _noted_process(folder: Path) -> dict[str, object] | None:
    try:
        noted = json.loads((folder / STAGING_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return noted if isinstance(noted, dict) else None


def remove_abandoned(out_dir: Path) -> list[Path]:
    """Remove hidden folders beside the output that a killed run left: those holding our staging
    note (or, for a retired output, our output marker) whose process is provably gone."""
    removed = []
    for kind in ("partial", "old"):
        for folder in out_dir.parent.glob(f".{out_dir.name}.{kind}-*"):
            suffix = folder.name.rsplit("-", 1)[-1]
            if not folder.is_dir() or folder.is_symlink() or not suffix.isdigit():
                continue
            noted = _noted_process(folder)
            if noted is None and kind == "old" and (folder / OUTPUT_MARKER).exists():
                noted = {"pid": int(suffix)}  # a retired output: ours by its marker, its run by the name
            if noted is not None and noted.get("pid") == int(suffix) and _is_abandoned(noted):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


# What to do about the operating system's reasons for refusing a write.
_ADVICE = {
    errno.ENOSPC: "errors.advice_no_space",
    errno.EDQUOT: "errors.advice_quota",
    errno.EROFS: "errors.advice_read_only",
    errno.EACCES: "errors.advice_no_permission",
    errno.EPERM: "errors.advice_no_permission",
    errno.ENAMETOOLONG: "errors.advice_name_too_long",
    errno.ENOTDIR: "errors.advice_not_a_folder",
    errno.EEXIST: "errors.advice_not_a_folder",  # a folder to make where a file already is: --out under a file
}


@contextmanager
def output_errors(out_dir: Path) -> Iterator[None]:
    """Report the system refusing a write as what it is, with what to do; the earlier output stays intact."""
    try:
        yield
    except OSError as error:
        advice = message(_ADVICE.get(error.errno or 0, "errors.advice_other"))
        where = f" ({error.filename})" if error.filename else ""
        reason = error.strerror or str(error)
        raise OutputNotWrittenError(
            "errors.not_written", folder=str(out_dir), reason=reason, where=where, advice=advice
        ) from None
