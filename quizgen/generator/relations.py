"""Causes and effects ('because', 'leads to', 'due to') and contrasts ('unlike', 'whereas', 'compared
with'): the phrase a marker introduces is what an exam asks, when it is short enough to be one fact."""

from __future__ import annotations

import re

from ..text import commonness, content_stems, word_count
from .base import Candidate, Context, in_enumeration

CAUSE = re.compile(r"\b(?:because of|due to|owing to|as a result of|caused by|driven by|triggered by|"
                   r"results? from|resulting from|arises? from)\s+", re.I)
CONTRAST = re.compile(r"\b(?:unlike|in contrast to|whereas)\s+", re.I)
"""Markers whose phrase is a thing to recall ('due to [the Coriolis effect]'), not the stock opposite or
the generic benefit that 'rather than', 'leads to' or 'reduces' introduce (judged give-aways)."""
CAUSE_WORDS = ("because", "due to", "owing", "result", "caused", "driven", "triggered", "arise")
CONTRAST_WORDS = ("unlike", "contrast", "whereas")
"""Words one of which each match holds: a sentence with none is not searched."""
SPECIFIC = 3.9
END = re.compile(r"[,;:.!?()—–]|\s(?:but|which|while|whereas|thereby|thus|where|when)\s")


def _phrase(text: str, start: int) -> tuple[int, int] | None:
    m = END.search(text, start)
    end = m.start() if m else len(text.rstrip())
    phrase = text[start:end].rstrip()
    n = word_count(phrase)
    if not 1 <= n <= 5 or not content_stems(phrase) or commonness(phrase) >= SPECIFIC or VACUOUS.match(phrase):
        return None
    return start, start + len(phrase)


VACUOUS = re.compile(r"(?:the\s+)?(?:nature|fact|way|need|complexity|importance)\s+(?:of|that)\b", re.I)
"""'more complex due to [the nature of qubits]': a cause that names no mechanism (judged vacuous)."""


def candidates(ctx: Context) -> list[Candidate]:
    out = []
    for s in ctx.sentences:
        start = s.label_span[1] if s.label_span else 0
        low = s.text.lower()
        for fact, pattern, words in (("cause", CAUSE, CAUSE_WORDS), ("contrast", CONTRAST, CONTRAST_WORDS)):
            for m in (pattern.finditer(s.text, start) if any(w in low for w in words) else ()):
                span = _phrase(s.text, m.end())
                if span and in_enumeration(s.text, *span):
                    continue  # 'due to [fossil fuels], deforestation, and industry': one cause of several
                if span:
                    words_before = word_count(s.text[start:m.start()])
                    if words_before < 2 and fact == "cause":
                        continue  # 'Because X, ...': the effect, not asked here
                    out.append(Candidate(fact, s.text[span[0]:span[1]], s, [span],
                                         data={"marker": m.group().strip().lower()}))
    return out
