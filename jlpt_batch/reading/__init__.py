"""Reading: a school's spreadsheet file into typed, validated rows (rejections kept as data)."""

from jlpt_batch.reading.formats import read_table
from jlpt_batch.reading.table import CANDIDATE_HEADER, HeaderMarker, RawTable

__all__ = ["CANDIDATE_HEADER", "HeaderMarker", "RawTable", "read_table"]
