"""Card-quality figures (`quizgen check --report`): what share of the source's key terms became
cards, and whether any cloze gives its answer away. Measured on the cards' fronts as a learner sees them."""

from __future__ import annotations

import html
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import Card, Document
from .text import content_stems

_CLOZE = re.compile(r"\{\{c\d+::(.*?)\}\}", re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def front_text(card: Card) -> str:
    """The front as a learner reads it: no tags, deletions shown as [...]."""
    return _text(_CLOZE.sub("[...]", card.context + " \n " + card.front))


_PUNCTUATION = re.compile(r"[^\w\s²³⁺⁻+-]")


_NOT_WORDS = re.compile(r"<pre>.*?</pre>|<code>.*?</code>|\\\(.*?\\\)|\\(?:\[|&#91;).*?\\\]|<[^>]+>|&#?\w+;", re.S)
"""What is not a word: code, formulas (display math opens '\\&#91;', see render.math), tags, entities."""


_ASCII_WORDS = str.maketrans({c: " " if _PUNCTUATION.fullmatch(chr(c).casefold()) else chr(c).casefold()
                              for c in range(128)})
"""Each ASCII character casefolded, or a space where _PUNCTUATION would put one (the same rules)."""


def front_key(card: Card) -> str:
    """What makes two fronts the same to a learner: the words, ignoring case, punctuation, spacing and
    what formulas and code say (two fronts that differ only there read as one card twice).
    Entities go with the punctuation: our own escaping writes the same character the same way."""
    return _words(_CLOZE.sub(" [...] ", card.context + " \n " + card.front))


def _words(html: str) -> str:
    """front_key's words of HTML whose cloze deletions are already hidden."""
    text = _NOT_WORDS.sub(" ", html)
    if text.isascii():  # most fronts: casefold and punctuation in one pass through a table
        text = text.translate(_ASCII_WORDS)
    else:
        text = _PUNCTUATION.sub(" ", text.casefold())
    return " ".join(text.split())


_CLOZE_OPEN = re.compile(r"\{\{c\d+::")
_SPANS = (("<pre>", "</pre>"), ("<code>", "</code>"), ("\\(", "\\)"), ("\\[", "\\]"), ("\\&#91;", "\\]"), ("<", ">"))
"""What opens each of _NOT_WORDS's spans, and what ends it."""


def front_keys(cards: Sequence[Card]) -> list[str]:
    """front_key of each card, the same strings, reading each distinct header once: the cards of a
    document share a handful of headers, and headers are half the text front_key reads."""
    headers: dict[str, str | None] = {}
    keys = []
    for card in cards:
        if card.context in headers:
            header = headers[card.context]
        else:
            header = headers[card.context] = _header_words(card.context)
        if header is None:
            keys.append(front_key(card))
        else:
            front = _words(_CLOZE.sub(" [...] ", card.front))
            keys.append(f"{header} {front}" if header and front else header or front)
    return keys


def _header_words(context: str) -> str | None:
    """The words a header gives front_key, or None when a deletion, formula, code or tag is left open
    in it: front_key, reading header and front as one text, could then close it in the front."""
    html = _CLOZE.sub(" [...] ", context)
    if _CLOZE_OPEN.search(html) or any(start in html[html.rfind(end) + 1:] for start, end in _SPANS):
        return None
    return _words(html)


@dataclass(slots=True)
class Figures:
    """What a learner would care about in a deck, added up over documents (`check --report`)."""

    documents: int = 0
    cards: Counter = field(default_factory=Counter)
    """cards by kind"""
    facts: Counter = field(default_factory=Counter)
    """cards by the kind of fact they ask"""
    per_document: list[int] = field(default_factory=list)
    candidates: int = 0
    """facts found before the budget chose"""
    dropped: Counter = field(default_factory=Counter)
    """candidates not made into cards, by reason"""
    lists: Counter = field(default_factory=Counter)
    """lists by how they were read: 'sequence' or 'set'"""
    sequences: list[str] = field(default_factory=list)
    """the lists learnt in order, with what the decision rests on"""
    empty: list[str] = field(default_factory=list)
    """documents that make no card, with why"""
    give_aways: int = 0
    cloze_cards: int = 0
    front_words: list[int] = field(default_factory=list)
    longest: list[tuple[int, str]] = field(default_factory=list)

    def add(self, other: "Figures") -> None:
        self.documents += other.documents
        self.candidates += other.candidates
        self.give_aways += other.give_aways
        self.cloze_cards += other.cloze_cards
        for name in ("cards", "facts", "dropped", "lists"):
            getattr(self, name).update(getattr(other, name))
        for name in ("per_document", "sequences", "empty", "front_words"):
            getattr(self, name).extend(getattr(other, name))
        self.longest = sorted(self.longest + other.longest, reverse=True)[:5]

    def lines(self) -> list[str]:
        """The report, one figure a line."""
        docs = max(1, self.documents)
        per_kind = ", ".join(f"{k} {n}" for k, n in sorted(self.cards.items()))
        facts = ", ".join(f"{k} {n}" for k, n in self.facts.most_common())
        dropped = ", ".join(f"{k} {n}" for k, n in self.dropped.most_common())
        median = statistics.median(self.per_document) if self.per_document else 0
        out = [
            f"documents: {self.documents}",
            f"cards: {sum(self.cards.values())} ({per_kind}); per document: median {median}, "
            f"mean {sum(self.cards.values()) / docs:.1f}, most {max(self.per_document, default=0)}",
            f"facts asked: {facts}",
            f"candidate facts: {self.candidates}; not made into cards: {dropped or 'none'}",
            f"lists: {self.lists['sequence']} learnt in order, {self.lists['set']} read as sets",
        ]
        out += [f"  in order: {line}" for line in self.sequences]
        out += [f"no cards: {line}" for line in self.empty]
        out += [f"give-aways (cloze answer visible on its front): {self.give_aways} of {self.cloze_cards} cloze cards",
                f"median front: {statistics.median(self.front_words) if self.front_words else 0} words"]
        out += [f"long front: {n} words ({where})" for n, where in self.longest]
        return out


def give_away(card: Card) -> bool:
    """A cloze whose answer's meaningful words all stay visible on its front."""
    shown = _text(_CLOZE.sub(" ", card.context + " " + card.front))
    if card.extra.get("fact") == "formula":  # its symbols are single letters any formula shows: the formula itself
        return any(a.strip() and a.strip() in shown for a in _answers(card))
    visible = content_stems(shown)
    return any(content_stems(a) and content_stems(a) <= visible for a in _answers(card))


def _answers(card: Card) -> list[str]:
    return [_text(a) for a in _CLOZE.findall(card.context + card.front)]


def measure(doc: Document, cards: Sequence[Card], plan) -> Figures:
    """The figures of one document's cards; `plan` is the generator's Plan they came from."""
    f = Figures(documents=1, cards=Counter(c.kind for c in cards), per_document=[len(cards)])
    f.facts = Counter(c.extra.get("fact", c.kind) for c in cards)
    f.candidates = plan.candidates
    f.dropped = Counter(plan.dropped)
    for name, _numbered, sequence, why in plan.lists:
        f.lists["sequence" if sequence else "set"] += 1
        if sequence:
            f.sequences.append(f"{doc.path}: {name} ({why})")
    if not cards:
        f.empty.append(f"{doc.path}: {plan.warning or 'no card'}")
    cloze = [c for c in cards if c.is_cloze]
    f.cloze_cards = len(cloze)
    f.give_aways = sum(1 for c in cloze if give_away(c))
    f.front_words = [len(front_text(c).split()) for c in cards]
    f.longest = sorted(((n, f"{doc.path} {c.kind} {' / '.join(c.answers)}") for n, c in zip(f.front_words, cards)),
                       reverse=True)[:5]
    return f
