"""Judging: the official rules applied to every validated row at once."""
