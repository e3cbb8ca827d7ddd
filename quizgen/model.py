"""The plain data that flows through the pipeline: parser -> Document -> generator -> Card -> exporters."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from .defaults import CARD_KINDS, DEFAULT_KINDS  # noqa: F401  (where they have always been found)


@dataclass(slots=True)
class Inline:
    """One run of inline text with a single style: a flat token, never a tree.

    Not frozen, though nothing changes one once made: a frozen dataclass takes eight times as long to
    build, and a build makes hundreds of these per document (the same goes for Card)."""

    kind: str
    """text | code | math | math_display | break | image (a Markdown note's local image)"""
    text: str
    """the run's characters, exactly as written in the source (unescaped)"""
    strong: bool = False
    """inside **bold**"""
    em: bool = False
    """inside *emphasis*"""
    href: str = ""
    """the link target when the run sits inside a safe (http/https/mailto) link"""
    mark: bool = False
    """inside ==highlighted text== of a Markdown note: a deletion the author asked for (never set in
    QuickTakes answers, where '==' stays text)"""
    src: str = ""
    """kind 'image': the packed media file name the card shows ('' when the image was not packed; `text`
    is its alt text either way)"""


@dataclass(slots=True, frozen=True)
class Block:
    """A paragraph, heading, list item's own text, table or code block of the answer."""

    kind: str
    """paragraph | heading | item | code | table"""
    inlines: tuple[Inline, ...] = ()
    """the text of paragraph, heading and item blocks"""
    rows: tuple[tuple[tuple[Inline, ...], ...], ...] = ()
    """table cells, row by row (the first row is the header)"""
    code: str = ""
    """the literal text of a code block"""
    depth: int = 0
    """list nesting depth of an item (0 for top-level blocks)"""
    ordered: bool = False
    """the item belongs to a numbered list"""
    number: int = 0
    """an ordered item's number as the list counts it"""

    @property
    def text(self) -> str:
        """Plain text, as a learner reads it (math kept in its source form)."""
        return "".join(i.text for i in self.inlines)


@dataclass(slots=True, frozen=True)
class Step:
    """One item of a numbered list."""

    number: int
    """the item's position in its list, from 1"""
    term: str
    """the bold term that opens the item, without its colon ('' when it does not open with one)"""
    body: tuple[Inline, ...]
    """the item's text after the term and its colon"""
    subitems: tuple[Block, ...] = ()
    """nested bullets and paragraphs under the item"""


@dataclass(slots=True, frozen=True)
class Section:
    """One numbered list together with the heading it stands under."""

    heading: str
    """the nearest heading above the list ('' when there is none)"""
    steps: tuple[Step, ...]
    """the list's items in order"""


@dataclass(slots=True, frozen=True)
class Document:
    """One QuickTakes document, or one heading of a Markdown note, parsed and checked."""

    key: str
    """stable key of everything generated from it: the `id` field (made unique by the pipeline)"""
    path: str
    """the file it came from, as given to the build"""
    question: str
    """the question, plain text"""
    subject: str
    """normalised subject, e.g. 'Medicine', 'Computer Science' ('General' when missing)"""
    blocks: tuple[Block, ...]
    """the whole answer as a flat sequence of blocks"""
    sections: tuple[Section, ...] = ()
    """every numbered list of the answer, in order"""
    lead: tuple[Block, ...] = ()
    """the paragraphs before the first heading or list"""
    summary: tuple[Inline, ...] = ()
    """the closing 'In summary, ...' paragraph, when there is one"""
    bold_terms: tuple[str, ...] = ()
    """every distinct bold term of the answer in order of appearance (never from code)"""
    keywords: tuple[str, ...] = ()
    """seo.page_keywords split on commas, de-duplicated"""
    url: str = ""
    """the source page (site-relative as in the source, or absolute)"""
    date: str = ""
    """publication date as written"""
    description: str = ""
    """seo.page_description"""
    related: tuple[str, ...] = ()
    """ids of related documents"""
    answer: str = ""
    """the answer's Markdown with real newlines"""
    tags: tuple[str, ...] = ()
    """a Markdown note's own Anki tags (front matter `tags`), without spaces"""
    deck: str = ""
    """the deck a Markdown note's front matter names (`deck`), below the root; '' to go by subject"""
    images: tuple[tuple[str, str], ...] = ()
    """(media file name, image path relative to the input folder) of every image packed for it, in order"""
    title: str = ""
    """a Markdown note's title ('' for QuickTakes documents, which are one question each)"""
    format: str = "quicktakes"
    """quicktakes | markdown: which reader made it"""


@dataclass(slots=True)
class Card:
    """One card as every exporter and the self-test see it. HTML fields are already safe to show.
    Treated as immutable (see Inline for why it is not frozen): change one with dataclasses.replace."""

    id: str
    """stable id from (document key, kind, key): the Anki note GUID and the progress-store key"""
    kind: str
    """one of CARD_KINDS"""
    doc_key: str
    """the key of the document it comes from"""
    key: str
    """what makes the card unique within its document and kind (a position or a keyword)"""
    subject: str
    """the document's subject; the deck is <root>::<subject>"""
    context: str
    """HTML header: subject and topic (for cloze kinds, answers in it are hidden)"""
    front: str
    """HTML front; for cloze kinds it holds Anki cloze markers {{c1::...}}"""
    back: str
    """HTML shown after the answer"""
    answers: tuple[str, ...]
    """plain-text answers the learner should produce (cloze deletions, the term, the right choice)"""
    details: str = ""
    """HTML of the full answer, shown folded on the back"""
    source_url: str = ""
    """absolute link to the source page ('' when the document has none)"""
    date: str = ""
    """publication date of the source"""
    tags: tuple[str, ...] = ()
    """Anki tags"""
    choices: tuple[str, ...] = ()
    """mcq: the options in display order (the right one among them)"""
    extra: dict = field(default_factory=dict, compare=False)
    """kind-specific plain data kept for JSON (e.g. the sequence's step number)"""

    @property
    def is_cloze(self) -> bool:
        return self.kind in CLOZE_KINDS

    def __reduce__(self):
        """Pickle as the constructor and a tuple of values: half the cost of the default for a slotted
        dataclass, and every card a worker makes crosses to the main process this way."""
        return Card, _card_values(self)


CLOZE_KINDS = frozenset({"cloze", "sequence"})
"""Kinds whose front is an Anki cloze text."""

CARD_FIELDS = tuple(Card.__dataclass_fields__)
"""A card's field names, in order (the JSON format writes and reads exactly these)."""
_card_values = attrgetter(*CARD_FIELDS)
"""A card's field values as a tuple, in field order (twice as fast as a generator over the names)."""
