"""Generator: Document -> Cards. Each card kind is one small function over the parsed document.

Rules every kind follows (Wozniak's rules of formulating knowledge, made checkable):
- a stable id from (document key, kind, key), never from the card's text, so rebuilds update in place;
- a cloze never shows its own answer elsewhere on the front: other occurrences are hidden under the
  same deletion, and where the answer's words would still all be visible, one of them is hidden too;
- no trivial deletions (stopwords, bare numbers, punctuation) and no cloze of a long "term";
- short fronts: a cloze shows the sentence that carries its answer, not the whole paragraph;
- context (subject and question) on every card, the source on its back.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .model import CARD_KINDS, DEFAULT_KINDS, Block, Card, Document, Inline
from .parser import blocks_of, strong_runs
from .render import blocks_html, escape, inlines_html, plain
from .text import (
    content_stems,
    find_term,
    fold,
    is_abbreviation,
    is_trivial,
    sentence_spans,
    stem_index,
    term_stems,
    tokens,
    word_count,
    words,
)

Span = tuple[int, int]

MAX_TERM_WORDS = 8
"""A bold term or keyword longer than this is a Q&A card's business, not a cloze's."""

LONG_SENTENCE = 45
"""Words after which a cloze sentence is cut down to a window around its answer."""

BACK_WORDS = 150
"""A cloze's whole step or paragraph goes on its back up to this length."""

MAX_SEQUENCE = 20
"""Longest list learnt as a sequence: past this, order is not a fact anyone learns step by step."""

MAX_PER_KIND = 100
"""Most cards of one kind one document makes (real ones make under 20): a bound on the work a hostile
document can ask for."""

DEFAULT_BASE_URL = "https://www.quicktakes.io"
"""Where site-relative `url` fields point (change with --base-url)."""


@dataclass(slots=True, frozen=True)
class Options:
    """What to generate."""

    kinds: frozenset[str] = frozenset(DEFAULT_KINDS)
    """card kinds to make"""
    base_url: str = DEFAULT_BASE_URL
    """prefix for site-relative source urls"""


def card_id(doc_key: str, kind: str, key: str) -> str:
    """The stable id of a card: a hash of where it comes from, never of what it says."""
    digest = hashlib.blake2b(f"{doc_key}\x1f{kind}\x1f{key}".encode(), digest_size=8).hexdigest()
    return "qg" + digest


def generate(doc: Document, options: Options = Options()) -> list[Card]:
    """All cards of one document, in a fixed order: qa, step, cloze, sequence, keyword, mcq."""
    ctx = _Context(doc, options)
    cards: list[Card] = []
    for kind in CARD_KINDS:
        if kind in options.kinds:
            cards.extend(_KINDS[kind](ctx))
    return cards


# ---------------------------------------------------------------------------------------------- shared


