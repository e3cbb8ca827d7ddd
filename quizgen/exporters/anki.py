"""Anki exporter: cards -> a compressed .apkg that imports into Anki and updates in place on a rebuild.

GUID policy: a note's GUID is its card's stable id, so Anki matches a rebuilt note to the one it has
and keeps its review history. Anki only replaces a note whose modification time is newer than its
own copy, so a note's time is its source file's modification time (never earlier than FORMAT_EPOCH):
an edited document updates its notes, an untouched one is left as it is, and the same files give
the same bytes. Which cards are notes of which type is notes.py's (shared with the text export); the
new cards' positions are order.py's.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from array import array
from pathlib import Path


from ..errors import OutputError, QuizgenError
from ..model import Card
from ..defaults import DEFAULT_DECK  # noqa: F401  (the root deck: decks are <root>::<Subject>)
from ..text import content_stems
from . import atomic_path, scratch_path
from .archive import write_zip
from .notes import DOC_TAG, MAX_OVERLAP, notes
from .order import new_positions

QA_MODEL_ID = 1730611201
"""Our Q&A note type. Generated once, never to change: Anki knows the note type by it."""
CLOZE_MODEL_ID = 1730611202
"""Our Cloze note type. Generated once, never to change."""
CHOICE_MODEL_ID = 1764680431
"""Our multiple-choice note type ("quizgen Choice"). Generated once, never to change."""
OVERLAP_MODEL_ID = 1764680432
"""Our overlapping-cloze note type ("quizgen Overlap"), one cloze field per card. Generated once."""

FORMAT_EPOCH = 1796083200
"""2026-12-01: notes are never older than the card format that made them (bump when cards change: the
document tags, the Choice and Overlap note types and the new-card order came then, and an import only
replaces notes and note types newer than its own)."""


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
.qg-choices li.qg-right { font-weight: 700; color: #1a7f37; }
.qg-choices li.qg-wrong { color: #6e6e73; }
.qg-details summary { cursor: pointer; color: #0a58ca; margin-top: 1em; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em;
  background: #f2f2f5; border-radius: 4px; padding: 0 .2em; }
pre { padding: .6em; overflow-x: auto; }
table.qg-table { border-collapse: collapse; font-size: .9em; }
table.qg-table th, table.qg-table td { border: 1px solid #ccc; padding: .2em .5em; }
a { color: #0a58ca; }
.mobile .card { font-size: 18px; }
.nightMode .card, .night_mode .card, .card.nightMode, .card.night_mode { color: #e6e6e6; background: #1e1e1e; }
.nightMode .qg-right, .night_mode .qg-right { color: #56d364; }
.nightMode .cloze, .night_mode .cloze, .nightMode a, .night_mode a { color: #6ea8fe; }
.nightMode code, .nightMode pre, .night_mode code, .night_mode pre { background: #2c2c2e; }
.nightMode .qg-context, .nightMode .qg-prompt, .nightMode .qg-source,
.night_mode .qg-context, .night_mode .qg-prompt, .night_mode .qg-source { color: #a1a1a6; }
"""

_BACK_COMMON = """\
{{#Details}}<details class="qg-details"><summary>Full answer</summary>{{Details}}</details>{{/Details}}
{{#Source}}<div class="qg-source">{{Source}}</div>{{/Source}}"""

_CHOICE_Q = ('<div class="qg-context">{{Context}}</div>\n<div class="qg-front">{{Front}}</div>\n'
             '<div class="qg-choice-list">{{Choices}}</div>')
_OVERLAP_TEXT = "".join("{{cloze:Text%d}}" % n for n in range(1, MAX_OVERLAP + 1))

