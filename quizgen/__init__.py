"""quizgen: folders of Q&A documents -> flashcards (Anki decks, JSON) and a self-test with spaced repetition.

    import quizgen
    report = quizgen.build(["seeds/"], "decks/med.apkg")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import OutputError, ParseError, QuizgenError
from .generator import Options, generate
from .model import Block, Card, Document, Inline, Section, Step
from .parser import parse, read_file
from .pipeline import BuildOptions, Report, build, check, load_cards

__all__ = [
    "Block", "BuildOptions", "Card", "Document", "Inline", "Options", "OutputError", "ParseError",
    "QuizgenError", "Report", "Section", "Step", "build", "check", "generate", "load_cards", "parse", "read_file",
]
