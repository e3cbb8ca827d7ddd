"""Lists: told apart as sequences (an order worth learning) or sets (items that happen to be numbered),
then asked accordingly. A sequence's steps become overlapping clozes; an item of a set becomes a cloze of
its label from its explanation, but only when the label is a specific name, not a generic one."""

from __future__ import annotations

import re

from ..render import plain
from ..text import commonness, fold, is_trivial, word_count
from .base import MAX_ANSWER, Candidate, Context, ListInfo

ORDER_WORDS = re.compile(r"\b(?:steps?|stages?|phases?|procedures?|chronolog\w*|timeline|instructions|protocol)\b", re.I)
"""Words by which a question, heading or lead says that what follows happens in order."""
ORDER_HINTS = re.compile(
    r"\b(?:process(?:es)?|cycles?|sequences?|order|how to|workflow|pathway|cascade|algorithm|method of|"
    r"life ?cycle|progression|evolution|history of|development of)\b", re.I)
"""Words that may say so, or may name the topic: 'the spheres of the carbon cycle are:', 'how weak ties
facilitate this process:' introduce sets (a reading of 16 held-out sequences found 11 such)."""

OPTIONS = re.compile(r"\b(?:comprehensive|several)\s+(?:\w+\s+)?steps\b|\bsteps\s+to\s+consider\b|"
                     r"\bsteps\s+(?:and|or)\s+(?!procedures?\b)\w+|\bcan be taken\b|\bmulti-?step\b|"
                     r"\bno\s+(?:\w+\s+){0,2}(?:protocol|procedure)s?\b", re.I)
"""A lead whose steps are options, not an order: 'several steps can be taken:', 'the key steps and
techniques involved:', 'these comprehensive steps:', 'several key steps:', 'the key steps to consider:',
'a multi-step process that involves the following:',
'there is no standardized treatment protocol': its order word only hints (a held-out reading judged the
positions in 5 such lists arbitrary)."""

SET_WORDS = re.compile(
    r"\b(?:types?|kinds?|factors?|benefits?|advantages?|disadvantages?|examples?|features?|characteristics?|"
    r"reasons?|roles?|functions?|aspects?|elements?|components?|strategies|ways|causes|effects|principles|"
    r"challenges|considerations|uses|applications|differences|categories|key points?|highlights)\b", re.I)
"""Words by which they say that what follows is a set."""

SELECTION = re.compile(r"\b(?:some|several|a few|key|notable|major|important|significant|influential)\s+(?:\w+\s+)?"
                       r"(?:figures|people|scientists|thinkers|artists|developments|events|contributions|milestones|works)\b", re.I)
"""A lead that presents a selection ('Here are some key figures and their contributions:'): its dates
increase because the author sorted the selection, not because its order is worth learning (a held-out
reading judged the positions of six scientists arbitrary)."""

KINDS_ITEM = re.compile(r"(?:types?|kinds?|categories|classes|forms|examples?|varieties)\s+of\b", re.I)
"""An item that names kinds ('Types of Hemihydrate'): the list is an outline of a topic, not its stages."""

SEQUENCE_CUE = re.compile(r"\b(?:first|then|next|after(?:ward)?s?|finally|followed by|once|subsequently|begins?|"
                          r"ends?|initiat\w+|until)\b", re.I)
YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b")

MAX_SEQUENCE = 8
"""Longest list learnt step by step: past this, order is not learnt card by card."""

GENERIC = 3.5
KIND_COMMON = 4.6
"""A label among the kinds a lead introduces is a name if its explanation completes a definition of it,
unless its words are among the commonest ('Site Management')."""
"""A label whose words are this common (mean Zipf, see text.commonness) names a category, not a fact."""

ABSTRACT = re.compile(r"(?:ity|ities|ness|ism|isms|tion|tions|sion|ment|ments|ance|ence|ship|acy)$", re.I)
"""A label ending in an abstract noun ('Acidity', 'Tokenism', 'Generalization') names a quality its
explanation describes, so the explanation gives it away or many names fit (the fifth reading judged 12 of
13 such item cards c or a); a label that names a thing ('Colchicine', 'PascalCase', 'Kirchhoff's Laws')
is what the reader called worth asking."""


ACTION = re.compile(r"[A-Z][a-z]+(?:ing|ed)\s+\S")
"""A label of several words led by a verb ('Preventing Hyperglycemia', 'Correcting Inconsistencies',
'Streamlined Workflows') names an action or an outcome its explanation argues for, not a thing: many
wordings fit. One word ('Blanching', 'Splicing') is a term, and so is a label its explanation defines
('Working Memory: This is the ability …')."""

DEFINES = re.compile(r"(?:(?:this|these|it|they)\s+(?:is|are|refers? to|means?|denotes?)\b(?!\s+(?:a|an|the)?\s*(?:very\s+)?"
                     r"(?:crucial|key|important|critical|essential|vital|major|significant|fundamental|powerful|useful)\b)|"
                     r"(?:suggests|proposes|posits|holds|states|describes|refers to|denotes|means)\s+(?:that|how|the|a|an)\b|"
                     r"(?:a|an|the)\s+(?:\w+\s+){0,3}?(?:term|name|theory|principle|process|method|technique|measure|"
                     r"practice|approach|concept)\s+(?:for|of|that|which|in|used)\b)", re.I)
"""An explanation that defines its label ('**Handicap Principle**: Proposes that costly traits …',
'**Gross Sales**: This is the total revenue …'): the label is then a term to learn, however common its
words, and the gold deck asks such labels from their definitions."""