_MODEL_SPECS = {
    "qa": dict(
        model_id=QA_MODEL_ID,
        name="quizgen Q&A",
        fields=[{"name": n} for n in ("Front", "Back", "Context", "Details", "Source")],
        templates=[{
            "name": "Card 1",
            "qfmt": '<div class="qg-context">{{Context}}</div>\n<div class="qg-front">{{Front}}</div>',
            "afmt": '{{FrontSide}}\n<hr id="answer">\n<div class="qg-back">{{Back}}</div>\n' + _BACK_COMMON,
        }],
        css=CSS,
    ),
    "cloze": dict(
        model_id=CLOZE_MODEL_ID,
        name="quizgen Cloze",
        fields=[{"name": n} for n in ("Text", "Back Extra", "Details", "Source")],
        templates=[{
            "name": "Cloze",
            "qfmt": "{{cloze:Text}}",
            "afmt": '{{cloze:Text}}\n<div class="qg-extra">{{Back Extra}}</div>\n' + _BACK_COMMON,
        }],
        css=CSS,
        cloze=True,
    ),
    "choice": dict(
        model_id=CHOICE_MODEL_ID,
        name="quizgen Choice",
        fields=[{"name": n} for n in ("Front", "Choices", "Answer", "Context", "Back", "Details", "Source")],
        templates=[{
            "name": "Choice",
            "qfmt": _CHOICE_Q,
            "afmt": ('<div class="qg-context">{{Context}}</div>\n<div class="qg-front">{{Front}}</div>\n'
                     '<hr id="answer">\n<div class="qg-choice-list">{{Answer}}</div>\n'
                     '<div class="qg-back">{{Back}}</div>\n' + _BACK_COMMON),
        }],
        css=CSS,
    ),
    "overlap": dict(
        model_id=OVERLAP_MODEL_ID,
        name="quizgen Overlap",
        fields=[{"name": f"Text{n}"} for n in range(1, MAX_OVERLAP + 1)]
        + [{"name": n} for n in ("Back Extra", "Details", "Source")],
        templates=[{
            "name": "Cloze",
            "qfmt": _OVERLAP_TEXT,
            "afmt": _OVERLAP_TEXT + '\n<div class="qg-extra">{{Back Extra}}</div>\n' + _BACK_COMMON,
        }],
        css=CSS,
        cloze=True,
    ),
}
"""Our note types by the names notes.Note uses, as plain data: genanki (a tenth of a second to import)
builds them only when a deck is written (models())."""

MODEL_NAMES = {kind: spec["name"] for kind, spec in _MODEL_SPECS.items()}
"""Note type names by the names notes.Note uses (Anki's text import finds a note type by its name)."""
MODEL_IDS = {kind: spec["model_id"] for kind, spec in _MODEL_SPECS.items()}
"""Note type ids by the names notes.Note uses."""


@functools.cache
def models() -> dict:
    """The genanki note types by the names notes.Note uses, built on first need."""
    import genanki

    out = {}
    for kind, spec in _MODEL_SPECS.items():
        spec = dict(spec)
        if spec.pop("cloze", False):
            spec["model_type"] = genanki.Model.CLOZE
        out[kind] = genanki.Model(**spec)
    return out


def deck_id(name: str) -> int:
    """A deck's id from its name, so a rebuilt deck is the same deck (and never 1, Anki's Default)."""
    return (1 << 40) + int.from_bytes(hashlib.blake2b(name.encode(), digest_size=6).digest(), "big")


def deck_name(root: str, subject: str) -> str:
    return f"{root}::{subject}" if root else subject


def write(cards: Iterable[Card], path: str, *, root: str = DEFAULT_DECK, mtimes: Mapping[str, int] = {},
          decks: Mapping[str, str] = {}, media: Mapping[str, str] = {},
          progress: Callable[[str, int, int], None] | None = None) -> int:
    """Write an .apkg atomically; returns the number of notes.

    `decks` maps a document key to its cards' full deck name (default <root>::<subject>); `media` maps a
    media file name the cards show to the file to pack (both may fill up while `cards` is read).
    `progress("compress", bytes done, bytes)` follows the compression, the one step after the last card."""
    with scratch_path(path, ".db") as db:
        try:
            count = _fill(db, cards, root, mtimes, decks)
        except sqlite3.OperationalError as e:  # SQLite's word for a full or failing disk
            raise OutputError(f"{path}: cannot write: {e}") from None
        with atomic_path(path) as tmp:
            try:
                _zip(db, tmp, progress, media)
            except OSError as e:  # an image gone since it was read
                raise OutputError(f"{path}: cannot pack media: {e.strerror or e}: {e.filename or ''}") from None
        return count


