"""Text exporters: Anki's own text-import format (.txt / .tsv), which updates notes in place by GUID, and
a plain term,definition CSV (.csv) for Quizlet and similar tools.

Anki text import: tab-separated, with the header lines Anki reads (separator, HTML, and which columns
hold the GUID, note type, deck and tags). The notes are the .apkg's own (notes.py), so a deck imported
once as .apkg and later as .txt (or the reverse) is one set of notes. Anki finds note types by name:
the quizgen note types must already be in the collection (import any quizgen .apkg once).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from html.parser import HTMLParser

from ..errors import QuizgenError
from ..model import Card
from . import atomic_path
from .anki import DEFAULT_DECK, MODEL_NAMES, deck_name
from .notes import DOC_TAG, notes

HEADER = ("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:4\n")
"""Columns: GUID, note type, deck, tags, then the note type's fields in order."""


def _writer(out):
    return csv.writer(out, delimiter="\t", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def write(cards: Iterable[Card], path: str, *, root: str = DEFAULT_DECK, **_) -> int:
    """Write Anki's text-import file atomically; returns the number of notes."""
    count = 0
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        rows = _writer(out)
        for note in notes(cards):
            rows.writerow([note.guid, MODEL_NAMES[note.model], deck_name(root, note.subject), " ".join(note.tags),
                           *note.fields])
            count += 1
    return count


def read_doc_tags(path: str) -> set[str]:
    """The document tags (quizgen::doc::...) of a text-import file this module wrote."""
    found: set[str] = set()
    try:
        with open(path, encoding="utf-8", newline="") as f:
            header = HEADER.count("\n")
            lines = (line for n, line in enumerate(f) if n >= header or not line.startswith("#"))
            for row in csv.reader(lines, delimiter="\t", quotechar='"'):
                if len(row) > 3:
                    found.update(t for t in row[3].split() if t.startswith(DOC_TAG))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise QuizgenError(f"{path}: cannot read the existing deck ({e})") from None
    return found


# ---------------------------------------------------------------------------------------------- plain CSV

_MARKER = re.compile(r"\{\{c\d+::(.*?)\}\}", re.S)
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "hr", "ol", "ul",
           "table"}
_SKIP = {"style", "script", "details"}


class _Text(HTMLParser):
    """Card HTML as plain text: tags dropped, entities decoded, blocks and list items on their own."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[list[int] | None] = []  # per open list: [next number] for ol, None for ul
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag == "ol":
            self.lists.append([1])
        elif tag == "ul":
            self.lists.append(None)
        if tag in _BLOCKS:
            self.parts.append(" ")
        if tag == "li" and self.lists and self.lists[-1] is not None:
            self.parts.append(f"{self.lists[-1][0]}. ")
            self.lists[-1][0] += 1
        elif tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def plain_text(fragment: str) -> str:
    """One line of plain text from card HTML."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return " ".join("".join(parser.parts).split())


def term_definition(card: Card) -> tuple[str, str]:
    """What a card asks and what it answers, as plain text: a cloze's deletions become [...] in the term
    and are the definition."""
    context = plain_text(_MARKER.sub("[...]", card.context))
    if card.is_cloze:
        term = plain_text(_MARKER.sub("[...]", card.front))
        definition = "; ".join(dict.fromkeys(card.answers))
        extra = plain_text(card.back)
        if extra:
            definition = f"{definition} ({extra})" if definition else extra
    elif card.kind == "mcq":
        term = plain_text(card.front)
        definition = "; ".join(card.answers) or plain_text(card.back)
    else:
        term, definition = plain_text(card.front), plain_text(card.back) or "; ".join(card.answers)
    if context and card.kind != "qa":
        term = f"{context} — {term}"
    elif context:
        term = f"{context}: {term}"
    return term, definition


def write_csv(cards: Iterable[Card], path: str, **_) -> int:
    """Write term,definition rows (plain text, one line each, RFC 4180 quoting) atomically."""
    count = 0
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out, lineterminator="\n")
        for card in cards:
            rows.writerow(term_definition(card))
            count += 1
    return count
