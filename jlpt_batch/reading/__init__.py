"""Reading: a school's spreadsheet file into typed, validated rows (rejections kept as data)."""

from jlpt_batch.reading.table import RawTable, read_table

__all__ = ["RawTable", "read_table"]
