"""quizgen: folders of Q&A documents -> flashcards (Anki decks, JSON) and a self-test with spaced repetition.

    import quizgen
    report = quizgen.build(["seeds/"], "decks/med.apkg")
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "OutputError": "errors", "ParseError": "errors", "QuizgenError": "errors",
    "Options": "generator", "generate": "generator",
    "Block": "model", "Card": "model", "Document": "model", "Inline": "model", "Section": "model", "Step": "model",
    "parse": "parser", "read_file": "parser", "parse_documents": "parser", "read_documents": "parser",
    "BuildOptions": "pipeline", "Report": "pipeline", "build": "pipeline", "check": "pipeline",
    "load_cards": "pipeline",
}
"""The public API and the module each name lives in."""

__all__ = sorted(_API)


def __getattr__(name: str):
    """The public API (and submodules), imported on first use, so that starting the command line loads
    only what it runs and a Ctrl-C at start-up meets our own handler rather than an import."""
    if name in _API:
        value = getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    else:
        try:
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value
