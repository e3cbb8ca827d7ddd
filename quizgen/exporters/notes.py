"""Cards -> Anki notes, shared by the .apkg and the Anki text exporters: which note type, which fields,
which tags, and which cards are siblings of one note.

Siblings: cards whose `extra` holds a `note` (a string, the note's stable id, its GUID) and an `ord`
(its cloze number, 1..n) become one note, so Anki's "bury siblings" spreads them. Deletions of one text
(the same sentence with different parts hidden) merge into one "quizgen Cloze" note whose Text holds
{{c1::}}, {{c2::}}, ...; sequence cards (the overlapping clozes of one ordered list, where each card
shows its own neighbours), and any siblings whose texts differ, become one "quizgen Overlap" note, the way the Cloze Overlapper add-on
does it: one cloze field per card (Text1, Text2, ...), and a template that shows them all through the
cloze filter, which renders a field as nothing on every card but the one whose number it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..model import Card
from ..render import escape

MAX_OVERLAP = 30
"""Cards one Overlap note can hold (a list of up to 20 steps makes 21: one per step and the whole order)."""

DOC_TAG = "quizgen::doc::"
"""Every note carries its document's tag: DOC_TAG + doc_tag_key(key)."""

_SAFE = re.compile(r"[^A-Za-z0-9.~-]")


def doc_tag_key(key: str) -> str:
    """A document key as a tag part: letters, digits, '.', '~' and '-' kept, anything else (spaces,
    ':', '_', quotes, non-ASCII) as _XX hex, so two keys never share a tag and the tag needs no quoting."""
    return _SAFE.sub(lambda m: "".join(f"_{b:02x}" for b in m.group().encode()), key)


def doc_tag(key: str) -> str:
    """quizgen::doc::<key>, a level per folder, file and heading of a note's key ('cardio/heart.md#
    clinical-links' -> quizgen::doc::cardio::heart.md::clinical-links), so that searching a note's tag
    finds the cards of all its headings; each level encoded by doc_tag_key."""
    return DOC_TAG + "::".join(doc_tag_key(part) for part in _LEVELS.split(key))


_LEVELS = re.compile(r"[/#]")


def tag_search(tags: Iterable[str]) -> str:
    """An Anki search for the notes of these document tags (Anki reads '_' in a search as a wildcard)."""
    return " or ".join("tag:" + t.replace("_", "\\_") for t in tags)


@dataclass(slots=True)
class Note:
    """One Anki note: what both the .apkg and the text export write."""

    guid: str
    model: str
    """a key of anki.MODEL_IDS: qa, cloze, choice, overlap"""
    fields: list[str]
    tags: list[str]
    ords: list[int]
    """its cards' template/cloze ordinals, 0-based, in the order the cards came"""
    doc_key: str
    subject: str


def source_html(card: Card) -> str:
    """The Source field: a link to the page and its date."""
    return _source_html(card.source_url, card.date)


_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Direction controls: in a link's text, a right-to-left override makes it read as another address."""


@lru_cache(maxsize=64)
def _source_html(url: str, date: str) -> str:  # the same for every card of a document: made once
    parts = []
    if url:
        shown = _BIDI.sub("", url.split("://", 1)[-1])
        parts.append(f'Source: <a href="{escape(url)}">{escape(shown)}</a>')
    if date:
        parts.append(f"Posted {escape(date)}")
    return " · ".join(parts)


def cloze_text(card: Card) -> str:
    return f'<div class="qg-context">{card.context}</div>\n<div class="qg-front">{card.front}</div>'


_CHOICES = re.compile(r'\s*<ol class="qg-choices">(?:(?!</ol>).)*</ol>\s*$', re.S)


def choice_fields(card: Card) -> list[str]:
    """Front (the stem: the card's front without its own list of choices), Choices, Answer (the choices
    with the right one marked), Context, Back, Details, Source."""
    stem = _CHOICES.sub("", card.front)
    right = set(card.answers)
    choices = "".join(f"<li>{escape(c)}</li>" for c in card.choices)
    marked = "".join(f'<li class="qg-right">{escape(c)} ✓</li>' if c in right else f'<li class="qg-wrong">{escape(c)}</li>'
                     for c in card.choices)
    return [stem, f'<ol class="qg-choices">{choices}</ol>', f'<ol class="qg-choices qg-marked">{marked}</ol>',
            card.context, card.back, card.details, source_html(card)]


def tags_of(cards: Iterable[Card]) -> list[str]:
    out: dict[str, None] = {}
    doc = None
    for card in cards:
        out.update(dict.fromkeys(card.tags))
        doc = card.doc_key
    if doc is not None:
        out[doc_tag(doc)] = None
    return list(out)


def single(card: Card) -> Note:
    """The note of a card that has no siblings."""
    if card.is_cloze:
        model, fields = "cloze", [cloze_text(card), card.back, card.details, source_html(card)]
    elif card.kind == "mcq":
        model, fields = "choice", choice_fields(card)
    else:
        model, fields = "qa", [card.front, card.back, card.context, card.details, source_html(card)]
    return Note(card.id, model, fields, tags_of([card]), [0], card.doc_key, card.subject)