@dataclass(slots=True)
class _Context:
    """Per-document facts every card kind needs, computed once."""

    doc: Document
    options: Options
    question: tuple[Inline, ...] = ()  # the question as inline runs (it may hold math or bold)
    question_text: str = ""  # ... and as plain text
    subject_html: str = ""
    source_url: str = ""
    sentences: dict = field(default_factory=dict)  # block index -> sentence spans
    rendered: dict = field(default_factory=dict)  # block index -> its HTML
    prose: list = field(default_factory=list)  # (block index, inlines, block, plain text) clozes come from
    bold: list | None = None  # every bold run of the prose and headings, found on first use
    plain_header: str = ""  # the header with nothing hidden
    clozed: set = field(default_factory=set)  # folded answers already clozed: a keyword card does not repeat one

    def __post_init__(self):
        doc = self.doc
        parsed = blocks_of(doc.question)
        self.question = parsed[0].inlines if parsed and parsed[0].inlines else (Inline("text", doc.question),)
        self.question_text = plain(self.question)
        self.subject_html = f'<span class="qg-subject">{escape(doc.subject)}</span>'
        self.source_url = source_url(doc.url, self.options.base_url)
        self.prose = _prose(doc)

    def prose_with(self, term: str) -> list[tuple[int, tuple[Inline, ...], Block, str]]:
        """The runs of prose that can hold `term`: those with its first word's stem (all, for an abbreviation)."""
        if is_abbreviation(term):
            return [p for p in self.prose if term.strip() in p[3]]
        stems = term_stems(term)
        if not stems:
            return []
        return [p for p in self.prose if stems[0] in stem_index(p[3])]

    def bold_occurrences(self) -> list[tuple[int, tuple[Inline, ...], Block, str, Span, str]]:
        """_bold_occurrences, read once: the Q&A and cloze cards both go through them."""
        if self.bold is None:
            self.bold = list(_bold_occurrences(self))
        return self.bold

    def card(self, kind: str, key: str, context: str, front: str, back: str = "", answers: Sequence[str] = (),
             **extra) -> Card:
        doc = self.doc
        return Card(
            id=card_id(doc.key, kind, key), kind=kind, doc_key=doc.key, key=key, subject=doc.subject,
            context=context, front=front, back=back, answers=tuple(answers), source_url=self.source_url,
            date=doc.date, tags=tags(doc.subject, kind), **extra,
        )

    def header(self, hidden: Sequence[Span] = (), blank: bool = False) -> str:
        """'Subject · Question', with the given spans of the question hidden in the card's deletion."""
        if not hidden and self.plain_header:
            return self.plain_header
        topic = inlines_html(self.question, hidden, blank=blank)
        html = f'{self.subject_html}<span class="qg-sep"> · </span><span class="qg-topic">{topic}</span>'
        if not hidden:
            self.plain_header = html
        return html

    def block_html(self, index: int, block: Block) -> str:
        if index not in self.rendered:
            self.rendered[index] = blocks_html([block])
        return self.rendered[index]

    def sentence_spans(self, index: int, text: str) -> list[Span]:
        if index not in self.sentences:
            self.sentences[index] = sentence_spans(text)
        return self.sentences[index]


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


def _slice(inlines: Sequence[Inline], start: int, end: int) -> tuple[Inline, ...]:
    """The runs covering characters [start, end) of the runs' plain text (math and code stay whole)."""
    out, pos = [], 0
    for inline in inlines:
        a, b = pos, pos + len(inline.text)
        pos = b
        if b <= start or a >= end:
            continue
        if inline.kind != "text" or (a >= start and b <= end):
            out.append(inline)
        else:
            text = inline.text[max(start, a) - a:min(end, b) - a]
            out.append(Inline(inline.kind, text, inline.strong, inline.em, inline.href))
    return tuple(out)


def _shift(spans: Iterable[Span], by: int) -> list[Span]:
    return [(a - by, b - by) for a, b in spans]


def _hidden(token: tuple[int, int, str, str], spans: Sequence[Span]) -> bool:
    start, end = token[0], token[1]
    for a, b in spans:  # a loop, not any(): this runs for every word of every front
        if a < end and start < b:
            return True
    return False


def conceal(parts: list[str], hidden: list[list[Span]], answers: Iterable[str], fixed: str = "") -> bool:
    """Hide, in place, whatever would give the answers away on a front made of `parts` (and `fixed`,
    text such as the subject that is always shown). False when an answer cannot be kept hidden.

    Every other occurrence of an answer is hidden; if all of an answer's meaningful words are still
    visible somewhere on the front, the rarest of them that can be hidden is hidden wherever it appears.
    """
    always = content_stems(fixed)
    fronts = [(tokens(text), stem_index(text), spans) for text, spans in zip(parts, hidden)]

    def visible(stem: str) -> list[tuple[list[Span], Span]]:
        """(the part's hidden spans, where a word with this stem stands unhidden) for the whole front"""
        return [(spans, toks[i][:2]) for toks, index, spans in fronts for i in index.get(stem, ())
                if not _hidden(toks[i], spans)]

    for answer in answers:
        for text, spans in zip(parts, hidden):
            spans.extend(find_term(text, answer))
        want = content_stems(answer)
        if not want:
            continue
        seen = dict.fromkeys(want & always, 1 << 30)
        for s in want:
            if n := len(visible(s)):
                seen[s] = seen.get(s, 0) + n
            elif s not in seen:  # a word of the answer nowhere to be seen: it is kept hidden
                break
        else:  # every word of the answer can be read somewhere on the front
            if want <= always:
                return False
            rarest = min(sorted(seen), key=lambda s: seen[s])
            for spans, span in visible(rarest):
                spans.append(span)
    return True


