"""Anki exporter: cards -> a compressed .apkg that imports into Anki and updates in place on a rebuild.

GUID policy: a note's GUID is its card's stable id, so Anki matches a rebuilt note to the one it has
and keeps its review history. Anki only replaces a note whose modification time is newer than its
own copy, so a note's time is its source file's modification time (never earlier than FORMAT_EPOCH):
an edited document updates its notes, an untouched one is left as it is, and the same files give
the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

import genanki
from genanki.apkg_col import APKG_COL
from genanki.apkg_schema import APKG_SCHEMA

from ..errors import OutputError
from ..model import Card
from ..render import escape
from . import atomic_path, scratch_path
from .archive import write_zip

QA_MODEL_ID = 1730611201
"""Our Q&A note type. Generated once, never to change: Anki knows the note type by it."""
CLOZE_MODEL_ID = 1730611202
"""Our Cloze note type. Generated once, never to change."""

FORMAT_EPOCH = 1764460800
"""2025-11-30: notes are never older than the card format that made them (bump when cards change)."""

DEFAULT_DECK = "QuickTakes"
"""The root deck: decks are <root>::<Subject>."""

CSS = """\
.card { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px; line-height: 1.45; text-align: left; color: #1d1d1f; background: #fdfdfd;
  max-width: 42em; margin: 0 auto; padding: 0 .6em; }
