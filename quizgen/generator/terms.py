"""Bold terms in running text: the author marked them as what matters, so each is a cloze of its
sentence (an item's own bold label is lists.py's business)."""

from __future__ import annotations

from ..parser import strong_runs
from ..text import commonness, fold, is_trivial, word_count
from .base import MAX_ANSWER, Candidate, Context
from .numbers import EXAMPLE, RESULT

GENERIC = 4.0
"""A bold word this common ('Problem', 'Solution') marks a part of the text, not a term to learn."""


def candidates(ctx: Context) -> list[Candidate]:
    out, seen = [], set()
    for s in ctx.sentences:
        if EXAMPLE.search(s.label) or RESULT.match(s.text):
            continue  # the bold result of a worked example ('the area is **150 cm²**')
        offsets = [0]
        for x in s.inlines:
            offsets.append(offsets[-1] + len(x.text))
        for first, last, term in strong_runs(s.inlines):
            a, b = offsets[first], offsets[last]
            raw = s.text[a:b]
            span = (a + len(raw) - len(raw.lstrip()), a + len(raw.rstrip().rstrip(":").rstrip()))
            if s.label_span and span[0] < s.label_span[1]:
                continue  # the item's own label
            key = fold(term)
            if key in seen or is_trivial(term) or word_count(term) > MAX_ANSWER:
                continue
            seen.add(key)
            out.append(Candidate("term", term, s, [span], data={"generic": commonness(term) >= GENERIC}))
    return out
