"""Generator: Document -> Cards, in three steps.

1. Candidates: each module proposes the facts of one kind it finds in the document's structure
   (terms, lists, numbers, formulas, definitions, relations), read from one analysis of it (base.Context).
2. Choice: every candidate is scored and a budget from the document's length keeps the best, one card
   per fact and per sentence (choose.py).
3. Cards: each chosen fact becomes a card that stands alone and hides what it asks, or is refused with
   a reason (cards.py). A card's id comes from what it asks (its answer, or its list and label), never
   from where it stands, so a rebuild after an edit updates the same card in Anki.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..model import DEFAULT_KINDS, Card, Document
from ..text import commonness
from . import code, definitions, formulas, lists, marks, numbers, phrases, relations, sequences, terms
from .base import Candidate, Context
from .cards import DEFAULT_BASE_URL, Maker, Refused, card_id, source_url, tags
from .choose import choose

__all__ = ["DEFAULT_BASE_URL", "Options", "Plan", "card_id", "generate", "plan", "source_url", "tags"]

MODULES = (marks, terms, code, lists, sequences, numbers, formulas, definitions, relations)
"""Every kind of candidate fact, one module each, but the key phrases (phrases.py): looked for only in
the sentences these leave alone, and only when everything is asked for. Three readings judged them
GOOD 56%, 58% and 50% of the time, the least of any kind (#11 asks 60% of every kind); leaving them out
cost 0.009 of gold recall and raised the deck's GOOD share from 77% to 84% (by those readers' verdicts)."""

MCQ_SPECIFIC = 2.8
"""An item is asked as multiple choice only when its label is a name or a rare term: a descriptive label
is a summary of its own explanation, and the stem gives it away."""

CLOZE_FACTS = frozenset({"mark", "phrase", "term", "number", "formula", "symbol", "definition", "abbreviation", "cause", "contrast",
                         "code"})


@dataclass(slots=True, frozen=True)
class Options:
    """What to generate."""

    kinds: frozenset[str] = frozenset(DEFAULT_KINDS)
    """card kinds to make"""
    base_url: str = DEFAULT_BASE_URL
    """prefix for site-relative source urls"""
    everything: bool = False
    """every candidate that can become a card does, with no score threshold and no budget (for testing
    the card builders on every fact a document holds, and for `check --report`'s worst case)"""


@dataclass(slots=True)
class Plan:
    """One document's cards and what was left out, for `check --report`."""

    cards: list[Card]
    candidates: int = 0
    dropped: Counter = field(default_factory=Counter)
    """candidates not made into cards, by reason"""
    lists: list[tuple[str, bool, bool, str]] = field(default_factory=list)
    """(heading or first label, numbered, learnt as a sequence, why) for each list"""
    warning: str = ""
    """why the document makes no card, when it makes none"""


def generate(doc: Document, options: Options = Options()) -> list[Card]:
    """The cards of one document: the best facts it holds, within its budget, in document order
    (its Q&A card first)."""
    return plan(doc, options).cards


NON_ANSWER = re.compile(r"\b(?:I|we)\s+(?:cannot|can't|can ?not|am unable to|are unable to|could not|couldn't)\s+"
                        r"(?:answer|provide|find|determine|say)\b|\bno (?:information|details) (?:is|are) available\b",
                        re.I)
"""An answer that says it has none: a document with nothing to learn."""


def plan(doc: Document, options: Options = Options()) -> Plan:
    ctx = Context(doc)
    if NON_ANSWER.search(" ".join(s.text for s in ctx.sentences[:2])):
        return Plan([], 0, Counter({"the answer says it has none": 1}), [],
                    warning="nothing to learn: the answer says it cannot answer the question")
    maker = Maker(ctx, options.base_url)
    kinds = options.kinds
    candidates: list[Candidate] = [c for module in MODULES for c in module.candidates(ctx)]
    if options.everything:  # key phrases: half of them judged worth a learner's time, so not by default
        candidates += phrases.candidates(ctx, skip=frozenset(id(c.sentence) for c in candidates))
    dropped: Counter = Counter()
    wanted = [c for c in candidates if _form(c, kinds)]
    dropped["kind not asked for"] += len(candidates) - len(wanted)

    def build(c: Candidate) -> list[Card]:
        form = _form(c, kinds)
        if form == "sequence":
            return maker.sequence(c)
        if form == "mcq":
            return [maker.mcq(c)]
        return [maker.cloze(c)]

    cards = choose(ctx, wanted, build, dropped, everything=options.everything)
    if "qa" in kinds:  # a question asking one thing that the description answers is a fact of its own
        try:
            cards.insert(0, maker.qa(options.everything))
        except Refused as e:
            dropped[str(e)] += 1
    _unique_ids(cards)
    lists_seen = [(info.heading or next((t for _, t, _ in info.items if t), ""), info.ordered, info.sequence,
                   info.why) for info in ctx.lists if len(info.items) >= 2]
    warning = "" if cards else "no card: none of its facts passed the checks of a card worth studying"
    return Plan(cards, len(candidates), +dropped, lists_seen, warning)


def _unique_ids(cards: list[Card]) -> None:
    """Two cards that ask the same thing of one document (a label in two lists) get a stable tie-break
    in document order, so no id is ever shared."""
    seen: Counter = Counter()
    for n, card in enumerate(cards):
        seen[card.id] += 1
        if seen[card.id] > 1:
            key = f"{card.key}~{seen[card.id]}"
            cards[n] = replace(card, key=key, id=card_id(card.doc_key, card.kind, key))


def _form(c: Candidate, kinds: frozenset[str]) -> str:
    """The kind of card a candidate becomes under the kinds asked for ('' for none)."""
    if c.fact == "step":
        return "sequence" if "sequence" in kinds else ""
    if c.fact == "item":
        if "mcq" in kinds and len(c.data.get("siblings", ())) >= 4 and commonness(c.answer) < MCQ_SPECIFIC:
            return "mcq"
        return "cloze" if "cloze" in kinds else ""
    return "cloze" if "cloze" in kinds and c.fact in CLOZE_FACTS else ""

