"""Chosen candidates -> Cards. Each builder either makes a card that stands alone and hides what it
asks, or says in a word why it cannot (the reason `check --report` counts)."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Sequence
from functools import lru_cache
from os.path import commonprefix

from ..model import Card, Document
from ..render import blocks_html, escape, inlines_html, plain
from ..text import commonness, content_stems, find_term, fold, word_count
from .base import (BACK_REFERENCE, MAX_SENTENCE, MIN_CUE, Candidate, Context, Span, in_enumeration, slice_inlines,
                   visible_stems)

DEFAULT_BASE_URL = "https://www.quicktakes.io"
"""Where site-relative `url` fields point (change with --base-url)."""

GENERIC_STEP = 4.0
"""A step label whose words are this common (text.commonness) is what any procedure has: not asked."""

QA_WORDS = 40
"""The Q&A card's answer is the document's own summary, when it says it in this many words."""


class Refused(Exception):
    """A candidate that cannot become a good card; the message is the reason, counted by check --report."""


def card_id(doc_key: str, kind: str, key: str) -> str:
    """The stable id of a card: a hash of what it asks, never of where it stands or how it is worded."""
    digest = hashlib.blake2b(f"{doc_key}\x1f{kind}\x1f{key}".encode(), digest_size=8).hexdigest()
    return "qg" + digest


def source_url(url: str, base_url: str) -> str:
    """An absolute http(s) link to the source page, or '' when there is no safe one."""
    url = url.strip()
    if url.startswith("/") and not url.startswith("//"):
        url = base_url.rstrip("/") + url
    return url if url.lower().startswith(("https://", "http://")) and '"' not in url else ""


@lru_cache(maxsize=256)
def tags(subject: str, kind: str) -> tuple[str, ...]:
    """Anki tags: hierarchical, no spaces."""
    slug = "_".join(subject.replace('"', "").replace(",", " ").split()) or "General"
    return ("quizgen", f"quizgen::subject::{slug}", f"quizgen::kind::{kind}")


class Maker:
    """Builds one document's cards: the header, the id and the fields every card shares."""

    def __init__(self, ctx: Context, base_url: str):
        self.ctx = ctx
        self.doc: Document = ctx.doc
        self.subject_html = f'<span class="qg-subject">{escape(self.doc.subject)}</span>'
        self.source_url = source_url(self.doc.url, base_url)
        topic = inlines_html(ctx.question)  # never hides anything: no card's answer stands in the question
        self.header = f'{self.subject_html}<span class="qg-sep"> · </span><span class="qg-topic">{topic}</span>'
        """'Subject · Question', the context every cloze and step card shows"""

    def card(self, kind: str, key: str, context: str, front: str, back: str, answers: Sequence[str],
             fact: str, **fields) -> Card:
        doc = self.doc
        extra = {"fact": fact, **fields.pop("extra", {})}
        return Card(id=card_id(doc.key, kind, key), kind=kind, doc_key=doc.key, key=key, subject=doc.subject,
                    context=context, front=front, back=back, answers=tuple(answers), source_url=self.source_url,
                    date=doc.date, tags=tags(doc.subject, kind), extra=extra, **fields)

    # ------------------------------------------------------------------------------------------ cloze

    def cloze(self, c: Candidate) -> Card:
        """The candidate's sentence with its answer deleted; refused where the rest gives it away."""
        s = c.sentence
        spans = self._deletions(c)
        label = (f'<span class="qg-label">{escape(s.label)}:</span> ' if s.label else "")
        front = label + inlines_html(s.inlines, spans)
        return self.card("cloze", c.key or fold(c.answer), self.header, front, "", (c.answer,), c.fact)

    def _deletions(self, c: Candidate) -> list[Span]:
        """Where the answer is hidden in its sentence (its other occurrences too), or Refused with why
        the sentence cannot ask it."""
        s, ctx = c.sentence, self.ctx
        assert s is not None
        text, spans = s.text, list(c.spans)
        if s.words > MAX_SENTENCE:
            raise Refused("sentence too long")
        if s.announces and c.fact != "formula":
            raise Refused("announces what follows")
        if not s.joined and not s.label and BACK_REFERENCE.search(text.lstrip()):
            raise Refused("refers back")
        if c.fact == "item" and s.label_span and LEANS.match(text[s.label_span[1]:].lstrip(" :–—-")):
            raise Refused("refers back")  # '**Oryzalin**: Another chemical that …': its siblings fit too
        for span in find_term(text, c.answer):  # the answer again in its own sentence: hidden too
            if _within_number(text, span):
                continue  # '100 crore' inside '₹1,100 crore' is another number
            if not any(a < span[1] and span[0] < b for a, b in spans):
                if c.fact == "item":
                    raise Refused("label repeated")  # '[...]: [...], which govern …': two blanks, no cue
                spans.append(span)
        if any(_torn(text[a:b]) or _within_number(text, (a, b)) for a, b in spans):
            raise Refused("broken answer")  # '[CO2) levels]', '[syncopated" stage]': a cut through a bracket or a quote
        if c.fact in LISTED and _listed(text, spans[0]):
            raise Refused("one of a list")  # 'disorders such as [...]': any member of the set fits
        if '"' in c.answer or "“" in c.answer:
            raise Refused("broken answer")
        outside = " ".join(text[a:b] for a, b in _outside(text, spans))  # what the front still shows
        if c.fact == "abbreviation" and find_term(outside, c.data["abbr"]):
            raise Refused("give-away")  # '[Contingency Management (CM)]: CM is …': its letters stay in view
        want = content_stems(c.answer)
        if c.fact == "number":  # its unit may show ('65 GW from solar, [15 GW] from wind'), its figures not
            figures = _figures(c.answer)
            if figures & _figures(outside) or \
                    (want and want <= visible_stems(text, spans)):  # every word of it shown: '[1,100 crore]' by '100 crore'
                raise Refused("give-away")
            if _completes_shares(c.answer, outside):
                raise Refused("give-away")  # 'the lower [99%] … the wealthiest 1%': the rest of 100% is in view
            if figures & _figures(ctx.question_text):
                raise Refused("in the question")
            want = frozenset()
        if c.fact not in ("formula", "number"):
            shown = visible_stems(text, spans) | content_stems(s.label) | content_stems(self.doc.subject)
            if related(want, shown):
                raise Refused("give-away")
            if related(want, ctx.question_stems, siblings=False):
                raise Refused("in the question")
        if word_count(text) - sum(word_count(text[a:b]) for a, b in spans) < MIN_CUE:
            raise Refused("no cue")
        return spans

    # ------------------------------------------------------------------------------------------ mcq

    def mcq(self, c: Candidate) -> Card:
        """An item of a set, told from its explanation among three of its siblings."""
        named = fold(c.sentence.text) if c.sentence is not None else ""
        siblings = [t for t in c.data.get("siblings", ()) if fold(t) != fold(c.answer) and fold(t) not in named]
        if len(siblings) < 3:  # a choice the stem names ('unlike macrophages …') is ruled out at sight
            raise Refused("no distractors")
        spans = self._deletions(c)  # the cloze's checks: the explanation must not give the label away
        key = c.key or fold(c.answer)
        choices = [c.answer] + siblings[:3]
        random.Random(card_id(self.doc.key, "mcq", key)).shuffle(choices)
        s = c.sentence
        cut = s.label_span[1] if s.label_span else 0
        rest = s.text[cut:]
        cut += len(rest) - len(rest.lstrip(" :–—-"))
        stem = inlines_html(slice_inlines(s.inlines, cut, len(s.text)),
                            [(a - cut, b - cut) for a, b in spans if a >= cut], blank=True)
        front = ('<div class="qg-prompt">Which one is described?</div>'
                 f"<p>{stem}</p><ol class=\"qg-choices\">"
                 + "".join(f"<li>{escape(x)}</li>" for x in choices) + "</ol>")
        return self.card("mcq", key, self.header, front,
                         f"<p><b>{escape(c.answer)}</b></p>", (c.answer,), c.fact, choices=tuple(choices))

    # ------------------------------------------------------------------------------------------ sequence

    def sequence(self, c: Candidate) -> list[Card]:
        """Overlapping clozes over an ordered list: each step shown after the one before it, the rest
        hidden behind '…', so the learner recalls the order one step at a time.

        Each step is a note of its own, keyed by its list and label, not a card of one note per list (as
        the Cloze Overlapper add-on makes them): a card of a note is its position in the note, so a step
        inserted into the list would hand every later step's review history to its neighbour."""
        info = c.data["list"]
        labels = [t for _, t, _ in info.items]
        name = info.heading  # without one, the list is the question's, already in the header
        cards = []
        for n, label in enumerate(labels):
            if n == 0:
                continue  # nothing before it to cue it: the list's name alone asks for anything
            want = content_stems(label)
            if commonness(label) >= GENERIC_STEP:
                continue  # 'Preparation', 'Interpretation': guessable from any procedure
            if BRANCH.match(plain(info.items[n][2]).lstrip(" :–—-")):
                continue  # '**Troubleshooting**: If the route does not appear, …': a branch, not a stage
            others = (content_stems(" ".join(labels[n - 1:n])) | content_stems(info.heading)
                      | self.ctx.question_stems | content_stems(self.doc.subject))
            if not want or related(want, others):
                continue  # named by the step before, the list, the question or the subject
            items = []
            for i, other in enumerate(labels):
                if i == n:
                    items.append("<li>{{c1::%s}}</li>" % escape(other))
                elif i == n - 1:
                    items.append(f"<li>{escape(other)}</li>")
                else:
                    items.append("<li>…</li>")
            prompt = f"Step {n + 1} of {len(labels)}" + (f": <i>{escape(name)}</i>" if name else "")
            front = f'<div class="qg-prompt">{prompt}</div><ol class="qg-seq">{"".join(items)}</ol>'
            key = f"{info.key} | {fold(label)}"
            cards.append(self.card("sequence", key, self.header, front, "", (label,), "step",
                                   extra={"step": n + 1, "steps": len(labels)}))
        if not cards:
            raise Refused("steps named by their list")
        return cards

    # ------------------------------------------------------------------------------------------ qa

    def qa(self, everything: bool = False) -> Card:
        """The question -> the document's own short answer; the whole answer folded under it. With
        `everything`, made even for a question with no short answer (the whole answer is its back)."""
        doc = self.doc
        short = _short_answer(doc)
        if not short and not everything:
            raise Refused("no short answer")
        details = blocks_html(doc.blocks)
        return self.card("qa", "", self.subject_html, inlines_html(self.ctx.question), short, (), "qa",
                         details=details)