.qg-context { font-size: 13px; color: #6e6e73; margin-bottom: .8em; }
.qg-subject { font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.qg-prompt { font-size: 15px; color: #6e6e73; }
.qg-term { font-size: 1.2em; margin: .3em 0; }
.qg-step { color: #6e6e73; }
.cloze { font-weight: 700; color: #0a58ca; }
.qg-back, .qg-extra { margin-top: .6em; }
.qg-source { margin-top: 1.2em; font-size: 12px; color: #6e6e73; }
.qg-details summary { cursor: pointer; color: #0a58ca; margin-top: 1em; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em;
  background: #f2f2f5; border-radius: 4px; padding: 0 .2em; }
pre { padding: .6em; overflow-x: auto; }
table.qg-table { border-collapse: collapse; font-size: .9em; }
table.qg-table th, table.qg-table td { border: 1px solid #ccc; padding: .2em .5em; }
a { color: #0a58ca; }
.mobile .card { font-size: 18px; }
.nightMode .card, .night_mode .card, .card.nightMode, .card.night_mode { color: #e6e6e6; background: #1e1e1e; }
.nightMode .cloze, .night_mode .cloze, .nightMode a, .night_mode a { color: #6ea8fe; }
.nightMode code, .nightMode pre, .night_mode code, .night_mode pre { background: #2c2c2e; }
.nightMode .qg-context, .nightMode .qg-prompt, .nightMode .qg-source,
.night_mode .qg-context, .night_mode .qg-prompt, .night_mode .qg-source { color: #a1a1a6; }
"""

_BACK_COMMON = """\
{{#Details}}<details class="qg-details"><summary>Full answer</summary>{{Details}}</details>{{/Details}}
{{#Source}}<div class="qg-source">{{Source}}</div>{{/Source}}"""

QA_MODEL = genanki.Model(
    QA_MODEL_ID,
    "quizgen Q&A",
    fields=[{"name": n} for n in ("Front", "Back", "Context", "Details", "Source")],
    templates=[{
        "name": "Card 1",
        "qfmt": '<div class="qg-context">{{Context}}</div>\n<div class="qg-front">{{Front}}</div>',
        "afmt": '{{FrontSide}}\n<hr id="answer">\n<div class="qg-back">{{Back}}</div>\n' + _BACK_COMMON,
    }],
    css=CSS,
)

CLOZE_MODEL = genanki.Model(
    CLOZE_MODEL_ID,
    "quizgen Cloze",
    fields=[{"name": n} for n in ("Text", "Back Extra", "Details", "Source")],
    templates=[{
        "name": "Cloze",
        "qfmt": "{{cloze:Text}}",
        "afmt": '{{cloze:Text}}\n<div class="qg-extra">{{Back Extra}}</div>\n' + _BACK_COMMON,
    }],
    css=CSS,
    model_type=genanki.Model.CLOZE,
)


def deck_id(name: str) -> int:
    """A deck's id from its name, so a rebuilt deck is the same deck (and never 1, Anki's Default)."""
    return (1 << 40) + int.from_bytes(hashlib.blake2b(name.encode(), digest_size=6).digest(), "big")


def deck_name(root: str, subject: str) -> str:
    return f"{root}::{subject}" if root else subject


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


def note_fields(card: Card) -> tuple[int, list[str]]:
    """(note type id, field values) of a card, with no raw '[' left in any field (see no_anki_tags)."""
    if card.is_cloze:
        text = f'<div class="qg-context">{card.context}</div>\n<div class="qg-front">{card.front}</div>'
        return CLOZE_MODEL_ID, [no_anki_tags(text), no_anki_tags(card.back), no_anki_tags(card.details),
                                no_anki_tags(source_html(card))]
    return QA_MODEL_ID, [no_anki_tags(card.front), no_anki_tags(card.back), no_anki_tags(card.context),
                         no_anki_tags(card.details), no_anki_tags(source_html(card))]


def no_anki_tags(field: str) -> str:
    """A field in which Anki can find none of its tags: every one of them ([sound:...], [anki:tts ...],
    [latex], [$], [$$]) starts with a raw '['. render already writes every '[' as an entity; this is the
    last gate before Anki, for whatever else a card may come to hold (a browser and MathJax read the
    entity as the same '[')."""
    return field.replace("[", "&#91;") if "[" in field else field


def write(cards: Iterable[Card], path: str, *, root: str = DEFAULT_DECK, mtimes: Mapping[str, int] = {},
          progress: Callable[[str, int, int], None] | None = None) -> int:
    """Write an .apkg atomically; returns the number of notes. Cards of kind mcq are not Anki's.

    `progress("compress", bytes done, bytes)` follows the compression, the one step after the last card."""
    with scratch_path(path, ".db") as db:
        try:
            count = _fill(db, cards, root, mtimes)
        except sqlite3.OperationalError as e:  # SQLite's word for a full or failing disk
            raise OutputError(f"{path}: cannot write: {e}") from None
        with atomic_path(path) as tmp:
            _zip(db, tmp, progress)
        return count


_STATEMENTS = [s.strip() for s in APKG_SCHEMA.split(";") if s.strip()]
_TABLES = ";\n".join(s for s in _STATEMENTS if not s.startswith("CREATE INDEX")) + ";"
_INDEXES = ";\n".join(s for s in _STATEMENTS if s.startswith("CREATE INDEX")) + ";"
"""genanki's schema, split: indexes built once over the finished tables are cheaper than kept up to date
through every insert (a quarter of the insert time), and come out more compact."""

PAGE_SIZE = 16384
"""Card notes are about 1 kB: on 4 kB pages many spill over, and 16 kB pages make the database 14% smaller
and quicker both to fill and to compress (SQLite and Anki read any page size)."""


def _fill(db: str, cards: Iterable[Card], root: str, mtimes: Mapping[str, int]) -> int:
    conn = sqlite3.connect(db)
    try:
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        cur = conn.cursor()
        cur.executescript(_TABLES)
        cur.executescript(APKG_COL)
        decks: dict[str, int] = {}
        next_id = FORMAT_EPOCH * 1000
        notes, rows = [], []
        doc = None
        for card in cards:
            if card.kind == "mcq":
                continue
            if (card.doc_key, card.subject) != doc:  # a document's cards come together and share these
                doc = card.doc_key, card.subject
                name = deck_name(root, card.subject)
                did = decks.get(name) or decks.setdefault(name, deck_id(name))
                mod = max(FORMAT_EPOCH, int(mtimes.get(card.doc_key, 0)))
            mid, fields = note_fields(card)
            nid, cid = next_id, next_id + 1
            next_id += 2
            notes.append((nid, card.id, mid, mod, " " + " ".join(card.tags) + " ", "\x1f".join(fields), fields[0]))
            rows.append((cid, nid, did, mod, nid - FORMAT_EPOCH * 1000))
            if len(notes) >= 5000:
                _flush(cur, notes, rows)
        _flush(cur, notes, rows)
        cur.executescript(_INDEXES)
        _write_collection(cur, decks)
        conn.commit()
        return (next_id - FORMAT_EPOCH * 1000) // 2
    finally:
        conn.close()


_INSERT_NOTE = ("INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)"
                " VALUES (?, ?, ?, ?, -1, ?, ?, ?, 0, 0, '')")
_INSERT_CARD = ("INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left,"
                " odue, odid, flags, data) VALUES (?, ?, ?, 0, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')")
"""What every new note and card starts with is written into the statements: fewer values to bind per row."""


def _flush(cur: sqlite3.Cursor, notes: list, rows: list) -> None:
    cur.executemany(_INSERT_NOTE, notes)
    cur.executemany(_INSERT_CARD, rows)
    notes.clear()
    rows.clear()


def _write_collection(cur: sqlite3.Cursor, decks: Mapping[str, int]) -> None:
    """Deck and note-type records, as genanki lays them out (at the fixed epoch: the same bytes every build)."""
    all_decks = json.loads(cur.execute("SELECT decks FROM col").fetchone()[0])
    for name, did in sorted(decks.items()):
        all_decks[str(did)] = genanki.Deck(did, name).to_json()
    models = {str(m.model_id): m.to_json(FORMAT_EPOCH, None) for m in (QA_MODEL, CLOZE_MODEL)}
    cur.execute("UPDATE col SET decks = ?, models = ?, crt = ?, mod = ?",
                (json.dumps(all_decks, sort_keys=True), json.dumps(models, sort_keys=True), FORMAT_EPOCH,
                 FORMAT_EPOCH * 1000))


def _zip(db: str, out: str, progress: Callable[[str, int, int], None] | None = None) -> None:
    """The .apkg itself: the database and an empty media list, deflated with fixed dates (genanki stores
    them uncompressed), the database on every core (see archive.py)."""
    write_zip(out, [("collection.anki2", db), ("media", b"{}")],
              progress=(lambda done, total: progress("compress", done, total)) if progress else None)