def _window(inlines: tuple[Inline, ...], text: str, hidden: list[Span]) -> tuple[tuple[Inline, ...], list[Span]]:
    """Cut a long sentence (`text` is its plain text) down to about LONG_SENTENCE words around its first
    deletion."""
    ws = words(text)
    first = min(a for a, _ in hidden)
    at = next((i for i, (a, b, _) in enumerate(ws) if b > first), 0)
    lo = max(0, at - LONG_SENTENCE // 2)
    hi = min(len(ws), lo + LONG_SENTENCE)
    lo = max(0, hi - LONG_SENTENCE)
    start = ws[lo][0] if lo else 0
    end = ws[hi - 1][1] if hi < len(ws) else len(text)
    inner = [(max(a, start), min(b, end)) for a, b in hidden if a < end and b > start]
    cut = _slice(inlines, start, end)
    lead = (Inline("text", "… "),) if start else ()
    tail = (Inline("text", " …"),) if end < len(text) else ()
    return lead + cut + tail, _shift(inner, start - len("… ") * bool(start))


def _term_ok(term: str) -> bool:
    return bool(term) and not is_trivial(term) and word_count(term) <= MAX_TERM_WORDS


def _cloze_front(ctx: _Context, body: tuple[Inline, ...], primary: list[Span], answers: Sequence[str],
                 prefix: str = "") -> tuple[str, str] | None:
    """(context, front) of a cloze whose deletion is `primary` in `body`; None if nothing is left to see."""
    text = plain(body)
    if primary and word_count(text) > LONG_SENTENCE:
        body, primary = _window(body, text, primary)
        text = plain(body)
    parts = [ctx.question_text, text]
    hidden: list[list[Span]] = [[], list(primary)]
    if not conceal(parts, hidden, answers, ctx.doc.subject) or all(_hidden(t, hidden[1]) for t in tokens(parts[1])):
        return None
    return ctx.header(hidden[0]), prefix + inlines_html(body, hidden[1])


# ---------------------------------------------------------------------------------------------- kinds


def qa_cards(ctx: _Context) -> list[Card]:
    """The question -> a concise answer (the lead and the list of step terms); the whole answer folded."""
    doc = ctx.doc
    back = "".join(f"<p>{inlines_html(b.inlines)}</p>" for b in doc.lead[:1])
    for section in doc.sections:
        terms = [s.term for s in section.steps if s.term]
        if terms:
            title = f"<h4>{escape(section.heading)}</h4>" if section.heading and len(doc.sections) > 1 else ""
            back += title + "<ol>" + "".join(f"<li>{escape(t)}</li>" for t in terms) + "</ol>"
    if not back and doc.summary:
        back = f"<p>{inlines_html(doc.summary)}</p>"
    details = blocks_html(doc.blocks)
    return [ctx.card("qa", "", ctx.subject_html, inlines_html(ctx.question), back or details, (),
                     details=details if back else "")] + _long_term_cards(ctx)


def _long_term_cards(ctx: _Context) -> list[Card]:
    """A bold phrase too long for a cloze (more than MAX_TERM_WORDS words) is asked as a Q&A card:
    its sentence with a blank -> the phrase."""
    cards, wanted = [], {fold(t): n for n, t in enumerate(ctx.doc.bold_terms)
                         if not is_trivial(t) and word_count(t) > MAX_TERM_WORDS}
    for index, inlines, _, text, span, term in ctx.bold_occurrences():
        if fold(term) not in wanted or len(cards) >= MAX_PER_KIND:
            continue
        n = wanted.pop(fold(term))
        a, b = _sentence_at(ctx, index, text, span)
        front = ('<div class="qg-prompt">Complete the statement:</div>'
                 f"<p>{inlines_html(_slice(inlines, a, b), [(span[0] - a, span[1] - a)], blank=True)}</p>")
        cards.append(ctx.card("qa", f"term.{n}", ctx.header(), front, f"<p><b>{escape(term)}</b></p>", (term,)))
    return cards


def _bold_occurrences(ctx: _Context):
    """(block index, inlines, block, plain text, span of the term, term) for each bold run of the prose,
    then of its headings (a term is clozed where it first stands in running text, if it does)."""
    headings = [(i, b.inlines, b, plain(b.inlines)) for i, b in enumerate(ctx.doc.blocks) if b.kind == "heading"]
    for index, inlines, block, text in ctx.prose + headings:
        offsets = [0]
        for x in inlines:
            offsets.append(offsets[-1] + len(x.text))
        for first, last, term in strong_runs(inlines):
            a, b = offsets[first], offsets[last]
            raw = text[a:b]
            span = (a + len(raw) - len(raw.lstrip()), a + len(raw.rstrip().rstrip(":").rstrip()))
            yield index, inlines, block, text, span, term


def _following(ctx: _Context, index: int) -> tuple[Inline, ...]:
    """The first sentence of the text after block `index`: context for a term that stands alone
    ('### **Avoid Abbreviations**', '1. **Central Nervous System**:' with only bullets under it)."""
    blocks = ctx.doc.blocks
    for at in range(index + 1, min(index + 3, len(blocks))):
        block = blocks[at]
        if block.kind in ("paragraph", "item"):
            text = plain(block.inlines)
            a, b = (ctx.sentence_spans(at, text) or [(0, len(text))])[0]
            return _slice(block.inlines, a, b)
        if block.kind != "heading":
            break
    return ()


def step_cards(ctx: _Context) -> list[Card]:
    """One card per step with a bold term: the term, in the context of its list -> what the step says."""
    cards = []
    for si, section in enumerate(ctx.doc.sections):
        name = section.heading
        for step in section.steps:
            if not step.term or not plain(step.body).strip() or len(cards) >= MAX_PER_KIND:
                continue
            where = f" of <i>{escape(name)}</i>" if name else ""
            front = (f'<div class="qg-prompt">Step {step.number} of {len(section.steps)}{where}</div>'
                     f'<div class="qg-term"><b>{escape(step.term)}</b></div>'
                     '<div class="qg-ask">What happens in this step?</div>')
            back = f"<p>{inlines_html(step.body)}</p>" + _subitems_html(step.subitems)
            cards.append(ctx.card("step", f"{si}.{step.number}", ctx.header(), front, back, (plain(step.body),)))
    return cards


def _subitems_html(blocks: Sequence[Block]) -> str:
    return blocks_html(replace(b, depth=b.depth - 1) for b in blocks) if blocks else ""


def _prose(doc: Document) -> list[tuple[int, tuple[Inline, ...], Block, str]]:
    """Every run of text a cloze can be cut from (paragraphs, list items, table rows) in order, with its
    plain text."""
    out = []
    for i, block in enumerate(doc.blocks):
        if block.kind in ("paragraph", "item"):
            out.append((i, block.inlines, block, plain(block.inlines)))
        elif block.kind == "table":
            for r, row in enumerate(block.rows[1:], 1):
                cells: list[Inline] = []
                for n, cell in enumerate(row):
                    if n:
                        cells.append(Inline("text", " — "))
                    cells.extend(cell)
                out.append((i * 1000 + r, tuple(cells), block, plain(cells)))
    return out


def _sentence_at(ctx: _Context, index: int, text: str, span: Span) -> tuple[int, int]:
    """The sentence of a block's text that holds `span`, grown to a neighbour when it is a mere fragment."""
    spans = ctx.sentence_spans(index, text) or [(0, len(text))]
    for n, (a, b) in enumerate(spans):
        if a <= span[0] < b or (n == len(spans) - 1):
            if word_count(text[a:b]) - word_count(text[span[0]:span[1]]) < 4 and n + 1 < len(spans):
                b = spans[n + 1][1]
            return a, b
    return 0, len(text)


def _step_prefix(block: Block) -> str:
    if block.kind != "item" or not block.ordered or block.depth != 1:
        return ""
    return f'<span class="qg-step">{block.number}.</span> '


def cloze_cards(ctx: _Context) -> list[Card]:
    """Each bold term, hidden in the sentence (or step) where it first appears."""
    doc, cards = ctx.doc, []
    wanted = {fold(t): n for n, t in enumerate(doc.bold_terms) if _term_ok(t)}
    done: set[str] = set()
    for index, inlines, block, text, span, term in ctx.bold_occurrences():
        key = fold(term)
        if key not in wanted or key in done:
            continue
        if len(cards) >= MAX_PER_KIND:
            break
        a, b = _sentence_at(ctx, index, text, span)
        body = _slice(inlines, a, b)
        if word_count(plain(body)) - word_count(term) < 3:  # a bare term: let the text after it speak
            body += (Inline("break", "\n"),) + _following(ctx, index)
        made = _cloze_front(ctx, body, [(span[0] - a, span[1] - a)], [term], _step_prefix(block))
        if made is None:
            continue
        done.add(key)
        ctx.clozed.add(key)
        # the whole step or paragraph on the back, when the front showed only part of it
        partial = (a, b) != (0, len(text)) and block.kind != "table" and word_count(text) <= BACK_WORDS
        back = ctx.block_html(index, block) if partial else ""
        cards.append(ctx.card("cloze", str(wanted[key]), made[0], made[1], back, (term,)))
    return cards


def _label(step) -> tuple[Inline, ...]:
    """What a step is called in its sequence: its term, or else the first sentence of its text."""
    if step.term:
        return (Inline("text", step.term),)
    text = plain(step.body)
    spans = sentence_spans(text)
    if not spans:
        return ()
    a, b = spans[0]
    b = a + len(text[a:b].rstrip().rstrip(".:"))
    return _slice(step.body, a, b)


def sequence_cards(ctx: _Context) -> list[Card]:
    """Overlapping clozes for each numbered list of 3+ steps, and one card for the whole list."""
    doc, cards = ctx.doc, []
    for si, section in enumerate(doc.sections):
        labels = [_label(s) for s in section.steps]
        texts = [plain(x).strip() for x in labels]
        if not 3 <= len(labels) <= MAX_SEQUENCE or any(is_trivial(t) for t in texts):
            continue
        name = (Inline("text", section.heading),) if section.heading else ()
        for n in range(len(labels) + 1):
            whole = n == len(labels)
            hide = set(range(len(labels))) if whole else {n}
            shown = hide | ({n - 1} if 0 < n < len(labels) else set())
            answers = [texts[i] for i in sorted(hide)]
            hidden: list[list[Span]] = [[(0, len(plain(x)))] if i in hide else [] for i, x in enumerate(labels)]
            head, title = [], []
            parts = [ctx.question_text, plain(name)] + [plain(labels[i]) for i in sorted(shown)]
            spans = [head, title] + [hidden[i] for i in sorted(shown)]
            if not conceal(parts, spans, answers, doc.subject):
                continue
            items = "".join(f"<li>{inlines_html(x, hidden[i]) if i in shown else '…'}</li>"
                            for i, x in enumerate(labels))
            prompt = "Put in order" if whole else f"Step {n + 1} of {len(labels)}"
            if name:  # without a heading the sequence is the question's, already in the header
                prompt += f": <i>{inlines_html(name, title)}</i>"
            front = f'<div class="qg-prompt">{prompt}</div><ol class="qg-seq">{items}</ol>'
            key = f"{si}.all" if whole else f"{si}.{n + 1}"
            cards.append(ctx.card("sequence", key, ctx.header(head), front, "", answers,
                                  extra={"step": None if whole else n + 1, "steps": len(labels)}))
    return cards


def keyword_cards(ctx: _Context) -> list[Card]:
    """Each keyword that occurs in the answer, hidden in the best sentence that carries it."""
    doc, cards = ctx.doc, []
    bold = {fold(t) for t in doc.bold_terms} if "cloze" in ctx.options.kinds else set()
    for kw in doc.keywords[:MAX_PER_KIND]:
        if not _term_ok(kw) or fold(kw) in bold or fold(kw) in ctx.clozed:
            continue
        best = None
        for index, inlines, block, text in ctx.prose_with(kw):
            for span in find_term(text, kw):
                a, b = _sentence_at(ctx, index, text, span)
                n = word_count(text[a:b])
                score = (3 * (fold(text[span[0]:span[1]]) == fold(kw)) + (8 <= n <= 40) * 2 + (5 <= n <= 60)
                         + (block.kind == "paragraph") * 0.5 - index * 1e-6)
                if best is None or score > best[0]:
                    best = (score, index, inlines, block, span, (a, b))
        if best is None:
            continue
        _, index, inlines, block, span, (a, b) = best
        surface = plain(inlines)[span[0]:span[1]]
        made = _cloze_front(ctx, _slice(inlines, a, b), [(span[0] - a, span[1] - a)],
                            [surface] if fold(surface) == fold(kw) else [surface, kw],
                            _step_prefix(block))
        if made is None:
            continue
        ctx.clozed.add(fold(kw))
        cards.append(ctx.card("keyword", fold(kw), made[0], made[1], "", (surface,)))
    return cards


def mcq_cards(ctx: _Context) -> list[Card]:
    """For each step: its description -> which term? One right answer among four, same kind of thing."""
    doc, cards = ctx.doc, []
    pool = [t for t in doc.bold_terms if _term_ok(t)] + [k for k in doc.keywords if _term_ok(k)]
    for si, section in enumerate(doc.sections):
        terms = [s.term for s in section.steps if _term_ok(s.term)]
        for step in section.steps:
            if not _term_ok(step.term) or not plain(step.body).strip() or len(cards) >= MAX_PER_KIND:
                continue
            distractors = _distractors(step.term, terms + pool)
            if len(distractors) < 3:
                continue
            cid = card_id(doc.key, "mcq", f"{si}.{step.number}")
            choices = [step.term] + distractors[:3]
            random.Random(cid).shuffle(choices)
            body = step.body
            text = plain(body)
            a, b = sentence_spans(text)[0] if sentence_spans(text) else (0, len(text))
            body = _slice(body, a, b)
            parts, hidden = [ctx.question_text, plain(body)], [[], []]
            if not conceal(parts, hidden, [step.term], doc.subject):
                continue
            front = ('<div class="qg-prompt">Which term is described?</div>'
                     f"<p>{inlines_html(body, hidden[1], blank=True)}</p><ol class=\"qg-choices\">"
                     + "".join(f"<li>{escape(c)}</li>" for c in choices) + "</ol>")
            cards.append(ctx.card("mcq", f"{si}.{step.number}", ctx.header(hidden[0], blank=True), front, f"<p><b>{escape(step.term)}</b></p>",
                                  (step.term,), choices=tuple(choices)))
    return cards


def _distractors(answer: str, candidates: Iterable[str]) -> list[str]:
    """Other terms of the same kind, never the answer itself or a near-synonym of it."""
    want = content_stems(answer)
    out, seen = [], {fold(answer)}
    for c in candidates:
        stems = content_stems(c)
        if fold(c) in seen or not stems or stems <= want or want <= stems:
            continue
        seen.add(fold(c))
        out.append(c)
        if len(out) == 3:
            break
    return out


_KINDS = {
    "qa": qa_cards,
    "step": step_cards,
    "cloze": cloze_cards,
    "sequence": sequence_cards,
    "keyword": keyword_cards,
    "mcq": mcq_cards,
}
