"""Key phrases: in a sentence no other module asks about, the name of the rarest thing it mentions
('the use of complex conjugates is important for calculating [apparent power]'). The weakest kind of
fact, scored below the others, so it fills the budget only where the document has nothing better."""

from __future__ import annotations

from ..text import commonness, content_stems, phrases
from .base import Candidate, Context
from .numbers import _text_ranges

SPECIFIC = 3.9
"""Only phrases rarer than this (mean Zipf of their words): 'apparent power', not 'good practice'."""


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
            stems = content_stems(phrase)
            if not stems or stems & avoid:
                continue
            value = commonness(phrase)
            if value < SPECIFIC and (best is None or value < best[0]):
                best = (value, a, b)
        if best:
            _, a, b = best
            out.append(Candidate("phrase", s.text[a:b], 0.0, s, [(a, b)]))
    return out