def _torn(hidden: str) -> bool:
    """A hidden span that opens or closes a bracket or a quote it does not hold whole."""
    return any(hidden.count(o) != hidden.count(c) for o, c in ("()", "[]", "“”")) or hidden.count('"') % 2 == 1


BRANCH = re.compile(r"(?:if|in case|should|unless)\b", re.I)
"""A step whose explanation opens like this is what to do should something happen, not a stage of the
order: its place in the list is arbitrary. ('When' opens stages too: 'When ventricular pressure exceeds
…, the valves open'.)"""

LISTED = {"abbreviation", "definition"}
"""Kinds whose answer, when it is one example of a set, is ambiguous."""
_SUCH_AS = re.compile(r"\b(?:such as|like|including|e\.g\.,?|for example,?)\s*$", re.I)


def _listed(text: str, span: Span) -> bool:
    return bool(_SUCH_AS.search(text[max(0, span[0] - 20):span[0]])) or in_enumeration(text, *span)


LEANS = re.compile(r"(?:(?:this|it)\s+is\s+(?:also\s+)?)?(?:another|also|similarly|likewise|the same|other)\b", re.I)
"""An item's explanation that opens like this describes it by its siblings ('This is another area where …')."""


def related(answer: frozenset, shown: frozenset, siblings: bool = True) -> bool:
    """Whether a learner can read the answer off what is shown: a shared stem, or one word built from the
    other ('falsifiable' from 'false', 'undercapitalization' from 'capital', 'tokenism' from 'tokens',
    'acid' from 'oxoacid'), a long shared start ('apoptosis' from 'apoptotic') or, with `siblings`, a
    long shared end: a sibling term beside the answer ('[phytoplankton], eaten by zooplankton') gives
    its ending away, but a question about endocytosis does not make 'phagocytosis' its own word."""
    if answer & shown:
        return True
    for a in answer:
        for b in shown:
            short, long = (a, b) if len(a) <= len(b) else (b, a)
            if len(short) >= 4 and (long.startswith(short) or (len(short) >= 5 and short in long)):
                return True
            if len(a) >= 4 and b.endswith(a):  # a shown word built on the answer: 'oxoacids' shows 'acid'
                return True
            if len(short) >= 6 and len(long) - len(short) <= 1 and _one_letter_apart(short, long):
                return True  # 'oxoacid' shows 'oxyacid'
            if siblings and len(a) == len(b) >= 4 and a[:-1] == b[:-1] and a.isalpha() and b.isalpha():
                return True  # '[padx] and pady', '[ipadx] and ipady': a sibling that differs in its last letter
            if len(short) >= 7 and (_prefix(short, long) >= max(6, 0.75 * len(short))
                                    or (siblings and _prefix(short[::-1], long[::-1]) >= 7)):
                return True  # 'apoptotic' shows 'apoptosis', 'zooplankton' 'phytoplankton'
    return False


