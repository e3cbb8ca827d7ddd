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
from .text import content_stems, fold

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
    """Counts that add up over documents."""

    documents: int = 0
    cards: Counter = field(default_factory=Counter)
    bold_terms: int = 0
    bold_terms_clozed: int = 0
    keywords_in_answer: int = 0
    keywords_clozed: int = 0
    give_aways: int = 0
    trivial: int = 0
    cloze_cards: int = 0
    front_words: list[int] = field(default_factory=list)
    longest: list[tuple[int, str]] = field(default_factory=list)

    def add(self, other: "Figures") -> None:
        self.documents += other.documents
        self.cards.update(other.cards)
        for name in ("bold_terms", "bold_terms_clozed", "keywords_in_answer", "keywords_clozed", "give_aways",
                     "trivial", "cloze_cards"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.front_words.extend(other.front_words)
        self.longest = sorted(self.longest + other.longest, reverse=True)[:5]

    def lines(self) -> list[str]:
        """The report, one figure a line."""
        docs = max(1, self.documents)
        share = lambda a, b: f"{a / b:.1%}" if b else "n/a"  # noqa: E731
        per_kind = ", ".join(f"{k} {n / docs:.1f}" for k, n in sorted(self.cards.items()))
        out = [
            f"documents: {self.documents}",
            f"cards per document: {sum(self.cards.values()) / docs:.1f} ({per_kind})",
            f"bold terms with a cloze: {self.bold_terms_clozed}/{self.bold_terms} ({share(self.bold_terms_clozed, self.bold_terms)})",
            f"keywords in the answer with a cloze: {self.keywords_clozed}/{self.keywords_in_answer} "
            f"({share(self.keywords_clozed, self.keywords_in_answer)})",
            f"give-aways (cloze answer visible on its front): {self.give_aways} of {self.cloze_cards} cloze cards",
            f"trivial deletions: {self.trivial}",
            f"median front: {statistics.median(self.front_words) if self.front_words else 0} words",
        ]
        out += [f"long front: {n} words ({where})" for n, where in self.longest]
        return out


def give_away(card: Card) -> bool:
    """A cloze whose answer's meaningful words all stay visible on its front."""
    visible = content_stems(_text(_CLOZE.sub(" ", card.context + " " + card.front)))
    return any(content_stems(a) and content_stems(a) <= visible for a in _answers(card))


def _answers(card: Card) -> list[str]:
    return [_text(a) for a in _CLOZE.findall(card.context + card.front)]


def measure(doc: Document, cards: Sequence[Card]) -> Figures:
    """The figures of one document's cards."""
    f = Figures(documents=1, cards=Counter(c.kind for c in cards))
    cloze = [c for c in cards if c.is_cloze]
    answers = {fold(a) for c in cloze for a in _answers(c)}
    f.bold_terms = len(doc.bold_terms)
    f.bold_terms_clozed = sum(1 for t in doc.bold_terms if fold(t) in answers)
    answer_stems = content_stems(doc.answer)
    in_answer = [k for k in doc.keywords if content_stems(k) and content_stems(k) <= answer_stems]
    f.keywords_in_answer = len(in_answer)
    f.keywords_clozed = sum(1 for k in in_answer if fold(k) in answers)
    f.cloze_cards = len(cloze)
    f.give_aways = sum(1 for c in cloze if give_away(c))
    f.trivial = sum(1 for c in cloze for a in _answers(c) if not content_stems(a))
    f.front_words = [len(front_text(c).split()) for c in cards]
    f.longest = sorted(((n, f"{doc.path} {c.kind} {c.key}") for n, c in zip(f.front_words, cards)), reverse=True)[:5]
    return f
