"""`python -m jlpt_batch` runs the command line."""

from .cli import main

main()