@functools.cache
def _schema() -> tuple[str, str, str]:
    """genanki's schema split into (tables, indexes), and its collection row. Indexes built once over
    the finished tables are cheaper than kept up to date through every insert (a quarter of the insert
    time), and come out more compact."""
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    statements = [s.strip() for s in APKG_SCHEMA.split(";") if s.strip()]
    tables = ";\n".join(s for s in statements if not s.startswith("CREATE INDEX")) + ";"
    indexes = ";\n".join(s for s in statements if s.startswith("CREATE INDEX")) + ";"
    return tables, indexes, APKG_COL

PAGE_SIZE = 16384
"""Card notes are about 1 kB: on 4 kB pages many spill over, and 16 kB pages make the database 14% smaller
and quicker both to fill and to compress (SQLite and Anki read any page size)."""


def _fill(db: str, cards: Iterable[Card], root: str, mtimes: Mapping[str, int],
          decks: Mapping[str, str] = {}) -> int:
    """Notes go in as they come; cards once every one is known, since their new-queue positions
    interleave the documents (order.py). Until then a card is three numbers in compact arrays (note, document, ordinal)."""
    conn = sqlite3.connect(db)
    try:
        conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        cur = conn.cursor()
        tables, indexes, col = _schema()
        cur.executescript(tables)
        cur.executescript(col)
        made: dict[str, int] = {}
        deck_of: list[int] = []  # per document: its deck's id
        mod_of: list[int] = []  # per document: its notes' time
        card_nid, card_doc, card_ord = array("q"), array("l"), array("H")
        next_id = FORMAT_EPOCH * 1000
        rows = []
        doc = None
        count = 0
        for note in notes(cards):
            if (note.doc_key, note.subject) != doc:  # a document's notes come together and share these
                doc = note.doc_key, note.subject
                name = decks.get(note.doc_key) or deck_name(root, note.subject)
                deck_of.append(made.get(name) or made.setdefault(name, deck_id(name)))
                mod_of.append(max(FORMAT_EPOCH, int(mtimes.get(note.doc_key, 0))))
            mod = mod_of[-1]
            nid = next_id
            next_id += 1
            fields = note.fields
            rows.append((nid, note.guid, MODEL_IDS[note.model], mod, " " + " ".join(note.tags) + " ",
                         "\x1f".join(fields), fields[0]))
            for o in note.ords:
                card_nid.append(nid)
                card_doc.append(len(deck_of) - 1)
                card_ord.append(o)
            count += 1
            if len(rows) >= 5000:
                cur.executemany(_INSERT_NOTE, rows)
                rows.clear()
        cur.executemany(_INSERT_NOTE, rows)
        rows.clear()
        _insert_cards(cur, next_id, card_nid, card_doc, card_ord, deck_of, mod_of)
        cur.executescript(indexes)
        _write_collection(cur, made)
        conn.commit()
        return count
    finally:
        conn.close()


def _insert_cards(cur: sqlite3.Cursor, first_id: int, nids, docs, ords, deck_of: list[int], mod_of: list[int]) -> None:
    """Every card, with its new-queue position: documents interleaved (order.new_positions)."""
    due = new_positions(list(zip((deck_of[d] for d in docs), docs, ords)))
    rows = []
    for n, (nid, d, o) in enumerate(zip(nids, docs, ords)):
        rows.append((first_id + n, nid, deck_of[d], o, mod_of[d], due[n]))
        if len(rows) >= 5000:
            cur.executemany(_INSERT_CARD, rows)
            rows.clear()
    cur.executemany(_INSERT_CARD, rows)


