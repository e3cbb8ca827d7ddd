"""What every kind of candidate reads: one analysis of the document (its sentences, their words and
stems, its lists), made once, and the Candidate each fact module proposes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..model import Block, Document, Inline
from ..parser import blocks_of, split_step, strong_runs
from ..render import plain
from ..text import content_stems, fold, is_content, sentence_spans, tokens, word_count

Span = tuple[int, int]

MAX_SENTENCE = 45
"""Words past which a sentence is more than one fact's cue: nothing is asked from it (never cut)."""

MIN_CUE = 5
"""Fewest words a cue must show besides its deletion, or the card asks from nothing."""

MAX_ANSWER = 8
"""Most words an answer may have: one fact, not a paragraph to recite."""

BACK_REFERENCE = re.compile(r"^(?:this|these|that|those|it|its|they|their|them|he|she|his|her|such|both|"
                            r"the latter|the former|here|there|specifically|in particular|similarly|likewise)\b|"
                            r"\b(?:these|those) (?:two|three|four|five|several)\b", re.I)
"""A sentence that opens like this, or names 'these two …', leans on the one before it ('Specifically,
20.6% … reported such health statuses', 'the idea of merging these two parties')."""

EXAMPLE_BEFORE = re.compile(r"\b(?:such as|like|e\.g\.|i\.e\.|including|for example|for instance)[,:]?[\s(]*$", re.I)
"""Words that end just before an example ('such as [ATP]', 'e.g. (5 mg)'): what follows is one case of
several, not the fact itself."""


@dataclass(slots=True)
class Sentence:
    """One sentence of the answer's prose, with what a card made from it needs to stand alone."""

    block: int
    """index of its block in Document.blocks"""
    inlines: tuple[Inline, ...]
    """its runs (cut from the block's)"""
    text: str
    """its plain text"""
    label: str = ""
    """the bold term of the list item it belongs to ('' outside items, or for the item's own label)"""
    label_span: Span | None = None
    """where the item's own bold label stands in `text` (the first sentence of an item)"""
    role: str = "body"
    """lead | body | item | summary: where it stands in the answer"""
    heading: str = ""
    """the nearest heading above it"""
    announces: bool = False
    """it ends with ':' and so introduces what follows (a formula, a list)"""
    joined: bool = False
    """it opened with a back-reference and was joined to the sentence before it"""
    order: int = 0
    """its place among the document's sentences"""

    @property
    def words(self) -> int:
        return word_count(self.text)


@dataclass(slots=True)
class ListInfo:
    """One list of the answer (numbered or not) whose items open with bold labels."""

    key: str
    """what names the list (its heading, folded, or its first label): part of its cards' ids"""
    heading: str
    """the heading above it"""
    ordered: bool
    """numbered in the source"""
    items: list[tuple[int, str, tuple[Inline, ...]]]
    """(block index, label, body) for each top-level item"""
    lead: str = ""
    """the sentence just before the list"""
    sequence: bool = False
    """its order is worth learning (see lists.classify)"""
    why: str = ""
    """what the classification rests on, for `check --report`"""


@dataclass(slots=True)
class Candidate:
    """A fact a card could ask, before the budget chooses."""

    fact: str
    """what kind of fact: term, item, number, formula, definition, abbreviation, cause, contrast, step"""
    answer: str
    """the plain answer the learner must produce"""
    sentence: Sentence | None = None
    """the sentence it is asked from (None for list-level cards)"""
    spans: list[Span] = field(default_factory=list)
    """where the answer stands in the sentence's text"""
    key: str = ""
    """what it asks, for its id: by default its folded answer"""
    data: dict = field(default_factory=dict)
    """what the card builder of its kind needs (list, step number, choices, ...)"""


@dataclass(slots=True)
class Context:
    """The document, read once for every candidate module."""

    doc: Document
    question: tuple[Inline, ...] = ()
    question_text: str = ""
    question_stems: frozenset = frozenset()
    sentences: list[Sentence] = field(default_factory=list)
    lists: list[ListInfo] = field(default_factory=list)
    words: int = 0
    """content words of the answer: what the budget is measured against"""

    def __post_init__(self):
        doc = self.doc
        parsed = blocks_of(doc.question) if doc.question else ()
        self.question = parsed[0].inlines if parsed and parsed[0].inlines else (Inline("text", doc.question),)
        self.question_text = plain(self.question)
        self.question_stems = content_stems(self.question_text)
        self.sentences = list(_sentences(doc))
        for n, s in enumerate(self.sentences):
            s.order = n
        self.lists = _lists(doc)
        self.words = sum(s.words for s in self.sentences)


def slice_inlines(inlines: Sequence[Inline], start: int, end: int) -> tuple[Inline, ...]:
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


_SUMMARY = re.compile(r"^\s*(?:in summary|in conclusion|overall|to summari[sz]e|in short)\b", re.I)


