"""Scores and the budget: every candidate gets a score for what a learner gains from it, a document
gets as many cards as it holds facts worth its length, and the best are kept, one card per fact."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ..model import Card
from ..text import commonness, fold, is_content, tokens, word_count
from .base import Candidate, Context
from .cards import Refused

BASE = {"mark": 4.0, "formula": 3.2, "number": 3.0, "definition": 2.8, "step": 3.0, "abbreviation": -1.0, "symbol": 2.6,
        "term": 2.2, "item": 2.0, "code": 2.6, "cause": 2.4, "contrast": 2.4, "phrase": 1.5}
"""What a fact of each kind is worth before its particulars: formulas and numbers are what exams ask and
what a reader forgets first; a cause or a contrast phrase is more often a paraphrase. An abbreviation's
expansion stays under the threshold however rare its words: the fifth reading judged 6 of 9 common
knowledge or given away ('GUI' -> graphical user interface), the sixth 7 of 10 ambiguous or given away
('[...]: RCTs are the gold standard'), so it is asked only when everything is."""

SPECIFIC = {"phrase", "term", "item", "definition", "abbreviation", "cause", "contrast"}
"""Kinds whose answer is words, and so is worth more the rarer those words are."""

ASIDE = 1.3
"""What a definition written inside a sentence ('household shrines (lararia)', 'dislocations, which
are defects …') is worth less than one the sentence is built on: below the sentence's numbers and a
specific item label, which readers judged GOOD nine times in ten, against seven for these."""

THRESHOLD = 1.3
"""No card below this score, however much budget is left: an empty slot is better than a weak card."""

WORDS_PER_CARD = 45
"""The budget: a card for every this many words of the answer's prose (at least MIN_CARDS) ..."""
MIN_CARDS = 3
MAX_CARDS = 11
"""... and never more than this many (plus the Q&A card): about what an excellent student makes."""
STRONG = 2.8
"""A fact scoring this much (a number, a formula, a definition of a rare term) is kept past the budget,
up to MAX_CARDS: a short dense document holds more than its length says."""

MAX_SEQUENCE_CARDS = 8
"""Most cards one candidate makes (a sequence's steps)."""

REPEAT = 0.35
"""Each card already kept of the same kind of fact costs the next one this much: a deck of one kind
of question is a deck of one skill."""


def score(c: Candidate, keywords: frozenset) -> float:
    if c.data.get("generic"):
        return -1.0  # a generic label: counted apart, never kept (unless everything is asked for)
    s = BASE[c.fact]
    if c.fact in SPECIFIC:
        s += max(-1.2, min(1.0 if c.fact == "phrase" else 1.2, (4.3 - commonness(c.answer)) * 0.6))
    if c.data.get("aside"):
        s -= ASIDE
    n = word_count(c.answer) if c.fact not in ("step", "formula") else 1
    if n > 5:
        s -= 0.25 * (n - 5)
    if fold(c.answer) in keywords:
        s += 0.3
    sentence = c.sentence
    if sentence is not None:
        if sentence.words > 35:
            s -= 0.4
        if sentence.joined:
            s -= 0.2
        if sentence.role == "summary":
            s -= 0.8  # says again, in general terms, what the answer said before
        elif sentence.role == "lead":
            s += 0.2
    return s


def _identity(answer: str, fact: str = "") -> frozenset:
    """What an answer is about: its meaningful stems and its numbers ('Term 1' is not 'Term 2'); a
    formula is itself ('OR = Odds_exposed / Odds_not exposed' is not 'Odds_exposed = a/b')."""
    if fact == "formula":
        return frozenset({fold(answer)})
    found = frozenset(st for _, _, w, st in tokens(answer) if is_content(w) or w[:1].isdigit())
    return found or frozenset({fold(answer)})


def _position(c: Candidate) -> tuple[int, int, int]:
    if c.sentence is None:
        return c.data.get("block", 0), -1, 0
    return c.sentence.block, c.sentence.order, c.spans[0][0] if c.spans else 0


def budget(ctx: Context) -> int:
    return max(MIN_CARDS, min(MAX_CARDS, round(ctx.words / WORDS_PER_CARD)))


def choose(ctx: Context, candidates: list[Candidate], build: Callable[[Candidate], list[Card]],
           dropped: Counter, everything: bool = False) -> list[Card]:
    """The best candidates that become good cards, up to the budget, in the order of the document
    (`everything`: all that can, whatever their score)."""
    keywords = frozenset(fold(k) for k in ctx.doc.keywords)
    pool = []
    threshold = float("-inf") if everything else THRESHOLD
    for n, c in enumerate(candidates):
        value = score(c, keywords)
        if value < threshold:
            dropped["generic label" if c.data.get("generic") else "low score"] += 1
        else:
            pool.append((value, n, c))
    limit, kept, facts = (len(pool) * MAX_SEQUENCE_CARDS if everything else budget(ctx)), [], Counter()
    sentences: dict = {}
    answers: list[frozenset] = []
    made_cards, cap = 0, (limit if everything else MAX_CARDS)
    while pool and made_cards < cap:
        best = max(range(len(pool)), key=lambda i: (pool[i][0] - _repeat(pool[i][2].fact, facts), -pool[i][1]))
        if made_cards >= limit and pool[best][0] < STRONG:
            break
        value, n, c = pool.pop(best)
        if value - _repeat(c.fact, facts) < threshold:
            dropped["low score"] += 1
            continue
        where = (c.sentence.block, c.sentence.text) if c.sentence is not None else None
        stems = _identity(c.answer, c.fact)
        if where is not None and where in sentences and (c.fact, sentences[where]) != ("number", {"number"}):
            # one card a sentence, but for its numbers: each card hides one, the others are its cue
            dropped["same sentence"] += 1
            continue
        if c.fact != "step" and any(stems <= a or a <= stems for a in answers):
            dropped["same fact"] += 1
            continue
        try:
            made = build(c)
        except Refused as e:
            dropped[str(e)] += 1
            continue
        if where is not None:
            sentences.setdefault(where, set()).add(c.fact)
        answers.extend([_identity(a) for card in made for a in card.answers] if c.fact == "step" else [stems])
        facts[c.fact] += 1
        kept.append((_position(c), made))
        made_cards += len(made)
    dropped["over budget"] += len(pool)
    kept.sort(key=lambda x: x[0])
    return [card for _, made in kept for card in made]


def _repeat(fact: str, facts: Counter) -> float:
    """What the cards already kept of a fact's kind cost it. Numbers and formulas pay nothing: a document
    of figures (a table, a budget, a chronology) is learnt figure by figure, and the readings judged them
    GOOD four times in five."""
    return {"number": 0.0, "formula": 0.0, "phrase": 0.1}.get(fact, REPEAT) * facts[fact]