_INSERT_NOTE = ("INSERT INTO notes (id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data)"
                " VALUES (?, ?, ?, ?, -1, ?, ?, ?, 0, 0, '')")
_INSERT_CARD = ("INSERT INTO cards (id, nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left,"
                " odue, odid, flags, data) VALUES (?, ?, ?, ?, ?, -1, 0, 0, ?, 0, 0, 0, 0, 0, 0, 0, 0, '')")
"""What every new note and card starts with is written into the statements: fewer values to bind per row."""


def _write_collection(cur: sqlite3.Cursor, decks: Mapping[str, int]) -> None:
    """Deck and note-type records, as genanki lays them out (at the fixed epoch: the same bytes every build)."""
    import genanki

    all_decks = json.loads(cur.execute("SELECT decks FROM col").fetchone()[0])
    for name, did in sorted(decks.items()):
        all_decks[str(did)] = genanki.Deck(did, name).to_json()
    types = {str(m.model_id): m.to_json(FORMAT_EPOCH, None) for m in models().values()}
    cur.execute("UPDATE col SET decks = ?, models = ?, crt = ?, mod = ?",
                (json.dumps(all_decks, sort_keys=True), json.dumps(types, sort_keys=True), FORMAT_EPOCH,
                 FORMAT_EPOCH * 1000))


def _zip(db: str, out: str, progress: Callable[[str, int, int], None] | None = None,
         media: Mapping[str, str] = {}) -> None:
    """The .apkg itself: the database, the media list and the media files (members "0", "1", ... in name
    order), deflated with fixed dates (genanki stores them uncompressed), the database on every core
    (see archive.py)."""
    names = sorted(media)
    listing = json.dumps({str(n): name for n, name in enumerate(names)}, sort_keys=True).encode() if names else b"{}"
    members = [("collection.anki2", db), ("media", listing)] + [(str(n), media[name]) for n, name in enumerate(names)]
    write_zip(out, members, progress=(lambda done, total: progress("compress", done, total)) if progress else None)


