"""Key phrases: in a sentence no other module asks about, the name of the rarest thing it mentions
('the use of complex conjugates is important for calculating [apparent power]'). The weakest kind of
fact, scored below the others, so it fills the budget only where the document has nothing better."""

from __future__ import annotations

import re

from ..text import _is_name, commonness, content_stems, phrases, tokens
from .base import Candidate, Context
from .numbers import _text_ranges

SPECIFIC = 3.6
SINGLE = 2.8
"""A phrase of one word must be rarer than this (a technical term), or a name written with a capital."""
"""Only phrases rarer than this (mean Zipf of their words): 'apparent power', not 'good practice'."""


ENUMERATION_BEFORE = re.compile(r"(?:,|\b(?:and|or))\s*$")
ENUMERATION_AFTER = re.compile(r"^\s*(?:,\s*(?:and|or)\b|\b(?:and|or)\b)")


def in_enumeration(text: str, a: int, b: int) -> bool:
    """The phrase is one member of a list written in a sentence ('x, y and z', 'x or y')."""
    return bool(ENUMERATION_BEFORE.search(text[max(0, a - 6):a]) or ENUMERATION_AFTER.match(text[b:b + 6]))


def stems_of(phrase: str) -> tuple[str, ...]:
    return tuple(t[3] for t in tokens(phrase))


def _occurrences(ctx: Context, stems: tuple[str, ...]) -> int:
    """How often the answer's words stand together, in this order, in the document's prose."""
    n, found = len(stems), 0
    for s in ctx.sentences:
        toks = [t[3] for t in tokens(s.text)]
        found += sum(1 for i in range(len(toks) - n + 1) if tuple(toks[i:i + n]) == stems)
    return found


def candidates(ctx: Context) -> list[Candidate]:
    out = []
    for s in ctx.sentences:
        start = s.label_span[1] if s.label_span else 0
        avoid = ctx.question_stems | content_stems(s.label)
        if s.label_span:
            avoid = avoid | content_stems(s.text[:start])
        best = None
        plain_at = _text_ranges(s)
        for a, b in phrases(s.text):
            if a < start or not any(x <= a and b <= y for x, y in plain_at):
                continue
            phrase = s.text[a:b]
            if in_enumeration(s.text, a, b) or s.text[a - 1:a] in ("@", "/", ".") or s.text[b:b + 1] in ("@", "/"):
                continue  # 'pencils, erasers, and [...]': any member of the set fits
            stems = content_stems(phrase)
            if not stems or stems & avoid:
                continue
            value = commonness(phrase)
            if " " not in phrase.strip() and not (_is_name(phrase) and a > start + 1) and value >= SINGLE:
                continue  # one common word alone is a verb, an adjective or a list member more often than a fact
            if value < SPECIFIC and (best is None or value < best[0]):
                best = (value, a, b)
        if best:
            _, a, b = best
            out.append(Candidate("phrase", s.text[a:b], 0.0, s, [(a, b)]))
    return out
