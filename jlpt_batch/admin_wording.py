"""What the administrator reads, as data: ``templates/admin/<lang>.toml``.

The column labels, the outcome and count words of the terminal, the workbook and
the teachers' covers come from here, so each is written once per language. Entries
that state a rule fact (a section's range) take it as a placeholder filled from the
rules, never written into the wording.
"""

from __future__ import annotations

from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from jlpt_batch.contract import COLUMNS, Count, Outcome
from jlpt_batch.rules import SECTION_KEYS, load_rules
from jlpt_batch.wording import Catalog, EntrySpec, Fields, Wording, fields, load_wording

_NONE = fields()
_SCALED = frozenset({*SECTION_KEYS, "total"})  # columns whose label states their range


def _column_fields(key: str) -> Fields:
    return fields("maximum") if key in _SCALED else _NONE


# Every entry of an administrator's wording file and the placeholders it may use.
ENTRIES: dict[str, Fields] = {
    **{column.label_key: _column_fields(column.key) for column in COLUMNS},
    **{outcome.label_key: _NONE for outcome in Outcome},
    **{count.label_key: _NONE for count in Count},
    "classes.none": _NONE,
    "estimates.column": fields("label"),
}

SPEC = EntrySpec("admin", "admin", ENTRIES)


@cache
def admin_wording(templates_dir: Path | Traversable | None = None) -> Wording:
    """The administrator's wording of every language (from ``templates_dir/admin`` when it has one)."""
    return load_wording(SPEC, templates_dir)


def column_label(catalog: Catalog, key: str, *, mock: bool = False) -> str:
    """A column's label, with its range filled in from the rules where the label states one.

    On a mock, whose scores are estimates and not JLPT scaled scores, a score column says so.
    """
    if key not in _SCALED:
        return catalog.text(f"columns.{key}")
    rules = load_rules()
    maximum = rules.total_max if key == "total" else rules.section_maximum(key)
    label = catalog.text(f"columns.{key}", maximum=maximum)
    return catalog.text("estimates.column", label=label) if mock else label
