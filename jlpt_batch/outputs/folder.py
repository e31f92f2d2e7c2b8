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
from jlpt_batch.messages import message
from jlpt_batch.settings import Settings

# Left in every output folder so a re-run knows the folder is ours to replace.
OUTPUT_MARKER = ".jlpt-batch-output"


def check_output_folder(settings: Settings) -> None:
    out = settings.out_dir
    if out.exists() and not settings.force and not (out / OUTPUT_MARKER).exists():
        raise OutputExistsError("errors.output_not_ours", folder=str(out))
    if settings.input_path.resolve().is_relative_to(out.resolve()):
        raise OutputExistsError("errors.input_inside_output", folder=str(out))


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
    errno.ENOSPC: "errors.advice_no_space",
    errno.EDQUOT: "errors.advice_quota",
    errno.EROFS: "errors.advice_read_only",
    errno.EACCES: "errors.advice_no_permission",
    errno.EPERM: "errors.advice_no_permission",
    errno.ENAMETOOLONG: "errors.advice_name_too_long",
    errno.ENOTDIR: "errors.advice_not_a_folder",
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