KINDS_OF = re.compile(r"\b(?:types?|kinds?|categories|forms|classes|include|includes|including|such as)\b[^.]*:\s*$", re.I)
"""A lead that introduces the kinds of something ('Common topologies include:', 'The main types of
phagocytes include:'): its labels are names of kinds."""

FRAGMENT = re.compile(r"(?:(?!(?:Understanding|Utilizing|Using|Including|Making|Having|Being|Ensuring|Creating|Providing|Ongoing)\b)"
                      r"[A-Z][a-z]+ing\s+[a-z]|(?:Useful|Ideal|Effective|Helpful|Used|Designed|Responsible)\s+(?:for|to|in)\b|"
                      r"(?:A|An)\s+(?:[a-z\-]+\s+){0,3}?[a-z\-]+\s+(?:that|which|used|for)\b)")
"""An explanation that is the rest of a definition of its label: 'Predicting continuous values', 'Useful
for comparing quantities', 'A LAN that uses wireless technology'; not a sentence of its own with a
subject ('Overfishing can lead to …'), nor a gerund of any action ('Ensuring that …')."""


FINITE = re.compile(r"\b(?:is|are|was|were|can|could|should|must|will|would|may|might)\b")


def _completes(explanation: str) -> bool:
    """FRAGMENT, and a gerund or an adjective opening no clause of its own ('Managing one's habits is
    crucial' has a subject: the gerund)."""
    m = FRAGMENT.match(explanation)
    if not m:
        return False
    return explanation.startswith(("A ", "An ")) or not FINITE.search(explanation.split(".")[0])


def _names_order(text: str) -> bool:
    """A lead's order word in its plain sense: not a capitalised part of a name ('the Transmission Control
    Protocol ensures … through several key mechanisms:'), unless it opens the lead ('Steps to …'). A
    heading is in title case: its words are taken as they are."""
    return any(m.start() == 0 or not m.group()[0].isupper() for m in ORDER_WORDS.finditer(text))


def classify(info: ListInfo, question: str) -> None:
    """Decide whether a list's order is worth learning, from what the document says about it."""
    labels = [t for _, t, _ in info.items]
    bodies = [plain(b) for _, _, b in info.items]
    votes, why = 0, []
    if (ORDER_WORDS.search(info.heading) or _names_order(info.lead)) and not OPTIONS.search(info.lead):
        votes += 2
        why.append("heading or lead names an order")
    elif ORDER_HINTS.search(info.heading) or ORDER_HINTS.search(info.lead):
        votes += 1
        why.append("heading or lead hints at an order")
    if ORDER_WORDS.search(question) and not ORDER_WORDS.search(info.heading + " " + info.lead):
        votes += 1
        why.append("question names an order")
    if SET_WORDS.search(info.heading) or SET_WORDS.search(info.lead):
        votes -= 2
        why.append("heading or lead names a set")
    elif not info.heading and SET_WORDS.search(question) and not ORDER_WORDS.search(info.lead):
        votes -= 1
        why.append("question names a set")
    if any(KINDS_ITEM.match(t) for t in labels if t):
        votes -= 2
        why.append("an item names a set")  # '… Crystallization, Types of Hemihydrate, …': an outline, not stages
    years = [int(m.group(1)) for b in (labels if any(labels) else bodies) for m in [YEAR.search(b)] if m]
    if len(years) >= 3 and years == sorted(years):
        votes += 1 if SELECTION.search(info.lead) else 2
        why.append("dates increase")
    cues = sum(bool(SEQUENCE_CUE.search(b[:80])) for b in bodies)
    if len(bodies) >= 3 and cues >= len(bodies) / 2:
        votes += 1
        why.append("items say what comes before or after")
    if not info.ordered:
        votes -= 1
    info.sequence = votes >= 2 and 3 <= len(info.items)
    info.why = "; ".join(why) or "nothing says the order matters"


def candidates(ctx: Context) -> list[Candidate]:
    out = []
    first = {}
    for s in ctx.sentences:
        if s.label_span is not None:
            first.setdefault(s.block, s)
    for info in ctx.lists:
        classify(info, ctx.question_text)
        labels = [t for _, t, _ in info.items]
        if (info.sequence and all(labels) and len(labels) <= MAX_SEQUENCE and not any(map(is_trivial, labels))
                and max(map(word_count, labels)) <= MAX_ANSWER
                and len({fold(t) for t in labels}) == len(labels)):  # 'FIN, ACK, FIN, ACK': a step no cue tells apart
            out.append(Candidate("step", " ".join(labels), None, [], key=info.key,
                                 data={"list": info, "block": info.items[0][0]}))
            continue
        siblings = [t for t in labels if t and not is_trivial(t)]
        for index, label, body in info.items:
            s = first.get(index)
            if s is None or not label or is_trivial(label) or word_count(label) > MAX_ANSWER:
                continue
            head = label.split(" of ")[0].split()[-1].strip(".,:;)")  # 'Validation of the … Model': validation
            explanation = plain(body).lstrip(" :–—-")
            generic = (commonness(label) >= GENERIC or bool(ABSTRACT.search(head)) or bool(ACTION.match(label))) \
                and not DEFINES.match(explanation) \
                and not (KINDS_OF.search(info.lead) and _completes(explanation) and commonness(label) < KIND_COMMON
                         and not label.split()[0].endswith("ing"))  # 'Investing in Infrastructure': an action, not a name
            out.append(Candidate("item", label, s, [s.label_span],
                                 key=f"{info.key} | {fold(label)}",
                                 data={"list": info, "siblings": siblings, "generic": generic}))
    return out
