"""Reading: a school's spreadsheet file into typed, validated rows (rejections kept as data)."""

from jlpt_batch.reading.formats import read_table
from jlpt_batch.reading.table import RawTable

__all__ = ["RawTable", "read_table"]
