"""The library's error types. Each is raised where the problem is found and shown to a user as one line."""

from __future__ import annotations


class QuizgenError(Exception):
    """Base of every error quizgen raises on purpose; the CLI turns it into one line, never a traceback."""


class ParseError(QuizgenError):
    """One input file cannot be used. Its message is `path: problem` or `path:line: problem`."""

    def __init__(self, path: str, problem: str, line: int | None = None):
        self.path = path
        self.problem = problem
        self.line = line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")


class OutputError(QuizgenError):
    """The output cannot be written (unknown format, unwritable folder, ...)."""
