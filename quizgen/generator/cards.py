"""Chosen candidates -> Cards. Each builder either makes a card that stands alone and hides what it
asks, or says in a word why it cannot (the reason `check --report` counts)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from functools import lru_cache

from ..model import Card, Document
from ..render import blocks_html, escape, inlines_html, plain
from ..text import content_stems, find_term, fold, word_count
from .base import BACK_REFERENCE, MAX_SENTENCE, MIN_CUE, Candidate, Context, Span, slice_inlines, visible_stems

DEFAULT_BASE_URL = "https://www.quicktakes.io"
"""Where site-relative `url` fields point (change with --base-url)."""

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

    def header(self, hidden: Sequence[Span] = (), blank: bool = False) -> str:
        """'Subject · Question', with the given spans of the question hidden in the card's deletion."""
        topic = inlines_html(self.ctx.question, hidden, blank=blank)
        return f'{self.subject_html}<span class="qg-sep"> · </span><span class="qg-topic">{topic}</span>'

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
        s, ctx = c.sentence, self.ctx
        assert s is not None
        text, spans = s.text, list(c.spans)
        if s.words > MAX_SENTENCE:
            raise Refused("sentence too long")
        if s.announces and c.fact != "formula":
            raise Refused("announces what follows")
        if not s.joined and not s.label and BACK_REFERENCE.match(text.lstrip()):
            raise Refused("refers back")
        for span in find_term(text, c.answer):  # the answer again in its own sentence: hidden too
            if not any(a < span[1] and span[0] < b for a, b in spans):
                spans.append(span)
        want = content_stems(c.answer)
        hidden_q: list[Span] = []
        if c.fact != "formula":
            shown = visible_stems(text, spans) | content_stems(s.label)
            if want & shown:
                raise Refused("give-away")
            if want & ctx.question_stems:
                hidden_q = find_term(ctx.question_text, c.answer) if c.hide_in_question else []
                if not hidden_q or want & visible_stems(ctx.question_text, hidden_q):
                    raise Refused("in the question")
        if word_count(text) - sum(word_count(text[a:b]) for a, b in spans) < MIN_CUE:
            raise Refused("no cue")
        label = (f'<span class="qg-label">{escape(s.label)}:</span> ' if s.label else "")
        front = label + inlines_html(s.inlines, spans)
        return self.card("cloze", c.key or fold(c.answer), self.header(hidden_q), front, "", (c.answer,), c.fact)

    # ------------------------------------------------------------------------------------------ mcq

    def mcq(self, c: Candidate) -> Card:
        """An item of a set, told from its explanation among three of its siblings."""
        siblings = [t for t in c.data.get("siblings", ()) if fold(t) != fold(c.answer)]
        if len(siblings) < 3:
            raise Refused("no distractors")
        card = self.cloze(c)  # the same checks: the explanation must not give the label away
        key = c.key or fold(c.answer)
        choices = [c.answer] + siblings[:3]
        random.Random(card_id(self.doc.key, "mcq", key)).shuffle(choices)
        s = c.sentence
        cut = s.label_span[1] if s.label_span else 0
        rest = s.text[cut:]
        cut += len(rest) - len(rest.lstrip(" :–—-"))
        stem = inlines_html(slice_inlines(s.inlines, cut, len(s.text)))
        front = ('<div class="qg-prompt">Which one is described?</div>'
                 f"<p>{stem}</p><ol class=\"qg-choices\">"
                 + "".join(f"<li>{escape(x)}</li>" for x in choices) + "</ol>")
        return self.card("mcq", key, card.context.replace("{{c1::", "").replace("}}", ""), front,
                         f"<p><b>{escape(c.answer)}</b></p>", (c.answer,), c.fact, choices=tuple(choices))

    # ------------------------------------------------------------------------------------------ sequence

    def sequence(self, c: Candidate) -> list[Card]:
        """Overlapping clozes over an ordered list: each step shown after the one before it, the rest
        hidden behind '…', so the learner recalls the order one step at a time."""
        info = c.data["list"]
        labels = [t for _, t, _ in info.items]
        name = info.heading or self.ctx.question_text
        cards = []
        for n, label in enumerate(labels):
            want = content_stems(label)
            others = content_stems(" ".join(labels[n - 1:n])) | content_stems(info.heading)
            if want and want <= others:
                continue
            items = []
            for i, other in enumerate(labels):
                if i == n:
                    items.append("<li>{{c1::%s}}</li>" % escape(other))
                elif i == n - 1:
                    items.append(f"<li>{escape(other)}</li>")
                else:
                    items.append("<li>…</li>")
            prompt = f"Step {n + 1} of {len(labels)}: <i>{escape(name)}</i>"
            front = f'<div class="qg-prompt">{prompt}</div><ol class="qg-seq">{"".join(items)}</ol>'
            key = f"{info.key}\x1e{fold(label)}"
            cards.append(self.card("sequence", key, self.header(), front, "", (label,), "step",
                                   extra={"step": n + 1, "steps": len(labels), "note": f"{info.key}",
                                          "ord": n + 1}))
        if not cards:
            raise Refused("steps named by their list")
        return cards

    # ------------------------------------------------------------------------------------------ qa

    def qa(self) -> Card:
        """The question -> the document's own short answer; the whole answer folded under it."""
        doc = self.doc
        short = _short_answer(doc)
        if not short:
            raise Refused("no short answer")
        details = blocks_html(doc.blocks)
        return self.card("qa", "", self.subject_html, inlines_html(self.ctx.question), short, (), "qa",
                         details=details)


def _short_answer(doc: Document) -> str:
    """The best short answer the document gives: its description, its summary or its lead's first
    sentences, whichever says it in QA_WORDS words."""
    if doc.description and 8 <= word_count(doc.description) <= QA_WORDS:
        return f"<p>{escape(doc.description)}</p>"
    summary = plain(doc.summary)
    if summary and word_count(summary) <= QA_WORDS:
        return f"<p>{inlines_html(doc.summary)}</p>"
    if doc.lead and word_count(doc.lead[0].text) <= QA_WORDS:
        return f"<p>{inlines_html(doc.lead[0].inlines)}</p>"
    return ""
