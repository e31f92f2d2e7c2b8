"""jlpt-batch: judge a cohort's JLPT scores by the official rules and report on them."""

__version__ = "0.1.0"