def _prefix(a: str, b: str) -> int:
    return len(commonprefix((a, b)))


def _one_letter_apart(a: str, b: str) -> bool:
    """a and b differ by one letter changed, added or removed (len(b) - len(a) is 0 or 1)."""
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


META = re.compile(r"^\s*(?:this|the)\s+(?:content|article|text|page|answer|guide|overview|piece|post|section)\b|"
                  r"^\s*(?:explore|discover|learn|understand|an overview|a look)\b|"
                  r"\b(?:discusses|explores|delves into|outlines|examines|this content)\b", re.I)
"""A summary about the document rather than of what it says ('This content discusses …')."""

MANY = re.compile(r"^\s*(?:what|which|how)\s+(?:are|were|do|does|can|could|should|is|did)\s+(?:the\s+|some\s+)?"
                  r"(?:(?:key|main|major|primary|different|various|common|best|most|important|significant)\s+)*"
                  r"(?:ways|steps|types|factors|benefits|advantages|elements|aspects|strategies|practices|roles|"
                  r"methods|differences|components|features|effects|implications|stages|reasons|challenges)\b|"
                  r"\?.*\?|\band (?:what|how|why|which|when|where)\b|^\s*(?:can you|could you|please)\b", re.I)
"""A question that asks for a list, or for two things, or a request: no short answer is one fact."""


