"""Key phrases: in a sentence no other module asks about, the noun phrase that holds its rarest word
('the use of complex conjugates is important for calculating [apparent power]'), read from a
part-of-speech tagger (quizgen.tagger), so a verb or an adjective is never taken for a thing. The
weakest kind of fact: made only when everything is asked for (generator.plan), and scored below the
others there."""

from __future__ import annotations

import re

from ..tagger import noun_phrases
from ..text import content_stems, is_content, tokens, zipf
from .base import EXAMPLE_BEFORE, MAX_ANSWER, MAX_SENTENCE, MIN_CUE, Candidate, Context, Sentence, in_enumeration, text_ranges

SPECIFIC = 2.25
"""The phrase's rarest word must be rarer than this on the Zipf scale: a term of the field
('proteostasis' 1.2, 'halogenation' 1.4, 'eutrophication' 2.2), not a word of everyday prose
('interplay' 3.2, 'thoroughness' 2.5, 'societal' 3.6), which makes a phrase a learner paraphrases rather
than recalls. In the fifth reading 15 of 25 phrases rarer than this were GOOD, 28 of 138 of the others."""


FROM_BEFORE = re.compile(r"\bfrom[,:]?\s*\(?$", re.I)
VAGUE_BEFORE = re.compile(r"\b(?:highly|very|more|most|less|resulted in|results in|leads to|led to)\s+$", re.I)


def initials(answer: str, question: str) -> bool:
    """'MVT' for a question about the Marginal Value Theorem: the topic, abbreviated."""
    letters = answer.strip().rstrip("s")
    if not (2 <= len(letters) <= 6 and letters.isupper() and letters.isalpha()):
        return False
    heads = "".join(w[0].upper() for w in re.findall(r"[^\W\d_]+", question) if w.lower() not in ("of", "the", "and", "a", "an", "in"))
    return letters in heads


def candidates(ctx: Context, skip: frozenset = frozenset()) -> list[Candidate]:
    """One candidate per sentence at most, for sentences whose id is not in `skip`."""
    out = []
    opening = ctx.sentences[0].block if ctx.sentences else -1
    for s in ctx.sentences:
        if id(s) in skip or s.announces or s.block == opening or not MIN_CUE < s.words <= MAX_SENTENCE:
            # the opening paragraph restates the question in general words (3 of 33 judged GOOD)
            continue
        found = _best(ctx, s)
        if found:
            a, b = found
            out.append(Candidate("phrase", s.text[a:b], s, [(a, b)]))
    return out


def _best(ctx: Context, s: Sentence) -> tuple[int, int] | None:
    start = s.label_span[1] if s.label_span else 0
    rare = [start + a for a, _, w, _ in tokens(s.text[start:]) if is_content(w) and not w[:1].isdigit() and zipf(w) < SPECIFIC]
    if not rare:
        return None  # no term to ask: not worth tagging (the tagger is most of a build's time)
    avoid = ctx.question_stems | content_stems(s.label) | content_stems(s.text[:start])
    plain_at = text_ranges(s)
    best = None
    for p in noun_phrases(s.text, near=rare):  # only a phrase holding a rare word can be asked
        for a, b in ((p.start, p.end), p.base):
            if a < start or not any(x <= a and b <= y for x, y in plain_at) or not (
                    s.text[a].isalnum() and s.text[b - 1].isalnum()):
                continue
            if in_enumeration(s.text, a, b) or s.text[a - 1:a] in ("@", "/", ".") or s.text[b:b + 1] in ("@", "/"):
                continue  # 'pencils, erasers, and [...]': any member of the set fits
            before = s.text[max(0, a - 20):a]
            if EXAMPLE_BEFORE.search(before) or FROM_BEFORE.search(before) or " other " in f" {s.text[a:b]} ":
                continue  # 'software such as [...]', '[...] and other features': an example, any would do
            if VAGUE_BEFORE.search(before):
                continue  # 'highly [...]', 'resulted in [...]': the cue says what kind of answer, not which
            words = [w for _, _, w, _ in tokens(s.text[a:b]) if is_content(w) and not w[:1].isdigit()]
            if not words or len(words) > 5 or len(tokens(s.text[a:b])) > MAX_ANSWER:
                continue
            stems = content_stems(s.text[a:b])
            if stems & avoid or "'s" in s.text[a:b] or "’s" in s.text[a:b] or initials(s.text[a:b], ctx.question_text):
                continue
            rarest = min(zipf(w) for w in words)
            if rarest < SPECIFIC and (best is None or rarest < best[0]):
                best = (rarest, a, b)
            break  # the whole phrase when it qualifies, its core only when the whole does not
    return best[1:] if best else None
