"""JSON exporter: one documented, versioned format (quizgen/schema/deck.schema.json), streamed card by card."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources

from ..errors import QuizgenError
from ..model import CARD_FIELDS, Card
from ..text import strip_controls
from . import atomic_path
from .anki import DEFAULT_DECK, deck_name

FORMAT = "quizgen"
VERSION = 1
_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
"""json.dumps(record, ensure_ascii=False, sort_keys=True) without making an encoder for every card."""


def schema_text() -> str:
    """The JSON Schema of the format, as shipped inside the package."""
    return resources.files("quizgen").joinpath("schema/deck.schema.json").read_text(encoding="utf-8")


def card_record(card: Card, root: str, deck: str = "") -> dict:
    """A card as a JSON object: every Card field plus its full deck name (`deck`, default <root>::<subject>)."""
    record = {name: getattr(card, name) for name in CARD_FIELDS}
    record["deck"] = deck or deck_name(root, card.subject)
    return record


def write(cards: Iterable[Card], path: str, *, root: str = DEFAULT_DECK, decks: Mapping[str, str] = {}, **_) -> int:
    """Write the deck atomically, one card per line, never the whole deck as one string."""
    count = 0
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as out:
        out.write('{"format": "%s", "version": %d, "deck": %s, "cards": [' % (FORMAT, VERSION, json.dumps(root)))
        for card in cards:
            out.write(",\n" if count else "\n")
            out.write(_encode(card_record(card, root, decks.get(card.doc_key, ""))))
            count += 1
        out.write("\n]}\n")
    return count


@lru_cache(maxsize=1)
def _validator():
    """The shipped schema's validator (jsonschema is imported here: a build never needs it)."""
    import jsonschema

    schema = json.loads(schema_text())
    return jsonschema.validators.validator_for(schema)(schema)


def read(path: str) -> list[Card]:
    """The cards of a deck, refused in one line unless it is valid against the shipped schema.

    A deck file is input like any other: what it holds is checked, and control characters (an ESC that
    would start a terminal escape sequence, a BEL, Anki's field separator) are dropped from its text."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except RecursionError:
        raise QuizgenError(f"{path}: not a quizgen JSON deck: nested too deeply") from None
    except (OSError, ValueError) as e:
        raise QuizgenError(f"{path}: cannot read JSON deck: {_one_line(str(e))}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("cards"), list):
        raise QuizgenError(f"{path}: not a quizgen JSON deck")
    if data.get("version") != VERSION:
        version = _one_line(json.dumps(data.get("version")))
        raise QuizgenError(f"{path}: deck format version {version} is not supported (expected {VERSION})")
    try:
        from jsonschema.exceptions import best_match

        error = best_match(_validator().iter_errors(data))
    except RecursionError:
        raise QuizgenError(f"{path}: not a quizgen JSON deck: nested too deeply") from None
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "the deck"
        raise QuizgenError(f"{path}: not a valid quizgen JSON deck: at {where}: {_one_line(error.message)}")
    cards = []
    for rec in data["cards"]:
        values = {k: _clean(rec[k]) for k in CARD_FIELDS}
        for k in ("answers", "choices", "tags"):
            values[k] = tuple(values[k])
        cards.append(Card(**values))
    return cards


def _clean(value):
    """A JSON value with control characters dropped from every string in it."""
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {strip_controls(k): _clean(v) for k, v in value.items()}
    return value


def _one_line(text: str, most: int = 120) -> str:
    """An error's text as part of one line a terminal shows safely: no controls, no newlines, not too long."""
    text = " ".join(strip_controls(text.replace("\n", " ")).split())
    return text if len(text) <= most else text[:most - 1] + "…"
