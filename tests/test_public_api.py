"""The library's public names: importable from the package, without the command line."""

from __future__ import annotations

import subprocess
import sys

import jlpt_batch


def test_every_public_name_resolves():
    assert set(jlpt_batch.__all__) == {*jlpt_batch._PUBLIC, "__version__"}
    for name in jlpt_batch.__all__:
        assert getattr(jlpt_batch, name) is not None


def test_importing_the_package_loads_neither_polars_nor_click():
    code = "import sys, jlpt_batch; print('polars' in sys.modules, 'click' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_the_library_runs_without_click(tmp_path):
    code = (
        "import sys; from pathlib import Path; import jlpt_batch\n"
        "path = Path(sys.argv[1])\n"
        "path.write_text('ID,Level,Language Knowledge,Reading,Listening\\n1,N3,40,40,40\\n')\n"
        "skip = frozenset({'sheets', 'workbook'})\n"
        "report = jlpt_batch.run(jlpt_batch.Settings(path, path.parent / 'out', skip=skip))\n"
        "print(report.exit_code, 'click' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "c.csv")], capture_output=True, text=True)
    assert result.stdout.split() == ["0", "False"], result.stderr
