"""The history of exams: an embedded SQLite store of every judged row, and each student's progress.

``store`` keeps the file (schema, version, locking, queries); ``progress`` compares each
student with their earlier exams for the outputs; ``run_step`` is what a run does with
them: look up before the outputs, record after them.
"""
