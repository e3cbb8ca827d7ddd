"""Key phrases: in a sentence no other module asks about, the name of the rarest thing it mentions
('the use of complex conjugates is important for calculating [apparent power]'). The weakest kind of
fact, scored below the others, so it fills the budget only where the document has nothing better."""

from __future__ import annotations


from ..text import commonness, content_stems, is_name, phrases
from .base import Candidate, Context, in_enumeration, text_ranges

SPECIFIC = 3.6
SINGLE = 2.8
"""A phrase of one word must be rarer than this (a technical term), or a name written with a capital."""
"""Only phrases rarer than this (mean Zipf of their words): 'apparent power', not 'good practice'."""


def candidates(ctx: Context) -> list[Candidate]:
    out = []
    for s in ctx.sentences:
        start = s.label_span[1] if s.label_span else 0
        avoid = ctx.question_stems | content_stems(s.label)
        if s.label_span:
            avoid = avoid | content_stems(s.text[:start])
        best = None
        plain_at = text_ranges(s)
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
            if " " not in phrase.strip() and not (is_name(phrase) and a > start + 1) and value >= SINGLE:
                continue  # one common word alone is a verb, an adjective or a list member more often than a fact
            if value < SPECIFIC and (best is None or value < best[0]):
                best = (value, a, b)
        if best:
            _, a, b = best
            out.append(Candidate("phrase", s.text[a:b], s, [(a, b)]))
    return out
