"""The defaults and choices the command line shows before it runs anything: kept apart from the modules
that use them, so that `quizgen --help` starts without loading the parser, the generator or genanki.
Those modules take them from here (the generator keeps its own DEFAULT_BASE_URL; a test holds the two
equal)."""

from __future__ import annotations

CARD_KINDS = ("qa", "cloze", "sequence", "mcq")
"""Every card kind. What each asks is in the README; what fact it comes from is in `Card.extra['fact']`."""

DEFAULT_KINDS = ("qa", "cloze", "sequence")
"""What `quizgen build` makes unless `--cards` says otherwise (mcq is for JSON and the self-test)."""

MAX_SIZE = 1_000_000
"""Default size limit in bytes: real documents are 3-15 kB, so 1 MB is far past any of them."""

FORMATS = ("auto", "quicktakes", "markdown")
"""What --format accepts: auto tells the two apart per file."""

DECK_FROM = ("subject", "folder", "none")
"""What --deck-from accepts: a document's subject (or a note's `deck`), its subfolder, or the root deck only."""

DEFAULT_DECK = "QuickTakes"
"""The root deck: decks are <root>::<Subject>."""

DEFAULT_BASE_URL = "https://www.quicktakes.io"
"""The site that relative `url` fields belong to."""
