"""Causes and effects ('because', 'leads to', 'due to') and contrasts ('unlike', 'whereas', 'compared
with'): the phrase a marker introduces is what an exam asks, when it is short enough to be one fact."""

from __future__ import annotations

import re

from ..text import content_stems, word_count
from .base import MAX_ANSWER, Candidate, Context

CAUSE = re.compile(r"\b(?:because(?: of)?|due to|owing to|as a result of|caused by|driven by|"
                   r"leads? to|led to|leading to|results? in|resulting in|contributes? to|contributing to|"
                   r"gives? rise to|triggers?|prevents?|reduces?|increases?|in order to|so that)\s+", re.I)
CONTRAST = re.compile(r"\b(?:unlike|in contrast to|as opposed to|compared (?:with|to)|rather than|instead of|"
                      r"whereas)\s+", re.I)
END = re.compile(r"[,;:.!?()—–]|\s(?:but|which|while|whereas|thereby|thus|where|when)\s")


def _phrase(text: str, start: int) -> tuple[int, int] | None:
    m = END.search(text, start)
    end = m.start() if m else len(text.rstrip())
    phrase = text[start:end].rstrip()
    n = word_count(phrase)
    if not 1 <= n <= MAX_ANSWER or not content_stems(phrase):
        return None
    return start, start + len(phrase)


def candidates(ctx: Context) -> list[Candidate]:
    out = []
    for s in ctx.sentences:
        start = s.label_span[1] if s.label_span else 0
        for fact, pattern in (("cause", CAUSE), ("contrast", CONTRAST)):
            for m in pattern.finditer(s.text, start):
                span = _phrase(s.text, m.end())
                if span:
                    words_before = word_count(s.text[start:m.start()])
                    if words_before < 2 and fact == "cause":
                        continue  # 'Because X, ...': the effect, not asked here
                    out.append(Candidate(fact, s.text[span[0]:span[1]], 0.0, s, [span],
                                         data={"marker": m.group().strip().lower()}))
    return out
