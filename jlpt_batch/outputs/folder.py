"""The output folder: built in a hidden folder beside it and moved into place only when complete.

An interrupted or failed run leaves no half-written folder, and an earlier output stays
as it was until the new one is whole. A marker file says a folder is ours to replace.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jlpt_batch.errors import OutputExistsError, OutputNotWrittenError
from jlpt_batch.settings import Settings

# Left in every output folder so a re-run knows the folder is ours to replace.
OUTPUT_MARKER = ".jlpt-batch-output"


def check_output_folder(settings: Settings) -> None:
    out = settings.out_dir
    if out.exists() and not settings.force and not (out / OUTPUT_MARKER).exists():
        raise OutputExistsError(
            f"output folder {out} exists and was not written by jlpt-batch; "
            "choose another --out, or give --force to replace it"
        )
    if settings.input_path.resolve().is_relative_to(out.resolve()):
        raise OutputExistsError(f"the input file is inside the output folder {out}; choose another --out")


@contextmanager
def staging_folder(out_dir: Path) -> Iterator[Path]:
    """A fresh folder beside the output, removed whatever happens (even on Ctrl-C)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def replace_folder(staging: Path, out_dir: Path) -> None:
    """Swap the finished folder into place; an earlier output is removed only after that."""
    retired = out_dir.parent / f".{out_dir.name}.old-{os.getpid()}"
    if out_dir.exists():
        out_dir.rename(retired)
    staging.rename(out_dir)
    shutil.rmtree(retired, ignore_errors=True)


def mark_as_ours(folder: Path) -> None:
    (folder / OUTPUT_MARKER).write_text("written by jlpt-batch; this folder is replaced on the next run\n")


# What to do about the operating system's reasons for refusing a write.
_ADVICE = {
    errno.ENOSPC: "free some disk space, or choose another --out on a disk with room",
    errno.EDQUOT: "free some space in your quota, or choose another --out",
    errno.EROFS: "that disk is read-only: choose another --out",
    errno.EACCES: "you may not write there: choose another --out",
    errno.EPERM: "you may not write there: choose another --out",
    errno.ENAMETOOLONG: "a file name is too long for that disk: choose a shorter --out path",
    errno.ENOTDIR: "part of the --out path is a file, not a folder: choose another --out",
}


@contextmanager
def output_errors(out_dir: Path) -> Iterator[None]:
    """Report the system refusing a write as what it is, with what to do; the earlier output stays intact."""
    try:
        yield
    except OSError as error:
        advice = _ADVICE.get(error.errno or 0, "check the disk and the --out folder, then run again")
        where = f" ({error.filename})" if error.filename else ""
        reason = error.strerror or str(error)
        raise OutputNotWrittenError(
            f"the output folder {out_dir} could not be written: {reason}{where}; {advice}. "
            "Any earlier output folder is as it was"
        ) from None
