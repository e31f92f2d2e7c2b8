"""Mock exams marked from answer sheets: the answer key, marking, estimates and the item analysis.

Between validation and judging (see docs/architecture.md): ``load_key`` reads the key and
checks it against the responses' header before any work; ``mark`` turns each student's
answers into the section scores and counts the judge needs; ``analyse`` says how each
question and section behaved.
"""

from jlpt_batch.marking.analysis import MockAnalysis, analyse
from jlpt_batch.marking.key import AnswerKey, load_key
from jlpt_batch.marking.mark import Marked, mark

__all__ = ["AnswerKey", "Marked", "MockAnalysis", "analyse", "load_key", "mark"]
