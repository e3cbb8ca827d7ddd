"""Spaced-repetition study of quizgen cards in the terminal: grading, the FSRS progress store, sessions."""

from quizgen.quiz.grading import Grade, grade, grade_choice
from quizgen.quiz.session import Summary, run
from quizgen.quiz.store import CardState, Stats, Store, StoreError

__all__ = ["CardState", "Grade", "Stats", "Store", "StoreError", "Summary", "grade", "grade_choice", "run"]
