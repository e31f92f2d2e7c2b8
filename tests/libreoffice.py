"""Printing a workbook as an office would: LibreOffice headless to PDF, then the text of each page.

Robust against what trips LibreOffice up in tests: a fresh user profile (and HOME) per
conversion, so a second soffice never hands its file to a first one and exits 0 with
nothing written; its own process group, killed whole on timeout (soffice.bin is a
child); and the PDF checked to exist, since soffice exits 0 even when it failed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest

INSTALL = "apt-get install libreoffice-calc-nogui fonts-crosextra-carlito fonts-noto-cjk poppler-utils"


def require_libreoffice() -> None:
    """Skip the calling test module, saying how to install what it needs, when LibreOffice or poppler is missing."""
    for program in ("soffice", "pdftotext"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed; on Debian or Ubuntu: {INSTALL}", allow_module_level=True)


def to_pdf(source: Path, folder: Path, timeout: float = 300) -> Path:
    """``source`` printed to a PDF in ``folder`` by LibreOffice, as the workbook is saved."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError(f"LibreOffice is not installed: {INSTALL}")
    folder.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    command = [soffice, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
               f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", "pdf", "--outdir", str(folder), str(source)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "HOME": str(profile)}, start_new_session=True)  # fmt: skip
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = folder / f"{source.stem}.pdf"
    if process.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"soffice could not print {source} ({process.returncode}): {out!r} {err!r}")
    return pdf


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, laid out as printed, NFC-normalised."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [unicodedata.normalize("NFC", page) for page in text.split("\f")]
    return pages[:-1] if pages and not pages[-1].strip() else pages


def footer(page: str) -> str:
    """The last line printed on a page: the workbook's footer."""
    lines = [line for line in page.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def squeezed(text: str) -> str:
    """Text without any spacing, for finding a name however the columns were laid out."""
    return re.sub(r"\s+", "", text)
