"""jlpt-batch: judge a cohort's JLPT scores by the official rules and report on them.

The library needs no command line: ``run(settings)`` does a whole run and returns a
``Report``; ``load_cohort(settings)`` reads, validates and judges without writing.
The names below are imported when first used, so that ``python -m jlpt_batch`` can
install its signal handler before polars is loaded.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_PUBLIC = {
    "COLUMNS": "jlpt_batch.contract",
    "CohortRun": "jlpt_batch.contract",
    "Count": "jlpt_batch.contract",
    "Outcome": "jlpt_batch.contract",
    "JlptBatchError": "jlpt_batch.errors",
    "Exam": "jlpt_batch.exams",
    "Sitting": "jlpt_batch.exams",
    "Report": "jlpt_batch.pipeline",
    "load_cohort": "jlpt_batch.pipeline",
    "run": "jlpt_batch.pipeline",
    "Settings": "jlpt_batch.settings",
}

__all__ = [  # the names of _PUBLIC, and the version
    "COLUMNS",
    "CohortRun",
    "Count",
    "Exam",
    "JlptBatchError",
    "Outcome",
    "Report",
    "Settings",
    "Sitting",
    "__version__",
    "load_cohort",
    "run",
]

if TYPE_CHECKING:
    from jlpt_batch.contract import COLUMNS, CohortRun, Count, Outcome
    from jlpt_batch.errors import JlptBatchError
    from jlpt_batch.exams import Exam, Sitting
    from jlpt_batch.pipeline import Report, load_cohort, run
    from jlpt_batch.settings import Settings


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        return getattr(import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'jlpt_batch' has no attribute {name!r}")