def _sibling(card: Card) -> tuple[str, int] | None:
    """(note id, cloze number) of a card that says it belongs to a note, when both are usable."""
    extra = card.extra if isinstance(card.extra, dict) else {}
    note, ord_ = extra.get("note"), extra.get("ord")
    if (card.is_cloze and isinstance(note, str) and note and isinstance(ord_, int) and not isinstance(ord_, bool)
            and ord_ >= 1):
        return note, ord_
    return None


def no_anki_tags(field: str) -> str:
    """A field in which Anki can find none of its tags: every one of them ([sound:...], [anki:tts ...],
    [latex], [$], [$$]) starts with a raw '['. render already writes every '[' as an entity; this is the
    last gate before Anki, for whatever else a card may come to hold (a browser and MathJax read the
    entity as the same '[')."""
    return field.replace("[", "&#91;") if "[" in field else field


def notes(cards: Iterable[Card]) -> Iterator[Note]:
    """The notes of a stream of cards, in the order of their first cards, with no raw '[' in any field
    (no_anki_tags)."""
    for note in _notes(cards):
        note.fields = [no_anki_tags(f) for f in note.fields]
        yield note


def _notes(cards: Iterable[Card]) -> Iterator[Note]:
    """The notes of a stream of cards, in the order of their first cards. Cards of one note must come
    within one run of their document's cards (the pipeline yields a document's cards together)."""
    run: list[Card] = []
    for card in cards:
        if run and card.doc_key != run[-1].doc_key:
            yield from _doc_notes(run)
            run = []
        run.append(card)
    if run:
        yield from _doc_notes(run)


def _doc_notes(cards: list[Card]) -> Iterator[Note]:
    groups: dict[str, list[tuple[int, Card]]] = {}
    order: list[str | Card] = []
    for card in cards:
        sib = _sibling(card)
        if sib is None:
            order.append(card)
            continue
        if sib[0] not in groups:
            groups[sib[0]] = []
            order.append(sib[0])
        groups[sib[0]].append((sib[1], card))
    for item in order:
        if isinstance(item, Card):
            yield single(item)
        else:
            yield from group_notes(item, groups[item])


def group_notes(guid: str, members: list[tuple[int, Card]]) -> list[Note]:
    """The note of a group of siblings (even of one card: its note keeps its id and its card its number
    as siblings come and go). Sequence cards, and cards whose texts do not merge, make an Overlap note;
    the others one Cloze note. A group Anki cannot hold as one (two cards with one number) is written
    as a note per card."""
    ords = [o for o, _ in members]
    if len(set(ords)) != len(ords):
        return [single(c) for _, c in members]
    cards = [c for _, c in members]
    tags = tags_of(cards)
    first = cards[0]
    backs = "\n".join(dict.fromkeys(c.back for c in cards if c.back))
    tail = [first.details, source_html(first)]
    zero_based = [o - 1 for o in ords]
    if not any(c.kind == "sequence" for c in cards):
        merged = merge_clozes([(o, cloze_text(c)) for o, c in members])
        if merged is not None:
            return [Note(guid, "cloze", [merged, backs, *tail], tags, zero_based, first.doc_key, first.subject)]
    if max(ords) > MAX_OVERLAP:
        return [single(c) for _, c in members]
    texts = [""] * MAX_OVERLAP
    for o, c in members:
        texts[o - 1] = renumber(cloze_text(c), o)
    return [Note(guid, "overlap", [*texts, backs, *tail], tags, zero_based, first.doc_key, first.subject)]


_MARKER = re.compile(r"\{\{c\d+::(.*?)\}\}", re.S)
"""A cloze deletion as the renderer writes it (source braces and '::' leave it as entities, so the only
markers in card HTML are ours, never with a hint)."""


def renumber(text: str, n: int) -> str:
    return _MARKER.sub(lambda m: "{{c%d::%s}}" % (n, m.group(1)), text)


def merge_clozes(texts: list[tuple[int, str]]) -> str | None:
    """One cloze text holding every card's deletions under its own number, or None when the cards do
    not show the same text once their deletions are revealed, or when two cards hide overlapping parts."""
    base = None
    spans: list[tuple[int, int, int, str]] = []
    for n, text in texts:
        plain, pos, last = [], 0, 0
        for m in _MARKER.finditer(text):
            plain.append(text[last:m.start()])
            pos += m.start() - last
            spans.append((pos, pos + len(m.group(1)), n, m.group(1)))
            plain.append(m.group(1))
            pos += len(m.group(1))
            last = m.end()
        plain.append(text[last:])
        revealed = "".join(plain)
        if base is None:
            base = revealed
        elif revealed != base:
            return None
    spans.sort()
    out, at = [], 0
    for start, end, n, inner in spans:
        if start < at:
            return None
        out.append(base[at:start])
        out.append("{{c%d::%s}}" % (n, inner))
        at = end
    out.append(base[at:])
    return "".join(out)
