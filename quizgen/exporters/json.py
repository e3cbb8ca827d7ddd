"""JSON exporter: one documented, versioned format (quizgen/schema/deck.schema.json), streamed card by card."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources

from ..errors import QuizgenError
from ..model import CARD_FIELDS, Card
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


def read(path: str) -> list[Card]:
    """The cards of a deck this module wrote (for the self-test)."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise QuizgenError(f"{path}: cannot read JSON deck: {e}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("cards"), list):
        raise QuizgenError(f"{path}: not a quizgen JSON deck")
    if data.get("version") != VERSION:
        raise QuizgenError(f"{path}: deck format version {data.get('version')} is not supported (expected {VERSION})")
    cards = []
    for n, rec in enumerate(data["cards"]):
        try:
            values = {k: rec[k] for k in CARD_FIELDS if k in rec}
            for k in ("answers", "choices", "tags"):
                values[k] = tuple(values.get(k, ()))
            cards.append(Card(**values))
        except (TypeError, KeyError) as e:
            raise QuizgenError(f"{path}: card {n} is malformed: {e}") from None
    return cards
