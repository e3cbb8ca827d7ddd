"""Spaced-repetition study of quizgen cards in the terminal: grading, the FSRS progress store, sessions."""

from __future__ import annotations

import importlib

_API = {"Grade": "grading", "grade": "grading", "grade_choice": "grading", "Summary": "session", "run": "session",
        "CardState": "store", "Stats": "store", "Store": "store", "StoreError": "store"}
"""The public API and the module each name lives in: imported on first use, so that the command line,
which registers `quiz` and `stats` at start-up, loads FSRS and the grader only when they run."""

__all__ = sorted(_API)


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    globals()[name] = value
    return value