def _sentences(doc: Document):
    """Every sentence of the answer's paragraphs and list items, in order, each knowing where it stands."""
    heading, seen_structure = "", False
    blocks = doc.blocks
    for index, block in enumerate(blocks):
        if block.kind == "heading":
            heading, seen_structure = block.text, True
            continue
        if block.kind == "table":
            seen_structure = True
            yield from _table_rows(index, block, heading)
            continue
        if block.kind not in ("paragraph", "item"):
            continue
        inlines, label, label_span = block.inlines, "", None
        if block.kind == "item":
            seen_structure = True
            term, body = split_step(inlines)
            if term:
                label = term
                runs = strong_runs(inlines)
                label_span = (0, len(plain(inlines[:runs[0][1]]).rstrip().rstrip(":").rstrip()))
        text = plain(inlines)
        if block.kind == "paragraph" and _SUMMARY.match(text):
            role = "summary"
        elif block.kind == "item":
            role = "item"
        else:
            role = "body" if seen_structure else "lead"
        prev: Sentence | None = None
        spans = sentence_spans(text) if text.strip() else []
        for n, (a, b) in enumerate(spans):
            part = slice_inlines(inlines, a, b)
            s_text = plain(part)
            own_label = label_span if (n == 0 and label_span) else None
            s = Sentence(index, part, s_text, label if not own_label else "", own_label, role, heading,
                         s_text.rstrip().endswith(":"))
            if prev is not None and BACK_REFERENCE.search(s_text.lstrip()):
                joined = prev.inlines + (Inline("text", " "),) + part
                s = Sentence(index, joined, plain(joined), prev.label, prev.label_span, role, heading,
                             s.announces, True)
            yield s
            prev = s


def _table_rows(index: int, block: Block, heading: str):
    """Each cell of a table's body as one sentence, named by its row's first cell and its column's
    header ('Material Pair: Steel on Steel; Coefficient of Static Friction: 0.74'): a fact a cell holds
    keeps its meaning, and each cell is its own card."""
    if len(block.rows) < 2:
        return
    header = [plain(c).strip() for c in block.rows[0]]
    for row in block.rows[1:]:
        if not row or not plain(row[0]).strip():
            continue
        first = (Inline("text", f"{header[0]}: " if header and header[0] else ""),) + tuple(row[0])
        for n, cell in enumerate(row[1:], 1):
            if not plain(cell).strip():
                continue
            name = header[n] if n < len(header) else ""
            runs = first + (Inline("text", "; " + (f"{name}: " if name else "")),) + tuple(cell)
            yield Sentence(index, runs, plain(runs), "", None, "table", heading)


def _lists(doc: Document) -> list[ListInfo]:
    """The answer's top-level lists, each with the heading and the sentence it follows."""
    lists: list[ListInfo] = []
    open_: dict[int, ListInfo] = {}  # depth -> the list being read there
    heading, last_text = "", ""
    for index, block in enumerate(doc.blocks):
        if block.kind == "heading":
            heading, last_text = block.text, ""
            open_.clear()
            continue
        if block.kind != "item":
            if not block.depth:
                last_text = block.text if block.kind == "paragraph" else ""
                open_.clear()
            continue
        depth = block.depth
        for d in [d for d in open_ if d > depth]:
            del open_[d]
        current = open_.get(depth)
        if current is not None and current.ordered != block.ordered:
            current = None
        term, body = split_step(block.inlines)
        if current is None:
            lead = ""
            if last_text:
                spans = sentence_spans(last_text)
                lead = last_text[spans[-1][0]:spans[-1][1]] if spans else last_text
            current = ListInfo("", heading, block.ordered, [], lead)
            open_[depth] = current
            lists.append(current)
        current.items.append((index, term, body))
        last_text = block.text
    for info in lists:
        info.key = list_key(info)
    return lists


def list_key(info: ListInfo) -> str:
    labels = [t for _, t, _ in info.items if t]
    return fold(info.heading or (labels[0] if labels else "list"))


def text_ranges(s: Sentence) -> list[Span]:
    """Where a sentence's plain text runs stand: a fact is never read out of its math or code."""
    out: list[Span] = []
    pos = 0
    for x in s.inlines:
        if x.kind == "text":
            if out and out[-1][1] == pos:
                out[-1] = (out[-1][0], pos + len(x.text))
            else:
                out.append((pos, pos + len(x.text)))
        pos += len(x.text)
    return out


ENUMERATION_BEFORE = re.compile(r"(?:,|\b(?:and|or))\s*$")
ENUMERATION_AFTER = re.compile(r"^\s*(?:,\s*(?:and|or)\b|\b(?:and|or)\b|,\s*[^\W\d][\w.’'-]*(?:\s+[^\W\d][\w.’'-]*)?\s*,)")


def in_enumeration(text: str, a: int, b: int) -> bool:
    """text[a:b] is one member of a list written in a sentence ('x, y and z', 'x or y')."""
    return bool(ENUMERATION_BEFORE.search(text[max(0, a - 6):a]) or ENUMERATION_AFTER.match(text[b:b + 40]))


def visible_stems(text: str, spans: Sequence[Span]) -> frozenset:
    """Content stems of the words of `text` outside `spans`."""
    out = set()
    for a, b, w, st in tokens(text):
        if is_content(w) and not any(x < b and a < y for x, y in spans):
            out.add(st)
    return frozenset(out)