def _answers_it(text: str) -> bool:
    """A short text that says something itself: not a blurb about the document, not an opening that
    ends with ':' before the list that does the answering."""
    return 8 <= word_count(text) <= QA_WORDS and not META.search(text) and not text.rstrip().endswith(":")


ONE_THING = re.compile(r"^(?!.*\band\b)\s*(?:what\s+(?:is|was)\s+(?!(?:(?:a|an|the)\s+)?(?:procedure|process|role|purpose|"
                       r"significance|importance|impact|effects?|difference|relationship|functions?|mechanism|history|"
                       r"definition|meaning|steps?|stages?|types?|benefits?)\b)(?:(?:a|an|the)\s+)?[^,?]{1,60}\??\s*$|"
                       r"what\s+(?:are|were)\s+(?!the\b|some\b|its\b|their\b)[^,?]{1,60}\??\s*$|"
                       r"(?:define|who\s+(?:is|was)|what\s+does\s+\S+\s+(?:mean|stand for))\b)", re.I)
"""A question with one short answer: 'What is a sarcomere?', 'What are prions?', 'Define osmosis', 'Who
was Ada Lovelace?'; not one that asks for a set ('What are the signs of …?', 'What is the procedure
for …?', 'What is the role of …?') or two things ('Define X and explain …'): a reading of 18 held-out
Q&A cards judged 15 of those whole articles to recite."""


SEVERAL = re.compile(r"\b(?:contributions|process(?:es)?|procedures?|mechanisms?|basis|focus|definition|criteria|"
                     r"stages|steps|historical\s+(?:context|background)|significance|epidemiology|legacy|formulation|"
                     r"equations?|formula|involvement|overview|evolution)\b", re.I)
"""Words anywhere in a question that ask for an account of several things ('What were Copernicus's
contributions …?', 'What is the formation process of …?', 'What is the legal definition of disability
…?', 'What is the historical context / epidemiology / legacy of …?': held-out readings judged 5 of 13
and 6 of 12 Q&A cards whole answers to recite), or for a formula a description never holds."""


def _short_answer(doc: Document) -> str:
    """The best short answer the document gives: its description, its summary or its lead's first
    sentences, whichever says it in QA_WORDS words."""
    if MANY.search(doc.question) or not ONE_THING.search(doc.question) or SEVERAL.search(doc.question):
        return ""
    if doc.description and _answers_it(doc.description):
        return f"<p>{escape(doc.description)}</p>"
    return ""  # a lead or an "In summary" paragraph was judged an intro or a vague summary 5 times in 6


FIGURE = re.compile(r"(?<![^\W\d_])\d+(?:[.,]\d+)*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                    r"twenty|thirty|forty|fifty|hundred|thousand|million|billion)\b", re.I)


def _figures(text: str) -> frozenset:
    """The numbers a text states, whole: '1,100' is not '100', 'four' is a number too, the '2' of 'SaO2' none."""
    return frozenset(m.group().lower() for m in FIGURE.finditer(text))


PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%")


def _completes_shares(answer: str, shown: str) -> bool:
    """A percentage that the shown ones make up to 100 ('lower 99% … wealthiest 1%'; '39% from the Centre,
    40% from the States and 21% private'): subtraction gives it away."""
    hidden = [float(x) for x in PERCENT.findall(answer)]
    if len(hidden) != 1:
        return False
    others = [float(x) for x in PERCENT.findall(shown)]
    total = hidden[0] + sum(others)
    return any(abs(hidden[0] + q - 100) < 1e-6 for q in others) or (len(others) >= 2 and abs(total - 100) < 1e-6)


def _outside(text: str, spans: list[Span]) -> list[Span]:
    """The parts of text that no span hides."""
    out, pos = [], 0
    for a, b in sorted(spans):
        out.append((pos, a))
        pos = max(pos, b)
    return out + [(pos, len(text))]


def _within_number(text: str, span: Span) -> bool:
    """text[span] is the tail or head of a longer number ('1,[100]', '[3].5')."""
    a, b = span
    return (text[a - 1:a] in (",", ".") and text[a - 2:a - 1].isdigit()) or \
        (text[b:b + 1] in (",", ".") and text[b + 1:b + 2].isdigit())