def read_doc_tags(path: str) -> set[str]:
    """The document tags (quizgen::doc::...) of the notes an existing .apkg holds, read from a copy of
    its collection opened read-only. Anything unreadable (not a zip, no collection, not SQLite) is a
    QuizgenError naming the file."""
    try:
        with zipfile.ZipFile(path) as z, scratch_path(path, ".db") as db:
            with z.open("collection.anki2") as src, open(db, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            conn = sqlite3.connect(f"{Path(os.path.abspath(db)).as_uri()}?mode=ro", uri=True)
            try:
                found = set()
                for (tags,) in conn.execute("SELECT tags FROM notes WHERE tags LIKE ?", (f"%{DOC_TAG}%",)):
                    found.update(t for t in tags.split() if t.startswith(DOC_TAG))
                return found
            finally:
                conn.close()
    except (zipfile.BadZipFile, KeyError, sqlite3.DatabaseError, OSError, EOFError, RuntimeError, ValueError,
            zlib.error, QuizgenError) as e:
        why = str(e).split(": ", 1)[1] if isinstance(e, QuizgenError) else str(e)
        raise QuizgenError(f"{path}: cannot read the existing deck ({why})") from None


NOT_OURS = "not a deck built by quizgen (quiz reads .apkg decks that `quizgen build` wrote, .json decks and documents)"

_CLOZE_TEXT = re.compile(r'\A<div class="qg-context">(.*?)</div>\n<div class="qg-front">(.*)</div>\Z', re.DOTALL)
_DELETION = re.compile(r"\{\{c1::(.*?)(?:::.*?)?\}\}", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_HREF = re.compile(r'<a href="([^"]*)"')
_POSTED = re.compile(r"Posted (.*)$")


def read(path: str) -> list[Card]:
    """The cards of an .apkg this module wrote (for the self-test), rebuilt from its notes, their deck
    and their tags; any other .apkg is refused with QuizgenError. Multiple-choice cards are never in one."""
    try:
        with zipfile.ZipFile(path) as z, tempfile.TemporaryDirectory(prefix="quizgen-") as tmp:
            if "collection.anki2" not in z.namelist():
                raise QuizgenError(f"{path}: {NOT_OURS}")
            db = z.extract("collection.anki2", tmp)
            return _read_collection(db, path)
    except (zipfile.BadZipFile, OSError, sqlite3.Error, ValueError, KeyError) as e:
        if isinstance(e, (zipfile.BadZipFile, sqlite3.DatabaseError)) and not isinstance(e, sqlite3.OperationalError):
            raise QuizgenError(f"{path}: {NOT_OURS}") from None
        raise QuizgenError(f"{path}: cannot read Anki deck: {' '.join(str(e).split())}") from None


def _read_collection(db: str, path: str) -> list[Card]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        decks_json, models_json = conn.execute("SELECT decks, models FROM col").fetchone()
        if not {str(QA_MODEL_ID), str(CLOZE_MODEL_ID)} & set(json.loads(models_json)):
            raise QuizgenError(f"{path}: {NOT_OURS}")
        names = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
        rows = conn.execute(
            "SELECT n.guid, n.mid, n.tags, n.flds, c.did FROM notes n JOIN cards c ON c.nid = n.id"
            " WHERE n.mid IN (?, ?) ORDER BY n.id", (QA_MODEL_ID, CLOZE_MODEL_ID)).fetchall()
    finally:
        conn.close()
    return [_card(guid, mid, tags.split(), flds.split("\x1f"), names.get(did, "")) for guid, mid, tags, flds, did in rows]


def _card(guid: str, mid: int, tags: list[str], fields: list[str], deck: str) -> Card:
    """One note back as the card it was made from (doc_key and key are not kept in a note: the id is)."""
    kind = next((t.split("::")[-1] for t in tags if t.startswith("quizgen::kind::")), "")
    subject = deck.split("::", 1)[-1]
    source = fields[-1]
    url = m.group(1) if (m := _HREF.search(source)) else ""
    date = m.group(1) if (m := _POSTED.search(source)) else ""
    common = dict(id=guid, doc_key="", key=guid, subject=subject, source_url=html.unescape(url),
                  date=html.unescape(date), tags=tuple(t for t in tags if not t.startswith("quizgen::doc::")))
    if mid == CLOZE_MODEL_ID:
        m = _CLOZE_TEXT.match(fields[0])
        context, front = (m.group(1), m.group(2)) if m else ("", fields[0])
        return Card(kind=kind or "cloze", context=context, front=front, back=fields[1], details=fields[2],
                    answers=_deletions(front + context), **common)
    kind = kind or "qa"
    answers = (_plain(fields[1]),) if kind == "step" and _plain(fields[1]) else ()
    return Card(kind=kind, context=fields[2], front=fields[0], back=fields[1], details=fields[3], answers=answers,
                **common)


def _deletions(text: str) -> tuple[str, ...]:
    """The answers of a cloze text: its c1 deletions as plain text, each once, leaving out one that is
    part of another (a term's own word hidden as a give-away is not typed twice)."""
    found: dict[str, str] = {}
    for deletion in _DELETION.findall(text):
        found.setdefault(_plain(deletion).casefold(), _plain(deletion))
    found = list(found.values())
    return tuple(d for d in found if d and not any(_part_of(d, o) for o in found))


def _part_of(a: str, b: str) -> bool:
    """`a` is a smaller part of `b`, by letters or by stems ('contracts' of 'Muscle Contraction')."""
    if a.casefold() != b.casefold() and a.casefold() in b.casefold():
        return True
    return bool(content_stems(a)) and content_stems(a) < content_stems(b)


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())
